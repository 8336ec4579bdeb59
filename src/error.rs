//! Tool failures: the tool could not run (exit 2). Never findings.

use miette::{Diagnostic, NamedSource, SourceSpan};
use std::path::PathBuf;
use thiserror::Error;

/// Why the tool could not run.
#[derive(Debug, Error, Diagnostic)]
pub enum Error {
    /// An input path that cannot be read.
    #[error("cannot read `{path}`")]
    #[diagnostic(code(asr_preflight::load::io), help("check the path given to --from"))]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// JSON that does not parse, or a field of the wrong type.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Malformed(Box<Malformed>),

    /// `manifest.json` says something impossible.
    #[error("{file}: {message}")]
    #[diagnostic(code(asr_preflight::load::manifest))]
    Manifest { file: String, message: String },

    /// Bad command-line usage the parser could not catch.
    #[error("{0}")]
    #[diagnostic(code(asr_preflight::usage))]
    Usage(String),

    /// A defect in the tool (a rule that panicked).
    #[error("internal error: {0}")]
    #[diagnostic(
        code(asr_preflight::internal),
        help("this is a bug in asr-preflight; the check did not complete, so nothing is known to be ready")
    )]
    Internal(String),

    /// Writing the report failed.
    #[error("cannot write the report: {0}")]
    #[diagnostic(code(asr_preflight::output))]
    Output(#[from] std::io::Error),
}

/// Malformed input: where, and what was expected.
#[derive(Debug, Error, Diagnostic)]
#[error("{file}:{line}:{column}: {message}")]
#[diagnostic(
    code(asr_preflight::load::malformed),
    help("fix or re-export this file; every document must be ARM JSON, az CLI JSON output, a Resource Graph result or a REST API example")
)]
pub struct Malformed {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    #[source_code]
    src: NamedSource<String>,
    #[label("{label}")]
    span: SourceSpan,
    label: String,
}

impl Error {
    /// Builds a `Malformed` error for `text` (the whole file) from a byte
    /// offset into it.
    pub fn malformed(file: &str, text: &str, offset: usize, message: String) -> Error {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let (line, column) = line_col(text, offset);
        let label = short_label(&message);
        // Keep the snippet small: the source is the whole file, miette shows
        // only the lines around the span.
        let len = text[offset..].chars().next().map_or(0, char::len_utf8);
        Error::Malformed(Box::new(Malformed {
            file: file.to_string(),
            line,
            column,
            message,
            src: NamedSource::new(file, text.to_string()),
            span: (offset, len).into(),
            label,
        }))
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Byte offset of serde_json's 1-based line and (byte) column in `text`;
/// line 0 (errors with no position) is the start.
pub fn serde_offset(text: &str, line: usize, column: usize) -> usize {
    if line == 0 {
        return 0;
    }
    let mut off = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let mut at = off + column.saturating_sub(1).min(l.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            return at;
        }
        off += l.len();
    }
    text.len().saturating_sub(1)
}

fn short_label(message: &str) -> String {
    // serde's messages end with " at line L column C"; the label needs none of it
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_roundtrip() {
        let text = "{\n  \"a\": 1,\n  \"é\": x\n}";
        let off = text.find('x').unwrap();
        assert_eq!(line_col(text, off), (3, 8), "columns count characters");
        // serde counts bytes: `é` is two
        assert_eq!(serde_offset(text, 3, 9), off);
    }
}
