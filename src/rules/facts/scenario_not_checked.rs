//! ASR905 scenario-not-checked: an item replicated by a scenario this
//! version does not model — VMware or physical machines to Azure
//! (`InMageRcm`, `InMageAzureV2`, `InMage`, `InMageRcmFailback`), Hyper-V to
//! a secondary site (`HyperVReplica2012…`), cross-cluster migration. No rule
//! checks it, so it is never counted as ready: it is counted apart, with a
//! warning; named with `--vm` or `--plan`, its readiness is unknown (ASR901).

use crate::finding::{Finding, Level, Subject};
use crate::model::Operation;
use crate::rules::facts::missing;
use crate::rules::{Category, Findings, Rule, RuleCtx, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "ASR905",
    name: "scenario-not-checked",
    category: Category::Facts,
    level: Level::Warning,
    operations: Operation::ALL,
    summary: "an item of a scenario the tool does not model (e.g. VMware/physical): never counted as ready",
    docs: include_str!("../../../rules/scenario-not-checked/README.md"),
};

pub struct ScenarioNotChecked;

/// The scenario a provider kind stands for, in an operator's words.
fn scenario(kind: &str) -> &'static str {
    let k = kind.to_ascii_lowercase();
    if k.starts_with("inmage") {
        "VMware VMs or physical servers to Azure"
    } else if k.starts_with("hypervreplica") {
        "Hyper-V to a secondary site"
    } else if k.contains("crosscluster") {
        "cross-cluster migration"
    } else {
        "a scenario this version does not know"
    }
}

impl Rule for ScenarioNotChecked {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleCtx, out: &mut Findings) {
        for item in ctx.unchecked {
            let kind = item
                .replication
                .as_ref()
                .map_or("unknown", |r| r.kind.as_str());
            let what = scenario(kind);
            let op = ctx.operation;
            out.push(
                Finding::new(
                    &META,
                    op,
                    Subject::item(item),
                    format!(
                        "`{}` is replicated by `{kind}` ({what}), a scenario asr-preflight does not check: it is not counted as ready",
                        item.name
                    ),
                    format!(
                        "Check `{}` in the vault (Replicated items > {}) and with the scenario's own guidance before the operation; asr-preflight checks Azure-to-Azure and Hyper-V-to-Azure items only.",
                        item.name, item.name
                    ),
                )
                .with_evidence(
                    format!("providerSpecificDetails.instanceType = {kind}"),
                    ctx.at(item),
                ),
            );
            if ctx.named {
                out.push(
                    missing(
                        op,
                        Subject::item(item),
                        format!(
                            "`{}` was named for this check but is replicated by `{kind}` ({what}), which asr-preflight does not check: whether it is ready is unknown",
                            item.name
                        ),
                        "Leave it out of --vm / --plan, or check it by other means; the run stays incomplete while it is named.".to_string(),
                    )
                    .with_evidence(
                        format!("providerSpecificDetails.instanceType = {kind}"),
                        ctx.at(item),
                    ),
                );
            }
        }
    }
}
