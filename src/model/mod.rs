//! The normalized estate: plain, typed data that rules read.
//!
//! No I/O happens here and no wire format leaks in: `load` maps ARM JSON, az
//! CLI output and manifests into these types. Lookups by resource id are
//! case-insensitive because `ResourceId` is.

pub mod arm;
pub mod compute;
pub mod facts;
mod id;
pub mod item;
pub mod job;
mod open_enum;
pub mod operation;
pub mod plan;

use std::collections::HashMap;

pub use arm::{GenericResource, HealthStatus, Location, Lock, LockLevel, ResourceGroup};
pub use compute::{DataDisk, Disk, Sku, SkuRestriction, Usage, UsageKind, Vm};
pub use facts::{BundleInfo, CertStoreRef, Coverage, FactKind, FactRecord, NotFound};
pub use id::ResourceId;
pub use item::{Phase, ReplicatedItem};
pub use job::Job;
pub use operation::{AsrOperation, Operation};
pub use plan::{Policy, RecoveryPlan, RecoveryPoint};

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
    pub usages: Vec<Usage>,
    pub locks: Vec<Lock>,
    pub resource_groups: Vec<ResourceGroup>,
    pub locations: Vec<Location>,
    pub health: Vec<HealthStatus>,
    pub nics: Vec<GenericResource>,
    pub networks: Vec<GenericResource>,
    pub storage_accounts: Vec<GenericResource>,
    pub vaults: Vec<GenericResource>,
    pub facts: Vec<FactRecord>,
    pub not_found: Vec<NotFound>,
    pub cert_stores: Vec<CertStoreRef>,
    /// Things the loader noticed but could use anyway (shown in the report).
    pub notices: Vec<String>,
    index: Index,
}

#[derive(Debug, Default)]
struct Index {
    items: HashMap<ResourceId, usize>,
    vms: HashMap<ResourceId, usize>,
    disks: HashMap<ResourceId, usize>,
    jobs: HashMap<ResourceId, usize>,
}

fn index_of<T>(v: &[T], id: impl Fn(&T) -> &ResourceId) -> HashMap<ResourceId, usize> {
    let mut map = HashMap::with_capacity(v.len());
    for (i, x) in v.iter().enumerate() {
        map.entry(id(x).clone()).or_insert(i);
    }
    map
}

impl Estate {
    /// Builds the id indexes; call once after filling the vectors.
    pub fn reindex(&mut self) {
        self.index = Index {
            items: index_of(&self.items, |x| &x.id),
            vms: index_of(&self.vms, |x| &x.id),
            disks: index_of(&self.disks, |x| &x.id),
            jobs: index_of(&self.jobs, |x| &x.id),
        };
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

    pub fn disk(&self, id: &ResourceId) -> Option<&Disk> {
        self.index.disks.get(id).map(|&i| &self.disks[i])
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
                    id.key()
                        .contains(&format!("/providers/{}", r.to_ascii_lowercase()))
                });
                same_group && same_resource
            }
        })
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
