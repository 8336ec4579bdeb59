//! `diagnose`: why did a job fail, and is the cause still there?
//!
//! Finds failed, cancelled and partially succeeded jobs, walks their tasks,
//! child tasks and child jobs (`JobTaskDetails.jobTask.jobId`) down to the
//! task that failed, collects every error with its codes and activity id,
//! and for each code the catalog knows, re-runs the preflight rules that
//! detect its cause on the current estate. Pure: reads the estate, writes
//! nothing.

use crate::catalog::{self, ErrorCode};
use crate::engine::{self, Request};
use crate::finding::OperationArg;
use crate::model::job::{Job, JobError, Task};
use crate::model::{Estate, Operation, ResourceId, Timestamp};
use crate::rules::Settings;
use serde::Serialize;
use std::collections::HashSet;
use time::Duration;

/// What to diagnose.
#[derive(Clone, Debug)]
pub struct DiagnoseRequest {
    /// `--job`: ids or names; empty means every failed job in the window.
    pub jobs: Vec<String>,
    /// `--vm`: VM names; empty means every VM.
    pub vms: Vec<String>,
    pub since: Duration,
    pub now: Timestamp,
    pub settings: Settings,
}

/// Whether the cause a rule checks is still there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CauseStatus {
    /// The rule still finds the problem.
    Present,
    /// The rule finds nothing now.
    Absent,
    /// The rule lacks facts to tell (ASR901), or the VM is not in the bundle.
    Unknown,
}

/// One rule re-run for one error.
#[derive(Clone, Debug, Serialize)]
pub struct Correlation {
    pub rule: &'static str,
    pub name: &'static str,
    pub operation: &'static str,
    pub status: CauseStatus,
    /// The rule's finding (or why it cannot tell).
    pub detail: String,
}

/// One error of a failed job.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagnosed {
    /// Where it was found: `job`, or the task path.
    pub found_in: String,
    /// `service` (serviceErrorDetails) or `provider` (providerErrorDetails).
    pub kind: &'static str,
    pub code: Option<String>,
    pub message: Option<String>,
    pub possible_causes: Option<String>,
    pub recommended_action: Option<String>,
    pub activity_id: Option<String>,
    /// The catalog's reading of the code; `None` for codes it does not know
    /// (shown verbatim).
    pub meaning: Option<&'static ErrorCode>,
    /// Whether the cause is still there: present if any related rule finds
    /// it, unknown if any cannot tell, else absent. `None` when no rule
    /// detects this code's cause.
    pub cause: Option<CauseStatus>,
    pub correlation: Vec<Correlation>,
}

/// The overall verdict of several rules.
fn overall(c: &[Correlation]) -> Option<CauseStatus> {
    if c.is_empty() {
        None
    } else if c.iter().any(|x| x.status == CauseStatus::Present) {
        Some(CauseStatus::Present)
    } else if c.iter().any(|x| x.status == CauseStatus::Unknown) {
        Some(CauseStatus::Unknown)
    } else {
        Some(CauseStatus::Absent)
    }
}

/// A failed job, walked.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FailedJob {
    pub id: String,
    pub vm: Option<String>,
    /// `Reprotect`, `Failover`, ...
    pub operation: String,
    pub scenario: Option<String>,
    pub state: String,
    pub started: Option<String>,
    pub ended: Option<String>,
    pub activity_id: Option<String>,
    /// The task that failed, from the job down (`Reprotecting virtual machine (1) › app-01 › ...`).
    pub failing_task: Vec<String>,
    pub errors: Vec<Diagnosed>,
    /// Child jobs referenced but not in the bundle: their errors are unknown.
    pub missing_child_jobs: Vec<String>,
    pub source: String,
}

/// Everything `diagnose` found.
#[derive(Clone, Debug, Serialize)]
pub struct Diagnosis {
    pub since: String,
    pub jobs: Vec<FailedJob>,
    /// Jobs that wait for the operator (state `Suspended`): a Hyper-V
    /// failback waiting for Complete Failover, a recovery plan's manual action.
    pub waiting: Vec<WaitingJob>,
    /// Jobs in the bundle at all (to tell "no failure" from "no jobs").
    pub jobs_in_bundle: usize,
}

/// A job that waits for the operator.
#[derive(Clone, Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WaitingJob {
    pub id: String,
    pub vm: Option<String>,
    pub operation: String,
    pub started: Option<String>,
    /// The task that waits, when a task says so.
    pub waiting_task: Option<String>,
    /// What to do, in an operator's words.
    pub action: String,
    pub source: String,
}

/// A failed, cancelled or partly successful job.
pub fn is_failed(job: &Job) -> bool {
    let state = job.state.as_deref().unwrap_or("");
    let desc = job.state_description.as_deref().unwrap_or("");
    ["Failed", "Cancelled"]
        .iter()
        .any(|s| state.eq_ignore_ascii_case(s))
        || [
            "PartiallySucceeded",
            "CompletedWithInformation",
            "Failed",
            "CompletedWithWarnings",
        ]
        .iter()
        .any(|s| desc.eq_ignore_ascii_case(s))
}

fn task_name(t: &Task) -> String {
    t.friendly_name
        .clone()
        .or(t.name.clone())
        .or(t.task_id.clone())
        .unwrap_or_else(|| "task".to_string())
}

fn job_label(j: &Job) -> String {
    j.friendly_name
        .clone()
        .or(j.scenario.clone())
        .unwrap_or_else(|| j.name.clone())
}

/// The operation a job ran, for correlation.
fn operation_of(job: &Job) -> Option<Operation> {
    let s = format!(
        "{} {}",
        job.scenario.as_deref().unwrap_or(""),
        job.friendly_name.as_deref().unwrap_or("")
    )
    .to_ascii_lowercase();
    let op = if s.contains("switchreplicationgroupprotection")
        || s.contains("reprotect")
        || s.contains("reversereplicate")
        || s.contains("switchprotection")
    {
        Operation::Reprotect
    } else if s.contains("testfailover") || s.contains("test failover") {
        Operation::TestFailover
    } else if s.contains("commit") {
        Operation::Commit
    } else if s.contains("failback") {
        Operation::Failback
    } else if s.contains("failover") {
        Operation::Failover
    } else if s.contains("enabledr") || s.contains("enable replication") {
        Operation::Reprotect
    } else {
        return None;
    };
    Some(op)
}

#[derive(Default)]
struct Walk<'a> {
    errors: Vec<(String, &'a JobError)>,
    failing: Option<Vec<String>>,
    missing: Vec<String>,
}

fn walk_job<'a>(
    estate: &'a Estate,
    job: &'a Job,
    path: &[String],
    w: &mut Walk<'a>,
    seen: &mut HashSet<String>,
) {
    if !seen.insert(job.id.key()) {
        return;
    }
    let here = if path.is_empty() {
        "job".to_string()
    } else {
        path.join(" › ")
    };
    for e in &job.errors {
        w.errors.push((here.clone(), e));
    }
    for t in &job.tasks {
        let mut p = path.to_vec();
        p.push(task_name(t));
        walk_task(estate, t, &p, w, seen);
    }
}

fn walk_task<'a>(
    estate: &'a Estate,
    t: &'a Task,
    path: &[String],
    w: &mut Walk<'a>,
    seen: &mut HashSet<String>,
) {
    let failed = t
        .state
        .as_deref()
        .is_some_and(|s| s.eq_ignore_ascii_case("Failed"));
    // The deepest failed task is the one that explains the failure.
    if failed && w.failing.as_ref().is_none_or(|f| f.len() <= path.len()) {
        w.failing = Some(path.to_vec());
    }
    for e in &t.errors {
        w.errors.push((path.join(" › "), e));
    }
    for c in &t.child_tasks {
        let mut p = path.to_vec();
        p.push(task_name(c));
        walk_task(estate, c, &p, w, seen);
    }
    if let Some(child) = &t.child_job {
        match estate.job(&child.job_id) {
            Some(j) => {
                let mut p = path.to_vec();
                p.push(format!("job `{}`", job_label(j)));
                walk_job(estate, j, &p, w, seen);
            }
            None => w.missing.push(child.job_id.to_string()),
        }
    }
}

/// Re-runs each rule that detects `code`'s cause, for the job's VM.
fn correlate(
    estate: &Estate,
    req: &DiagnoseRequest,
    job: &Job,
    code: &ErrorCode,
) -> Vec<Correlation> {
    let job_op = operation_of(job);
    let vm = job.target_object_name.clone();
    let mut out = Vec::new();
    for rule in code.rules.iter().filter_map(|r| crate::rules::lookup(r)) {
        let m = rule.meta();
        let op = job_op
            .filter(|o| m.applies_to(*o))
            .unwrap_or(m.operations[0]);
        let unknown = |detail: String| Correlation {
            rule: m.code,
            name: m.name,
            operation: op.as_str(),
            status: CauseStatus::Unknown,
            detail,
        };
        let Some(vm) = vm.clone() else {
            out.push(unknown("the job names no VM".to_string()));
            continue;
        };
        let request = Request {
            operation: OperationArg::Op(op),
            vms: vec![vm.clone()],
            plan: None,
            now: req.now,
            // Only the rule behind the cause, with the thresholds given and
            // no acceptance: an accepted risk is still the cause.
            config: crate::config::Config {
                settings: req.settings.clone(),
                only: Some(vec![m]),
                ..crate::config::Config::default()
            },
        };
        let report = match engine::run(estate, &request) {
            Ok(r) => r,
            Err(_) => {
                out.push(unknown(format!(
                    "`{vm}` is not a replicated item in the bundle"
                )));
                continue;
            }
        };
        let own = report.findings.iter().find(|f| f.code == m.code);
        let gap = report.findings.iter().find(|f| f.is_missing_fact());
        out.push(match (own, gap) {
            (Some(f), _) => Correlation {
                rule: m.code,
                name: m.name,
                operation: op.as_str(),
                status: CauseStatus::Present,
                detail: f.message.clone(),
            },
            (None, Some(g)) => unknown(g.message.clone()),
            (None, None) => Correlation {
                rule: m.code,
                name: m.name,
                operation: op.as_str(),
                status: CauseStatus::Absent,
                detail: format!("{} finds nothing for `{vm}` now", m.code),
            },
        });
    }
    out
}

fn matches_job(job: &Job, key: &str) -> bool {
    job.name.eq_ignore_ascii_case(key) || job.id == ResourceId::new(key)
}

/// Diagnoses the failed jobs of the estate.
pub fn diagnose(estate: &Estate, req: &DiagnoseRequest) -> Diagnosis {
    let since = req.now - req.since;
    let selected: Vec<&Job> = estate
        .jobs
        .iter()
        .filter(|j| is_failed(j))
        .filter(|j| req.jobs.is_empty() || req.jobs.iter().any(|k| matches_job(j, k)))
        .filter(|j| !req.jobs.is_empty() || j.started.or(j.ended).is_none_or(|t| t >= since))
        .filter(|j| {
            req.vms.is_empty()
                || j.target_object_name
                    .as_deref()
                    .is_some_and(|n| req.vms.iter().any(|v| v.eq_ignore_ascii_case(n)))
        })
        .collect();
    // A child job (the `EnableDr` of a reprotect) is shown inside its parent.
    let children: HashSet<String> = selected
        .iter()
        .flat_map(|j| j.tasks.iter().flat_map(child_ids))
        .collect();
    let mut jobs: Vec<FailedJob> = selected
        .into_iter()
        .filter(|j| !children.contains(&j.id.key()))
        .map(|job| {
            let mut w = Walk::default();
            walk_job(estate, job, &[], &mut w, &mut HashSet::new());
            // An error repeated up the tree is reported where it happened: the
            // deepest place.
            w.errors.sort_by_key(|(path, _)| {
                std::cmp::Reverse(path.matches(" › ").count() + usize::from(path != "job"))
            });
            let mut seen = HashSet::new();
            let mut errors = Vec::new();
            for (found_in, e) in &w.errors {
                for (kind, code, message, causes, action, activity) in parts(e) {
                    if !seen.insert((kind, code.clone(), message.clone())) {
                        continue;
                    }
                    let meaning = code.as_deref().and_then(catalog::lookup);
                    let correlation = meaning
                        .map(|m| correlate(estate, req, job, m))
                        .unwrap_or_default();
                    errors.push(Diagnosed {
                        found_in: found_in.clone(),
                        kind,
                        cause: overall(&correlation),
                        correlation,
                        code,
                        message,
                        possible_causes: causes,
                        recommended_action: action,
                        activity_id: activity,
                        meaning,
                    });
                }
            }
            let failing_task = w
                .failing
                .or_else(|| w.errors.first().map(|(p, _)| vec![p.clone()]))
                .unwrap_or_default();
            FailedJob {
                id: job.id.to_string(),
                vm: job.target_object_name.clone(),
                operation: job_label(job),
                scenario: job.scenario.clone(),
                state: match (job.state.as_deref(), job.state_description.as_deref()) {
                    (Some(s), Some(d)) if !s.eq_ignore_ascii_case(d) => format!("{s} ({d})"),
                    (s, d) => s.or(d).unwrap_or("unknown").to_string(),
                },
                started: job.started.map(crate::text::rfc3339),
                ended: job
                    .ended
                    .filter(|t| t.year() > 1900)
                    .map(crate::text::rfc3339),
                activity_id: job.activity_id.clone(),
                failing_task,
                errors,
                missing_child_jobs: w.missing,
                source: estate.source_name(job.source).to_string(),
            }
        })
        .collect();
    jobs.sort_by(|a, b| b.started.cmp(&a.started).then_with(|| a.id.cmp(&b.id)));
    let mut waiting: Vec<WaitingJob> = estate
        .jobs
        .iter()
        .filter(|j| crate::rules::hyperv::is_waiting(j.state.as_deref()))
        .filter(|j| req.jobs.is_empty() || req.jobs.iter().any(|k| matches_job(j, k)))
        .filter(|j| {
            req.vms.is_empty()
                || j.target_object_name
                    .as_deref()
                    .is_some_and(|n| req.vms.iter().any(|v| v.eq_ignore_ascii_case(n)))
        })
        .map(|j| {
            let task = j
                .tasks
                .iter()
                .find(|t| crate::rules::hyperv::is_waiting(t.state.as_deref()))
                .and_then(|t| t.friendly_name.clone().or(t.name.clone()));
            let action = if crate::rules::hyperv::is_planned_failover(j) {
                "if this is a failback from Azure whose data is synchronized: Complete Failover on the job when the downtime may start (ASR702); do not cancel it during data synchronization — the on-premises VM would be left corrupted".to_string()
            } else {
                "resume the job once its manual action is done (Jobs > the job > Resume)".to_string()
            };
            WaitingJob {
                id: j.id.to_string(),
                vm: j.target_object_name.clone(),
                operation: job_label(j),
                started: j.started.map(crate::text::rfc3339),
                waiting_task: task,
                action,
                source: estate.source_name(j.source).to_string(),
            }
        })
        .collect();
    waiting.sort_by(|a, b| b.started.cmp(&a.started).then_with(|| a.id.cmp(&b.id)));
    Diagnosis {
        since: crate::text::duration(req.since),
        jobs,
        waiting,
        jobs_in_bundle: estate.jobs.len(),
    }
}

fn child_ids(t: &Task) -> Vec<String> {
    let mut v: Vec<String> = t.child_job.iter().map(|c| c.job_id.key()).collect();
    v.extend(t.child_tasks.iter().flat_map(child_ids));
    v
}

type Part = (
    &'static str,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The service and provider halves of a job error.
fn parts(e: &JobError) -> Vec<Part> {
    let mut v = Vec::new();
    if let Some(s) = &e.service {
        v.push((
            "service",
            s.code.clone(),
            s.message.clone(),
            s.possible_causes.clone(),
            s.recommended_action.clone(),
            s.activity_id.clone(),
        ));
    }
    if let Some(p) = &e.provider {
        v.push((
            "provider",
            p.code.clone(),
            p.message.clone(),
            p.possible_causes.clone(),
            p.recommended_action.clone(),
            None,
        ));
    }
    v
}
