//! Human output: each finding with where it applies, its evidence and its
//! fix, then notices and a one-line verdict.

use super::Renderer;
use crate::finding::{Finding, Level};
use crate::report::{Report, Verdict};
use std::io::{self, Write};

/// Text width for wrapping (fixed, so output is the same everywhere).
const WIDTH: usize = 100;

pub struct Human {
    pub color: bool,
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

    fn finding(&self, f: &Finding, w: &mut dyn Write) -> io::Result<()> {
        let head = format!("{}[{}] {}", self.level(f.level), f.code, f.name);
        writeln!(w, "{}", self.paint("1", &head))?;
        for line in wrap(&f.message, WIDTH - 2) {
            writeln!(w, "  {line}")?;
        }
        let arrow = self.paint("34", "-->");
        writeln!(w, "  {arrow} {} · {}", f.subject.name, f.operation.as_str())?;
        writeln!(w, "      {}", f.subject.id)?;
        for e in &f.evidence {
            let text = format!("{}  [{}]", e.fact, e.place());
            let mut lines = wrap(&text, WIDTH - 16).into_iter();
            if let Some(first) = lines.next() {
                writeln!(w, "   {} {first}", self.paint("34", "= evidence:"))?;
            }
            for l in lines {
                writeln!(w, "               {l}")?;
            }
        }
        let mut lines = wrap(&f.help, WIDTH - 11).into_iter();
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

impl Renderer for Human {
    fn render(&self, report: &Report, w: &mut dyn Write) -> io::Result<()> {
        for f in &report.findings {
            self.finding(f, w)?;
        }
        self.capacity(report, w)?;
        for n in &report.notices {
            let (label, text, color) = match n.strip_prefix("warning: ") {
                Some(rest) => ("warning:", rest, "33"),
                None => ("note:", n.as_str(), "36"),
            };
            let indent = " ".repeat(label.len());
            for (i, line) in wrap(text, WIDTH - label.len() - 1).iter().enumerate() {
                let lead = if i == 0 {
                    self.paint(color, label)
                } else {
                    indent.clone()
                };
                writeln!(w, "{lead} {line}")?;
            }
        }
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
        writeln!(
            w,
            "{items}{plan} checked {}{}: {}",
            report.operation_phrase(),
            report.unchecked_phrase(),
            report.verdict_tail(&paint)
        )
    }
}
