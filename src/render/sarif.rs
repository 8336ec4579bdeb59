//! SARIF 2.1.0, as GitHub code scanning and other SARIF viewers read it.
//! One result per finding; the rule catalog goes in `tool.driver.rules`.
//! Results point at the bundle file their first evidence came from, and name
//! the Azure resource as a logical location.

use super::Renderer;
use crate::finding::{BaselineState, Finding, Level};
use crate::report::Report;
use crate::rules::RULES;
use serde_json::{json, Value};
use std::io::{self, Write};

pub struct Sarif;

/// The "What it checks" section of a rule's docs, as its full description.
fn what_it_checks(docs: &str) -> Option<&str> {
    let body = docs.split("## What it checks").nth(1)?;
    let text = body.split("\n## ").next()?.trim();
    (!text.is_empty()).then_some(text)
}

fn level(l: Level) -> &'static str {
    match l {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Info => "note",
    }
}

/// A path as a URI reference: every byte outside the unreserved set and
/// `/` percent-encoded (a file name may hold spaces or `#`).
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The first Microsoft page a rule's docs cite, as its `helpUri`.
fn help_uri(docs: &str) -> Option<&str> {
    let refs = docs.split("## References").nth(1)?;
    refs.split_whitespace()
        .find(|w| w.starts_with("https://learn.microsoft.com/"))
        .map(|w| w.trim_end_matches(['.', ',', ')', ';']))
}

fn result(report: &Report, f: &Finding) -> Value {
    let (path, line) = super::artifact(report, f);
    let evidence: Vec<String> = f
        .evidence
        .iter()
        .map(|e| format!("- {} [{}]", e.fact, e.place()))
        .collect();
    let mut r = json!({
        "ruleId": f.code,
        "level": level(f.level),
        "message": {
            "text": format!("{} ({}, {})", f.message, f.subject.name, f.operation.as_str()),
            "markdown": format!("{}\n\n**Fix:** {}\n\n**Evidence:**\n{}", f.message, f.help, evidence.join("\n")),
        },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": uri(&path)},
                // The line of the evidence where the loader knows it.
                "region": {"startLine": line.unwrap_or(1)},
            },
            "logicalLocations": [{"fullyQualifiedName": f.subject.id, "name": f.subject.name, "kind": "resource"}],
        }],
        "partialFingerprints": {"asrPreflight/v2": f.fingerprint},
        "properties": {"operation": f.operation.as_str(), "subjectType": f.subject.kind, "help": f.help},
    });
    if let Some(b) = f.baseline {
        r["baselineState"] = json!(match b {
            BaselineState::New => "new",
            BaselineState::Unchanged => "unchanged",
        });
    }
    if let Some(a) = &f.acceptance {
        let mut why = format!("accepted by {}", a.by);
        if let Some(reason) = &a.reason {
            why.push_str(&format!(": {reason}"));
        }
        if let Some(d) = &a.expires {
            why.push_str(&format!(" (until {d})"));
        }
        r["suppressions"] = json!([{"kind": "external", "justification": why}]);
    }
    r
}

impl Renderer for Sarif {
    fn render(&self, report: &Report, w: &mut dyn Write) -> io::Result<()> {
        let rules: Vec<Value> = RULES
            .iter()
            .map(|r| {
                let m = r.meta();
                let mut rule = json!({
                    "id": m.code,
                    "name": m.name,
                    "shortDescription": {"text": m.summary},
                    "fullDescription": {"text": what_it_checks(m.docs).unwrap_or(m.summary)},
                    "help": {"text": m.docs, "markdown": m.docs},
                    "defaultConfiguration": {"level": level(m.level)},
                    "properties": {"category": m.category, "operations": m.operations.iter().map(|o| o.as_str()).collect::<Vec<_>>()},
                });
                if let Some(u) = help_uri(m.docs) {
                    rule["helpUri"] = json!(u);
                }
                rule
            })
            .collect();
        let mut driver = json!({
            "name": env!("CARGO_PKG_NAME"),
            "version": env!("CARGO_PKG_VERSION"),
            "semanticVersion": env!("CARGO_PKG_VERSION"),
            "rules": rules,
        });
        // Where the tool's users read about it: the configuration's
        // `[sarif] information-uri`, else the package's homepage if it
        // declares one (never a made-up address).
        let info = report
            .information_uri
            .as_deref()
            .or(option_env!("CARGO_PKG_HOMEPAGE").filter(|h| !h.is_empty()));
        if let Some(info) = info {
            driver["informationUri"] = json!(info);
        }
        let doc = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": driver},
                "results": report.findings.iter().map(|f| result(report, f)).collect::<Vec<_>>(),
                "properties": {"operation": report.operation.as_str(), "summary": report.summary()},
            }],
        });
        serde_json::to_writer_pretty(&mut *w, &doc)?;
        writeln!(w)
    }
}
