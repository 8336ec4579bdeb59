//! Live mode against a fake ARM on 127.0.0.1 (plain HTTP and HTTPS with a
//! test CA): paging, throttling, faults, authentication, security, and the
//! contract that a live check reports exactly what `check --from` reports
//! on the bundle `collect` wrote.

#[path = "common/fake_arm.rs"]
mod fake_arm;
#[path = "common/process.rs"]
mod process;

use fake_arm::{FakeArm, FaultKind, Route};
use process::{run, Run};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

const NOW: &str = "2026-11-22T12:00:00Z";
const SUB: &str = "6f1c3a52-8d4e-4b7a-9c21-3e5f7a9b0d14";
const VAULT: &str = "rg-dr-vault/contoso-asr-vault";
const VAULT_ID: &str = "/subscriptions/6f1c3a52-8d4e-4b7a-9c21-3e5f7a9b0d14/resourceGroups/rg-dr-vault/providers/Microsoft.RecoveryServices/vaults/contoso-asr-vault";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The contoso example estate, served as ARM would.
fn contoso(arm: &FakeArm) {
    arm.serve_bundle(&root().join("examples/contoso"));
    // An A2A vault has no on-premises providers: an empty list.
    arm.route(
        &format!("{VAULT_ID}/replicationRecoveryServicesProviders"),
        Route::List(Vec::new()),
    );
    arm.route(
        VAULT_ID,
        Route::One(json!({
            "id": VAULT_ID, "name": "contoso-asr-vault",
            "type": "Microsoft.RecoveryServices/vaults", "location": "eastus2",
            "properties": {"provisioningState": "Succeeded"}
        })),
    );
}

fn live_args(arm: &FakeArm, tmp: &Path, extra: &[&str]) -> Vec<String> {
    let mut a: Vec<String> = [
        "--subscription",
        SUB,
        "--vault",
        VAULT,
        "--now",
        NOW,
        "--quiet",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    a.extend(arm.args(tmp));
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

fn cmd(first: &[&str], rest: Vec<String>) -> Vec<String> {
    let mut v: Vec<String> = first.iter().map(|s| s.to_string()).collect();
    v.extend(rest);
    v
}

/// `asr-preflight <args>` against `arm`, with the live arguments and `extra`.
fn live(arm: &FakeArm, tmp: &Path, args: &[&str], extra: &[&str]) -> Run {
    run(&cmd(args, live_args(arm, tmp, extra)), &arm.token)
}

/// `check --live` of the contoso vault at an ARM endpoint with no fake behind it.
fn vault_at(endpoint: &str, extra: &[&str]) -> Vec<String> {
    let mut a = vec![
        "check",
        "--live",
        "--subscription",
        SUB,
        "--vault",
        VAULT,
        "--auth",
        "token",
        "--arm-endpoint",
        endpoint,
    ];
    a.extend_from_slice(extra);
    a.iter().map(|s| s.to_string()).collect()
}

/// `collect` into `<tmp>/bundle`.
fn collect(arm: &FakeArm, tmp: &Path, extra: &[&str]) -> (Run, PathBuf) {
    let bundle = tmp.join("bundle");
    let r = live(
        arm,
        tmp,
        &["collect", "--out", bundle.to_str().unwrap()],
        extra,
    );
    (r, bundle)
}

/// `check --from <bundle> --now NOW <args>`.
fn offline(bundle: &Path, args: &[&str]) -> Run {
    let mut a = vec!["check", "--from", bundle.to_str().unwrap(), "--now", NOW];
    a.extend_from_slice(args);
    run(&a.iter().map(|s| s.to_string()).collect::<Vec<_>>(), "")
}

fn json(r: &Run) -> Value {
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {} {}", r.stdout, r.stderr))
}

/// The messages of the findings of `code`.
fn messages<'a>(report: &'a Value, code: &str) -> Vec<&'a str> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == code)
        .map(|f| f["message"].as_str().unwrap())
        .collect()
}

/// The requests the server saw whose target contains `part`.
fn count(arm: &FakeArm, part: &str) -> usize {
    arm.seen()
        .iter()
        .filter(|s| s.target.contains(part))
        .count()
}

fn status_fault(status: u16, code: &str, retry_after: Option<u64>) -> FaultKind {
    FaultKind::Status {
        status,
        code: code.to_string(),
        retry_after,
    }
}

fn only_gets(arm: &FakeArm) {
    for s in arm.seen() {
        assert_eq!(s.method, "GET", "non-GET request {} {}", s.method, s.target);
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn manifest(dir: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap()
}

fn requests_matching<'a>(m: &'a Value, part: &str) -> Vec<&'a Value> {
    m["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["path"].as_str().unwrap_or("").contains(part))
        .collect()
}

#[test]
fn live_check_equals_check_of_the_collected_bundle() {
    let arm = FakeArm::http();
    contoso(&arm);
    let tmp = tempfile::tempdir().unwrap();
    let (c, bundle) = collect(&arm, tmp.path(), &[]);
    assert_eq!(c.code, 0, "collect: {}", c.stderr);
    assert_eq!(
        c.stderr, "",
        "--quiet and nothing failed: nothing on stderr"
    );
    for format in ["json", "human", "sarif"] {
        // A live run has no bundle directory to point SARIF at: both name one.
        let args = [
            "--format",
            format,
            "--color",
            "never",
            "--sarif-root",
            "asr-bundle",
        ];
        let offline = offline(&bundle, &args);
        let live = live(
            &arm,
            tmp.path(),
            &[&["check", "--live"][..], &args].concat(),
            &[],
        );
        assert_eq!(live.code, offline.code, "{format}: {}", live.stderr);
        assert_eq!(live.stdout, offline.stdout, "{format} reports differ");
    }
    // The example estate is not ready (exit 1) and the report knows its 12 items.
    let r = live(
        &arm,
        tmp.path(),
        &["check", "--live", "--format", "json"],
        &[],
    );
    assert_eq!(r.code, 1);
    let report = json(&r);
    assert_eq!(report["summary"]["items"], 12);
    // Guest certificate stores are not read without --guest-certs: the two
    // items whose next operation needs them are incomplete, nothing else.
    let gaps = messages(&report, "ASR901");
    assert_eq!(gaps.len(), 2, "{gaps:?}");
    assert!(
        gaps.iter().all(|m| m.contains("trusted root store")),
        "{gaps:?}"
    );
    only_gets(&arm);
    // The token is in no file of the bundle and no output.
    for f in files_under(&bundle) {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        assert!(!text.contains(&arm.token), "token in {}", f.display());
    }
    assert!(!r.stdout.contains(&arm.token) && !r.stderr.contains(&arm.token));
    // Every request has a path, an api-version and a status in the manifest.
    for req in manifest(&bundle)["requests"].as_array().unwrap() {
        let p = req["path"].as_str().unwrap();
        assert!(p.starts_with("/subscriptions/"), "{p}");
        assert!(p.contains("api-version="), "{p}");
        assert_eq!(req["status"], 200, "{req}");
    }
}

#[test]
fn https_with_a_test_ca_and_not_without_it() {
    let arm = FakeArm::https();
    contoso(&arm);
    assert!(arm.base.starts_with("https://"));
    let tmp = tempfile::tempdir().unwrap();
    let r = live(
        &arm,
        tmp.path(),
        &["check", "--live", "--format", "json"],
        &[],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    // Without --ca-cert the server is not trusted: nothing is sent.
    let args = live_args(&arm, tmp.path(), &[]);
    let at = args.iter().position(|a| a == "--ca-cert").unwrap();
    let no_ca: Vec<String> = [&args[..at], &args[at + 2..]].concat();
    let before = arm.seen().len();
    let r = run(&cmd(&["check", "--live"], no_ca), &arm.token);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        arm.seen().len(),
        before,
        "a request got through an untrusted TLS connection"
    );
}

#[test]
fn plain_http_to_a_remote_endpoint_is_refused() {
    let r = run(
        &vault_at("http://management.azure.com", &[]),
        "secret-token-value",
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("plain HTTP"), "{}", r.stderr);
    assert!(!r.stderr.contains("secret-token-value"));
}

#[test]
fn lists_are_paged_and_requests_grow_with_pages() {
    let arm = FakeArm::http();
    contoso(&arm);
    arm.set_page_size(3);
    let tmp = tempfile::tempdir().unwrap();
    let (c, bundle) = collect(&arm, tmp.path(), &[]);
    assert_eq!(c.code, 0, "{}", c.stderr);
    let m = manifest(&bundle);
    let items = requests_matching(&m, "/replicationProtectedItems");
    assert_eq!(items.len(), 4, "12 items in pages of 3");
    assert!(items
        .iter()
        .any(|r| r["path"].as_str().unwrap().contains("$skiptoken=9")));
    let paged = json(&offline(&bundle, &["--format", "json"]));
    let whole = FakeArm::http();
    contoso(&whole);
    let unpaged = json(&live(
        &whole,
        tmp.path(),
        &["check", "--live", "--format", "json"],
        &[],
    ));
    assert_eq!(
        paged["summary"], unpaged["summary"],
        "paging changed the verdict"
    );
    assert_eq!(paged["summary"]["items"], 12);
    only_gets(&arm);
}

#[test]
fn throttling_is_retried_after_retry_after() {
    let arm = FakeArm::http();
    contoso(&arm);
    arm.fault(
        "Microsoft.Authorization/locks",
        2,
        status_fault(429, "TooManyRequests", Some(1)),
    );
    let tmp = tempfile::tempdir().unwrap();
    let r = live(&arm, tmp.path(), &["check", "--live"], &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let locks: Vec<_> = arm
        .seen()
        .into_iter()
        .filter(|s| s.target.contains("Microsoft.Authorization/locks"))
        .collect();
    assert_eq!(locks.len(), 3, "two 429s, then the answer");
    let (c, bundle) = {
        let again = FakeArm::http();
        contoso(&again);
        again.fault(
            "Microsoft.Authorization/locks",
            1,
            status_fault(429, "TooManyRequests", Some(0)),
        );
        collect(&again, tmp.path(), &[])
    };
    assert_eq!(c.code, 0, "{}", c.stderr);
    let m = manifest(&bundle);
    assert_eq!(requests_matching(&m, "locks")[0]["attempts"], 2);
    for w in locks.windows(2) {
        assert!(
            w[1].at.duration_since(w[0].at) >= std::time::Duration::from_millis(900),
            "Retry-After: 1 was not honoured"
        );
    }
}

#[test]
fn server_errors_timeouts_resets_and_cut_bodies_are_retried() {
    let arm = FakeArm::http();
    contoso(&arm);
    arm.fault(
        "virtualMachines",
        1,
        status_fault(500, "InternalServerError", None),
    );
    arm.fault(
        "virtualMachines",
        1,
        status_fault(503, "ServiceUnavailable", None),
    );
    arm.fault(
        "/resources?",
        1,
        FaultKind::Delay(std::time::Duration::from_secs(6)),
    );
    arm.fault("resourcegroups", 1, FaultKind::Reset);
    arm.fault("replicationPolicies", 1, FaultKind::Truncate);
    let tmp = tempfile::tempdir().unwrap();
    let reference = {
        let other = FakeArm::http();
        contoso(&other);
        live(
            &other,
            tmp.path(),
            &["check", "--live", "--format", "json"],
            &[],
        )
    };
    let r = live(
        &arm,
        tmp.path(),
        &["check", "--live", "--format", "json"],
        &["--timeout", "2"],
    );
    assert_eq!(r.code, reference.code, "{}", r.stderr);
    assert_eq!(
        r.stdout, reference.stdout,
        "the faults were not recovered from"
    );
    // Each fault cost a retry (at least: a slow machine may time out more).
    assert!(count(&arm, "virtualMachines?") >= 3);
    assert!(count(&arm, "/resources?") >= 2);
    assert!(count(&arm, "/resourcegroups?") >= 2);
    assert!(count(&arm, "replicationPolicies?") >= 2);
}

#[test]
fn retries_run_out_into_asr901_never_a_pass() {
    let arm = FakeArm::http();
    contoso(&arm);
    arm.fault(
        "Microsoft.Compute/locations/centralus/usages",
        100,
        status_fault(503, "ServiceUnavailable", None),
    );
    arm.fault("Microsoft.Authorization/locks", 100, FaultKind::Truncate);
    let tmp = tempfile::tempdir().unwrap();
    let (c, bundle) = collect(&arm, tmp.path(), &["--retries", "2"]);
    assert_eq!(c.code, 3, "{}", c.stderr);
    assert!(c.stderr.contains("ServiceUnavailable"), "{}", c.stderr);
    let r = offline(
        &bundle,
        &["--format", "json", "--rule", "ASR101", "--rule", "ASR501"],
    );
    assert_eq!(r.code, 3, "{}", r.stdout);
    let report = json(&r);
    let codes: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.iter().all(|c| *c == "ASR901"), "{codes:?}");
    assert!(r.stdout.contains("centralus"));
    assert!(r.stdout.to_lowercase().contains("lock"));
    // What ARM said, and how hard it was tried, reaches the finding.
    assert!(
        r.stdout.contains("gave up after 3 attempts"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_rejected_token_is_an_authentication_error() {
    let arm = FakeArm::http();
    contoso(&arm);
    let tmp = tempfile::tempdir().unwrap();
    let r = run(
        &cmd(&["check", "--live"], live_args(&arm, tmp.path(), &[])),
        "not-the-right-token",
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("401"), "{}", r.stderr);
    assert!(r.stderr.contains("Reader"), "{}", r.stderr);
    assert!(!r.stderr.contains("not-the-right-token"));
    // A fixed token is not retried; once ARM rejects it, requests still
    // queued are not sent: at most the first wave (--concurrency 8).
    assert_eq!(count(&arm, "replicationProtectedItems"), 1);
    assert!(
        arm.seen().len() <= 8,
        "{} requests with a rejected token",
        arm.seen().len()
    );
}

#[test]
fn forbidden_locks_make_the_check_incomplete() {
    let arm = FakeArm::http();
    contoso(&arm);
    arm.route(
        &format!("/subscriptions/{SUB}/providers/Microsoft.Authorization/locks"),
        Route::Error(403, "AuthorizationFailed".into()),
    );
    let tmp = tempfile::tempdir().unwrap();
    let args = [
        "check",
        "--live",
        "--format",
        "json",
        "--operation",
        "commit",
    ];
    let r = live(&arm, tmp.path(), &args, &[]);
    let gaps = messages(&json(&r), "ASR901")
        .into_iter()
        .filter(|m| m.contains("lock"))
        .count();
    assert!(gaps >= 1, "{}", r.stdout);
    assert!(r.stderr.contains("Reader"), "{}", r.stderr);
    assert_ne!(r.code, 0);
    // Only the rules that need locks: exit 3, incomplete.
    let args = [
        "check",
        "--live",
        "--rule",
        "ASR501",
        "--operation",
        "failover",
    ];
    let r = live(&arm, tmp.path(), &args, &[]);
    assert_eq!(r.code, 3, "{}", r.stdout);
}

#[test]
fn a_foreign_next_link_is_refused_and_never_gets_the_token() {
    let arm = FakeArm::http();
    contoso(&arm);
    let elsewhere = FakeArm::http();
    arm.fault(
        "Microsoft.Authorization/locks",
        1,
        FaultKind::NextLink(format!(
            "{}/subscriptions/{SUB}/providers/Microsoft.Authorization/locks?api-version=2020-05-01&$skiptoken=1",
            elsewhere.base
        )),
    );
    let tmp = tempfile::tempdir().unwrap();
    let (c, bundle) = collect(&arm, tmp.path(), &[]);
    assert_eq!(c.code, 3, "{}", c.stderr);
    assert!(
        elsewhere.seen().is_empty(),
        "the foreign host was contacted"
    );
    let m = manifest(&bundle);
    assert!(requests_matching(&m, "locks")
        .iter()
        .any(|r| r["errorCode"] == "ForeignNextLink"));
    let r = offline(&bundle, &["--rule", "ASR501", "--operation", "failover"]);
    assert_eq!(
        r.code, 3,
        "a list cut short by a refused link must not pass: {}",
        r.stdout
    );
}

#[test]
fn cross_subscription_items_are_followed() {
    let arm = FakeArm::http();
    contoso(&arm);
    let other = "0b5e2c1d-7a4f-4e3b-9d8c-1f2a3b4c5d6e";
    // Move one item's recovery resource group into another subscription.
    let doc: Value = serde_json::from_slice(
        &std::fs::read(root().join("examples/contoso/replicated-items.json")).unwrap(),
    )
    .unwrap();
    let mut items = doc["value"].as_array().cloned().unwrap();
    let psd = &mut items[0]["properties"]["providerSpecificDetails"];
    let rg = psd["recoveryAzureResourceGroupId"]
        .as_str()
        .unwrap()
        .to_string();
    psd["recoveryAzureResourceGroupId"] = rg.replace(SUB, other).into();
    arm.route(
        &format!("{VAULT_ID}/replicationProtectedItems"),
        Route::List(items),
    );
    let tmp = tempfile::tempdir().unwrap();
    let (c, bundle) = collect(&arm, tmp.path(), &[]);
    assert_eq!(c.code, 0, "{}", c.stderr);
    let seen: Vec<String> = arm.seen().into_iter().map(|s| s.target).collect();
    for part in [
        "providers/Microsoft.Authorization/locks",
        "resourcegroups?",
        "/usages?",
    ] {
        assert!(
            seen.iter().any(|t| t.contains(other) && t.contains(part)),
            "no {part} request for the other subscription"
        );
    }
    assert!(manifest(&bundle)["subscriptions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s == other));
}

#[test]
fn the_deadline_ends_collection_and_what_is_left_is_missing() {
    let arm = FakeArm::http();
    contoso(&arm);
    arm.fault(
        "Microsoft.Compute/skus",
        100,
        FaultKind::Delay(std::time::Duration::from_secs(4)),
    );
    let tmp = tempfile::tempdir().unwrap();
    let args = ["check", "--live", "--format", "json", "--rule", "ASR101"];
    let r = live(
        &arm,
        tmp.path(),
        &args,
        &["--deadline", "2", "--timeout", "10"],
    );
    assert_eq!(r.code, 3, "{} {}", r.stdout, r.stderr);
    assert!(r.stdout.contains("ASR901"));
}

#[test]
fn the_deadline_is_a_hard_limit_for_the_whole_run() {
    // Requests queued behind slow ones once got their own full timeout, so
    // `--deadline 20` ran 39 s: the deadline must bound the waiting too.
    let arm = FakeArm::http();
    contoso(&arm);
    for part in [
        "Microsoft.Authorization/locks",
        "/usages?",
        "Microsoft.Compute/skus",
    ] {
        arm.fault(
            part,
            100,
            FaultKind::Delay(std::time::Duration::from_secs(20)),
        );
    }
    let tmp = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let r = live(
        &arm,
        tmp.path(),
        &["check", "--live", "--format", "json", "--rule", "ASR101"],
        &["--deadline", "3", "--timeout", "30", "--concurrency", "1"],
    );
    let took = started.elapsed();
    assert_eq!(r.code, 3, "{} {}", r.stdout, r.stderr);
    assert!(r.stdout.contains("ASR901"), "{}", r.stdout);
    // Each delayed request alone takes 20 s: a run that waited for even one
    // of them did not honour the deadline.
    assert!(took < std::time::Duration::from_secs(15), "took {took:?}");
}

#[test]
fn denied_facts_the_operation_does_not_need_change_nothing_but_a_note() {
    // web-01 fails over from eastus2 into centralus: the usages of eastus2
    // (the region it leaves) are needed by no check of that failover.
    let args = [
        "check",
        "--live",
        "--format",
        "json",
        "--operation",
        "failover",
        "--vm",
        "web-01",
    ];
    let clean = {
        let arm = FakeArm::http();
        contoso(&arm);
        let tmp = tempfile::tempdir().unwrap();
        live(&arm, tmp.path(), &args, &[])
    };
    let arm = FakeArm::http();
    contoso(&arm);
    for part in [
        "locations/eastus2/usages",
        "Microsoft.Network/locations/eastus2",
    ] {
        arm.fault(part, 100, status_fault(403, "AuthorizationFailed", None));
    }
    let tmp = tempfile::tempdir().unwrap();
    let denied = live(&arm, tmp.path(), &args, &[]);
    assert!(
        count(&arm, "locations/eastus2/usages") > 0,
        "the request was made and denied"
    );
    assert_eq!(denied.code, clean.code, "{}", denied.stdout);
    let findings = |r: &Run| serde_json::from_str::<Value>(&r.stdout).unwrap()["findings"].clone();
    assert_eq!(findings(&denied), findings(&clean));
    let notices = serde_json::from_str::<Value>(&denied.stdout).unwrap()["notices"].to_string();
    assert!(
        notices.contains("eastus2") && notices.contains("403"),
        "{notices}"
    );
}

#[test]
fn managed_identity_through_identity_endpoint_on_loopback() {
    let arm = FakeArm::http();
    contoso(&arm);
    let tmp = tempfile::tempdir().unwrap();
    let mut args = cmd(
        &["check", "--live", "--format", "json"],
        live_args(&arm, tmp.path(), &[]),
    );
    let at = args.iter().position(|a| a == "token").unwrap();
    args[at] = "managed-identity".to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_asr-preflight"))
        .args(&args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("IDENTITY_ENDPOINT", format!("{}/msi/token", arm.base))
        .env("IDENTITY_HEADER", "fake-identity-secret")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(arm
        .seen()
        .iter()
        .any(|s| s.target.starts_with("/msi/token")));
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&arm.token));
}

#[test]
fn diagnose_live_follows_child_jobs_outside_the_list() {
    let arm = FakeArm::http();
    contoso(&arm);
    // The reprotect's child EnableDr job is not in the job list: it must be
    // fetched by id.
    let child = "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f";
    let doc: Value =
        serde_json::from_slice(&std::fs::read(root().join("examples/contoso/jobs.json")).unwrap())
            .unwrap();
    let (children, rest): (Vec<Value>, Vec<Value>) = doc["value"]
        .as_array()
        .unwrap()
        .iter()
        .cloned()
        .partition(|j| j["name"] == child);
    arm.route(&format!("{VAULT_ID}/replicationJobs"), Route::List(rest));
    arm.route(
        &format!("{VAULT_ID}/replicationJobs/{child}"),
        Route::One(children[0].clone()),
    );
    let tmp = tempfile::tempdir().unwrap();
    let r = live(
        &arm,
        tmp.path(),
        &["diagnose", "--live", "--color", "never"],
        &[],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("job `Enable replication` › Enabling replication"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("151066"));
    assert_eq!(count(&arm, &format!("replicationJobs/{child}?")), 1);
    // The same as diagnosing the bundle collect writes.
    let (c, bundle) = collect(&arm, tmp.path(), &[]);
    assert_eq!(c.code, 0, "{}", c.stderr);
    let args = [
        "diagnose",
        "--from",
        bundle.to_str().unwrap(),
        "--now",
        NOW,
        "--color",
        "never",
    ];
    assert_eq!(r.stdout, run(&args.map(String::from), "").stdout);
    // Status reads the same live facts.
    let st = live(&arm, tmp.path(), &["status", "--live"], &[]);
    assert_eq!(st.code, 0, "{}", st.stderr);
    assert!(st.stdout.contains("12 items:"), "{}", st.stdout);
}

#[test]
fn low_remaining_reads_slow_the_collection_down() {
    let arm = FakeArm::http();
    contoso(&arm);
    arm.set_page_size(4);
    arm.fault(
        "replicationProtectedItems",
        1,
        FaultKind::RemainingReads(10),
    );
    let tmp = tempfile::tempdir().unwrap();
    let r = live(
        &arm,
        tmp.path(),
        &["check", "--live"],
        &["--concurrency", "1"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let seen = arm.seen();
    let first = seen
        .iter()
        .position(|s| s.target.contains("replicationProtectedItems"))
        .unwrap();
    assert!(
        seen[first + 1].at.duration_since(seen[first].at) >= std::time::Duration::from_millis(900),
        "no pause after `remaining reads: 10`"
    );
}

fn store_of(names: &[&str]) -> Vec<(String, String)> {
    names
        .iter()
        .map(|n| {
            let file = root().join(format!("tests/certs/{}.pem", n.replace(' ', "_")));
            (n.to_string(), std::fs::read_to_string(file).unwrap())
        })
        .collect()
}

#[test]
fn guest_certs_read_root_stores_through_run_command_only_when_asked() {
    let arm = FakeArm::http();
    contoso(&arm);
    arm.enable_run_command(store_of(&[
        "DigiCert Global Root G2",
        "DigiCert Global Root G3",
        "Microsoft RSA Root Certificate Authority 2017",
        "Microsoft ECC Root Certificate Authority 2017",
        "ISRG Root X1",
        "Amazon Root CA 1",
    ]));
    let tmp = tempfile::tempdir().unwrap();
    let (c, bundle) = collect(&arm, tmp.path(), &["--guest-certs"]);
    assert_eq!(c.code, 0, "{}", c.stderr);
    // The two VMs whose next operation configures replication (batch-02:
    // reprotect, report-01: failback), three parts each.
    let posts: Vec<_> = arm
        .seen()
        .into_iter()
        .filter(|s| s.method != "GET")
        .collect();
    assert_eq!(posts.len(), 6, "{posts:?}");
    assert!(posts
        .iter()
        .all(|s| s.method == "POST" && s.target.contains("/runCommand?")));
    assert_eq!(files_under(&bundle.join("certs")).len(), 2);
    let report = json(&offline(&bundle, &["--format", "json"]));
    assert_eq!(report["summary"]["incomplete"], 0, "{report}");

    // A guest without the required roots: ASR301 blocks, found live.
    let bare = FakeArm::http();
    contoso(&bare);
    bare.enable_run_command(store_of(&["ISRG Root X1", "Amazon Root CA 1"]));
    let args = [
        "check",
        "--live",
        "--guest-certs",
        "--format",
        "json",
        "--rule",
        "ASR301",
        "--operation",
        "reprotect",
        "--vm",
        "batch-02",
    ];
    let r = live(&bare, tmp.path(), &args, &[]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.contains("DigiCert Global Root G2"), "{}", r.stdout);
}

#[test]
fn a_later_page_of_items_failing_is_incomplete_not_fatal() {
    let arm = FakeArm::http();
    contoso(&arm);
    arm.set_page_size(5);
    arm.fault(
        "replicationProtectedItems?api-version=2025-08-01&$skiptoken=5",
        100,
        status_fault(500, "InternalServerError", None),
    );
    let tmp = tempfile::tempdir().unwrap();
    let args = ["check", "--live", "--format", "json", "--rule", "ASR901"];
    let r = live(&arm, tmp.path(), &args, &["--retries", "1"]);
    assert_eq!(r.code, 3, "{} {}", r.stdout, r.stderr);
    let report = json(&r);
    let gaps = messages(&report, "ASR901");
    assert!(
        gaps.iter().any(|m| m.contains("replicated items")),
        "{gaps:?}"
    );
}

#[test]
fn items_throttled_beyond_retries_is_incomplete_and_an_unreachable_arm_is_an_error() {
    let arm = FakeArm::http();
    contoso(&arm);
    arm.fault(
        "replicationProtectedItems",
        100,
        status_fault(429, "TooManyRequests", Some(0)),
    );
    let tmp = tempfile::tempdir().unwrap();
    let r = live(&arm, tmp.path(), &["check", "--live"], &["--retries", "2"]);
    assert_eq!(r.code, 3, "{} {}", r.stdout, r.stderr);
    assert!(r.stdout.contains("replicated items"), "{}", r.stdout);
    // Nothing listens on this port: exit 2.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let endpoint = format!("http://127.0.0.1:{port}");
    let r = run(
        &vault_at(&endpoint, &["--retries", "1", "--retry-delay-ms", "10"]),
        "t",
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("unreachable"), "{}", r.stderr);
}

#[test]
fn collect_replaces_its_own_bundle_and_refuses_other_directories() {
    let arm = FakeArm::http();
    contoso(&arm);
    arm.set_page_size(3);
    let tmp = tempfile::tempdir().unwrap();
    let (c, bundle) = collect(&arm, tmp.path(), &[]);
    assert_eq!(c.code, 0, "{}", c.stderr);
    assert!(bundle.join("replicated-items.page4.json").exists());
    // Collected again with bigger pages: no stale page is left behind.
    arm.set_page_size(100);
    let (c, bundle) = collect(&arm, tmp.path(), &[]);
    assert_eq!(c.code, 0, "{}", c.stderr);
    assert!(!bundle.join("replicated-items.page4.json").exists());
    // A directory that is not a bundle is not overwritten.
    let other = tmp.path().join("notes");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("keep.txt"), "mine").unwrap();
    let r = live(
        &arm,
        tmp.path(),
        &["collect", "--out", other.to_str().unwrap()],
        &[],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(other.join("keep.txt").exists());
    // A manifest that merely mentions the format proves nothing.
    std::fs::write(other.join("manifest.json"), "asr-preflight/bundle@1").unwrap();
    let r = live(
        &arm,
        tmp.path(),
        &["collect", "--out", other.to_str().unwrap()],
        &[],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(other.join("keep.txt").exists());
    // Files a user added inside an earlier bundle are never deleted: the
    // run is refused and names them.
    std::fs::create_dir(bundle.join("notes")).unwrap();
    std::fs::write(bundle.join("notes").join("drill.txt"), "mine").unwrap();
    let (c, bundle) = collect(&arm, tmp.path(), &[]);
    assert_eq!(c.code, 2, "{}", c.stderr);
    assert!(c.stderr.contains("notes/drill.txt"), "{}", c.stderr);
    assert!(bundle.join("notes").join("drill.txt").exists());
    assert!(
        bundle.join("manifest.json").exists(),
        "the earlier bundle is intact"
    );
    std::fs::remove_dir_all(bundle.join("notes")).unwrap();
    // A run holding the directory's lock keeps a second one out.
    let lock = tmp.path().join(".bundle.lock");
    std::fs::write(&lock, "another run").unwrap();
    let (c, _) = collect(&arm, tmp.path(), &[]);
    assert_eq!(c.code, 2, "{}", c.stderr);
    assert!(c.stderr.contains("another `collect`"), "{}", c.stderr);
    std::fs::remove_file(&lock).unwrap();
    let (c, bundle) = collect(&arm, tmp.path(), &[]);
    assert_eq!(c.code, 0, "{}", c.stderr);
    assert!(!lock.exists(), "the lock is released");
    let siblings: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".bundle"))
        .collect();
    assert!(siblings.is_empty(), "no staging left: {siblings:?}");
    assert!(bundle.join("manifest.json").exists());
    // --out naming a file says so.
    let file = tmp.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let r = live(
        &arm,
        tmp.path(),
        &["collect", "--out", file.to_str().unwrap()],
        &[],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("is a file, not a directory"),
        "{}",
        r.stderr
    );
}

/// Runs with a sign-in through the SDK against the HTTPS fake, which is
/// also the authority (`--authority-host`), with only `env` set.
fn signed_in(arm: &FakeArm, tmp: &Path, auth: &str, env: &[(&str, String)]) -> Run {
    let mut args = cmd(
        &["check", "--live", "--format", "json"],
        live_args(arm, tmp, &[]),
    );
    let at = args.iter().position(|a| a == "token").unwrap();
    args[at] = auth.to_string();
    args.extend(["--authority-host".to_string(), arm.base.clone()]);
    let mut command = Command::new(env!("CARGO_BIN_EXE_asr-preflight"));
    command
        .args(&args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn service_principal_and_workload_identity_sign_in_through_the_authority() {
    let arm = FakeArm::https();
    contoso(&arm);
    let tmp = tempfile::tempdir().unwrap();
    let ids = [
        (
            "AZURE_TENANT_ID",
            "72f988bf-86f1-41af-91ab-2d7cd011db47".to_string(),
        ),
        (
            "AZURE_CLIENT_ID",
            "00000000-0000-0000-0000-0000000000aa".to_string(),
        ),
    ];
    let mut env = ids.to_vec();
    env.push(("AZURE_CLIENT_SECRET", "fake-client-secret".to_string()));
    let r = signed_in(&arm, tmp.path(), "client-secret", &env);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let token_posts = || {
        arm.seen()
            .into_iter()
            .filter(|s| s.method == "POST" && s.target.ends_with("/oauth2/v2.0/token"))
            .count()
    };
    assert_eq!(token_posts(), 1, "the token is asked for once and cached");
    assert!(!r.stdout.contains("fake-client-secret") && !r.stderr.contains("fake-client-secret"));
    // Only GETs went to ARM; the one POST went to the authority.
    assert!(arm
        .seen()
        .iter()
        .all(|s| s.method == "GET" || s.target.ends_with("/oauth2/v2.0/token")));

    // `auto` picks the service principal from the environment.
    let r = signed_in(&arm, tmp.path(), "auto", &env);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(token_posts(), 2);

    // Workload identity federation: the federated token file is the assertion.
    let file = tmp.path().join("federated-token");
    std::fs::write(&file, "fake-federated-token").unwrap();
    let mut env = ids.to_vec();
    env.push(("AZURE_FEDERATED_TOKEN_FILE", file.display().to_string()));
    let r = signed_in(&arm, tmp.path(), "auto", &env);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(token_posts(), 3);

    // A wrong secret: an authentication error (exit 2) without the secret.
    let mut env = ids.to_vec();
    env.push(("AZURE_CLIENT_SECRET", "wrong-secret-value".to_string()));
    let r = signed_in(&arm, tmp.path(), "client-secret", &env);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(!r.stderr.contains("wrong-secret-value"), "{}", r.stderr);
}

#[test]
fn the_azure_cli_account_is_the_last_resort_of_auto() {
    use std::os::unix::fs::PermissionsExt;
    let arm = FakeArm::http();
    contoso(&arm);
    let tmp = tempfile::tempdir().unwrap();
    // A stand-in for `az account get-access-token -o json --scope ...`
    // that logs its calls.
    let bin = tmp.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let log = tmp.path().join("az.log");
    let az = bin.join("az");
    std::fs::write(
        &az,
        format!(
            "#!/bin/sh\necho \"$@\" >> '{}'\nprintf '{{\"accessToken\":\"{}\",\"expiresOn\":\"2099-01-01 00:00:00.000000\",\"expires_on\":4070908800,\"tokenType\":\"Bearer\",\"subscription\":\"{SUB}\",\"tenant\":\"t\"}}'\n",
            log.display(),
            arm.token
        ),
    )
    .unwrap();
    std::fs::set_permissions(&az, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut args = cmd(&["check", "--live"], live_args(&arm, tmp.path(), &[]));
    let at = args.iter().position(|a| a == "token").unwrap();
    args[at] = "auto".to_string();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new(env!("CARGO_BIN_EXE_asr-preflight"))
        .args(&args)
        .env_clear()
        .env("PATH", path)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let calls = std::fs::read_to_string(&log).unwrap();
    assert_eq!(
        calls.lines().count(),
        1,
        "the CLI is asked once, the token cached: {calls}"
    );
    assert!(
        calls.contains("--scope https://management.azure.com/.default"),
        "{calls}"
    );
}

#[test]
fn quota_counters_match_their_subscription_whatever_its_case() {
    // ASR and users write subscription ids in either case; the usages
    // collected for the lower-case request must still count.
    let arm = FakeArm::http();
    contoso(&arm);
    let doc: Value = serde_json::from_slice(
        &std::fs::read(root().join("examples/contoso/replicated-items.json")).unwrap(),
    )
    .unwrap();
    let upper = doc.to_string().replace(SUB, &SUB.to_ascii_uppercase());
    let items: Value = serde_json::from_str(&upper).unwrap();
    arm.route(
        &format!("{VAULT_ID}/replicationProtectedItems"),
        Route::List(items["value"].as_array().cloned().unwrap()),
    );
    let tmp = tempfile::tempdir().unwrap();
    let args = [
        "check", "--live", "--format", "json", "--rule", "ASR101", "--rule", "ASR102", "--rule",
        "ASR901",
    ];
    let report = json(&live(&arm, tmp.path(), &args, &[]));
    let codes: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"ASR101"), "{codes:?}");
    assert!(
        !messages(&report, "ASR901")
            .iter()
            .any(|m| m.contains("usage")),
        "{report}"
    );
}

#[test]
fn a_next_link_that_loops_stops_paging_and_leaves_the_list_incomplete() {
    let arm = FakeArm::http();
    contoso(&arm);
    let locks = format!(
        "/subscriptions/{SUB}/providers/Microsoft.Authorization/locks?api-version=2020-05-01"
    );
    arm.fault(
        "Microsoft.Authorization/locks",
        100,
        FaultKind::NextLink(format!("{}{locks}", arm.base)),
    );
    let tmp = tempfile::tempdir().unwrap();
    let (c, bundle) = collect(&arm, tmp.path(), &[]);
    assert_eq!(c.code, 3, "{}", c.stderr);
    assert_eq!(count(&arm, "Microsoft.Authorization/locks"), 1);
    let m = manifest(&bundle);
    assert!(requests_matching(&m, "locks")
        .iter()
        .any(|r| r["errorCode"] == "NextLinkLoop"));
    let r = offline(&bundle, &["--rule", "ASR501", "--operation", "failover"]);
    assert_eq!(r.code, 3, "{}", r.stdout);
}

#[test]
fn status_watch_redraws_from_live_reads() {
    use std::io::Read;
    let arm = FakeArm::http();
    contoso(&arm);
    let tmp = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_asr-preflight"))
        .args(cmd(
            &["status", "--live", "--watch", "1"],
            live_args(&arm, tmp.path(), &[]),
        ))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("ASR_PREFLIGHT_TOKEN", &arm.token)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut seen = String::new();
        let mut buf = [0u8; 4096];
        while seen.matches("refreshing every 1s").count() < 2 {
            match stdout.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => seen.push_str(&String::from_utf8_lossy(&buf[..n])),
            }
        }
        seen
    });
    // Two frames, or give up after a generous wait.
    let started = std::time::Instant::now();
    while !reader.is_finished() && started.elapsed() < std::time::Duration::from_secs(30) {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    let seen = reader.join().unwrap();
    assert!(seen.matches("12 items:").count() >= 2, "{seen}");
    // Each frame is a fresh read of the vault.
    assert!(count(&arm, "replicationProtectedItems") >= 2);
}

#[test]
fn a_guest_export_without_its_part_line_gives_no_store_and_says_why() {
    let arm = FakeArm::http();
    contoso(&arm);
    arm.enable_run_command(store_of(&["DigiCert Global Root G2"]));
    arm.cut_run_command_output();
    let tmp = tempfile::tempdir().unwrap();
    let (c, bundle) = collect(&arm, tmp.path(), &["--guest-certs"]);
    assert_eq!(c.code, 3, "{}", c.stderr);
    assert!(c.stderr.contains("no closing part line"), "{}", c.stderr);
    assert!(!bundle.join("certs").exists());
    let m = manifest(&bundle);
    assert!(requests_matching(&m, "runCommand")
        .iter()
        .any(|r| r["errorCode"] == "GuestCertsUnreadable"));
    let report = json(&offline(
        &bundle,
        &[
            "--format",
            "json",
            "--operation",
            "reprotect",
            "--vm",
            "batch-02",
        ],
    ));
    assert!(
        messages(&report, "ASR901")
            .iter()
            .any(|m| m.contains("trusted root store")),
        "{report}"
    );
}

/// A managed disk as ARM lists it, beside the eastus2 VMs of `rg-web-prod`.
fn disk(name: &str, gb: i64) -> Value {
    json!({
        "id": format!("/subscriptions/{SUB}/resourceGroups/rg-web-prod/providers/Microsoft.Compute/disks/{name}"),
        "name": name, "type": "Microsoft.Compute/disks", "location": "eastus2",
        "sku": {"name": "Premium_LRS", "tier": "Premium"}, "managedBy": null,
        "properties": {"diskSizeGB": gb, "diskState": "Unattached", "timeCreated": "2026-11-20T08:00:00Z"}
    })
}

/// The subscription's disks: 300 of VMs, and `temps` leftovers of a reprotect
/// (`ms-asr-<n>`, 32 GiB times n+1).
fn serve_disks(arm: &FakeArm, temps: usize) -> i64 {
    let mut disks: Vec<Value> = (0..300)
        .map(|i| disk(&format!("web-{i:03}_osdisk"), 128))
        .collect();
    let mut total = 0;
    for n in 0..temps {
        let gb = 32 * (n as i64 + 1);
        total += gb;
        disks.push(disk(&format!("ms-asr-{n:02}-4f0c9d7e-2b1a-4c3d-9e8f"), gb));
    }
    arm.route(
        &format!("/subscriptions/{SUB}/providers/Microsoft.Compute/disks"),
        Route::List(disks),
    );
    total
}

/// The one ASR202 finding of a live check of `arm`.
fn temp_disks_finding(arm: &FakeArm, tmp: &Path) -> String {
    let args = ["check", "--live", "--format", "json", "--rule", "ASR202"];
    let report = json(&live(arm, tmp, &args, &[]));
    let found = messages(&report, "ASR202");
    assert_eq!(found.len(), 1, "{report}");
    found[0].to_string()
}

#[test]
fn temporary_disks_are_found_by_a_filtered_list_then_read_one_by_one() {
    let arm = FakeArm::http();
    contoso(&arm);
    serve_disks(&arm, 2);
    let tmp = tempfile::tempdir().unwrap();
    let found = temp_disks_finding(&arm, tmp.path());
    assert!(
        found.starts_with("2 temporary reprotect disks still exist in `rg-web-prod` (96 GiB)"),
        "{found}"
    );
    assert!(
        found.contains(
            "`ms-asr-01-4f0c9d7e-2b1a-4c3d-9e8f` (64 GiB, created 2026-11-20, Unattached)"
        ),
        "{found}"
    );
    // One filtered request, one GET per disk found; the 300 others are
    // never paged through.
    assert_eq!(count(&arm, "/resources?"), 1);
    let filter = arm
        .seen()
        .into_iter()
        .find(|s| s.target.contains("/resources?"))
        .unwrap()
        .target;
    assert!(
        filter.contains("$filter=resourceType%20eq%20%27Microsoft.Compute/disks%27%20and%20substringof(%27ms-asr-%27,%20name)"),
        "{filter}"
    );
    assert_eq!(count(&arm, "/disks/ms-asr-"), 2);
    assert_eq!(count(&arm, "Microsoft.Compute/disks?"), 0);
    assert_eq!(count(&arm, "networkInterfaces"), 0);
    // The bundle says the same offline.
    let (c, bundle) = collect(&arm, tmp.path(), &[]);
    assert_eq!(c.code, 0, "{}", c.stderr);
    let offline = json(&offline(&bundle, &["--format", "json", "--rule", "ASR202"]));
    assert_eq!(messages(&offline, "ASR202"), vec![found.as_str()]);
}

#[test]
fn many_temporary_disks_are_read_with_the_whole_disk_list() {
    let arm = FakeArm::http();
    contoso(&arm);
    let total = serve_disks(&arm, 21);
    let tmp = tempfile::tempdir().unwrap();
    let found = temp_disks_finding(&arm, tmp.path());
    let head = format!("21 temporary reprotect disks still exist in `rg-web-prod` ({total} GiB)");
    assert!(found.starts_with(&head), "{found}");
    assert_eq!(count(&arm, "/disks/ms-asr-"), 0);
    assert!(count(&arm, "Microsoft.Compute/disks?") >= 1);
}

#[test]
fn a_temporary_disk_whose_read_fails_has_its_size_unknown_not_zero() {
    let arm = FakeArm::http();
    contoso(&arm);
    serve_disks(&arm, 2);
    arm.route(
        &format!("/subscriptions/{SUB}/resourceGroups/rg-web-prod/providers/Microsoft.Compute/disks/ms-asr-01-4f0c9d7e-2b1a-4c3d-9e8f"),
        Route::Error(403, "AuthorizationFailed".into()),
    );
    let tmp = tempfile::tempdir().unwrap();
    let found = temp_disks_finding(&arm, tmp.path());
    assert!(
        found.starts_with("2 temporary reprotect disks still exist in `rg-web-prod` (at least 32 GiB: the size of 1 is unknown)"),
        "{found}"
    );
    assert!(
        found.contains("`ms-asr-01-4f0c9d7e-2b1a-4c3d-9e8f`. "),
        "{found}"
    );
}

#[test]
fn an_endpoint_refusing_the_disk_filter_has_its_whole_disk_list_read() {
    let arm = FakeArm::http();
    contoso(&arm);
    serve_disks(&arm, 1);
    arm.route(
        &format!("/subscriptions/{SUB}/resources"),
        Route::Error(400, "InvalidFilter".into()),
    );
    let tmp = tempfile::tempdir().unwrap();
    let found = temp_disks_finding(&arm, tmp.path());
    assert!(
        found.starts_with("1 temporary reprotect disk still exists in `rg-web-prod` (32 GiB)"),
        "{found}"
    );
    assert_eq!(count(&arm, "/resources?"), 1);
    assert_eq!(count(&arm, "Microsoft.Compute/disks?"), 4);
}
