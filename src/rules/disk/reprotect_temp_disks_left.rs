//! ASR202 reprotect-temp-disks-left: `ms-asr-<GUID>` disks — the temporary
//! replicas a reprotect makes of the failed-over VM's disks, deleted when it
//! completes — still exist while no reprotect of the item is running: an
//! interrupted reprotect left them, and they cost managed-disk storage.
//!
//! A cost warning, not a blocker: without the disk list nothing is reported
//! (the operation does not need the fact).

use crate::finding::{Finding, Level, OperationArg, Subject};
use crate::model::item::ActiveLocation;
use crate::model::{Disk, Operation, Phase, ReplicatedItem, ResourceId};
use crate::rules::{Category, Findings, Rule, RuleCtx, RuleMeta};
use crate::text;

pub static META: RuleMeta = RuleMeta {
    code: "ASR202",
    name: "reprotect-temp-disks-left",
    category: Category::Disk,
    level: Level::Warning,
    operations: &[Operation::Reprotect, Operation::Failback],
    summary: "`ms-asr-*` temporary disks of a reprotect still exist after it ended (cost)",
    docs: include_str!("../../../rules/reprotect-temp-disks-left/README.md"),
};

pub struct ReprotectTempDisksLeft;

/// The name prefix of the temporary disks (the reprotect article: `ms-asr-<GUID>`).
const PREFIX: &str = "ms-asr-";

/// The resource group of the VM that runs now: where the reprotect puts its
/// temporary disks (the impact model's running-resource-group).
fn running_group(item: &ReplicatedItem) -> Option<ResourceId> {
    let rep = item.replication.as_ref()?;
    let running = if item.active_location == Some(ActiveLocation::Recovery) {
        rep.recovery_vm_id.as_ref()
    } else {
        rep.vm_id.as_ref()
    }?;
    running.resource_group_id()
}

/// True while a reprotect of the item runs: its temporary disks are expected.
fn reprotecting(item: &ReplicatedItem) -> bool {
    matches!(item.phase(), Phase::InProgress(s) if ["SwitchReplicationGroupProtection", "SwitchProtection", "ReverseReplicate"]
        .iter()
        .any(|r| r.eq_ignore_ascii_case(&s)))
}

fn is_temp(d: &Disk) -> bool {
    d.name
        .as_bytes()
        .get(..PREFIX.len())
        .is_some_and(|h| h.eq_ignore_ascii_case(PREFIX.as_bytes()))
}

impl Rule for ReprotectTempDisksLeft {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleCtx, out: &mut Findings) {
        for s in ctx.items(&META) {
            let item = s.item;
            if reprotecting(item) {
                continue;
            }
            let Some(group) = running_group(item) else {
                continue;
            };
            let mut left: Vec<&Disk> = ctx
                .estate
                .disks
                .iter()
                .filter(|d| is_temp(d) && d.id.is_within(&group))
                .collect();
            if left.is_empty() {
                continue;
            }
            left.sort_by(|a, b| a.name.cmp(&b.name));
            let total: i64 = left.iter().filter_map(|d| d.size_gb).sum();
            let listed: Vec<String> = left
                .iter()
                .map(|d| {
                    let mut bits = Vec::new();
                    if let Some(gb) = d.size_gb {
                        bits.push(format!("{gb} GiB"));
                    }
                    if let Some(t) = d.time_created {
                        bits.push(format!("created {}", text::date(t)));
                    }
                    if let Some(st) = &d.disk_state {
                        bits.push(st.clone());
                    }
                    format!("`{}` ({})", d.name, bits.join(", "))
                })
                .collect();
            let ids: Vec<&str> = left.iter().map(|d| d.id.as_str()).collect();
            let mut f = Finding::new(
                &META,
                OperationArg::Op(s.operation),
                Subject::item(item),
                format!(
                    "{} temporary reprotect {} of `{}` still {} in `{}` ({} GiB) while no reprotect of it runs: {}. Site Recovery deletes them when a reprotect completes, so an interrupted reprotect left them; they are billed as managed disks",
                    left.len(),
                    if left.len() == 1 { "disk" } else { "disks" },
                    item.name,
                    if left.len() == 1 { "exists" } else { "exist" },
                    group.name(),
                    total,
                    listed.join(", ")
                ),
                format!(
                    "Check that no reprotect of `{}` is running (vault > Monitoring > Site Recovery jobs). If none is, delete the leftovers: `az disk delete --yes --ids {}`. A reprotect run again creates fresh ones.",
                    item.name,
                    ids.join(" ")
                ),
            );
            for d in &left {
                f = f.with_evidence(
                    format!(
                        "disk {} (managedBy {})",
                        d.id,
                        d.managed_by.as_ref().map_or("none", |m| m.as_str())
                    ),
                    ctx.source(d.source),
                );
            }
            out.push(f);
        }
    }
}
