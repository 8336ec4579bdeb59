//! ASR604 target-network-missing: the recovery (or test) virtual network the
//! item maps to does not exist.

use crate::finding::{Finding, Level, OperationArg, Subject};
use crate::model::{Existence, FactKind, Operation, ResourceId};
use crate::rules::facts::{facts_missing::export_hint, missing};
use crate::rules::{Category, Findings, Rule, RuleCtx, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "ASR604",
    name: "target-network-missing",
    category: Category::Region,
    level: Level::Error,
    operations: &[
        Operation::TestFailover,
        Operation::Failover,
        Operation::Reprotect,
        Operation::Failback,
    ],
    summary: "the recovery (or test) virtual network the item maps to does not exist",
    docs: include_str!("../../../rules/target-network-missing/README.md"),
};

pub struct TargetNetworkMissing;

/// Why `net` is known not to exist; `None` when it exists, or when that is
/// unknown (then the gap is noted for one ASR901 per network).
fn gone<'a>(
    ctx: &RuleCtx,
    net: &ResourceId,
    op: OperationArg,
    item: &'a crate::model::ReplicatedItem,
    gaps: &mut super::Gaps<'a>,
) -> Option<String> {
    let present = ctx.estate.networks.iter().any(|n| n.id == *net);
    match ctx
        .estate
        .existence(FactKind::VirtualNetworks, net, present)
    {
        Existence::Present => None,
        Existence::Gone(code) => Some(format!("Azure answered 404 `{code}` for it")),
        Existence::Absent => {
            Some("it is absent from the complete list of virtual networks".to_string())
        }
        Existence::Unknown(cov) => {
            gaps.add(
                format!("{}|{}", net, super::why_unknown(cov)),
                op,
                &item.name,
            );
            None
        }
    }
}

/// Reprotect replicates the VM back to its primary side: the networks its
/// NICs had there (`vmNics[].vMNetworkName`) are where the reprotected VM
/// will fail back into, so they must still exist.
fn check_reprotect<'a>(
    ctx: &RuleCtx,
    s: &crate::rules::Scoped<'a>,
    gaps: &mut super::Gaps<'a>,
    out: &mut Findings,
) {
    let item = s.item;
    let op = OperationArg::Op(s.operation);
    let Some(rep) = &item.replication else { return };
    let mut nets: Vec<&ResourceId> = rep
        .nics
        .iter()
        .filter_map(|n| n.source_network_id.as_ref())
        .collect();
    nets.sort();
    nets.dedup();
    if nets.is_empty() {
        out.push(
            missing(
                op,
                Subject::item(item),
                format!(
                    "the network `{}` will fail back into after the reprotect (`vmNics[].vMNetworkName`) is not in the bundle: whether it still exists cannot be checked",
                    item.name
                ),
                format!("{}.", export_hint(FactKind::ReplicatedItems)),
            )
            .with_evidence("vmNics[].vMNetworkName absent", ctx.at(item)),
        );
        return;
    }
    for net in nets {
        let Some(why) = gone(ctx, net, op, item, gaps) else {
            continue;
        };
        out.push(
            Finding::new(
                &META,
                op,
                Subject::item(item),
                format!(
                    "the network `{}` that `{}` replicates back to, and will fail back into, does not exist ({why}): the reprotect cannot map its NICs there",
                    net.name(),
                    item.name
                ),
                format!(
                    "Recreate the virtual network `{}` (same address space and subnets) before the reprotect, or choose an existing network for the reverse direction: vault > Replicated items > {} > Re-protect > Customize > target virtual network.",
                    net.name(),
                    item.name
                ),
            )
            .keyed(net.to_string())
            .with_evidence(format!("vmNics[].vMNetworkName = {net}"), ctx.at(item)),
        );
    }
}

impl Rule for TargetNetworkMissing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleCtx, out: &mut Findings) {
        let mut gaps = super::Gaps::default();
        for s in ctx.items(&META) {
            let item = s.item;
            let op = OperationArg::Op(s.operation);
            let Some(rep) = &item.replication else {
                continue;
            };
            // A Hyper-V failback or reverse replication goes on-premises: no
            // Azure network is involved.
            if rep.kind == crate::model::item::ProviderKind::HyperVReplicaAzure
                && matches!(s.operation, Operation::Failback | Operation::Reprotect)
            {
                continue;
            }
            if s.operation == Operation::Reprotect {
                check_reprotect(ctx, s, &mut gaps, out);
                continue;
            }
            let drill = s.operation == Operation::TestFailover;
            let (field, network): (&str, Option<&ResourceId>) = if drill {
                ("selectedTfoAzureNetworkId", rep.tfo_network.as_ref())
            } else {
                (
                    "selectedRecoveryAzureNetworkId",
                    rep.recovery_network.as_ref(),
                )
            };
            let Some(net) = network else {
                if !drill {
                    out.push(missing(
                        op,
                        Subject::item(item),
                        format!(
                            "the recovery network of `{}` (`{field}`) is not in the bundle",
                            item.name
                        ),
                        format!("{}.", export_hint(FactKind::ReplicatedItems)),
                    ));
                }
                continue; // an unset test network is ASR605's finding
            };
            let Some(why) = gone(ctx, net, op, item, &mut gaps) else {
                continue;
            };
            out.push(
                Finding::new(
                    &META,
                    op,
                    Subject::item(item),
                    format!(
                        "the {} network `{}` of `{}` does not exist ({why}): the {} cannot attach the VM's NICs",
                        if drill { "test failover" } else { "recovery" },
                        net.name(),
                        item.name,
                        s.operation.label()
                    ),
                    format!(
                        "Recreate the virtual network `{}` (same address space and subnets), or point `{}` at an existing one: vault > Replicated items > {} > Network > Edit (or fix the vault's network mapping).",
                        net.name(),
                        item.name,
                        item.name
                    ),
                )
                .with_evidence(format!("{field} = {net}"), ctx.at(item)),
            );
        }
        for (key, op, items, n) in gaps.drain() {
            let (net, how) = key.split_once('|').unwrap_or((&key, ""));
            let net = ResourceId::new(net);
            out.push(missing(
                if op == OperationArg::Next { ctx.operation } else { op },
                Subject::resource(&net, net.name()),
                format!(
                    "whether the virtual network `{}` still exists is unknown ({how}): {} ({items}) {} to it",
                    net.name(),
                    crate::text::count(n, "item", "items"),
                    if n == 1 { "attaches" } else { "attach" }
                ),
                format!("{}.", export_hint(FactKind::VirtualNetworks).replace("<subscription>", net.subscription().unwrap_or("<subscription>"))),
            ));
        }
    }
}
