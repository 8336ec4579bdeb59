//! Replicated items (`replicationProtectedItems`) and what their state means.
//!
//! The state fields are free strings in the API; `allowedOperations` is the
//! authoritative gate. `Phase` reads both, testing membership, never comparing
//! fixed lists, so new values degrade to `Phase::Other`.

use super::operation::{AsrOperation, Operation};
use super::{Atom, ResourceId, SourceId, Timestamp};
use crate::open_enum;

open_enum! {
    /// `activeLocation`: which side the item currently runs on.
    pub enum ActiveLocation {
        Primary = "Primary",
        Recovery = "Recovery",
    }
}

open_enum! {
    /// `replicationHealth` / `failoverHealth`.
    pub enum Health {
        Normal = "Normal",
        Warning = "Warning",
        Critical = "Critical",
        None = "None",
    }
}

open_enum! {
    /// `providerSpecificDetails.instanceType`.
    pub enum ProviderKind {
        A2A = "A2A",
        HyperVReplicaAzure = "HyperVReplicaAzure",
        InMageRcm = "InMageRcm",
        InMageAzureV2 = "InMageAzureV2",
    }
}

/// Values of the state fields this version knows, each observed in
/// Microsoft's REST API examples or recordings (see
/// `../shared/domain/asr-facts.md` §1.3 and §4). A value outside them is an
/// unknown fact: ASR901 on the item, never a guess.
pub mod known {
    /// `protectionState`.
    pub const PROTECTION_STATES: &[&str] = &[
        "Protected",
        "UnplannedFailoverCommitPendingStatesBegin",
        "PlannedFailoverCommitRequired",
        "PlannedFailoverStatesBegin",
        "UnplannedFailoverCommitted",
    ];
    /// `testFailoverState`.
    pub const TEST_FAILOVER_STATES: &[&str] =
        &["None", "WaitingForCompletion", "MarkedForDeletion"];
    /// `currentScenario.scenarioName`: the idle sentinel `None`, the job
    /// scenarios observed on items and jobs, and the item operations of the
    /// API's `ReplicationProtectedItemOperation` (jobs are named after them).
    pub const SCENARIOS: &[&str] = &[
        "None",
        "TestFailover",
        "TestFailoverCleanup",
        "SwitchReplicationGroupProtection",
        "EnableDr",
        "DisableDr",
        "UnplannedFailover",
        "PlannedFailover",
        "Commit",
        "ReverseReplicate",
        "SwitchProtection",
        "Failback",
        "FinalizeFailback",
        "CancelFailover",
        "ChangePit",
        "RepairReplication",
        "CompleteMigration",
        "DisableProtection",
    ];
    /// `providerSpecificDetails.instanceType` (the API's discriminator values).
    pub const PROVIDERS: &[&str] = &[
        "A2A",
        "HyperVReplicaAzure",
        "InMageRcm",
        "InMageAzureV2",
        "InMage",
        "HyperVReplica2012",
        "HyperVReplica2012R2",
        "HyperVReplicaBaseReplicationDetails",
        "A2ACrossClusterMigration",
        "InMageRcmFailback",
    ];

    /// True when `value` is one of `set`, compared without case but exactly
    /// otherwise (`"Protected "` is not `Protected`: Azure never pads).
    pub fn is_known(set: &[&str], value: &str) -> bool {
        set.iter().any(|k| k.eq_ignore_ascii_case(value))
    }

    /// The words ASR's state and scenario names are made of (CamelCase
    /// enum names such as `UnplannedFailoverCommitPendingStatesBegin`,
    /// `SwitchReplicationGroupProtection`). The API leaves these sets open:
    /// a value built only of these words is a state this version can carry
    /// as text (the verdict then rests on `allowedOperations`); any other
    /// value — a stray word, padding, a number — is unknown.
    pub const STATE_WORDS: &[&str] = &[
        "Protected",
        "Unprotected",
        "Protecting",
        "Protection",
        "Planned",
        "Unplanned",
        "Failover",
        "Failback",
        "Commit",
        "Committed",
        "Committing",
        "Required",
        "Pending",
        "States",
        "State",
        "Begin",
        "End",
        "Reprotect",
        "Reprotecting",
        "Reverse",
        "Replicate",
        "Replicating",
        "Replication",
        "Enable",
        "Enabling",
        "Disable",
        "Disabling",
        "Dr",
        "Cancel",
        "Canceled",
        "Cancelled",
        "Canceling",
        "Repair",
        "Repairing",
        "Resync",
        "Resynchronize",
        "Resynchronizing",
        "Resynchronization",
        "Migration",
        "Migrating",
        "Migrate",
        "Complete",
        "Completed",
        "Completing",
        "Test",
        "Cleanup",
        "In",
        "Progress",
        "Initiated",
        "Transition",
        "Finalize",
        "Finalizing",
        "Switch",
        "Group",
        "Initial",
        "Synchronization",
        "Sync",
        "Failed",
        "Change",
        "Pit",
        "Update",
        "Mobility",
        "Service",
        "Recovery",
        "Point",
        "Apply",
    ];

    /// True when `value` is CamelCase made only of `STATE_WORDS`.
    pub fn is_state_name(value: &str) -> bool {
        if value.is_empty() || !value.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return false;
        }
        let mut words = Vec::new();
        let mut start = 0;
        for (i, c) in value.char_indices().skip(1) {
            if c.is_ascii_uppercase() {
                words.push(&value[start..i]);
                start = i;
            }
        }
        words.push(&value[start..]);
        words.iter().all(|w| STATE_WORDS.contains(w))
    }
}

/// What a damaged or unknown fact of an item is needed for: the state is
/// needed by every operation (it selects the operation and what it may do);
/// the others by the rules that read them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Need {
    /// Where the item stands: states, scenario, `allowedOperations`, provider.
    State,
    /// `replicationHealth` and `healthErrors` (ASR404).
    Health,
    /// `lastSuccessfulTestFailoverTime` (ASR407).
    DrillAge,
}

/// A fact of an item that is missing, of the wrong type, contradictory or
/// of a value this version does not know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unknown {
    /// The field as ARM spells it (`protectionState`, `providerSpecificDetails.instanceType`).
    pub field: String,
    /// What was there, bounded and escaped: `absent`, `null`, `` `"Bananas"` ``, or why.
    pub seen: String,
    pub need: Need,
}

/// One entry of `healthErrors` (inner errors flattened after their parent).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HealthError {
    pub code: Option<Atom>,
    pub level: Option<Atom>,
    pub message: Option<String>,
    pub possible_causes: Option<String>,
    pub recommended_action: Option<String>,
    pub created: Option<Timestamp>,
}

/// ASR writes 9999-12-31 for an agent or certificate that never expires.
pub fn never_expires(t: Timestamp) -> bool {
    t.year() >= 9999
}

/// `currentScenario`, when a scenario is really running (not the `None` sentinel).
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub name: String,
    pub job_id: Option<ResourceId>,
    pub started: Option<Timestamp>,
}

/// A replicated managed or unmanaged disk.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProtectedDisk {
    /// The source disk id (`diskId`), or the VHD URI for unmanaged disks.
    pub disk_id: Option<ResourceId>,
    pub name: Option<String>,
    pub disk_type: Option<Atom>,
    pub capacity_bytes: Option<i64>,
    /// LUN when the provider reports it (Hyper-V `lunId`).
    pub lun: Option<i64>,
    pub state: Option<Atom>,
    pub resync_required: bool,
    /// `recoveryReplicaDiskAccountType`: the storage type of the replica disk
    /// in the recovery region (`Premium_LRS`, `Premium_ZRS`, ...).
    pub replica_account_type: Option<Atom>,
    /// `recoveryTargetDiskAccountType`: the storage type of the disk a
    /// failover creates.
    pub target_account_type: Option<Atom>,
}

/// An entry of A2A `unprotectedDisks`: a data disk attached to the VM that is
/// not replicated.
#[derive(Clone, Debug, PartialEq)]
pub struct UnprotectedDisk {
    pub lun: Option<i64>,
    /// `diskAutoProtectionStatus`: `Enabled` means ASR will pick it up itself.
    pub auto_protection: Option<Atom>,
}

/// A NIC the item will create on failover.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ItemNic {
    pub source_nic_id: Option<ResourceId>,
    pub recovery_network_id: Option<ResourceId>,
    pub tfo_network_id: Option<ResourceId>,
    /// `vMNetworkName`: the network of the NIC on the primary side — where a
    /// reprotect replicates back to, and so where a later failback lands.
    pub source_network_id: Option<ResourceId>,
}

/// Provider-specific details common to A2A and Hyper-V-to-Azure items.
#[derive(Clone, Debug, PartialEq)]
pub struct Replication {
    pub kind: ProviderKind,
    /// The VM being replicated (`fabricObjectId`; for A2A the source VM id).
    pub vm_id: Option<ResourceId>,
    /// The failed-over VM (`recoveryFabricObjectId`).
    pub recovery_vm_id: Option<ResourceId>,
    pub primary_location: Option<Atom>,
    pub recovery_location: Option<Atom>,
    pub initial_primary_location: Option<Atom>,
    pub initial_recovery_location: Option<Atom>,
    pub recovery_vm_name: Option<String>,
    pub recovery_vm_size: Option<Atom>,
    pub recovery_resource_group: Option<ResourceId>,
    pub recovery_zone: Option<Atom>,
    /// `recoveryCapacityReservationGroupId`: the group the failed-over VM is placed in.
    pub recovery_capacity_reservation_group: Option<ResourceId>,
    pub primary_zone: Option<Atom>,
    pub recovery_network: Option<ResourceId>,
    pub tfo_network: Option<ResourceId>,
    pub vm_protection_state: Option<Atom>,
    pub vm_protection_state_description: Option<Atom>,
    pub rpo_seconds: Option<i64>,
    pub last_rpo_calculated: Option<Timestamp>,
    pub last_heartbeat: Option<Timestamp>,
    pub agent_version: Option<Atom>,
    pub agent_expiry: Option<Timestamp>,
    pub agent_certificate_expiry: Option<Timestamp>,
    pub agent_update_required: Option<bool>,
    pub agent_certificate_update_required: Option<bool>,
    pub agent_reinstall_required: Option<bool>,
    pub monitoring_job_type: Option<Atom>,
    pub monitoring_percentage: Option<i64>,
    pub os_type: Option<Atom>,
    pub protected_disks: Vec<ProtectedDisk>,
    /// `None` when the field was absent; `Some(vec![])` when the API says none.
    pub unprotected_disks: Option<Vec<UnprotectedDisk>>,
    pub auto_protection_of_data_disk: Option<Atom>,
    pub nics: Vec<ItemNic>,
}

/// A replicated item (`replicationProtectedItems`).
#[derive(Clone, Debug, PartialEq)]
pub struct ReplicatedItem {
    pub id: ResourceId,
    /// `friendlyName` (the VM name), else the id's last segment.
    pub name: String,
    pub source: SourceId,
    /// The line of `source` where the item starts, when known.
    pub line: Option<u32>,
    pub protection_state: Option<Atom>,
    pub protection_state_description: Option<Atom>,
    pub active_location: Option<ActiveLocation>,
    pub test_failover_state: Option<Atom>,
    pub test_failover_state_description: Option<Atom>,
    pub allowed_operations: Option<Vec<AsrOperation>>,
    pub replication_health: Option<Health>,
    pub failover_health: Option<Health>,
    pub health_errors: Vec<HealthError>,
    pub current_scenario: Option<Scenario>,
    pub last_successful_failover: Option<Timestamp>,
    pub last_successful_test_failover: Option<Timestamp>,
    /// `recoveryServicesProviderId`: the provider (VMM server, Hyper-V host)
    /// that serves the item's on-premises side. Kept for Hyper-V items only:
    /// no check reads an A2A item's.
    pub provider_id: Option<ResourceId>,
    pub primary_fabric_name: Option<Atom>,
    pub recovery_fabric_name: Option<Atom>,
    /// Boxed: it is half of an item, and the items list is joined from
    /// the parts read in parallel (each item moved once, its details not).
    pub replication: Option<Box<Replication>>,
    /// Facts of this item that are not known (fail closed on what needs them).
    pub unknowns: Vec<Unknown>,
    /// `phase()`, computed once: every rule asks.
    pub(crate) phase_cache: std::sync::OnceLock<Phase>,
}

/// Case-insensitive (ASCII) substring test, without allocating: it runs for
/// every item in every rule.
fn contains_ignore_case(hay: &str, needle: &str) -> bool {
    super::id::find_ignore_case(hay.as_bytes(), needle.as_bytes()).is_some()
}

/// Where an item stands in the failover cycle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Phase {
    /// A test failover finished and waits for cleanup.
    TestFailoverCleanupPending,
    /// Replicating normally.
    Protected,
    /// Failed over, not committed.
    CommitPending,
    /// Failover committed; replication has not been turned back on.
    FailedOver,
    /// A scenario (job) is running on the item.
    InProgress(String),
    /// A state this version does not recognise.
    Other(String),
}

impl ReplicatedItem {
    /// The unknown facts of this item that `need` depends on.
    pub fn unknown(&self, need: Need) -> impl Iterator<Item = &Unknown> {
        self.unknowns.iter().filter(move |u| u.need == need)
    }

    /// True when where the item stands is not known: a state fact is
    /// damaged or unknown, or the states combine in a way this version does
    /// not recognise.
    pub fn state_unknown(&self) -> bool {
        self.unknown(Need::State).next().is_some() || matches!(self.phase(), Phase::Other(_))
    }

    /// True when `allowedOperations` lists `op`.
    pub fn allows(&self, op: &AsrOperation) -> bool {
        self.allowed_operations
            .as_ref()
            .is_some_and(|ops| ops.contains(op))
    }

    /// True when a state field contains `needle` (ASCII, any case).
    fn state_contains(&self, needle: &str) -> bool {
        [&self.protection_state, &self.protection_state_description]
            .into_iter()
            .flatten()
            .chain(
                self.replication
                    .as_ref()
                    .and_then(|r| r.vm_protection_state.as_ref()),
            )
            .any(|s| contains_ignore_case(s, needle))
    }

    /// A test failover awaits cleanup.
    pub fn test_failover_cleanup_pending(&self) -> bool {
        let waiting = self
            .test_failover_state
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("WaitingForCompletion"));
        let scenario_tfo = self
            .current_scenario
            .as_ref()
            .is_some_and(|s| s.name.eq_ignore_ascii_case("TestFailover"));
        waiting
            || (scenario_tfo && self.allows(&AsrOperation::TestFailoverCleanup))
            || self.state_contains("cleanup test failover pending")
    }

    /// A failover completed and is not committed yet.
    pub fn commit_pending(&self) -> bool {
        self.allows(&AsrOperation::Commit)
            || self.state_contains("commitpending")
            || self.state_contains("commitrequired")
    }

    /// Where the item stands, from its state fields.
    pub fn phase(&self) -> Phase {
        self.phase_cache
            .get_or_init(|| self.compute_phase())
            .clone()
    }

    fn compute_phase(&self) -> Phase {
        if self.test_failover_cleanup_pending() {
            return Phase::TestFailoverCleanupPending;
        }
        if self.commit_pending() {
            return Phase::CommitPending;
        }
        if let Some(s) = &self.current_scenario {
            return Phase::InProgress(s.name.clone());
        }
        let recovery = self.active_location == Some(ActiveLocation::Recovery);
        let state = self.protection_state.as_deref().unwrap_or("");
        if recovery
            && (self.state_contains("committed")
                || self.allows(&AsrOperation::SwitchProtection)
                || self.allows(&AsrOperation::ReverseReplicate)
                || self.allows(&AsrOperation::Failback))
        {
            return Phase::FailedOver;
        }
        // Hyper-V: a failback (planned failover from Azure) committed on
        // premises leaves the VM unprotected until Reverse Replicate (seed 004).
        if self.is_hyper_v() && self.allows(&AsrOperation::ReverseReplicate) {
            return Phase::FailedOver;
        }
        if state.eq_ignore_ascii_case("Protected") {
            return Phase::Protected;
        }
        Phase::Other(state.to_string())
    }

    /// True unless the item's provider is a known scenario this version does
    /// not model (VMware/physical, Hyper-V to a secondary site, …): Azure to
    /// Azure and Hyper-V to Azure are modeled, and missing or unknown provider
    /// details stay in scope so that the rules report what they lack.
    pub fn modeled(&self) -> bool {
        self.replication.as_ref().is_none_or(|r| {
            matches!(r.kind, ProviderKind::A2A | ProviderKind::HyperVReplicaAzure)
                // An absent or unknown provider is an unknown state (ASR901),
                // not another scenario.
                || !known::is_known(known::PROVIDERS, r.kind.as_str())
        })
    }

    /// True for a Hyper-V to Azure item.
    pub fn is_hyper_v(&self) -> bool {
        self.replication
            .as_ref()
            .is_some_and(|r| r.kind == ProviderKind::HyperVReplicaAzure)
    }

    /// True when the item replicates in the reverse direction (after a
    /// reprotect): its primary is not the region protection started from.
    pub fn is_reversed(&self) -> bool {
        let Some(r) = &self.replication else {
            return false;
        };
        match (&r.initial_primary_location, &r.primary_location) {
            (Some(initial), Some(now)) if !initial.is_empty() && !now.is_empty() => {
                !initial.eq_ignore_ascii_case(now)
            }
            _ => {
                r.kind == ProviderKind::HyperVReplicaAzure
                    && self.active_location == Some(ActiveLocation::Recovery)
                    && self.phase() == Phase::Protected
            }
        }
    }

    /// The operation this item's state leads to (`--operation next`).
    pub fn next_operation(&self) -> Operation {
        match self.phase() {
            Phase::CommitPending => Operation::Commit,
            Phase::FailedOver => {
                let reprotect = Operation::Reprotect
                    .asr_actions()
                    .iter()
                    .any(|a| self.allows(a));
                if !reprotect && self.allows(&AsrOperation::Failback) {
                    Operation::Failback
                } else {
                    Operation::Reprotect
                }
            }
            _ if self.is_reversed() => Operation::Failback,
            // A Hyper-V VM running in Azure with a job in progress is in the
            // middle of its failback (the only gesture from Azure).
            Phase::InProgress(_)
                if self.is_hyper_v() && self.active_location == Some(ActiveLocation::Recovery) =>
            {
                Operation::Failback
            }
            _ => Operation::Failover,
        }
    }

    /// The item's state in an operator's words.
    pub fn describe_state(&self) -> String {
        let raw = self
            .protection_state_description
            .as_deref()
            .or(self.protection_state.as_deref())
            .unwrap_or("unknown");
        match self.phase() {
            Phase::TestFailoverCleanupPending => {
                "a test failover finished and is waiting for cleanup".to_string()
            }
            Phase::CommitPending => "failover completed but not committed".to_string(),
            Phase::FailedOver
                if self.is_hyper_v() && self.active_location != Some(ActiveLocation::Recovery) =>
            {
                "failback committed on premises; not protected until Reverse Replicate".to_string()
            }
            Phase::FailedOver if self.is_hyper_v() => {
                "failover to Azure committed; running in Azure, next: failback (a planned failover from Azure)".to_string()
            }
            Phase::FailedOver => "failover committed; replication not yet reversed".to_string(),
            Phase::Protected if self.is_reversed() => {
                format!("protected in the reverse direction{}", self.direction())
            }
            Phase::Protected => format!("protected{}", self.direction()),
            Phase::InProgress(s) => format!("`{s}` in progress ({raw}){}", self.progress()),
            Phase::Other(_) => format!("`{raw}`{}", self.progress()),
        }
    }

    /// `; initial replication 45% complete` when ASR reports a monitoring job.
    pub fn progress(&self) -> String {
        let Some(r) = &self.replication else {
            return String::new();
        };
        match (&r.monitoring_job_type, r.monitoring_percentage) {
            (Some(job), Some(pct)) => format!("; `{job}` {pct}% complete"),
            (Some(job), None) => format!("; `{job}` running"),
            _ => String::new(),
        }
    }

    /// ` (primary → recovery)` when both regions are known.
    pub fn direction(&self) -> String {
        match self
            .replication
            .as_ref()
            .and_then(|r| Some((r.primary_location.as_ref()?, r.recovery_location.as_ref()?)))
        {
            Some((p, r)) => format!(" ({p} → {r})"),
            None => String::new(),
        }
    }

    /// The VM whose disks are replicated (`fabricObjectId`).
    pub fn vm_id(&self) -> Option<&ResourceId> {
        self.replication.as_ref()?.vm_id.as_ref()
    }

    /// The vault the item belongs to.
    pub fn vault_id(&self) -> Option<ResourceId> {
        self.id.vault_id()
    }
}

#[cfg(test)]
mod tests {
    use super::known::is_state_name;

    #[test]
    fn state_names_are_made_of_asr_state_words() {
        for ok in [
            "Protected",
            "UnplannedFailoverCommitPendingStatesBegin",
            "PlannedFailoverCommitted",
            "SwitchReplicationGroupProtection",
            "EnableDr",
        ] {
            assert!(is_state_name(ok), "{ok}");
        }
        for bad in [
            "Bananas",
            "Protected ",
            "5",
            "",
            "Frobnicate",
            "protected",
            "Protected\n",
        ] {
            assert!(!is_state_name(bad), "{bad:?}");
        }
    }
}
