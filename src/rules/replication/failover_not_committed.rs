//! ASR401 failover-not-committed: reprotect (or failback) is asked for while
//! the failover is not committed. When the next step is the commit itself,
//! the same state is a warning: the VM runs in the recovery region without
//! protection until it is committed and reprotected.

use crate::finding::{Finding, Level, OperationArg, Subject};
use crate::model::Operation;
use crate::rules::{Category, Findings, Rule, RuleCtx, RuleMeta};
use crate::text;

pub static META: RuleMeta = RuleMeta {
    code: "ASR401",
    name: "failover-not-committed",
    category: Category::Replication,
    level: Level::Error,
    operations: &[Operation::Commit, Operation::Reprotect, Operation::Failback],
    summary: "reprotect or failback asked for while the failover is not committed (a warning when commit is the next step)",
    docs: include_str!("../../../rules/failover-not-committed/README.md"),
};

pub struct FailoverNotCommitted;

impl Rule for FailoverNotCommitted {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleCtx, out: &mut Findings) {
        for s in ctx.items(&META) {
            let item = s.item;
            if !item.commit_pending() {
                continue;
            }
            let when = item
                .last_successful_failover
                .map(|t| format!(" on {}", text::date_time(t)))
                .unwrap_or_default();
            let state = item.protection_state.as_deref().unwrap_or("unknown");
            let (level, consequence, then) = if s.operation == Operation::Commit {
                (
                    Level::Warning,
                    "the VM runs in the recovery region without protection, and reprotect stays unavailable until it is".to_string(),
                    "reprotect".to_string(),
                )
            } else {
                (
                    Level::Error,
                    format!("{} cannot start until it is", s.operation.label()),
                    s.operation.label().to_string(),
                )
            };
            let f = Finding::new(
                &META,
                OperationArg::Op(s.operation),
                Subject::item(item),
                format!(
                    "the failover of `{}` completed{when} but is not committed (`{state}`): {consequence}",
                    item.name
                ),
                format!(
                    "Commit the failover: Recovery Services vault > Replicated items > {} > Commit (or Commit on its recovery plan). Commit deletes the other recovery points, so change the recovery point first if you need another one; then run {then}.",
                    item.name
                ),
            )
            .with_level(level)
            .with_evidence(format!("protectionState = {state}"), ctx.at(item))
            .with_evidence(
                format!(
                    "allowedOperations = [{}]",
                    item.allowed_operations
                        .iter()
                        .flatten()
                        .map(|o| o.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                ctx.at(item),
            );
            out.push(f);
        }
    }
}
