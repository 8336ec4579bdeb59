//! ASR102 target-regional-quota-exceeded: the vCPUs the operation creates
//! exceed what is free of the Total Regional vCPUs quota (`cores`).

use super::target_family_quota_exceeded::free_text;
use super::{counter, increase_help, list_items, Counter, CREATING, REGIONAL};
use crate::finding::{Finding, Level};
use crate::model::UsageKind;
use crate::rules::{Category, Findings, Rule, RuleCtx, RuleMeta};
use crate::text;

pub static META: RuleMeta = RuleMeta {
    code: "ASR102",
    name: "target-regional-quota-exceeded",
    category: Category::Quota,
    level: Level::Error,
    operations: CREATING,
    summary: "same for Total Regional vCPUs (cores)",
    docs: include_str!("../../../rules/target-regional-quota-exceeded/README.md"),
};

pub struct TargetRegionalQuotaExceeded;

impl Rule for TargetRegionalQuotaExceeded {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleCtx, out: &mut Findings) {
        let demand = super::demand(ctx);
        demand.gaps().for_each(|f| out.push(f));
        let regions = &demand.regions;
        for rd in regions {
            if rd.items.is_empty() {
                continue;
            }
            let (op, ops) = rd.operations();
            let u = match counter(ctx, rd, UsageKind::Compute, REGIONAL) {
                Counter::Found(u) => u,
                Counter::Missing(f) => {
                    out.push(*f);
                    continue;
                }
            };
            let need = rd.total_vcpus();
            let free = u.limit - u.current;
            if need <= free {
                continue;
            }
            let new_limit = u.current + need;
            let items: Vec<_> = rd.items.iter().collect();
            let families: Vec<String> = rd
                .families()
                .into_iter()
                .map(|(f, (n, _))| format!("`{f}` {n}"))
                .collect();
            out.push(
                Finding::new(
                    &META,
                    op,
                    rd.subject(REGIONAL, UsageKind::Compute),
                    format!(
                        "the {ops} of {} needs {need} vCPUs in `{}` ({}); of the Total Regional vCPUs {} (limit {}, in use {}): {} short. Largest: {}",
                        text::count(items.len(), "item", "items"),
                        rd.region,
                        families.join(", "),
                        free_text(free),
                        u.limit,
                        u.current,
                        need - free.max(0),
                        list_items(&items, 5)
                    ),
                    increase_help(rd, REGIONAL, new_limit, new_limit - u.limit)
                        .replace("`cores`", "Total Regional vCPUs (`cores`)"),
                )
                .with_evidence(
                    format!("cores in {}: currentValue {}, limit {}", rd.region, u.current, u.limit),
                    ctx.source(u.source),
                ),
            );
        }
    }
}
