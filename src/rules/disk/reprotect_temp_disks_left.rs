//! ASR202 reprotect-temp-disks-left: `ms-asr-<GUID>` disks — the temporary
//! replicas a reprotect makes of the failed-over VM's disks, deleted when it
//! completes — still exist while no reprotect of the item is running: an
//! interrupted reprotect left them, and they cost managed-disk storage.
//!
//! Leftovers are looked for wherever the items in scope run now (their VM's
//! subscription and region), one finding per resource group. A cost
//! warning, not a blocker: without the disk list nothing is reported (the
//! operation does not need the fact).

use crate::finding::{Finding, Level, Subject};
use crate::model::item::ActiveLocation;
use crate::model::{Disk, Operation, Phase, ReplicatedItem, ResourceId};
use crate::rules::{Category, Findings, Rule, RuleCtx, RuleMeta};
use crate::text;
use std::collections::{BTreeMap, BTreeSet};

pub static META: RuleMeta = RuleMeta {
    code: "ASR202",
    name: "reprotect-temp-disks-left",
    category: Category::Disk,
    level: Level::Warning,
    operations: Operation::ALL,
    summary: "`ms-asr-*` temporary disks of a reprotect still exist after it ended (cost)",
    docs: include_str!("../../../rules/reprotect-temp-disks-left/README.md"),
};

pub struct ReprotectTempDisksLeft;

/// Where the VM of an item runs now: its subscription and region. A
/// reprotect makes its temporary disks beside the failed-over VM's disks.
fn running_place(item: &ReplicatedItem) -> Option<(String, String)> {
    let rep = item.replication.as_ref()?;
    let (vm, region) = if item.active_location == Some(ActiveLocation::Recovery) {
        (rep.recovery_vm_id.as_ref(), rep.recovery_location.as_ref())
    } else {
        (rep.vm_id.as_ref(), rep.primary_location.as_ref())
    };
    Some((
        vm?.subscription()?.to_ascii_lowercase(),
        crate::model::region_key(region?),
    ))
}

/// True while a reprotect of the item runs: its temporary disks are expected.
fn reprotecting(item: &ReplicatedItem) -> bool {
    matches!(item.phase(), Phase::InProgress(s) if ["SwitchReplicationGroupProtection", "SwitchProtection", "ReverseReplicate"]
        .iter()
        .any(|r| r.eq_ignore_ascii_case(&s)))
}

/// The temporary disks' names (the reprotect article: `ms-asr-<GUID>`).
fn is_temp(d: &Disk) -> bool {
    crate::model::is_reprotect_temp_disk(&d.name)
}

impl Rule for ReprotectTempDisksLeft {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleCtx, out: &mut Findings) {
        // The places where the items in scope run, and those where a
        // reprotect runs now (its temporary disks are expected there).
        let mut places: BTreeMap<(String, String), Vec<&ReplicatedItem>> = BTreeMap::new();
        let mut busy: BTreeSet<(String, String)> = BTreeSet::new();
        for s in ctx.items(&META) {
            let Some(place) = running_place(s.item) else {
                continue;
            };
            if reprotecting(s.item) {
                busy.insert(place.clone());
            }
            places.entry(place).or_default().push(s.item);
        }
        // Leftovers, grouped by resource group.
        let mut groups: BTreeMap<String, (ResourceId, Vec<&Disk>, &Vec<&ReplicatedItem>)> =
            BTreeMap::new();
        for d in ctx.estate.disks.iter().filter(|d| is_temp(d)) {
            let (Some(sub), Some(loc), Some(rg)) = (
                d.id.subscription().map(str::to_ascii_lowercase),
                d.location.as_deref().map(crate::model::region_key),
                d.id.resource_group_id(),
            ) else {
                continue;
            };
            let place = (sub, loc);
            if busy.contains(&place) {
                continue;
            }
            let Some(items) = places.get(&place) else {
                continue;
            };
            groups
                .entry(rg.key())
                .or_insert_with(|| (rg.clone(), Vec::new(), items))
                .1
                .push(d);
        }
        for (_, (rg, mut left, items)) in groups {
            left.sort_by(|a, b| a.name.cmp(&b.name));
            // A size not read (a disk found by the filtered list whose own
            // read failed) is said to be unknown, never counted as zero.
            let total: i64 = left.iter().filter_map(|d| d.size_gb).sum();
            let unknown = left.iter().filter(|d| d.size_gb.is_none()).count();
            let total = match unknown {
                0 => format!("{total} GiB"),
                n if n == left.len() => "size unknown".to_string(),
                n => format!("at least {total} GiB: the size of {n} is unknown"),
            };
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
                        bits.push(st.to_string());
                    }
                    if bits.is_empty() {
                        format!("`{}`", d.name)
                    } else {
                        format!("`{}` ({})", d.name, bits.join(", "))
                    }
                })
                .collect();
            let ids: Vec<String> = left.iter().map(|d| d.id.text()).collect();
            let names: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
            let mut f = Finding::new(
                &META,
                ctx.operation,
                Subject::resource(&rg, rg.name()),
                format!(
                    "{} temporary reprotect {} still {} in `{}` ({}) while no reprotect runs in that region: {}. Site Recovery deletes them when a reprotect completes, so an interrupted reprotect left them; they are billed as managed disks",
                    left.len(),
                    if left.len() == 1 { "disk" } else { "disks" },
                    if left.len() == 1 { "exists" } else { "exist" },
                    rg.name(),
                    total,
                    listed.join(", ")
                ),
                format!(
                    "Check that no reprotect is running for the VMs there ({}; vault > Monitoring > Site Recovery jobs). If none is, delete the leftovers: `az disk delete --yes --ids {}`. A reprotect run again creates fresh ones.",
                    text::ticks(names.iter().take(5)),
                    ids.join(" ")
                ),
            );
            for d in &left {
                f = f.with_evidence(
                    format!(
                        "disk {} (managedBy {})",
                        d.id,
                        d.managed_by
                            .as_ref()
                            .map_or("none".to_string(), |m| m.text())
                    ),
                    ctx.source(d.source),
                );
            }
            out.push(f);
        }
    }
}
