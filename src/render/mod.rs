//! Renderers: the only code that writes a report. One file per format; the
//! `Format → renderer` mapping lives here, once.

pub mod catalog;
pub mod diagnosis;
pub mod estimate;
mod github;
mod human;
mod json;
mod junit;
mod markdown;
mod sarif;
pub mod status;

use crate::report::Report;
use std::io::{self, Write};

pub use human::wrap;

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
}

/// Writes a report in one format.
pub trait Renderer {
    fn render(&self, report: &Report, w: &mut dyn Write) -> io::Result<()>;
}

impl Format {
    /// The renderer for this format; `color` applies to human output only.
    pub fn renderer(self, color: bool) -> Box<dyn Renderer> {
        match self {
            Format::Human => Box::new(human::Human { color }),
            Format::Json => Box::new(json::Json),
            Format::Sarif => Box::new(sarif::Sarif),
            Format::Junit => Box::new(junit::Junit),
            Format::Github => Box::new(github::Github),
            Format::Markdown => Box::new(markdown::Markdown),
        }
    }
}
