//! ASR502 site-recovery-lock-stale: a lock Site Recovery set itself
//! (`SiteRecovery-*`, Read-only on the source machine during reverse
//! replication and failback) that is still there when no reverse
//! replication or failback is under way.

use super::{describe_lock, is_asr_lock, lock_evidence};
use crate::finding::{Finding, Level, OperationArg, Subject};
use crate::model::{Operation, Phase, ReplicatedItem};
use crate::rules::{Category, Findings, Rule, RuleCtx, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "ASR502",
    name: "site-recovery-lock-stale",
    category: Category::Lock,
    level: Level::Warning,
    operations: Operation::ALL,
    summary: "a SiteRecovery-* lock left behind when no reprotect or failback is in progress",
    docs: include_str!("../../../rules/site-recovery-lock-stale/README.md"),
};

pub struct SiteRecoveryLockStale;

/// The lock is expected while the item replicates in reverse, or while a
/// scenario (reprotect) runs on it.
fn expects_lock(item: &ReplicatedItem) -> bool {
    item.is_reversed() || matches!(item.phase(), Phase::InProgress(_))
}

impl Rule for SiteRecoveryLockStale {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleCtx, out: &mut Findings) {
        let whole_vault = ctx.scope.len() == ctx.estate.items.len();
        for lock in ctx.estate.locks.iter().filter(|l| is_asr_lock(ctx, l)) {
            let related: Vec<&ReplicatedItem> = ctx
                .estate
                .items
                .iter()
                .filter(|i| {
                    let rep = i.replication.as_ref();
                    [
                        rep.and_then(|r| r.vm_id.as_ref()),
                        rep.and_then(|r| r.recovery_vm_id.as_ref()),
                    ]
                    .into_iter()
                    .flatten()
                    .any(|vm| vm.is_within(&lock.scope))
                })
                .collect();
            if related.iter().any(|i| expects_lock(i)) {
                continue;
            }
            let in_scope = ctx
                .scope
                .iter()
                .find(|s| related.iter().any(|r| r.id == s.item.id));
            if in_scope.is_none() && !(related.is_empty() && whole_vault) {
                continue;
            }
            let (subject, op, why) = match (in_scope, related.first()) {
                (Some(s), _) => (
                    Subject::item(s.item),
                    OperationArg::Op(s.operation),
                    format!(
                        "`{}` is {}, not in reverse replication or failback",
                        s.item.name,
                        s.item.describe_state()
                    ),
                ),
                _ => (
                    Subject::resource(&lock.scope, lock.scope.name()),
                    ctx.operation,
                    "no replicated item protects it any more (protection was disabled)".to_string(),
                ),
            };
            out.push(
                Finding::new(
                    &META,
                    op,
                    subject,
                    format!(
                        "{} is left behind: {why}; while it stays, the VM cannot be started, resized or deleted, and a later reprotect cannot replace it",
                        describe_lock(lock)
                    ),
                    format!(
                        "Delete the stale Site Recovery lock: `az lock delete --ids {}` (Site Recovery sets it again on the next reprotect). Check first that no reprotect or failback of this VM is running (vault > Site Recovery jobs).",
                        lock.id
                    ),
                )
                .keyed(lock.id.to_string())
                .with_evidence(lock_evidence(lock), ctx.source(lock.source)),
            );
        }
    }
}
