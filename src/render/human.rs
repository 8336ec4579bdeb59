//! Human output, rollup first: the verdict; one line per rule that fired
//! (level, how many findings, on which subjects); the capacity of the
//! target regions; then the findings the view shows in full (by default
//! those that block), each with where it applies, its evidence and its fix;
//! notices; and the verdict again, last, where a CI log's tail shows it.

use super::Renderer;
use crate::finding::{Finding, Level};
use crate::report::{Report, Verdict};
use std::io::{self, Write};

/// Text width for wrapping when the output is not a terminal (fixed, so a
/// file or a CI log is the same everywhere).
pub const WIDTH: usize = 100;

pub struct Human {
    pub color: bool,
    /// Columns to wrap at: the terminal's width on a terminal, else `WIDTH`.
    pub width: usize,
}

impl Human {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    fn level(&self, l: Level) -> String {
        match l {
            Level::Error => self.paint("1;31", "error"),
            Level::Warning => self.paint("1;33", "warning"),
            Level::Info => self.paint("1;36", "info"),
        }
    }

    fn finding(&self, f: &Finding, fleet: bool, w: &mut dyn Write) -> io::Result<()> {
        let head = format!("{}[{}] {}", self.level(f.level), f.code, f.name);
        writeln!(w, "{}", self.paint("1", &head))?;
        for line in wrap(&f.message, self.width - 2) {
            writeln!(w, "  {line}")?;
        }
        let arrow = self.paint("34", "-->");
        if fleet {
            writeln!(
                w,
                "  {arrow} {} · {} · vault {}",
                f.subject.name,
                f.operation.as_str(),
                super::vault_label(f)
            )?;
        } else {
            writeln!(w, "  {arrow} {} · {}", f.subject.name, f.operation.as_str())?;
        }
        writeln!(w, "      {}", f.subject.id)?;
        for e in &f.evidence {
            let text = format!("{}  [{}]", e.fact, e.place());
            let mut lines = wrap(&text, self.width - 16).into_iter();
            if let Some(first) = lines.next() {
                writeln!(w, "   {} {first}", self.paint("34", "= evidence:"))?;
            }
            for l in lines {
                writeln!(w, "               {l}")?;
            }
        }
        let mut lines = wrap(&f.help, self.width - 11).into_iter();
        if let Some(first) = lines.next() {
            writeln!(w, "   {} {first}", self.paint("32", "= fix:"))?;
        }
        for l in lines {
            writeln!(w, "          {l}")?;
        }
        writeln!(w)
    }
}

impl Human {
    /// The per-region, per-quota table: the whole picture, not only the rows
    /// that fail.
    fn capacity(&self, report: &Report, w: &mut dyn Write) -> io::Result<()> {
        if report.capacity.is_empty() {
            return Ok(());
        }
        let num = |v: Option<i64>| v.map_or("?".to_string(), |n| n.to_string());
        let rows: Vec<[String; 7]> = report
            .capacity
            .iter()
            .map(|r| {
                let after = r
                    .after_percent()
                    .map_or("?".to_string(), |p| format!("{p}%"));
                let verdict = r.verdict();
                let needed = if r.uncounted > 0 {
                    format!("{}+?", r.needed)
                } else {
                    r.needed.to_string()
                };
                [
                    r.region.clone(),
                    r.quota.clone(),
                    needed,
                    num(r.free),
                    num(r.limit),
                    after,
                    verdict,
                ]
            })
            .collect();
        let head = ["region", "quota", "needed", "free", "limit", "after", ""];
        let mut width = head.map(str::len);
        for r in &rows {
            for (i, c) in r.iter().enumerate() {
                width[i] = width[i].max(c.chars().count());
            }
        }
        writeln!(
            w,
            "{}",
            self.paint(
                "1",
                "capacity in the target regions (vCPUs; NICs for NetworkInterfaces):"
            )
        )?;
        let line = |cells: &[String; 7]| {
            let mut s = String::from(" ");
            for (i, c) in cells.iter().enumerate() {
                let pad = width[i] - c.chars().count();
                if (2..6).contains(&i) {
                    s.push_str(&format!(" {}{c}", " ".repeat(pad)));
                } else {
                    s.push_str(&format!(" {c}{}", " ".repeat(pad)));
                }
            }
            s.trim_end().to_string()
        };
        writeln!(w, "{}", line(&head.map(str::to_string)))?;
        for r in &rows {
            writeln!(w, "{}", line(r))?;
        }
        for r in report
            .capacity
            .iter()
            .filter(|r| !r.covered_items.is_empty())
        {
            writeln!(
                w,
                "  no new quota needed in {} for {}:",
                r.region,
                crate::text::count(r.covered_items.len(), "item", "items")
            )?;
            for c in &r.covered_items {
                writeln!(w, "    {c}")?;
            }
        }
        writeln!(w)
    }
}

/// Greedy word wrap; words longer than `width` stay whole.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        if !cur.is_empty() && cur.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

impl Human {
    /// `rules that fired`: one aligned line per rule and level.
    fn rule_lines(&self, report: &Report, w: &mut dyn Write) -> io::Result<()> {
        let lines = report.rule_lines();
        if lines.is_empty() {
            return Ok(());
        }
        writeln!(
            w,
            "{}",
            self.paint(
                "1",
                &format!(
                    "rules that fired ({}):",
                    crate::text::count(report.findings.len(), "finding", "findings")
                )
            )
        )?;
        let rule = |l: &crate::report::RuleLine| format!("{} {}", l.code, l.name);
        let rule_w = lines.iter().map(|l| rule(l).len()).max().unwrap_or(0);
        let n_w = lines
            .iter()
            .map(|l| l.findings.to_string().len())
            .max()
            .unwrap_or(1);
        for l in &lines {
            let shown: Vec<&str> = l.subjects.iter().take(3).map(String::as_str).collect();
            let more = l.subjects.len().saturating_sub(shown.len());
            let mut who = shown.join(", ");
            if more > 0 {
                who.push_str(&format!(" and {more} more"));
            }
            let level = format!("{:<7}", l.level.as_str());
            let level = match l.level {
                Level::Error => self.paint("31", &level),
                Level::Warning => self.paint("33", &level),
                Level::Info => self.paint("36", &level),
            };
            let head = format!("  {level} {:<rule_w$} {:>n_w$}  ", rule(l), l.findings);
            let indent = 2 + 7 + 1 + rule_w + 1 + n_w + 2;
            let mut parts = wrap(&who, self.width.saturating_sub(indent).max(20)).into_iter();
            writeln!(w, "{head}{}", parts.next().unwrap_or_default())?;
            for p in parts {
                writeln!(w, "{}{p}", " ".repeat(indent))?;
            }
        }
        writeln!(w)
    }

    /// The findings the view shows in full, at most `max_per_rule` per rule;
    /// the rest of each rule named on a line.
    fn details(&self, report: &Report, w: &mut dyn Write) -> io::Result<()> {
        let shown = report.shown();
        let hidden = report.findings.len() - shown.len();
        if !shown.is_empty() {
            let which = match report.view.details {
                crate::report::Details::All => "every finding".to_string(),
                _ => "what blocks (errors and missing facts)".to_string(),
            };
            writeln!(w, "{}", self.paint("1", &format!("details — {which}:")))?;
            writeln!(w)?;
        }
        for g in report.detail_groups(&shown) {
            for f in g.full {
                self.finding(f, !report.vaults.is_empty(), w)?;
            }
            if !g.rest.is_empty() {
                let names: Vec<String> = g
                    .rest
                    .iter()
                    .map(|f| format!("{} ({})", f.subject.name, f.operation.as_str()))
                    .collect();
                let text = format!(
                    "… and {} more {} ({} shown in full; --max-per-rule 0 for all): {}",
                    g.rest.len(),
                    g.code,
                    g.full.len(),
                    names.join(", ")
                );
                for line in wrap(&text, self.width - 2) {
                    writeln!(w, "  {line}")?;
                }
                writeln!(w)?;
            }
        }
        if hidden > 0 && report.view.details != crate::report::Details::All {
            writeln!(
                w,
                "{} {} not shown in full (warnings, notes, accepted or in the baseline): --details all shows them, --format json has everything.",
                self.paint("36", "note:"),
                crate::text::count(hidden, "finding is", "findings are")
            )?;
            writeln!(w)?;
        }
        Ok(())
    }

    /// The fleet table: one line per vault, how many of its items are ready
    /// and what stops the rest.
    fn vaults(&self, report: &Report, w: &mut dyn Write) -> io::Result<()> {
        let rows = report.vault_rows();
        if rows.is_empty() {
            return Ok(());
        }
        writeln!(w)?;
        writeln!(
            w,
            "{}",
            self.paint("1", &format!("vaults ({}):", rows.len()))
        )?;
        let name_w = rows
            .iter()
            .map(|r| r.name.chars().count())
            .max()
            .unwrap_or(5)
            .max(5);
        let reg_w = rows
            .iter()
            .map(|r| r.regions.chars().count())
            .max()
            .unwrap_or(7)
            .max(7);
        writeln!(
            w,
            "  {:<name_w$}  {:<reg_w$}  {:>5}  {:>5}  {:>8}  {:>8}  {:>10}  verdict",
            "vault", "regions", "items", "ready", "blocking", "warnings", "incomplete"
        )?;
        for r in &rows {
            let verdict = match r.verdict {
                "ready" => self.paint("32", r.verdict),
                "not ready" => self.paint("31", r.verdict),
                _ => self.paint("33", r.verdict),
            };
            writeln!(
                w,
                "  {:<name_w$}  {:<reg_w$}  {:>5}  {:>5}  {:>8}  {:>8}  {:>10}  {verdict}",
                r.name, r.regions, r.items, r.ready, r.blocking, r.warnings, r.incomplete
            )?;
        }
        writeln!(w)
    }

    fn verdict_line(&self, report: &Report) -> String {
        let s = report.summary();
        let paint = |v: Verdict, text: &str| match v {
            Verdict::Ready => self.paint("1;32", text),
            Verdict::NotReady => self.paint("1;31", text),
            Verdict::Incomplete => self.paint("1;33", text),
        };
        let plan = report
            .plan
            .as_deref()
            .map(|p| format!(" in recovery plan `{p}`"))
            .unwrap_or_default();
        let items = crate::text::count(s.items, "item", "items");
        format!(
            "{items}{plan} checked {}{}: {}",
            report.operation_phrase(),
            report.unchecked_phrase(),
            report.verdict_tail(&paint)
        )
    }
}

impl Renderer for Human {
    fn render(&self, report: &Report, w: &mut dyn Write) -> io::Result<()> {
        let verdict = self.verdict_line(report);
        if !report.findings.is_empty() {
            writeln!(w, "{verdict}")?;
            writeln!(w)?;
        }
        self.rule_lines(report, w)?;
        self.capacity(report, w)?;
        self.details(report, w)?;
        for n in &report.notices {
            let (label, text, color) = match n.strip_prefix("warning: ") {
                Some(rest) => ("warning:", rest, "33"),
                None => ("note:", n.as_str(), "36"),
            };
            let indent = " ".repeat(label.len());
            for (i, line) in wrap(text, self.width - label.len() - 1).iter().enumerate() {
                let lead = if i == 0 {
                    self.paint(color, label)
                } else {
                    indent.clone()
                };
                writeln!(w, "{lead} {line}")?;
            }
        }
        self.vaults(report, w)?;
        writeln!(w, "{verdict}")
    }
}
