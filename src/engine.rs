//! Selects the items and operations in scope, runs the rules in parallel and
//! sorts what they find into a report.

use crate::error::Error;
use crate::finding::{Finding, Level, OperationArg};
use crate::model::{Estate, Operation, RecoveryPlan, ReplicatedItem, ResourceId, Timestamp};
use crate::report::Report;
use crate::rules::{Findings, Rule, RuleCtx, Scoped, Settings, RULES};
use rayon::prelude::*;
use std::collections::HashSet;

/// What to check.
#[derive(Clone, Debug)]
pub struct Request {
    pub operation: OperationArg,
    /// `--vm`: names or ids; empty means every item.
    pub vms: Vec<String>,
    /// `--plan`: a recovery plan's name.
    pub plan: Option<String>,
    pub now: Timestamp,
    pub settings: Settings,
    pub fail_on: Option<Level>,
    /// Run only these rules (by code or name); `None` runs all.
    pub only: Option<Vec<String>>,
    /// `--accept CODE[:NAME]`: findings accepted as known risks.
    pub accept: Vec<String>,
}

/// True when `--accept` value `key` (`ASR201` or `ASR201:app-01`, code or
/// rule name, subject name or id) covers the finding.
fn accepts(key: &str, f: &Finding) -> bool {
    let (rule, subject) = match key.split_once(':') {
        Some((r, s)) => (r.trim(), Some(s.trim())),
        None => (key.trim(), None),
    };
    let rule_ok = f.code.eq_ignore_ascii_case(rule) || f.name.eq_ignore_ascii_case(rule);
    let subject_ok = subject.is_none_or(|s| {
        f.subject.name.eq_ignore_ascii_case(s)
            || f.subject.id.eq_ignore_ascii_case(s)
            || f.subject
                .item
                .as_deref()
                .is_some_and(|i| i.eq_ignore_ascii_case(s))
    });
    rule_ok && subject_ok
}

fn find_plan<'a>(estate: &'a Estate, name: &str) -> Result<&'a RecoveryPlan, Error> {
    let id = ResourceId::new(name);
    let matches: Vec<&RecoveryPlan> = estate
        .plans
        .iter()
        .filter(|p| {
            p.name.eq_ignore_ascii_case(name)
                || p.id.name().eq_ignore_ascii_case(name)
                || p.id == id
        })
        .collect();
    match matches.as_slice() {
        [one] => Ok(one),
        [] => {
            let mut names: Vec<&str> = estate.plans.iter().map(|p| p.name.as_str()).collect();
            names.sort_unstable();
            Err(Error::Usage(format!(
                "no recovery plan named `{name}` in the input (plans found: {})",
                crate::text::ticks(&names)
            )))
        }
        many => Err(Error::Usage(format!(
            "{} recovery plans are named `{name}`; pass the full plan id to --plan ({})",
            many.len(),
            many.iter()
                .map(|p| p.id.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// True when `--vm <key>` names this item: its VM name, its friendly name,
/// or the full id of its item, source VM or failed-over VM.
fn matches_vm(item: &ReplicatedItem, key: &str) -> bool {
    let id = ResourceId::new(key);
    let rep = item.replication.as_ref();
    item.name.eq_ignore_ascii_case(key)
        || item.id == id
        || rep
            .and_then(|r| r.vm_id.as_ref())
            .is_some_and(|v| *v == id || v.name().eq_ignore_ascii_case(key))
        || rep
            .and_then(|r| r.recovery_vm_id.as_ref())
            .is_some_and(|v| *v == id)
}

/// The items selected (`--vm`, `--plan`): those of a modeled scenario in
/// scope with the operation checked for each, and the others apart (ASR905).
fn select<'a>(
    estate: &'a Estate,
    req: &Request,
    plan: Option<&RecoveryPlan>,
) -> Result<(Vec<Scoped<'a>>, Vec<&'a ReplicatedItem>), Error> {
    for key in &req.vms {
        if !estate.items.iter().any(|i| matches_vm(i, key)) {
            return Err(Error::Usage(format!(
                "--vm `{key}` matches no replicated item in the input (give a VM name, or the full id of the VM or of the replicated item)"
            )));
        }
    }
    let members: Option<HashSet<&ResourceId>> = plan.map(|p| p.members().into_iter().collect());
    let (modeled, unchecked): (Vec<&ReplicatedItem>, Vec<&ReplicatedItem>) = estate
        .items
        .iter()
        .filter(|i| members.as_ref().is_none_or(|m| m.contains(&i.id)))
        .filter(|i| req.vms.is_empty() || req.vms.iter().any(|k| matches_vm(i, k)))
        .partition(|i| i.modeled());
    let mut out: Vec<Scoped> = modeled
        .into_iter()
        .map(|item| Scoped {
            item,
            operation: match req.operation {
                OperationArg::Op(op) => op,
                OperationArg::Next => item.next_operation(),
            },
        })
        .collect();
    out.sort_by(|a, b| a.item.id.cmp(&b.item.id));
    Ok((out, unchecked))
}

fn selected(rule: &dyn Rule, only: Option<&Vec<String>>) -> bool {
    only.is_none_or(|keys| {
        keys.iter().any(|k| {
            rule.meta().code.eq_ignore_ascii_case(k) || rule.meta().name.eq_ignore_ascii_case(k)
        })
    })
}

/// Runs the checks and returns the sorted report.
pub fn run(estate: &Estate, req: &Request) -> Result<Report, Error> {
    let plan = req
        .plan
        .as_deref()
        .map(|p| find_plan(estate, p))
        .transpose()?;
    let (scope, unchecked) = select(estate, req, plan)?;
    let mut ctx = RuleCtx::new(
        estate,
        &scope,
        &unchecked,
        req.operation,
        plan,
        req.now,
        &req.settings,
    );
    ctx.named = !req.vms.is_empty() || plan.is_some();
    // The shared analyses run before the rules, once.
    crate::analysis::demand::demand(&ctx);
    // A rule that panics is a bug: the run fails (exit 2), it never reads
    // as "ready".
    let results: Vec<Result<Vec<Finding>, Error>> = RULES
        .par_iter()
        .filter(|r| selected(**r, req.only.as_ref()))
        .map(|rule| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let mut out = Findings::default();
                rule.check(&ctx, &mut out);
                out.into_vec()
            }))
            .map_err(|_| {
                Error::Internal(format!(
                    "rule {} ({}) failed",
                    rule.meta().code,
                    rule.meta().name
                ))
            })
        })
        .collect();
    let mut findings: Vec<Finding> = crate::rules::facts::facts_missing::input_gaps(&ctx);
    for r in results {
        findings.extend(r?);
    }
    for f in &mut findings {
        if let Some(key) = req.accept.iter().find(|k| accepts(k, f)) {
            f.accept(key);
        }
    }
    findings.par_sort_by(Finding::report_order);
    // Rules sharing a computation report the same missing fact once each.
    findings.dedup_by(|a, b| {
        a.code == b.code
            && a.operation == b.operation
            && a.subject == b.subject
            && a.message == b.message
    });
    let mut operations: Vec<(Operation, usize)> = Vec::new();
    for s in &scope {
        match operations.iter_mut().find(|(o, _)| *o == s.operation) {
            Some((_, n)) => *n += 1,
            None => operations.push((s.operation, 1)),
        }
    }
    operations.sort_unstable();
    Ok(Report {
        operation: req.operation,
        items: scope.len(),
        unchecked: unchecked.len(),
        operations,
        plan: plan.map(|p| p.name.clone()),
        findings,
        fail_on: req.fail_on,
        collected_at: estate.bundle.collected_at,
        now: req.now,
        endpoint: estate.bundle.endpoint.clone(),
        has_manifest: estate.bundle.has_manifest,
        notices: estate
            .notices
            .iter()
            .cloned()
            .chain(crate::rules::facts::facts_missing::gap_notes(estate))
            .collect(),
        // The capacity table goes with the quota rules.
        capacity: if RULES.iter().any(|r| {
            r.meta().category == crate::rules::Category::Quota && selected(*r, req.only.as_ref())
        }) {
            crate::analysis::demand::capacity(&ctx)
        } else {
            Vec::new()
        },
    })
}
