//! ASR104 target-quota-headroom-low: the operation fits, but leaves a family
//! or the regional quota above `--quota-headroom` (default 90%).

use super::{counter, Counter, CREATING, REGIONAL};
use crate::finding::{Finding, Level};
use crate::model::UsageKind;
use crate::rules::{Category, Findings, Rule, RuleCtx, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "ASR104",
    name: "target-quota-headroom-low",
    category: Category::Quota,
    level: Level::Warning,
    operations: CREATING,
    summary:
        "the operation would leave the family or regional quota above a threshold (default 90%)",
    docs: include_str!("../../../rules/target-quota-headroom-low/README.md"),
};

pub struct TargetQuotaHeadroomLow;

impl Rule for TargetQuotaHeadroomLow {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleCtx, out: &mut Findings) {
        let demand = super::demand(ctx);
        demand.gaps().for_each(|f| out.push(f));
        let regions = &demand.regions;
        let threshold = i64::from(ctx.settings.quota_headroom_percent);
        for rd in regions {
            let (op, ops) = rd.operations();
            let mut counters: Vec<(String, i64)> = vec![(REGIONAL.to_string(), rd.total_vcpus())];
            counters.extend(
                rd.families()
                    .into_iter()
                    .map(|(f, (n, _))| (f.to_string(), n)),
            );
            for (name, need) in counters {
                if need == 0 {
                    continue;
                }
                let u = match counter(ctx, rd, UsageKind::Compute, &name) {
                    Counter::Found(u) => u,
                    Counter::Missing(f) => {
                        out.push(*f);
                        continue;
                    }
                };
                let after = u.current + need;
                // Over the limit is ASR101/ASR102's finding; a zero limit cannot be a percentage.
                if after > u.limit || u.limit <= 0 || after * 100 <= threshold * u.limit {
                    continue;
                }
                let pct = after * 100 / u.limit;
                out.push(
                    Finding::new(
                        &META,
                        op,
                        rd.subject(&name, UsageKind::Compute),
                        format!(
                            "after the {ops}, `{name}` in `{}` would be at {pct}% of its limit ({after} of {}; {need} needed, {} in use), above the {threshold}% headroom",
                            rd.region, u.limit, u.current
                        ),
                        format!(
                            "Raise `{name}` in `{}` ahead of need (Subscriptions > Usage + quotas), so that scale-out after the {ops}, a second drill or a failback overlap does not fail with 28031; or accept it and raise `--quota-headroom`.",
                            rd.region
                        ),
                    )
                    .with_evidence(
                        format!("{name} in {}: currentValue {}, limit {}", rd.region, u.current, u.limit),
                        ctx.source(u.source),
                    ),
                );
            }
        }
    }
}
