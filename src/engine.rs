//! Selects the items and operations in scope, runs the rules in parallel and
//! sorts what they find into a report.

use crate::config::Config;
use crate::error::Error;
use crate::finding::{BaselineState, Finding, OperationArg};
use crate::model::{Estate, Operation, RecoveryPlan, ReplicatedItem, ResourceId, Timestamp};
use crate::report::Report;
use crate::rules::{Findings, RuleCtx, Scoped, RULES};
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
    /// Thresholds, rule levels, acceptances, the gate and the baseline.
    pub config: Config,
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
pub fn matches_vm(item: &ReplicatedItem, key: &str) -> bool {
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
    // Each item on its own, in parallel (an item's phase is worked out from
    // its states), gathered in input order.
    let selected: Vec<Result<Scoped, &ReplicatedItem>> = estate
        .items
        .par_iter()
        .filter(|i| members.as_ref().is_none_or(|m| m.contains(&i.id)))
        .filter(|i| req.vms.is_empty() || req.vms.iter().any(|k| matches_vm(i, k)))
        .map(|item| {
            if !item.modeled() {
                return Err(item);
            }
            let operation = match req.operation {
                OperationArg::Op(op) => op,
                OperationArg::Next => item.next_operation(),
            };
            Ok(Scoped { item, operation })
        })
        .collect();
    let (mut out, mut unchecked) = (Vec::new(), Vec::new());
    for s in selected {
        match s {
            Ok(scoped) => out.push(scoped),
            Err(item) => unchecked.push(item),
        }
    }
    // By id: keys worked out once, so that comparing reads no id's text.
    out.par_sort_by_cached_key(|s| s.item.id.sort_key());
    Ok((out, unchecked))
}

/// Applies `[rules]` levels and the acceptances; returns, per acceptance,
/// whether it accepted something. An expired acceptance accepts nothing
/// (ASR903 reports it).
fn judge(findings: &mut [Finding], config: &Config, now: Timestamp) -> Vec<bool> {
    let mut used = vec![false; config.accept.len()];
    for f in findings.iter_mut() {
        if let Some(level) = config.level(f.code).filter(|_| !f.is_missing_fact()) {
            f.level = level;
        }
        let found = config
            .accept
            .iter()
            .enumerate()
            .find(|(_, a)| !a.expired(now) && a.covers(f));
        if let Some((i, a)) = found {
            used[i] = true;
            f.accept(a.shown());
        }
    }
    used
}

/// Fingerprints every finding; with a baseline, marks each `new` or `unchanged`.
fn fingerprint(findings: &mut [Finding], config: &Config) {
    findings.par_iter_mut().for_each(|f| {
        f.fingerprint = f.fingerprint_of();
        if let Some(b) = &config.baseline {
            f.baseline = Some(if f.baselinable() && b.has(f) {
                BaselineState::Unchanged
            } else {
                BaselineState::New
            });
        }
    });
}

/// A quota the items of several vaults draw on says which vaults share it.
fn shared_quota(findings: &mut [Finding]) {
    for f in findings.iter_mut().filter(|f| f.subject.vaults.len() > 1) {
        let names: Vec<String> = f
            .subject
            .vaults
            .iter()
            .map(|v| ResourceId::new(v).name().to_string())
            .collect();
        f.message.push_str(&format!(
            "; the items of {} vaults share this quota: {}",
            names.len(),
            crate::text::ticks(names.iter())
        ));
    }
}

/// The recovery plans (the one chosen, or all), their groups and members
/// by name, for the report.
fn plan_views(estate: &Estate, plan: Option<&RecoveryPlan>) -> Vec<crate::report::PlanView> {
    estate
        .plans
        .iter()
        .filter(|p| plan.is_none_or(|chosen| chosen.id == p.id))
        .map(|p| crate::report::PlanView {
            name: p.name.clone(),
            groups: p
                .groups
                .iter()
                .map(|g| {
                    let members = g
                        .items
                        .iter()
                        .map(|id| {
                            let name = estate
                                .item(id)
                                .map_or_else(|| id.name().to_string(), |i| i.name.clone());
                            (id.clone(), name)
                        })
                        .collect();
                    (
                        g.group_type.clone().unwrap_or_else(|| "group".to_string()),
                        members,
                    )
                })
                .collect(),
        })
        .collect()
}

/// The vaults of the items in scope (and a fleet's), for the fleet table:
/// only when there are several.
fn vaults_of(estate: &Estate, scope: &[Scoped]) -> Vec<crate::report::VaultItems> {
    type Pairs = std::collections::BTreeMap<String, usize>;
    // One vault and no fleet: no table, and nothing to gather for it.
    let mut vaults = scope.iter().filter_map(|s| s.item.vault_id());
    let first = vaults.next();
    if estate.bundle.fleet.is_none() && vaults.all(|v| Some(&v) == first.as_ref()) {
        return Vec::new();
    }
    let mut by: std::collections::BTreeMap<String, (String, Vec<String>, Pairs)> =
        Default::default();
    for s in scope {
        let Some(v) = s.item.vault_id() else { continue };
        let e = by
            .entry(v.key())
            .or_insert_with(|| (v.text(), Vec::new(), Pairs::new()));
        e.1.push(s.item.id.key());
        if let Some(r) = &s.item.replication {
            use crate::model::region_key;
            let hyper_v = r.kind == crate::model::item::ProviderKind::HyperVReplicaAzure;
            let vault_region = || {
                estate
                    .vaults
                    .iter()
                    .find(|g| g.id == v)
                    .and_then(|g| g.location.clone())
            };
            let pair = match (&r.primary_location, &r.recovery_location) {
                _ if hyper_v => {
                    match vault_region().or(r.recovery_location.as_deref().map(str::to_string)) {
                        Some(b) => format!("on-premises → {}", region_key(&b)),
                        None => continue,
                    }
                }
                (Some(a), Some(b)) => format!("{} → {}", region_key(a), region_key(b)),
                _ => continue,
            };
            *e.2.entry(pair).or_default() += 1;
        }
    }
    if by.len() < 2 && estate.bundle.fleet.is_none() {
        return Vec::new();
    }
    by.into_values()
        .map(|(id, mut items, pairs)| {
            items.sort();
            items.dedup();
            // One pair whichever way its items replicate now: the way most do.
            let mut regions: Vec<String> = Vec::new();
            for (pair, n) in &pairs {
                let ends: Vec<&str> = pair.split(" → ").collect();
                let back = format!("{} → {}", ends[ends.len() - 1], ends[0]);
                let m = pairs.get(&back).copied().unwrap_or(0);
                if *n > m || (*n == m && *pair <= back) {
                    regions.push(pair.clone());
                }
            }
            crate::report::VaultItems {
                id,
                regions: regions.join(", "),
                items,
            }
        })
        .collect()
}

/// Sorts `v` stably through a list of its positions, then puts each
/// element in its place: a stable sort of the elements themselves makes
/// room for half of them (megabytes of findings, at the run's peak).
fn sort_stably<T>(v: &mut [T], cmp: impl Fn(&T, &T) -> std::cmp::Ordering + Sync)
where
    T: Sync,
{
    let mut order: Vec<usize> = (0..v.len()).collect();
    order.par_sort_by(|&a, &b| cmp(&v[a], &v[b]));
    // `order[i]` is the position of the element that goes to `i`: follow
    // each cycle, swapping, and mark each place filled.
    for start in 0..v.len() {
        let mut at = start;
        while order[at] != at {
            let from = order[at];
            order[at] = at;
            if from == start {
                break;
            }
            v.swap(at, from);
            at = from;
        }
    }
}

/// Runs the checks and returns the sorted report.
pub fn run(estate: &Estate, req: &Request) -> Result<Report, Error> {
    let plan = req
        .plan
        .as_deref()
        .map(|p| find_plan(estate, p))
        .transpose()?;
    let (scope, unchecked) = select(estate, req, plan)?;
    let config = &req.config;
    let mut ctx = RuleCtx::new(
        estate,
        &scope,
        &unchecked,
        req.operation,
        plan,
        req.now,
        config,
    );
    ctx.named = !req.vms.is_empty() || plan.is_some();
    // The shared analyses run before the rules, once.
    crate::analysis::demand::demand(&ctx);
    // A rule that panics is a bug: the run fails (exit 2), it never reads
    // as "ready". The report's tables of vaults and plans are gathered
    // beside the rules.
    type Ran = Vec<Result<Vec<Finding>, Error>>;
    let (results, (vaults, plans)): (Ran, _) = rayon::join(
        || {
            RULES
                .par_iter()
                .filter(|r| config.runs(r.meta()))
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
                .collect()
        },
        || (vaults_of(estate, &scope), plan_views(estate, plan)),
    );
    let results: Vec<Vec<Finding>> = results.into_iter().collect::<Result<_, _>>()?;
    let mut findings: Vec<Finding> = crate::rules::facts::facts_missing::input_gaps(&ctx);
    // Each list sized once: at 100,000 items the findings are tens of
    // megabytes, near the run's peak.
    findings.reserve_exact(results.iter().map(Vec::len).sum());
    findings.extend(results.into_iter().flatten());
    let used = judge(&mut findings, config, req.now);
    // The rules about the acceptances read what the others found.
    let mut reviewed = Findings::default();
    for rule in RULES.iter().filter(|r| config.runs(r.meta())) {
        rule.review(&ctx, &used, &mut reviewed);
    }
    let reviewed = reviewed.into_vec();
    findings.reserve_exact(reviewed.len());
    findings.extend(reviewed);
    sort_stably(&mut findings, Finding::report_order);
    // Rules sharing a computation report the same missing fact once each.
    findings.dedup_by(|a, b| {
        a.code == b.code
            && a.operation == b.operation
            && a.subject == b.subject
            && a.message == b.message
    });
    fingerprint(&mut findings, config);
    shared_quota(&mut findings);
    let baseline_run = config.baseline.as_ref().map(|b| {
        let here: HashSet<&str> = findings.iter().map(|f| f.fingerprint.as_str()).collect();
        crate::report::BaselineRun {
            path: b.path.display().to_string(),
            gone: b
                .fingerprints
                .keys()
                .filter(|fp| !here.contains(fp.as_str()))
                .count(),
        }
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
        fail_on: config.fail_on,
        collected_at: estate.bundle.collected_at,
        now: req.now,
        endpoint: estate.bundle.endpoint.clone(),
        has_manifest: estate.bundle.has_manifest,
        notices: estate
            .notices
            .iter()
            .cloned()
            .chain(crate::rules::facts::facts_missing::gap_notes(estate))
            .chain(config.describe())
            .collect(),
        // The capacity table goes with the quota rules.
        artifact_prefix: String::new(),
        view: crate::report::View::default(),
        plans,
        information_uri: config.information_uri.clone(),
        baseline: baseline_run,
        vaults,
        capacity: if RULES
            .iter()
            .any(|r| r.meta().category == crate::rules::Category::Quota && config.runs(r.meta()))
        {
            crate::analysis::demand::capacity(&ctx)
        } else {
            Vec::new()
        },
    })
}

#[cfg(test)]
mod tests {
    /// Through positions, the order of a stable sort: equal keys keep the
    /// order they came in, every element lands once.
    #[test]
    fn sort_stably_is_a_stable_sort() {
        for n in [0usize, 1, 2, 3, 17, 1000] {
            // (key, where it came from): keys repeat, in no order.
            let v: Vec<(u64, usize)> = (0..n).map(|i| ((i as u64 * 7919) % 13, i)).collect();
            let mut expected = v.clone();
            expected.sort_by_key(|x| x.0);
            let mut got = v;
            super::sort_stably(&mut got, |a, b| a.0.cmp(&b.0));
            assert_eq!(got, expected, "{n} elements");
        }
    }
}
