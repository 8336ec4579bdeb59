//! SARIF 2.1.0, as GitHub code scanning and other SARIF viewers read it.
//! One result per finding; the rule catalog goes in `tool.driver.rules`.
//! Results point at the bundle file their first evidence came from, and name
//! the Azure resource as a logical location.

use super::Renderer;
use crate::finding::{Finding, Level};
use crate::report::Report;
use crate::rules::RULES;
use serde_json::{json, Value};
use std::hash::{Hash, Hasher};
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

/// A stable fingerprint: same problem on the same subject, same value.
fn fingerprint(f: &Finding) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (f.code, f.subject.id.to_ascii_lowercase(), &f.message).hash(&mut h);
    format!("{:016x}", h.finish())
}

fn result(f: &Finding) -> Value {
    let uri = f
        .evidence
        .first()
        .map_or("manifest.json", |e| e.source.as_str());
    let evidence: Vec<String> = f
        .evidence
        .iter()
        .map(|e| format!("- {} [{}]", e.fact, e.source))
        .collect();
    let mut r = json!({
        "ruleId": f.code,
        "level": level(f.level),
        "message": {
            "text": format!("{} ({}, {})", f.message, f.subject.name, f.operation.as_str()),
            "markdown": format!("{}\n\n**Fix:** {}\n\n**Evidence:**\n{}", f.message, f.help, evidence.join("\n")),
        },
        "locations": [{
            // The loader keeps no line per fact: the file's first line.
            "physicalLocation": {"artifactLocation": {"uri": uri}, "region": {"startLine": 1}},
            "logicalLocations": [{"fullyQualifiedName": f.subject.id, "name": f.subject.name, "kind": "resource"}],
        }],
        "partialFingerprints": {"asrPreflight/v1": fingerprint(f)},
        "properties": {"operation": f.operation.as_str(), "subjectType": f.subject.kind, "help": f.help},
    });
    if f.accepted {
        r["suppressions"] =
            json!([{"kind": "external", "justification": "accepted with asr-preflight --accept"}]);
    }
    r
}

impl Renderer for Sarif {
    fn render(&self, report: &Report, w: &mut dyn Write) -> io::Result<()> {
        let rules: Vec<Value> = RULES
            .iter()
            .map(|r| {
                let m = r.meta();
                json!({
                    "id": m.code,
                    "name": m.name,
                    "shortDescription": {"text": m.summary},
                    "fullDescription": {"text": what_it_checks(m.docs).unwrap_or(m.summary)},
                    "help": {"text": m.docs, "markdown": m.docs},
                    "defaultConfiguration": {"level": level(m.level)},
                    "properties": {"category": m.category, "operations": m.operations.iter().map(|o| o.as_str()).collect::<Vec<_>>()},
                })
            })
            .collect();
        let doc = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": env!("CARGO_PKG_NAME"),
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }},
                "results": report.findings.iter().map(result).collect::<Vec<_>>(),
                "properties": {"operation": report.operation.as_str(), "summary": report.summary()},
            }],
        });
        serde_json::to_writer_pretty(&mut *w, &doc)?;
        writeln!(w)
    }
}
