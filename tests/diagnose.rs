//! `diagnose` end to end on the example estate, and the error-code catalog.

mod common;

use serde_json::Value;

const NOW: &str = "2026-11-22T12:00:00Z";

fn diagnose(extra: &[&str]) -> (u8, String) {
    let mut args: Vec<String> = vec!["diagnose".into(), "--from".into()];
    args.push(
        common::root()
            .join("examples/contoso")
            .display()
            .to_string(),
    );
    args.extend(
        ["--now", NOW, "--color", "never"]
            .iter()
            .map(|s| s.to_string()),
    );
    args.extend(extra.iter().map(|s| s.to_string()));
    common::run(&args)
}

#[test]
fn failed_reprotect_is_walked_to_the_child_job_and_correlated() {
    let (code, out) = diagnose(&["--format", "json"]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    let jobs = v["jobs"].as_array().unwrap();
    assert_eq!(
        jobs.len(),
        2,
        "the child EnableDr job is shown inside its parent; the October failover is outside 7 days"
    );
    let reprotect = &jobs[0];
    assert_eq!(reprotect["vm"], "batch-02");
    assert_eq!(reprotect["operation"], "Reprotect");
    let path: Vec<&str> = reprotect["failingTask"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert_eq!(path.last(), Some(&"Enabling replication"));
    assert!(path.contains(&"job `Enable replication`"), "{path:?}");
    let e = &reprotect["errors"][0];
    assert_eq!(e["code"], "151066");
    assert!(e["activityId"].as_str().unwrap().contains("ActivityId"));
    assert_eq!(e["meaning"]["code"], "151066");
    assert_eq!(e["cause"], "present");
    let present: Vec<&str> = e["correlation"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "present")
        .map(|c| c["rule"].as_str().unwrap())
        .collect();
    assert_eq!(present, vec!["ASR302"]);
    // Codes the catalog does not know are shown verbatim.
    let tfo = &jobs[1];
    assert_eq!(tfo["errors"][0]["code"], "70094");
    assert!(tfo["errors"][0]["meaning"].is_null());
    assert!(tfo["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("allocation failed"));
}

#[test]
fn older_jobs_come_in_with_a_longer_window_and_causes_can_be_gone() {
    let (_, out) = diagnose(&["--since", "60d", "--vm", "sql-01", "--format", "json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    let job = &v["jobs"][0];
    assert_eq!(job["errors"][0]["code"], "28031");
    // sql-01 alone fits the ESv5 quota now: the quota cause is gone.
    let quota = job["errors"][0]["correlation"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["rule"] == "ASR101")
        .unwrap();
    assert_eq!(quota["status"], "absent", "{quota}");
}

#[test]
fn a_job_by_name_and_no_failure() {
    let (code, out) = diagnose(&[
        "--job",
        "4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["jobs"].as_array().unwrap().len(), 1);
    let (code, out) = diagnose(&["--vm", "web-01"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("0 failed jobs"));
}

#[test]
fn a_child_job_missing_from_the_bundle_is_said() {
    let jobs: Value = serde_json::from_str(
        &std::fs::read_to_string(common::root().join("examples/contoso/jobs.json")).unwrap(),
    )
    .unwrap();
    let parent: Vec<&Value> = jobs["value"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|j| j["properties"]["scenarioName"] == "SwitchReplicationGroupProtection")
        .collect();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("jobs.json"),
        serde_json::to_string(&serde_json::json!({"value": parent})).unwrap(),
    )
    .unwrap();
    let (code, out) = common::run(&[
        "diagnose".into(),
        "--from".into(),
        dir.path().display().to_string(),
        "--now".into(),
        NOW.into(),
        "--format".into(),
        "json".into(),
    ]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["jobs"][0]["missingChildJobs"].as_array().unwrap().len(),
        1
    );
    // The job-level error is still shown.
    assert_eq!(v["jobs"][0]["errors"][0]["code"], "151066");
}

#[test]
fn human_diagnosis_snapshot() {
    let (_, out) = diagnose(&[]);
    common::insta_settings().bind(|| insta::assert_snapshot!("diagnose__example_human", out));
}

#[test]
fn catalog_covers_the_documented_codes_and_points_at_real_rules() {
    for code in [
        "150097",
        "28031",
        "28092",
        "153039",
        "150039",
        "150172",
        "151066",
        "151037",
        "151072",
        "151195",
        "151196",
        "151197",
        "151025",
        "151083",
        "151137",
        "150225",
        "150226",
        "ScopeLocked",
        "153007",
        "153006",
        "150019",
        "ResourceGroupNotFound",
        "ResourceNotFound",
        "OperationNotAllowed",
    ] {
        let c = asr_preflight::catalog::lookup(code)
            .unwrap_or_else(|| panic!("{code} is not in the catalog"));
        assert!(!c.cause.is_empty() && !c.fix.is_empty(), "{code}");
        for r in &c.rules {
            assert!(
                asr_preflight::rules::lookup(r).is_some(),
                "{code} points at unknown rule {r}"
            );
        }
    }
    let (code, out) = common::run(&["explain".into(), "151066".into()]);
    assert_eq!(code, 0);
    assert!(out.contains("ASR301 trusted-root-missing"), "{out}");
    let (_, out) = common::run(&["explain".into(), "scopelocked".into()]);
    assert!(out.contains("ASR501"));
}

#[test]
fn reprotect_estimate_reproduces_the_documented_example() {
    let ex = common::root()
        .join("examples/contoso")
        .display()
        .to_string();
    let args = |extra: &[&str]| {
        let mut a: Vec<String> = ["estimate", "reprotect", "--from", ex.as_str()]
            .iter()
            .map(|s| s.to_string())
            .collect();
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    // 72 min enable replication, 45 GB changed, 60 MB/s: "at least three hours".
    let (code, out) = common::run(&args(&[
        "--enable-duration",
        "72m",
        "--changed-gb",
        "45",
        "--disk-throughput",
        "60",
    ]));
    assert_eq!(code, 0);
    assert!(out.contains("at least 2 h 53 min to 3 h 3 min"), "{out}");
    assert!(
        out.contains("55 min") && out.contains("45 GiB ÷ (23% × 60 MB/s)"),
        "{out}"
    );
    // The checksum comes from the VM's original enable-replication job.
    let (_, out) = common::run(&args(&["--changed-gb", "45", "--format", "json"]));
    let v: Value = serde_json::from_str(&out).unwrap();
    let e = &v["estimates"][0];
    assert_eq!(e["vm"], "batch-02");
    assert_eq!(e["checksumMinutes"]["value"], 72.0);
    assert!(e["checksumMinutes"]["from"]
        .as_str()
        .unwrap()
        .contains("enable-replication job"));
    assert!(e["totalMinutes"].is_array());
    // Without the changed data, no total: what is missing is said.
    let (_, out) = common::run(&args(&["--format", "json"]));
    let v: Value = serde_json::from_str(&out).unwrap();
    assert!(v["estimates"][0]["totalMinutes"].is_null());
    assert!(v["estimates"][0]["missing"][0]
        .as_str()
        .unwrap()
        .contains("--changed-gb"));
}

#[test]
fn status_shows_synchronization_progress_and_the_vault_summary() {
    let text =
        std::fs::read_to_string(common::root().join("examples/contoso/replicated-items.json"))
            .unwrap();
    let mut items: Value = serde_json::from_str(&text).unwrap();
    for item in items["value"].as_array_mut().unwrap() {
        let p = &mut item["properties"];
        if p["friendlyName"] == "web-02" {
            p["currentScenario"] = serde_json::json!({"scenarioName": "EnableDr", "jobId": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v/replicationJobs/j", "startTime": "2026-11-22T10:00:00Z"});
            p["providerSpecificDetails"]["monitoringJobType"] = "InitialReplication".into();
            p["providerSpecificDetails"]["monitoringPercentageCompletion"] = 40.into();
        }
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("replicated-items.json"), items.to_string()).unwrap();
    let run = |format: &str| {
        common::run(&[
            "status".into(),
            "--from".into(),
            dir.path().display().to_string(),
            "--now".into(),
            NOW.into(),
            "--format".into(),
            format.into(),
        ])
    };
    let (code, out) = run("json");
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    let s = &v["summary"];
    assert_eq!(s["items"], 12);
    assert_eq!(s["synchronizing"], 1);
    assert_eq!(s["synchronizingPercent"], 40);
    assert_eq!(s["awaitingCommit"], 1);
    assert_eq!(s["awaitingReprotect"], 1);
    assert_eq!(s["testFailoverCleanup"], 1);
    assert_eq!(s["needingAttention"], 2);
    let row = &v["synchronizing"][0];
    assert_eq!(row["vm"], "web-02");
    // 120 minutes for 40%: 180 more at this pace.
    assert_eq!(row["remainingMinutes"], 180);
    let (_, human) = run("human");
    assert!(
        human.contains("web-02") && human.contains("InitialReplication") && human.contains("~3 h"),
        "{human}"
    );
    assert!(human.contains("1 synchronizing at 40% overall"), "{human}");
}
