//! `--guest-certs`: read the trusted root store inside each VM whose next
//! operation configures replication on it (reprotect, failback), through VM
//! Run Command. Off by default: it is the one request that is not a read
//! (a POST that runs a read-only script in the guest), documented as such.
//!
//! Run Command keeps only the last 4,096 bytes of output, so the script
//! prints only the certificates whose subject names a root of
//! `rules/trusted-roots.json`, two roots per run, and a closing line with
//! what it kept of how many it scanned. The parts are saved together as
//! `certs/<resource group>/<vm>.pem`; a VM whose parts did not all arrive
//! gets no store (its checks report the store missing: ASR901).

use super::client::{Client, Record};
use crate::model::ResourceId;
use std::time::Duration;

const RUN_COMMAND_API: &str = "2024-11-01";

/// Roots per Run Command invocation: two PEM roots stay under 4,096 bytes
/// (the largest, an RSA-4096 root, is about 1.9 KB).
const ROOTS_PER_RUN: usize = 2;

use crate::load::GUEST_EXPORT_MARK as PART_MARK;

/// A VM whose store to read.
#[derive(Clone, Debug)]
pub struct GuestVm {
    pub id: ResourceId,
    pub windows: bool,
}

/// The subject names to keep, in groups of `ROOTS_PER_RUN`.
pub fn name_groups() -> Vec<Vec<String>> {
    let names: Vec<String> = crate::rules::cert::roots::roots()
        .iter()
        .map(|r| r.name.clone())
        .collect();
    names
        .chunks(ROOTS_PER_RUN)
        .map(<[String]>::to_vec)
        .collect()
}

/// A name as a literal inside a single-quoted shell or PowerShell string
/// and a regular expression (the table's names are letters, digits and spaces).
fn literal(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == ' ')
        .collect()
}

/// `name|name`: the names as one extended regular expression.
fn pattern(names: &[String]) -> String {
    names
        .iter()
        .map(|x| literal(x))
        .collect::<Vec<_>>()
        .join("|")
}

/// The Linux script of part `i` of `n` (POSIX sh with coreutils, sed and
/// grep: no openssl needed).
pub fn linux_script(names: &[String], i: usize, n: usize) -> Vec<String> {
    let pattern = pattern(names);
    vec![
        "f=''; for c in /etc/ssl/certs/ca-certificates.crt /etc/pki/tls/certs/ca-bundle.crt /etc/ssl/ca-bundle.pem /etc/ssl/cert.pem; do [ -r \"$c\" ] && { f=$c; break; }; done".to_string(),
        "{ [ -n \"$f\" ] && tr -d '\\r' < \"$f\"; } | { n=0; k=0; b=''; while IFS= read -r l || [ -n \"$l\" ]; do case \"$l\" in".to_string(),
        "*'-----BEGIN CERTIFICATE-----'*) b=\"$l\";;".to_string(),
        format!(
            "*'-----END CERTIFICATE-----'*) b=\"$b\n$l\"; n=$((n+1)); if printf '%s\\n' \"$b\" | sed '1d;$d' | base64 -d 2>/dev/null | grep -aqE '{pattern}'; then printf '%s\\n' \"$b\"; k=$((k+1)); fi; b='';;"
        ),
        "*) [ -n \"$b\" ] && b=\"$b\n$l\";;".to_string(),
        format!("esac; done; echo \"{PART_MARK}{i}/{n}: kept $k of $n certificates from ${{f:-no CA bundle found}}\"; }}"),
    ]
}

/// The Windows (PowerShell) script of part `i` of `n`.
pub fn windows_script(names: &[String], i: usize, n: usize) -> Vec<String> {
    let pattern = pattern(names);
    vec![
        "$n = 0; $k = 0".to_string(),
        format!(
            "Get-ChildItem Cert:\\LocalMachine\\Root | ForEach-Object {{ $n++; if ($_.Subject -match '{pattern}') {{ $k++; '-----BEGIN CERTIFICATE-----'; [Convert]::ToBase64String($_.RawData, 'InsertLineBreaks'); '-----END CERTIFICATE-----' }} }}"
        ),
        format!("\"{PART_MARK}{i}/{n}: kept $k of $n certificates from Cert:\\LocalMachine\\Root\""),
    ]
}

/// The standard output of a finished Run Command: `value[].message`
/// (Windows: the `StdOut` entry; Linux: the text between `[stdout]` and `[stderr]`).
pub fn stdout_of(body: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let values = v
        .get("value")
        .or_else(|| v.pointer("/properties/output/value"))?
        .as_array()?;
    if let Some(out) = values.iter().find(|e| {
        e.get("code")
            .and_then(|c| c.as_str())
            .is_some_and(|c| c.contains("StdOut"))
    }) {
        return out.get("message")?.as_str().map(str::to_string);
    }
    let msg = values.first()?.get("message")?.as_str()?;
    let start = msg.find("[stdout]").map_or(0, |i| i + "[stdout]".len());
    let end = msg.find("[stderr]").unwrap_or(msg.len());
    Some(msg.get(start..end)?.trim_matches('\n').to_string())
}

/// Reads one VM's store; `None` (with the records saying why) when any part
/// failed or came back cut off.
pub async fn read_store(
    client: &Client,
    vm: &GuestVm,
    records: &mut Vec<Record>,
    budget: Duration,
) -> Option<String> {
    let groups = name_groups();
    let n = groups.len();
    let started = std::time::Instant::now();
    let mut store = String::new();
    for (i, names) in groups.iter().enumerate() {
        let (command, script) = if vm.windows {
            ("RunPowerShellScript", windows_script(names, i + 1, n))
        } else {
            ("RunShellScript", linux_script(names, i + 1, n))
        };
        let Ok(url) = client.url(&format!(
            "{}/runCommand?api-version={RUN_COMMAND_API}",
            vm.id
        )) else {
            return None;
        };
        let body = serde_json::json!({"commandId": command, "script": script});
        let posted = client.post_run_command(&url, &body).await;
        let ok = posted.record.ok();
        let mut result = posted
            .body
            .filter(|b| !b.iter().all(u8::is_ascii_whitespace));
        let mut poll = posted.location.or(posted.async_operation);
        let mut wait = posted.retry_after.unwrap_or(Duration::from_secs(5));
        records.push(posted.record);
        if !ok {
            return None;
        }
        // 202: poll the operation until its result arrives.
        while result.is_none() {
            let link = poll.take()?;
            if started.elapsed() + wait > budget {
                records.push(Record {
                    method: "GET",
                    path: link,
                    status: None,
                    error_code: Some("GuestCertsTimeout".to_string()),
                    message: Some(format!(
                        "Run Command on `{}` did not finish within {}s",
                        vm.id.name(),
                        budget.as_secs()
                    )),
                    attempts: 0,
                });
                return None;
            }
            tokio::time::sleep(wait).await;
            let url = client.url(&link).ok()?;
            let got = client.get(&url).await;
            let status = got.record.status;
            let ok = got.record.ok();
            records.push(got.record);
            if !ok {
                return None;
            }
            let done = got.body.filter(|b| !b.iter().all(u8::is_ascii_whitespace));
            match (status, done) {
                (Some(202), _) | (_, None) => {
                    poll = got.location.or(got.async_operation).or(Some(link));
                    wait = got.retry_after.unwrap_or(wait);
                }
                (_, Some(b)) => {
                    // Azure-AsyncOperation answers {"status": "InProgress"} until done.
                    let state = serde_json::from_slice::<serde_json::Value>(&b)
                        .ok()
                        .and_then(|v| v.get("status").and_then(|s| s.as_str()).map(str::to_string));
                    match state.as_deref() {
                        Some("InProgress") => poll = Some(link),
                        Some(s) if !s.eq_ignore_ascii_case("Succeeded") => {
                            records.push(unreadable(
                                &link,
                                format!("Run Command on `{}` ended `{s}`", vm.id.name()),
                            ));
                            return None;
                        }
                        _ => result = Some(b),
                    }
                }
            }
        }
        let out = result.as_deref().and_then(stdout_of).unwrap_or_default();
        if !out.contains(&format!("{PART_MARK}{}/{n}:", i + 1)) {
            // The script did not finish its part, or the output was cut.
            records.push(unreadable(
                &format!("{}/runCommand", vm.id),
                format!(
                    "the output of Run Command part {}/{n} on `{}` has no closing part line (the script failed or its output was cut)",
                    i + 1,
                    vm.id.name()
                ),
            ));
            return None;
        }
        store.push_str(&out);
        store.push('\n');
    }
    Some(store)
}

/// A record saying why what Run Command returned gave no store: it
/// explains the missing store in the manifest and on stderr.
fn unreadable(path: &str, message: String) -> Record {
    Record {
        method: "POST",
        path: path.to_string(),
        status: None,
        error_code: Some("GuestCertsUnreadable".to_string()),
        message: Some(message),
        attempts: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_name_their_part_and_every_root_is_asked_for() {
        let groups = name_groups();
        let all: Vec<&String> = groups.iter().flatten().collect();
        assert_eq!(all.len(), crate::rules::cert::roots::roots().len());
        let n = groups.len();
        for (i, g) in groups.iter().enumerate() {
            let l = linux_script(g, i + 1, n).join("\n");
            let w = windows_script(g, i + 1, n).join("\n");
            for name in g {
                assert!(l.contains(&literal(name)) && w.contains(&literal(name)));
            }
            assert!(l.contains(&format!("{PART_MARK}{}/{n}:", i + 1)));
        }
    }

    #[test]
    fn run_command_output_is_read_for_both_systems() {
        let linux = br#"{"value":[{"code":"ProvisioningState/succeeded","level":"Info","displayStatus":"Provisioning succeeded","message":"Enable succeeded: \n[stdout]\nhello\n# asr-preflight roots part 1/3: kept 0 of 140 certificates from /etc/ssl/certs/ca-certificates.crt\n\n[stderr]\n"}]}"#;
        assert_eq!(
            stdout_of(linux).unwrap(),
            "hello\n# asr-preflight roots part 1/3: kept 0 of 140 certificates from /etc/ssl/certs/ca-certificates.crt"
        );
        let windows = br#"{"value":[{"code":"ComponentStatus/StdOut/succeeded","message":"out"},{"code":"ComponentStatus/StdErr/succeeded","message":""}]}"#;
        assert_eq!(stdout_of(windows).unwrap(), "out");
        let async_op = br#"{"status":"Succeeded","properties":{"output":{"value":[{"code":"ComponentStatus/StdOut/succeeded","message":"x"}]}}}"#;
        assert_eq!(stdout_of(async_op).unwrap(), "x");
    }
}
