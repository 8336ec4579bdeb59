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
            let text = format!("{}  [{}]", e.fact, e.source);
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
        for n in &report.notices {
            for (i, line) in wrap(n, WIDTH - 6).iter().enumerate() {
                let lead = if i == 0 {
                    self.paint("36", "note:")
                } else {
                    "     ".to_string()
                };
                writeln!(w, "{lead} {line}")?;
            }
        }
        let s = report.summary();
        let verdict = report.verdict();
        let painted = match verdict {
            Verdict::Ready => self.paint("1;32", verdict.label()),
            Verdict::NotReady => self.paint("1;31", verdict.label()),
            Verdict::Incomplete => self.paint("1;33", verdict.label()),
        };
        let plan = report
            .plan
            .as_deref()
            .map(|p| format!(" in recovery plan `{p}`"))
            .unwrap_or_default();
        let items = crate::text::count(s.items, "item", "items");
        writeln!(
            w,
            "{items}{plan} checked {}: {} blocking, {}, {} incomplete — {painted}",
            report.operation_phrase(),
            s.blocking,
            crate::text::count(s.warnings, "warning", "warnings"),
            s.incomplete
        )
    }
}
