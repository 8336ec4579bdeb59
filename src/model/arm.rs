//! Resource Manager facts: locks, resource groups, regions, health, network
//! and storage resources, vaults.

use super::{Atom, ResourceId, SourceId};
use crate::open_enum;

open_enum! {
    /// A management lock's `level`.
    pub enum LockLevel {
        ReadOnly = "ReadOnly",
        CanNotDelete = "CanNotDelete",
        NotSpecified = "NotSpecified",
    }
}

/// A management lock (`Microsoft.Authorization/locks`).
#[derive(Clone, Debug)]
pub struct Lock {
    pub id: ResourceId,
    pub name: String,
    pub source: SourceId,
    pub level: LockLevel,
    /// The scope the lock is set on: the id before `/providers/Microsoft.Authorization/locks/`.
    pub scope: ResourceId,
    pub notes: Option<String>,
    pub owners: Vec<String>,
}

/// A resource group.
#[derive(Clone, Debug)]
pub struct ResourceGroup {
    pub id: ResourceId,
    pub name: String,
    pub source: SourceId,
    pub location: Option<String>,
    pub provisioning_state: Option<String>,
}

/// A region as the subscription sees it (`/subscriptions/{s}/locations`).
#[derive(Clone, Debug)]
pub struct Location {
    pub subscription: Option<String>,
    pub name: String,
    pub source: SourceId,
    pub display_name: Option<String>,
    pub region_type: Option<String>,
    pub paired_regions: Vec<String>,
    /// `policyRestrictions.status` (`Allowed` / `Restricted`), with `policyAware=true`.
    pub policy_status: Option<String>,
    pub policy_reason: Option<String>,
}

/// A Resource Health availability status.
#[derive(Clone, Debug)]
pub struct HealthStatus {
    /// The status's own id, when it is not the usual
    /// `<target>/providers/Microsoft.ResourceHealth/availabilityStatuses/current`
    /// (which is not kept: `key` gives what tells statuses apart).
    pub id: Option<ResourceId>,
    /// The resource the status is about.
    pub target: ResourceId,
    pub source: SourceId,
    pub location: Option<Atom>,
    /// `Available`, `Unavailable`, `Degraded`, `Unknown`.
    pub availability_state: Option<Atom>,
    /// Resource Health's few sentences (most VMs share one).
    pub summary: Option<Atom>,
    pub reason_type: Option<Atom>,
    /// `context`: `Platform Initiated` or `Customer Initiated`.
    pub context: Option<Atom>,
}

impl HealthStatus {
    /// The id that names this status: its own when kept, else its
    /// resource's (whose `current` status it is).
    pub fn key(&self) -> (&ResourceId, bool) {
        match &self.id {
            Some(id) => (id, true),
            None => (&self.target, false),
        }
    }

    /// True when the unavailability was caused by the customer (a VM stopped
    /// or deallocated by a user or a process acting for one — after a
    /// failover, the normal state of the source VM), not by the platform.
    pub fn customer_initiated(&self) -> bool {
        let by_field = [&self.context, &self.reason_type]
            .into_iter()
            .flatten()
            .any(|v| {
                let v = v.to_ascii_lowercase();
                v.contains("customer") || v.contains("user")
            });
        // Resource Health's own words for a VM stopped by its owner.
        let by_summary = self.summary.as_deref().is_some_and(|s| {
            s.to_ascii_lowercase()
                .contains("as requested by an authorized user or process")
        });
        by_field || by_summary
    }
}

/// A recovery services provider (`replicationRecoveryServicesProviders`):
/// the Site Recovery Provider on a VMM server or Hyper-V host that connects an
/// on-premises site to the vault.
#[derive(Clone, Debug)]
pub struct RecoveryProvider {
    pub id: ResourceId,
    /// `friendlyName` (the server's name), else the id's last segment.
    pub name: String,
    pub source: SourceId,
    /// `connectionStatus`: `Connected` or `NotConnected` ("whether DRA is responsive").
    pub connection: Option<String>,
    /// `lastHeartBeat`.
    pub last_heartbeat: Option<super::Timestamp>,
    /// `fabricFriendlyName`: the site or VMM server.
    pub fabric: Option<String>,
    /// `fabricType`: `HyperVSite`, `VMM`, ...
    pub fabric_type: Option<String>,
    pub version: Option<String>,
}

/// Any other resource kept by id (NICs, virtual networks, storage accounts, vaults).
#[derive(Clone, Debug)]
pub struct GenericResource {
    pub id: ResourceId,
    pub name: String,
    pub source: SourceId,
    pub location: Option<String>,
}
