//! Output of `rules` and `explain`: the rule catalog and the error-code
//! catalog, as text, JSON and Markdown.

use crate::catalog::ErrorCode;
use crate::model::Operation;
use crate::rules::{self, RuleMeta};
use std::io::{self, Write};

/// The rule catalog as a Markdown table (the README embeds exactly this).
pub fn rules_markdown() -> String {
    let mut s =
        String::from("| code | name | level | operations | checks |\n|---|---|---|---|---|\n");
    for r in rules::RULES {
        let m = r.meta();
        let ops: Vec<&str> = m.operations.iter().map(|o| o.as_str()).collect();
        let ops = if m.operations.len() == Operation::ALL.len() {
            "all".to_string()
        } else {
            ops.join(", ")
        };
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            m.code,
            m.name,
            m.level.as_str(),
            ops,
            m.summary
        ));
    }
    s
}

/// A rule as `rules --format json` lists it: its metadata and the error
/// codes the catalog links to it.
#[derive(serde::Serialize)]
struct Listed {
    #[serde(flatten)]
    meta: &'static RuleMeta,
    asr_codes: Vec<&'static str>,
}

/// The rule catalog as JSON.
pub fn rules_json(out: &mut dyn Write) -> io::Result<()> {
    let listed: Vec<Listed> = rules::RULES
        .iter()
        .map(|r| Listed {
            meta: r.meta(),
            asr_codes: crate::catalog::codes_for_rule(r.meta().code),
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &listed)?;
    writeln!(out)
}

/// The rule catalog as aligned text.
pub fn rules_human(out: &mut dyn Write) -> io::Result<()> {
    for r in rules::RULES {
        let m = r.meta();
        writeln!(
            out,
            "{}  {:<32} {:<8} {}",
            m.code,
            m.name,
            m.level.as_str(),
            m.summary
        )?;
    }
    Ok(())
}

/// A rule's header and its docs.
pub fn explain_rule(m: &RuleMeta, out: &mut dyn Write) -> io::Result<()> {
    let ops: Vec<&str> = m.operations.iter().map(|o| o.as_str()).collect();
    writeln!(
        out,
        "{} {} — default level {}, applies to: {}",
        m.code,
        m.name,
        m.level.as_str(),
        ops.join(", ")
    )?;
    let codes = crate::catalog::codes_for_rule(m.code);
    if !codes.is_empty() {
        writeln!(out, "ASR / ARM error codes: {}", codes.join(", "))?;
    }
    writeln!(out)?;
    write!(out, "{}", m.docs)
}

/// What an ASR error code means, and the rules that catch its cause.
pub fn explain_code(code: &ErrorCode, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{} — {}", code.code, code.title)?;
    writeln!(out)?;
    writeln!(out, "Cause: {}", code.cause)?;
    writeln!(out)?;
    writeln!(out, "Fix: {}", code.fix)?;
    writeln!(out)?;
    if code.rules.is_empty() {
        return writeln!(out, "No preflight rule detects this cause beforehand.");
    }
    writeln!(out, "Detected beforehand by:")?;
    for m in code
        .rules
        .iter()
        .filter_map(|r| rules::lookup(r))
        .map(|r| r.meta())
    {
        writeln!(
            out,
            "  {} {} — {} (asr-preflight explain {})",
            m.code, m.name, m.summary, m.code
        )?;
    }
    Ok(())
}
