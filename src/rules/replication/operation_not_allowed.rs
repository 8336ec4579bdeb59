//! ASR402 operation-not-allowed: the operation is not in the item's
//! `allowedOperations`, explained in the item's state.
//!
//! Stays quiet where a more precise rule explains the same block: ASR401 for
//! an uncommitted failover before reprotect or failback, ASR403 for a pending
//! test-failover cleanup.

use crate::finding::{Finding, Level, OperationArg, Subject};
use crate::model::{AsrOperation, Operation, Phase, ReplicatedItem};
use crate::rules::{Category, Findings, Rule, RuleCtx, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "ASR402",
    name: "operation-not-allowed",
    category: Category::Replication,
    level: Level::Error,
    operations: Operation::ALL,
    summary: "the operation is not in the item's allowedOperations; explains the state",
    docs: include_str!("../../../rules/operation-not-allowed/README.md"),
};

pub struct OperationNotAllowed;

/// True when ASR permits `op` on the item now.
pub fn is_allowed(item: &ReplicatedItem, op: Operation) -> bool {
    let listed = op.asr_actions().iter().any(|a| item.allows(a));
    match op {
        // Failover again is failback only once replication runs the other way
        // (or the provider offers `Failback` itself).
        Operation::Failback => {
            item.allows(&AsrOperation::Failback) || (listed && item.is_reversed())
        }
        _ => listed,
    }
}

/// True when ASR401, ASR403 or ASR702 already explains why `op` is blocked.
fn explained_elsewhere(ctx: &RuleCtx, item: &ReplicatedItem, op: Operation) -> bool {
    if crate::rules::hyperv::complete_failover_pending::waiting_job(ctx.estate, item).is_some() {
        return true;
    }
    let uncommitted =
        matches!(op, Operation::Reprotect | Operation::Failback) && item.commit_pending();
    let cleanup = matches!(
        op,
        Operation::TestFailover | Operation::Failover | Operation::Failback
    ) && item.test_failover_cleanup_pending();
    uncommitted || cleanup
}

fn advice(item: &ReplicatedItem, op: Operation) -> String {
    let name = &item.name;
    match (item.phase(), op) {
        (Phase::CommitPending, Operation::TestFailover | Operation::Failover) => format!(
            "`{name}` has already failed over: commit the failover (vault > Replicated items > {name} > Commit), then reprotect it."
        ),
        (Phase::FailedOver, Operation::TestFailover | Operation::Failover | Operation::Commit)
            if item.is_hyper_v() && item.next_operation() == Operation::Reprotect =>
        {
            format!(
                "The failback of `{name}` is committed on premises: the next step is Reverse Replicate (vault > Replicated items > {name} > Reverse Replicate), which protects it to Azure again."
            )
        }
        (Phase::FailedOver, Operation::TestFailover | Operation::Failover | Operation::Commit)
            if item.is_hyper_v() =>
        {
            format!(
                "The failover of `{name}` to Azure is committed: the next step is failback, a planned failover from Azure (vault > Replicated items > {name} > Planned Failover, direction Azure to on-premises)."
            )
        }
        (Phase::FailedOver, Operation::TestFailover | Operation::Failover | Operation::Commit) => format!(
            "The failover of `{name}` is already committed: the next step is reprotect (vault > Replicated items > {name} > Re-protect)."
        ),
        (Phase::Protected, Operation::Commit) => format!(
            "There is no failover of `{name}` to commit: commit applies after a failover has completed."
        ),
        (Phase::Protected, Operation::Reprotect) => format!(
            "`{name}` is already protected: reprotect applies after a failover has been committed."
        ),
        (Phase::Protected, Operation::Failback) => format!(
            "`{name}` still replicates in its original direction: fail back only after failover, commit and reprotect have completed and the reverse replication is in sync."
        ),
        (Phase::InProgress(job), _) => format!(
            "Wait for the running `{job}` to finish (vault > Monitoring > Site Recovery jobs), then check again."
        ),
        _ => format!(
            "Open vault > Replicated items > {name}, resolve what holds the item in its current state, and check again."
        ),
    }
}

impl Rule for OperationNotAllowed {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleCtx, out: &mut Findings) {
        for s in ctx.items(&META) {
            let (item, op) = (s.item, s.operation);
            // Absent or mistyped `allowedOperations` is an unknown state:
            // the engine reports it for every item (ASR901).
            let Some(allowed) = &item.allowed_operations else {
                continue;
            };
            if is_allowed(item, op) || explained_elsewhere(ctx, item, op) {
                continue;
            }
            let allowed_now: Vec<&str> = allowed.iter().map(AsrOperation::as_str).collect();
            let needs: Vec<&str> = op.asr_actions().iter().map(AsrOperation::as_str).collect();
            out.push(
                Finding::new(
                    &META,
                    OperationArg::Op(op),
                    Subject::item(item),
                    format!(
                        "{} is not allowed for `{}`: {} (allowed now: {})",
                        op.label(),
                        item.name,
                        item.describe_state(),
                        crate::text::ticks(&allowed_now)
                    ),
                    advice(item, op),
                )
                .with_evidence(
                    format!("allowedOperations = [{}]", allowed_now.join(", ")),
                    ctx.at(item),
                )
                .with_evidence(
                    format!(
                        "protectionState = {}; activeLocation = {}; {} needs one of [{}]",
                        item.protection_state.as_deref().unwrap_or("unknown"),
                        item.active_location
                            .as_ref()
                            .map_or("unknown", |l| l.as_str()),
                        op.label(),
                        needs.join(", ")
                    ),
                    ctx.at(item),
                ),
            );
        }
    }
}
