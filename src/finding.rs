//! Findings: what a rule found, as data. Wording is built by the rule that
//! found it; rendering is left to `render`.

use crate::model::{Atom, Operation, ReplicatedItem, ResourceId};
use crate::rules::RuleMeta;
use serde::Serialize;
use std::cmp::Ordering;

/// How much a finding matters. Ordered: `Info < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Worth knowing; never blocks unless `--fail-on info`.
    Info,
    /// Should be fixed; blocks with `--fail-on warning`.
    Warning,
    /// Will stop the operation; blocks by default.
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// The operation a finding is about: one operation, or `next` for findings
/// about the whole run (bundle age, failed requests) under `--operation next`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OperationArg {
    Next,
    Op(Operation),
}

impl OperationArg {
    pub fn as_str(self) -> &'static str {
        match self {
            OperationArg::Next => "next",
            OperationArg::Op(o) => o.as_str(),
        }
    }
}

impl Serialize for OperationArg {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// What a finding is about.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Subject {
    /// The full resource id (the VM where known, else the replicated item, the
    /// bundle or the request).
    pub id: Atom,
    /// The friendly name.
    pub name: String,
    #[serde(rename = "type")]
    pub kind: Atom,
    /// The replicated item, when the subject is a protected VM.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<Atom>,
    /// The Recovery Services vault of the item (or of the vault's own
    /// resource: a job, a plan), so that a fleet's findings group by vault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vault: Option<Atom>,
    /// The vaults whose items share the subject (a quota counter that the
    /// items of several vaults draw on), when more than one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub vaults: Vec<String>,
}

impl Subject {
    /// The protected VM behind a replicated item (its item id alongside).
    pub fn item(item: &ReplicatedItem) -> Subject {
        let vault = item.vault_id().map(|v| Atom::new(&v.text()));
        match item.vm_id() {
            Some(vm) => Subject {
                id: Atom::new(&vm.text()),
                name: item.name.clone(),
                kind: Atom::new("Microsoft.Compute/virtualMachines"),
                item: Some(Atom::new(&item.id.text())),
                vault,
                vaults: Vec::new(),
            },
            None => Subject {
                id: Atom::new(&item.id.text()),
                name: item.name.clone(),
                kind: Atom::new("Microsoft.RecoveryServices/vaults/replicationFabrics/replicationProtectionContainers/replicationProtectedItems"),
                item: None,
                vault,
                vaults: Vec::new(),
            },
        }
    }

    /// The vault the subject belongs to (its own, or its item's).
    pub fn vault_key(&self) -> Option<String> {
        self.vault.as_deref().map(|v| v.to_ascii_lowercase())
    }

    /// Any resource by id.
    pub fn resource(id: &ResourceId, name: &str) -> Subject {
        Subject {
            id: Atom::new(&id.text()),
            name: name.to_string(),
            kind: Atom::new(&id.resource_type().unwrap_or_default()),
            item: None,
            vault: id.vault_id().map(|v| Atom::new(&v.text())),
            vaults: Vec::new(),
        }
    }

    /// Something that is not an Azure resource: the bundle, a request.
    pub fn other(id: &str, name: &str, kind: &str) -> Subject {
        Subject {
            id: Atom::new(id),
            name: name.to_string(),
            kind: Atom::new(kind),
            item: None,
            vault: None,
            vaults: Vec::new(),
        }
    }
}

/// One fact a finding rests on, and where it came from.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Evidence {
    pub fact: String,
    /// The file: a bundle file by its name in the bundle, or (`local`) a
    /// file of the run itself, such as the configuration file.
    pub source: String,
    /// The line of the fact in `source`, where known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// True when `source` is not a bundle file but a path from the current
    /// directory (SARIF and annotations then do not prefix it).
    #[serde(skip)]
    pub local: bool,
    /// False when `source` names no file (a directory a file was looked for
    /// in, a command-line flag): SARIF and annotations then point elsewhere.
    #[serde(skip)]
    pub is_file: bool,
}

/// Where a fact was read: a bundle file, and its line when the loader knows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    pub line: Option<u32>,
}

impl From<String> for Origin {
    fn from(file: String) -> Origin {
        Origin { file, line: None }
    }
}

impl From<&str> for Origin {
    fn from(file: &str) -> Origin {
        Origin::from(file.to_string())
    }
}

impl From<&String> for Origin {
    fn from(file: &String) -> Origin {
        Origin::from(file.clone())
    }
}

/// The file's name (what messages quote).
impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.file)
    }
}

impl Evidence {
    /// `file` or `file:line`, as reports cite it.
    pub fn place(&self) -> String {
        match self.line {
            Some(l) => format!("{}:{l}", self.source),
            None => self.source.clone(),
        }
    }
}

/// Several things wrong with one subject, each with its level and the fact
/// that shows it: reported as one finding at the worst level.
#[derive(Debug, Default)]
pub struct Problems(Vec<(Level, String, String)>);

impl Problems {
    pub fn push(&mut self, level: Level, what: String, fact: String) {
        self.0.push((level, what, fact));
    }

    /// The worst level, or `None` when nothing is wrong.
    pub fn level(&self) -> Option<Level> {
        self.0.iter().map(|p| p.0).max()
    }

    /// What is wrong, in the order found, joined with `sep`.
    pub fn joined(&self, sep: &str) -> String {
        let what: Vec<&str> = self.0.iter().map(|p| p.1.as_str()).collect();
        what.join(sep)
    }

    /// `f` at the worst level, with each problem's fact as evidence from `source`.
    pub fn apply(self, mut f: Finding, source: &crate::finding::Origin) -> Finding {
        if let Some(level) = self.level() {
            f.level = level;
        }
        for (_, _, fact) in self.0 {
            f = f.with_evidence(fact, source.clone());
        }
        f
    }
}

/// A finding: one problem, on one subject, for one operation.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub name: &'static str,
    pub level: Level,
    pub operation: OperationArg,
    pub subject: Subject,
    pub message: String,
    pub evidence: Vec<Evidence>,
    pub help: String,
    /// Accepted (`--accept`, or `[[accept]]` in the config file): reported
    /// at info level, never blocking.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub accepted: bool,
    /// Who accepted it, why and until when.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acceptance: Option<Accepted>,
    /// The resource the finding is about within its subject, when a rule
    /// can find the same problem more than once on one subject (a disk of
    /// a VM, a lock, a health error): part of the fingerprint, not shown.
    #[serde(skip)]
    pub key: Option<String>,
    /// The stable identity of the finding across runs (`Finding::fingerprint_of`),
    /// set once the report is assembled.
    pub fingerprint: String,
    /// With `--baseline`: `new`, or `unchanged` (in the baseline, so not blocking).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineState>,
}

/// An acceptance as the report shows it.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Accepted {
    /// Where it was declared: `asr-preflight.toml:14`, or `--accept ASR201:app-01`.
    pub by: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The last day it accepts (`YYYY-MM-DD`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

/// A finding compared with `--baseline`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BaselineState {
    /// Not in the baseline: it blocks as usual.
    New,
    /// In the baseline: reported, never blocking.
    Unchanged,
}

impl Finding {
    /// A finding of `meta`'s rule at its default level.
    pub fn new(
        meta: &'static RuleMeta,
        operation: OperationArg,
        subject: Subject,
        message: String,
        help: String,
    ) -> Finding {
        Finding {
            code: meta.code,
            name: meta.name,
            level: meta.level,
            operation,
            subject,
            message,
            evidence: Vec::new(),
            help,
            accepted: false,
            acceptance: None,
            key: None,
            fingerprint: String::new(),
            baseline: None,
        }
    }

    /// Names the resource within the subject this finding is about (see `key`).
    pub fn keyed(mut self, key: impl Into<String>) -> Finding {
        self.key = Some(key.into());
        self
    }

    /// The fingerprint: SHA-256 over the rule code, the subject's id, the
    /// operation and the key — never the message, whose numbers change
    /// from run to run. Ids compare case-insensitively, as ARM's do.
    pub fn fingerprint_of(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        let subject = self.subject.id.to_ascii_lowercase();
        let key = self.key.as_deref().unwrap_or("").to_ascii_lowercase();
        for part in [
            self.code,
            "\0",
            &subject,
            "\0",
            self.operation.as_str(),
            "\0",
            &key,
        ] {
            h.update(part.as_bytes());
        }
        h.finalize()[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// True when a baseline may carry this finding: never for missing or
    /// stale facts (ASR901, ASR902), an expired acceptance (ASR903) or an
    /// unchecked scenario (ASR905) — a baseline must not turn an unknown
    /// into a pass.
    pub fn baselinable(&self) -> bool {
        !matches!(self.code, "ASR901" | "ASR902" | "ASR903" | "ASR905")
    }

    /// True when the gate counts it: not accepted, not unchanged from the baseline.
    pub fn counts(&self) -> bool {
        !self.accepted && self.baseline != Some(BaselineState::Unchanged)
    }

    /// Sets the level (a rule may report below its default, e.g. a warning
    /// for `replicationHealth: Warning`).
    pub fn with_level(mut self, level: Level) -> Finding {
        self.level = level;
        self
    }

    /// Adds a fact and its source.
    pub fn with_evidence(mut self, fact: impl Into<String>, source: impl Into<Origin>) -> Finding {
        let origin = source.into();
        self.evidence.push(Evidence {
            fact: fact.into(),
            source: origin.file,
            line: origin.line,
            local: false,
            is_file: true,
        });
        self
    }

    /// Adds a fact whose `source` names no file: the place it was looked for
    /// (`certs/`), or the command-line flag it came from.
    pub fn with_evidence_from(mut self, fact: String, place: String) -> Finding {
        self.evidence.push(Evidence {
            fact,
            source: place,
            line: None,
            local: false,
            is_file: false,
        });
        self
    }

    /// Adds a fact at a line of a file of the run itself (not of the bundle).
    pub fn with_local_evidence(mut self, fact: String, path: String, line: u32) -> Finding {
        self.evidence.push(Evidence {
            fact,
            source: path,
            line: Some(line),
            local: true,
            is_file: true,
        });
        self
    }

    /// `with_evidence` when there is some (`(fact, source)`).
    pub fn with_evidence_if(self, evidence: Option<(String, String)>) -> Finding {
        match evidence {
            Some((fact, source)) => self.with_evidence(fact, source),
            None => self,
        }
    }

    /// True for `ASR901` (not accepted): the run is incomplete, not blocked.
    pub fn is_missing_fact(&self) -> bool {
        self.code == crate::rules::facts::FACTS_MISSING.code && !self.accepted
    }

    /// Marks the finding accepted: info level, with the acceptance said.
    pub fn accept(&mut self, by: Accepted) {
        self.accepted = true;
        self.level = Level::Info;
        let why = by
            .reason
            .as_deref()
            .map(|r| format!(": {r}"))
            .unwrap_or_default();
        self.message
            .push_str(&format!(" (accepted by {}{why})", by.by));
        self.acceptance = Some(by);
    }

    /// The deterministic report order: severity (worst first), code,
    /// subject id (case-insensitive), message.
    pub fn report_order(&self, other: &Finding) -> Ordering {
        other
            .level
            .cmp(&self.level)
            .then_with(|| self.code.cmp(other.code))
            .then_with(|| {
                // Without case, and without lower-casing copies: a report
                // at 100,000 items sorts tens of thousands of findings.
                fn folded(id: &str) -> impl Iterator<Item = u8> + '_ {
                    id.bytes().map(|b| b.to_ascii_lowercase())
                }
                folded(&self.subject.id).cmp(folded(&other.subject.id))
            })
            .then_with(|| self.message.cmp(&other.message))
            .then_with(|| self.operation.cmp(&other.operation))
            .then_with(|| self.subject.id.cmp(&other.subject.id))
    }
}
