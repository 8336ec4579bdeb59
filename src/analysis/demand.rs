//! The demand analysis: what the operations in scope create in each target
//! region — computed once per run from the impact model, before the rules,
//! and read by the quota rules (ASR101–ASR105, ASR203), the capacity table
//! and the JSON `capacity` alike.
//!
//! Quota and capacity: will the target region have room for everything the
//! operation creates?
//!
//! One pure computation, `demand`, serves every rule here and the capacity
//! table of the report: per item in scope whose operation creates a VM (a
//! test failover, failover or failback of an item that replicates), the
//! target subscription, region, zone and size; the size's SKU in that region
//! (family, `vCPUs`); then the sums per region and family. Items already
//! failed over are not counted: their VMs are in the usage already.

use crate::finding::{Finding, OperationArg, Subject};
use crate::impact::VmCreation;
use crate::model::item::{ActiveLocation, ProviderKind};
use crate::model::{
    region_key, Atom, FactKind, Operation, RegionCoverage, ReplicatedItem, ResourceId, Sku, Usage,
    UsageKind,
};
use crate::rules::facts::{facts_missing::export_hint, missing};
use crate::rules::replication::is_replicating;
use crate::rules::{RuleCtx, Scoped};
use crate::text;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// True when `op` creates a VM in a target region (the impact model's
/// `vm`: test failover, failover, and failback unless the original VM is kept).
pub fn creating(op: Operation) -> bool {
    crate::impact::vm_creation(op) != VmCreation::None
}

/// The operations the quota rules apply to: those `creating` (a test checks
/// that they agree with the impact model).
pub const CREATING: &[Operation] = &[
    Operation::TestFailover,
    Operation::Failover,
    Operation::Failback,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quota_rules_apply_where_the_impact_model_creates_vms() {
        for op in Operation::ALL {
            assert_eq!(CREATING.contains(op), creating(*op), "{op}");
        }
    }
}

/// The total regional vCPU counter.
pub const REGIONAL: &str = "cores";
/// The network interface counter of network usages.
pub const NICS: &str = "NetworkInterfaces";

/// Where an item's operation creates its VM.
#[derive(Clone, Debug)]
pub struct Target<'a> {
    pub scoped: Scoped<'a>,
    pub subscription: Option<Atom>,
    pub region: Atom,
    pub zone: Option<Atom>,
    pub size: Option<Atom>,
    /// The capacity reservation group the VM is placed in
    /// (`recoveryCapacityReservationGroupId`, on the recovery side).
    pub reservation_group: Option<ResourceId>,
}

/// A target whose size is known in its region.
#[derive(Clone, Debug)]
pub struct Sized<'a> {
    pub target: Target<'a>,
    pub sku: &'a Sku,
    pub family: Atom,
    pub vcpus: i64,
}

/// What the operations in scope create in one subscription and region.
#[derive(Debug)]
pub struct RegionDemand<'a> {
    pub subscription: Option<String>,
    pub region: String,
    /// Items whose vCPUs are known, largest first.
    pub items: Vec<Sized<'a>>,
    /// Every item targeting the region (for NIC counts), sized or not.
    pub targets: Vec<Target<'a>>,
    /// Items whose VM needs no new quota, and why.
    pub covered: Vec<(Sized<'a>, Cover)>,
}

/// Why an item's VM needs no new vCPU quota.
#[derive(Clone, Debug)]
pub enum Cover {
    /// Placed in a capacity reservation's free slots (the facts in words).
    Reserved(String),
    /// A failback onto the original VM that still exists (it keeps its NICs too).
    Reused(String),
}

impl Cover {
    pub fn describe(&self) -> &str {
        match self {
            Cover::Reserved(s) | Cover::Reused(s) => s,
        }
    }
}

impl RegionDemand<'_> {
    /// The targets whose operation creates a VM with its NICs and disks: all
    /// but the failbacks that reuse their original VM.
    pub fn creating_targets(&self) -> impl Iterator<Item = &Target<'_>> {
        self.targets.iter().filter(|t| {
            !self.covered.iter().any(|(s, c)| {
                matches!(c, Cover::Reused(_)) && s.target.scoped.item.id == t.scoped.item.id
            })
        })
    }

    pub fn total_vcpus(&self) -> i64 {
        self.items.iter().map(|s| s.vcpus).sum()
    }

    /// vCPUs per family, and the items that need them (largest first).
    pub fn families(&self) -> BTreeMap<Atom, (i64, Vec<&Sized<'_>>)> {
        let mut out: BTreeMap<Atom, (i64, Vec<&Sized>)> = BTreeMap::new();
        for s in &self.items {
            let e = out.entry(s.family.clone()).or_default();
            e.0 += s.vcpus;
            e.1.push(s);
        }
        out
    }

    /// `failover`, or `test failover and failover` when several.
    pub fn operations(&self) -> (OperationArg, String) {
        let mut ops: Vec<Operation> = self.targets.iter().map(|t| t.scoped.operation).collect();
        ops.sort_unstable();
        ops.dedup();
        match ops.as_slice() {
            [one] => (OperationArg::Op(*one), one.label().to_string()),
            many => (
                OperationArg::Next,
                many.iter()
                    .map(|o| o.label())
                    .collect::<Vec<_>>()
                    .join(" and "),
            ),
        }
    }

    /// The vaults whose items target the region, when more than one: they
    /// share its quota.
    pub fn vaults(&self) -> Vec<String> {
        // Each vault as its first item spells it (ids compare without
        // case), in order without case.
        let mut v: Vec<crate::model::ResourceId> = Vec::new();
        for id in self.targets.iter().filter_map(|t| t.scoped.item.vault_id()) {
            if !v.contains(&id) {
                v.push(id);
            }
        }
        if v.len() < 2 {
            return Vec::new();
        }
        v.sort();
        v.iter().map(ToString::to_string).collect()
    }

    /// The subject of a quota finding: the usage counter.
    pub fn subject(&self, counter: &str, kind: UsageKind) -> Subject {
        let provider = match kind {
            UsageKind::Compute => "Microsoft.Compute",
            UsageKind::Network => "Microsoft.Network",
        };
        let sub = self.subscription.as_deref().unwrap_or("<subscription>");
        let mut s = Subject::other(
            &format!(
                "/subscriptions/{sub}/providers/{provider}/locations/{}/usages/{counter}",
                self.region
            ),
            &format!("{counter} in {}", self.region),
            &format!("{provider}/locations/usages"),
        );
        s.vaults = self.vaults();
        s
    }
}

/// Where an item's VM is created by its operation, or `None` when it is
/// created outside Azure (Hyper-V failback to on-premises).
fn target<'a>(ctx: &RuleCtx<'a>, s: &Scoped<'a>) -> Result<Option<Target<'a>>, Box<Finding>> {
    let item = s.item;
    let op = OperationArg::Op(s.operation);
    let Some(rep) = &item.replication else {
        return Err(Box::new(missing(
            op,
            Subject::item(item),
            format!("`providerSpecificDetails` of `{}` is not in the bundle: where its {} creates a VM is unknown", item.name, s.operation.label()),
            format!("{}.", export_hint(FactKind::ReplicatedItems)),
        )
        .with_evidence("providerSpecificDetails absent", ctx.at(item))));
    };
    let on_recovery_side = item.active_location == Some(ActiveLocation::Recovery);
    let (region, zone) = match rep.kind {
        ProviderKind::HyperVReplicaAzure if on_recovery_side => return Ok(None),
        // Hyper-V to Azure fails over into the vault's region.
        ProviderKind::HyperVReplicaAzure => {
            let vault = item.vault_id();
            let loc = vault
                .as_ref()
                .and_then(|v| ctx.estate.vaults.iter().find(|g| g.id == *v))
                .and_then(|v| v.location.as_deref())
                .map(Atom::new);
            (loc, rep.recovery_zone.clone())
        }
        _ if on_recovery_side => (rep.primary_location.clone(), rep.primary_zone.clone()),
        _ => (rep.recovery_location.clone(), rep.recovery_zone.clone()),
    };
    let Some(region) = region else {
        let (field, how) = match rep.kind {
            ProviderKind::HyperVReplicaAzure => {
                ("the vault's `location`", export_hint(FactKind::Vaults))
            }
            _ => (
                "`recoveryFabricLocation` / `primaryFabricLocation`",
                export_hint(FactKind::ReplicatedItems),
            ),
        };
        return Err(Box::new(missing(
            op,
            Subject::item(item),
            format!("the region where the {} of `{}` creates its VM is unknown ({field} not in the bundle)", s.operation.label(), item.name),
            format!("{how}."),
        )
        .with_evidence(format!("{field} absent"), ctx.at(item))));
    };
    let subscription = rep
        .recovery_resource_group
        .as_ref()
        .filter(|_| !on_recovery_side)
        .or(rep.vm_id.as_ref().filter(|_| on_recovery_side))
        .and_then(|id| id.subscription())
        .or_else(|| item.id.subscription())
        .map(Atom::new);
    Ok(Some(Target {
        scoped: *s,
        subscription,
        region: Atom::new(&region_key(&region)),
        zone: zone.filter(|z| !z.trim().is_empty()),
        size: rep.recovery_vm_size.clone(),
        reservation_group: rep
            .recovery_capacity_reservation_group
            .clone()
            .filter(|_| !on_recovery_side),
    }))
}

/// Why a target's size could not be sized, as an ASR901 finding (or `None`
/// when the SKU list is complete and simply lacks the size: ASR103's case).
fn sizing_gap(ctx: &RuleCtx, t: &Target) -> Option<Finding> {
    let item = t.scoped.item;
    let op = OperationArg::Op(t.scoped.operation);
    let src = ctx.at(item);
    let Some(size) = &t.size else {
        return Some(
            missing(
                op,
                Subject::item(item),
                format!("the target VM size of `{}` (`recoveryAzureVMSize`) is not in the bundle: its vCPUs cannot be counted", item.name),
                format!("{}.", export_hint(FactKind::ReplicatedItems)),
            )
            .with_evidence("recoveryAzureVMSize absent", src),
        );
    };
    match ctx.estate.sku(size, &t.region) {
        Some(sku) if sku.vcpus().is_none() => Some(
            missing(
                op,
                Subject::item(item),
                format!("the SKU of `{size}` in `{}` has no `vCPUs` capability: the vCPUs of `{}` cannot be counted", t.region, item.name),
                format!("Re-export the VM sizes: `az vm list-skus -l {} --resource-type virtualMachines --all -o json > skus.{}.json`.", t.region, t.region),
            )
            .with_evidence(format!("capabilities of {size} lack vCPUs"), ctx.source(sku.source)),
        ),
        Some(sku) if sku.family.is_none() => Some(
            missing(
                op,
                Subject::item(item),
                format!("the SKU of `{size}` in `{}` has no `family`: its quota counter is unknown", t.region),
                format!("Re-export the VM sizes: `az vm list-skus -l {} --resource-type virtualMachines --all -o json > skus.{}.json`.", t.region, t.region),
            )
            .with_evidence(format!("{size}: family absent"), ctx.source(sku.source)),
        ),
        // No SKU: ASR103's "not offered" when the region's list is complete,
        // else an unknown the caller reports once per region.
        Some(_) | None => None,
    }
}

/// True when the region's SKU list was read whole from the REST API
/// (`collect`), which lists every resource type and every size, restricted
/// ones included — unlike `az vm list-skus` without `--all`.
pub fn skus_read_whole(ctx: &RuleCtx, region: &str) -> bool {
    let key = region_key(region);
    ctx.estate.facts.iter().any(|f| {
        f.kind == FactKind::Skus
            && f.request.is_some()
            && f.coverage == crate::model::Coverage::Loaded { complete: true }
            && f.location.as_deref().is_some_and(|l| region_key(l) == key)
    })
}

/// One ASR901 per region for sizes without SKU data there: with a whole
/// region's SKUs missing, one finding says it, not one per item.
fn unknown_sizes(ctx: &RuleCtx, rd: &RegionDemand) -> Option<Finding> {
    if ctx.estate.region_coverage(FactKind::Skus, &rd.region) == RegionCoverage::Complete {
        return None;
    }
    let mut sizes: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for t in &rd.targets {
        if let Some(size) = t
            .size
            .as_deref()
            .filter(|s| ctx.estate.sku(s, &rd.region).is_none())
        {
            sizes.entry(size).or_default().push(&t.scoped.item.name);
        }
    }
    if sizes.is_empty() {
        return None;
    }
    sizes.values_mut().for_each(|v| v.sort_unstable());
    let n: usize = sizes.values().map(Vec::len).sum();
    let listed: Vec<String> = sizes
        .iter()
        .map(|(size, items)| {
            format!(
                "`{size}` ({})",
                text::ticks(items.iter().take(3)) + &more(items.len(), 3)
            )
        })
        .collect();
    let (op, ops) = rd.operations();
    let sub = rd.subscription.as_deref().unwrap_or("<subscription>");
    let first = rd
        .targets
        .first()
        .map(|t| ctx.at(t.scoped.item))
        .unwrap_or_default();
    Some(
        missing(
            op,
            Subject::other(
                &format!("/subscriptions/{sub}/providers/Microsoft.Compute/locations/{}/skus", rd.region),
                &format!("VM sizes in {}", rd.region),
                "Microsoft.Compute/skus",
            ),
            format!(
                "the bundle has no SKU data for {} in `{}`: the family and vCPUs of {} are unknown, so whether the {ops} fits the quota is unknown",
                text::count(sizes.len(), "VM size", "VM sizes"),
                rd.region,
                text::count(n, "item", "items"),
            ) + &format!(" ({})", listed.join("; ")),
            format!(
                "Export the VM sizes of the region: `az vm list-skus -l {} --resource-type virtualMachines --all -o json > skus.{}.json`.",
                rd.region, rd.region
            ),
        )
        .with_evidence(format!("recoveryAzureVMSize of {} without SKU data", text::count(n, "item", "items")), first),
    )
}

fn more(total: usize, shown: usize) -> String {
    if total > shown {
        format!(" and {} more", total - shown)
    } else {
        String::new()
    }
}

/// True for an item whose operation creates a VM now: it replicates, so the
/// VM does not exist on the other side yet.
pub fn creates_vm(item: &ReplicatedItem) -> bool {
    is_replicating(item)
}

/// Everything the operations in scope create, per region, and the facts
/// that were missing to compute it.
pub struct Demand<'a> {
    pub regions: Vec<RegionDemand<'a>>,
    /// ASR901: items whose target region is unknown.
    pub placement_gaps: Vec<Finding>,
    /// ASR901: items whose size, family or vCPUs are unknown.
    pub sizing_gaps: Vec<Finding>,
}

impl Demand<'_> {
    /// Every ASR901 a vCPU rule reports (the engine drops the duplicates
    /// several rules report).
    pub fn gaps(&self) -> impl Iterator<Item = Finding> + '_ {
        self.placement_gaps.iter().chain(&self.sizing_gaps).cloned()
    }
}

/// Everything the operations in scope create, per region (computed once per
/// run and shared).
pub fn demand<'c, 'a>(ctx: &'c RuleCtx<'a>) -> &'c Demand<'a> {
    ctx.demand.get_or_init(|| compute_demand(ctx))
}

fn compute_demand<'a>(ctx: &RuleCtx<'a>) -> Demand<'a> {
    let mut placement_gaps = Vec::new();
    let mut sizing_gaps = Vec::new();
    let mut regions: BTreeMap<(Atom, Atom), RegionDemand<'a>> = BTreeMap::new();
    // (region key, group, size) → the sized items placed in that reserved capacity.
    let mut reserved: BTreeMap<((Atom, Atom), ResourceId, Atom), Vec<Sized<'a>>> = BTreeMap::new();
    // Each item is placed and sized on its own, in parallel, a few
    // thousand at a time; the regions are then gathered in scope order.
    let placed = ctx.scope.chunks(4096).flat_map(|chunk| {
        chunk
            .par_iter()
            .filter(|s| creating(s.operation) && creates_vm(s.item))
            .filter_map(|s| place(ctx, s))
            .collect::<Vec<Placed>>()
    });
    for p in placed {
        let (t, sizing) = match p {
            Placed::Unknown(f) => {
                placement_gaps.push(*f);
                continue;
            }
            Placed::At(t, sizing) => (t, sizing),
        };
        let key = (t.subscription.clone().unwrap_or_default(), t.region.clone());
        let rd = regions.entry(key.clone()).or_insert_with(|| RegionDemand {
            subscription: t.subscription.as_deref().map(str::to_string),
            region: t.region.to_string(),
            items: Vec::new(),
            targets: Vec::new(),
            covered: Vec::new(),
        });
        let group = t.reservation_group.clone();
        rd.targets.push(t);
        match sizing {
            Sizing::Unknown(f) => sizing_gaps.push(*f),
            Sizing::Unsized => {}
            Sizing::Reused(sized, why) => rd.covered.push((sized, Cover::Reused(why))),
            Sizing::New(sized) => match group {
                Some(group) => reserved
                    .entry((key, group, Atom::new(&sized.sku.name.to_ascii_lowercase())))
                    .or_default()
                    .push(sized),
                None => rd.items.push(sized),
            },
        }
    }
    for ((key, group, _), mut placed) in reserved {
        let Some(rd) = regions.get_mut(&key) else {
            continue;
        };
        placed.sort_by(|a, b| a.target.scoped.item.name.cmp(&b.target.scoped.item.name));
        match reserved_free(ctx, &group, &placed) {
            Ok((free, facts)) => {
                let mut rest = placed.split_off(free.min(placed.len()));
                for s in placed {
                    let why = format!(
                        "placed in reserved capacity of `{}` ({facts})",
                        group.name()
                    );
                    rd.covered.push((s, Cover::Reserved(why)));
                }
                rd.items.append(&mut rest);
            }
            Err(f) => sizing_gaps.push(*f),
        }
    }
    let mut out: Vec<RegionDemand> = regions.into_values().collect();
    sizing_gaps.extend(out.iter().filter_map(|rd| unknown_sizes(ctx, rd)));
    for rd in &mut out {
        rd.items.sort_by(|a, b| {
            b.vcpus
                .cmp(&a.vcpus)
                .then_with(|| a.target.scoped.item.name.cmp(&b.target.scoped.item.name))
        });
    }
    Demand {
        regions: out,
        placement_gaps,
        sizing_gaps,
    }
}

/// Where an item in scope creates its VM, and what it takes there.
enum Placed<'a> {
    /// Where is unknown (ASR901).
    Unknown(Box<Finding>),
    At(Target<'a>, Sizing<'a>),
}

/// What the VM an item creates takes.
enum Sizing<'a> {
    /// Its size, family or vCPUs, or whether it reuses the original VM,
    /// are unknown (ASR901).
    Unknown(Box<Finding>),
    /// A size without SKU data (one ASR901 per region, `unknown_sizes`).
    Unsized,
    /// Nothing: the failback reuses the original VM (why).
    Reused(Sized<'a>, String),
    /// New quota, in reserved capacity when the target has a group.
    New(Sized<'a>),
}

/// Places and sizes the VM one item in scope creates; `None` when it has
/// no target to place (nothing to create there).
fn place<'a>(ctx: &RuleCtx<'a>, s: &Scoped<'a>) -> Option<Placed<'a>> {
    let t = match target(ctx, s) {
        Ok(Some(t)) => t,
        Ok(None) => return None,
        Err(f) => return Some(Placed::Unknown(f)),
    };
    if let Some(f) = sizing_gap(ctx, &t) {
        return Some(Placed::At(t, Sizing::Unknown(Box::new(f))));
    }
    let sized = t
        .size
        .as_deref()
        .and_then(|size| ctx.estate.sku(size, &t.region))
        .and_then(|sku| {
            Some(Sized {
                family: Atom::new(sku.family.as_deref()?),
                vcpus: sku.vcpus()?,
                sku,
                target: t.clone(),
            })
        });
    let sizing = match sized {
        None => Sizing::Unsized,
        Some(sized) if crate::impact::vm_creation(s.operation) == VmCreation::CreateUnlessKept => {
            match kept_original(ctx, &t) {
                Kept::Yes(why) => Sizing::Reused(sized, why),
                Kept::Unknown(f) => Sizing::Unknown(f),
                Kept::No => Sizing::New(sized),
            }
        }
        Some(sized) => Sizing::New(sized),
    };
    Some(Placed::At(t, sizing))
}

/// Whether a failback reuses the original VM.
enum Kept {
    /// It still exists: no new quota (why, for the capacity table).
    Yes(String),
    No,
    /// Whether it exists is unknown: ASR901.
    Unknown(Box<Finding>),
}

/// A failback onto the original VM kept since the failover (turned off,
/// deallocated: its cores already count in the usage) creates no VM. The
/// original VM of an item replicating back is its `recoveryFabricObjectId`.
fn kept_original(ctx: &RuleCtx, t: &Target) -> Kept {
    let item = t.scoped.item;
    let Some(original) = item
        .replication
        .as_ref()
        .and_then(|r| r.recovery_vm_id.as_ref())
    else {
        return Kept::No;
    };
    let present = ctx.estate.vm(original).is_some();
    match ctx
        .estate
        .existence(FactKind::VirtualMachines, original, present)
    {
        crate::model::Existence::Present => Kept::Yes(format!(
            "reuses its original VM `{}`, which still exists",
            original.name()
        )),
        crate::model::Existence::Gone(_) | crate::model::Existence::Absent => Kept::No,
        crate::model::Existence::Unknown(cov) => Kept::Unknown(Box::new(
            missing(
                OperationArg::Op(t.scoped.operation),
                Subject::item(item),
                format!(
                    "whether the failback of `{}` reuses its original VM `{}` is unknown ({}): its vCPUs are new quota demand only if that VM is gone",
                    item.name,
                    original.name(),
                    crate::rules::region::why_unknown(cov)
                ),
                format!(
                    "{}.",
                    export_hint(FactKind::VirtualMachines)
                        .replace("<subscription>", original.subscription().unwrap_or("<subscription>"))
                ),
            )
            .with_evidence(
                format!("recoveryFabricObjectId = {original}"),
                ctx.at(item),
            ),
        )),
    }
}

/// How many VMs of the placed items' size the capacity reservation group
/// still has free (reserved minus allocated), with the facts in words; or
/// an ASR901 when the group's reservations for that size are not known.
fn reserved_free(
    ctx: &RuleCtx,
    group: &ResourceId,
    placed: &[Sized],
) -> Result<(usize, String), Box<Finding>> {
    let size = &placed[0].sku.name;
    let matching: Vec<&crate::model::CapacityReservation> = ctx
        .estate
        .capacity_reservations
        .iter()
        .filter(|r| {
            r.group == *group
                && r.size
                    .as_deref()
                    .is_some_and(|s| s.eq_ignore_ascii_case(size))
        })
        .collect();
    let known: Option<Vec<(i64, usize)>> = matching
        .iter()
        .map(|r| Some((r.capacity?, r.allocated?)))
        .collect();
    match known {
        Some(v) if !v.is_empty() => {
            let reserved: i64 = v.iter().map(|(c, _)| c).sum();
            let allocated: usize = v.iter().map(|(_, a)| a).sum();
            let free = (reserved - allocated as i64).max(0) as usize;
            Ok((
                free,
                format!("{reserved} `{size}` reserved, {allocated} allocated, {free} free"),
            ))
        }
        _ => {
            let t = &placed[0].target;
            let names: Vec<&str> = placed
                .iter()
                .map(|s| s.target.scoped.item.name.as_str())
                .collect();
            Err(Box::new(
                missing(
                    OperationArg::Op(t.scoped.operation),
                    Subject::resource(group, group.name()),
                    format!(
                        "the capacity reservations of `{}` for `{size}` are not in the bundle (or lack `sku.capacity` or `virtualMachinesAllocated`): how much of the {} of {} fits in reserved capacity, and so what new quota it needs, is unknown",
                        group.name(),
                        t.scoped.operation.label(),
                        text::ticks(&names)
                    ),
                    format!(
                        "{}.",
                        export_hint(FactKind::CapacityReservations)
                            .replace("<group>", group.name())
                            .replace("<resource group>", group.resource_group().unwrap_or("<resource group>"))
                            .replace("<subscription>", group.subscription().unwrap_or("<subscription>"))
                    ),
                )
                .with_evidence(
                    format!("recoveryCapacityReservationGroupId = {group}"),
                    ctx.at(t.scoped.item),
                ),
            ))
        }
    }
}

/// A quota counter looked up for a region.
pub enum Counter<'a> {
    Found(&'a Usage),
    /// Why it is not known, as an ASR901 finding.
    Missing(Box<Finding>),
}

/// Finds the usage counter `name` for the region's subscription; a counter
/// from a file that names no subscription matches any.
pub fn counter<'a>(
    ctx: &RuleCtx<'a>,
    rd: &RegionDemand,
    kind: UsageKind,
    name: &str,
) -> Counter<'a> {
    let all = ctx.estate.usages_in(kind, &rd.region);
    let named: Vec<&Usage> = all
        .iter()
        .copied()
        .filter(|u| u.name.eq_ignore_ascii_case(name))
        .collect();
    let exact = named.iter().find(|u| {
        matches!((u.subscription.as_deref(), rd.subscription.as_deref()),
            (Some(a), Some(b)) if a.eq_ignore_ascii_case(b))
    });
    let loose = named
        .iter()
        .find(|u| u.subscription.is_none() || rd.subscription.is_none());
    if let Some(u) = exact.or(loose) {
        let Some(why) = &u.invalid else {
            return Counter::Found(u);
        };
        let (op, ops) = rd.operations();
        return Counter::Missing(Box::new(
            missing(
                op,
                rd.subject(name, kind),
                format!(
                    "the `{name}` counter of `{}` cannot be read ({why}): whether the {ops} of {} fits the quota is unknown",
                    rd.region,
                    text::count(rd.targets.len(), "item", "items")
                ),
                format!(
                    "Re-export the usages of the region; {}.",
                    export_hint(match kind {
                        UsageKind::Compute => FactKind::ComputeUsages,
                        UsageKind::Network => FactKind::NetworkUsages,
                    })
                    .replace("<region>", &rd.region).replace("<subscription>", rd.subscription.as_deref().unwrap_or("<subscription>"))
                ),
            )
            .with_evidence(format!("{name} in {}: {why}", rd.region), ctx.source(u.source)),
        ));
    }
    let fact = match kind {
        UsageKind::Compute => FactKind::ComputeUsages,
        UsageKind::Network => FactKind::NetworkUsages,
    };
    let (op, ops) = rd.operations();
    let why = match ctx.estate.region_coverage(fact, &rd.region) {
        RegionCoverage::Failed => format!("reading the {} of `{}` failed", fact.label(), rd.region),
        _ if all.is_empty() => format!("the bundle has no {} for `{}`", fact.label(), rd.region),
        _ => format!(
            "the {} of `{}` have no `{name}` counter",
            fact.label(),
            rd.region
        ),
    };
    let items = rd.targets.len();
    let failed = crate::rules::facts::failure_evidence(ctx, fact, |f| {
        f.location
            .as_deref()
            .is_none_or(|l| region_key(l) == region_key(&rd.region))
    });
    let finding = missing(
        op,
        rd.subject(name, kind),
        format!(
            "{why}: whether the {ops} of {} fits the `{name}` quota is unknown",
            text::count(items, "item", "items")
        ),
        format!(
            "{}.",
            export_hint(fact).replace("<region>", &rd.region).replace(
                "<subscription>",
                rd.subscription.as_deref().unwrap_or("<subscription>")
            )
        ),
    )
    .with_evidence(
        format!(
            "{} targeting {}",
            text::count(items, "item", "items"),
            rd.region
        ),
        rd.targets
            .first()
            .map(|t| ctx.at(t.scoped.item))
            .unwrap_or_default(),
    );
    Counter::Missing(Box::new(finding.with_evidence_if(failed)))
}

/// `` `sql-01` (Standard_E16s_v5, 16), `sql-02` (Standard_E16s_v5, 16), and 3 more ``.
pub fn list_items(items: &[&Sized], max: usize) -> String {
    let mut parts: Vec<String> = items
        .iter()
        .take(max)
        .map(|s| {
            format!(
                "`{}` ({}, {})",
                s.target.scoped.item.name, s.sku.name, s.vcpus
            )
        })
        .collect();
    if items.len() > max {
        parts.push(format!("and {} more", items.len() - max));
    }
    parts.join(", ")
}

/// How to raise a quota: the portal path and the `az quota` command.
pub fn increase_help(rd: &RegionDemand, counter: &str, new_limit: i64, increase: i64) -> String {
    let sub = rd.subscription.as_deref().unwrap_or("<subscription>");
    // Items already placed in a reservation group need more reserved slots,
    // not "a reservation" (that would be circular advice).
    let groups: std::collections::BTreeSet<&str> = rd
        .items
        .iter()
        .filter_map(|s| s.target.reservation_group.as_ref().map(|g| g.name()))
        .collect();
    let reserve = if groups.is_empty() {
        ", or reserve the capacity ahead with a capacity reservation group (reserved capacity consumes quota when it is created, not at failover)".to_string()
    } else {
        format!(
            ", or raise the reserved capacity of {} so that the VMs placed there fit its free slots",
            text::ticks(&groups)
        )
    };
    format!(
        "Request an increase of `{counter}` in `{region}` to at least {new_limit} (+{increase}) before the operation: Subscriptions > {sub} > Usage + quotas > Compute, region {region} > `{counter}` > Request increase, or `az quota update --resource-name {counter} --scope /subscriptions/{sub}/providers/Microsoft.Compute/locations/{region} --limit-object value={new_limit} --resource-type dedicated`. Deallocated VMs count too: deleting unused ones in `{region}` frees quota. Or give some items a size of a family with free quota (Replicated items > item > Compute > target size){}.",
        reserve,
        region = rd.region
    )
}

/// One row of the capacity table in the report.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct CapacityRow {
    pub subscription: Option<String>,
    pub region: String,
    /// `cores`, a family such as `standardDSv5Family`, or `NetworkInterfaces`.
    pub quota: String,
    pub needed: i64,
    /// `limit - currentValue`; `None` when the counter is unknown.
    pub free: Option<i64>,
    pub limit: Option<i64>,
    pub in_use: Option<i64>,
    /// Items counted in `needed`.
    pub items: usize,
    /// Items targeting the region whose vCPUs are unknown (not in `needed`).
    pub uncounted: usize,
    /// Items whose VM needs no new quota (placed in reserved capacity, or a
    /// failback reusing the original VM): not in `needed`.
    pub covered: usize,
    /// Those items and why, as `` `sql-01` placed in reserved capacity of … ``
    /// (on the regional row only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub covered_items: Vec<String>,
}

impl CapacityRow {
    /// The usage after the operation, in percent of the limit, when known.
    pub fn after_percent(&self) -> Option<i64> {
        match (self.in_use, self.limit) {
            (Some(u), Some(l)) if l > 0 => Some((u + self.needed) * 100 / l),
            _ => None,
        }
    }

    /// `fits`, `short by 4`, or why it is unknown.
    pub fn verdict(&self) -> String {
        match self.free {
            Some(f) if self.needed > f => format!("short by {}", self.needed - f.max(0)),
            _ if self.uncounted > 0 => format!(
                "unknown: {} not counted",
                text::count(self.uncounted, "item", "items")
            ),
            Some(_) => "fits".to_string(),
            None => "unknown: no usage counter".to_string(),
        }
    }
}

/// The whole picture: needed, free and limit per region and counter.
pub fn capacity(ctx: &RuleCtx) -> Vec<CapacityRow> {
    let mut rows = Vec::new();
    for rd in &demand(ctx).regions {
        let covered = rd.covered.len();
        let uncounted_vcpus = rd.targets.len().saturating_sub(rd.items.len() + covered);
        let mut push = |quota: &str,
                        kind: UsageKind,
                        needed: i64,
                        items: usize,
                        uncounted: usize,
                        covered: usize| {
            let u = match counter(ctx, rd, kind, quota) {
                Counter::Found(u) => Some(u),
                Counter::Missing(_) => None,
            };
            rows.push(CapacityRow {
                subscription: rd.subscription.clone(),
                region: rd.region.clone(),
                quota: quota.to_string(),
                needed,
                free: u.map(|u| u.limit - u.current),
                limit: u.map(|u| u.limit),
                in_use: u.map(|u| u.current),
                items,
                uncounted,
                covered,
                covered_items: if quota == REGIONAL {
                    rd.covered
                        .iter()
                        .map(|(s, c)| format!("`{}` {}", s.target.scoped.item.name, c.describe()))
                        .collect()
                } else {
                    Vec::new()
                },
            });
        };
        push(
            REGIONAL,
            UsageKind::Compute,
            rd.total_vcpus(),
            rd.items.len(),
            uncounted_vcpus,
            covered,
        );
        for (family, (need, items)) in rd.families() {
            let covered = rd
                .covered
                .iter()
                .filter(|(s, _)| s.family == family)
                .count();
            push(&family, UsageKind::Compute, need, items.len(), 0, covered);
        }
        // Families whose every VM is covered still get a row: it shows why
        // nothing is needed.
        let mut covered_only: Vec<&str> = rd
            .covered
            .iter()
            .map(|(s, _)| s.family.as_str())
            .filter(|f| !rd.items.iter().any(|i| i.family == *f))
            .collect();
        covered_only.sort_unstable();
        covered_only.dedup();
        for family in covered_only {
            let n = rd
                .covered
                .iter()
                .filter(|(s, _)| s.family == family)
                .count();
            push(family, UsageKind::Compute, 0, 0, 0, n);
        }
        let creating_nics = rd.creating_targets().count();
        let nics: Vec<i64> = rd
            .creating_targets()
            .filter_map(|t| nic_count(ctx, t.scoped.item).map(|n| n as i64))
            .collect();
        push(
            NICS,
            UsageKind::Network,
            nics.iter().sum(),
            nics.len(),
            creating_nics - nics.len(),
            rd.targets.len() - creating_nics,
        );
    }
    rows
}

/// NICs an item's VM gets: its replicated NICs, else its source VM's.
pub fn nic_count(ctx: &RuleCtx, item: &ReplicatedItem) -> Option<usize> {
    let rep = item.replication.as_ref()?;
    if !rep.nics.is_empty() {
        return Some(rep.nics.len());
    }
    let vm = ctx.estate.vm(rep.vm_id.as_ref()?)?;
    (!vm.nic_ids.is_empty()).then_some(vm.nic_ids.len())
}

/// NICs the region's items create, when every item's count is known.
pub fn nic_total(ctx: &RuleCtx, rd: &RegionDemand) -> Option<i64> {
    rd.creating_targets()
        .map(|t| nic_count(ctx, t.scoped.item).map(|n| n as i64))
        .sum()
}
