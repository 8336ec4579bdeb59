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
    for step in steps {
        let name = step["name"].as_str().unwrap_or("");
        if let Some(uses) = step["uses"].as_str() {
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
        let (code, out, err) = ws.run(&x(script), &env);
        ran.push(name.to_string());
        if name == "Gate" {
            gate = Some((code, out));
        } else {
            assert_eq!(code, 0, "{name}: {out}\n{err}");
        }
    }
    assert_eq!(
        ran,
        [
            "Collect the vault",
            "Readiness report (SARIF, JSON)",
            "Gate"
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
    for step in p["steps"].as_array().unwrap() {
        let name = step["displayName"].as_str().unwrap_or("");
        if let Some(task) = step["task"].as_str() {
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
        let (code, out, err) = ws.run(&x(script), &env);
        ran.push(name.to_string());
        if name == "Gate" {
            gate = Some((code, out));
        } else {
            assert_eq!(code, 0, "{name}: {out}\n{err}");
        }
    }
    assert_eq!(
        ran,
        [
            "Collect the vault",
            "Readiness report (JUnit, JSON)",
            "Gate"
        ]
    );
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
