//! Hyper-V to Azure end to end on `examples/hyperv` (built from the ASR REST
//! API examples whose `instanceType` is `HyperVReplicaAzure`): each item is
//! led to the step its life cycle is at, the seed-004 preconditions are
//! checked, and nothing A2A-only is asked of it.

mod common;

use serde_json::Value;

const NOW: &str = "2026-11-22T12:00:00Z";

fn run(args: &[&str]) -> (u8, String) {
    common::run(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
}

fn example() -> String {
    common::root()
        .join("examples")
        .join("hyperv")
        .display()
        .to_string()
}

fn json(args: &[&str]) -> (u8, Value) {
    let ex = example();
    let mut all = vec![
        "check",
        "--from",
        ex.as_str(),
        "--now",
        NOW,
        "--format",
        "json",
    ];
    all.extend_from_slice(args);
    let (code, out) = run(&all);
    (
        code,
        serde_json::from_str(&out).unwrap_or_else(|_| panic!("{out}")),
    )
}

fn findings_of<'a>(report: &'a Value, vm: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["subject"]["name"] == vm)
        .collect()
}

#[test]
fn each_item_is_led_to_its_next_step() {
    let (code, report) = json(&[]);
    assert_eq!(code, 1);
    let ops = |vm: &str| -> Vec<String> {
        findings_of(&report, vm)
            .iter()
            .map(|f| f["operation"].as_str().unwrap().to_string())
            .collect()
    };
    // Failover committed in Azure: failback next, checked against its provider.
    assert!(
        ops("hv-erp-01").iter().all(|o| o == "failback"),
        "{:?}",
        ops("hv-erp-01")
    );
    let erp: Vec<&str> = findings_of(&report, "hv-erp-01")
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(
        erp.contains(&"ASR701"),
        "disconnected provider blocks: {erp:?}"
    );
    // Failback committed on premises: Reverse Replicate next, not "failover not allowed".
    let (code, mail) = json(&["--vm", "hv-mail-01"]);
    assert_eq!(code, 0, "{mail}");
    assert!(mail["findings"].as_array().unwrap().is_empty(), "{mail}");
    let (_, forced) = json(&["--vm", "hv-mail-01", "--operation", "failover"]);
    let help = forced["findings"][0]["help"].as_str().unwrap();
    assert!(help.contains("Reverse Replicate"), "{help}");
    // A committed failover with a connected provider is ready for failback.
    let (code, file) = json(&["--vm", "hv-file-01"]);
    assert_eq!(code, 0, "{file}");
    assert!(file["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["level"] == "info" && f["code"] == "ASR703"));
    // The whole vault: the operations each item is checked for.
    let (_, out) = run(&[
        "check",
        "--from",
        &example(),
        "--now",
        NOW,
        "--color",
        "never",
    ]);
    assert!(
        out.contains("7 items checked for the next operation (2 failover, 1 commit, 1 reprotect, 3 failback)"),
        "{out}"
    );
}

#[test]
fn nothing_a2a_only_is_asked_of_hyper_v_items() {
    let (_, report) = json(&[]);
    for f in report["findings"].as_array().unwrap() {
        let text = f.to_string();
        assert_ne!(
            f["code"], "ASR901",
            "no Hyper-V item is incomplete here: {f}"
        );
        assert!(!text.contains("trusted root"), "{f}");
        assert!(!text.contains("recoveryFabricObjectId"), "{f}");
    }
    let (_, report) = json(&["--operation", "failback", "--vm", "hv-file-01"]);
    assert!(report["summary"]["incomplete"] == 0, "{report}");
}

#[test]
fn the_failback_waiting_for_complete_failover_is_shown() {
    let (_, report) = json(&["--vm", "hv-crm-01"]);
    let crm = findings_of(&report, "hv-crm-01");
    assert_eq!(crm.len(), 1, "{crm:?}");
    assert_eq!(crm[0]["code"], "ASR702");
    assert!(crm[0]["help"]
        .as_str()
        .unwrap()
        .contains("Complete Failover"));
    let (code, status) = run(&["status", "--from", &example(), "--now", NOW]);
    assert_eq!(code, 0);
    assert!(
        status.contains(
            "hv-crm-01: failback waiting for Complete Failover since 2026-11-22 06:00 UTC"
        ),
        "{status}"
    );
    assert!(
        status.contains("1 failbacks waiting for Complete Failover"),
        "{status}"
    );
}

#[test]
fn the_sync_option_follows_the_time_in_azure() {
    let (_, file) = json(&["--vm", "hv-file-01"]);
    let m = file["findings"][0]["message"].as_str().unwrap();
    assert!(m.contains("full download") && m.contains("52 days"), "{m}");
    let (_, erp) = json(&["--vm", "hv-erp-01", "--rule", "ASR703"]);
    let m = erp["findings"][0]["message"].as_str().unwrap();
    assert!(m.contains("before failover") && m.contains("7 days"), "{m}");
}

#[test]
fn hyper_v_example_human_output_snapshot() {
    let (code, out) = run(&[
        "check",
        "--from",
        &example(),
        "--now",
        NOW,
        "--color",
        "never",
    ]);
    assert_eq!(code, 1);
    common::insta_settings().bind(|| insta::assert_snapshot!("hyperv_example_human", out));
}

#[test]
fn diagnose_shows_the_job_waiting_for_complete_failover() {
    let (code, out) = run(&[
        "diagnose",
        "--from",
        &example(),
        "--now",
        NOW,
        "--color",
        "never",
    ]);
    assert_eq!(code, 0, "a waiting job is not a failed one: {out}");
    assert!(
        out.contains("waiting job: Planned failover of `hv-crm-01`"),
        "{out}"
    );
    assert!(
        out.contains("waiting task: Waiting for Complete Failover"),
        "{out}"
    );
    assert!(out.contains("do not cancel"), "{out}");
    let (_, json) = run(&[
        "diagnose",
        "--from",
        &example(),
        "--now",
        NOW,
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["waiting"][0]["vm"], "hv-crm-01", "{json}");
}

/// The example with every item's `providerSpecificDetails` cut down to what
/// the REST API examples carry: `{"instanceType": "HyperVReplicaAzure"}`.
fn rest_shaped() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(common::root().join("examples").join("hyperv")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.path().join(e.file_name())).unwrap();
    }
    let p = dir.path().join("replicated-items.json");
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
    for it in doc["value"].as_array_mut().unwrap() {
        it["properties"]["providerSpecificDetails"] =
            serde_json::json!({"instanceType": "HyperVReplicaAzure"});
    }
    std::fs::write(&p, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    dir
}

#[test]
fn rest_shaped_items_get_the_failback_verdicts_without_being_incomplete() {
    let dir = rest_shaped();
    let d = dir.path().to_str().unwrap();
    let check = |vm: &str| -> (u8, Value) {
        let (code, out) = run(&[
            "check", "--from", d, "--now", NOW, "--format", "json", "--vm", vm,
        ]);
        (
            code,
            serde_json::from_str(&out).unwrap_or_else(|_| panic!("{out}")),
        )
    };
    // Committed in Azure, provider connected: ready for failback.
    let (code, r) = check("hv-file-01");
    assert_eq!(code, 0, "{r}");
    assert_eq!(r["summary"]["incomplete"], 0);
    // Provider disconnected: not ready, the provider named.
    let (code, r) = check("hv-erp-01");
    assert_eq!(code, 1, "{r}");
    let f = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "ASR701")
        .unwrap();
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("hv-host-07.corp.contoso.com"),
        "{f}"
    );
    assert_eq!(r["summary"]["incomplete"], 0, "{r}");
    // Failback committed: led to Reverse Replicate, complete.
    let (code, r) = check("hv-mail-01");
    assert_eq!(code, 0, "{r}");
    assert_eq!(r["operation"], "next");
    let (_, human) = run(&[
        "check",
        "--from",
        d,
        "--now",
        NOW,
        "--vm",
        "hv-mail-01",
        "--color",
        "never",
    ]);
    assert!(
        human.contains("1 item checked for the next operation (1 reprotect)"),
        "{human}"
    );
}
