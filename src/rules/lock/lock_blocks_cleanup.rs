//! ASR503 lock-blocks-cleanup: a lock on a protected VM (on the VM, its
//! group or the subscription) will break the removal of Site Recovery's
//! resource links when protection is disabled (150225) and then block
//! enabling it again (150226).

use super::{describe_lock, is_asr_lock, lock_evidence, lock_list_gaps};
use crate::finding::{Finding, Level, Subject};
use crate::model::{Lock, LockLevel, Operation};
use crate::rules::{Category, Findings, Rule, RuleCtx, RuleMeta, Scoped};
use crate::text;
use std::collections::BTreeMap;

pub static META: RuleMeta = RuleMeta {
    code: "ASR503",
    name: "lock-blocks-cleanup",
    category: Category::Lock,
    level: Level::Warning,
    operations: Operation::ALL,
    summary: "a lock that will break stale-link cleanup when protection is disabled (ASR 150225 / 150226)",
    docs: include_str!("../../../rules/lock-blocks-cleanup/README.md"),
};

pub struct LockBlocksCleanup;

impl Rule for LockBlocksCleanup {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleCtx, out: &mut Findings) {
        let mut by_lock: BTreeMap<crate::model::ResourceId, (&Lock, Vec<&Scoped>)> =
            BTreeMap::new();
        let mut checked = Vec::new();
        for s in ctx.items(&META) {
            let Some(vm) = s
                .item
                .vm_id()
                .filter(|v| v.contains_ci("/providers/microsoft.compute/virtualmachines/"))
            else {
                continue;
            };
            checked.push((s, vm.clone()));
            for lock in ctx.estate.locks_covering(vm) {
                let touches = format!(
                    "the clean-up when protection of `{}` is disabled",
                    s.item.name
                );
                if let Some(f) = super::unknown_level(
                    ctx,
                    lock,
                    crate::finding::OperationArg::Op(s.operation),
                    crate::finding::Subject::item(s.item),
                    &touches,
                ) {
                    out.push(f);
                    continue;
                }
                let blocks = matches!(lock.level, LockLevel::ReadOnly | LockLevel::CanNotDelete);
                if blocks && !is_asr_lock(ctx, lock) {
                    by_lock
                        .entry(lock.id.clone())
                        .or_insert((lock, Vec::new()))
                        .1
                        .push(s);
                }
            }
        }
        for (lock, items) in by_lock.into_values() {
            let names: Vec<&str> = items.iter().map(|s| s.item.name.as_str()).collect();
            let op = if items.iter().all(|s| s.operation == items[0].operation) {
                crate::finding::OperationArg::Op(items[0].operation)
            } else {
                ctx.operation
            };
            let shown = text::ticks(names.iter().take(5))
                + &if names.len() > 5 {
                    format!(" and {} more", names.len() - 5)
                } else {
                    String::new()
                };
            let mut f = Finding::new(
                &META,
                op,
                Subject::resource(&lock.id, &lock.name),
                format!(
                    "{} covers {} ({shown}): disabling protection on them would leave stale Site Recovery links (150225) and re-enabling replication would then fail (150226)",
                    describe_lock(lock),
                    text::count(names.len(), "protected VM", "protected VMs")
                ),
                format!(
                    "Before disabling protection (the way out when reprotect or failback is impossible), remove the lock (`az lock delete --ids {}`) and put it back afterwards. If it is too late, run Microsoft's Cleanup-Stale-ASR-Config-Azure-VM.ps1 on the VM, which removes the stale `Microsoft.Resources/links`, then enable replication again.",
                    lock.id
                ),
            )
            .with_evidence(lock_evidence(lock), ctx.source(lock.source));
            for s in items.iter().take(5) {
                f = f.with_evidence(
                    format!(
                        "`{}` fabricObjectId {}",
                        s.item.name,
                        s.item.vm_id().map(|v| v.to_string()).unwrap_or_default()
                    ),
                    ctx.at(s.item),
                );
            }
            out.push(f);
        }
        let checked: Vec<_> = checked.iter().map(|(s, id)| (*s, id.clone())).collect();
        lock_list_gaps(ctx, &checked)
            .into_iter()
            .for_each(|f| out.push(f));
    }
}
