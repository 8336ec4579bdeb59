//! Every rule, alone, on each of its fixtures (`rules/<name>/{fail,missing,pass}-*/`):
//! `pass-*` yields no finding (but accepted ones), `fail-*` at least one of the rule's own code,
//! `missing-*` at least one ASR901; the real output is snapshotted.

mod common;

use asr_preflight::rules::RULES;
use std::path::PathBuf;

fn fixtures(name: &str) -> Vec<PathBuf> {
    let dir = common::root().join("rules").join(name);
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

#[test]
fn every_rule_behaves_on_its_fixtures() {
    let settings = common::insta_settings();
    let mut failures = Vec::new();
    for rule in RULES {
        let meta = rule.meta();
        for dir in fixtures(meta.name) {
            let case = dir.file_name().unwrap().to_string_lossy().to_string();
            let mut extra = common::fixture_args(&dir);
            extra.extend(["--rule".to_string(), meta.code.to_string()]);
            let (code, json) = common::check(&dir, "json", &extra);
            assert_ne!(
                code, 2,
                "{}/{case}: the tool could not run: {json}",
                meta.name
            );
            let report: serde_json::Value = serde_json::from_str(&json).expect("json report");
            let codes: Vec<&str> = report["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["code"].as_str().unwrap())
                .collect();
            let accepted = report["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["accepted"] == true)
                .count();
            let ok = if case.starts_with("pass-") {
                codes.len() == accepted && code == 0
            } else if case.starts_with("fail-") {
                codes.contains(&meta.code)
                    && codes.iter().all(|c| *c == meta.code || *c == "ASR901")
            } else if case.starts_with("missing-") {
                codes.contains(&"ASR901") && code != 0
            } else {
                panic!(
                    "{}/{case}: fixture names start with pass-, fail- or missing-",
                    meta.name
                )
            };
            if !ok {
                failures.push(format!(
                    "{}/{case}: exit {code}, findings {codes:?}",
                    meta.name
                ));
            }
            // Every finding in full: the snapshot shows each one's evidence.
            let mut all = extra.clone();
            all.extend(["--details".to_string(), "all".to_string()]);
            let (hcode, human) = common::check(&dir, "human", &all);
            assert_eq!(
                hcode, code,
                "{}/{case}: human and JSON runs disagree",
                meta.name
            );
            settings.bind(|| {
                insta::assert_snapshot!(
                    format!("rules__{}@{case}", meta.name),
                    format!("exit: {code}\n\n{human}\n{json}")
                );
            });
        }
    }
    assert!(
        failures.is_empty(),
        "fixtures that misbehave:\n{}",
        failures.join("\n")
    );
}
