//! ASR603 source-vm-missing: the original VM is gone. Reprotect still works,
//! but as a full copy: `-ASRReplica` disks are created and the entire disks
//! copied (the reprotect article). When the source *data* is gone or
//! inaccessible — its resource group deleted or moved — reprotect is not
//! supported at all: that is ASR602's finding.

use super::other_side;
use crate::finding::{Finding, Level, OperationArg, Subject};
use crate::model::{Existence, FactKind, Operation};
use crate::rules::{Category, Findings, Rule, RuleCtx, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "ASR603",
    name: "source-vm-missing",
    category: Category::Region,
    level: Level::Warning,
    operations: &[Operation::Reprotect],
    summary: "the original VM is gone: reprotect becomes a full copy of every disk",
    docs: include_str!("../../../rules/source-vm-missing/README.md"),
};

pub struct SourceVmMissing;

impl Rule for SourceVmMissing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleCtx, out: &mut Findings) {
        let mut gaps = super::Gaps::default();
        for s in ctx.items(&META) {
            let item = s.item;
            // A reprotect after a failback goes the original way: it does not
            // return to a VM (the far side VM is the failed-over one).
            if item.is_reversed() {
                continue;
            }
            let op = OperationArg::Op(s.operation);
            let Some(side) = other_side(item) else {
                continue;
            };
            let Some(vm) = side.vm else { continue };
            // A deleted group is ASR602's finding; the VM went with it.
            if let Some(rg) = vm.resource_group_id() {
                let rg_present = ctx.estate.resource_groups.iter().any(|g| g.id == rg);
                if matches!(
                    ctx.estate
                        .existence(FactKind::ResourceGroups, &rg, rg_present),
                    Existence::Gone(_) | Existence::Absent
                ) {
                    continue;
                }
            }
            let why = match ctx.estate.existence(
                FactKind::VirtualMachines,
                &vm,
                ctx.estate.vm(&vm).is_some(),
            ) {
                Existence::Present => continue,
                Existence::Gone(code) => format!("Azure answered 404 `{code}` for it"),
                Existence::Absent => {
                    "it is absent from the complete list of the subscription's VMs".to_string()
                }
                Existence::Unknown(cov) => {
                    let sub = vm.subscription().unwrap_or("<subscription>");
                    gaps.add(format!("{sub}|{}", super::why_unknown(cov)), op, &item.name);
                    continue;
                }
            };
            let disks = item
                .replication
                .as_ref()
                .map_or(0, |r| r.protected_disks.len());
            out.push(
                Finding::new(
                    &META,
                    op,
                    Subject::item(item),
                    format!(
                        "the original VM `{}` of `{}` no longer exists ({why}): the reprotect will create `-ASRReplica` disks and copy {} from the failed-over VM in full, not only the differences — it takes about as long as the initial replication did",
                        vm.name(),
                        item.name,
                        crate::text::count(disks, "entire disk", "entire disks")
                    ),
                    format!(
                        "Plan for a full copy (`asr-preflight estimate reprotect --vm {}` counts it). If the original VM was deleted on purpose and the original region is not wanted back, disable protection of `{}` and enable replication afresh toward the region of your choice instead. If its resource group is gone too, reprotect is not supported at all (ASR602).",
                        item.name, item.name
                    ),
                )
                .with_evidence(format!("fabricObjectId = {vm}"), ctx.at(item)),
            );
        }
        super::report_existence_gaps(gaps, ctx, "original VMs", FactKind::VirtualMachines, out);
    }
}
