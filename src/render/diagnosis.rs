//! Output of `diagnose`: per failed job, the failing task, every error with
//! its codes, meaning and activity id, and whether the cause is still there.

use super::human::wrap;
use crate::diagnose::{CauseStatus, Diagnosis};
use std::io::{self, Write};

const WIDTH: usize = 100;

/// Writes the diagnosis as text.
pub fn human(d: &Diagnosis, color: bool, w: &mut dyn Write) -> io::Result<()> {
    let paint = |code: &str, s: &str| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let field = |w: &mut dyn Write, label: &str, text: &str| -> io::Result<()> {
        let indent = " ".repeat(6 + label.len() + 2);
        for (i, line) in wrap(text, WIDTH - indent.len()).iter().enumerate() {
            if i == 0 {
                writeln!(w, "      {label}: {line}")?;
            } else {
                writeln!(w, "{indent}{line}")?;
            }
        }
        Ok(())
    };
    for job in &d.jobs {
        let vm = job.vm.as_deref().unwrap_or("unknown VM");
        writeln!(
            w,
            "{} {} of `{vm}` — {}",
            paint("1;31", "failed job:"),
            paint("1", &job.operation),
            job.state
        )?;
        let when = match (&job.started, &job.ended) {
            (Some(s), Some(e)) => format!("{s} → {e}"),
            (Some(s), None) => format!("started {s}"),
            _ => "time unknown".to_string(),
        };
        writeln!(w, "  when: {when}")?;
        writeln!(w, "  job: {} [{}]", job.id, job.source)?;
        if let Some(a) = &job.activity_id {
            writeln!(w, "  activity id: {a}")?;
        }
        if !job.failing_task.is_empty() {
            writeln!(w, "  failing task: {}", job.failing_task.join(" › "))?;
        }
        for c in &job.missing_child_jobs {
            writeln!(w, "  {} child job {c} is not in the bundle: its errors are unknown (export the vault's jobs)", paint("33", "note:"))?;
        }
        if job.errors.is_empty() {
            writeln!(w, "  no error details recorded on the job or its tasks")?;
        }
        let mut correlated = std::collections::HashSet::new();
        for e in &job.errors {
            let code = e.code.as_deref().unwrap_or("no code");
            writeln!(
                w,
                "  {} {code} ({} error, in {})",
                paint("1", "error"),
                e.kind,
                e.found_in
            )?;
            if let Some(m) = &e.message {
                field(w, "message", m)?;
            }
            if let Some(c) = &e.possible_causes {
                field(w, "possible causes", c)?;
            }
            if let Some(a) = &e.recommended_action {
                field(w, "recommended action", a)?;
            }
            if let Some(a) = &e.activity_id {
                field(w, "activity id", a)?;
            }
            match e.meaning {
                Some(m) => {
                    field(w, "meaning", &format!("{} — {}", m.title, m.cause))?;
                    field(w, "fix", &m.fix)?;
                }
                None => field(
                    w,
                    "meaning",
                    "not in the catalog: the text above is Site Recovery's own",
                )?,
            }
            if e.cause.is_some() && !correlated.insert(code) {
                field(w, "cause now", "as above")?;
                continue;
            }
            match e.cause {
                Some(CauseStatus::Absent) => {
                    let rules: Vec<&str> = e.correlation.iter().map(|c| c.rule).collect();
                    field(
                        w,
                        "cause now",
                        &format!(
                            "{}: {} find nothing now — restart the job",
                            paint("32", "no longer present"),
                            rules.join(", ")
                        ),
                    )?;
                }
                Some(overall) => {
                    for c in e.correlation.iter().filter(|c| c.status == overall) {
                        let (status, then) = match overall {
                            CauseStatus::Present => (
                                paint("31", "still present"),
                                " — fix it, then restart the job",
                            ),
                            _ => (paint("33", "cannot tell"), ""),
                        };
                        field(
                            w,
                            "cause now",
                            &format!("{status} ({} {}): {}{then}", c.rule, c.name, c.detail),
                        )?;
                    }
                }
                None => {}
            }
        }
        writeln!(w)?;
    }
    for j in &d.waiting {
        writeln!(
            w,
            "{} {} of `{}` — waiting for the operator",
            paint("1", "waiting job:"),
            j.operation,
            j.vm.as_deref().unwrap_or("?")
        )?;
        if let Some(t) = &j.started {
            writeln!(w, "  since: {t}")?;
        }
        writeln!(w, "  job: {} [{}]", j.id, j.source)?;
        if let Some(t) = &j.waiting_task {
            writeln!(w, "  waiting task: {t}")?;
        }
        field(w, "to do", &j.action)?;
        writeln!(w)?;
    }
    let n = d.jobs.len();
    writeln!(
        w,
        "{} in the last {} ({} in the bundle)",
        crate::text::count(n, "failed job", "failed jobs"),
        d.since,
        crate::text::count(d.jobs_in_bundle, "job", "jobs")
    )
}

/// Writes the diagnosis as versioned JSON.
pub fn json(d: &Diagnosis, w: &mut dyn Write) -> io::Result<()> {
    #[derive(serde::Serialize)]
    struct Doc<'a> {
        version: u32,
        tool: serde_json::Value,
        #[serde(flatten)]
        diagnosis: &'a Diagnosis,
    }
    let doc = Doc {
        version: 1,
        tool: serde_json::json!({"name": env!("CARGO_PKG_NAME"), "version": env!("CARGO_PKG_VERSION")}),
        diagnosis: d,
    };
    serde_json::to_writer_pretty(&mut *w, &doc)?;
    writeln!(w)
}
