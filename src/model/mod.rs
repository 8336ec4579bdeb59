//! The normalized estate: plain, typed data that rules read.
//!
//! No I/O happens here and no wire format leaks in: `load` maps ARM JSON, az
//! CLI output and manifests into these types. Lookups by resource id are
//! case-insensitive because `ResourceId` is.

pub mod arm;
mod atom;
pub mod cert;
pub mod compute;
pub mod facts;
mod id;
pub mod item;
pub mod job;
mod open_enum;
pub mod operation;
pub mod plan;
mod pool;

use rustc_hash::FxHashMap as HashMap;

pub use arm::{
    GenericResource, HealthStatus, Location, Lock, LockLevel, RecoveryProvider, ResourceGroup,
};
pub use atom::Atom;
pub use cert::{CertInfo, CertProblem, CertStore};
pub use compute::{
    is_reprotect_temp_disk, CapacityReservation, DataDisk, Disk, Sku, SkuRestriction, Unread,
    Usage, UsageKind, Vm, REPROTECT_TEMP_DISK_PREFIX,
};
pub use facts::{BundleInfo, Coverage, FactKind, FactRecord, FleetInfo, NotFound};
pub use id::{expect_input, ResourceId};
pub use item::{Phase, ReplicatedItem};
pub use job::Job;
pub use operation::{AsrOperation, Operation};
pub use plan::{Policy, RecoveryPlan, RecoveryPoint};

/// What several lists of one fact kind prove together: a failed request
/// makes it `Failed`; a partial list `Incomplete` (fail closed: it wins over
/// a complete one); else `Complete` when any list was loaded whole.
fn merge_coverage<'a>(records: impl Iterator<Item = &'a FactRecord>) -> RegionCoverage {
    let mut out = RegionCoverage::Absent;
    for f in records {
        match &f.coverage {
            Coverage::Failed { .. } => return RegionCoverage::Failed,
            Coverage::Loaded { complete: false } => out = RegionCoverage::Incomplete,
            Coverage::Loaded { complete: true } if out == RegionCoverage::Absent => {
                out = RegionCoverage::Complete
            }
            Coverage::Loaded { .. } => {}
        }
    }
    out
}

/// What the bundle holds of a per-region fact kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegionCoverage {
    /// A complete list covers the region: absence proves absence.
    Complete,
    /// Only a partial list (an unfollowed `nextLink`).
    Incomplete,
    /// A request for it failed.
    Failed,
    /// Nothing at all.
    Absent,
}

/// Whether a resource exists, as far as the bundle can tell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Existence {
    Present,
    /// Azure answered 404 (the error code).
    Gone(String),
    /// Not in a complete list.
    Absent,
    /// No complete list covers it.
    Unknown(RegionCoverage),
}

/// Something wrong with the input as a whole (not with one fact of an item).
#[derive(Clone, Debug)]
pub struct InputProblem {
    pub source: SourceId,
    /// What is wrong, for the message.
    pub what: String,
    /// The fact that shows it, for the evidence.
    pub fact: String,
    /// How to fix it.
    pub help: String,
}

/// A point in time (UTC).
pub type Timestamp = time::OffsetDateTime;

/// Index of an input file in `Estate::sources`; evidence names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct SourceId(pub u32);

/// Everything known about the estate, from every input.
#[derive(Debug, Default)]
pub struct Estate {
    /// Input files, relative to the bundle root where there is one.
    pub sources: Vec<String>,
    pub bundle: BundleInfo,
    pub items: Vec<ReplicatedItem>,
    pub plans: Vec<RecoveryPlan>,
    pub jobs: Vec<Job>,
    pub policies: Vec<Policy>,
    pub recovery_points: Vec<RecoveryPoint>,
    pub vms: Vec<Vm>,
    pub disks: Vec<Disk>,
    pub skus: Vec<Sku>,
    /// Disk types offered (resource SKUs of `resourceType` `disks`).
    pub disk_skus: Vec<Sku>,
    pub usages: Vec<Usage>,
    pub locks: Vec<Lock>,
    pub resource_groups: Vec<ResourceGroup>,
    pub locations: Vec<Location>,
    pub health: Vec<HealthStatus>,
    pub networks: Vec<GenericResource>,
    pub storage_accounts: Vec<GenericResource>,
    pub vaults: Vec<GenericResource>,
    pub capacity_reservations: Vec<CapacityReservation>,
    pub providers: Vec<RecoveryProvider>,
    pub facts: Vec<FactRecord>,
    pub not_found: Vec<NotFound>,
    pub cert_stores: Vec<CertStore>,
    /// Things the loader noticed but could use anyway (shown in the report).
    pub notices: Vec<String>,
    /// Things wrong with the input that make the check incomplete (ASR901):
    /// entries of another type in an item list, an empty item list.
    pub problems: Vec<InputProblem>,
    /// Resources read but not kept (no check reads them): they still say
    /// which facts the input gives for which subscriptions.
    pub unread: Vec<Unread>,
    index: Index,
}

#[derive(Debug, Default)]
struct Index {
    items: HashMap<ResourceId, usize>,
    vms: HashMap<ResourceId, usize>,
    jobs: HashMap<ResourceId, usize>,
    /// The resource a Resource Health status is about → its statuses, in order.
    health: HashMap<ResourceId, Vec<usize>>,
    /// (lower-cased size name, region key) → SKUs offering it there.
    skus: HashMap<(String, String), Vec<usize>>,
    /// (kind, region key) → usage counters.
    usages: HashMap<(UsageKind, String), Vec<usize>>,
    /// Fact records by kind, in order: coverage is asked per item and
    /// resource, and the records are one per file read.
    facts: HashMap<FactKind, Vec<usize>>,
}

/// A region name as a comparison key: `East US 2`, `eastus2` and `EastUS2`
/// are the same region.
pub fn region_key(region: &str) -> String {
    // Region names are ASCII: byte by byte (rules ask this per item).
    if region.is_ascii() {
        // `char::is_whitespace` on ASCII (with the vertical tab).
        let blank = |b: &u8| matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ');
        return region
            .bytes()
            .filter(|b| !blank(b))
            .map(|b| char::from(b.to_ascii_lowercase()))
            .collect();
    }
    region
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

fn index_of<T>(v: &[T], id: impl Fn(&T) -> &ResourceId) -> HashMap<ResourceId, usize> {
    let mut map = HashMap::with_capacity_and_hasher(v.len(), Default::default());
    for (i, x) in v.iter().enumerate() {
        map.entry(id(x).clone()).or_insert(i);
    }
    map
}

impl Estate {
    /// True when nothing was loaded into it (no resource, fact or notice).
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
            && self.plans.is_empty()
            && self.jobs.is_empty()
            && self.policies.is_empty()
            && self.recovery_points.is_empty()
            && self.vms.is_empty()
            && self.disks.is_empty()
            && self.skus.is_empty()
            && self.disk_skus.is_empty()
            && self.usages.is_empty()
            && self.locks.is_empty()
            && self.resource_groups.is_empty()
            && self.locations.is_empty()
            && self.health.is_empty()
            && self.networks.is_empty()
            && self.storage_accounts.is_empty()
            && self.vaults.is_empty()
            && self.capacity_reservations.is_empty()
            && self.providers.is_empty()
            && self.facts.is_empty()
            && self.not_found.is_empty()
            && self.notices.is_empty()
            && self.problems.is_empty()
            && self.unread.is_empty()
    }

    /// The id and source file of every ARM resource held (not usages, SKUs,
    /// policies, recovery points or locations, which carry no subscription id
    /// of their own).
    pub fn resources(&self) -> impl Iterator<Item = (&ResourceId, SourceId)> {
        self.items
            .iter()
            .map(|x| (&x.id, x.source))
            .chain(self.plans.iter().map(|x| (&x.id, x.source)))
            .chain(self.jobs.iter().map(|x| (&x.id, x.source)))
            .chain(self.vms.iter().map(|x| (&x.id, x.source)))
            .chain(self.disks.iter().map(|x| (&x.id, x.source)))
            .chain(self.locks.iter().map(|x| (&x.id, x.source)))
            .chain(self.resource_groups.iter().map(|x| (&x.id, x.source)))
            .chain(self.health.iter().map(|x| (x.key().0, x.source)))
            .chain(self.networks.iter().map(|x| (&x.id, x.source)))
            .chain(self.storage_accounts.iter().map(|x| (&x.id, x.source)))
            .chain(self.vaults.iter().map(|x| (&x.id, x.source)))
            .chain(self.capacity_reservations.iter().map(|x| (&x.id, x.source)))
            .chain(self.providers.iter().map(|x| (&x.id, x.source)))
    }

    /// The subscriptions (lower-cased) of the resources held and of those
    /// read but not kept.
    pub fn resource_subscriptions(&self) -> impl Iterator<Item = String> + '_ {
        self.resources()
            .filter_map(|(id, _)| id.subscription().map(str::to_ascii_lowercase))
            .chain(
                self.unread
                    .iter()
                    .filter_map(|u| u.subscription.as_deref().map(str::to_string)),
            )
    }

    /// Builds the id indexes; call once after filling the vectors.
    pub fn reindex(&mut self) {
        // Items and VMs (the largest) each beside the rest.
        let (items, (vms, mut rest)) = rayon::join(
            || index_of(&self.items, |x| &x.id),
            || rayon::join(|| index_of(&self.vms, |x| &x.id), || self.small_indexes()),
        );
        rest.items = items;
        rest.vms = vms;
        self.index = rest;
    }

    /// The indexes but those of items and VMs.
    fn small_indexes(&self) -> Index {
        let mut index = Index {
            jobs: index_of(&self.jobs, |x| &x.id),
            ..Index::default()
        };
        for (i, f) in self.facts.iter().enumerate() {
            index.facts.entry(f.kind).or_default().push(i);
        }
        for (i, s) in self.skus.iter().enumerate() {
            let name = s.name.to_ascii_lowercase();
            let mut regions: Vec<String> = s.locations.iter().map(|l| region_key(l)).collect();
            regions.extend(s.zones.keys().map(|l| region_key(l)));
            regions.sort();
            regions.dedup();
            for r in regions {
                index.skus.entry((name.clone(), r)).or_default().push(i);
            }
        }
        for (i, h) in self.health.iter().enumerate() {
            index.health.entry(h.target.clone()).or_default().push(i);
        }
        for (i, u) in self.usages.iter().enumerate() {
            index
                .usages
                .entry((u.kind, region_key(&u.location)))
                .or_default()
                .push(i);
        }
        index
    }

    /// The SKU of a VM size offered in a region (names compare case-insensitively).
    pub fn sku(&self, size: &str, region: &str) -> Option<&Sku> {
        let key = (size.to_ascii_lowercase(), region_key(region));
        self.index.skus.get(&key)?.first().map(|&i| &self.skus[i])
    }

    /// The usage counters of a kind in a region.
    pub fn usages_in(&self, kind: UsageKind, region: &str) -> Vec<&Usage> {
        self.index
            .usages
            .get(&(kind, region_key(region)))
            .map(|v| v.iter().map(|&i| &self.usages[i]).collect())
            .unwrap_or_default()
    }

    /// How well a kind of fact is known for a resource: records whose scope
    /// (subscription or group) contains it, or that name no scope (a list
    /// of everything the export could see).
    pub fn scope_coverage(&self, kind: FactKind, id: &ResourceId) -> RegionCoverage {
        merge_coverage(
            self.facts_of(kind)
                .filter(|f| f.scope.as_deref().is_none_or(|s| id.is_within_str(s))),
        )
    }

    /// Whether a resource exists, as far as the bundle can tell.
    pub fn existence(&self, kind: FactKind, id: &ResourceId, present: bool) -> Existence {
        if present {
            return Existence::Present;
        }
        if let Some(nf) = self.not_found(id) {
            return Existence::Gone(nf.error_code.clone());
        }
        match self.scope_coverage(kind, id) {
            RegionCoverage::Complete => Existence::Absent,
            other => Existence::Unknown(other),
        }
    }

    /// The locks that apply to `id`: set on it, on a parent, its group or
    /// its subscription.
    pub fn locks_covering(&self, id: &ResourceId) -> Vec<&Lock> {
        self.locks
            .iter()
            .filter(|l| id.is_within(&l.scope))
            .collect()
    }

    /// How well a kind of per-region fact is known for `region`: records
    /// scoped to the region, or to no region at all (a list of every region).
    pub fn region_coverage(&self, kind: FactKind, region: &str) -> RegionCoverage {
        let key = region_key(region);
        merge_coverage(
            self.facts_of(kind)
                .filter(|f| f.location.as_deref().is_none_or(|l| region_key(l) == key)),
        )
    }

    /// The display name of a source file.
    pub fn source_name(&self, id: SourceId) -> &str {
        self.sources
            .get(id.0 as usize)
            .map_or("<unknown>", String::as_str)
    }

    pub fn item(&self, id: &ResourceId) -> Option<&ReplicatedItem> {
        self.index.items.get(id).map(|&i| &self.items[i])
    }

    pub fn vm(&self, id: &ResourceId) -> Option<&Vm> {
        self.index.vms.get(id).map(|&i| &self.vms[i])
    }

    /// The Resource Health statuses of a resource, in input order.
    pub fn health_of(&self, target: &ResourceId) -> impl Iterator<Item = &HealthStatus> {
        self.index
            .health
            .get(target)
            .into_iter()
            .flatten()
            .map(|&i| &self.health[i])
    }

    pub fn job(&self, id: &ResourceId) -> Option<&Job> {
        self.index.jobs.get(id).map(|&i| &self.jobs[i])
    }

    /// The recorded 404 for `id` or for the resource group containing it.
    pub fn not_found(&self, id: &ResourceId) -> Option<&NotFound> {
        let rg = id.resource_group();
        self.not_found.iter().find(|nf| match &nf.id {
            Some(gone) => id.is_within(gone),
            None => {
                let same_group = nf
                    .resource_group
                    .as_deref()
                    .zip(rg)
                    .is_some_and(|(a, b)| a.eq_ignore_ascii_case(b));
                let same_resource = nf.resource.as_deref().is_none_or(|r| {
                    id.contains_ci(&format!("/providers/{}", r.to_ascii_lowercase()))
                });
                same_group && same_resource
            }
        })
    }

    /// The fact records of a kind, in order.
    fn facts_of(&self, kind: FactKind) -> impl Iterator<Item = &FactRecord> {
        let at = self.index.facts.get(&kind).map_or(&[][..], Vec::as_slice);
        at.iter().map(|&i| &self.facts[i])
    }

    /// Failed requests recorded for a kind of fact.
    pub fn failed_facts(&self, kind: FactKind) -> impl Iterator<Item = &FactRecord> {
        self.facts
            .iter()
            .filter(move |f| f.kind == kind && matches!(f.coverage, Coverage::Failed { .. }))
    }

    /// True when at least one list of this kind was loaded in full and none
    /// of its requests failed: only then does absence prove anything.
    pub fn has_complete(&self, kind: FactKind) -> bool {
        let mut any = false;
        for f in self.facts.iter().filter(|f| f.kind == kind) {
            match f.coverage {
                Coverage::Loaded { complete: true } => any = true,
                _ => return false,
            }
        }
        any
    }
}

#[cfg(test)]
mod tests {
    /// The ASCII path keys every ASCII text as the general one does.
    #[test]
    fn region_keys_of_ascii_as_of_any_text() {
        let general = |r: &str| -> String {
            r.chars()
                .filter(|c| !c.is_whitespace())
                .flat_map(char::to_lowercase)
                .collect()
        };
        let all: String = (0u8..128).map(char::from).collect();
        for r in [
            "East US 2",
            "eastus2",
            "EastUS2",
            "\tWest\x0BEurope\r\n",
            &all,
        ] {
            assert_eq!(super::region_key(r), general(r), "{r:?}");
        }
        assert_eq!(super::region_key("Brésil Sud"), "brésilsud");
    }
}
