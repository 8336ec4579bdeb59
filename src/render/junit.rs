//! JUnit XML, as Azure Pipelines' PublishTestResults and most CI systems read
//! it: one test case per finding (failed when it blocks, in error when a fact
//! was missing, passed otherwise) and one for the verdict.

use super::Renderer;
use crate::finding::Finding;
use crate::report::{Report, Verdict};
use std::io::{self, Write};

pub struct Junit;

fn esc(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .map(|c| match c {
            '&' => "&amp;".to_string(),
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '"' => "&quot;".to_string(),
            '\'' => "&apos;".to_string(),
            c => c.to_string(),
        })
        .collect()
}

fn body(f: &Finding) -> String {
    let mut s = format!(
        "{}\nsubject: {} ({})\noperation: {}\n",
        f.message,
        f.subject.name,
        f.subject.id,
        f.operation.as_str()
    );
    for e in &f.evidence {
        s.push_str(&format!("evidence: {} [{}]\n", e.fact, e.source));
    }
    s.push_str(&format!("fix: {}\n", f.help));
    s
}

impl Renderer for Junit {
    fn render(&self, report: &Report, w: &mut dyn Write) -> io::Result<()> {
        let s = report.summary();
        let blocking =
            |f: &Finding| !f.is_missing_fact() && report.fail_on.is_some_and(|t| f.level >= t);
        let verdict = report.verdict();
        let failures = s.blocking + usize::from(verdict == Verdict::NotReady);
        let errors = s.incomplete + usize::from(verdict == Verdict::Incomplete);
        let suite = format!(
            "asr-preflight check --operation {}",
            report.operation.as_str()
        );
        writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
        writeln!(
            w,
            r#"<testsuites name="asr-preflight" tests="{}" failures="{failures}" errors="{errors}">"#,
            report.findings.len() + 1
        )?;
        writeln!(
            w,
            r#"  <testsuite name="{}" tests="{}" failures="{failures}" errors="{errors}" skipped="0">"#,
            esc(&suite),
            report.findings.len() + 1
        )?;
        for f in &report.findings {
            writeln!(
                w,
                r#"    <testcase classname="asr-preflight.{}" name="{}: {} ({})">"#,
                f.code,
                esc(&f.subject.name),
                f.name,
                f.operation.as_str()
            )?;
            let tag = if f.is_missing_fact() {
                Some("error")
            } else if blocking(f) {
                Some("failure")
            } else {
                None
            };
            match tag {
                Some(t) => writeln!(
                    w,
                    r#"      <{t} type="{}" message="{}">{}</{t}>"#,
                    f.code,
                    esc(&f.message),
                    esc(&body(f))
                )?,
                None => writeln!(
                    w,
                    "      <system-out>{}: {}</system-out>",
                    f.level.as_str(),
                    esc(&body(f))
                )?,
            }
            writeln!(w, "    </testcase>")?;
        }
        writeln!(
            w,
            r#"    <testcase classname="asr-preflight" name="verdict: {}">"#,
            verdict.label()
        )?;
        let line = format!(
            "{} items: {}",
            s.items,
            report.verdict_tail(&|_, t| t.to_string())
        );
        match verdict {
            Verdict::Ready => writeln!(w, "      <system-out>{}</system-out>", esc(&line))?,
            Verdict::NotReady => writeln!(
                w,
                r#"      <failure type="not-ready" message="{}"/>"#,
                esc(&line)
            )?,
            Verdict::Incomplete => writeln!(
                w,
                r#"      <error type="incomplete" message="{}"/>"#,
                esc(&line)
            )?,
        }
        writeln!(w, "    </testcase>")?;
        writeln!(w, "  </testsuite>")?;
        writeln!(w, "</testsuites>")
    }
}
