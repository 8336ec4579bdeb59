//! The pipeline features: fingerprints, the configuration file and its
//! acceptances, baselines, SARIF and annotation paths, completions and the
//! man page, and the CI examples in `examples/ci/`.

mod common;

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const NOW: &str = "2026-11-22T12:00:00Z";

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

fn json_of(out: &str) -> Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
}

/// Every fixture directory of every rule, and the examples.
fn bundles() -> Vec<(PathBuf, Vec<String>)> {
    let mut v = Vec::new();
    for r in asr_preflight::rules::RULES {
        let dir = common::root().join("rules").join(r.meta().name);
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            if e.path().is_dir() {
                v.push((e.path(), common::fixture_args(&e.path())));
            }
        }
    }
    for ex in ["examples/contoso", "examples/hyperv"] {
        v.push((common::root().join(ex), s(&["--now", NOW])));
    }
    v.sort();
    v
}

#[test]
fn fingerprints_tell_every_finding_of_a_report_apart() {
    let mut seen = 0;
    let mut shared = Vec::new();
    for (dir, args) in bundles() {
        for op in [
            "next",
            "test-failover",
            "failover",
            "commit",
            "reprotect",
            "failback",
        ] {
            let mut extra = args.clone();
            if !extra.iter().any(|a| a == "--operation") {
                extra.extend(s(&["--operation", op]));
            }
            let (code, out) = common::check(&dir, "json", &extra);
            if code == 2 {
                continue;
            }
            let report = json_of(&out);
            let mut by_fp: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for f in report["findings"].as_array().unwrap() {
                let fp = f["fingerprint"].as_str().unwrap().to_string();
                assert_eq!(fp.len(), 32, "{fp}");
                by_fp.entry(fp).or_default().push(format!(
                    "{} {} — {}",
                    f["code"], f["subject"]["name"], f["message"]
                ));
                seen += 1;
            }
            for (fp, list) in by_fp {
                if list.len() > 1 {
                    shared.push(format!(
                        "{} ({op}): {fp}:\n  {}",
                        dir.display(),
                        list.join("\n  ")
                    ));
                }
            }
        }
    }
    assert!(
        shared.is_empty(),
        "findings share a fingerprint:\n{}",
        shared.join("\n")
    );
    assert!(seen > 100, "only {seen} findings looked at");
}

#[path = "common/fake_arm.rs"]
mod fake_arm;

const SUB: &str = "6f1c3a52-8d4e-4b7a-9c21-3e5f7a9b0d14";
const VAULT_ID: &str = "/subscriptions/6f1c3a52-8d4e-4b7a-9c21-3e5f7a9b0d14/resourceGroups/rg-dr-vault/providers/Microsoft.RecoveryServices/vaults/contoso-asr-vault";

/// The contoso example served as ARM would (as `tests/live.rs` does).
fn contoso_arm() -> fake_arm::FakeArm {
    let arm = fake_arm::FakeArm::https();
    arm.serve_bundle(&common::root().join("examples/contoso"));
    arm.route(
        &format!("{VAULT_ID}/replicationRecoveryServicesProviders"),
        fake_arm::Route::List(Vec::new()),
    );
    arm.route(
        VAULT_ID,
        fake_arm::Route::One(serde_json::json!({
            "id": VAULT_ID, "name": "contoso-asr-vault",
            "type": "Microsoft.RecoveryServices/vaults", "location": "eastus2",
            "properties": {"provisioningState": "Succeeded"}
        })),
    );
    arm
}

/// A workspace for a pipeline: the example configuration at its root, and a
/// `bin/asr-preflight` that stands in for the installed tool and for Azure —
/// it runs this build, pointing `collect` at the fake ARM (which is also
/// the sign-in authority) and pinning the clock of `collect` and `check`.
struct Workspace {
    dir: tempfile::TempDir,
    path_var: String,
}

impl Workspace {
    fn new(arm: &fake_arm::FakeArm) -> Workspace {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(
            common::root().join("examples/ci/asr-preflight.toml"),
            dir.path().join("asr-preflight.toml"),
        )
        .unwrap();
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin).unwrap();
        // Where Azure is, without the fake's own `--auth token`: the
        // pipelines sign in their own way.
        let args = arm.args(dir.path());
        let connect = args
            .iter()
            .zip(std::iter::once(&String::new()).chain(args.iter()))
            .filter(|(a, before)| *a != "--auth" && *before != "--auth")
            .map(|(a, _)| a.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let wrapper = format!(
            "#!/bin/sh\ncase \"$1\" in\n  collect) exec '{exe}' \"$@\" {connect} --authority-host {base} --now {NOW} ;;\n  check) exec '{exe}' \"$@\" --now {NOW} ;;\n  *) exec '{exe}' \"$@\" ;;\nesac\n",
            exe = env!("CARGO_BIN_EXE_asr-preflight"),
            base = arm.base,
        );
        let tool = bin.join("asr-preflight");
        std::fs::write(&tool, wrapper).unwrap();
        std::fs::set_permissions(&tool, std::fs::Permissions::from_mode(0o755)).unwrap();
        let path_var = format!(
            "{}:{}",
            bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        Workspace { dir, path_var }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs a pipeline step: the gate's exit code and output are kept for
    /// the test to judge; every other step must succeed.
    fn step(
        &self,
        name: &str,
        script: &str,
        env: &BTreeMap<String, String>,
        ran: &mut Vec<String>,
        gate: &mut Option<(i32, String)>,
    ) {
        let (code, out, err) = self.run(script, env);
        ran.push(name.to_string());
        if name == "Gate" {
            *gate = Some((code, out));
        } else {
            assert_eq!(code, 0, "{name}: {out}\n{err}");
        }
    }

    /// Runs a step's script as the runners do (bash, stop on the first
    /// failing command), with only `env` and PATH set.
    fn run(&self, script: &str, env: &BTreeMap<String, String>) -> (i32, String, String) {
        let out = std::process::Command::new("bash")
            .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
            .current_dir(self.path())
            .env_clear()
            .env("PATH", &self.path_var)
            .envs(env)
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

fn yaml(name: &str) -> Value {
    let text = std::fs::read_to_string(common::root().join("examples/ci").join(name)).unwrap();
    serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{name} is not YAML: {e}"))
}

/// Replaces every `open … close` expression by its value in `vars`; an
/// expression the test does not know fails it (a new one must be added here).
fn expand(text: &str, open: &str, close: &str, vars: &BTreeMap<&str, String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(open) {
        out.push_str(&rest[..at]);
        let end = rest[at..].find(close).expect("closed expression") + at;
        let expr = rest[at + open.len()..end].trim();
        let value = vars
            .get(expr)
            .unwrap_or_else(|| panic!("unknown expression `{expr}` in {text}"));
        out.push_str(value);
        rest = &rest[end + close.len()..];
    }
    out.push_str(rest);
    out
}

fn env_of(v: &Value, expand: &dyn Fn(&str) -> String) -> BTreeMap<String, String> {
    v.as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), expand(v.as_str().unwrap())))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_github_actions_workflow_collects_checks_and_publishes() {
    let wf = yaml("github-actions.yml");
    assert_eq!(
        wf["permissions"]["id-token"], "write",
        "workload identity needs the OIDC token"
    );
    assert_eq!(wf["permissions"]["security-events"], "write");
    let arm = contoso_arm();
    let ws = Workspace::new(&arm);
    let temp = ws.path().join("runner-temp");
    std::fs::create_dir(&temp).unwrap();
    let vars: BTreeMap<&str, String> = [
        (
            "vars.AZURE_TENANT_ID",
            "72f988bf-86f1-41af-91ab-2d7cd011db47".to_string(),
        ),
        (
            "vars.AZURE_CLIENT_ID",
            "00000000-0000-0000-0000-0000000000aa".to_string(),
        ),
        ("vars.ASR_SUBSCRIPTION", SUB.to_string()),
        (
            "vars.ASR_VAULT",
            "rg-dr-vault/contoso-asr-vault".to_string(),
        ),
        ("inputs.operation || 'next'", "next".to_string()),
        ("runner.temp", temp.display().to_string()),
    ]
    .into_iter()
    .collect();
    let x = |s: &str| expand(s, "${{", "}}", &vars);
    let summary = ws.path().join("step-summary.md");
    let mut base = env_of(&wf["env"], &x);
    base.insert("GITHUB_ACTIONS".into(), "true".into());
    base.insert("GITHUB_STEP_SUMMARY".into(), summary.display().to_string());
    base.insert("RUNNER_TEMP".into(), temp.display().to_string());
    let steps = wf["jobs"]["preflight"]["steps"].as_array().unwrap();
    let mut ran = Vec::new();
    let mut gate = None;
    let mut used: Vec<&str> = Vec::new();
    for step in steps {
        let name = step["name"].as_str().unwrap_or("");
        if let Some(uses) = step["uses"].as_str() {
            used.push(uses.split('@').next().unwrap());
            if uses.starts_with("actions/github-script") {
                // What the script writes: the job's OIDC token for Entra ID.
                assert!(step["with"]["script"]
                    .as_str()
                    .unwrap()
                    .contains("api://AzureADTokenExchange"));
                std::fs::write(temp.join("azure-federated-token"), "fake-federated-token").unwrap();
            }
            if uses.starts_with("github/codeql-action/upload-sarif") {
                let file = ws.path().join(step["with"]["sarif_file"].as_str().unwrap());
                let sarif = json_of(&std::fs::read_to_string(&file).unwrap());
                // Every result points at a file of the bundle, from the repository root.
                let results = sarif["runs"][0]["results"].as_array().unwrap();
                assert!(!results.is_empty());
                for r in results {
                    let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                        .as_str()
                        .unwrap();
                    assert!(uri.starts_with("dr/bundle/"), "{uri}");
                    let on_disk = ws.path().join(uri.trim_end_matches('/'));
                    assert!(on_disk.exists(), "{uri} does not resolve in the repository");
                }
            }
            if uses.starts_with("actions/upload-artifact") {
                for p in step["with"]["path"].as_str().unwrap().lines() {
                    assert!(ws.path().join(p.trim()).exists(), "artifact path {p}");
                }
            }
            continue;
        }
        let script = step["run"].as_str().unwrap();
        if name == "Install asr-preflight" {
            // Built by this test run instead (bin/asr-preflight).
            assert_eq!(script.trim(), "cargo install --locked --path .");
            continue;
        }
        let mut env = base.clone();
        env.extend(env_of(&step["env"], &x));
        ws.step(name, &x(script), &env, &mut ran, &mut gate);
    }
    assert_eq!(
        ran,
        [
            "Collect the vault",
            "Readiness report (SARIF, JSON)",
            "Gate"
        ]
    );
    // The actions checked above were all there (else their checks never ran).
    assert_eq!(
        used,
        [
            "actions/checkout",
            "actions/github-script",
            "github/codeql-action/upload-sarif",
            "actions/upload-artifact"
        ]
    );
    let (code, annotations) = gate.unwrap();
    assert_eq!(code, 1, "the example vault is not ready: {annotations}");
    assert!(
        annotations.contains("::error file=dr/bundle/"),
        "{annotations}"
    );
    // The configuration file at the repository root was read: its
    // acceptance of cache-01's disk shows as a notice.
    assert!(
        annotations.contains("::notice file=dr/bundle/replicated-items.json"),
        "{annotations}"
    );
    assert!(
        annotations.contains("accepted by asr-preflight.toml:"),
        "{annotations}"
    );
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(md.contains("NOT READY"), "{md}");

    // With the report kept as the reviewed baseline, the same estate has no
    // new finding: what still fails the gate are the missing facts, which
    // a baseline never carries.
    std::fs::copy(
        ws.path().join("dr/report.json"),
        ws.path().join("dr/baseline.json"),
    )
    .unwrap();
    let gate_step = steps.iter().find(|s| s["name"] == "Gate").unwrap();
    let (code, out, _) = ws.run(&x(gate_step["run"].as_str().unwrap()), &base);
    let report = json_of(&std::fs::read_to_string(ws.path().join("dr/report.json")).unwrap());
    let incomplete = report["summary"]["incomplete"].as_u64().unwrap();
    assert!(incomplete > 0, "the live example lacks two trust stores");
    assert!(
        out.contains(&format!("against the baseline: {incomplete} new, ")),
        "only the missing facts are new: {out}"
    );
    assert_eq!(code, 3, "{out}");
}

#[test]
fn the_azure_pipelines_yaml_collects_checks_and_publishes() {
    let p = yaml("azure-pipelines.yml");
    let arm = contoso_arm();
    let ws = Workspace::new(&arm);
    let staging = ws.path().join("a");
    let results = ws.path().join("TestResults");
    std::fs::create_dir_all(&staging).unwrap();
    std::fs::create_dir_all(&results).unwrap();
    let default_op = p["parameters"][0]["default"].as_str().unwrap().to_string();
    let mut vars: BTreeMap<&str, String> = [
        (
            "AZURE_TENANT_ID",
            "72f988bf-86f1-41af-91ab-2d7cd011db47".to_string(),
        ),
        (
            "AZURE_CLIENT_ID",
            "00000000-0000-0000-0000-0000000000aa".to_string(),
        ),
        (
            "AZURE_SERVICE_CONNECTION_ID",
            "5f1b8e3e-0000-4000-8000-00000000c0de".to_string(),
        ),
        ("ASR_SUBSCRIPTION", SUB.to_string()),
        ("ASR_VAULT", "rg-dr-vault/contoso-asr-vault".to_string()),
        ("System.AccessToken", "fake-system-access-token".to_string()),
        (
            "Build.ArtifactStagingDirectory",
            staging.display().to_string(),
        ),
        ("Common.TestResultsDirectory", results.display().to_string()),
    ]
    .into_iter()
    .collect();
    for v in p["variables"].as_array().unwrap() {
        if let (Some(name), Some(value)) = (v["name"].as_str(), v["value"].as_str()) {
            let params = [("parameters.operation", default_op.clone())]
                .into_iter()
                .collect();
            vars.insert(
                Box::leak(name.to_string().into_boxed_str()),
                expand(value, "${{", "}}", &params),
            );
        }
    }
    let x = |s: &str| expand(s, "$(", ")", &vars);
    let mut ran = Vec::new();
    let mut gate = None;
    let mut tasks: Vec<&str> = Vec::new();
    for step in p["steps"].as_array().unwrap() {
        let name = step["displayName"].as_str().unwrap_or("");
        if let Some(task) = step["task"].as_str() {
            tasks.push(task);
            assert_eq!(
                step["condition"], "always()",
                "{task} runs even when the gate fails"
            );
            if task.starts_with("PublishTestResults") {
                let file = x(step["inputs"]["testResultsFiles"].as_str().unwrap());
                let xml = std::fs::read_to_string(&file).unwrap();
                assert!(
                    xml.contains("<testsuites") && xml.contains("<failure"),
                    "{xml}"
                );
            }
            if task.starts_with("PublishPipelineArtifact") {
                let dir = PathBuf::from(x(step["inputs"]["targetPath"].as_str().unwrap()));
                assert!(dir.join("bundle/manifest.json").is_file());
                assert!(dir.join("report.json").is_file());
            }
            continue;
        }
        let Some(script) = step["script"].as_str() else {
            continue;
        };
        if name == "Install asr-preflight" {
            assert_eq!(script.trim(), "cargo install --locked --path .");
            continue;
        }
        let mut env = env_of(&step["env"], &x);
        // Set by Azure Pipelines in every job: where the job's OIDC token is asked for.
        env.insert(
            "SYSTEM_OIDCREQUESTURI".into(),
            format!("{}/oidctoken", arm.base),
        );
        ws.step(name, &x(script), &env, &mut ran, &mut gate);
    }
    assert_eq!(
        ran,
        [
            "Collect the vault",
            "Readiness report (JUnit, JSON)",
            "Gate"
        ]
    );
    assert_eq!(tasks, ["PublishTestResults@2", "PublishPipelineArtifact@1"]);
    let (code, out) = gate.unwrap();
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("NOT READY"), "{out}");
    // The sign-in went through the job's OIDC token, then Entra ID.
    let seen = arm.seen();
    assert!(seen
        .iter()
        .any(|s| s.method == "POST" && s.target.contains("/oidctoken?api-version=")));
    assert!(seen
        .iter()
        .any(|s| s.method == "POST" && s.target.ends_with("/oauth2/v2.0/token")));
}

fn example() -> PathBuf {
    common::root().join("examples/contoso")
}

/// Copies a directory tree (the example bundle) into `to`.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_tree(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

fn findings(report: &Value) -> Vec<&Value> {
    report["findings"].as_array().unwrap().iter().collect()
}

#[test]
fn a_config_with_an_expired_an_unused_and_a_valid_acceptance() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("asr-preflight.toml");
    std::fs::write(
        &config,
        r#"
[[accept]]
rule = "ASR403"
vm = "app-02"
reason = "the drill is kept for the auditors"
owner = "team-web"
expires = 2026-11-01

[[accept]]
rule = "disk-not-protected"
vm = "web-01"
reason = "web-01 had a scratch disk"
owner = "team-web"
expires = 2027-06-30

[[accept]]
rule = "ASR201"
vm = "app-01"
reason = "app-01-data-2 is a scratch area rebuilt at boot"
owner = "team-app"
expires = "2027-03-31"
"#,
    )
    .unwrap();
    let ex = example();
    let args = s(&["--now", NOW, "--config", config.to_str().unwrap()]);
    let (code, out) = common::check(&ex, "json", &args);
    assert_eq!(code, 1);
    let report = json_of(&out);
    let all = findings(&report);
    let of =
        |code: &str| -> Vec<&Value> { all.iter().copied().filter(|f| f["code"] == code).collect() };
    // Expired: reported as an error at its line, naming the date; and it no
    // longer accepts, so app-02's pending cleanup is an error again.
    let expired = of("ASR903");
    assert_eq!(expired.len(), 1, "{out}");
    assert_eq!(expired[0]["level"], "error");
    assert!(expired[0]["message"]
        .as_str()
        .unwrap()
        .contains("expired on 2026-11-01"));
    assert_eq!(expired[0]["evidence"][0]["line"], 2);
    let cleanup = of("ASR403");
    assert_eq!(cleanup[0]["level"], "error");
    assert!(cleanup[0]["accepted"].is_null());
    // Unused: web-01 has no unprotected disk.
    let unused = of("ASR904");
    assert_eq!(unused.len(), 1, "{out}");
    assert_eq!(unused[0]["level"], "warning");
    assert!(unused[0]["message"]
        .as_str()
        .unwrap()
        .contains("ASR201 for `web-01`"));
    assert_eq!(unused[0]["evidence"][0]["line"], 9);
    // Valid: app-01's disk is accepted, with who, why and until when.
    let app01 = of("ASR201")
        .into_iter()
        .find(|f| f["subject"]["name"] == "app-01")
        .unwrap();
    assert_eq!(app01["accepted"], true);
    assert_eq!(app01["level"], "info");
    assert_eq!(app01["acceptance"]["owner"], "team-app");
    assert_eq!(app01["acceptance"]["expires"], "2027-03-31");
    assert_eq!(
        app01["acceptance"]["reason"],
        "app-01-data-2 is a scratch area rebuilt at boot"
    );
    // The same file in the current directory's parent is found without --config.
    let (code2, out2) = {
        let sub = tmp.path().join("pipelines");
        std::fs::create_dir(&sub).unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_asr-preflight"))
            .args([
                "check",
                "--from",
                ex.to_str().unwrap(),
                "--now",
                NOW,
                "--format",
                "json",
            ])
            .current_dir(&sub)
            .output()
            .unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8(out.stdout).unwrap(),
        )
    };
    assert_eq!(code2, 1);
    assert_eq!(
        findings(&json_of(&out2))
            .iter()
            .filter(|f| f["code"] == "ASR903")
            .count(),
        1
    );
    // --no-config: none of it.
    let (_, out3) = common::check(&ex, "json", &s(&["--now", NOW, "--no-config"]));
    assert!(!out3.contains("ASR903") && !out3.contains("\"accepted\""));
}

#[test]
fn flags_override_the_file_and_rule_levels_apply() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("c.toml");
    std::fs::write(
        &config,
        "fail-on = \"warning\"\n[thresholds]\ndrill-max-age = \"1000d\"\n[rules]\nASR403 = \"warning\"\nrpo-threshold-exceeded = \"off\"\n",
    )
    .unwrap();
    let ex = example();
    let with = |extra: &[&str]| {
        let mut a = s(&["--now", NOW, "--config", config.to_str().unwrap()]);
        a.extend(s(extra));
        let (code, out) = common::check(&ex, "json", &a);
        (code, json_of(&out))
    };
    let (code, r) = with(&[]);
    assert_eq!(code, 1);
    let all = findings(&r);
    assert!(all.iter().all(|f| f["code"] != "ASR405"), "ASR405 is off");
    assert!(all
        .iter()
        .filter(|f| f["code"] == "ASR403")
        .all(|f| f["level"] == "warning"));
    // fail-on warning from the file: every error and warning blocks.
    let sm = &r["summary"];
    assert_eq!(
        sm["blocking"],
        sm["errors"].as_u64().unwrap() + sm["warnings"].as_u64().unwrap()
    );
    // The drill threshold from the file: sql-02 never drilled still is
    // overdue, but nothing is overdue by age within 1000 days.
    assert!(all
        .iter()
        .filter(|f| f["code"] == "ASR407")
        .all(|f| f["message"].as_str().unwrap().contains("never")));
    // Flags win: --fail-on error, --rule runs the rule the file turned off.
    let (_, r) = with(&["--fail-on", "error"]);
    assert_eq!(r["summary"]["blocking"], r["summary"]["errors"]);
    let (_, r) = with(&["--rule", "ASR405"]);
    assert!(findings(&r).iter().any(|f| f["code"] == "ASR405"));
    // A fixed rule cannot be changed: exit 2 naming the file and the rule.
    std::fs::write(&config, "[rules]\nfacts-missing = \"off\"\n").unwrap();
    let (code, err) = common::run(&s(&[
        "check",
        "--from",
        ex.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("c.toml") && err.contains("ASR901"), "{err}");
    // diagnose reads the same file (a broken one stops it too).
    std::fs::write(&config, "[thresholds]\nmax-rpo = \"soon\"\n").unwrap();
    let (code, err) = common::run(&s(&[
        "diagnose",
        "--from",
        ex.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("max-rpo"), "{err}");
}

/// Rewrites every JSON number or numeric string field named `field` in a
/// file with `f`.
fn bump(path: &Path, field: &str, f: &dyn Fn(i64) -> i64) {
    fn walk(v: &mut Value, field: &str, f: &dyn Fn(i64) -> i64) {
        match v {
            Value::Object(m) => {
                for (k, x) in m.iter_mut() {
                    if k == field {
                        if let Some(n) = x.as_i64() {
                            *x = Value::from(f(n));
                        } else if let Some(n) = x.as_str().and_then(|t| t.parse::<i64>().ok()) {
                            *x = Value::from(f(n).to_string());
                        }
                    } else {
                        walk(x, field, f);
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|x| walk(x, field, f)),
            _ => {}
        }
    }
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    walk(&mut doc, field, f);
    std::fs::write(path, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
}

#[test]
fn a_baseline_holds_when_the_numbers_change_and_catches_what_is_new() {
    let tmp = tempfile::tempdir().unwrap();
    let baseline = tmp.path().join("baseline.json");
    let ex = example();
    let (code, _) = common::check(
        &ex,
        "human",
        &s(&["--now", NOW, "--write-baseline", baseline.to_str().unwrap()]),
    );
    assert_eq!(code, 1);
    // The next day's export: the same problems with other numbers — quota
    // in use moves, RPOs move.
    let next = tmp.path().join("next");
    copy_tree(&ex, &next);
    bump(&next.join("usages.centralus.json"), "currentValue", &|n| {
        n + 2
    });
    bump(&next.join("usages.eastus2.json"), "currentValue", &|n| {
        n + 1
    });
    bump(&next.join("replicated-items.json"), "rpoInSeconds", &|n| {
        n * 2 + 7
    });
    let plain = common::check(&next, "json", &s(&["--now", NOW])).1;
    let before = common::check(&ex, "json", &s(&["--now", NOW])).1;
    assert_ne!(plain, before, "the numbers did change");
    let (code, out) = common::check(
        &next,
        "json",
        &s(&["--now", NOW, "--baseline", baseline.to_str().unwrap()]),
    );
    assert_eq!(code, 0, "no new failure: {out}");
    let r = json_of(&out);
    assert_eq!(r["summary"]["baseline"]["new"], 0);
    assert_eq!(r["summary"]["blocking"], 0);
    assert!(
        r["summary"]["errors"].as_u64().unwrap() > 0,
        "still reported"
    );
    assert!(findings(&r).iter().all(|f| f["baseline"] == "unchanged"));
    // SARIF says so too.
    let (_, sarif) = common::check(
        &next,
        "sarif",
        &s(&["--now", NOW, "--baseline", baseline.to_str().unwrap()]),
    );
    let sarif = json_of(&sarif);
    assert!(sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["baselineState"] == "unchanged"));
    // A new problem fails: a second disk of app-01 left unprotected.
    let items = next.join("replicated-items.json");
    let text = std::fs::read_to_string(&items).unwrap();
    let mut doc: Value = serde_json::from_str(&text).unwrap();
    let list = doc["value"].as_array_mut().unwrap();
    let app01 = list
        .iter_mut()
        .find(|i| i["properties"]["friendlyName"] == "app-01")
        .unwrap();
    let unprotected = app01["properties"]["providerSpecificDetails"]["unprotectedDisks"]
        .as_array_mut()
        .unwrap();
    let mut second = unprotected[0].clone();
    second["diskLunId"] = Value::from(3);
    unprotected.push(second);
    std::fs::write(&items, serde_json::to_string(&doc).unwrap()).unwrap();
    let (code, out) = common::check(
        &next,
        "json",
        &s(&["--now", NOW, "--baseline", baseline.to_str().unwrap()]),
    );
    assert_eq!(code, 1, "{out}");
    let r = json_of(&out);
    let new: Vec<&Value> = findings(&r)
        .into_iter()
        .filter(|f| f["baseline"] == "new")
        .collect();
    assert_eq!(new.len(), 1, "{out}");
    assert_eq!(new[0]["code"], "ASR201");
    assert!(new[0]["message"].as_str().unwrap().contains("LUN 3"));
    // A warning of the baseline that has become an error is new: cache-01's
    // added disk loses its automatic protection.
    let text = std::fs::read_to_string(&items).unwrap();
    let mut doc: Value = serde_json::from_str(&text).unwrap();
    let list = doc["value"].as_array_mut().unwrap();
    let cache = list
        .iter_mut()
        .find(|i| i["properties"]["friendlyName"] == "cache-01")
        .unwrap();
    cache["properties"]["providerSpecificDetails"]["unprotectedDisks"][0]
        ["diskAutoProtectionStatus"] = Value::from("Disabled");
    std::fs::write(&items, serde_json::to_string(&doc).unwrap()).unwrap();
    let (code, out) = common::check(
        &next,
        "json",
        &s(&["--now", NOW, "--baseline", baseline.to_str().unwrap()]),
    );
    assert_eq!(code, 1, "{out}");
    let r = json_of(&out);
    assert!(
        findings(&r).iter().any(|f| f["code"] == "ASR201"
            && f["subject"]["name"] == "cache-01"
            && f["level"] == "error"
            && f["baseline"] == "new"),
        "an escalated finding is new: {out}"
    );
    // A file that is not a report is refused.
    let (code, err) = common::run(&s(&[
        "check",
        "--from",
        ex.to_str().unwrap(),
        "--baseline",
        items.to_str().unwrap(),
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("--baseline"), "{err}");
}

#[test]
fn missing_facts_are_never_baselined() {
    let tmp = tempfile::tempdir().unwrap();
    let baseline = tmp.path().join("b.json");
    // Without its trust store, whether batch-02 can be reprotected is unknown
    // (ASR901 from ASR301's check): a baseline of that run changes nothing.
    let ex = example();
    let args = |extra: &[&str]| {
        let mut a = s(&[
            "--now",
            NOW,
            "--operation",
            "reprotect",
            "--vm",
            "batch-02",
            "--rule",
            "ASR301",
        ]);
        a.extend(s(extra));
        a
    };
    let certs_gone = tmp.path().join("bundle");
    copy_tree(&ex, &certs_gone);
    std::fs::remove_dir_all(certs_gone.join("certs")).unwrap();
    let (code, _) = common::check(
        &certs_gone,
        "json",
        &args(&["--write-baseline", baseline.to_str().unwrap()]),
    );
    assert_eq!(code, 3);
    let (code, out) = common::check(
        &certs_gone,
        "json",
        &args(&["--baseline", baseline.to_str().unwrap()]),
    );
    assert_eq!(code, 3, "still incomplete: {out}");
    let r = json_of(&out);
    assert!(!findings(&r).is_empty());
    assert!(findings(&r)
        .iter()
        .all(|f| f["code"] == "ASR901" && f["baseline"] == "new"));
}

#[test]
fn sarif_and_annotations_point_into_the_repository() {
    let ex = example();
    // Run from the crate root: the default prefix is the bundle's path from here.
    let (_, sarif) = common::check(&ex, "sarif", &s(&["--now", NOW]));
    let sarif = json_of(&sarif);
    let uris: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(
        uris.iter().all(|u| u.starts_with("examples/contoso/")),
        "{uris:?}"
    );
    assert!(
        uris.iter().all(|u| common::root().join(u).is_file()),
        "{uris:?}"
    );
    let driver = &sarif["runs"][0]["tool"]["driver"];
    for rule in driver["rules"].as_array().unwrap() {
        assert!(rule["fullDescription"]["text"]
            .as_str()
            .is_some_and(|t| !t.is_empty()));
        assert!(rule["help"]["markdown"]
            .as_str()
            .is_some_and(|t| t.contains("## How to fix")));
    }
    assert!(driver["informationUri"].is_null(), "no address is made up");
    // --sarif-root replaces the prefix, for SARIF and annotations alike;
    // the configuration's information-uri fills informationUri.
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("c.toml");
    std::fs::write(
        &config,
        "[sarif]\ninformation-uri = \"https://git.example.org/dr/asr-preflight\"\n",
    )
    .unwrap();
    let extra = s(&[
        "--now",
        NOW,
        "--sarif-root",
        "infra/dr/bundle",
        "--config",
        config.to_str().unwrap(),
    ]);
    let (_, sarif) = common::check(&ex, "sarif", &extra);
    let sarif = json_of(&sarif);
    assert_eq!(
        sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
            ["uri"],
        "infra/dr/bundle/usages.centralus.json"
    );
    assert_eq!(
        sarif["runs"][0]["tool"]["driver"]["informationUri"],
        "https://git.example.org/dr/asr-preflight"
    );
    let (_, gh) = common::check(&ex, "github", &extra);
    assert!(
        gh.lines()
            .next()
            .unwrap()
            .starts_with("::error file=infra/dr/bundle/usages.centralus.json,"),
        "{gh}"
    );
}

/// Every key the schema declares is one the parser takes, and the parser
/// takes no key the schema leaves out.
#[test]
fn the_config_schema_matches_what_the_parser_reads() {
    let schema = json_of(
        &std::fs::read_to_string(common::root().join("asr-preflight.schema.json")).unwrap(),
    );
    let props = schema["properties"].as_object().unwrap();
    let keys = |v: &Value| -> Vec<String> {
        v["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect()
    };
    let mut toml = String::from("fail-on = \"warning\"\n[thresholds]\n");
    for k in keys(&props["thresholds"]) {
        let p = &props["thresholds"]["properties"][&k];
        let v = match p["type"].as_str().unwrap() {
            "integer" => "50".to_string(),
            _ => format!("{:?}", p["default"].as_str().unwrap()),
        };
        toml.push_str(&format!("{k} = {v}\n"));
    }
    toml.push_str("[rules]\nASR407 = \"error\"\n[sarif]\n");
    for k in keys(&props["sarif"]) {
        toml.push_str(&format!("{k} = \"https://example.org\"\n"));
    }
    toml.push_str("[[accept]]\n");
    let accept = &props["accept"]["items"];
    for k in keys(accept) {
        let v = match k.as_str() {
            "operation" => "\"failover\"".to_string(),
            "expires" => "2027-03-31".to_string(),
            _ => format!(
                "{:?}",
                accept["properties"][&k]["examples"][0]
                    .as_str()
                    .unwrap_or("x")
            ),
        };
        toml.push_str(&format!("{k} = {v}\n"));
    }
    let top: Vec<&String> = props.keys().collect();
    assert_eq!(top, ["accept", "fail-on", "rules", "sarif", "thresholds"]);
    let parsed = asr_preflight::config::Config::parse(Path::new("c.toml"), &toml);
    assert!(parsed.is_ok(), "{toml}\n{:?}", parsed.err());
    // Each section refuses a key the schema does not have.
    for (section, stray) in [
        ("", "fail_on = \"error\""),
        ("[thresholds]\n", "rpo = \"1m\""),
        ("[sarif]\n", "uri = \"x\""),
        (
            "[[accept]]\nrule = \"ASR201\"\nreason = \"r\"\n",
            "subject = \"x\"",
        ),
    ] {
        let text = format!("{section}{stray}\n");
        assert!(
            asr_preflight::config::Config::parse(Path::new("c.toml"), &text).is_err(),
            "{text}"
        );
    }
    // The example configuration is valid and names the schema for editors.
    let example =
        std::fs::read_to_string(common::root().join("examples/ci/asr-preflight.toml")).unwrap();
    assert!(example.starts_with("#:schema ../../asr-preflight.schema.json"));
    asr_preflight::config::Config::parse(Path::new("asr-preflight.toml"), &example).unwrap();
}

#[test]
fn completions_and_man_pages_are_generated() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (code, out) = common::run(&s(&["completions", shell]));
        assert_eq!(code, 0, "{shell}");
        for word in ["asr-preflight", "fail-on", "baseline", "sarif-root"] {
            assert!(out.contains(word), "{shell} completion lacks {word}");
        }
    }
    let (code, page) = common::run(&s(&["man"]));
    assert_eq!(code, 0);
    assert!(page.contains(".TH asr-preflight 1"), "{page}");
    assert!(page.contains("check"));
    let (code, page) = common::run(&s(&["man", "check"]));
    assert_eq!(code, 0);
    assert!(page.contains(".TH asr-preflight-check 1"));
    assert!(page.contains("\\-\\-write\\-baseline"));
    let (code, err) = common::run(&s(&["man", "chek"]));
    assert_eq!(code, 2);
    assert!(err.contains("`chek` is not a command"), "{err}");
}

/// The README's configuration is the shipped example, and its workflow
/// excerpt is taken from the shipped workflow, line for line.
#[test]
fn the_readme_shows_the_shipped_ci_files() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let section = &readme[readme.find("## Use in CI").unwrap()..];
    let block = |lang: &str, from: &str| -> String {
        let at = from.find(&format!("```{lang}\n")).unwrap() + lang.len() + 4;
        from[at..at + from[at..].find("```").unwrap()].to_string()
    };
    let toml =
        std::fs::read_to_string(common::root().join("examples/ci/asr-preflight.toml")).unwrap();
    assert_eq!(block("toml", section), toml);
    let workflow =
        std::fs::read_to_string(common::root().join("examples/ci/github-actions.yml")).unwrap();
    let excerpt = block("yaml", section);
    for line in excerpt.lines().filter(|l| !l.trim().is_empty()) {
        let line = line.trim_start_matches("- ").trim();
        assert!(workflow.contains(line), "not in github-actions.yml: {line}");
    }
}
