//! The JSON report: a versioned contract (fields are added, never renamed).

use super::Renderer;
use crate::finding::Finding;
use crate::report::{Report, Summary};
use rayon::prelude::*;
use serde::Serialize;
use std::io::{self, Write};

/// The report's schema version.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Bundle {
    /// When the facts were collected (from `manifest.json`), if known.
    collected_at: Option<String>,
    manifest: bool,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    tool: Tool,
    operation: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    plan: Option<&'a str>,
    summary: Summary,
    bundle: Bundle,
    /// One line per rule and level that fired (what the human view leads with).
    rules: Vec<crate::report::RuleLine>,
    findings: &'a [Finding],
    capacity: &'a [crate::analysis::demand::CapacityRow],
    /// Per vault, with several vaults (a fleet): items ready, findings.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    vaults: Vec<crate::report::VaultRow>,
    notices: &'a [String],
}

pub struct Json;

impl Renderer for Json {
    fn render(&self, report: &Report, w: &mut dyn Write) -> io::Result<()> {
        let doc = document(report, &[]);
        // The findings are most of the report (tens of megabytes at
        // 100,000 items): each is written on its own, in parallel, and put
        // in the place of the empty list, as the whole would be written.
        let mut rest = serde_json::to_vec_pretty(&doc)?;
        rest.push(b'\n');
        let at = memchr::memmem::find(&rest, EMPTY_FINDINGS)
            .ok_or_else(|| io::Error::other("the report has no list of findings"))?;
        let (head, tail) = rest.split_at(at + EMPTY_FINDINGS.len() - 3);
        w.write_all(head)?;
        if !report.findings.is_empty() {
            // A few megabytes at a time: the written text is never held whole.
            w.write_all(b"\n    ")?;
            for (i, batch) in report.findings.chunks(CHUNK * 8).enumerate() {
                let written: Vec<io::Result<Vec<u8>>> =
                    batch.par_chunks(CHUNK).map(findings_text).collect();
                for (j, text) in written.into_iter().enumerate() {
                    if i > 0 || j > 0 {
                        w.write_all(b",\n    ")?;
                    }
                    w.write_all(&text?)?;
                }
            }
            w.write_all(b"\n  ")?;
        }
        w.write_all(tail)
    }
}

/// The report as its JSON document, with these findings.
fn document<'a>(report: &'a Report, findings: &'a [Finding]) -> JsonReport<'a> {
    JsonReport {
        version: VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        operation: report.operation.as_str(),
        plan: report.plan.as_deref(),
        summary: report.summary(),
        rules: report.rule_lines(),
        bundle: Bundle {
            collected_at: report.collected_at.map(crate::text::rfc3339),
            manifest: report.has_manifest,
        },
        findings,
        capacity: &report.capacity,
        vaults: report.vault_rows(),
        notices: &report.notices,
    }
}

/// How many findings one thread writes at a time (eight such at once).
const CHUNK: usize = 128;

/// The list of findings as the report writes it when empty: its key is
/// at the top level, where no other line starts so.
const EMPTY_FINDINGS: &[u8] = b"\n  \"findings\": [],\n";

/// Findings as they stand in the report's list, two levels in: each
/// written alone (its strings hold no line break, which JSON escapes),
/// every line after its first indented by those levels.
fn findings_text(findings: &[Finding]) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    for (i, f) in findings.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b",\n    ");
        }
        for (j, line) in serde_json::to_vec_pretty(f)?
            .split(|&b| b == b'\n')
            .enumerate()
        {
            if j > 0 {
                out.extend_from_slice(b"\n    ");
            }
            out.extend_from_slice(line);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Written in parallel and spliced in, the findings read as the whole
    /// report written at once: none, a few, and more than one batch of
    /// chunks (the example's findings, repeated).
    #[test]
    fn findings_written_apart_read_as_the_whole() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/contoso");
        let estate = crate::load::load(&[dir.into()]).unwrap();
        let request = crate::engine::Request {
            operation: crate::finding::OperationArg::Next,
            vms: Vec::new(),
            plan: None,
            now: crate::load::parse_time("2026-11-22T12:00:00Z").unwrap(),
            config: crate::config::Config::default(),
        };
        let mut report = crate::engine::run(&estate, &request).unwrap();
        let found = report.findings.clone();
        assert!(!found.is_empty());
        for n in [0, 1, CHUNK + 1, CHUNK * 8 * 2 + 3] {
            report.findings = found.iter().cycle().take(n).cloned().collect();
            let mut written = Vec::new();
            Json.render(&report, &mut written).unwrap();
            let mut whole =
                serde_json::to_vec_pretty(&document(&report, &report.findings)).unwrap();
            whole.push(b'\n');
            assert!(written == whole, "{n} findings");
        }
    }
}
