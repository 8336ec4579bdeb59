//! Fleet mode (`--all-vaults`) against the fake ARM with its Resource Graph:
//! every vault of several subscriptions in one run, paging through
//! `$skipToken`, Resource Graph's quota, an unreadable subscription, a
//! failing page, and live = offline = per-vault for every item.

#[path = "common/fake_arm.rs"]
mod fake_arm;
#[path = "common/process.rs"]
mod process;

use fake_arm::{FakeArm, FaultKind, Route};
use process::{run, Run};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const NOW: &str = "2026-11-22T12:00:00Z";
const CONTOSO_SUB: &str = "6f1c3a52-8d4e-4b7a-9c21-3e5f7a9b0d14";
const CONTOSO: &str = "/subscriptions/6f1c3a52-8d4e-4b7a-9c21-3e5f7a9b0d14/resourceGroups/rg-dr-vault/providers/Microsoft.RecoveryServices/vaults/contoso-asr-vault";
const HYPERV_SUB: &str = "c183865e-6077-46f2-a3b1-deb0f4f4650a";
const HYPERV: &str = "/subscriptions/c183865e-6077-46f2-a3b1-deb0f4f4650a/resourceGroups/rg-dr-hyperv/providers/Microsoft.RecoveryServices/vaults/contoso-hv-vault";
/// A subscription with a backup-only vault.
const BACKUP_SUB: &str = "0d1e2f30-4152-4637-8899-aabbccddeeff";
const BACKUP: &str = "/subscriptions/0d1e2f30-4152-4637-8899-aabbccddeeff/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/backup-only";
/// A subscription the identity cannot read.
const HIDDEN_SUB: &str = "9a9a9a9a-1111-4222-8333-444444444444";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// The entries of a list file (`{"value": [...]}` or an array).
fn entries(path: &Path) -> Vec<Value> {
    match serde_json::from_slice::<Value>(&std::fs::read(path).unwrap()).unwrap() {
        Value::Array(a) => a,
        v => v["value"].as_array().cloned().unwrap_or_default(),
    }
}

/// Serves a bundle written by hand (no recorded requests) at the ARM paths
/// `collect` reads, by its files' names.
fn serve_files(arm: &FakeArm, dir: &Path, vault: &str, sub: &str) {
    let s = format!("/subscriptions/{sub}");
    for f in std::fs::read_dir(dir).unwrap() {
        let path = f.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let parts: Vec<&str> = name.trim_end_matches(".json").split('.').collect();
        let region = parts.last().copied().unwrap_or("");
        let at = match parts[0] {
            "replicated-items" => format!("{vault}/replicationProtectedItems"),
            "jobs" => format!("{vault}/replicationJobs"),
            "providers" => format!("{vault}/replicationRecoveryServicesProviders"),
            "policies" => format!("{vault}/replicationPolicies"),
            "recovery-plans" => format!("{vault}/replicationRecoveryPlans"),
            "locks" => format!("{s}/providers/Microsoft.Authorization/locks"),
            "resource-groups" => format!("{s}/resourcegroups"),
            "vnets" => format!("{s}/providers/Microsoft.Network/virtualNetworks"),
            "vms" => format!("{s}/providers/Microsoft.Compute/virtualMachines"),
            "locations" => format!("{s}/locations"),
            "usages" => format!("{s}/providers/Microsoft.Compute/locations/{region}/usages"),
            "network-usages" => {
                format!("{s}/providers/Microsoft.Network/locations/{region}/usages")
            }
            "skus" => format!("{s}/providers/Microsoft.Compute/skus"),
            "vault" => {
                let v: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
                arm.route(vault, Route::One(v));
                continue;
            }
            _ => continue,
        };
        arm.route(&at, Route::List(entries(&path)));
    }
}

/// Two vaults with items (A2A in one subscription, Hyper-V in another) and
/// a backup-only vault in a third, served through ARM and Resource Graph.
fn fleet() -> FakeArm {
    let arm = FakeArm::http();
    arm.serve_bundle(&root().join("examples/contoso"));
    serve_files(&arm, &root().join("examples/hyperv"), HYPERV, HYPERV_SUB);
    arm.route(
        &format!("{CONTOSO}/replicationRecoveryServicesProviders"),
        Route::List(Vec::new()),
    );
    arm.route(
        CONTOSO,
        Route::One(json!({
            "id": CONTOSO, "name": "contoso-asr-vault",
            "type": "Microsoft.RecoveryServices/vaults", "location": "eastus2",
            "properties": {"provisioningState": "Succeeded"}
        })),
    );
    arm.route(
        BACKUP,
        Route::One(json!({
            "id": BACKUP, "name": "backup-only",
            "type": "Microsoft.RecoveryServices/vaults", "location": "westus2",
            "properties": {"provisioningState": "Succeeded"}
        })),
    );
    arm.index_graph();
    // A quota the tests do not wait on; the quota test sets Resource
    // Graph's own.
    arm.graph(|g| g.quota = Some((1000, std::time::Duration::from_secs(5))));
    arm
}

fn arm_args(arm: &FakeArm, tmp: &Path) -> Vec<String> {
    let mut a = strings(&["--now", NOW, "--quiet"]);
    a.extend(arm.args(tmp));
    a
}

fn subs(list: &[&str]) -> Vec<String> {
    list.iter()
        .flat_map(|s| ["--subscription".to_string(), s.to_string()])
        .collect()
}

/// `check --from <bundle> --now NOW <extra>`.
fn offline(bundle: &Path, extra: &[&str]) -> Run {
    let mut a = strings(&["check", "--from", bundle.to_str().unwrap(), "--now", NOW]);
    a.extend(strings(extra));
    run(&a, "")
}

fn json(r: &Run) -> Value {
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {} {}", r.stdout, r.stderr))
}

/// Per item (its id): the findings' codes, operations and messages.
fn per_item(report: &Value) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in report["findings"].as_array().unwrap() {
        let Some(item) = f["subject"]["item"].as_str().or_else(|| {
            f["subject"]["id"].as_str().filter(|id| {
                id.to_ascii_lowercase()
                    .contains("/replicationprotecteditems/")
            })
        }) else {
            continue;
        };
        out.entry(item.to_ascii_lowercase())
            .or_default()
            .insert(format!("{} {} {}", f["code"], f["operation"], f["message"]));
    }
    out
}

#[test]
fn a_fleet_reports_every_item_as_its_own_vault_would() {
    let arm = fleet();
    let tmp = tempfile::tempdir().unwrap();
    let base = arm_args(&arm, tmp.path());
    // Each vault on its own, through ARM lists.
    let mut expected = BTreeMap::new();
    for (sub, vault) in [
        (CONTOSO_SUB, "rg-dr-vault/contoso-asr-vault"),
        (HYPERV_SUB, "rg-dr-hyperv/contoso-hv-vault"),
    ] {
        let mut a = strings(&["check", "--live", "--format", "json", "--fail-on", "never"]);
        a.extend(subs(&[sub]));
        a.extend(strings(&["--vault", vault]));
        a.extend(base.clone());
        let r = run(&a, &arm.token);
        assert_eq!(r.code, 0, "{}", r.stderr);
        expected.extend(per_item(&json(&r)));
    }
    assert!(expected.len() >= 2, "{expected:?}");

    arm.clear_seen();
    let mut a = strings(&[
        "check",
        "--live",
        "--all-vaults",
        "--format",
        "json",
        "--fail-on",
        "never",
    ]);
    a.extend(subs(&[CONTOSO_SUB, HYPERV_SUB, BACKUP_SUB]));
    a.extend(base.clone());
    let live = run(&a, &arm.token);
    assert_eq!(live.code, 0, "{}", live.stderr);
    let report = json(&live);
    let got = per_item(&report);
    for (item, findings) in &expected {
        assert_eq!(got.get(item), Some(findings), "findings of {item}");
    }
    let items = [
        "examples/contoso/replicated-items.json",
        "examples/hyperv/replicated-items.json",
    ]
    .iter()
    .map(|f| entries(&root().join(f)).len() as u64)
    .sum::<u64>();
    assert_eq!(report["summary"]["items"], json!(items));
    // Only GETs to ARM and POSTs to Resource Graph, all with the token.
    let seen = arm.seen();
    let posts = seen.iter().filter(|s| s.method == "POST").count();
    assert!(posts >= 4, "{posts} Resource Graph queries");
    for s in &seen {
        assert!(
            s.method == "GET"
                || (s.method == "POST"
                    && s.target
                        .starts_with("/providers/Microsoft.ResourceGraph/resources?")),
            "{} {}",
            s.method,
            s.target
        );
        assert_eq!(
            s.authorization.as_deref(),
            Some(format!("Bearer {}", arm.token).as_str())
        );
    }
    // The backup-only vault is a note, not a gap.
    assert!(
        report["notices"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap().contains("backup-only")),
        "{}",
        report["notices"]
    );

    // collect --all-vaults, then check --from: the same bytes.
    let bundle = tmp.path().join("fleet");
    let mut c = strings(&["collect", "--all-vaults", "--out", bundle.to_str().unwrap()]);
    c.extend(subs(&[CONTOSO_SUB, HYPERV_SUB, BACKUP_SUB]));
    c.extend(base.clone());
    let r = run(&c, &arm.token);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let read_back = offline(&bundle, &["--format", "json", "--fail-on", "never"]);
    assert_eq!(read_back.stdout, live.stdout);
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(bundle.join("manifest.json")).unwrap()).unwrap();
    let graph: Vec<&Value> = manifest["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["method"] == "POST")
        .collect();
    assert!(!graph.is_empty());
    for g in graph {
        assert!(
            g["query"].as_str().unwrap().ends_with("| order by id asc"),
            "{g}"
        );
        assert!(
            g["subscriptions"].as_array().is_some_and(|s| !s.is_empty()),
            "{g}"
        );
    }
}

fn fleet_check(arm: &FakeArm, tmp: &Path, list: &[&str], extra: &[&str]) -> Run {
    let mut a = strings(&["check", "--live", "--all-vaults", "--format", "json"]);
    a.extend(subs(list));
    a.extend(arm_args(arm, tmp));
    a.extend(strings(extra));
    run(&a, &arm.token)
}

fn missing(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "ASR901")
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect()
}

/// `collect --all-vaults` of contoso's and the Hyper-V subscriptions into
/// `<tmp>/fleet`: the bundle and its manifest.
fn collect_fleet(arm: &FakeArm, tmp: &Path) -> (PathBuf, Value) {
    let bundle = tmp.join("fleet");
    let mut c = strings(&["collect", "--all-vaults", "--out", bundle.to_str().unwrap()]);
    c.extend(subs(&[CONTOSO_SUB, HYPERV_SUB]));
    c.extend(arm_args(arm, tmp));
    let r = run(&c, &arm.token);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(bundle.join("manifest.json")).unwrap()).unwrap();
    (bundle, manifest)
}

#[test]
fn pages_are_followed_through_skip_tokens_and_read_the_same_offline() {
    let arm = fleet();
    arm.graph(|g| g.max_page = 2);
    let tmp = tempfile::tempdir().unwrap();
    let (bundle, manifest) = collect_fleet(&arm, tmp.path());
    let item_pages: Vec<&Value> = manifest["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            r["query"]
                .as_str()
                .is_some_and(|q| q.contains("replicationprotecteditems"))
        })
        .collect();
    // contoso's items and the Hyper-V vault's, two per page.
    let items: usize = [
        "examples/contoso/replicated-items.json",
        "examples/hyperv/replicated-items.json",
    ]
    .iter()
    .map(|f| entries(&root().join(f)).len())
    .sum();
    assert_eq!(item_pages.len(), items.div_ceil(2), "{item_pages:?}");
    let page = |f: &str| *item_pages.iter().find(|p| p["file"] == f).unwrap();
    assert!(page("graph/replicated-items.json")
        .get("skipToken")
        .is_none());
    assert_eq!(
        page("graph/replicated-items.page2.json")["skipToken"],
        "fake-skip-2"
    );
    let report = json(&offline(&bundle, &["--format", "json"]));
    assert_eq!(report["summary"]["items"].as_u64().unwrap() as usize, items);
    assert!(
        missing(&report)
            .iter()
            .all(|m| !m.contains("replicated items")),
        "{:?}",
        missing(&report)
    );
    // A page neither saved nor recorded: the page before it names a
    // `$skipToken` nobody followed (items' page 2 was asked with the same
    // token: a token counts for its own query only).
    let mut m = manifest.clone();
    m["requests"]
        .as_array_mut()
        .unwrap()
        .retain(|r| r["file"] != "graph/vms.page2.json");
    m["files"]
        .as_array_mut()
        .unwrap()
        .retain(|f| f != "graph/vms.page2.json");
    std::fs::write(
        bundle.join("manifest.json"),
        serde_json::to_vec(&m).unwrap(),
    )
    .unwrap();
    std::fs::remove_file(bundle.join("graph/vms.page2.json")).unwrap();
    let gaps = missing(&json(&offline(&bundle, &["--format", "json"])));
    assert!(
        gaps.iter()
            .any(|m| m.contains("virtual machines") && m.contains("$skipToken")),
        "{gaps:?}"
    );
    // A page left out of the bundle: the list is incomplete, never whole.
    let last = format!("graph/replicated-items.page{}.json", item_pages.len());
    std::fs::remove_file(bundle.join(last)).unwrap();
    let cut = offline(&bundle, &["--format", "json"]);
    let gaps = missing(&json(&cut));
    assert!(
        gaps.iter()
            .any(|m| m.contains("replicated items") && m.contains("page")),
        "{gaps:?}"
    );
}

#[test]
fn queries_keep_within_resource_graph_quota() {
    let arm = fleet();
    arm.graph(|g| {
        g.quota = Some((3, std::time::Duration::from_secs(1)));
        g.max_page = 4;
    });
    let tmp = tempfile::tempdir().unwrap();
    let r = fleet_check(
        &arm,
        tmp.path(),
        &[CONTOSO_SUB, HYPERV_SUB],
        &["--fail-on", "never"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let posts: Vec<std::time::Instant> = arm
        .seen()
        .iter()
        .filter(|s| s.method == "POST")
        .map(|s| s.at)
        .collect();
    assert!(posts.len() > 9, "{} queries", posts.len());
    // Paced by the quota headers: never throttled.
    assert_eq!(arm.graph(|g| g.throttled), 0);
    let span = *posts.last().unwrap() - posts[0];
    assert!(
        span >= std::time::Duration::from_secs((posts.len() as u64 - 1) / 3 - 1),
        "{} queries in {span:?}",
        posts.len()
    );
}

#[test]
fn a_subscription_that_cannot_be_read_makes_the_fleet_incomplete() {
    let arm = fleet();
    arm.graph(|g| {
        g.unreadable.insert(HIDDEN_SUB.to_string());
    });
    let tmp = tempfile::tempdir().unwrap();
    let r = fleet_check(&arm, tmp.path(), &[CONTOSO_SUB, HIDDEN_SUB], &[]);
    let report = json(&r);
    // contoso's own findings block (exit 1); the gap is reported beside them.
    assert_eq!(r.code, 1, "{}", r.stderr);
    let gaps = missing(&report);
    assert!(
        gaps.iter()
            .any(|m| m.contains(HIDDEN_SUB) && m.contains("replicated items")),
        "{gaps:?}"
    );
    let notices = report["notices"].to_string();
    assert!(
        notices.contains("could not be read") && notices.contains(HIDDEN_SUB),
        "{notices}"
    );
    // The readable vault is still checked in full.
    assert!(report["summary"]["items"].as_u64().unwrap() > 0);
}

#[test]
fn a_resource_graph_page_that_fails_leaves_its_facts_incomplete() {
    let arm = fleet();
    arm.graph(|g| {
        g.max_page = 2;
        g.fail = Some(("microsoft.compute/virtualmachines".to_string(), 2, 500));
    });
    let tmp = tempfile::tempdir().unwrap();
    let r = fleet_check(
        &arm,
        tmp.path(),
        &[CONTOSO_SUB, HYPERV_SUB],
        &["--retries", "1"],
    );
    let report = json(&r);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let gaps = missing(&report);
    assert!(
        gaps.iter()
            .any(|m| m.contains("virtual machines") && m.contains("500")),
        "{gaps:?}"
    );
    let _ = FaultKind::Reset; // faults by path cannot single out one query's page
}

#[test]
fn the_fleet_table_ends_the_readable_reports_and_filters_compose() {
    let arm = fleet();
    let tmp = tempfile::tempdir().unwrap();
    let bundle = tmp.path().join("fleet");
    let mut c = strings(&["collect", "--all-vaults", "--out", bundle.to_str().unwrap()]);
    c.extend(subs(&[CONTOSO_SUB, HYPERV_SUB, BACKUP_SUB]));
    c.extend(arm_args(&arm, tmp.path()));
    assert_eq!(run(&c, &arm.token).code, 0);
    let check = |format: &str, extra: &[&str]| {
        let mut a = vec!["--color", "never", "--format", format];
        a.extend_from_slice(extra);
        offline(&bundle, &a)
    };
    let human = check("human", &[]);
    assert_eq!(human.code, 1, "{}", human.stderr);
    let table = human
        .stdout
        .split("vaults (2):")
        .nth(1)
        .expect("fleet table");
    assert!(
        table.contains("contoso-asr-vault") && table.contains("contoso-hv-vault"),
        "{table}"
    );
    assert!(table.contains("on-premises → westeurope"), "{table}");
    assert!(
        human.stdout.contains("· vault contoso-hv-vault"),
        "{}",
        human.stdout
    );
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(root().join("snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!("fleet_human", human.stdout));
    // The README quotes the fleet table as this run prints it.
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let printed: String = human
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("vaults ("))
        .take_while(|l| !l.is_empty())
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(printed.lines().count() == 4, "{printed}");
    assert!(
        readme.contains(&printed),
        "the README's fleet table differs from:\n{printed}"
    );
    let html = check("html", &[]).stdout;
    let vaults = html
        .split("<table id=\"vaults\">")
        .nth(1)
        .expect("vault table");
    let vaults = vaults.split("</table>").next().unwrap();
    assert_eq!(vaults.matches("<tr><td>").count(), 2, "{vaults}");
    assert!(vaults.contains("contoso-asr-vault") && vaults.contains("contoso-hv-vault"));
    assert!(html.contains("<select data-filter=\"vault\"><option value=\"\">all</option><option value=\"contoso-asr-vault\">"));
    assert!(html.contains("data-vault=\"|contoso-hv-vault|\""));
    let md = check("markdown", &[]);
    assert!(
        md.stdout.contains("## Vaults") && md.stdout.contains("| `contoso-hv-vault` |"),
        "{}",
        md.stdout
    );

    // The JSON rollup: per vault, items and what stops them.
    let report = json(&check("json", &[]));
    let rows = report["vaults"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    let items: u64 = rows.iter().map(|r| r["items"].as_u64().unwrap()).sum();
    assert_eq!(items, report["summary"]["items"].as_u64().unwrap());
    for r in rows {
        assert!(r["ready"].as_u64() <= r["items"].as_u64(), "{r}");
    }
    // Findings name their vault.
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["subject"]["item"].is_string())
        .all(|f| f["subject"]["vault"].is_string()));

    // --vault keeps one vault of the fleet, live and offline alike.
    let mut a = strings(&[
        "check",
        "--live",
        "--all-vaults",
        "--vault",
        "rg-dr-hyperv/contoso-hv-vault",
        "--format",
        "json",
        "--fail-on",
        "never",
    ]);
    a.extend(subs(&[CONTOSO_SUB, HYPERV_SUB]));
    a.extend(arm_args(&arm, tmp.path()));
    let one = json(&run(&a, &arm.token));
    let hv_items = entries(&root().join("examples/hyperv/replicated-items.json")).len() as u64;
    assert_eq!(one["summary"]["items"].as_u64().unwrap(), hv_items);
    assert!(one["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["subject"]["vault"]
            .as_str()
            .is_none_or(|v| v.ends_with("contoso-hv-vault"))));
}

#[test]
fn status_and_diagnose_read_the_fleet_too() {
    let arm = fleet();
    let tmp = tempfile::tempdir().unwrap();
    for cmd in [["status", "--live"], ["diagnose", "--live"]] {
        arm.clear_seen();
        let mut a = strings(&cmd);
        a.extend(strings(&["--all-vaults", "--format", "json"]));
        a.extend(subs(&[CONTOSO_SUB, HYPERV_SUB]));
        a.extend(arm_args(&arm, tmp.path()));
        let r = run(&a, &arm.token);
        assert!(r.code != 2, "{cmd:?}: {}", r.stderr);
        let v = json(&r);
        let text = v.to_string();
        // Both vaults' jobs were read, and the items of both reported.
        for v in [CONTOSO, HYPERV] {
            let jobs = format!("{v}/replicationJobs?").to_ascii_lowercase();
            assert!(
                arm.seen()
                    .iter()
                    .any(|s| s.target.to_ascii_lowercase().starts_with(&jobs)),
                "{cmd:?}: jobs of {v} not read"
            );
        }
        if cmd[0] == "status" {
            assert!(
                text.contains("hv-crm-01") && text.contains("sql-01"),
                "{cmd:?}: {text}"
            );
            // A line per vault, adding up to the whole.
            let vaults = v["vaults"].as_array().expect("per-vault status");
            assert_eq!(vaults.len(), 2, "{text}");
            let sum: u64 = vaults
                .iter()
                .map(|x| x["summary"]["items"].as_u64().unwrap())
                .sum();
            assert_eq!(sum, v["summary"]["items"].as_u64().unwrap());
        } else {
            assert!(text.contains("batch-02"), "{cmd:?}: {text}");
        }
    }
}

#[test]
fn vaults_failing_over_into_one_quota_share_it_and_say_so() {
    // A second A2A vault beside contoso's, protecting into the same
    // subscription and region: the two draw on one vCPU quota.
    let arm = fleet();
    let tmp = tempfile::tempdir().unwrap();
    let twin = tmp.path().join("twin");
    std::fs::create_dir_all(&twin).unwrap();
    for f in [
        "replicated-items.json",
        "recovery-plans.json",
        "jobs.json",
        "policies.json",
    ] {
        let text = std::fs::read_to_string(root().join("examples/contoso").join(f)).unwrap();
        std::fs::write(
            twin.join(f),
            text.replace("contoso-asr-vault", "contoso-asr-vault-2"),
        )
        .unwrap();
    }
    let twin_id = CONTOSO.replace("contoso-asr-vault", "contoso-asr-vault-2");
    serve_files(&arm, &twin, &twin_id, CONTOSO_SUB);
    arm.route(
        &twin_id,
        Route::One(json!({"id": twin_id, "name": "contoso-asr-vault-2",
            "type": "Microsoft.RecoveryServices/vaults", "location": "eastus2"})),
    );
    arm.index_graph();
    let r = fleet_check(&arm, tmp.path(), &[CONTOSO_SUB], &["--fail-on", "never"]);
    let report = json(&r);
    let shared: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["subject"]["vaults"]
                .as_array()
                .is_some_and(|v| v.len() == 2)
        })
        .collect();
    assert!(
        !shared.is_empty(),
        "no finding names the vaults sharing a quota"
    );
    for f in &shared {
        let m = f["message"].as_str().unwrap();
        assert!(
            m.contains("the items of 2 vaults share this quota: `contoso-asr-vault`, `contoso-asr-vault-2`"),
            "{m}"
        );
    }
    // The fleet's demand is the sum: twice one vault's.
    let one = |rows: &Value| -> i64 {
        rows.as_array()
            .unwrap()
            .iter()
            .filter(|r| r["region"] == "centralus" && r["quota"] == "cores")
            .map(|r| r["needed"].as_i64().unwrap())
            .sum()
    };
    let mut a = strings(&[
        "check",
        "--live",
        "--subscription",
        CONTOSO_SUB,
        "--vault",
        "rg-dr-vault/contoso-asr-vault",
        "--format",
        "json",
        "--fail-on",
        "never",
    ]);
    a.extend(arm_args(&arm, tmp.path()));
    let alone = json(&run(&a, &arm.token));
    assert!(one(&alone["capacity"]) > 0);
    assert_eq!(one(&report["capacity"]), 2 * one(&alone["capacity"]));
}

#[test]
fn subscriptions_go_by_the_thousand_and_a_truncated_scope_is_incomplete() {
    let arm = fleet();
    let tmp = tempfile::tempdir().unwrap();
    // 1,001 subscriptions: two batches, none over Resource Graph's limit.
    let mut many: Vec<String> = (0..1000)
        .map(|i| format!("00000000-0000-4000-8000-{i:012}"))
        .collect();
    many.push(CONTOSO_SUB.to_string());
    let list: Vec<&str> = many.iter().map(String::as_str).collect();
    let r = fleet_check(&arm, tmp.path(), &list, &["--fail-on", "never"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let bodies: Vec<Value> = arm
        .seen()
        .iter()
        .filter(|s| s.method == "POST")
        .map(|s| serde_json::from_slice(&s.body).unwrap())
        .collect();
    assert!(bodies
        .iter()
        .all(|b| b["subscriptions"].as_array().unwrap().len() <= 1000));
    let item_queries = bodies
        .iter()
        .filter(|b| {
            b["query"]
                .as_str()
                .unwrap()
                .contains("replicationprotecteditems")
        })
        .count();
    assert_eq!(item_queries, 2);
    let report = json(&r);
    let contoso = entries(&root().join("examples/contoso/replicated-items.json")).len() as u64;
    assert_eq!(report["summary"]["items"].as_u64().unwrap(), contoso);
    // The 1,000 empty subscriptions return nothing: not readable, said once.
    assert!(report["notices"]
        .to_string()
        .contains("1000 subscriptions in scope could not be read"));

    // Resource Graph says the tenant's subscription limit cut the scope:
    // what its pages hold is incomplete.
    let arm = fleet();
    arm.graph(|g| g.limit_hit = true);
    let r = fleet_check(&arm, tmp.path(), &[CONTOSO_SUB], &["--fail-on", "never"]);
    let gaps = missing(&json(&r));
    assert!(
        gaps.iter()
            .any(|m| m.contains("replicated items") && m.contains("TenantSubscriptionLimitHit")),
        "{gaps:?}"
    );
}

#[test]
fn the_scope_is_every_listed_subscription_or_a_management_groups() {
    let arm = fleet();
    let tmp = tempfile::tempdir().unwrap();
    let items = |r: &Run| json(r)["summary"]["items"].as_u64().unwrap();
    let both = entries(&root().join("examples/contoso/replicated-items.json")).len()
        + entries(&root().join("examples/hyperv/replicated-items.json")).len();
    // No --subscription: every subscription the identity can list.
    let all = fleet_check(&arm, tmp.path(), &[], &["--fail-on", "never"]);
    assert_eq!(all.code, 0, "{}", all.stderr);
    assert_eq!(items(&all) as usize, both);
    assert!(arm
        .seen()
        .iter()
        .any(|s| s.target.starts_with("/subscriptions?api-version=")));
    // A management group: its subscriptions, through Resource Graph's scope.
    arm.graph(|g| {
        g.management_groups
            .insert("mg-dr".to_string(), vec![HYPERV_SUB.to_string()]);
    });
    arm.clear_seen();
    let mg = fleet_check(
        &arm,
        tmp.path(),
        &[],
        &["--management-group", "mg-dr", "--fail-on", "never"],
    );
    assert_eq!(mg.code, 0, "{}", mg.stderr);
    let hv = entries(&root().join("examples/hyperv/replicated-items.json")).len();
    assert_eq!(items(&mg) as usize, hv);
    assert!(arm.seen().iter().filter(|s| s.method == "POST").any(|s| {
        serde_json::from_slice::<Value>(&s.body).unwrap()["managementGroups"] == json!(["mg-dr"])
    }));
    assert!(json(&mg)["notices"]
        .to_string()
        .contains("management group `mg-dr`"));
}

#[test]
fn a_failed_subscriptions_query_is_no_gap_when_the_rows_show_the_subscriptions() {
    let arm = fleet();
    let tmp = tempfile::tempdir().unwrap();
    let clean = json(&fleet_check(
        &arm,
        tmp.path(),
        &[CONTOSO_SUB, HYPERV_SUB],
        &["--fail-on", "never"],
    ));
    arm.graph(|g| g.fail = Some(("microsoft.resources/subscriptions".to_string(), 1, 400)));
    let r = fleet_check(
        &arm,
        tmp.path(),
        &[CONTOSO_SUB, HYPERV_SUB],
        &["--fail-on", "never"],
    );
    let report = json(&r);
    assert_eq!(per_item(&report), per_item(&clean));
    assert_eq!(missing(&report), missing(&clean));
    assert!(
        !report["notices"].to_string().contains("could not be read"),
        "{}",
        report["notices"]
    );
}

#[test]
fn a_vault_named_that_is_not_there_is_an_error_and_a_page_without_data_is_missing() {
    let arm = fleet();
    let tmp = tempfile::tempdir().unwrap();
    let r = fleet_check(
        &arm,
        tmp.path(),
        &[CONTOSO_SUB],
        &["--vault", "rg-dr-vault/no-such-vault"],
    );
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stderr.contains("no-such-vault") && r.stderr.contains("no such vault"),
        "{}",
        r.stderr
    );

    // A 200 without `data` rows: the VMs it should list are missing, not absent.
    arm.graph(|g| g.fail = Some(("microsoft.compute/virtualmachines".to_string(), 1, 200)));
    let r = fleet_check(&arm, tmp.path(), &[CONTOSO_SUB], &["--fail-on", "never"]);
    let gaps = missing(&json(&r));
    assert!(
        gaps.iter()
            .any(|m| m.contains("virtual machines") && m.contains("NotAGraphResult")),
        "{gaps:?}"
    );
}

#[test]
fn only_reprotects_temporary_disks_are_queried_where_items_have_failed_over() {
    let arm = fleet();
    // Where contoso's failed-over batch VMs run now (centralus): two disks
    // of VMs and one left by an interrupted reprotect.
    let disk = |name: &str, gb: i64| {
        json!({
            "id": format!("/subscriptions/{CONTOSO_SUB}/resourceGroups/rg-batch-prod-asr/providers/Microsoft.Compute/disks/{name}"),
            "name": name, "type": "Microsoft.Compute/disks", "location": "centralus",
            "properties": {"diskSizeGB": gb, "diskState": "Unattached", "timeCreated": "2026-11-20T08:00:00Z"}
        })
    };
    arm.route(
        &format!("/subscriptions/{CONTOSO_SUB}/providers/Microsoft.Compute/disks"),
        Route::List(vec![
            disk("batch-01_osdisk", 128),
            disk("MS-ASR-7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f", 256),
            disk("batch-02_osdisk", 128),
        ]),
    );
    arm.index_graph();
    arm.graph(|g| g.quota = Some((1000, std::time::Duration::from_secs(5))));
    let tmp = tempfile::tempdir().unwrap();
    let (bundle, manifest) = collect_fleet(&arm, tmp.path());
    let queries: Vec<&str> = manifest["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["query"].as_str())
        .collect();
    assert!(
        queries.contains(&"resources | where type =~ 'microsoft.compute/disks' | where name startswith 'ms-asr-' | project id, name, type, location, resourceGroup, subscriptionId, properties | order by id asc"),
        "{queries:?}"
    );
    assert!(
        !queries.iter().any(|q| q.contains("networkinterfaces")),
        "{queries:?}"
    );
    // The bundle holds the leftover only, and the check reports it.
    let text = std::fs::read_to_string(bundle.join("graph/disks.json")).unwrap();
    assert!(text.contains("MS-ASR-7c1d2e3f"), "{text}");
    assert!(!text.contains("batch-01_osdisk"), "{text}");
    let report = json(&offline(&bundle, &["--format", "json", "--rule", "ASR202"]));
    let found: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "ASR202")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(found.len(), 1, "{report}");
    assert!(
        found[0].starts_with(
            "1 temporary reprotect disk still exists in `rg-batch-prod-asr` (256 GiB)"
        ),
        "{}",
        found[0]
    );
}
