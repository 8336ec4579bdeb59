//! A Markdown readiness report (a drill's checklist, a GitHub step summary):
//! the verdict, the counts, the capacity table, then the findings by level.

use super::Renderer;
use crate::finding::Level;
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
        for (level, title) in [
            (Level::Error, "Blocking and missing facts"),
            (Level::Warning, "Warnings"),
            (Level::Info, "Notes"),
        ] {
            let fs: Vec<_> = report
                .findings
                .iter()
                .filter(|f| f.level == level)
                .collect();
            if fs.is_empty() {
                continue;
            }
            writeln!(w)?;
            writeln!(w, "## {title}")?;
            writeln!(w)?;
            writeln!(w, "| code | VM / subject | operation | problem | fix |")?;
            writeln!(w, "|---|---|---|---|---|")?;
            for f in fs {
                writeln!(
                    w,
                    "| {} {} | {} | {} | {} | {} |",
                    f.code,
                    f.name,
                    cell(&f.subject.name),
                    f.operation.as_str(),
                    cell(&f.message),
                    cell(&f.help)
                )?;
            }
        }
        for n in &report.notices {
            writeln!(w)?;
            writeln!(w, "> {}", cell(n))?;
        }
        Ok(())
    }
}
