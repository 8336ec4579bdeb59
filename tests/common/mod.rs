//! Shared test helpers: run the CLI in-process, read fixture arguments.

#![allow(dead_code)]

use clap::Parser;
use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `asr-preflight <args>` in-process; returns the exit code and stdout
/// (or the error's text for exit 2).
pub fn run(args: &[String]) -> (u8, String) {
    let mut full = vec!["asr-preflight".to_string()];
    full.extend(args.iter().cloned());
    let cli = asr_preflight::cli::Cli::try_parse_from(&full).expect("arguments parse");
    let mut out = Vec::new();
    match asr_preflight::run(cli, &mut out) {
        Ok(code) => (code, String::from_utf8(out).expect("utf-8 output")),
        Err(e) => (2, e.to_string()),
    }
}

/// The extra arguments of a fixture (`check.args`, one per line).
pub fn fixture_args(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("check.args"))
        .map(|s| {
            s.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Runs `check` on a bundle with the given format and extra arguments.
pub fn check(dir: &Path, format: &str, extra: &[String]) -> (u8, String) {
    let mut args = vec![
        "check".to_string(),
        "--from".to_string(),
        dir.display().to_string(),
        "--format".to_string(),
        format.to_string(),
        "--color".to_string(),
        "never".to_string(),
    ];
    args.extend(extra.iter().cloned());
    run(&args)
}

/// insta settings: snapshots in the top-level `snapshots/` folder.
pub fn insta_settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(root().join("snapshots"));
    s.set_prepend_module_to_snapshot(false);
    s
}
