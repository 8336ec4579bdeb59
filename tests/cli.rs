//! End to end on the binary: the example estate, exit codes, the JSON
//! contract, determinism, input errors.

mod common;

use assert_cmd::Command;
use std::path::PathBuf;

const NOW: &str = "2026-11-22T12:00:00Z";

fn bin() -> Command {
    let mut c = Command::cargo_bin("asr-preflight").unwrap();
    c.env_remove("NO_COLOR");
    c
}

fn example() -> PathBuf {
    common::root().join("examples/contoso")
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = bin().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn example_estate_is_not_ready_and_names_the_problem_items() {
    let ex = example();
    let check = |extra: &[&str]| {
        let mut a = vec!["check", "--from", ex.to_str().unwrap(), "--now", NOW];
        a.extend_from_slice(extra);
        run(&a)
    };
    let block_of = |out: &str, code: &str, vm: &str| -> Option<String> {
        out.split("\n\n")
            .find(|b| b.contains(&format!("[{code}]")) && b.contains(&format!("`{vm}`")))
            .map(str::to_string)
    };
    let (code, out, _) = check(&[]);
    assert_eq!(code, 1, "{out}");
    // By default what blocks is shown in full, with its fix ...
    for (code, vm, fix) in [
        ("ASR403", "app-02", "Cleanup test failover"),
        ("ASR201", "app-01", "Enable replication of the disk"),
    ] {
        let block = block_of(&out, code, vm)
            .unwrap_or_else(|| panic!("no {code} finding for {vm} in:\n{out}"));
        assert!(
            block.contains(fix),
            "{code} for {vm} lacks its fix:\n{block}"
        );
    }
    // ... and a warning has its rule line, naming the VM, but no block.
    assert!(block_of(&out, "ASR401", "batch-01").is_none(), "{out}");
    let line = out
        .lines()
        .find(|l| l.contains("ASR401 failover-not-committed"))
        .unwrap_or_else(|| panic!("no ASR401 rule line:\n{out}"));
    assert!(
        line.contains("warning") && line.contains("batch-01"),
        "{line}"
    );
    // The verdict first and last.
    assert!(out.starts_with("12 items checked"), "{out}");
    assert!(out.trim_end().ends_with("NOT READY"));
    // --details all: every finding in full; none: no finding in full.
    let (_, all, _) = check(&["--details", "all"]);
    let block = block_of(&all, "ASR401", "batch-01").expect("ASR401 in full");
    assert!(block.contains("Commit the failover"), "{block}");
    let (code, none, _) = check(&["--details", "none"]);
    assert_eq!(code, 1);
    assert!(
        !none.contains("= fix:") && none.contains("rules that fired (16 findings):"),
        "{none}"
    );
    // --max-per-rule 1 keeps one ASR405 of two in full and names the other.
    let (_, one, _) = check(&["--details", "all", "--max-per-rule", "1"]);
    assert!(
        one.contains("… and 1 more ASR405 (1 shown in full; --max-per-rule 0 for all): "),
        "{one}"
    );
}

#[test]
fn example_human_output_snapshot() {
    let ex = example();
    let (_, out, _) = run(&[
        "check",
        "--from",
        ex.to_str().unwrap(),
        "--now",
        NOW,
        "--color",
        "never",
    ]);
    common::insta_settings().bind(|| insta::assert_snapshot!("cli__example_human", out));
}

#[test]
fn json_report_follows_the_contract_and_is_deterministic() {
    let ex = example();
    let args = [
        "check",
        "--from",
        ex.to_str().unwrap(),
        "--now",
        NOW,
        "--format",
        "json",
    ];
    let (code, a, _) = run(&args);
    let (_, b, _) = run(&args);
    assert_eq!(code, 1);
    assert_eq!(a, b, "two runs must give the same bytes");
    let v: serde_json::Value = serde_json::from_str(&a).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["tool"]["name"], "asr-preflight");
    assert_eq!(v["tool"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(v["operation"], "next");
    for k in ["items", "blocking", "warnings", "incomplete", "ready"] {
        assert!(!v["summary"][k].is_null(), "summary.{k}");
    }
    assert_eq!(v["summary"]["items"], 12);
    assert_eq!(v["summary"]["ready"], false);
    let findings = v["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for f in findings {
        for k in ["code", "name", "level", "operation", "message", "help"] {
            assert!(f[k].is_string(), "finding.{k} in {f}");
        }
        for k in ["id", "name", "type"] {
            assert!(f["subject"][k].is_string(), "subject.{k} in {f}");
        }
        let ev = f["evidence"].as_array().unwrap();
        assert!(!ev.is_empty(), "every finding has evidence: {f}");
        for e in ev {
            assert!(e["fact"].is_string() && e["source"].is_string());
        }
        assert!(["error", "warning", "info"].contains(&f["level"].as_str().unwrap()));
    }
    common::insta_settings().bind(|| insta::assert_snapshot!("cli__example_json", a));
}

#[test]
fn operation_scopes_the_check() {
    let ex = example();
    let (code, out, _) = run(&[
        "check",
        "--from",
        ex.to_str().unwrap(),
        "--now",
        NOW,
        "--operation",
        "reprotect",
        "--vm",
        "batch-01",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["summary"]["items"], 1);
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"ASR401"), "{codes:?}");
    assert!(
        !codes.contains(&"ASR402"),
        "ASR401 explains it; ASR402 stays quiet"
    );
}

#[test]
fn a_ready_item_exits_zero() {
    let ex = example();
    let (code, out, _) = run(&[
        "check",
        "--from",
        ex.to_str().unwrap(),
        "--now",
        NOW,
        "--vm",
        "web-01",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.trim_end().ends_with("READY"));
}

#[test]
fn vm_by_full_id_in_another_case() {
    let ex = example();
    let id = "/SUBSCRIPTIONS/6f1c3a52-8d4e-4b7a-9c21-3e5f7a9b0d14/resourceGroups/RG-WEB-PROD/providers/Microsoft.Compute/virtualMachines/WEB-01";
    let (code, out, _) = run(&[
        "check",
        "--from",
        ex.to_str().unwrap(),
        "--now",
        NOW,
        "--vm",
        id,
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("\"items\": 1"));
}

#[test]
fn plan_scopes_to_its_members() {
    let ex = example();
    let (code, out, _) = run(&[
        "check",
        "--from",
        ex.to_str().unwrap(),
        "--now",
        NOW,
        "--plan",
        "contoso-web-tier",
        "--operation",
        "failover",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["summary"]["items"], 5);
    assert_eq!(v["plan"], "contoso-web-tier");
    let (code, _, err) = run(&[
        "check",
        "--from",
        ex.to_str().unwrap(),
        "--plan",
        "no-such-plan",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("contoso-web-tier"),
        "lists the plans that exist: {err}"
    );
}

#[test]
fn fail_on_levels() {
    let ex = example();
    let base = [
        "check",
        "--from",
        ex.to_str().unwrap(),
        "--now",
        NOW,
        "--vm",
        "dc-01",
    ];
    // dc-01 only has an RPO warning
    assert_eq!(run(&base).0, 0);
    assert_eq!(run(&[&base[..], &["--fail-on", "warning"]].concat()).0, 1);
    let ex2 = example();
    assert_eq!(
        run(&[
            "check",
            "--from",
            ex2.to_str().unwrap(),
            "--now",
            NOW,
            "--fail-on",
            "never"
        ])
        .0,
        0
    );
}

fn bundle(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

fn example_items() -> String {
    std::fs::read_to_string(example().join("replicated-items.json")).unwrap()
}

#[test]
fn truncated_json_is_exit_2_with_file_line_and_column() {
    let text = example_items();
    let cut = &text[..text.len() / 2];
    let dir = bundle(&[("replicated-items.json", cut)]);
    let (code, out, err) = run(&["check", "--from", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2, "{out}");
    let lines = cut.lines().count();
    assert!(
        err.contains(&format!("replicated-items.json:{lines}:")),
        "names file:line:column: {err}"
    );
    assert!(err.contains("EOF"), "says what was expected: {err}");
}

#[test]
fn an_error_deep_in_minified_json_shows_a_clipped_snippet() {
    // `curl` and Resource Graph exports are one line: a syntax error past column
    // 65,535 once made the snippet renderer panic.
    let items: serde_json::Value = serde_json::from_str(&example_items()).unwrap();
    let mut text = serde_json::to_string(&items).unwrap();
    let at = text
        .rfind("\"rpoInSeconds\":52")
        .expect("a later item's RPO");
    text.replace_range(at..at + "\"rpoInSeconds\":52".len(), "\"rpoInSeconds\":@");
    assert!(
        at > 65_535,
        "the error must lie beyond column 65,535 ({at})"
    );
    let dir = bundle(&[("replicated-items.json", &text)]);
    let (code, _, err) = run(&["check", "--from", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    // serde places the error at the end of the bad value.
    let value_end = text[..at].chars().count() + "\"rpoInSeconds\":@".len();
    let column = (value_end - 1..=value_end + 1)
        .find(|c| err.contains(&format!("replicated-items.json:1:{c}: ")))
        .unwrap_or_else(|| panic!("the message gives file:1:column near {value_end}: {err}"));
    assert!(
        err.contains(&format!("[replicated-items.json:1:{column}]")),
        "the snippet header agrees with the message ({column}): {err}"
    );
    assert!(err.contains("rpoInSeconds"), "{err}");
    assert!(
        err.len() < 2_000,
        "the snippet is clipped, not the whole line: {} bytes",
        err.len()
    );
}

#[test]
fn wrong_field_type_is_asr901_on_that_item_naming_field_and_file() {
    let text = example_items().replacen(
        "\"rpoInSeconds\": 52",
        "\"rpoInSeconds\": {\"value\": 52}",
        1,
    );
    let dir = bundle(&[("replicated-items.json", &text)]);
    let (code, out, err) = run(&[
        "check",
        "--from",
        dir.path().to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_ne!(code, 0, "{err}");
    assert_ne!(
        code, 2,
        "a mistyped field is an unknown fact, not a tool failure: {err}"
    );
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let gap = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            let m = f["message"].as_str().unwrap();
            f["code"] == "ASR901"
                && m.contains(
                    "`providerSpecificDetails.rpoInSeconds` of `web-01` is `{\"value\":52}`",
                )
        })
        .unwrap_or_else(|| panic!("an ASR901 naming the field: {out}"));
    assert_eq!(gap["subject"]["name"], "web-01", "on the item: {gap}");
    assert!(
        gap["subject"]["id"]
            .as_str()
            .unwrap()
            .contains("/replicationProtectedItems/"),
        "{gap}"
    );
    assert_eq!(
        gap["evidence"][0]["source"], "replicated-items.json",
        "{gap}"
    );
}

#[test]
fn lock_list_denied_is_incomplete_never_ready() {
    let manifest = r#"{"format": "asr-preflight/bundle@1", "collectedAt": "2026-11-22T11:00:00Z", "requests": [
        {"file": "replicated-items.json", "method": "GET", "path": "/subscriptions/6f1c3a52-8d4e-4b7a-9c21-3e5f7a9b0d14/resourceGroups/rg-dr-vault/providers/Microsoft.RecoveryServices/vaults/contoso-asr-vault/replicationProtectedItems?api-version=2025-08-01", "status": 200},
        {"method": "GET", "path": "/subscriptions/6f1c3a52-8d4e-4b7a-9c21-3e5f7a9b0d14/providers/Microsoft.Authorization/locks?api-version=2020-05-01", "status": 403, "errorCode": "AuthorizationFailed"}]}"#;
    let ex = example();
    let vms = std::fs::read_to_string(ex.join("vms.json")).unwrap();
    let dir = bundle(&[
        ("manifest.json", manifest),
        ("replicated-items.json", &example_items()),
        ("vms.json", &vms),
    ]);
    let (code, out, _) = run(&[
        "check",
        "--from",
        dir.path().to_str().unwrap(),
        "--now",
        NOW,
        "--vm",
        "web-01",
    ]);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("ASR901"));
    assert!(out.trim_end().ends_with("INCOMPLETE"));
}

#[test]
fn manifest_paths_cannot_leave_the_bundle() {
    let manifest = r#"{"format": "asr-preflight/bundle@1", "requests": [{"file": "../../etc/passwd", "method": "GET", "path": "/subscriptions/s/providers/Microsoft.Authorization/locks", "status": 200}]}"#;
    let dir = bundle(&[("manifest.json", manifest)]);
    let (code, _, err) = run(&["check", "--from", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("leaves the bundle directory"), "{err}");
}

#[test]
fn unreadable_input_is_exit_2() {
    let (code, _, err) = run(&["check", "--from", "/nonexistent/bundle"]);
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/bundle"), "{err}");
}

#[test]
fn usage_errors_are_exit_2() {
    let ex = example();
    assert_eq!(
        run(&["check", "--from", ex.to_str().unwrap(), "--vm", "nobody"]).0,
        2
    );
    assert_eq!(
        run(&[
            "check",
            "--from",
            ex.to_str().unwrap(),
            "--operation",
            "teleport"
        ])
        .0,
        2
    );
    assert_eq!(
        run(&["check", "--from", ex.to_str().unwrap(), "--max-rpo", "15"]).0,
        2
    );
    assert_eq!(
        run(&["check", "--from", ex.to_str().unwrap(), "--rule", "ASR999"]).0,
        2
    );
    assert_eq!(run(&["check"]).0, 2);
}

#[test]
fn rules_and_explain() {
    let (code, out, _) = run(&["rules"]);
    assert_eq!(code, 0);
    assert!(out.contains("ASR201") && out.contains("disk-not-protected"));
    let (code, out, _) = run(&["rules", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v.as_array().unwrap().len(),
        asr_preflight::rules::RULES.len()
    );
    let (code, out, _) = run(&["explain", "ASR403"]);
    assert_eq!(code, 0);
    assert!(out.contains("## How to fix"));
    let (code, _, err) = run(&["explain", "ASR000"]);
    assert_eq!(code, 2);
    assert!(err.contains("ASR000"));
}

#[test]
fn help_is_available_for_every_command() {
    for args in [
        &["--help"][..],
        &["check", "--help"],
        &["rules", "--help"],
        &["explain", "--help"],
    ] {
        let (code, out, _) = run(args);
        assert_eq!(code, 0, "{args:?}");
        assert!(out.contains("Usage:"), "{args:?}");
    }
    let (_, out, _) = run(&["check", "--help"]);
    for flag in [
        "--from",
        "--operation",
        "--format",
        "--fail-on",
        "--now",
        "--vm",
        "--plan",
        "--max-age",
        "--max-rpo",
        "--drill-max-age",
    ] {
        assert!(out.contains(flag), "check --help lists {flag}");
    }
}

#[test]
fn output_file_and_broken_pipe() {
    let ex = example();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.json");
    let (code, out, _) = run(&[
        "check",
        "--from",
        ex.to_str().unwrap(),
        "--now",
        NOW,
        "--format",
        "json",
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(written.starts_with('{'));
    // A closed pipe is not an error.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("asr-preflight"))
        .args(["check", "--from", ex.to_str().unwrap(), "--now", NOW])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    assert!(matches!(status.code(), Some(0) | Some(1)), "{status:?}");
}

#[test]
fn ci_formats() {
    let ex = example();
    let base = ["check", "--from", ex.to_str().unwrap(), "--now", NOW];
    let (_, json, _) = run(&[&base[..], &["--format", "json"]].concat());
    let findings = serde_json::from_str::<serde_json::Value>(&json).unwrap()["findings"]
        .as_array()
        .unwrap()
        .len();

    let (code, sarif, _) = run(&[&base[..], &["--format", "sarif"]].concat());
    assert_eq!(code, 1, "the exit code does not depend on the format");
    let v: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run0 = &v["runs"][0];
    assert_eq!(run0["results"].as_array().unwrap().len(), findings);
    let rule_ids: Vec<&str> = run0["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    // What GitHub's SARIF rules ask of every rule and result.
    for rule in run0["tool"]["driver"]["rules"].as_array().unwrap() {
        let full = rule["fullDescription"]["text"].as_str().unwrap_or_default();
        assert!(full.len() > 20 && !full.contains("## "), "{rule}");
    }
    for r in run0["results"].as_array().unwrap() {
        // The line of the evidence where the loader knows it (an item's
        // first line in replicated-items.json), else 1.
        let loc = &r["locations"][0]["physicalLocation"];
        let line = loc["region"]["startLine"].as_u64().unwrap();
        let file = loc["artifactLocation"]["uri"].as_str().unwrap();
        if file.ends_with("replicated-items.json") {
            assert!(line > 1, "{r}");
        } else {
            assert!(line >= 1, "{r}");
        }
        assert!(rule_ids.contains(&r["ruleId"].as_str().unwrap()));
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        assert!(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].is_string());
    }

    let (code, junit, _) = run(&[&base[..], &["--format", "junit"]].concat());
    assert_eq!(code, 1);
    assert!(junit.starts_with("<?xml"));
    assert_eq!(
        junit.matches("<testcase ").count(),
        findings + 1,
        "one case per finding plus the verdict"
    );
    assert_eq!(
        junit.matches("<testcase ").count(),
        junit.matches("</testcase>").count()
    );
    assert!(junit.contains(r#"<failure type="not-ready""#));

    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    let out = bin()
        .args([&base[..], &["--format", "github"]].concat())
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let annotations = text
        .lines()
        .filter(|l| {
            l.starts_with("::error ") || l.starts_with("::warning ") || l.starts_with("::notice ")
        })
        .count();
    assert_eq!(annotations, findings);
    assert!(text
        .lines()
        .all(|l| !l.starts_with("::") || !l.contains('\n')));
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(md.starts_with("# ASR readiness: NOT READY"), "{md}");

    let (_, md, _) = run(&[&base[..], &["--format", "markdown"]].concat());
    // Rollup first: the rules, the capacity, then what blocks, a block per rule.
    let at = |h: &str| md.find(h).unwrap_or_else(|| panic!("no {h} in:\n{md}"));
    assert!(at("## Rules that fired") < at("## Capacity in the target regions"));
    assert!(at("## Capacity in the target regions") < at("## What blocks"));
    assert!(
        md.contains("| warning | ASR401 failover-not-committed | 1 | batch-01 |"),
        "{md}"
    );
    assert_eq!(md.matches("<details><summary>error ").count(), 5, "{md}");
    assert_eq!(
        md.matches("<details>").count(),
        md.matches("</details>").count()
    );
    assert!(md.contains("11 findings are not shown in full"), "{md}");
}

#[test]
fn incomplete_runs_are_errors_in_junit() {
    let manifest = r#"{"format": "asr-preflight/bundle@1", "collectedAt": "2026-11-22T11:00:00Z", "requests": [
        {"method": "GET", "path": "/subscriptions/6f1c3a52-8d4e-4b7a-9c21-3e5f7a9b0d14/providers/Microsoft.Compute/virtualMachines?api-version=2024-11-01", "status": 403, "errorCode": "AuthorizationFailed"}]}"#;
    let dir = bundle(&[
        ("manifest.json", manifest),
        ("replicated-items.json", &example_items()),
    ]);
    let (code, junit, _) = run(&[
        "check",
        "--from",
        dir.path().to_str().unwrap(),
        "--now",
        NOW,
        "--vm",
        "web-01",
        "--rule",
        "ASR901",
        "--format",
        "junit",
    ]);
    assert_eq!(code, 3);
    assert!(junit.contains(r#"<error type="incomplete""#), "{junit}");
}

#[test]
fn accepted_risks_do_not_block_but_stay_visible() {
    let ex = example();
    let base = [
        "check",
        "--from",
        ex.to_str().unwrap(),
        "--now",
        NOW,
        "--vm",
        "app-01",
        "--format",
        "json",
    ];
    let (code, _, _) = run(&base);
    assert_eq!(code, 1, "app-01's added disk blocks");
    let (code, out, _) = run(&[&base[..], &["--accept", "disk-not-protected:app-01"]].concat());
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "ASR201")
        .unwrap();
    assert_eq!(f["accepted"], true);
    assert_eq!(f["level"], "info");
    assert!(f["message"]
        .as_str()
        .unwrap()
        .contains("accepted by --accept disk-not-protected:app-01"));
    let (_, sarif, _) = run(&[
        "check",
        "--from",
        ex.to_str().unwrap(),
        "--now",
        NOW,
        "--vm",
        "app-01",
        "--accept",
        "ASR201:app-01",
        "--format",
        "sarif",
    ]);
    let v: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let r = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "ASR201")
        .unwrap();
    assert_eq!(r["suppressions"][0]["kind"], "external");
    // Another VM's findings are not accepted by it.
    let (code, _, _) = run(&[
        "check",
        "--from",
        ex.to_str().unwrap(),
        "--now",
        NOW,
        "--vm",
        "app-02",
        "--accept",
        "ASR201:app-01",
    ]);
    assert_eq!(code, 1);
    // A missing fact can be accepted explicitly: no longer incomplete.
    let manifest = r#"{"format": "asr-preflight/bundle@1", "collectedAt": "2026-11-22T11:00:00Z", "requests": [
        {"method": "GET", "path": "/subscriptions/6f1c3a52-8d4e-4b7a-9c21-3e5f7a9b0d14/providers/Microsoft.Compute/virtualMachines?api-version=2024-11-01", "status": 403, "errorCode": "AuthorizationFailed"}]}"#;
    let dir = bundle(&[
        ("manifest.json", manifest),
        ("replicated-items.json", &example_items()),
    ]);
    let d = dir.path().to_str().unwrap();
    assert_eq!(
        run(&["check", "--from", d, "--now", NOW, "--vm", "web-01", "--rule", "ASR901"]).0,
        3
    );
    assert_eq!(
        run(&[
            "check", "--from", d, "--now", NOW, "--vm", "web-01", "--rule", "ASR901", "--accept",
            "ASR901"
        ])
        .0,
        0
    );
    assert_eq!(run(&["check", "--from", d, "--accept", "ASR999"]).0, 2);
}

#[test]
fn errors_name_what_failed_without_internal_labels() {
    let ex = example();
    let ex = ex.to_str().unwrap();
    // `-o` into a directory that does not exist: the path, once.
    let (code, _, err) = run(&[
        "check",
        "--from",
        ex,
        "--now",
        NOW,
        "-o",
        "/nonexistent/dir/x.json",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("cannot write `/nonexistent/dir/x.json`"),
        "{err}"
    );
    assert_eq!(err.matches("cannot write").count(), 1, "{err}");
    // An unwritable step summary is named.
    let out = bin()
        .args(["check", "--from", ex, "--now", NOW, "--format", "github"])
        .env("GITHUB_STEP_SUMMARY", "/nonexistent/dir/summary.md")
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(err.contains("/nonexistent/dir/summary.md"), "{err}");
    // `--vm` naming nothing is a usage error for status and estimate too, naming the VM.
    for cmd in [
        vec!["status", "--from", ex, "--vm", "nosuch"],
        vec!["estimate", "reprotect", "--from", ex, "--vm", "nosuch"],
    ] {
        let (code, _, err) = run(&cmd);
        assert_eq!(code, 2, "{cmd:?}: {err}");
        assert!(err.contains("`nosuch`"), "{err}");
        assert!(!err.contains("asr_preflight::"), "no internal label: {err}");
    }
    // No estimate for an item that has not failed over.
    let (code, out, err) = run(&["estimate", "reprotect", "--from", ex, "--vm", "web-01"]);
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("`web-01` has no committed failover"), "{err}");
}

#[test]
fn help_is_ordered_by_task_and_no_input_mentions_live() {
    let (_, help, _) = run(&["check", "--help"]);
    let at = |h: &str| {
        help.find(&format!("\n{h}:\n"))
            .unwrap_or_else(|| panic!("{h}: {help}"))
    };
    let order = [
        "Input",
        "Operation",
        "Output",
        "Gate",
        "Thresholds",
        "Live Azure",
    ]
    .map(at);
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    // The main options are not under the live heading.
    let live = at("Live Azure");
    for flag in [
        "--operation",
        "--format",
        "--fail-on",
        "--now",
        "--vm",
        "--color",
    ] {
        assert!(
            help.find(flag).unwrap() < live,
            "{flag} is listed after the live options"
        );
    }
    for cmd in ["check", "diagnose", "status"] {
        let (code, _, err) = run(&[cmd]);
        assert_eq!(code, 2);
        assert!(
            err.contains("--from") && err.contains("--live"),
            "{cmd}: {err}"
        );
    }
}

#[test]
fn the_verdict_line_gives_counts_per_level_and_the_gate_apart() {
    let ex = example();
    let ex = ex.to_str().unwrap();
    let line = |extra: &[&str]| -> (i32, String) {
        let mut args = vec!["check", "--from", ex, "--now", NOW, "--color", "never"];
        args.extend_from_slice(extra);
        let (code, out, _) = run(&args);
        (code, out.lines().last().unwrap_or_default().to_string())
    };
    // The README's quick-start verdict, produced from the shipped example.
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let (code, l) = line(&[]);
    assert_eq!(code, 1);
    assert_eq!(
        l,
        "12 items checked for the next operation (9 failover, 1 commit, 1 reprotect, 1 failback): 5 errors, 11 warnings, 0 incomplete — NOT READY"
    );
    assert!(
        readme.replace('\n', " ").contains(&format!("`{l}`")),
        "the README quotes the verdict line: {l}"
    );
    // Warnings are counted once, the gate said apart.
    let (code, l) = line(&["--fail-on", "warning"]);
    assert_eq!(code, 1);
    assert!(
        l.ends_with(
            "5 errors, 11 warnings, 0 incomplete — NOT READY (--fail-on warning: 16 blocking)"
        ),
        "{l}"
    );
    // A gate that is off says so instead of READY over printed errors.
    let (code, l) = line(&["--fail-on", "never"]);
    assert_eq!(code, 0);
    assert!(
        l.ends_with("5 errors, 11 warnings, 0 incomplete — gate off (--fail-on never), exit 0"),
        "{l}"
    );
    let (_, json, _) = run(&[
        "check",
        "--from",
        ex,
        "--now",
        NOW,
        "--format",
        "json",
        "--fail-on",
        "warning",
    ]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["summary"]["errors"], 5);
    assert_eq!(v["summary"]["warnings"], 11);
    assert_eq!(v["summary"]["blocking"], 16);
}

#[test]
fn the_readme_status_sample_is_the_example_s() {
    let ex = example();
    let (code, out, _) = run(&["status", "--from", ex.to_str().unwrap(), "--now", NOW]);
    assert_eq!(code, 0);
    let last = out.lines().last().unwrap();
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    assert!(
        readme.contains(&format!("`{last}`")),
        "README lacks `{last}`"
    );
}

#[test]
fn markdown_capacity_shows_the_short_row() {
    let ex = example();
    let (_, md, _) = run(&[
        "check",
        "--from",
        ex.to_str().unwrap(),
        "--now",
        NOW,
        "--format",
        "markdown",
    ]);
    assert!(
        md.contains("| centralus | standardESv5Family | 36 | 32 | 64 | 106% | **short by 4** |"),
        "{md}"
    );
}

#[test]
fn junit_carries_what_strict_consumers_require_and_stays_deterministic() {
    let ex = example();
    let args = [
        "check",
        "--from",
        ex.to_str().unwrap(),
        "--now",
        NOW,
        "--format",
        "junit",
    ];
    let (_, a, _) = run(&args);
    let (_, b, _) = run(&args);
    assert_eq!(a, b, "deterministic");
    // The Ant schema: suite timestamp (no zone), hostname, package, id, time;
    // properties, system-out and system-err present; no output inside a case.
    assert!(a.contains(r#"timestamp="2026-11-22T09:30:00""#), "{a}");
    assert!(a.contains(r#"hostname="management.azure.com""#), "{a}");
    assert!(a.contains(r#"package="asr-preflight" id="0""#), "{a}");
    for tag in ["<properties>", "<system-out>", "<system-err>"] {
        assert_eq!(a.matches(tag).count(), 1, "{tag}");
    }
    assert!(
        a.lines()
            .filter(|l| l.trim_start().starts_with("<testcase "))
            .all(|l| l.ends_with(r#" time="0">"#)),
        "every case has time"
    );
    for case in a.split("<testcase ").skip(1) {
        let body = case.split("</testcase>").next().unwrap();
        assert!(!body.contains("<system-out>"), "{body}");
    }
}

/// At vault scale the default view stays short, yet names every rule that
/// fired with its count and every blocking finding's VM.
#[test]
fn the_default_view_of_a_large_vault_fits_a_few_hundred_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("estate");
    let gen = std::process::Command::new(env!("CARGO_BIN_EXE_gen-estate"))
        .args(["--items", "1000", "--out", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(gen.status.success());
    let base = [
        "check",
        "--from",
        dir.to_str().unwrap(),
        "--now",
        NOW,
        "--color",
        "never",
    ];
    let (_, human, _) = run(&base);
    let (_, json, _) = run(&[&base[..], &["--format", "json"]].concat());
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let lines = human.lines().count();
    assert!(lines < 400, "{lines} lines");
    for r in report["rules"].as_array().unwrap() {
        let head = format!(
            "{} {}",
            r["code"].as_str().unwrap(),
            r["name"].as_str().unwrap()
        );
        let line = human
            .lines()
            .find(|l| l.contains(&head) && l.contains(r["level"].as_str().unwrap()))
            .unwrap_or_else(|| panic!("no rule line for {head}"));
        assert!(
            line.contains(&format!(" {}  ", r["findings"])),
            "{line} vs {r}"
        );
    }
    let findings = report["findings"].as_array().unwrap();
    let blocking: Vec<&serde_json::Value> = findings
        .iter()
        .filter(|f| f["level"] == "error" && f["accepted"].is_null())
        .collect();
    assert!(blocking.len() > 20, "the estate has blocking findings");
    for f in blocking {
        let name = f["subject"]["name"].as_str().unwrap();
        assert!(human.contains(name), "{name} ({}) is not named", f["code"]);
    }
}
