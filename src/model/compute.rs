//! Compute facts: VMs, managed disks, VM sizes (SKUs) and vCPU usages.

use super::{Atom, ResourceId, SourceId};
use std::collections::BTreeMap;

/// A data disk attached to a VM.
#[derive(Clone, Debug)]
pub struct DataDisk {
    pub lun: Option<i64>,
    pub name: Option<String>,
    pub managed_disk_id: Option<ResourceId>,
    /// The VHD of an unmanaged disk (compared case-insensitively, like ids).
    pub vhd_uri: Option<ResourceId>,
    pub size_gb: Option<i64>,
}

/// A virtual machine (`Microsoft.Compute/virtualMachines`).
#[derive(Clone, Debug)]
pub struct Vm {
    pub id: ResourceId,
    pub name: String,
    pub source: SourceId,
    pub location: Option<Atom>,
    pub size: Option<Atom>,
    pub zones: Vec<Atom>,
    pub os_type: Option<Atom>,
    pub os_disk_id: Option<ResourceId>,
    pub os_disk_name: Option<String>,
    pub data_disks: Vec<DataDisk>,
    pub nic_ids: Vec<ResourceId>,
    pub provisioning_state: Option<Atom>,
}

/// A managed disk (`Microsoft.Compute/disks`).
#[derive(Clone, Debug)]
pub struct Disk {
    pub id: ResourceId,
    pub name: String,
    pub source: SourceId,
    pub location: Option<Atom>,
    pub size_gb: Option<i64>,
    pub disk_state: Option<Atom>,
    pub managed_by: Option<ResourceId>,
    pub time_created: Option<super::Timestamp>,
}

/// The name prefix of the temporary disks a reprotect makes of the
/// failed-over VM's disks (`ms-asr-<GUID>`, deleted when it completes: the
/// A2A reprotect article). The only disks a check reads (ASR202).
pub const REPROTECT_TEMP_DISK_PREFIX: &str = "ms-asr-";

/// True for the name of a reprotect's temporary disk (compared without case).
pub fn is_reprotect_temp_disk(name: &str) -> bool {
    name.as_bytes()
        .get(..REPROTECT_TEMP_DISK_PREFIX.len())
        .is_some_and(|h| h.eq_ignore_ascii_case(REPROTECT_TEMP_DISK_PREFIX.as_bytes()))
}

/// A resource read but not kept, because no check reads it (a disk other
/// than a reprotect's temporary one, a NIC): what its list says about the
/// input — which kind of fact it gives, for which subscription, from which
/// file — without the resource itself. One per (kind, subscription, file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unread {
    pub kind: super::FactKind,
    /// Lower-cased.
    pub subscription: Option<Atom>,
    pub source: SourceId,
}

/// A restriction on a SKU (`restrictions[]`).
#[derive(Clone, Debug)]
pub struct SkuRestriction {
    /// `Location` or `Zone`.
    pub kind: String,
    pub values: Vec<String>,
    pub locations: Vec<String>,
    pub zones: Vec<String>,
    /// `NotAvailableForSubscription`, `QuotaId`, ...
    pub reason: Option<String>,
}

/// A resource SKU (`Microsoft.Compute/skus`), for `virtualMachines` sizes.
#[derive(Clone, Debug)]
pub struct Sku {
    pub name: String,
    pub source: SourceId,
    pub resource_type: Option<String>,
    pub family: Option<String>,
    pub locations: Vec<String>,
    /// Zones offered, per location (lower-cased location key).
    pub zones: BTreeMap<String, Vec<String>>,
    pub capabilities: BTreeMap<String, String>,
    pub restrictions: Vec<SkuRestriction>,
}

impl Sku {
    /// A disk type (`resourceType` `disks`: `Premium_ZRS`, ...), not a VM size.
    pub fn is_disk(&self) -> bool {
        self.resource_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("disks"))
    }

    /// The `vCPUs` capability (what quota counts).
    pub fn vcpus(&self) -> Option<i64> {
        self.capabilities.get("vCPUs")?.trim().parse().ok()
    }
}

/// A capacity reservation (`Microsoft.Compute/capacityReservationGroups/
/// {group}/capacityReservations/{name}`): VMs of one size reserved in a
/// region (or zone). Reserved capacity has already consumed quota.
#[derive(Clone, Debug)]
pub struct CapacityReservation {
    pub id: ResourceId,
    /// The capacity reservation group it belongs to.
    pub group: ResourceId,
    pub source: SourceId,
    /// `sku.name`: the VM size reserved.
    pub size: Option<String>,
    /// `sku.capacity`: how many VMs are reserved.
    pub capacity: Option<i64>,
    /// `virtualMachinesAllocated`: how many VMs use the reservation now
    /// (`None` when the field was absent).
    pub allocated: Option<usize>,
    pub zones: Vec<String>,
}

/// Whose quota a usage entry counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum UsageKind {
    /// `Microsoft.Compute/locations/{l}/usages`: `cores`, `<family>Family`, ...
    Compute,
    /// `Microsoft.Network/locations/{l}/usages`: `NetworkInterfaces`, ...
    Network,
}

/// One quota counter in a region.
#[derive(Clone, Debug)]
pub struct Usage {
    pub kind: UsageKind,
    pub subscription: Option<String>,
    pub location: String,
    /// `name.value`, e.g. `cores`, `standardDSv3Family`, `NetworkInterfaces`.
    pub name: String,
    pub localized_name: Option<String>,
    pub current: i64,
    pub limit: i64,
    /// Why `current`/`limit` cannot be used (a negative, fractional or
    /// non-numeric value in the data): the quota is then unknown.
    pub invalid: Option<String>,
    pub source: SourceId,
}
