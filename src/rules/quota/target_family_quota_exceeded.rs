//! ASR101 target-family-quota-exceeded: the vCPUs the operation creates in a
//! VM family exceed what is free of that family's quota in the target region.

use super::{counter, increase_help, list_items, Counter, CREATING};
use crate::finding::{Finding, Level};
use crate::model::UsageKind;
use crate::rules::{Category, Findings, Rule, RuleCtx, RuleMeta};
use crate::text;

pub static META: RuleMeta = RuleMeta {
    code: "ASR101",
    name: "target-family-quota-exceeded",
    category: Category::Quota,
    level: Level::Error,
    operations: CREATING,
    summary: "vCPUs by VM family the operation will create in the target region (summed over every item in scope) vs limit - currentValue",
    docs: include_str!("../../../rules/target-family-quota-exceeded/README.md"),
};

pub struct TargetFamilyQuotaExceeded;

/// `24 are free` / `none are free (4 over the limit)`.
pub fn free_text(free: i64) -> String {
    if free > 0 {
        format!("{free} are free")
    } else if free == 0 {
        "none are free".to_string()
    } else {
        format!("none are free ({} over the limit already)", -free)
    }
}

impl Rule for TargetFamilyQuotaExceeded {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleCtx, out: &mut Findings) {
        let demand = super::demand(ctx);
        demand.gaps().for_each(|f| out.push(f));
        let regions = &demand.regions;
        for rd in regions {
            let (op, ops) = rd.operations();
            for (family, (need, items)) in rd.families() {
                let u = match counter(ctx, rd, UsageKind::Compute, &family) {
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
                let mut f = Finding::new(
                    &META,
                    op,
                    rd.subject(&family, UsageKind::Compute),
                    format!(
                        "the {ops} of {} needs {need} vCPUs of `{family}` in `{}`; {} (limit {}, in use {}): {} short. Needed by {}",
                        text::count(items.len(), "item", "items"),
                        rd.region,
                        free_text(free),
                        u.limit,
                        u.current,
                        need - free.max(0),
                        list_items(&items, 5)
                    ),
                    increase_help(rd, &family, new_limit, new_limit - u.limit),
                )
                .with_evidence(
                    format!("{family} in {}: currentValue {}, limit {}", rd.region, u.current, u.limit),
                    ctx.source(u.source),
                );
                for s in items.iter().take(5) {
                    f = f.with_evidence(
                        format!(
                            "`{}`: recoveryAzureVMSize {} → {}, vCPUs {}",
                            s.target.scoped.item.name, s.sku.name, s.family, s.vcpus
                        ),
                        ctx.source(s.sku.source),
                    );
                }
                out.push(f);
            }
        }
    }
}
