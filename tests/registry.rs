//! The rule catalog's invariants: codes and names unique and well formed,
//! docs present with the fixed headings, fixtures on both sides, and the
//! README's catalog generated from the registry.

mod common;

use asr_preflight::rules::RULES;
use std::collections::BTreeSet;

const HEADINGS: &[&str] = &[
    "## What it checks",
    "## Why it blocks",
    "## How to fix",
    "## ASR error codes",
    "## References",
];

#[test]
fn codes_and_names_are_unique_and_well_formed() {
    let mut codes = BTreeSet::new();
    let mut names = BTreeSet::new();
    for r in RULES {
        let m = r.meta();
        assert!(codes.insert(m.code), "duplicate code {}", m.code);
        assert!(names.insert(m.name), "duplicate name {}", m.name);
        assert!(
            m.code.len() == 6
                && m.code.starts_with("ASR")
                && m.code[3..].chars().all(|c| c.is_ascii_digit()),
            "bad code {}",
            m.code
        );
        assert!(
            m.name.chars().all(|c| c.is_ascii_lowercase() || c == '-') && !m.name.starts_with('-'),
            "name is not kebab-case: {}",
            m.name
        );
        assert!(
            !m.operations.is_empty(),
            "{} applies to no operation",
            m.code
        );
        assert!(!m.summary.is_empty(), "{} has no summary", m.code);
    }
    let listed: Vec<&str> = RULES.iter().map(|r| r.meta().code).collect();
    let mut sorted = listed.clone();
    sorted.sort_unstable();
    assert_eq!(listed, sorted, "RULES must be ordered by code");
}

#[test]
fn every_rule_has_docs_with_the_fixed_headings() {
    for r in RULES {
        let m = r.meta();
        assert!(
            m.docs.starts_with(&format!("# {} {}", m.code, m.name)),
            "{}: docs must start with `# {} {}`",
            m.name,
            m.code,
            m.name
        );
        let mut at = 0;
        for h in HEADINGS {
            let found = m.docs[at..]
                .find(h)
                .unwrap_or_else(|| panic!("{}: docs lack `{h}` (in order)", m.name));
            at += found + h.len();
        }
    }
}

#[test]
fn every_rule_has_failing_and_passing_fixtures() {
    for r in RULES {
        let m = r.meta();
        let dir = common::root().join("rules").join(m.name);
        let cases: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_dir())
            .map(|e| e.file_name().to_string_lossy().to_string())
            .collect();
        assert!(
            cases.iter().any(|c| c.starts_with("fail-")),
            "{}: no fail-* fixture",
            m.name
        );
        assert!(
            cases.iter().any(|c| c.starts_with("pass-")),
            "{}: no pass-* fixture",
            m.name
        );
    }
}

#[test]
fn readme_catalog_is_generated_from_the_registry() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).expect("README.md");
    let table = asr_preflight::rules_markdown();
    assert!(
        readme.contains(&table),
        "README.md's rule catalog is out of date; replace it with the output of `asr-preflight rules --format markdown`:\n{table}"
    );
}

#[test]
fn explain_finds_rules_by_code_and_name() {
    for r in RULES {
        let m = r.meta();
        for key in [
            m.code.to_string(),
            m.name.to_string(),
            m.code.to_lowercase(),
        ] {
            let (code, out) = common::run(&["explain".to_string(), key.clone()]);
            assert_eq!(code, 0, "explain {key}");
            assert!(out.contains(m.docs), "explain {key} prints the docs");
        }
    }
}

#[test]
fn lock_docs_show_the_impact_table() {
    use asr_preflight::model::Operation;
    use asr_preflight::rules::lock::{impacts, lock_blocks_operation::META};
    for op in Operation::ALL {
        for impact in impacts(*op) {
            let action = format!("{:?}", impact.action).to_lowercase();
            assert!(
                META.docs
                    .lines()
                    .any(|l| l.starts_with(&format!("| {} ", op.as_str()))
                        && l.contains(&format!("| {action} |"))),
                "ASR501's docs lack the row `{} … {action}` of rules/operation-impact.json",
                op.as_str()
            );
        }
    }
}

fn explain(key: &str) -> (u8, String) {
    common::run(&["explain".to_string(), key.to_string()])
}

/// The error codes a text mentions, as whole words, among the catalog's.
fn codes_mentioned(text: &str) -> BTreeSet<String> {
    asr_preflight::catalog::codes()
        .iter()
        .filter(|c| {
            text.match_indices(c.code.as_str()).any(|(at, m)| {
                let before = text[..at].chars().next_back();
                let after = text[at + m.len()..].chars().next();
                !before.is_some_and(|b| b.is_alphanumeric())
                    && !after.is_some_and(|a| a.is_alphanumeric())
            })
        })
        .map(|c| c.code.clone())
        .collect()
}

#[test]
fn the_error_code_catalog_is_the_one_source_of_the_rule_code_links() {
    let catalog = asr_preflight::catalog::codes();
    for code in catalog {
        for rule in &code.rules {
            assert!(
                asr_preflight::rules::lookup(rule).is_some(),
                "{} names {rule}, which is not a rule",
                code.code
            );
        }
        // `explain <code>` names every rule the catalog links.
        let (status, out) = explain(&code.code);
        assert_eq!(status, 0);
        for rule in &code.rules {
            assert!(
                out.contains(rule.as_str()),
                "explain {} lacks {rule}: {out}",
                code.code
            );
        }
    }
    for r in RULES {
        let m = r.meta();
        let want: BTreeSet<String> = asr_preflight::catalog::codes_for_rule(m.code)
            .into_iter()
            .map(str::to_string)
            .collect();
        // The rule's docs list exactly those codes under "ASR error codes".
        let section = m
            .docs
            .split("## ASR error codes")
            .nth(1)
            .and_then(|s| s.split("\n## ").next())
            .unwrap_or_else(|| panic!("{} has no ASR error codes section", m.code));
        assert_eq!(
            codes_mentioned(section),
            want,
            "{} docs vs the catalog",
            m.code
        );
        // `explain <rule>` lists them too.
        let (_, out) = explain(m.code);
        for c in &want {
            assert!(
                out.lines().next().is_some() && out.contains(c.as_str()),
                "explain {} lacks {c}",
                m.code
            );
        }
    }
}

#[test]
fn explain_says_what_microsoft_says_of_the_agent_and_entra_codes() {
    let (_, out) = explain("151137");
    assert!(out.contains("9.35 only"), "{out}");
    assert!(
        !out.contains("ASR406"),
        "151137 is not cured by an agent update: {out}"
    );
    let (_, out) = explain("151196");
    assert!(
        out.contains("Microsoft Entra ID") && out.contains("not a certificate problem"),
        "{out}"
    );
    assert!(!out.contains("ASR301"), "{out}");
    let (_, out) = explain("151083");
    assert!(
        out.contains("finished with warnings") && out.contains("warning only"),
        "{out}"
    );
    assert!(!out.to_lowercase().contains("restart"), "{out}");
}

#[test]
fn the_declared_msrv_covers_every_locked_crate() {
    // `cargo metadata` is what cargo itself reads: no crate in the lock file
    // may need a newer Rust than `rust-version` (and the README) promise.
    let out = std::process::Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--offline"])
        .current_dir(common::root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let parse = |v: &str| -> Vec<u32> {
        let mut p: Vec<u32> = v.split('.').map(|x| x.parse().unwrap_or(0)).collect();
        p.resize(3, 0); // `1.89` is `1.89.0`
        p
    };
    let ours = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "asr-preflight")
        .and_then(|p| p["rust_version"].as_str())
        .map(parse)
        .expect("rust-version is declared");
    for p in meta["packages"].as_array().unwrap() {
        if let Some(v) = p["rust_version"].as_str() {
            assert!(parse(v) <= ours, "{} needs Rust {v}", p["name"]);
        }
    }
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    assert!(
        readme.contains(&format!("({}.{} or newer", ours[0], ours[1])),
        "README states the MSRV"
    );
}
