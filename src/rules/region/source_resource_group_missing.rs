//! ASR602 source-resource-group-missing: the original resource group was
//! deleted or moved; reprotect and failback to it are not supported.

use super::{other_side, way_out};
use crate::finding::{Finding, Level, OperationArg, Subject};
use crate::model::{Existence, FactKind, Operation};
use crate::rules::facts::{facts_missing::export_hint, missing};
use crate::rules::{Category, Findings, Rule, RuleCtx, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "ASR602",
    name: "source-resource-group-missing",
    category: Category::Region,
    level: Level::Error,
    operations: &[Operation::Reprotect, Operation::Failback],
    summary: "the original resource group was deleted or moved: reprotect/failback to it is not supported",
    docs: include_str!("../../../rules/source-resource-group-missing/README.md"),
};

pub struct SourceResourceGroupMissing;

impl Rule for SourceResourceGroupMissing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleCtx, out: &mut Findings) {
        let mut gaps = super::Gaps::default();
        for s in ctx.items(&META) {
            let item = s.item;
            let op = OperationArg::Op(s.operation);
            let Some(side) = other_side(item) else {
                continue;
            };
            let Some(rg) = side.resource_group else {
                out.push(missing(
                    op,
                    Subject::item(item),
                    format!("the original resource group of `{}` is not in the bundle (`fabricObjectId` / `recoveryAzureResourceGroupId`)", item.name),
                    format!("{}.", export_hint(FactKind::ReplicatedItems)),
                ));
                continue;
            };
            let present = ctx.estate.resource_groups.iter().any(|g| g.id == rg);
            let why = match ctx.estate.existence(FactKind::ResourceGroups, &rg, present) {
                Existence::Present => continue,
                Existence::Gone(code) => format!("Azure answered 404 `{code}` for it"),
                Existence::Absent => {
                    "it is absent from the subscription's complete list of resource groups"
                        .to_string()
                }
                Existence::Unknown(cov) => {
                    let sub = rg.subscription().unwrap_or("<subscription>");
                    gaps.add(format!("{sub}|{}", super::why_unknown(cov)), op, &item.name);
                    continue;
                }
            };
            out.push(
                Finding::new(
                    &META,
                    op,
                    Subject::item(item),
                    format!(
                        "the original resource group `{}` of `{}` no longer exists ({why}): the {} cannot return to it, and the target resource group cannot be changed when reprotecting back to the source VM",
                        rg.name(),
                        item.name,
                        s.operation.label()
                    ),
                    way_out(item),
                )
                .with_evidence(format!("original resource group {rg}"), ctx.at(item)),
            );
        }
        super::report_existence_gaps(
            gaps,
            ctx,
            "original resource groups",
            FactKind::ResourceGroups,
            out,
        );
    }
}
