//! Fleet benchmark: a generated fleet of vaults (each a `gen-estate` vault
//! renamed, its subscriptions spread over a pool) served by the fake ARM
//! with its Resource Graph (1,000 rows a page, the default quota of 15
//! queries per 5 s enforced with its headers) and a latency per request:
//! `check --live --all-vaults` against the per-vault path (`check --live
//! --vault` once per vault) on the same fleet, side by side. Prints
//! requests, wall, CPU and peak memory of each (GNU time).
//!
//! Every `failed_over_every`-th vault holds items that have failed over
//! (their reprotect or failback reads disks, NICs and Resource Health of
//! their subscriptions); the others only protected items.
//!
//! Usage: cargo bench --bench fleet -- [vaults=50] [items=400] [subscriptions=20] [latency_ms=50] [failed_over_every=10]

#[path = "estate.rs"]
mod estate;
#[path = "../tests/common/fake_arm.rs"]
mod fake_arm;

use fake_arm::{FakeArm, Route};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

struct Measured {
    wall: f64,
    cpu: f64,
    peak_mb: u64,
    stdout: Vec<u8>,
}

/// Runs `asr-preflight` under GNU time.
fn measured(args: &[String], arm: &FakeArm) -> Measured {
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%e %U %S %M", env!("CARGO_BIN_EXE_asr-preflight")])
        .args(args)
        .env("ASR_PREFLIGHT_TOKEN", &arm.token)
        .output()
        .expect("GNU time (/usr/bin/time) is needed: apt-get install time");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = stderr.lines().last().unwrap_or("");
    let f: Vec<f64> = last
        .split_whitespace()
        .filter_map(|x| x.parse().ok())
        .collect();
    assert!(
        f.len() == 4 && out.status.code().is_some_and(|c| c != 2),
        "{stderr}"
    );
    Measured {
        wall: f[0],
        cpu: f[1] + f[2],
        peak_mb: f[3] as u64 / 1024,
        stdout: out.stdout,
    }
}

#[allow(clippy::disallowed_macros, reason = "a benchmark prints its numbers")]
fn main() {
    asr_preflight::arm::use_ring();
    let arg = |i: usize, d: usize| estate::arg(i, d);
    let (vaults, items, subs_n, latency) = (arg(0, 50), arg(1, 400), arg(2, 20), arg(3, 50));
    let failed_over_every = arg(4, 10).max(1);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // Enough items that `items` remain without the failed-over ones.
    let generated = items + items / 20 + 5;
    let template = root.join(format!("target/bench/fleet-template-{generated}"));
    estate::generate(&template, generated);
    let pool: Vec<String> = (0..subs_n)
        .map(|i| {
            format!(
                "{:08x}-0000-4000-8000-{:012x}",
                0xf1ee_7000u32 + i as u32,
                i
            )
        })
        .collect();
    let mut routes = BTreeMap::new();
    let mut ones = BTreeMap::new();
    let mut fleet = Vec::new();
    let mut total = 0;
    for v in 0..vaults {
        // Vault v lives in pool[v]; its four subscriptions are spread out.
        let map: Vec<(String, String)> = estate::GEN_SUBS
            .iter()
            .enumerate()
            .map(|(k, s)| (s.to_string(), pool[(v + 5 * k) % subs_n].clone()))
            .collect();
        let rewrite = move |t: &str| {
            let mut t = t
                .replace("bench-vault", &format!("vault-{v:02}"))
                .replace("rg-dr-vault", &format!("rg-dr-v{v:02}"))
                .replace("rg-app-", &format!("rg-v{v:02}-app-"))
                .replace("\"vm-0", &format!("\"v{v:02}-vm-0"));
            for (from, to) in &map {
                t = t.replace(from.as_str(), to);
            }
            t
        };
        let failed_over = v % failed_over_every == 0;
        let (id, n) = estate::add_estate(
            &template,
            &rewrite,
            &mut routes,
            &mut ones,
            items,
            failed_over,
        );
        total += n;
        fleet.push((
            id,
            pool[v % subs_n].clone(),
            format!("rg-dr-v{v:02}/vault-{v:02}"),
        ));
    }
    let arm = FakeArm::http();
    for (k, list) in routes {
        arm.route(&k, Route::List(list));
    }
    for (k, one) in ones {
        arm.route(&k, Route::One(one));
    }
    arm.index_graph();
    arm.set_latency(Duration::from_millis(latency as u64));
    let tmp = std::env::temp_dir().join(format!("asr-fleet-bench-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let common: Vec<String> = [
        "--now",
        "2026-11-22T12:00:00Z",
        "--format",
        "json",
        "--quiet",
        "--fail-on",
        "never",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain(arm.args(&tmp))
    .collect();
    println!(
        "fleet: {vaults} vaults × {items} items ({total} items) over {subs_n} subscriptions, failed-over items in every {failed_over_every}th vault, {latency} ms per request, Resource Graph quota 15 per 5 s"
    );

    // Fleet mode.
    arm.clear_seen();
    let mut a: Vec<String> = vec!["check".into(), "--live".into(), "--all-vaults".into()];
    for s in &pool {
        a.push("--subscription".into());
        a.push(s.clone());
    }
    a.extend(common.clone());
    let m = measured(&a, &arm);
    let seen = arm.seen();
    let queries = seen.iter().filter(|s| s.method == "POST").count();
    let report: serde_json::Value = serde_json::from_slice(&m.stdout).unwrap();
    println!(
        "--all-vaults: {} requests ({queries} Resource Graph queries, {} throttled), wall {:.1} s, CPU {:.1} s, peak {} MB; {} items, {} findings",
        seen.len(),
        arm.graph(|g| g.throttled),
        m.wall,
        m.cpu,
        m.peak_mb,
        report["summary"]["items"],
        report["findings"].as_array().map_or(0, |f| f.len())
    );
    let fleet_requests = seen.len();
    let mut per_query: BTreeMap<String, usize> = BTreeMap::new();
    for s in seen.iter().filter(|s| s.method == "POST") {
        let body: serde_json::Value = serde_json::from_slice(&s.body).unwrap_or_default();
        let q = body["query"].as_str().unwrap_or("");
        let t = q
            .split('\'')
            .nth(1)
            .unwrap_or(q)
            .rsplit('/')
            .next()
            .unwrap_or("")
            .to_string();
        *per_query.entry(t).or_default() += 1;
    }
    let mut arm_lists: BTreeMap<String, usize> = BTreeMap::new();
    for s in seen.iter().filter(|s| s.method == "GET") {
        let path = s.target.split('?').next().unwrap_or("");
        *arm_lists
            .entry(path.rsplit('/').next().unwrap_or("").to_ascii_lowercase())
            .or_default() += 1;
    }
    println!("  Resource Graph pages per type: {per_query:?}");
    println!("  ARM requests per list: {arm_lists:?}");

    // The per-vault path: one run per vault.
    let (mut wall, mut cpu, mut peak, mut requests, mut checked) = (0.0, 0.0, 0, 0, 0u64);
    for (_, sub, vault) in &fleet {
        arm.clear_seen();
        let mut a: Vec<String> = ["check", "--live", "--subscription", sub, "--vault", vault]
            .iter()
            .map(|s| s.to_string())
            .collect();
        a.extend(common.clone());
        let m = measured(&a, &arm);
        wall += m.wall;
        cpu += m.cpu;
        peak = peak.max(m.peak_mb);
        requests += arm.seen().len();
        let r: serde_json::Value = serde_json::from_slice(&m.stdout).unwrap();
        checked += r["summary"]["items"].as_u64().unwrap_or(0);
    }
    println!(
        "per vault ({} runs): {requests} requests, wall {wall:.1} s, CPU {cpu:.1} s, peak {peak} MB per run; {checked} items",
        fleet.len()
    );
    println!(
        "fleet mode: {:.1}× fewer requests, {:.1}× the wall time of the per-vault runs",
        requests as f64 / fleet_requests.max(1) as f64,
        m.wall / wall.max(0.001)
    );
    let _ = std::fs::remove_dir_all(&tmp);
}
