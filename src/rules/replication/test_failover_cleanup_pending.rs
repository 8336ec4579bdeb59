//! ASR403 test-failover-cleanup-pending: a previous test failover was not
//! cleaned up, which blocks the next test failover and the failover.

use crate::finding::{Finding, Level, OperationArg, Subject};
use crate::model::Operation;
use crate::rules::{Category, Findings, Rule, RuleCtx, RuleMeta};
use crate::text;

pub static META: RuleMeta = RuleMeta {
    code: "ASR403",
    name: "test-failover-cleanup-pending",
    category: Category::Replication,
    level: Level::Error,
    operations: &[
        Operation::TestFailover,
        Operation::Failover,
        Operation::Failback,
    ],
    summary: "a previous test failover was not cleaned up",
    docs: include_str!("../../../rules/test-failover-cleanup-pending/README.md"),
};

pub struct TestFailoverCleanupPending;

impl Rule for TestFailoverCleanupPending {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleCtx, out: &mut Findings) {
        for s in ctx.items(&META) {
            let item = s.item;
            if !item.test_failover_cleanup_pending() {
                continue;
            }
            let since = item
                .current_scenario
                .as_ref()
                .and_then(|sc| sc.started)
                .map(|t| {
                    format!(
                        " since {} ({} ago)",
                        text::date_time(t),
                        text::duration(ctx.now - t)
                    )
                })
                .unwrap_or_default();
            let state = item.test_failover_state.as_deref().unwrap_or("unknown");
            let mut f = Finding::new(
                &META,
                OperationArg::Op(s.operation),
                Subject::item(item),
                format!(
                    "a test failover of `{}` is waiting for cleanup{since}: {} is blocked until the test environment is cleaned up",
                    item.name,
                    s.operation.label()
                ),
                format!(
                    "Clean up the test failover: Recovery Services vault > Replicated items > {} > Cleanup test failover, note the drill's results, tick \"Testing is complete\" and confirm. This deletes the test VM and its disks; the test network is kept.",
                    item.name
                ),
            )
            .with_evidence(format!("testFailoverState = {state}"), ctx.at(item));
            if let Some(d) = &item.protection_state_description {
                f = f.with_evidence(format!("protectionStateDescription = {d}"), ctx.at(item));
            }
            out.push(f);
        }
    }
}
