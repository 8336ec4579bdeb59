//! The rule catalog: one rule per file, grouped by category, listed in one
//! static registry. Rules are pure: they read `RuleCtx` and push findings;
//! they never read files, the network or the clock.

pub mod acceptance;
pub mod cert;
mod context;
pub mod disk;
pub mod facts;
pub mod hyperv;
pub mod lock;
pub mod quota;
pub mod region;
pub mod replication;

pub use context::{Findings, RuleCtx, Scoped, Settings};

use crate::finding::Level;
use crate::model::Operation;
use serde::Serialize;

/// What a rule is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Quota,
    Disk,
    Certificate,
    Replication,
    Lock,
    Region,
    #[serde(rename = "hyper-v")]
    HyperV,
    Facts,
    /// The configuration's own acceptances.
    Config,
}

/// A rule's metadata: everything but its logic.
#[derive(Debug, Serialize)]
pub struct RuleMeta {
    /// Stable public code (`ASR201`); never reused or renumbered.
    pub code: &'static str,
    /// Kebab-case name of the problem (`disk-not-protected`).
    pub name: &'static str,
    pub category: Category,
    /// The level its findings have unless the rule says otherwise.
    pub level: Level,
    /// The operations it applies to.
    pub operations: &'static [Operation],
    /// One line: what it checks.
    pub summary: &'static str,
    /// The user docs (`rules/<name>/README.md`).
    #[serde(skip)]
    pub docs: &'static str,
}

impl RuleMeta {
    pub fn applies_to(&self, op: Operation) -> bool {
        self.operations.contains(&op)
    }
}

/// A check over the estate.
pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    /// Pushes findings for the items in scope. Pure: no I/O, no clock.
    /// (The rules about acceptances find nothing in the estate: they
    /// implement `review` only.)
    fn check(&self, _ctx: &RuleCtx, _out: &mut Findings) {}
    /// Runs once the other rules' findings are judged: `used[i]` tells
    /// whether acceptance `i` of `ctx.config.accept` accepted one.
    fn review(&self, _ctx: &RuleCtx, _used: &[bool], _out: &mut Findings) {}
}

/// Every rule, ordered by code.
pub static RULES: &[&dyn Rule] = &[
    &quota::target_family_quota_exceeded::TargetFamilyQuotaExceeded,
    &quota::target_regional_quota_exceeded::TargetRegionalQuotaExceeded,
    &quota::target_size_unavailable::TargetSizeUnavailable,
    &quota::target_quota_headroom_low::TargetQuotaHeadroomLow,
    &quota::target_nic_quota_exceeded::TargetNicQuotaExceeded,
    &disk::disk_not_protected::DiskNotProtected,
    &disk::reprotect_temp_disks_left::ReprotectTempDisksLeft,
    &disk::target_disk_type_unsupported::TargetDiskTypeUnsupported,
    &cert::trusted_root_missing::TrustedRootMissing,
    &cert::trusted_root_expired::TrustedRootExpired,
    &cert::trusted_root_expiring::TrustedRootExpiring,
    &cert::agent_certificate_expiring::AgentCertificateExpiring,
    &replication::failover_not_committed::FailoverNotCommitted,
    &replication::operation_not_allowed::OperationNotAllowed,
    &replication::test_failover_cleanup_pending::TestFailoverCleanupPending,
    &replication::replication_unhealthy::ReplicationUnhealthy,
    &replication::rpo_threshold_exceeded::RpoThresholdExceeded,
    &replication::agent_update_required::AgentUpdateRequired,
    &replication::drill_overdue::DrillOverdue,
    &lock::lock_blocks_operation::LockBlocksOperation,
    &lock::site_recovery_lock_stale::SiteRecoveryLockStale,
    &lock::lock_blocks_cleanup::LockBlocksCleanup,
    &region::region_unavailable::RegionUnavailable,
    &region::source_resource_group_missing::SourceResourceGroupMissing,
    &region::source_vm_missing::SourceVmMissing,
    &region::target_network_missing::TargetNetworkMissing,
    &region::test_network_not_isolated::TestNetworkNotIsolated,
    &hyperv::provider_disconnected::ProviderDisconnected,
    &hyperv::complete_failover_pending::CompleteFailoverPending,
    &hyperv::failback_sync_advice::FailbackSyncAdvice,
    &facts::facts_missing::FactsMissing,
    &facts::snapshot_stale::SnapshotStale,
    &acceptance::acceptance_expired::AcceptanceExpired,
    &acceptance::acceptance_unused::AcceptanceUnused,
    &facts::scenario_not_checked::ScenarioNotChecked,
];

/// Finds a rule by code (`ASR201`) or name (`disk-not-protected`), any case.
pub fn lookup(key: &str) -> Option<&'static dyn Rule> {
    let key = key.trim();
    RULES.iter().copied().find(|r| {
        r.meta().code.eq_ignore_ascii_case(key) || r.meta().name.eq_ignore_ascii_case(key)
    })
}
