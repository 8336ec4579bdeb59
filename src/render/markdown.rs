//! A Markdown readiness report (a drill's checklist, a GitHub step summary,
//! a pull-request comment), rollup first like the human view: the verdict,
//! one row per rule that fired, the capacity table, then the findings the
//! view shows in full, one collapsible `<details>` block per rule.

use super::Renderer;
use crate::report::Report;
use std::io::{self, Write};

pub struct Markdown;

/// Data in a table cell: HTML escaped outside code spans (a VM name must
/// not become markup; inside backticks Markdown shows `<` as it is), pipes
/// escaped, on one line. With an unpaired backtick everything is escaped.
fn cell(s: &str) -> String {
    let paired = s.matches('`').count().is_multiple_of(2);
    s.split('`')
        .enumerate()
        .map(|(i, part)| {
            if paired && i % 2 == 1 {
                part.to_string()
            } else {
                part.replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;")
            }
        })
        .collect::<Vec<_>>()
        .join("`")
        .replace('|', "\\|")
        .replace('\n', " ")
}

impl Renderer for Markdown {
    fn render(&self, report: &Report, w: &mut dyn Write) -> io::Result<()> {
        let s = report.summary();
        let plan = report
            .plan
            .as_deref()
            .map(|p| format!(" — recovery plan `{}`", cell(p)))
            .unwrap_or_default();
        let title = match report.fail_on {
            None => "gate off (--fail-on never)",
            Some(_) => report.verdict().label(),
        };
        writeln!(w, "# ASR readiness: {title}{plan}")?;
        writeln!(w)?;
        writeln!(
            w,
            "{} checked {}{}: {}.",
            crate::text::count(s.items, "item", "items"),
            report.operation_phrase(),
            report.unchecked_phrase(),
            report.verdict_tail(&|_, t| format!("**{t}**"))
        )?;
        if let Some(at) = report.collected_at {
            writeln!(w, "Facts collected {}.", crate::text::date_time(at))?;
        }
        let lines = report.rule_lines();
        if !lines.is_empty() {
            writeln!(w)?;
            writeln!(w, "## Rules that fired")?;
            writeln!(w)?;
            writeln!(w, "| level | rule | findings | on |")?;
            writeln!(w, "|---|---|---:|---|")?;
            for l in &lines {
                let shown: Vec<String> = l.subjects.iter().take(5).map(|s| cell(s)).collect();
                let more = l.subjects.len().saturating_sub(shown.len());
                let tail = if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                };
                writeln!(
                    w,
                    "| {} | {} {} | {} | {}{tail} |",
                    l.level.as_str(),
                    l.code,
                    l.name,
                    l.findings,
                    shown.join(", ")
                )?;
            }
        }
        if !report.capacity.is_empty() {
            writeln!(w)?;
            writeln!(w, "## Capacity in the target regions")?;
            writeln!(w)?;
            writeln!(w, "| region | quota | needed | free | limit | after | |")?;
            writeln!(w, "|---|---|---:|---:|---:|---:|---|")?;
            let n = |v: Option<i64>| v.map_or("?".to_string(), |x| x.to_string());
            for r in &report.capacity {
                let needed = if r.uncounted > 0 {
                    format!("{}+?", r.needed)
                } else {
                    r.needed.to_string()
                };
                let verdict = r.verdict();
                let verdict = if verdict.starts_with("short") {
                    format!("**{verdict}**")
                } else {
                    verdict
                };
                writeln!(
                    w,
                    "| {} | {} | {needed} | {} | {} | {} | {verdict} |",
                    cell(&r.region),
                    cell(&r.quota),
                    n(r.free),
                    n(r.limit),
                    r.after_percent()
                        .map_or("?".to_string(), |p| format!("{p}%"))
                )?;
            }
        }
        let shown = report.shown();
        if !shown.is_empty() {
            writeln!(w)?;
            let which = match report.view.details {
                crate::report::Details::All => "Every finding",
                _ => "What blocks",
            };
            writeln!(w, "## {which}")?;
        }
        for g in report.detail_groups(&shown) {
            let first = g.full[0];
            writeln!(w)?;
            writeln!(
                w,
                "<details><summary>{} {} {} — {}</summary>",
                first.level.as_str(),
                g.code,
                first.name,
                crate::text::count(g.full.len() + g.rest.len(), "finding", "findings")
            )?;
            writeln!(w)?;
            let fleet = !report.vaults.is_empty();
            if fleet {
                writeln!(
                    w,
                    "| vault | VM / subject | operation | problem | evidence | fix |"
                )?;
                writeln!(w, "|---|---|---|---|---|---|")?;
            } else {
                writeln!(w, "| VM / subject | operation | problem | evidence | fix |")?;
                writeln!(w, "|---|---|---|---|---|")?;
            }
            for f in g.full {
                let evidence: Vec<String> = f
                    .evidence
                    .iter()
                    .map(|e| format!("{} [{}]", cell(&e.fact), cell(&e.place())))
                    .collect();
                if fleet {
                    write!(w, "| {} ", cell(&super::vault_label(f)))?;
                }
                writeln!(
                    w,
                    "| {} | {} | {} | {} | {} |",
                    cell(&f.subject.name),
                    f.operation.as_str(),
                    cell(&f.message),
                    evidence.join("<br>"),
                    cell(&f.help)
                )?;
            }
            if !g.rest.is_empty() {
                let names: Vec<String> = g
                    .rest
                    .iter()
                    .map(|f| format!("{} ({})", cell(&f.subject.name), f.operation.as_str()))
                    .collect();
                writeln!(w)?;
                writeln!(
                    w,
                    "… and {} more ({} shown in full; `--max-per-rule 0` for all): {}",
                    g.rest.len(),
                    g.full.len(),
                    names.join(", ")
                )?;
            }
            writeln!(w)?;
            writeln!(w, "</details>")?;
        }
        let hidden = report.findings.iter().filter(|f| !report.shows(f)).count();
        if hidden > 0 && report.view.details != crate::report::Details::All {
            writeln!(w)?;
            writeln!(
                w,
                "{} not shown in full (warnings, notes, accepted or in the baseline): `--details all` shows them.",
                crate::text::count(hidden, "finding is", "findings are")
            )?;
        }
        for n in &report.notices {
            writeln!(w)?;
            writeln!(w, "> {}", cell(n))?;
        }
        let rows = report.vault_rows();
        if !rows.is_empty() {
            writeln!(w)?;
            writeln!(w, "## Vaults")?;
            writeln!(w)?;
            writeln!(
                w,
                "| vault | regions | items | ready | blocking | warnings | incomplete | verdict |"
            )?;
            writeln!(w, "|---|---|---:|---:|---:|---:|---:|---|")?;
            for r in &rows {
                writeln!(
                    w,
                    "| `{}` | {} | {} | {} | {} | {} | {} | {} |",
                    cell(&r.name).replace('`', ""),
                    cell(&r.regions),
                    r.items,
                    r.ready,
                    r.blocking,
                    r.warnings,
                    r.incomplete,
                    if r.verdict == "ready" {
                        r.verdict.to_string()
                    } else {
                        format!("**{}**", r.verdict)
                    }
                )?;
            }
        }
        Ok(())
    }
}
