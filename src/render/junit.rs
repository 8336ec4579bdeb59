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
        s.push_str(&format!("evidence: {} [{}]\n", e.fact, e.place()));
    }
    s.push_str(&format!("fix: {}\n", f.help));
    s
}

/// `2026-11-22T11:43:55`: the Ant schema's timestamp (no zone; UTC).
fn timestamp(t: crate::model::Timestamp) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// The host of the ARM endpoint the facts came from, else `localhost`.
fn hostname(report: &Report) -> String {
    report
        .endpoint
        .as_deref()
        .and_then(|e| url::Url::parse(e).ok())
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "localhost".to_string())
}

impl Renderer for Junit {
    fn render(&self, report: &Report, w: &mut dyn Write) -> io::Result<()> {
        let s = report.summary();
        let blocking = |f: &Finding| {
            !f.is_missing_fact() && f.counts() && report.fail_on.is_some_and(|t| f.level >= t)
        };
        let verdict = report.verdict();
        let failures = s.blocking + usize::from(verdict == Verdict::NotReady);
        let errors = s.incomplete + usize::from(verdict == Verdict::Incomplete);
        let suite = format!(
            "asr-preflight check --operation {}",
            report.operation.as_str()
        );
        // Deterministic like every output: the facts' time, not the clock;
        // `time` is 0 (a check takes no measurable test time).
        let when = timestamp(report.collected_at.unwrap_or(report.now));
        writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
        writeln!(
            w,
            r#"<testsuites name="asr-preflight" tests="{}" failures="{failures}" errors="{errors}" time="0">"#,
            report.findings.len() + 1
        )?;
        writeln!(
            w,
            r#"  <testsuite name="{}" package="asr-preflight" id="0" tests="{}" failures="{failures}" errors="{errors}" skipped="0" time="0" timestamp="{when}" hostname="{}">"#,
            esc(&suite),
            report.findings.len() + 1,
            esc(&hostname(report))
        )?;
        writeln!(w, "    <properties>")?;
        writeln!(
            w,
            r#"      <property name="operation" value="{}"/>"#,
            report.operation.as_str()
        )?;
        writeln!(
            w,
            r#"      <property name="fail-on" value="{}"/>"#,
            report.fail_on.map_or("never", |l| l.as_str())
        )?;
        writeln!(w, "    </properties>")?;
        // Findings that do not block pass; their details go to the suite's
        // system-out (the Ant schema allows no output inside a test case).
        let mut passed = String::new();
        for f in &report.findings {
            writeln!(
                w,
                r#"    <testcase classname="asr-preflight.{}" name="{}: {} ({})" time="0">"#,
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
                None => passed.push_str(&format!(
                    "{} {} {}: {}\n",
                    f.code,
                    f.level.as_str(),
                    f.subject.name,
                    body(f)
                )),
            }
            writeln!(w, "    </testcase>")?;
        }
        writeln!(
            w,
            r#"    <testcase classname="asr-preflight" name="verdict: {}" time="0">"#,
            verdict.label()
        )?;
        let line = format!(
            "{} items: {}",
            s.items,
            report.verdict_tail(&|_, t| t.to_string())
        );
        match verdict {
            Verdict::Ready => passed.push_str(&format!("verdict: {line}\n")),
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
        writeln!(w, "    <system-out>{}</system-out>", esc(&passed))?;
        writeln!(w, "    <system-err></system-err>")?;
        writeln!(w, "  </testsuite>")?;
        writeln!(w, "</testsuites>")
    }
}
