//! Rules about the acceptances themselves (`[[accept]]` in the
//! configuration file, `--accept`): one that has expired, one that
//! accepted nothing. They read the other rules' findings, so they run after
//! them (`Rule::review`).

pub mod acceptance_expired;
pub mod acceptance_unused;

use crate::config::Acceptance;
use crate::finding::{Finding, OperationArg, Subject};
use crate::rules::{RuleCtx, RuleMeta};

/// True when this run could have used the acceptance: its rule ran and
/// applies to an operation checked, its operation (if it names one) was
/// checked, and its VM (if it names one) is in scope — or, for a run over
/// the whole input, is anywhere in it (a misspelt VM is then unused, not
/// ignored). An acceptance out of play is neither used nor unused.
pub fn in_play(ctx: &RuleCtx, a: &Acceptance) -> bool {
    let rule = a.rule;
    let ran = ctx.config.runs(rule);
    let op_checked = ctx
        .scope
        .iter()
        .any(|s| rule.applies_to(s.operation) && a.operation.is_none_or(|o| o == s.operation))
        || (rule.category == crate::rules::Category::Facts
            && a.operation
                .is_none_or(|o| ctx.operation == OperationArg::Op(o)));
    let vm_in_scope = !ctx.named
        || a.vm.as_deref().is_none_or(|vm| {
            ctx.scope
                .iter()
                .any(|s| crate::engine::matches_vm(s.item, vm))
        });
    ran && op_checked && vm_in_scope
}

/// The finding's subject: the acceptance, by what it names (stable when
/// lines move in the file).
pub fn subject(a: &Acceptance) -> Subject {
    let id = format!(
        "accept/{}/{}/{}",
        a.rule.code,
        a.vm.as_deref().unwrap_or("*"),
        a.operation.map_or("*", |o| o.as_str())
    );
    Subject::other(
        &id,
        &format!("acceptance of {}", a.describe()),
        "asr-preflight/acceptance",
    )
}

/// What the acceptance says, as evidence at its declaration.
pub fn evidence(f: Finding, a: &Acceptance) -> Finding {
    let mut fact = format!("rule = {} ({})", a.rule.code, a.rule.name);
    if let Some(vm) = &a.vm {
        fact.push_str(&format!(", vm = {vm}"));
    }
    if let Some(op) = a.operation {
        fact.push_str(&format!(", operation = {}", op.as_str()));
    }
    if let Some(d) = a.expires {
        fact.push_str(&format!(", expires = {d}"));
    }
    if let Some(o) = &a.owner {
        fact.push_str(&format!(", owner = {o}"));
    }
    if let Some(r) = &a.reason {
        fact.push_str(&format!(", reason = {r}"));
    }
    match &a.at {
        Some((path, line)) => f.with_local_evidence(fact, path.display().to_string(), *line),
        None => f.with_evidence_from(fact, a.by.clone()),
    }
}

/// Where to change it: `asr-preflight.toml:14`, or the `--accept` flag.
pub fn place(a: &Acceptance) -> String {
    match &a.at {
        Some(_) => format!("the `[[accept]]` at {}", a.by),
        None => format!("`{}` on the command line", a.by),
    }
}

pub(crate) fn new(
    meta: &'static RuleMeta,
    ctx: &RuleCtx,
    a: &Acceptance,
    what: String,
    how: String,
) -> Finding {
    let op = a.operation.map_or(ctx.operation, OperationArg::Op);
    evidence(Finding::new(meta, op, subject(a), what, how), a)
}
