//! ASR105 target-nic-quota-exceeded: the network interfaces the operation
//! creates exceed what is free of the target region's `NetworkInterfaces`
//! quota (failover error 28092).

use super::target_family_quota_exceeded::free_text;
use super::{counter, nic_count, Counter, CREATING, NICS};
use crate::finding::{Finding, Level, OperationArg, Subject};
use crate::model::{FactKind, UsageKind};
use crate::rules::facts::{facts_missing::export_hint, missing};
use crate::rules::{Category, Findings, Rule, RuleCtx, RuleMeta};
use crate::text;

pub static META: RuleMeta = RuleMeta {
    code: "ASR105",
    name: "target-nic-quota-exceeded",
    category: Category::Quota,
    level: Level::Error,
    operations: CREATING,
    summary: "network interfaces the operation creates vs the target region's network quota (failover error 28092)",
    docs: include_str!("../../../rules/target-nic-quota-exceeded/README.md"),
};

pub struct TargetNicQuotaExceeded;

impl Rule for TargetNicQuotaExceeded {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleCtx, out: &mut Findings) {
        // NIC counts need the region, not the size.
        let demand = super::demand(ctx);
        demand
            .placement_gaps
            .iter()
            .cloned()
            .for_each(|f| out.push(f));
        let regions = &demand.regions;
        for rd in regions {
            let (op, ops) = rd.operations();
            let mut need = 0i64;
            let mut complete = true;
            for t in rd.creating_targets() {
                match nic_count(ctx, t.scoped.item) {
                    Some(n) => need += n as i64,
                    None => {
                        complete = false;
                        let item = t.scoped.item;
                        out.push(
                            missing(
                                OperationArg::Op(t.scoped.operation),
                                Subject::item(item),
                                format!("the NICs of `{}` are unknown (no `vmNics` on the item, no source VM in the bundle)", item.name),
                                format!("{}.", export_hint(FactKind::VirtualMachines)),
                            )
                            .with_evidence("vmNics absent", ctx.at(item)),
                        );
                    }
                }
            }
            let u = match counter(ctx, rd, UsageKind::Network, NICS) {
                Counter::Found(u) => u,
                Counter::Missing(f) => {
                    out.push(*f);
                    continue;
                }
            };
            let free = u.limit - u.current;
            if need <= free {
                continue;
            }
            let new_limit = u.current + need;
            let partial = if complete {
                ""
            } else {
                " (at least; some items' NICs are unknown)"
            };
            out.push(
                Finding::new(
                    &META,
                    op,
                    rd.subject(NICS, UsageKind::Network),
                    format!(
                        "the {ops} of {} creates {need} network interfaces{partial} in `{}`; {} (limit {}, in use {}): {} short",
                        text::count(rd.targets.len(), "item", "items"),
                        rd.region,
                        free_text(free),
                        u.limit,
                        u.current,
                        need - free.max(0)
                    ),
                    format!(
                        "Request a `NetworkInterfaces` quota of at least {new_limit} in `{}` (+{}): Subscriptions > Usage + quotas > Networking > Network Interfaces > Request increase; or delete unused NICs left in `{}` (detached NICs count too). ASR fails such a failover with 28092.",
                        rd.region,
                        new_limit - u.limit,
                        rd.region
                    ),
                )
                .with_evidence(
                    format!("NetworkInterfaces in {}: currentValue {}, limit {}", rd.region, u.current, u.limit),
                    ctx.source(u.source),
                ),
            );
        }
    }
}
