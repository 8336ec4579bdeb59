//! The pipeline features: fingerprints, the configuration file and its
//! acceptances, baselines, SARIF and annotation paths, completions and the
//! man page, and the CI examples in `examples/ci/`.

mod common;

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

const NOW: &str = "2026-11-22T12:00:00Z";

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

fn json_of(out: &str) -> Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
}

/// Every fixture directory of every rule, and the examples.
fn bundles() -> Vec<(PathBuf, Vec<String>)> {
    let mut v = Vec::new();
    for r in asr_preflight::rules::RULES {
        let dir = common::root().join("rules").join(r.meta().name);
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            if e.path().is_dir() {
                v.push((e.path(), common::fixture_args(&e.path())));
            }
        }
    }
    for ex in ["examples/contoso", "examples/hyperv"] {
        v.push((common::root().join(ex), s(&["--now", NOW])));
    }
    v.sort();
    v
}

#[test]
fn fingerprints_tell_every_finding_of_a_report_apart() {
    let mut seen = 0;
    let mut shared = Vec::new();
    for (dir, args) in bundles() {
        for op in [
            "next",
            "test-failover",
            "failover",
            "commit",
            "reprotect",
            "failback",
        ] {
            let mut extra = args.clone();
            if !extra.iter().any(|a| a == "--operation") {
                extra.extend(s(&["--operation", op]));
            }
            let (code, out) = common::check(&dir, "json", &extra);
            if code == 2 {
                continue;
            }
            let report = json_of(&out);
            let mut by_fp: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for f in report["findings"].as_array().unwrap() {
                let fp = f["fingerprint"].as_str().unwrap().to_string();
                assert_eq!(fp.len(), 32, "{fp}");
                by_fp.entry(fp).or_default().push(format!(
                    "{} {} — {}",
                    f["code"], f["subject"]["name"], f["message"]
                ));
                seen += 1;
            }
            for (fp, list) in by_fp {
                if list.len() > 1 {
                    shared.push(format!(
                        "{} ({op}): {fp}:\n  {}",
                        dir.display(),
                        list.join("\n  ")
                    ));
                }
            }
        }
    }
    assert!(
        shared.is_empty(),
        "findings share a fingerprint:\n{}",
        shared.join("\n")
    );
    assert!(seen > 100, "only {seen} findings looked at");
}
