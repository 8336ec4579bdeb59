//! Tool failures: the tool could not run (exit 2). Never findings.

use miette::{Diagnostic, MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};
use std::path::PathBuf;
use thiserror::Error;

/// Why the tool could not run.
#[derive(Debug, Error, Diagnostic)]
pub enum Error {
    /// An input path that cannot be read.
    #[error("cannot read `{path}`")]
    #[diagnostic(help("check the path given to --from"))]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// An input that must not be read: not a regular file, or too large.
    #[error("`{}` {message}", path.display())]
    #[diagnostic(help(
        "give --from bundle directories or the JSON and certificate files in them"
    ))]
    Input { path: PathBuf, message: String },

    /// JSON that does not parse, or a field of the wrong type.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Malformed(Box<Malformed>),

    /// A configuration file that cannot be read or says something invalid.
    #[error("`{}`: {message}", path.display())]
    #[diagnostic(help(
        "fix the configuration file (its JSON Schema is asr-preflight.schema.json), name another with --config, or run without one with --no-config"
    ))]
    Config { path: PathBuf, message: String },

    /// A `--baseline` file that is not a report this tool wrote.
    #[error("--baseline `{}` {message}", path.display())]
    #[diagnostic(help(
        "give --baseline a JSON report written by `check --format json` or `check --write-baseline`"
    ))]
    Baseline { path: PathBuf, message: String },

    /// Bad command-line usage the parser could not catch.
    #[error("{0}")]
    Usage(String),

    /// Signing in to Azure failed, or ARM refused the identity.
    #[error("authentication: {0}")]
    #[diagnostic(
        help("sign in (`az login`, or set ASR_PREFLIGHT_TOKEN / a service principal / workload identity; see --auth) with an identity that has the Reader role on the vault and on every subscription its items use")
    )]
    Auth(String),

    /// Live collection could not run: ARM unreachable, the vault not found.
    #[error("{0}")]
    Live(String),

    /// The input holds nothing to report on (no replicated items, no jobs):
    /// `status` and `diagnose` exit 3, as an incomplete `check` does — an
    /// export that lost its items must not look like a quiet vault.
    #[error("{0}")]
    #[diagnostic(
        help("point --from at the exported bundle (the vault's replicationProtectedItems and replicationJobs), or collect it with `asr-preflight collect`")
    )]
    Empty(String),

    /// A defect in the tool (a rule that panicked).
    #[error("internal error: {0}")]
    #[diagnostic(
        help("this is a bug in asr-preflight; the check did not complete, so nothing is known to be ready")
    )]
    Internal(String),

    /// Writing the report to stdout failed.
    #[error("cannot write the report")]
    Output(#[from] std::io::Error),

    /// Writing a file (`-o`, `$GITHUB_STEP_SUMMARY`) failed.
    #[error("cannot write `{}`", path.display())]
    #[diagnostic(help("check that the directory exists and is writable"))]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Malformed input: where, and what was expected.
#[derive(Debug, Error, Diagnostic)]
#[error("{file}:{line}:{column}: {message}")]
#[diagnostic(
    help("fix or re-export this file; every document must be ARM JSON, az CLI JSON output, a Resource Graph result or a REST API example")
)]
pub struct Malformed {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    #[source_code]
    src: Excerpt,
    #[label("{label}")]
    span: SourceSpan,
    label: String,
}

impl Error {
    /// The exit code of a run that ends in this error: 3 for an input with
    /// nothing to report on, else 2 (the tool could not run).
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Empty(_) => 3,
            _ => 2,
        }
    }

    /// Builds a `Malformed` error for `text` (the whole file) from a byte
    /// offset into it.
    pub fn malformed(file: &str, text: &str, offset: usize, message: String) -> Error {
        // serde quotes the offending value: a 500 MB string must not come back whole.
        let message = crate::text::excerpt(&message, 400);
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let (line, column) = line_col(text, offset);
        let label = short_label(&message);
        let len = text[offset..].chars().next().map_or(0, char::len_utf8);
        let (src, at) = Excerpt::around(file, text, offset, line - 1, column);
        Error::Malformed(Box::new(Malformed {
            file: file.to_string(),
            line,
            column,
            message,
            src,
            span: (at, len).into(),
            label,
        }))
    }
}

/// The lines around an error, for the snippet: a few lines either side,
/// long lines clipped (minified JSON is one line of megabytes), shown with
/// the file's real line numbers.
#[derive(Debug)]
struct Excerpt {
    name: String,
    text: String,
    /// The file's 0-based line where `text` begins.
    first_line: usize,
    /// The error's place: its line and byte column in `text`, and its real
    /// 0-based column in the file (in characters, as in the message), so
    /// that the snippet's header agrees with the message on a clipped line.
    error_at: (usize, usize, usize),
}

impl Excerpt {
    /// Lines kept either side of the error line.
    const CONTEXT: usize = 2;
    /// Characters kept of a long line (around the error on its own line).
    const WIDTH: usize = 120;

    /// The excerpt around byte `offset` (on 0-based line `line`) and the
    /// offset's position in it.
    fn around(
        file: &str,
        text: &str,
        offset: usize,
        line: usize,
        column: usize,
    ) -> (Excerpt, usize) {
        let first_line = line.saturating_sub(Self::CONTEXT);
        let mut out = String::new();
        let mut at = 0;
        let mut error_column = 0;
        let mut start = 0;
        for (i, l) in text.split_inclusive('\n').enumerate() {
            let end = start + l.len();
            if i > line + Self::CONTEXT {
                break;
            }
            if i >= first_line {
                let body = l.trim_end_matches(['\r', '\n']);
                if i == line {
                    let (clipped, pos) = clip_around(body, offset - start);
                    at = out.len() + pos;
                    error_column = pos;
                    out.push_str(&clipped);
                } else {
                    out.push_str(&clip_around(body, 0).0);
                }
                out.push('\n');
            }
            start = end;
        }
        let excerpt = Excerpt {
            name: file.to_string(),
            text: out,
            first_line,
            error_at: (line - first_line, error_column, column - 1),
        };
        (excerpt, at)
    }
}

/// `line` cut to about `Excerpt::WIDTH` characters around byte `pos`, with
/// `…` where it was cut, and `pos`'s place in the result.
fn clip_around(line: &str, pos: usize) -> (String, usize) {
    if line.chars().count() <= Excerpt::WIDTH {
        return (line.to_string(), pos);
    }
    let boundary = |mut i: usize| {
        i = i.min(line.len());
        while !line.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let from = boundary(pos.saturating_sub(Excerpt::WIDTH / 2));
    let to = boundary(from + Excerpt::WIDTH);
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    let at = out.len() + (pos - from);
    out.push_str(&line[from..to]);
    if to < line.len() {
        out.push('…');
    }
    (out, at)
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        let (line, column, real) = self.error_at;
        let column = if (inner.line(), inner.column()) == (line, column) {
            real
        } else {
            inner.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            column,
            inner.line_count(),
        )))
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
    fn long_lines_are_clipped_around_the_error_on_character_boundaries() {
        let line = "é".repeat(300);
        let pos = line.char_indices().nth(150).unwrap().0;
        let (clipped, at) = clip_around(&line, pos);
        assert!(
            clipped.starts_with('…') && clipped.ends_with('…'),
            "{clipped}"
        );
        assert!(clipped.chars().count() <= Excerpt::WIDTH + 2);
        assert_eq!(&clipped[at..at + 2], "é");
        let (short, at) = clip_around("short", 2);
        assert_eq!((short.as_str(), at), ("short", 2));
    }

    #[test]
    fn the_excerpt_keeps_real_line_numbers() {
        let text: String = (1..=20).map(|i| format!("line {i}\n")).collect();
        let offset = text.find("line 10").unwrap();
        let (excerpt, at) = Excerpt::around("f.json", &text, offset, 9, 1);
        assert_eq!(excerpt.first_line, 7);
        assert_eq!(excerpt.text, "line 8\nline 9\nline 10\nline 11\nline 12\n");
        assert_eq!(&excerpt.text[at..at + 7], "line 10");
        let contents = excerpt.read_span(&(at, 1).into(), 0, 0).unwrap();
        assert_eq!((contents.line(), contents.column()), (9, 0));
    }

    #[test]
    fn line_col_roundtrip() {
        let text = "{\n  \"a\": 1,\n  \"é\": x\n}";
        let off = text.find('x').unwrap();
        assert_eq!(line_col(text, off), (3, 8), "columns count characters");
        // serde counts bytes: `é` is two
        assert_eq!(serde_offset(text, 3, 9), off);
    }
}
