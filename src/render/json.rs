//! The JSON report: a versioned contract (fields are added, never renamed).

use super::Renderer;
use crate::finding::Finding;
use crate::report::{Report, Summary};
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
        let doc = JsonReport {
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
            findings: &report.findings,
            capacity: &report.capacity,
            vaults: report.vault_rows(),
            notices: &report.notices,
        };
        serde_json::to_writer_pretty(&mut *w, &doc)?;
        writeln!(w)
    }
}
