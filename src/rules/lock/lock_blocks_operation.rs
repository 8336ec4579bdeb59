//! ASR501 lock-blocks-operation: a ReadOnly or CanNotDelete lock (on the
//! resource, its group or the subscription) covers something the operation
//! must create, change or delete.

use super::{
    describe_lock, is_asr_lock, lift_help, lock_evidence, lock_list_gaps, touched, Touched,
};
use crate::finding::{Finding, Level, OperationArg, Subject};
use crate::model::{Lock, Operation};
use crate::rules::facts::missing;
use crate::rules::{Category, Findings, Rule, RuleCtx, RuleMeta};
use std::collections::BTreeMap;

pub static META: RuleMeta = RuleMeta {
    code: "ASR501",
    name: "lock-blocks-operation",
    category: Category::Lock,
    level: Level::Error,
    operations: &[
        Operation::TestFailover,
        Operation::Failover,
        Operation::Commit,
        Operation::Reprotect,
        Operation::Failback,
    ],
    summary: "a ReadOnly / CanNotDelete lock (at resource, group or subscription scope) on something the operation must create, change or delete",
    docs: include_str!("../../../rules/lock-blocks-operation/README.md"),
};

pub struct LockBlocksOperation;

impl Rule for LockBlocksOperation {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleCtx, out: &mut Findings) {
        let mut checked = Vec::new();
        for s in ctx.items(&META) {
            let item = s.item;
            let op = s.operation;
            let (touched, unknown) = touched(ctx.estate, item, op);
            if !unknown.is_empty() {
                out.push(
                    missing(
                        OperationArg::Op(op),
                        Subject::item(item),
                        format!(
                            "what the {} of `{}` touches is not fully known ({} not in the bundle): locks on it cannot be checked",
                            op.label(),
                            item.name,
                            crate::text::ticks(&unknown)
                        ),
                        "Export the replicated item from ARM (api-version 2025-08-01) and the VMs (`az vm list -o json > vms.json`).".to_string(),
                    )
                    .with_evidence(format!("{} absent", unknown.join(", ")), ctx.at(item)),
                );
            }
            // Group what each lock blocks.
            let mut by_lock: BTreeMap<crate::model::ResourceId, (&Lock, Vec<&Touched>)> =
                BTreeMap::new();
            for t in &touched {
                checked.push((s, t.id.clone()));
                for lock in ctx.estate.locks_covering(&t.id) {
                    let touches = format!("the {} of `{}`", op.label(), item.name);
                    if let Some(f) = super::unknown_level(
                        ctx,
                        lock,
                        OperationArg::Op(op),
                        Subject::item(item),
                        &touches,
                    ) {
                        out.push(f);
                        continue;
                    }
                    if is_asr_lock(ctx, lock) || !t.impact.action.blocked_by(&lock.level) {
                        continue;
                    }
                    by_lock
                        .entry(lock.id.clone())
                        .or_insert((lock, Vec::new()))
                        .1
                        .push(t);
                }
            }
            for (lock, ts) in by_lock.into_values() {
                let level = ts
                    .iter()
                    .map(|t| t.impact.level())
                    .max()
                    .unwrap_or(Level::Error);
                let musts: Vec<String> = ts
                    .iter()
                    .map(|t| t.impact.action.phrase(t.id.name(), &t.impact.what))
                    .collect();
                let mut f = Finding::new(
                    &META,
                    OperationArg::Op(op),
                    Subject::item(item),
                    format!(
                        "{} blocks the {} of `{}`: it must {}",
                        describe_lock(lock),
                        op.label(),
                        item.name,
                        musts.join("; ")
                    ),
                    lift_help(lock, op.label()),
                )
                .with_level(level)
                .keyed(lock.id.to_string())
                .with_evidence(lock_evidence(lock), ctx.source(lock.source));
                for t in &ts {
                    f = f.with_evidence(t.fact(), ctx.at(item));
                }
                out.push(f);
            }
        }
        let checked: Vec<_> = checked.iter().map(|(s, id)| (*s, id.clone())).collect();
        lock_list_gaps(ctx, &checked)
            .into_iter()
            .for_each(|f| out.push(f));
    }
}
