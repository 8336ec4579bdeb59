//! Serves a `gen-estate` bundle through the fake ARM at the paths `collect`
//! reads: the vault's lists, and per subscription (named in the files) VMs,
//! disks, NICs, locks, Resource Health (per subscription and per group),
//! usages and SKUs per region. `rewrite` changes each file's text first
//! (a fleet gives every vault its own names and subscriptions).

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;

/// The generated vault's id and subscriptions.
pub const GEN_VAULT: &str = "/Subscriptions/0b8c3f2e-7a41-4d6b-9e15-2c7f8a9d0e31/resourceGroups/rg-dr-vault/providers/Microsoft.RecoveryServices/vaults/bench-vault";
#[allow(dead_code, reason = "the live bench serves one vault as generated")]
pub const GEN_SUBS: [&str; 4] = [
    "0b8c3f2e-7a41-4d6b-9e15-2c7f8a9d0e31",
    "1c9d4a3f-8b52-4e7c-8f26-3d8a9bae1f42",
    "2dae5b40-9c63-4f8d-a037-4e9bacbf2053",
    "3ebf6c51-ad74-409e-b148-5facbdc03164",
];

/// The benchmark's `i`-th positional argument (those after `cargo bench
/// --bench <name> --`, flags left out), or `default` when absent or unreadable.
pub fn arg<T: std::str::FromStr>(i: usize, default: T) -> T {
    std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .nth(i)
        .and_then(|a| a.parse().ok())
        .unwrap_or(default)
}

/// The entries of a list document (`{"value": [...]}` or an array).
pub fn values(v: Value) -> Vec<Value> {
    match v {
        Value::Array(a) => a,
        Value::Object(mut o) => o
            .remove("value")
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// Generates a `gen-estate` bundle of `items` items in `dir` unless one is there.
pub fn generate(dir: &Path, items: usize) {
    if dir.join("manifest.json").exists() {
        return;
    }
    let ok = std::process::Command::new(env!("CARGO_BIN_EXE_gen-estate"))
        .args([
            "--items",
            &items.to_string(),
            "--out",
            dir.to_str().unwrap(),
        ])
        .status()
        .unwrap()
        .success();
    assert!(ok, "gen-estate failed");
}

/// The segment after `after` in an ARM id (case-insensitive).
fn segment<'a>(id: &'a str, after: &str) -> Option<&'a str> {
    let segs: Vec<&str> = id.split('/').collect();
    let i = segs.iter().position(|s| s.eq_ignore_ascii_case(after))?;
    segs.get(i + 1).copied()
}

/// Adds the routes of the bundle `dir` to `routes` (lists are appended:
/// vaults sharing a subscription share its lists; per-region counters are
/// the subscription's, kept once). At most `max_items` items are served,
/// without the failed-over ones unless `failed_over`. Returns (vault id, items).
pub fn add_estate(
    dir: &Path,
    rewrite: &dyn Fn(&str) -> String,
    routes: &mut BTreeMap<String, Vec<Value>>,
    ones: &mut BTreeMap<String, Value>,
    max_items: usize,
    failed_over: bool,
) -> (String, usize) {
    let vault = rewrite(GEN_VAULT);
    let mut items = 0;
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in names {
        if name == "manifest.json" || !name.ends_with(".json") {
            continue;
        }
        let text = rewrite(&std::fs::read_to_string(dir.join(&name)).unwrap());
        let list = values(serde_json::from_str(&text).unwrap());
        let parts: Vec<&str> = name.trim_end_matches(".json").split('.').collect();
        let sub = parts.get(1).map(|s| rewrite(s)).unwrap_or_default();
        let region = parts.get(2).copied().unwrap_or("");
        let s = format!("/subscriptions/{sub}");
        // Appended, or (per-region counters) kept once.
        let mut put = |path: String, list: Vec<Value>, append: bool| {
            let e = routes.entry(path.to_ascii_lowercase()).or_default();
            if append || e.is_empty() {
                e.extend(list);
            }
        };
        let mut add = |path: String, list: Vec<Value>| put(path, list, true);
        match parts[0] {
            "replicated-items" => {
                let list: Vec<Value> = list
                    .into_iter()
                    .filter(|i| failed_over || i["properties"]["activeLocation"] != "Recovery")
                    .take(max_items - items)
                    .collect();
                items += list.len();
                add(format!("{vault}/replicationProtectedItems"), list);
            }
            "jobs" => add(format!("{vault}/replicationJobs"), list),
            "recovery-plans" => add(format!("{vault}/replicationRecoveryPlans"), list),
            "vms" => {
                for vm in list {
                    let sub = segment(vm["id"].as_str().unwrap_or(""), "subscriptions")
                        .unwrap_or("")
                        .to_string();
                    add(
                        format!("/subscriptions/{sub}/providers/Microsoft.Compute/virtualMachines"),
                        vec![vm],
                    );
                }
            }
            "disks" => add(format!("{s}/providers/Microsoft.Compute/disks"), list),
            "nics" => add(
                format!("{s}/providers/Microsoft.Network/networkInterfaces"),
                list,
            ),
            "locks" => add(format!("{s}/providers/Microsoft.Authorization/locks"), list),
            "health" => {
                for h in &list {
                    if let Some(g) = segment(h["id"].as_str().unwrap_or(""), "resourceGroups") {
                        add(format!("{s}/resourceGroups/{g}/providers/Microsoft.ResourceHealth/availabilityStatuses"), vec![h.clone()]);
                    }
                }
                add(
                    format!("{s}/providers/Microsoft.ResourceHealth/availabilityStatuses"),
                    list,
                );
            }
            "usages" => put(
                format!("{s}/providers/Microsoft.Compute/locations/{region}/usages"),
                list,
                false,
            ),
            "network-usages" => put(
                format!("{s}/providers/Microsoft.Network/locations/{region}/usages"),
                list,
                false,
            ),
            "skus" => put(format!("{s}/providers/Microsoft.Compute/skus"), list, false),
            _ => {}
        }
    }
    let name = vault.rsplit('/').next().unwrap_or("vault").to_string();
    ones.insert(
        vault.to_ascii_lowercase(),
        json!({"id": vault, "name": name, "type": "Microsoft.RecoveryServices/vaults", "location": "centralus"}),
    );
    (vault, items)
}
