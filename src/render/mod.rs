//! Renderers: the only code that writes a report. One file per format; the
//! `Format → renderer` mapping lives here, once.

pub mod catalog;
pub mod diagnosis;
pub mod estimate;
mod github;
mod html;
mod human;
mod json;
mod junit;
mod markdown;
mod sarif;
pub mod status;

use crate::report::Report;
use std::io::{self, Write};

pub use human::wrap;
pub use human::WIDTH as HUMAN_WIDTH;
pub use json::VERSION as JSON_VERSION;

/// An output format of `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Readable text: each finding with its evidence and fix, then a verdict.
    Human,
    /// The versioned JSON report (the contract in the README).
    Json,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// JUnit XML (Azure Pipelines PublishTestResults, GitLab, Jenkins).
    Junit,
    /// GitHub Actions annotations; the Markdown report also goes to $GITHUB_STEP_SUMMARY.
    Github,
    /// A Markdown readiness report.
    Markdown,
    /// A self-contained HTML readiness report (charts, a table that sorts
    /// and filters; no external files).
    Html,
}

/// Writes a report in one format.
pub trait Renderer {
    fn render(&self, report: &Report, w: &mut dyn Write) -> io::Result<()>;
}

impl Format {
    /// The renderer for this format; `color` applies to human output only.
    pub fn renderer(self, color: bool) -> Box<dyn Renderer> {
        self.renderer_for(color, human::WIDTH)
    }

    /// As `renderer`, wrapping human output at `width` columns (a terminal's).
    pub fn renderer_for(self, color: bool, width: usize) -> Box<dyn Renderer> {
        match self {
            Format::Human => Box::new(Escaped(human::Human {
                color,
                width: width.clamp(60, 200),
            })),
            Format::Json => Box::new(json::Json),
            Format::Sarif => Box::new(sarif::Sarif),
            Format::Junit => Box::new(junit::Junit),
            Format::Github => Box::new(Escaped(github::Github)),
            Format::Markdown => Box::new(Escaped(markdown::Markdown)),
            Format::Html => Box::new(html::Html),
        }
    }
}

/// Where a finding points in the repository: the file of its first
/// evidence that is a file (a bundle file under the report's
/// `artifact_prefix`, or a local file such as the configuration by its own
/// path), and the line when known. Findings without one point at the
/// bundle's `manifest.json`.
fn artifact(report: &Report, f: &crate::finding::Finding) -> (String, Option<u32>) {
    let (source, local, line) = f
        .evidence
        .iter()
        .find(|e| e.is_file)
        .map_or(("manifest.json", false, None), |e| {
            (e.source.as_str(), e.local, e.line)
        });
    let source = source.replace('\\', "/");
    let path = if local || report.artifact_prefix.is_empty() {
        source
    } else {
        format!("{}/{source}", report.artifact_prefix)
    };
    (path, line)
}

/// A renderer for people (a terminal, a CI log, a Markdown page): every
/// text that comes from the data has its control characters escaped first,
/// so an ESC, BEL, CR or newline in a VM name or an error message can neither
/// steer the terminal nor break a line of the report. (JSON and SARIF escape
/// them by their own rules; JUnit drops what XML 1.0 forbids.)
struct Escaped<R>(R);

impl<R: Renderer> Renderer for Escaped<R> {
    fn render(&self, report: &Report, w: &mut dyn Write) -> io::Result<()> {
        self.0.render(&escape_report(report), w)
    }
}

fn escape_report(report: &Report) -> Report {
    let e = |s: &mut String| {
        if let std::borrow::Cow::Owned(o) = crate::text::escape_controls(s) {
            *s = o;
        }
    };
    let mut r = report.clone();
    for f in &mut r.findings {
        e(&mut f.message);
        e(&mut f.help);
        e(&mut f.subject.name);
        let atom = |a: &mut crate::model::Atom| {
            if let std::borrow::Cow::Owned(o) = crate::text::escape_controls(a) {
                *a = crate::model::Atom::from(o);
            }
        };
        atom(&mut f.subject.id);
        if let Some(v) = &mut f.subject.vault {
            atom(v);
        }
        f.subject.vaults.iter_mut().for_each(e);
        for ev in &mut f.evidence {
            e(&mut ev.fact);
            e(&mut ev.source);
        }
    }
    r.notices.iter_mut().for_each(e);
    if let Some(p) = &mut r.plan {
        e(p);
    }
    for row in &mut r.capacity {
        e(&mut row.region);
        e(&mut row.quota);
    }
    for v in &mut r.vaults {
        e(&mut v.id);
        e(&mut v.regions);
    }
    r
}

/// The vault a finding is about, by name: its own, the vaults sharing it,
/// or `—` for what concerns no vault (the bundle, a subscription).
fn vault_label(f: &crate::finding::Finding) -> String {
    let name = |v: &str| crate::model::ResourceId::new(v).name().to_string();
    match (&f.subject.vault, f.subject.vaults.as_slice()) {
        (Some(v), _) => name(v),
        (None, []) => "—".to_string(),
        (None, many) => many.iter().map(|v| name(v)).collect::<Vec<_>>().join(", "),
    }
}
