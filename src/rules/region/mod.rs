//! Is the other side there? The region the operation goes to, the original
//! resource group and VM a reprotect or failback returns to, and the
//! networks the VMs will join.

pub mod region_unavailable;
pub mod source_resource_group_missing;
pub mod source_vm_missing;
pub mod target_network_missing;
pub mod test_network_not_isolated;

use crate::model::item::{ActiveLocation, ProviderKind};
use crate::model::{ReplicatedItem, ResourceId};

/// The side the operation goes to: the region, subscription, resource group
/// and VM opposite `activeLocation` (for a reprotect, where replication goes;
/// for a failover or failback, where the VM is created). `None` for items
/// outside Azure on that side (Hyper-V failback to on-premises).
#[derive(Clone, Debug)]
pub struct OtherSide {
    pub region: Option<String>,
    pub subscription: Option<String>,
    pub resource_group: Option<ResourceId>,
    /// The original VM, when the item is failed over.
    pub vm: Option<ResourceId>,
}

pub fn other_side(item: &ReplicatedItem) -> Option<OtherSide> {
    let rep = item.replication.as_ref()?;
    let on_recovery = item.active_location == Some(ActiveLocation::Recovery);
    if rep.kind == ProviderKind::HyperVReplicaAzure {
        return None; // the other side is on-premises or the vault's region
    }
    let (region, rg, vm) = if on_recovery {
        (
            rep.primary_location.as_deref().map(str::to_string),
            rep.vm_id.as_ref().and_then(|v| v.resource_group_id()),
            rep.vm_id.clone(),
        )
    } else {
        (
            rep.recovery_location.as_deref().map(str::to_string),
            rep.recovery_resource_group.clone(),
            rep.recovery_vm_id.clone(),
        )
    };
    let subscription = rg
        .as_ref()
        .and_then(|g| g.subscription())
        .or_else(|| item.id.subscription())
        .map(str::to_string);
    Some(OtherSide {
        region,
        subscription,
        resource_group: rg,
        vm: vm.filter(|v| v.contains_ci("/providers/microsoft.compute/virtualmachines/")),
    })
}

/// Items that could not be checked for the same missing list, gathered so
/// that the list is reported once (ASR901), naming them.
#[derive(Default)]
pub struct Gaps<'a> {
    by_key: std::collections::BTreeMap<String, Gap<'a>>,
}

struct Gap<'a> {
    op: crate::finding::OperationArg,
    /// In scope order, each once.
    items: Vec<&'a str>,
    seen: rustc_hash::FxHashSet<&'a str>,
}

impl<'a> Gaps<'a> {
    pub fn add(&mut self, key: String, op: crate::finding::OperationArg, item: &'a str) {
        let e = self.by_key.entry(key).or_insert_with(|| Gap {
            op,
            items: Vec::new(),
            seen: Default::default(),
        });
        if e.op != op {
            e.op = crate::finding::OperationArg::Next;
        }
        if e.seen.insert(item) {
            e.items.push(item);
        }
    }

    /// `(key, operation, "`a`, `b` and 3 more", count)` per gap.
    pub fn drain(
        self,
    ) -> impl Iterator<Item = (String, crate::finding::OperationArg, String, usize)> + 'a {
        self.by_key.into_iter().map(|(k, Gap { op, items, .. })| {
            let n = items.len();
            let mut shown = crate::text::ticks(items.iter().take(5));
            if n > 5 {
                shown.push_str(&format!(" and {} more", n - 5));
            }
            (k, op, shown, n)
        })
    }
}

/// Why a list cannot prove that a resource is gone.
pub fn why_unknown(cov: crate::model::RegionCoverage) -> &'static str {
    match cov {
        crate::model::RegionCoverage::Incomplete => "the list is partial",
        crate::model::RegionCoverage::Failed => "reading the list failed",
        _ => "the bundle has no list",
    }
}

/// Reports "does it still exist?" gaps gathered per `subscription|why`: one
/// ASR901 per subscription, naming the items.
pub fn report_existence_gaps(
    gaps: Gaps,
    ctx: &crate::rules::RuleCtx,
    what: &str,
    kind: crate::model::FactKind,
    out: &mut crate::rules::Findings,
) {
    use crate::finding::{OperationArg, Subject};
    for (key, op, items, n) in gaps.drain() {
        let (sub, how) = key.split_once('|').unwrap_or((&key, ""));
        let scope = crate::model::ResourceId::new(&format!("/subscriptions/{sub}"));
        let finding = crate::rules::facts::missing(
            if op == OperationArg::Next { ctx.operation } else { op },
            Subject::other(&format!("/subscriptions/{sub}"), sub, "subscription"),
            format!(
                "whether the {what} of {} ({items}) still exist is unknown: the {} of subscription `{sub}` are not known ({how})",
                crate::text::count(n, "item", "items"),
                kind.label()
            ),
            format!(
                "{}.",
                crate::rules::facts::facts_missing::export_hint(kind).replace("<subscription>", sub)
            ),
        );
        let failed = crate::rules::facts::failure_evidence(ctx, kind, |f| {
            f.scope.as_deref().is_none_or(|s| scope.is_within_str(s))
        });
        out.push(finding.with_evidence_if(failed));
    }
}

/// The way out when the original side is gone.
pub fn way_out(item: &ReplicatedItem) -> String {
    let here = item
        .replication
        .as_ref()
        .and_then(|r| {
            if item.active_location == Some(ActiveLocation::Recovery) {
                r.recovery_location.as_deref()
            } else {
                r.primary_location.as_deref()
            }
        })
        .unwrap_or("the region it runs in");
    format!(
        "Reprotect and failback to the original side are not supported then: disable protection of `{}` (vault > Replicated items > {} > Disable replication), then enable replication afresh for the VM running in {here}, to the region of your choice (a full initial replication).",
        item.name, item.name
    )
}
