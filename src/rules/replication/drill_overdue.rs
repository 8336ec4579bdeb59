//! ASR407 drill-overdue: no successful test failover within the allowed age
//! (never drilled counts).

use crate::finding::{Finding, Level, OperationArg, Subject};
use crate::model::Operation;
use crate::rules::{Category, Findings, Rule, RuleCtx, RuleMeta};
use crate::text;

pub static META: RuleMeta = RuleMeta {
    code: "ASR407",
    name: "drill-overdue",
    category: Category::Replication,
    level: Level::Warning,
    operations: &[Operation::Failover],
    summary: "no successful test failover within N days (default 180)",
    docs: include_str!("../../../rules/drill-overdue/README.md"),
};

pub struct DrillOverdue;

impl Rule for DrillOverdue {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleCtx, out: &mut Findings) {
        let limit = ctx.settings.drill_max_age;
        for s in ctx.items(&META) {
            let item = s.item;
            if !super::is_replicating(item) {
                continue; // drills are for items that replicate
            }
            if let Some(f) = crate::rules::facts::facts_missing::unknown_facts(
                ctx,
                OperationArg::Op(s.operation),
                item,
                crate::model::item::Need::DrillAge,
                "when the last drill succeeded",
            ) {
                out.push(f);
                continue;
            }
            // ASR leaves the field out, or writes the 0001-01-01 sentinel, when
            // there never was one.
            let last = item
                .last_successful_test_failover
                .filter(|t| t.year() > 1900);
            let (message, fact) = match last {
                None => (
                    format!("`{}` has never completed a test failover: its failover has never been proven", item.name),
                    "lastSuccessfulTestFailoverTime absent".to_string(),
                ),
                Some(t) if ctx.now - t > limit => (
                    format!(
                        "the last successful test failover of `{}` was {} ago ({}), beyond the {}-day limit",
                        item.name,
                        text::duration(ctx.now - t),
                        text::date(t),
                        limit.whole_days()
                    ),
                    format!("lastSuccessfulTestFailoverTime = {}", text::rfc3339(t)),
                ),
                Some(_) => continue,
            };
            let help = format!(
                "Run a test failover into an isolated network (vault > Replicated items > {} > Test failover, or on its recovery plan), check the application, then clean it up.",
                item.name
            );
            out.push(
                Finding::new(
                    &META,
                    OperationArg::Op(s.operation),
                    Subject::item(item),
                    message,
                    help,
                )
                .with_evidence(fact, ctx.at(item)),
            );
        }
    }
}
