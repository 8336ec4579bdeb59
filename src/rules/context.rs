//! What a rule sees (`RuleCtx`) and where it puts what it finds (`Findings`).

use super::RuleMeta;
use crate::finding::{Finding, OperationArg};
use crate::model::{Estate, Operation, RecoveryPlan, ReplicatedItem, Timestamp};
use time::Duration;

/// Thresholds: the defaults, the configuration file's `[thresholds]`, the
/// command line's flags (`config`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// `--max-age`: how old a bundle may be (ASR902).
    pub max_age: Duration,
    /// `--max-rpo`: the highest acceptable RPO (ASR405).
    pub max_rpo: Duration,
    /// How long RPO may go uncalculated before it counts as stale (ASR405).
    pub rpo_stale_after: Duration,
    /// `--drill-max-age`: how long since the last successful test failover (ASR407).
    pub drill_max_age: Duration,
    /// `--agent-expiry-days`: warn when the agent expires within this (ASR406).
    pub agent_expiry: Duration,
    /// `--cert-expiry-days`: warn when a needed root or the agent certificate
    /// expires within this (ASR303, ASR304).
    pub cert_expiry: Duration,
    /// `--asr-lock-prefix`: the name prefix of locks Site Recovery sets itself.
    pub asr_lock_prefix: String,
    /// `--quota-headroom`: warn when a quota would be used above this percentage (ASR104).
    pub quota_headroom_percent: u8,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            max_age: Duration::hours(24),
            max_rpo: Duration::minutes(15),
            rpo_stale_after: Duration::hours(1),
            drill_max_age: Duration::days(180),
            agent_expiry: Duration::days(30),
            quota_headroom_percent: 90,
            asr_lock_prefix: "SiteRecovery-".to_string(),
            cert_expiry: Duration::days(90),
        }
    }
}

/// An item in scope and the operation checked for it.
#[derive(Clone, Copy, Debug)]
pub struct Scoped<'a> {
    pub item: &'a ReplicatedItem,
    pub operation: Operation,
}

/// Everything a rule may read.
pub struct RuleCtx<'a> {
    pub estate: &'a Estate,
    /// The items in scope, each with its operation.
    pub scope: &'a [Scoped<'a>],
    /// Items selected whose scenario this version does not model (VMware,
    /// physical, ...): no rule checks them but ASR905.
    pub unchecked: &'a [&'a crate::model::ReplicatedItem],
    /// True when `--vm` or `--plan` chose the items (then an unchecked one
    /// that was named makes the run incomplete).
    pub named: bool,
    /// `--operation` as given.
    pub operation: OperationArg,
    /// The recovery plan `--plan` named, if any.
    pub plan: Option<&'a RecoveryPlan>,
    /// The injected clock (`--now`).
    pub now: Timestamp,
    pub settings: &'a Settings,
    /// The whole configuration (acceptances, rules that run).
    pub config: &'a crate::config::Config,
    /// What the operations create per target region, computed once for all
    /// quota rules and the capacity table (`quota::demand`).
    pub(crate) demand: std::sync::OnceLock<crate::analysis::demand::Demand<'a>>,
}

impl<'a> RuleCtx<'a> {
    /// A context over `scope` (the shared computations start empty).
    pub fn new(
        estate: &'a Estate,
        scope: &'a [Scoped<'a>],
        unchecked: &'a [&'a crate::model::ReplicatedItem],
        operation: OperationArg,
        plan: Option<&'a RecoveryPlan>,
        now: Timestamp,
        config: &'a crate::config::Config,
    ) -> Self {
        RuleCtx {
            estate,
            scope,
            unchecked,
            named: false,
            operation,
            plan,
            now,
            settings: &config.settings,
            config,
            demand: std::sync::OnceLock::new(),
        }
    }

    /// The items in scope whose operation the rule applies to.
    pub fn items(&self, meta: &'static RuleMeta) -> impl Iterator<Item = &Scoped<'a>> {
        self.scope
            .iter()
            .filter(move |s| meta.applies_to(s.operation))
    }

    /// When the facts were true: the bundle's collection time; without a
    /// manifest, the newest time Azure reported in the bundle (it cannot be
    /// older than that); else `now`. Ages of facts reported by Azure (RPO
    /// calculation, heartbeat) are measured from here; the bundle's own age
    /// is ASR902's concern.
    pub fn observed_at(&self) -> Timestamp {
        let b = &self.estate.bundle;
        b.collected_at
            .or(b.newest_fact.map(|t| t.min(self.now)))
            .unwrap_or(self.now)
    }

    /// The display name of a source file.
    pub fn source(&self, id: crate::model::SourceId) -> String {
        self.estate.source_name(id).to_string()
    }

    /// Where an item was read: its file and the line it starts at.
    pub fn at(&self, item: &ReplicatedItem) -> crate::finding::Origin {
        crate::finding::Origin {
            file: self.source(item.source),
            line: item.line,
        }
    }
}

/// Collects one rule's findings.
#[derive(Default)]
pub struct Findings {
    found: Vec<Finding>,
}

impl Findings {
    pub fn push(&mut self, f: Finding) {
        self.found.push(f);
    }

    pub fn into_vec(self) -> Vec<Finding> {
        self.found
    }

    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }
}
