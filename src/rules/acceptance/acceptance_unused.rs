//! ASR904 acceptance-unused: an acceptance that accepted no finding in a
//! run that could have used it — the risk is gone, or it names the wrong
//! rule, VM or operation (a misspelt VM accepts nothing and hides nothing).

use super::{in_play, new, place};
use crate::finding::Level;
use crate::model::Operation;
use crate::rules::{Category, Findings, Rule, RuleCtx, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "ASR904",
    name: "acceptance-unused",
    category: Category::Config,
    level: Level::Warning,
    operations: Operation::ALL,
    summary: "an acceptance matched no finding",
    docs: include_str!("../../../rules/acceptance-unused/README.md"),
};

pub struct AcceptanceUnused;

impl Rule for AcceptanceUnused {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn review(&self, ctx: &RuleCtx, used: &[bool], out: &mut Findings) {
        for (a, used) in ctx.config.accept.iter().zip(used) {
            if *used || a.expired(ctx.now) || !in_play(ctx, a) {
                continue;
            }
            let vm_known = a.vm.as_deref().is_none_or(|vm| {
                ctx.estate
                    .items
                    .iter()
                    .any(|i| crate::engine::matches_vm(i, vm))
            });
            let why = if vm_known {
                format!("{} found nothing it covers in this run", a.rule.code)
            } else {
                format!(
                    "no replicated item of the input is `{}`",
                    a.vm.as_deref().unwrap_or_default()
                )
            };
            out.push(new(
                &META,
                ctx,
                a,
                format!(
                    "the acceptance of {} accepted nothing: {why}",
                    a.describe()
                ),
                format!(
                    "If the risk is fixed, remove {}; otherwise correct its rule, vm or operation (the VM as the report names it).",
                    place(a)
                ),
            ));
        }
    }
}
