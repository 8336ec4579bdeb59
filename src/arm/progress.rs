//! Progress of a collection on stderr: requests done of planned, items
//! found. Shown only on a terminal and without `--quiet`; otherwise nothing
//! is drawn (CI logs stay clean).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

#[derive(Clone)]
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A bar on stderr when it is a terminal and `quiet` is off; hidden otherwise.
    pub fn new(quiet: bool) -> Progress {
        let target = if !quiet && std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(Some(0), target);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} collecting [{bar:30}] {pos}/{len} requests, {msg} ({elapsed})",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar.set_message("0 items");
        Progress { bar }
    }

    pub fn planned(&self, n: u64) {
        self.bar.inc_length(n);
    }

    pub fn done(&self, n: u64) {
        self.bar.inc(n);
    }

    pub fn items(&self, n: usize) {
        self.bar.set_message(format!("{n} items"));
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// Warnings of a live run, on stderr (they are also in the manifest and,
/// as ASR901, in the report).
pub fn warn(lines: &[String]) {
    use std::io::Write;
    let mut err = std::io::stderr().lock();
    for l in lines {
        let _ = writeln!(err, "warning: {l}");
    }
}

/// One line of information on stderr (stdout stays the report's).
pub fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}
