//! GitHub Actions workflow commands: one annotation per finding
//! (`::error`, `::warning`, `::notice`) and a closing verdict line. The
//! Markdown report goes to `$GITHUB_STEP_SUMMARY` (written by `lib`, which
//! owns the environment).

use super::Renderer;
use crate::finding::Level;
use crate::report::Report;
use std::io::{self, Write};

pub struct Github;

/// Escapes a workflow command's message.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn prop(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

impl Renderer for Github {
    fn render(&self, report: &Report, w: &mut dyn Write) -> io::Result<()> {
        for f in &report.findings {
            let cmd = match f.level {
                Level::Error => "error",
                Level::Warning => "warning",
                Level::Info => "notice",
            };
            let file = match super::artifact(report, f) {
                (path, Some(line)) => format!("file={},line={line},", prop(&path)),
                (path, None) => format!("file={},", prop(&path)),
            };
            writeln!(
                w,
                "::{cmd} {file}title={}::{}",
                prop(&format!(
                    "{} {} — {} ({})",
                    f.code,
                    f.name,
                    f.subject.name,
                    f.operation.as_str()
                )),
                data(&format!("{}\nFix: {}", f.message, f.help))
            )?;
        }
        let s = report.summary();
        writeln!(
            w,
            "{} checked {}{}: {}",
            crate::text::count(s.items, "item", "items"),
            report.operation_phrase(),
            report.unchecked_phrase(),
            report.verdict_tail(&|_, t| t.to_string())
        )
    }
}
