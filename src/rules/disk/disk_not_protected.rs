//! ASR201 disk-not-protected: a disk attached to the VM is not replicated, so
//! its data will not exist after failover.
//!
//! Two sources, both checked: ASR's own `unprotectedDisks`, and the VM's
//! attached disks compared with the item's protected disks (by managed disk
//! id, case-insensitively, or by LUN where the provider reports one). A disk
//! added last month shows up in the second even before ASR notices it.

use crate::finding::{Finding, Level, OperationArg, Subject};
use crate::model::item::{ProviderKind, Replication};
use crate::model::{FactKind, Operation, ReplicatedItem, Vm};
use crate::rules::facts::{facts_missing::export_hint, missing};
use crate::rules::{Category, Findings, Rule, RuleCtx, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "ASR201",
    name: "disk-not-protected",
    category: Category::Disk,
    level: Level::Error,
    operations: &[Operation::TestFailover, Operation::Failover, Operation::Failback],
    summary: "a disk attached to the VM is not replicated (unprotectedDisks, or a disk absent from the protected disks)",
    docs: include_str!("../../../rules/disk-not-protected/README.md"),
};

pub struct DiskNotProtected;

/// An attached disk that is not replicated.
struct Gap {
    lun: Option<i64>,
    name: Option<String>,
    size_gb: Option<i64>,
    /// ASR will protect it by itself (`diskAutoProtectionStatus: Enabled`).
    auto: bool,
    evidence: Vec<(String, crate::finding::Origin)>,
}

/// The replicated VM's id, when it is an Azure VM (Hyper-V items name an
/// on-premises machine instead).
fn azure_vm_id(rep: &Replication) -> Option<&crate::model::ResourceId> {
    rep.vm_id
        .as_ref()
        .filter(|id| id.contains_ci("/providers/microsoft.compute/virtualmachines/"))
}

/// Attached disks of `vm` that are neither protected nor already in `gaps`.
fn unmatched_disks(
    item: &ReplicatedItem,
    rep: &Replication,
    vm: &Vm,
    ctx: &RuleCtx,
    gaps: &mut Vec<Gap>,
) {
    // An item protects a handful of disks: a list to search beats a tree
    // to build (ids compare equal without case, as in a set).
    let protected_ids: Vec<&crate::model::ResourceId> = rep
        .protected_disks
        .iter()
        .filter_map(|d| d.disk_id.as_ref())
        .collect();
    let protected_luns: Vec<i64> = rep.protected_disks.iter().filter_map(|d| d.lun).collect();
    // Written only into a gap's evidence.
    let vm_src = || -> crate::finding::Origin { ctx.source(vm.source).into() };
    if let Some(os) = &vm.os_disk_id {
        if !protected_ids.contains(&os) {
            gaps.push(Gap {
                lun: None,
                name: vm.os_disk_name.clone().or(Some(os.name().to_string())),
                size_gb: None,
                auto: false,
                evidence: vec![(format!("storageProfile.osDisk.managedDisk.id = {os}; not among the protected disks of the item"), vm_src())],
            });
        }
    }
    for d in &vm.data_disks {
        let by_id = [&d.managed_disk_id, &d.vhd_uri]
            .into_iter()
            .flatten()
            .any(|id| protected_ids.contains(&id));
        let by_lun = d.lun.is_some_and(|l| protected_luns.contains(&l));
        if by_id || by_lun {
            continue;
        }
        if let Some(g) = gaps.iter_mut().find(|g| g.lun.is_some() && g.lun == d.lun) {
            // ASR already lists it: add what the VM says about it.
            g.name = g.name.clone().or(d.name.clone());
            g.size_gb = g.size_gb.or(d.size_gb);
            g.evidence.push((vm_fact(d), vm_src()));
            continue;
        }
        gaps.push(Gap {
            lun: d.lun,
            name: d.name.clone(),
            size_gb: d.size_gb,
            auto: false,
            evidence: vec![(
                format!(
                    "{}; not among the {} protected disks of `{}`",
                    vm_fact(d),
                    rep.protected_disks.len(),
                    item.name
                ),
                vm_src(),
            )],
        });
    }
}

fn vm_fact(d: &crate::model::DataDisk) -> String {
    format!(
        "storageProfile.dataDisks: LUN {} `{}` ({})",
        d.lun.map_or("?".to_string(), |l| l.to_string()),
        d.name.as_deref().unwrap_or("unnamed"),
        d.managed_disk_id
            .as_ref()
            .or(d.vhd_uri.as_ref())
            .map_or("no disk id".to_string(), |i| i.to_string())
    )
}

fn describe(g: &Gap) -> String {
    let mut parts = Vec::new();
    if let Some(l) = g.lun {
        parts.push(format!("LUN {l}"));
    }
    if let Some(s) = g.size_gb {
        parts.push(format!("{s} GiB"));
    }
    let what = match (&g.name, g.lun) {
        (Some(n), _) => format!("`{n}`"),
        (None, Some(_)) => "the data disk".to_string(),
        (None, None) => "a disk".to_string(),
    };
    if parts.is_empty() {
        what
    } else {
        format!("{what} ({})", parts.join(", "))
    }
}

impl Rule for DiskNotProtected {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleCtx, out: &mut Findings) {
        for s in ctx.items(&META) {
            let item = s.item;
            if !crate::rules::replication::is_replicating(item) {
                continue; // nothing replicates now; ASR402 says why the operation cannot run
            }
            let op = OperationArg::Op(s.operation);
            let Some(rep) = &item.replication else {
                out.push(missing(
                    op,
                    Subject::item(item),
                    format!("`providerSpecificDetails` of `{}` is not in the bundle: its replicated disks are unknown", item.name),
                    "Export the replicated item from ARM (the vault's `replicationProtectedItems`, api-version 2025-08-01).".to_string(),
                ).with_evidence("providerSpecificDetails absent", ctx.at(item)));
                continue;
            };
            // Written only into a finding's evidence.
            let src = || ctx.at(item);
            let mut gaps: Vec<Gap> = rep
                .unprotected_disks
                .iter()
                .flatten()
                .enumerate()
                .map(|(i, u)| Gap {
                    lun: u.lun,
                    name: None,
                    size_gb: None,
                    auto: u
                        .auto_protection
                        .as_deref()
                        .is_some_and(|a| a.eq_ignore_ascii_case("Enabled")),
                    evidence: vec![(
                        format!(
                            "unprotectedDisks[{i}]: diskLunId {}, diskAutoProtectionStatus {}",
                            u.lun.map_or("?".to_string(), |l| l.to_string()),
                            u.auto_protection.as_deref().unwrap_or("unknown")
                        ),
                        src(),
                    )],
                })
                .collect();

            if rep.kind == ProviderKind::A2A && rep.protected_disks.is_empty() {
                // Every A2A item replicates at least its OS disk: an empty
                // list is an incomplete export, not a VM without disks.
                out.push(
                    missing(
                        op,
                        Subject::item(item),
                        format!("`{}` lists no protected disks (`protectedManagedDisks`): its replicated disks are unknown", item.name),
                        "Export the replicated item from ARM with its full `providerSpecificDetails` (api-version 2025-08-01).".to_string(),
                    )
                    .with_evidence("protectedManagedDisks and protectedDisks empty", src()),
                );
            } else if let Some(vm_id) = azure_vm_id(rep) {
                match ctx.estate.vm(vm_id) {
                    Some(vm) => unmatched_disks(item, rep, vm, ctx, &mut gaps),
                    // The VM is gone: ASR603's business, nothing to compare.
                    None if ctx.estate.not_found(vm_id).is_some() => {}
                    None => out.push(
                        missing(
                            op,
                            Subject::item(item),
                            format!(
                                "the VM `{}` is not in the bundle: disks attached to it since replication was enabled cannot be checked",
                                vm_id.name()
                            ),
                            format!("Export the VM: `az vm show --ids {vm_id} -o json > vm-{}.json`, or {}.", vm_id.name(), export_hint(FactKind::VirtualMachines)),
                        )
                        .with_evidence(format!("fabricObjectId = {vm_id}"), src()),
                    ),
                }
            } else if rep.kind != ProviderKind::A2A
                && rep.protected_disks.is_empty()
                && rep.unprotected_disks.is_none()
            {
                out.push(
                    missing(
                        op,
                        Subject::item(item),
                        format!("the replicated disks of `{}` are not in the bundle", item.name),
                        "Export the replicated item from ARM with its full `providerSpecificDetails` (api-version 2025-08-01).".to_string(),
                    )
                    .with_evidence("protected disk list absent", src()),
                );
            }

            for g in gaps {
                let (level, tail) = if g.auto {
                    (
                        Level::Warning,
                        "ASR will protect it automatically, but until its initial replication completes a failover does not bring its data".to_string(),
                    )
                } else {
                    (
                        Level::Error,
                        format!(
                            "its data will not exist on the VM after {}",
                            s.operation.label()
                        ),
                    )
                };
                let mut f = Finding::new(
                    &META,
                    op,
                    Subject::item(item),
                    format!("{} is attached to `{}` but not replicated: {tail}", describe(&g), item.name),
                    format!(
                        "Enable replication of the disk: vault > Replicated items > {} > Disks > select the unprotected disk > Enable replication, and wait for its initial replication before failing over (ASR 153039 clears then). If the disk is excluded on purpose, dismiss the warning and accept that its data stays behind.",
                        item.name
                    ),
                )
                .with_level(level)
                .keyed(match g.lun {
                    Some(lun) => format!("lun:{lun}"),
                    None => format!("disk:{}", g.name.as_deref().unwrap_or("os")),
                });
                for (fact, source) in g.evidence {
                    f = f.with_evidence(fact, source);
                }
                out.push(f);
            }
        }
    }
}
