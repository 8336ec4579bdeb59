//! What the bundle says about its own completeness: which fact kinds were
//! collected, which requests failed, which resources are known not to exist.

use super::{ResourceId, SourceId, Timestamp};

/// A kind of fact a rule may need.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FactKind {
    ReplicatedItems,
    RecoveryPlans,
    Jobs,
    Policies,
    RecoveryPoints,
    VirtualMachines,
    Disks,
    NetworkInterfaces,
    VirtualNetworks,
    StorageAccounts,
    Locks,
    ResourceGroups,
    Locations,
    ComputeUsages,
    NetworkUsages,
    Skus,
    ResourceHealth,
    Vaults,
    CapacityReservations,
    Providers,
    Other,
}

impl FactKind {
    /// Kinds listed per subscription (`az lock list`, `az vm list`, ...): a
    /// list of them says nothing about subscriptions it was not taken from.
    pub fn is_per_subscription(self) -> bool {
        matches!(
            self,
            FactKind::Locks
                | FactKind::ResourceGroups
                | FactKind::VirtualMachines
                | FactKind::Disks
                | FactKind::NetworkInterfaces
                | FactKind::VirtualNetworks
                | FactKind::StorageAccounts
                | FactKind::Locations
        )
    }

    /// Kinds whose every reader reports its own ASR901, for the exact region
    /// or subscription it needs, when the list is missing, partial or failed
    /// (quota counters, SKUs, locks, networks), or that no check reads (jobs,
    /// policies, disks, NICs…). A failed request for them is a note, not a
    /// failure: only what the requested operations need fails closed.
    pub fn gaps_reported_where_needed(self) -> bool {
        matches!(
            self,
            FactKind::ComputeUsages
                | FactKind::NetworkUsages
                | FactKind::Skus
                | FactKind::Locks
                | FactKind::VirtualNetworks
                | FactKind::Jobs
                | FactKind::Policies
                | FactKind::RecoveryPoints
                | FactKind::Disks
                | FactKind::NetworkInterfaces
                | FactKind::StorageAccounts
                | FactKind::Providers
                | FactKind::CapacityReservations
        )
    }

    /// Human words for messages.
    pub fn label(self) -> &'static str {
        match self {
            FactKind::ReplicatedItems => "replicated items",
            FactKind::RecoveryPlans => "recovery plans",
            FactKind::Jobs => "Site Recovery jobs",
            FactKind::Policies => "replication policies",
            FactKind::RecoveryPoints => "recovery points",
            FactKind::VirtualMachines => "virtual machines",
            FactKind::Disks => "managed disks",
            FactKind::NetworkInterfaces => "network interfaces",
            FactKind::VirtualNetworks => "virtual networks",
            FactKind::StorageAccounts => "storage accounts",
            FactKind::Locks => "resource locks",
            FactKind::ResourceGroups => "resource groups",
            FactKind::Locations => "locations",
            FactKind::ComputeUsages => "compute usages (vCPU quota)",
            FactKind::NetworkUsages => "network usages",
            FactKind::Skus => "VM sizes (resource SKUs)",
            FactKind::ResourceHealth => "Resource Health statuses",
            FactKind::Vaults => "Recovery Services vaults",
            FactKind::CapacityReservations => "capacity reservations",
            FactKind::Providers => "recovery services providers (VMM servers, Hyper-V hosts)",
            FactKind::Other => "other resources",
        }
    }
}

/// How a list of facts was obtained.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Coverage {
    /// Loaded; `complete` is false when a `nextLink` was left unfollowed.
    Loaded { complete: bool },
    /// The request failed (403, 429 after retries, 5xx, ...).
    Failed {
        status: Option<u16>,
        error_code: Option<String>,
        /// The error message, when a saved body carried one.
        message: Option<String>,
    },
}

/// One list (or request) of facts and how complete it is.
#[derive(Clone, Debug)]
pub struct FactRecord {
    pub kind: FactKind,
    /// The scope the list covers (subscription or group), when known.
    pub scope: Option<String>,
    /// The region the list covers (usages, SKUs), when known.
    pub location: Option<String>,
    /// `GET <path>` from the manifest, when recorded.
    pub request: Option<String>,
    pub coverage: Coverage,
    pub source: SourceId,
    /// Why a loaded list is incomplete, when it is not an unfollowed
    /// `nextLink` of its own (a broken chain of page files).
    pub why: Option<String>,
    /// The list was an ARM list page (`{"value": [...]}`), which may be one
    /// of several pages; an az CLI array is always the whole list.
    pub page: bool,
}

/// A resource Azure said does not exist (a recorded 404 or a saved error body).
#[derive(Clone, Debug)]
pub struct NotFound {
    pub id: Option<ResourceId>,
    /// `Namespace/type/name` of the resource, when only the message names it.
    pub resource: Option<String>,
    /// The resource group name, when only that is known (from the message).
    pub resource_group: Option<String>,
    pub error_code: String,
    pub message: Option<String>,
    pub source: SourceId,
}

/// What `manifest.json` says about the bundle.
#[derive(Clone, Debug, Default)]
pub struct BundleInfo {
    pub format: Option<String>,
    pub collected_at: Option<Timestamp>,
    pub cloud: Option<String>,
    pub endpoint: Option<String>,
    pub subscriptions: Vec<String>,
    pub has_manifest: bool,
    /// The manifest file (the oldest, when several bundles are merged).
    pub manifest: Option<SourceId>,
    /// The newest time Azure reported in the facts (RPO calculations,
    /// heartbeats): the bundle is at least this recent.
    pub newest_fact: Option<Timestamp>,
    /// A fleet collection (`--all-vaults`): what it covered.
    pub fleet: Option<FleetInfo>,
}

/// What a fleet collection covered, from its manifest.
#[derive(Clone, Debug, Default)]
pub struct FleetInfo {
    pub subscriptions: Vec<String>,
    pub management_group: Option<String>,
    /// In scope, not readable by the identity.
    pub unreadable: Vec<String>,
    pub vaults: Vec<String>,
    /// Vaults without replicated items (backup-only).
    pub without_items: Vec<String>,
}
