//! Renderers: the only code that writes a report. One file per format; the
//! `Format → renderer` mapping lives here, once.

pub mod diagnosis;
pub mod estimate;
mod human;
mod json;
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
        }
    }
}
