//! Live benchmark: `check --live` of a generated vault served by the fake
//! ARM with added latency per request, against the same facts fetched the
//! way people script it today (per item: the item, its VM, its locks).
//!
//! Usage: cargo bench --bench live -- [items=1000] [latency_ms=50] [page=100] [runs=3]
//!
//! Prints wall time (best and median), requests, and the per-item script's
//! measured rate extrapolated to the same vault.

#[path = "estate.rs"]
mod estate;
#[path = "../tests/common/fake_arm.rs"]
mod fake_arm;

use fake_arm::{FakeArm, Route};
use serde_json::Value;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const SUB: &str = "0b8c3f2e-7a41-4d6b-9e15-2c7f8a9d0e31";

fn read(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .unwrap()
}

/// Serves a `gen-estate` bundle at the ARM paths `collect` asks for;
/// returns its items and VMs.
fn serve(arm: &FakeArm, dir: &Path) -> (usize, usize) {
    let mut routes = std::collections::BTreeMap::new();
    let mut ones = std::collections::BTreeMap::new();
    let (_, items) = estate::add_estate(
        dir,
        &|t| t.to_string(),
        &mut routes,
        &mut ones,
        usize::MAX,
        true,
    );
    let vms = routes
        .iter()
        .filter(|(k, _)| k.ends_with("/virtualmachines"))
        .map(|(_, v)| v.len())
        .sum();
    for (k, list) in routes {
        arm.route(&k, Route::List(list));
    }
    for (k, one) in ones {
        arm.route(&k, Route::One(one));
    }
    (items, vms)
}

#[allow(clippy::disallowed_macros, reason = "a benchmark prints its numbers")]
fn main() {
    asr_preflight::arm::use_ring();
    let arg = |i: usize, d: u64| estate::arg(i, d);
    let (n, latency, page, runs) = (arg(0, 1000), arg(1, 50), arg(2, 100), arg(3, 3));
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join(format!("target/bench/live-{n}"));
    estate::generate(&dir, n as usize);
    let arm = FakeArm::http();
    let (items, vms) = serve(&arm, &dir);
    arm.set_page_size(page as usize);
    arm.set_latency(Duration::from_millis(latency));
    let tmp = std::env::temp_dir().join(format!("asr-live-bench-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();

    let mut walls = Vec::new();
    let mut requests = 0;
    let mut summary = Value::Null;
    for _ in 0..runs {
        arm.clear_seen();
        let t = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_asr-preflight"))
            .args([
                "check",
                "--live",
                "--subscription",
                SUB,
                "--vault",
                "rg-dr-vault/bench-vault",
            ])
            .args([
                "--now",
                "2026-11-22T12:00:00Z",
                "--format",
                "json",
                "--quiet",
                "--fail-on",
                "never",
            ])
            .args(arm.args(&tmp))
            .env("ASR_PREFLIGHT_TOKEN", &arm.token)
            .output()
            .unwrap();
        walls.push(t.elapsed().as_secs_f64());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        summary = report["summary"].clone();
        if std::env::var_os("LIVE_BENCH_REPORT").is_some() {
            std::fs::write(root.join("target/bench/live-report.json"), &out.stdout).unwrap();
        }
        requests = arm.seen().len();
    }
    let mut per_list: std::collections::BTreeMap<String, usize> = Default::default();
    for s in arm.seen() {
        let path = s
            .target
            .split('?')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        *per_list
            .entry(path.rsplit('/').next().unwrap_or("").to_string())
            .or_default() += 1;
    }
    walls.sort_by(|a, b| a.total_cmp(b));
    println!(
        "check --live: {items} items, {vms} VMs, pages of {page}, {latency} ms per request: best {:.2} s, median {:.2} s, {requests} requests; summary {summary}",
        walls[0],
        walls[walls.len() / 2]
    );
    println!("  requests per list: {per_list:?}");

    // The per-item script: for a sample of items, GET the item, its VM and
    // the VM's locks one after another (as `az rest` loops do), then scale.
    let sample = 50.min(items);
    let client = reqwest::blocking::Client::builder()
        .no_proxy()
        .build()
        .unwrap();
    let doc = estate::values(read(&dir.join("replicated-items.0000.json")));
    let t = Instant::now();
    let mut sent = 0;
    for item in doc.iter().take(sample) {
        let id = item["id"].as_str().unwrap();
        let vm = item["properties"]["providerSpecificDetails"]["fabricObjectId"]
            .as_str()
            .unwrap_or(id);
        for path in [
            format!("{id}?api-version=2025-08-01"),
            format!("{vm}?api-version=2024-11-01"),
            format!("{vm}/providers/Microsoft.Authorization/locks?api-version=2020-05-01"),
        ] {
            let _ = client
                .get(format!("{}{path}", arm.base))
                .bearer_auth(&arm.token)
                .send()
                .and_then(|r| r.bytes());
            sent += 1;
        }
    }
    let per_item = t.elapsed().as_secs_f64() / sample as f64;
    println!(
        "per-item script: {sent} requests for {sample} items in {:.2} s → {} requests and about {:.0} s for {items} items; as `az rest` calls (~0.3 s start-up each) about {:.0} s",
        t.elapsed().as_secs_f64(),
        3 * items,
        per_item * items as f64,
        3.0 * items as f64 * (0.3 + latency as f64 / 1000.0)
    );
    let _ = std::fs::remove_dir_all(&tmp);
}
