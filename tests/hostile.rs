//! The hostile-input suite: the example estate damaged one way at a time,
//! by category, checked on a base that is READY (exit 0) and on the full
//! example (exit 1), so that a damaged item cannot hide behind other
//! blockers. For every case: no panic, no hang, bounded output, and —
//! where a fact an item's verdict relied on was damaged — an ASR901 on that
//! item naming the field and the file; where nothing needed was damaged, the
//! same verdict as before.

mod common;

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const NOW: &str = "2026-11-22T12:00:00Z";
/// The items of the example that pass: the READY base checks only these.
const READY: &[&str] = &[
    "web-01",
    "web-02",
    "report-01",
    "files-01",
    "dc-01",
    "cache-01",
    "batch-01",
];
/// The example's subscription.
const SUB: &str = "6f1c3a52-8d4e-4b7a-9c21-3e5f7a9b0d14";
/// The item every item-level mutation damages.
const VICTIM: &str = "web-01";
/// Most output one run may print (the example's full report is ~15 KB).
const MAX_OUTPUT: usize = 256 * 1024;

/// What a case must give.
enum Expect {
    /// ASR901 on the victim, naming the field (substring) and the file.
    Unknown(&'static str, &'static str),
    /// The run is incomplete: an ASR901 whose message contains this.
    Incomplete(&'static str),
    /// A blocking finding of this rule.
    Blocks(&'static str),
    /// The tool refuses the input (exit 2) saying this.
    InputError(&'static str),
    /// Nothing needed was damaged: the verdict and findings of the base.
    Same,
}

struct Case {
    category: &'static str,
    name: String,
    mutate: Box<dyn Fn(&Path)>,
    expect: Expect,
}

fn case(category: &'static str, name: &str, expect: Expect, f: impl Fn(&Path) + 'static) -> Case {
    Case {
        category,
        name: name.to_string(),
        mutate: Box::new(f),
        expect,
    }
}

fn read_json(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn write_json(p: &Path, v: &Value) {
    std::fs::write(p, serde_json::to_string_pretty(v).unwrap()).unwrap();
}

/// Edits the list of replicated items.
fn items(dir: &Path, f: impl FnOnce(&mut Vec<Value>)) {
    let p = dir.join("replicated-items.json");
    let mut doc = read_json(&p);
    f(doc["value"].as_array_mut().unwrap());
    write_json(&p, &doc);
}

/// Edits the properties of the victim item.
fn victim(dir: &Path, f: impl FnOnce(&mut serde_json::Map<String, Value>)) {
    items(dir, |list| {
        let it = list
            .iter_mut()
            .find(|i| i["properties"]["friendlyName"] == VICTIM)
            .unwrap();
        f(it["properties"].as_object_mut().unwrap());
    });
}

/// Sets (or with `None` deletes) a field of the victim, `a.b` for nested ones.
fn set(path: &'static str, v: Option<Value>) -> impl Fn(&Path) {
    move |dir| {
        let v = v.clone();
        victim(dir, |props| {
            let mut obj = props;
            let mut parts: Vec<&str> = path.split('.').collect();
            let last = parts.pop().unwrap();
            for p in parts {
                obj = obj.get_mut(p).unwrap().as_object_mut().unwrap();
            }
            match v {
                Some(v) => {
                    obj.insert(last.to_string(), v);
                }
                None => {
                    obj.remove(last);
                }
            }
        })
    }
}

/// Sets a field of every `cores` counter in both usages files.
fn cores(field: &'static str, v: Value) -> impl Fn(&Path) {
    move |dir| {
        for region in ["centralus", "eastus2"] {
            let p = dir.join(format!("usages.{region}.json"));
            let mut doc = read_json(&p);
            for u in doc.as_array_mut().unwrap() {
                if u["name"]["value"] == "cores" {
                    u[field] = v.clone();
                }
            }
            write_json(&p, &doc);
        }
    }
}

fn add_lock(level: &'static str) -> impl Fn(&Path) {
    move |dir| {
        let p = dir.join("locks.json");
        let mut doc = read_json(&p);
        let sub = "6f1c3a52-8d4e-4b7a-9c21-3e5f7a9b0d14";
        doc.as_array_mut().unwrap().push(json!({
            "id": format!("/subscriptions/{sub}/resourceGroups/rg-web-prod-asr/providers/Microsoft.Authorization/locks/hostile"),
            "level": level,
            "name": "hostile",
            "notes": null,
            "owners": null,
            "resourceGroup": "rg-web-prod-asr",
            "type": "Microsoft.Authorization/locks"
        }));
        write_json(&p, &doc);
    }
}

/// Splits the item list into page files (`n` pages), with `nextLink`s on
/// all but `finals`' pages; the page numbers given.
fn pages(numbers: &'static [u32], finals: &'static [u32]) -> impl Fn(&Path) {
    move |dir| {
        let p = dir.join("replicated-items.json");
        let doc = read_json(&p);
        std::fs::remove_file(&p).unwrap();
        // Saved by hand, page by page: the manifest does not record them.
        let mp = dir.join("manifest.json");
        let mut m = read_json(&mp);
        m["requests"]
            .as_array_mut()
            .unwrap()
            .retain(|r| r["file"] != "replicated-items.json");
        write_json(&mp, &m);
        let all = doc["value"].as_array().unwrap().clone();
        let per = all.len().div_ceil(numbers.len());
        for (i, n) in numbers.iter().enumerate() {
            let chunk: Vec<Value> = all.iter().skip(i * per).take(per).cloned().collect();
            let mut page = json!({ "value": chunk });
            if !finals.contains(n) {
                page["nextLink"] = json!(format!(
                    "https://management.azure.com/subscriptions/x/replicationProtectedItems?api-version=2025-08-01&$skiptoken={n}"
                ));
            }
            write_json(&dir.join(format!("replicated-items.{n}.json")), &page);
        }
    }
}

fn cases() -> Vec<Case> {
    use Expect::*;
    let mut v = Vec::new();
    // Wrong types and unknown values of every item field the verdict reads.
    for (name, val) in [
        ("absent", None),
        ("empty", Some(json!(""))),
        ("a number", Some(json!(5))),
        ("an unknown word", Some(json!("Bananas"))),
        ("a trailing space", Some(json!("Protected "))),
        ("null", Some(Value::Null)),
        ("an object", Some(json!({"state": "Protected"}))),
    ] {
        v.push(case(
            "states",
            &format!("protectionState {name}"),
            Unknown("protectionState", "replicated-items.json"),
            set("protectionState", val),
        ));
    }
    for (name, val) in [
        ("absent", None),
        ("unknown", Some(json!("Elsewhere"))),
        ("a number", Some(json!(1))),
    ] {
        v.push(case(
            "states",
            &format!("activeLocation {name}"),
            Unknown("activeLocation", "replicated-items.json"),
            set("activeLocation", val),
        ));
    }
    for (name, val) in [
        ("absent", None),
        ("unknown", Some(json!("Sideways"))),
        ("an array", Some(json!([]))),
    ] {
        v.push(case(
            "states",
            &format!("testFailoverState {name}"),
            Unknown("testFailoverState", "replicated-items.json"),
            set("testFailoverState", val),
        ));
    }
    for (name, val) in [
        ("unknown", Some(json!("Frobnicate"))),
        ("a number", Some(json!(7))),
        ("absent", None),
    ] {
        v.push(case(
            "scenario",
            &format!("scenarioName {name}"),
            Unknown("currentScenario", "replicated-items.json"),
            set("currentScenario.scenarioName", val),
        ));
    }
    v.push(case(
        "scenario",
        "currentScenario a string",
        Unknown("currentScenario", "replicated-items.json"),
        set("currentScenario", Some(json!("TestFailover"))),
    ));
    for (name, val) in [
        ("absent", None),
        ("a string", Some(json!("UnplannedFailover"))),
        ("a number", Some(json!(5))),
    ] {
        v.push(case(
            "allowed operations",
            &format!("allowedOperations {name}"),
            Unknown("allowedOperations", "replicated-items.json"),
            set("allowedOperations", val),
        ));
    }
    v.push(case(
        "allowed operations",
        "allowedOperations with unknown values (an open set)",
        Same,
        |dir| {
            victim(dir, |p| {
                p["allowedOperations"]
                    .as_array_mut()
                    .unwrap()
                    .extend([json!("Teleport"), json!(42)])
            })
        },
    ));
    for (name, val) in [
        ("unknown", Some(json!("Meh"))),
        ("a number", Some(json!(3))),
        ("absent", None),
    ] {
        v.push(case(
            "health",
            &format!("replicationHealth {name}"),
            Unknown("replicationHealth", "replicated-items.json"),
            set("replicationHealth", val),
        ));
    }
    v.push(case(
        "health",
        "healthErrors a string",
        Unknown("healthErrors", "replicated-items.json"),
        set("healthErrors", Some(json!("oops"))),
    ));
    v.push(case(
        "provider",
        "providerSpecificDetails a string",
        Unknown("providerSpecificDetails", "replicated-items.json"),
        set("providerSpecificDetails", Some(json!("A2A"))),
    ));
    v.push(case(
        "provider",
        "instanceType unknown",
        Unknown("instanceType", "replicated-items.json"),
        set(
            "providerSpecificDetails.instanceType",
            Some(json!("Quantum")),
        ),
    ));
    v.push(case(
        "provider",
        "instanceType absent",
        Unknown("instanceType", "replicated-items.json"),
        set("providerSpecificDetails.instanceType", None),
    ));
    v.push(case(
        "provider",
        "rpoInSeconds a word",
        Unknown("rpoInSeconds", "replicated-items.json"),
        set("providerSpecificDetails.rpoInSeconds", Some(json!("lots"))),
    ));
    v.push(case(
        "provider",
        "recoveryAzureVMSize an object",
        Unknown("recoveryAzureVMSize", "replicated-items.json"),
        set(
            "providerSpecificDetails.recoveryAzureVMSize",
            Some(json!({"size": 1})),
        ),
    ));
    v.push(case(
        "dates",
        "lastSuccessfulTestFailoverTime a word",
        Unknown("lastSuccessfulTestFailoverTime", "replicated-items.json"),
        set("lastSuccessfulTestFailoverTime", Some(json!("yesterday"))),
    ));
    // Numbers a quota is computed from.
    for (name, val) in [
        ("-1", json!(-1)),
        ("\"-1\"", json!("-1")),
        ("-0", json!(-0.0)),
        ("\" 64 \"", json!(" 64 ")),
        ("\"64.0\"", json!("64.0")),
        ("\"1e3\"", json!("1e3")),
        ("null", Value::Null),
        ("a word", json!("lots")),
        ("a fraction", json!(12.5)),
    ] {
        v.push(case(
            "numbers",
            &format!("cores currentValue {name}"),
            Incomplete("`cores` counter"),
            cores("currentValue", val.clone()),
        ));
        v.push(case(
            "numbers",
            &format!("cores limit {name}"),
            Incomplete("`cores` counter"),
            cores("limit", val),
        ));
    }
    v.push(case(
        "numbers",
        "counters as JSON numbers (ARM)",
        Same,
        |dir| {
            for region in ["centralus", "eastus2"] {
                let p = dir.join(format!("usages.{region}.json"));
                let mut doc = read_json(&p);
                for u in doc.as_array_mut().unwrap() {
                    for field in ["currentValue", "limit"] {
                        let n: i64 = u[field].as_str().unwrap().parse().unwrap();
                        u[field] = json!(n);
                    }
                }
                write_json(&p, &doc);
            }
        },
    ));
    // Lock levels.
    v.push(case(
        "locks",
        "lock level unknown",
        Incomplete("level of lock `hostile`"),
        add_lock("SuperLocked"),
    ));
    v.push(case(
        "locks",
        "lock level empty",
        Incomplete("level of lock `hostile`"),
        add_lock(""),
    ));
    v.push(case(
        "locks",
        "lock level lower case blocks",
        Blocks("ASR501"),
        add_lock("readonly"),
    ));
    // Duplicates.
    v.push(case(
        "duplicates",
        "a conflicting copy of an item",
        Unknown("the whole item", "replicated-items"),
        |dir| {
            let doc = read_json(&dir.join("replicated-items.json"));
            let mut copy = doc["value"]
                .as_array()
                .unwrap()
                .iter()
                .find(|i| i["properties"]["friendlyName"] == VICTIM)
                .unwrap()
                .clone();
            copy["properties"]["replicationHealth"] = json!("Critical");
            write_json(&dir.join("replicated-items-web-01.json"), &copy);
        },
    ));
    v.push(case(
        "duplicates",
        "an identical copy of an item",
        Same,
        |dir| {
            let doc = read_json(&dir.join("replicated-items.json"));
            let copy = doc["value"]
                .as_array()
                .unwrap()
                .iter()
                .find(|i| i["properties"]["friendlyName"] == VICTIM)
                .unwrap()
                .clone();
            write_json(&dir.join("replicated-items-web-01.json"), &copy);
        },
    ));
    v.push(case(
        "duplicates",
        "a second copy of the usages with other numbers",
        Incomplete("contradicted"),
        |dir| {
            let mut doc = read_json(&dir.join("usages.centralus.json"));
            for u in doc.as_array_mut().unwrap() {
                u["currentValue"] = json!("1");
            }
            // Named after its subscription, as the manifest scopes the first.
            write_json(&dir.join(format!("usages.{SUB}.centralus.json")), &doc);
        },
    ));
    v.push(case(
        "duplicates",
        "a second, identical copy of the usages",
        Same,
        |dir| {
            let doc = read_json(&dir.join("usages.centralus.json"));
            write_json(&dir.join(format!("usages.{SUB}.centralus.json")), &doc);
        },
    ));
    // Empty and foreign lists.
    v.push(case(
        "empty lists",
        "items []",
        Incomplete("is empty"),
        |dir| std::fs::write(dir.join("replicated-items.json"), "[]").unwrap(),
    ));
    v.push(case(
        "empty lists",
        "items {\"value\": []}",
        Incomplete("is empty"),
        |dir| std::fs::write(dir.join("replicated-items.json"), r#"{"value": []}"#).unwrap(),
    ));
    v.push(case(
        "empty lists",
        "a VM inside the item list",
        Incomplete("not a replicated item"),
        |dir| {
            let vms = read_json(&dir.join("vms.json"));
            let vm = vms.as_array().unwrap()[0].clone();
            items(dir, |list| list.push(vm));
        },
    ));
    v.push(case("empty lists", "an entry of an unknown type inside the item list", Incomplete("not a replicated item"), |dir| {
        items(dir, |list| list.push(json!({"id": "/subscriptions/x/providers/Contoso.Thing/things/t", "type": "Contoso.Thing/things"})));
    }));
    // Deleted documents.
    for (file, says) in [
        ("replicated-items.json", "no replicated items"),
        ("locks.json", "resource locks"),
        ("usages.centralus.json", "compute usages"),
        ("skus.centralus.json", "SKU data"),
        ("vms.json", "virtual machines"),
    ] {
        v.push(case(
            "deleted documents",
            &format!("{file} deleted"),
            Incomplete(says),
            move |dir| std::fs::remove_file(dir.join(file)).unwrap(),
        ));
    }
    // Manifests that say what is missing, and ones about facts nobody needs.
    v.push(case("manifest", "a listed file is missing", Incomplete("which is not in the bundle"), |dir| {
        let p = dir.join("manifest.json");
        let mut m = read_json(&p);
        m["requests"].as_array_mut().unwrap().push(json!({"file": "vms.extra.json", "method": "GET", "path": "/subscriptions/6f1c3a52-8d4e-4b7a-9c21-3e5f7a9b0d14/providers/Microsoft.Compute/virtualMachines?api-version=2024-11-01", "status": 200}));
        write_json(&p, &m);
    }));
    v.push(case("manifest", "the lock list was denied", Incomplete("resource locks"), |dir| {
        std::fs::remove_file(dir.join("locks.json")).unwrap();
        let p = dir.join("manifest.json");
        let mut m = read_json(&p);
        let reqs = m["requests"].as_array_mut().unwrap();
        reqs.retain(|r| r["file"] != "locks.json");
        reqs.push(json!({"method": "GET", "path": "/subscriptions/6f1c3a52-8d4e-4b7a-9c21-3e5f7a9b0d14/providers/Microsoft.Authorization/locks?api-version=2020-05-01", "status": 403, "errorCode": "AuthorizationFailed"}));
        write_json(&p, &m);
    }));
    v.push(case("manifest", "usages of a region no operation creates in were denied", Same, |dir| {
        let p = dir.join("manifest.json");
        let mut m = read_json(&p);
        m["requests"].as_array_mut().unwrap().push(json!({"method": "GET", "path": "/subscriptions/6f1c3a52-8d4e-4b7a-9c21-3e5f7a9b0d14/providers/Microsoft.Compute/locations/westeurope/usages?api-version=2024-11-01", "status": 403, "errorCode": "AuthorizationFailed"}));
        write_json(&p, &m);
    }));
    // Page files.
    v.push(case(
        "pages",
        "items in two page files whose chain closes",
        Same,
        pages(&[1, 2], &[2]),
    ));
    v.push(case(
        "pages",
        "items in three page files whose chain closes",
        Same,
        pages(&[1, 2, 3], &[3]),
    ));
    v.push(case(
        "pages",
        "a page missing from the chain",
        Incomplete("numbered 1, 3"),
        pages(&[1, 3], &[3]),
    ));
    v.push(case(
        "pages",
        "two last pages",
        Incomplete("do not form one chain"),
        pages(&[1, 2], &[1, 2]),
    ));
    v.push(case(
        "pages",
        "no last page",
        Incomplete("nextLink"),
        pages(&[1, 2], &[]),
    ));
    // Truncation, encoding and shape: input errors, said precisely.
    v.push(case(
        "truncation",
        "items cut in half",
        InputError("replicated-items.json:"),
        |dir| {
            let p = dir.join("replicated-items.json");
            let t = std::fs::read_to_string(&p).unwrap();
            std::fs::write(&p, &t[..t.len() / 2]).unwrap();
        },
    ));
    v.push(case(
        "encoding",
        "items in UTF-16 with a byte-order mark",
        Same,
        |dir| {
            let p = dir.join("replicated-items.json");
            let t = std::fs::read_to_string(&p).unwrap();
            let mut b = vec![0xFF, 0xFE];
            b.extend(t.encode_utf16().flat_map(u16::to_le_bytes));
            std::fs::write(&p, b).unwrap();
        },
    ));
    v.push(case(
        "encoding",
        "invalid UTF-8 in items",
        InputError("invalid UTF-8"),
        |dir| {
            let p = dir.join("replicated-items.json");
            let mut b = std::fs::read(&p).unwrap();
            b.insert(b.len() / 2, 0xFF);
            std::fs::write(&p, b).unwrap();
        },
    ));
    for (name, text) in [
        ("a string", "\"items\""),
        ("a number", "5"),
        ("null", "null"),
    ] {
        v.push(case(
            "shape",
            &format!("items document is {name}"),
            InputError("replicated-items.json:"),
            move |dir| std::fs::write(dir.join("replicated-items.json"), text).unwrap(),
        ));
    }
    // Special files inside the bundle are skipped; their facts are missing.
    v.push(case(
        "special files",
        "a FIFO in place of the usages",
        Incomplete("compute usages"),
        |dir| {
            let p = dir.join("usages.centralus.json");
            std::fs::remove_file(&p).unwrap();
            let ok = Command::new("mkfifo")
                .arg(&p)
                .status()
                .map(|s| s.success())
                .unwrap_or(false);
            assert!(ok, "mkfifo");
        },
    ));
    // Huge values and control characters: bounded, escaped.
    v.push(case("huge values", "a 4 MB friendly name", Same, |dir| {
        victim(dir, |p| {
            p.insert(
                "friendlyName".into(),
                json!(format!("{VICTIM}{}", "x".repeat(4 << 20))),
            );
        })
    }));
    v.push(case(
        "huge values",
        "a 4 MB string where an object belongs",
        Unknown("currentScenario", "replicated-items.json"),
        |dir| {
            victim(dir, |p| {
                p.insert("currentScenario".into(), json!("y".repeat(4 << 20)));
            })
        },
    ));
    v.push(case(
        "control characters",
        "escape sequences in a health error message",
        Same,
        |dir| {
            victim(dir, |p| {
                p.insert(
                    "protectionStateDescription".into(),
                    json!("Protected\u{1b}[2J\u{7}\r\nfake: READY"),
                );
            })
        },
    ));
    v
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs the binary with a watchdog: a hang fails the case.
fn run(args: &[String]) -> Out {
    let mut child = Command::new(env!("CARGO_BIN_EXE_asr-preflight"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut out, &mut s).ok();
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut err, &mut s).ok();
        s
    });
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("hung: asr-preflight {}", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Out {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&t_out.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&t_err.join().unwrap()).into_owned(),
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

fn check_args(dir: &Path, ready_base: bool, format: &str) -> Vec<String> {
    let mut a: Vec<String> = [
        "check",
        "--from",
        dir.to_str().unwrap(),
        "--now",
        NOW,
        "--format",
        format,
        "--color",
        "never",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if ready_base {
        for vm in READY {
            a.extend(["--vm".to_string(), vm.to_string()]);
        }
    }
    a
}

/// (code, subject name) of each finding, sorted: what "the same findings" compares.
fn finding_keys(json: &str) -> Vec<(String, String)> {
    let r: Value = serde_json::from_str(json).unwrap();
    let mut v: Vec<(String, String)> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["subject"]["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

fn example() -> PathBuf {
    common::root().join("examples").join("contoso")
}

#[test]
#[allow(
    clippy::disallowed_macros,
    reason = "the suite prints its size per category (cargo test --test hostile -- --nocapture)"
)]
fn hostile_inputs_fail_closed_on_what_they_damage_and_only_there() {
    let started = Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    let mut per_category: std::collections::BTreeMap<&str, usize> = Default::default();
    let cases = cases();
    for ready_base in [true, false] {
        let base = run(&check_args(&example(), ready_base, "json"));
        assert_eq!(
            base.code,
            if ready_base { 0 } else { 1 },
            "base: {}",
            base.stderr
        );
        let base_keys = finding_keys(&base.stdout);
        for (i, c) in cases.iter().enumerate() {
            *per_category.entry(c.category).or_default() += 1;
            let dir = tmp.path().join(format!(
                "{}-{i}",
                if ready_base { "ready" } else { "example" }
            ));
            copy_dir(&example(), &dir);
            (c.mutate)(&dir);
            let label = format!(
                "[{} base] {}: {}",
                if ready_base { "READY" } else { "example" },
                c.category,
                c.name
            );
            let json = run(&check_args(&dir, ready_base, "json"));
            let human = run(&check_args(&dir, ready_base, "human"));
            for o in [&json, &human] {
                if o.stderr.contains("panicked") || !(0..=3).contains(&o.code) {
                    failures.push(format!("{label}: exit {} {}", o.code, o.stderr));
                }
                if o.stdout.len() + o.stderr.len() > MAX_OUTPUT {
                    failures.push(format!(
                        "{label}: {} bytes of output",
                        o.stdout.len() + o.stderr.len()
                    ));
                }
            }
            if human.stdout.contains('\u{1b}') || human.stdout.contains('\u{7}') {
                failures.push(format!("{label}: a control character reached the terminal"));
            }
            if json.code != human.code {
                failures.push(format!(
                    "{label}: json exit {} but human exit {}",
                    json.code, human.code
                ));
            }
            let findings = || -> Vec<Value> {
                serde_json::from_str::<Value>(&json.stdout)
                    .map(|r| r["findings"].as_array().cloned().unwrap_or_default())
                    .unwrap_or_default()
            };
            let ok = match &c.expect {
                Expect::Unknown(field, file) => {
                    json.code != 0
                        && json.code != 2
                        && findings().iter().any(|f| {
                            let m = f["message"].as_str().unwrap_or("");
                            f["code"] == "ASR901"
                                && f["subject"]["name"]
                                    .as_str()
                                    .is_some_and(|n| n.starts_with(VICTIM))
                                && m.contains(field)
                                && f["evidence"].as_array().is_some_and(|e| {
                                    e.iter().any(|e| {
                                        e["source"].as_str().is_some_and(|s| s.contains(file))
                                    })
                                })
                        })
                }
                // With `--vm` naming items the input no longer holds, the
                // run is refused (exit 2) saying so: not ready either way.
                Expect::Incomplete(_) if ready_base && json.code == 2 => {
                    json.stderr.contains("matches no replicated item")
                }
                Expect::Incomplete(says) => {
                    json.code != 0
                        && json.code != 2
                        && (!ready_base || json.code == 3)
                        && findings().iter().any(|f| {
                            f["code"] == "ASR901"
                                && f["message"].as_str().unwrap_or("").contains(says)
                        })
                }
                Expect::Blocks(code) => {
                    json.code == 1 && findings().iter().any(|f| f["code"] == *code)
                }
                Expect::InputError(says) => json.code == 2 && json.stderr.contains(says),
                Expect::Same => json.code == base.code && finding_keys(&json.stdout) == base_keys,
            };
            if !ok {
                let shown: String = json.stdout.chars().take(3000).collect();
                let err: String = json.stderr.chars().take(1000).collect();
                failures.push(format!("{label}: exit {}\n{shown}\n{err}", json.code));
            }
        }
    }
    // Refused outright: inputs that are not regular files, and files over the cap.
    let fifo = tmp.path().join("fifo.json");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let o = run(&[
        "check".into(),
        "--from".into(),
        fifo.to_str().unwrap().into(),
    ]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    let o = run(&["check".into(), "--from".into(), "/dev/zero".into()]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    let o = run(&check_args(&example(), false, "json")
        .into_iter()
        .chain(["--max-file-size".into(), "4KB".into()])
        .collect::<Vec<_>>());
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("--max-file-size"), "{}", o.stderr);
    // A file far over the cap (1 TiB, sparse) is refused before any room
    // is made to read it.
    let huge = tmp.path().join("huge");
    std::fs::create_dir(&huge).unwrap();
    std::fs::File::create(huge.join("replicated-items.json"))
        .unwrap()
        .set_len(1 << 40)
        .unwrap();
    let o = run(&[
        "check".into(),
        "--from".into(),
        huge.to_str().unwrap().into(),
    ]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("--max-file-size"), "{}", o.stderr);
    // status and diagnose on an empty item list are not a quiet vault.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    std::fs::write(empty.join("replicated-items.json"), r#"{"value": []}"#).unwrap();
    for cmd in ["status", "diagnose"] {
        let o = run(&[
            cmd.into(),
            "--from".into(),
            empty.to_str().unwrap().into(),
            "--now".into(),
            NOW.into(),
        ]);
        assert_eq!(o.code, 3, "{cmd}: {}", o.stderr);
    }
    let summary: Vec<String> = per_category
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    println!(
        "hostile suite: {} cases × 2 bases ({}), {:.1} s",
        cases.len(),
        summary.join(", "),
        started.elapsed().as_secs_f64()
    );
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len() * 2,
        failures.join("\n\n")
    );
}
