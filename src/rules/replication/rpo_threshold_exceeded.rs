//! ASR405 rpo-threshold-exceeded: the RPO is above the threshold, or it has
//! not been calculated recently (replication may have stopped).

use super::is_replicating;
use crate::finding::{Finding, Level, OperationArg, Subject};
use crate::model::Operation;
use crate::rules::facts::missing;
use crate::rules::{Category, Findings, Rule, RuleCtx, RuleMeta};
use crate::text;
use time::Duration;

pub static META: RuleMeta = RuleMeta {
    code: "ASR405",
    name: "rpo-threshold-exceeded",
    category: Category::Replication,
    level: Level::Warning,
    operations: &[
        Operation::TestFailover,
        Operation::Failover,
        Operation::Failback,
    ],
    summary: "RPO above threshold, or no recent RPO calculation",
    docs: include_str!("../../../rules/rpo-threshold-exceeded/README.md"),
};

pub struct RpoThresholdExceeded;

impl Rule for RpoThresholdExceeded {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleCtx, out: &mut Findings) {
        for s in ctx.items(&META) {
            let item = s.item;
            if !is_replicating(item) {
                continue;
            }
            let op = OperationArg::Op(s.operation);
            let src = ctx.at(item);
            let rep = item.replication.as_ref();
            let rpo = rep.and_then(|r| r.rpo_seconds);
            let calculated = rep.and_then(|r| r.last_rpo_calculated);
            let (Some(rpo), Some(calculated)) = (rpo, calculated) else {
                let absent: Vec<&str> = [
                    ("rpoInSeconds", rpo.is_none()),
                    ("lastRpoCalculatedTime", calculated.is_none()),
                ]
                .into_iter()
                .filter_map(|(n, gone)| gone.then_some(n))
                .collect();
                out.push(
                    missing(
                        op,
                        Subject::item(item),
                        format!(
                            "{} of `{}` not in the bundle: how much data a {} would lose is unknown",
                            text::ticks(&absent),
                            item.name,
                            s.operation.label()
                        ),
                        "Export the replicated item from ARM (the vault's `replicationProtectedItems`, api-version 2025-08-01); its `providerSpecificDetails` carry the RPO.".to_string(),
                    )
                    .with_evidence(format!("{} absent", absent.join(", ")), src),
                );
                continue;
            };
            let at = ctx.observed_at();
            let since = at - calculated;
            if since > ctx.settings.rpo_stale_after {
                out.push(
                    Finding::new(
                        &META,
                        op,
                        Subject::item(item),
                        format!(
                            "the RPO of `{}` had not been recalculated for {} as of {} (the time of the facts; last at {}), more than {}: replication may have stopped and the last reported RPO of {} no longer holds",
                            item.name,
                            text::duration(since),
                            text::date_time(at),
                            text::date_time(calculated),
                            text::duration(ctx.settings.rpo_stale_after),
                            text::duration(Duration::seconds(rpo))
                        ),
                        format!(
                            "Check vault > Replicated items > {} for health errors and the latest recovery point; ASR raises 153007 when no crash-consistent point was created for 60 minutes. Fix connectivity or the agent, then wait for a fresh RPO.",
                            item.name
                        ),
                    )
                    .with_evidence(format!("lastRpoCalculatedTime = {}", text::rfc3339(calculated)), src.clone())
                    .with_evidence(format!("rpoInSeconds = {rpo}"), src),
                );
                continue;
            }
            let rpo_d = Duration::seconds(rpo);
            if rpo_d > ctx.settings.max_rpo {
                out.push(
                    Finding::new(
                        &META,
                        op,
                        Subject::item(item),
                        format!(
                            "the RPO of `{}` is {} ({rpo} s), above the {} threshold: a {} now would lose up to {} of writes",
                            item.name,
                            text::duration(rpo_d),
                            text::duration(ctx.settings.max_rpo),
                            s.operation.label(),
                            text::duration(rpo_d)
                        ),
                        format!(
                            "Find why replication lags (vault > Replicated items > {} > data churn, health errors; disk churn above the limits of the cache storage account or the target disk type), fix it and wait for the RPO to fall; or accept the loss and raise `--max-rpo`.",
                            item.name
                        ),
                    )
                    .with_evidence(format!("rpoInSeconds = {rpo}"), src.clone())
                    .with_evidence(format!("lastRpoCalculatedTime = {}", text::rfc3339(calculated)), src),
                );
            }
        }
    }
}
