//! What `collect` asks ARM, and the bundle it writes.
//!
//! List endpoints only, so the number of requests grows with pages, not
//! with items: first the vault (items, plans, jobs, policies, the vault
//! itself); then, for every subscription the items touch (cross-subscription
//! DR included), VMs, disks, NICs, virtual networks, locks, resource groups
//! and policy-aware locations; for every target region, compute and network
//! usages and SKUs; Resource Health of the groups a reprotect or failback
//! returns to; and child jobs of failed jobs that fell outside the window.
//!
//! Every request, failed ones included, is recorded in `manifest.json`; each
//! page is saved as received (the job pages keep only jobs in the window),
//! so `check --from` on the bundle sees exactly what a live check saw.

use super::client::{Client, Fetched, Record};
use crate::error::Error;
use crate::model::item::{ActiveLocation, ProviderKind};
use crate::model::{Estate, ResourceId};
use futures::future::join_all;
use serde_json::value::RawValue;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

/// api-versions (domain facts §1.1).
pub const ASR_API: &str = "2025-08-01";
const VAULT_API: &str = "2025-02-01";
const COMPUTE_API: &str = "2024-11-01";
const DISK_API: &str = "2025-01-02";
const SKU_API: &str = "2021-07-01";
const NETWORK_API: &str = "2024-05-01";
const LOCK_API: &str = "2020-05-01";
const GROUP_API: &str = "2021-04-01";
const LOCATION_API: &str = "2022-12-01";
const HEALTH_API: &str = "2025-05-01";

/// Above this many groups in one subscription, Resource Health is read with
/// one subscription-wide list instead of one list per group.
const HEALTH_GROUPS_PER_SUBSCRIPTION: usize = 10;

/// What to collect.
#[derive(Clone, Debug)]
pub struct Target {
    /// `/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.RecoveryServices/vaults/{name}`.
    pub vault: String,
    pub subscription: String,
    /// Jobs that started before this are left out (child jobs of failed
    /// jobs in the window are always kept).
    pub jobs_since: Option<time::OffsetDateTime>,
    pub collected_at: time::OffsetDateTime,
    pub cloud: String,
    /// `--guest-certs`: read trusted root stores through Run Command.
    pub guest_certs: Option<GuestCerts>,
}

/// Bounds of `--guest-certs`.
#[derive(Clone, Copy, Debug)]
pub struct GuestCerts {
    pub concurrency: usize,
    /// Per VM, all its parts.
    pub budget: std::time::Duration,
}

/// A collected bundle, in memory: the files `collect` writes, manifest included.
#[derive(Debug, Default)]
pub struct Bundle {
    pub files: Vec<(String, Vec<u8>)>,
    pub records: Vec<Record>,
    /// HTTP requests sent, retries included.
    pub sent: usize,
}

struct Entry {
    file: Option<String>,
    record: Record,
    /// Set when a `nextLink` was refused: the link, for the manifest.
    refused: Option<String>,
}

struct Collector<'a> {
    client: &'a Client,
    files: Mutex<Vec<(String, Vec<u8>)>>,
    entries: Mutex<Vec<Entry>>,
    /// Lists whose first page failed (stem, record).
    first_failed: Mutex<Vec<(String, Record)>>,
}

/// What a page needs to be followed.
#[derive(serde::Deserialize)]
struct Page<'a> {
    #[serde(borrow, default)]
    value: Option<Vec<&'a RawValue>>,
    #[serde(rename = "nextLink", default)]
    next_link: Option<String>,
}

#[derive(serde::Deserialize)]
struct JobTimes<'a> {
    #[serde(borrow, default)]
    properties: Option<JobProps<'a>>,
}

#[derive(serde::Deserialize)]
struct JobProps<'a> {
    #[serde(rename = "startTime", borrow, default)]
    start_time: Option<&'a str>,
    #[serde(rename = "scenarioName", borrow, default)]
    scenario: Option<&'a str>,
}

impl Collector<'_> {
    fn save(&self, file: &str, bytes: Vec<u8>) {
        self.files
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((file.to_string(), bytes));
    }

    fn note(&self, file: Option<String>, record: Record, refused: Option<String>) {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(Entry {
                file,
                record,
                refused,
            });
    }

    /// GETs one resource and saves it as `file`.
    async fn one(&self, file: &str, path: &str) -> Option<Vec<u8>> {
        let url = match self.client.url(path) {
            Ok(u) => u,
            Err(_) => return None,
        };
        let Fetched { record, body, .. } = self.client.get(&url).await;
        match body {
            Some(b) => {
                self.save(file, b.clone());
                self.note(Some(file.to_string()), record, None);
                Some(b)
            }
            None => {
                self.note(None, record, None);
                None
            }
        }
    }

    /// GETs a list and every page after it, saving page n as `stem.json`,
    /// `stem.page2.json`, ...; `keep` filters the entries saved.
    async fn list(
        &self,
        stem: &str,
        path: &str,
        keep: Option<&(dyn Fn(&RawValue) -> bool + Sync)>,
    ) {
        let Ok(mut url) = self.client.url(path) else {
            return;
        };
        let first = url.clone();
        let mut n = 1;
        loop {
            let Fetched { record, body, .. } = self.client.get(&url).await;
            let Some(body) = body else {
                if n == 1 {
                    self.first_failed
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push((stem.to_string(), record.clone()));
                }
                self.note(None, record, None);
                return;
            };
            let file = if n == 1 {
                format!("{stem}.json")
            } else {
                format!("{stem}.page{n}.json")
            };
            let page: Page = match serde_json::from_slice(&body) {
                Ok(p) => p,
                Err(_) => {
                    // Not a list page (the client checked it is JSON): keep
                    // it as it came; the loader says what it is.
                    self.save(&file, body);
                    self.note(Some(file), record, None);
                    return;
                }
            };
            let next = page.next_link.clone().filter(|l| !l.trim().is_empty());
            let saved = match (keep, &page.value) {
                (Some(keep), Some(values)) => {
                    let kept: Vec<&RawValue> = values.iter().copied().filter(|v| keep(v)).collect();
                    let mut out = serde_json::Map::new();
                    out.insert(
                        "value".to_string(),
                        serde_json::to_value(&kept).unwrap_or_default(),
                    );
                    if let Some(l) = &next {
                        out.insert("nextLink".to_string(), l.clone().into());
                    }
                    serde_json::to_vec_pretty(&out).unwrap_or_default()
                }
                _ => body.clone(),
            };
            self.save(&file, saved);
            self.note(Some(file), record, None);
            let Some(next) = next else { return };
            let next_url = match first.join(&next) {
                Ok(u) if self.client.same_origin(&u) => u,
                _ => {
                    // Never follow (nor send the token) elsewhere: the list
                    // stays incomplete and is recorded as failed.
                    let refused = Record {
                        method: "GET",
                        path: path.to_string(),
                        status: None,
                        error_code: Some("ForeignNextLink".to_string()),
                        message: Some(
                            "the nextLink points away from the ARM endpoint; it was not followed"
                                .to_string(),
                        ),
                        attempts: 0,
                    };
                    self.note(None, refused, Some(next));
                    return;
                }
            };
            url = next_url;
            n += 1;
        }
    }
}

type Work<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + 'a>>;

/// Runs the collection.
pub async fn collect(client: &Client, target: &Target) -> Result<Bundle, Error> {
    let c = Collector {
        client,
        files: Mutex::new(Vec::new()),
        entries: Mutex::new(Vec::new()),
        first_failed: Mutex::new(Vec::new()),
    };
    let home = target.subscription.to_ascii_lowercase();
    // The vault's subscription is known from the start: its lists run
    // beside the vault's own, so the slowest paging chains overlap.
    let (vault, _) = futures::join!(
        from_vault(&c, target, &home),
        join_all(subscription_lists(&c, &home))
    );
    let plan = vault?;
    client.progress.finish();
    Ok(finish(c, target, &plan))
}

/// The vault's lists, then what its items need beyond the home subscription.
async fn from_vault(c: &Collector<'_>, target: &Target, home: &str) -> Result<Plan, Error> {
    let v = target.vault.as_str();
    let since = target.jobs_since;
    // Jobs in the window; enable-replication jobs of any age too: their
    // duration is the checksum time of a reprotect estimate.
    let in_window = move |raw: &RawValue| -> bool {
        let Some(since) = since else { return true };
        let Some(p) = serde_json::from_str::<JobTimes>(raw.get())
            .ok()
            .and_then(|j| j.properties)
        else {
            return true;
        };
        if p.scenario
            .is_some_and(|s| s.eq_ignore_ascii_case("EnableDr"))
        {
            return true;
        }
        let started = p.start_time.and_then(crate::load::parse_time);
        started.is_none_or(|t| t >= since)
    };
    let items = format!("{v}/replicationProtectedItems?api-version={ASR_API}");
    let plans = format!("{v}/replicationRecoveryPlans?api-version={ASR_API}");
    let jobs = format!("{v}/replicationJobs?api-version={ASR_API}");
    let policies = format!("{v}/replicationPolicies?api-version={ASR_API}");
    let vault = format!("{v}?api-version={VAULT_API}");
    futures::join!(
        c.list("replicated-items", &items, None),
        c.list("recovery-plans", &plans, None),
        c.list("jobs", &jobs, Some(&in_window)),
        c.list("policies", &policies, None),
        c.one("vault.json", &vault),
    );
    vault_reachable(c, v)?;
    let first = snapshot(c)?;
    c.client.progress.items(first.items.len());

    // Child jobs of failed jobs that are not in the window.
    let vault_key = ResourceId::new(v);
    let mut children: BTreeSet<String> = BTreeSet::new();
    fn walk<'t>(t: &'t crate::model::job::Task, out: &mut Vec<&'t ResourceId>) {
        out.extend(t.child_job.iter().map(|c| &c.job_id));
        for c in &t.child_tasks {
            walk(c, out);
        }
    }
    for job in first.jobs.iter().filter(|j| crate::diagnose::is_failed(j)) {
        let mut ids = Vec::new();
        for t in &job.tasks {
            walk(t, &mut ids);
        }
        for rid in ids {
            if first.job(rid).is_none() && rid.is_within(&vault_key) && safe_path(rid.as_str()) {
                children.insert(rid.as_str().to_string());
            }
        }
    }

    // Subscriptions, regions and groups the items touch.
    let plan = Plan::of(&first, target);
    let mut work: Vec<Work> = Vec::new();
    for id in &children {
        let name = id.rsplit('/').next().unwrap_or("job").to_string();
        let path = format!("{id}?api-version={ASR_API}");
        work.push(Box::pin(async move {
            c.one(&format!("jobs/{name}.json"), &path).await;
        }));
    }
    for sub in plan.subscriptions.iter().filter(|s| *s != home) {
        work.extend(subscription_lists(c, sub));
    }
    for (sub, region) in &plan.regions {
        let dir = format!("subscriptions/{sub}");
        let s = format!("/subscriptions/{sub}");
        let lists = [
            (format!("{dir}/usages.{region}"), format!("{s}/providers/Microsoft.Compute/locations/{region}/usages?api-version={COMPUTE_API}")),
            (format!("{dir}/network-usages.{region}"), format!("{s}/providers/Microsoft.Network/locations/{region}/usages?api-version={NETWORK_API}")),
            (format!("{dir}/skus.{region}"), format!("{s}/providers/Microsoft.Compute/skus?api-version={SKU_API}&$filter=location%20eq%20%27{region}%27")),
        ];
        for (stem, path) in lists {
            work.push(Box::pin(async move { c.list(&stem, &path, None).await }));
        }
    }
    for (sub, groups) in &plan.health {
        let dir = format!("subscriptions/{sub}");
        if groups.len() > HEALTH_GROUPS_PER_SUBSCRIPTION {
            let path = format!("/subscriptions/{sub}/providers/Microsoft.ResourceHealth/availabilityStatuses?api-version={HEALTH_API}");
            let stem = format!("{dir}/resource-health");
            work.push(Box::pin(async move { c.list(&stem, &path, None).await }));
        } else {
            for g in groups {
                let path = format!("/subscriptions/{sub}/resourceGroups/{g}/providers/Microsoft.ResourceHealth/availabilityStatuses?api-version={HEALTH_API}");
                let stem = format!("{dir}/resource-health.{}", g.to_ascii_lowercase());
                work.push(Box::pin(async move { c.list(&stem, &path, None).await }));
            }
        }
    }
    if let Some(g) = target.guest_certs {
        let slots = tokio::sync::Semaphore::new(g.concurrency);
        let vms = guest_vms(&first);
        let reads = vms.iter().map(|vm| {
            let slots = &slots;
            Box::pin(async move {
                let Ok(_slot) = slots.acquire().await else {
                    return;
                };
                let mut records = Vec::new();
                let store = super::guest::read_store(c.client, vm, &mut records, g.budget).await;
                for r in records {
                    c.note(None, r, None);
                }
                if let Some(store) = store {
                    let rg = vm
                        .id
                        .resource_group()
                        .unwrap_or("unknown")
                        .to_ascii_lowercase();
                    let file = format!("certs/{rg}/{}.pem", vm.id.name());
                    c.save(&file, store.into_bytes());
                }
            }) as Work
        });
        join_all(work.into_iter().chain(reads)).await;
    } else {
        join_all(work).await;
    }
    Ok(plan)
}

/// The VMs whose trusted root store a reprotect or failback depends on:
/// the VM running now (after a failover, the failed-over VM).
fn guest_vms(e: &Estate) -> Vec<super::guest::GuestVm> {
    use crate::model::Operation;
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for item in &e.items {
        if !matches!(
            item.next_operation(),
            Operation::Reprotect | Operation::Failback
        ) {
            continue;
        }
        let Some(rep) = &item.replication else {
            continue;
        };
        let running = if item.active_location == Some(ActiveLocation::Recovery) {
            rep.recovery_vm_id.as_ref()
        } else {
            rep.vm_id.as_ref()
        };
        let Some(id) = running.filter(|id| safe_path(id.as_str())) else {
            continue;
        };
        if seen.insert(id.key().to_string()) {
            out.push(super::guest::GuestVm {
                id: id.clone(),
                windows: rep
                    .os_type
                    .as_deref()
                    .is_some_and(|o| o.eq_ignore_ascii_case("Windows")),
            });
        }
    }
    out
}

/// The per-subscription lists: VMs, disks, NICs, virtual networks, locks,
/// resource groups, policy-aware locations.
fn subscription_lists<'a>(c: &'a Collector<'a>, sub: &str) -> Vec<Work<'a>> {
    let dir = format!("subscriptions/{sub}");
    let s = format!("/subscriptions/{sub}");
    [
        (
            "vms",
            format!("{s}/providers/Microsoft.Compute/virtualMachines?api-version={COMPUTE_API}"),
        ),
        (
            "disks",
            format!("{s}/providers/Microsoft.Compute/disks?api-version={DISK_API}"),
        ),
        (
            "nics",
            format!("{s}/providers/Microsoft.Network/networkInterfaces?api-version={NETWORK_API}"),
        ),
        (
            "vnets",
            format!("{s}/providers/Microsoft.Network/virtualNetworks?api-version={NETWORK_API}"),
        ),
        (
            "locks",
            format!("{s}/providers/Microsoft.Authorization/locks?api-version={LOCK_API}"),
        ),
        (
            "resource-groups",
            format!("{s}/resourcegroups?api-version={GROUP_API}"),
        ),
        (
            "locations",
            format!("{s}/locations?api-version={LOCATION_API}&policyAware=true"),
        ),
    ]
    .into_iter()
    .map(|(stem, path)| {
        let stem = format!("{dir}/{stem}");
        Box::pin(async move { c.list(&stem, &path, None).await }) as Work<'a>
    })
    .collect()
}

/// The vault's own lists must be readable, or nothing can be checked:
/// that is a tool error (exit 2) naming the cause, not a report.
/// (A later page that fails leaves the list incomplete: ASR901, exit 3.)
fn vault_reachable(c: &Collector, vault: &str) -> Result<(), Error> {
    let failed = c.first_failed.lock().unwrap_or_else(|p| p.into_inner());
    let Some((_, r)) = failed.iter().find(|(stem, _)| stem == "replicated-items") else {
        return Ok(());
    };
    let code = r.error_code.as_deref().unwrap_or("");
    let detail = r.message.as_deref().unwrap_or("");
    Err(match r.status {
        Some(401) => Error::Auth(format!(
            "ARM rejected the credential (401 {code}) reading the vault's replicated items: {detail}"
        )),
        Some(403) => Error::Auth(format!(
            "access denied (403 {code}) reading the replicated items of `{vault}`: grant the signed-in identity the Reader role on the vault and on every subscription it protects (Site Recovery Reader alone does not cover locks and usages): {detail}"
        )),
        Some(404) => Error::Live(format!(
            "the vault `{vault}` was not found (404 {code}): check --subscription and --vault (resource group/name)"
        )),
        _ if r.status.is_none() && matches!(code, "ConnectionFailed" | "ConnectionError") => {
            Error::Live(format!(
                "ARM is unreachable: could not connect to read the replicated items of `{vault}`: {detail}"
            ))
        }
        // Throttled, server errors, timeouts: not a setup problem. The run
        // goes on; no items is ASR901 (exit 3), never "ready".
        _ => return Ok(()),
    })
}

/// The estate so far (files of step 1, read as `check` would).
fn snapshot(c: &Collector) -> Result<Estate, Error> {
    let files = c.files.lock().unwrap_or_else(|p| p.into_inner()).clone();
    crate::load::load_memory(&files)
}

/// A subscription id, region or group name from the data, fit to be one
/// segment of a request path and of a bundle file name.
fn safe_segment(s: &str) -> bool {
    !s.is_empty()
        && s != "."
        && s != ".."
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '(' | ')'))
}

/// A path built from an id found in the data: a plain ARM path only.
fn safe_path(id: &str) -> bool {
    id.to_ascii_lowercase().starts_with("/subscriptions/")
        && !id.contains(['?', '#', '%', '\\', ' '])
        && !id.split('/').any(|s| s == ".." || s == ".")
}

/// Subscriptions, (subscription, region) pairs and Resource Health groups
/// the items touch.
struct Plan {
    subscriptions: BTreeSet<String>,
    regions: BTreeSet<(String, String)>,
    health: BTreeMap<String, BTreeSet<String>>,
}

impl Plan {
    fn of(e: &Estate, target: &Target) -> Plan {
        let lower = |s: &str| s.to_ascii_lowercase();
        let home = lower(&target.subscription);
        let mut subscriptions: BTreeSet<String> = crate::load::subscriptions_touched(e);
        subscriptions.insert(home.clone());
        let sub_of = |id: Option<&ResourceId>| id.and_then(|i| i.subscription()).map(lower);
        let mut regions = BTreeSet::new();
        let mut health: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let vault_location = e.vaults.iter().find_map(|v| v.location.clone());
        for item in &e.items {
            let item_sub = sub_of(Some(&item.id)).unwrap_or_else(|| home.clone());
            let Some(rep) = &item.replication else {
                continue;
            };
            let mut add = |sub: Option<String>, region: Option<&String>| {
                if let Some(r) = region.filter(|r| !r.trim().is_empty()) {
                    let sub = sub.unwrap_or_else(|| item_sub.clone());
                    regions.insert((sub, crate::model::region_key(r)));
                }
            };
            match rep.kind {
                ProviderKind::HyperVReplicaAzure => add(None, vault_location.as_ref()),
                _ => {
                    add(
                        sub_of(rep.recovery_resource_group.as_ref()),
                        rep.recovery_location.as_ref(),
                    );
                    add(sub_of(rep.vm_id.as_ref()), rep.primary_location.as_ref());
                }
            }
            // Reprotect and failback return to the original VM's side.
            if item.active_location == Some(ActiveLocation::Recovery) {
                if let Some(vm) = &rep.vm_id {
                    if let (Some(s), Some(g)) = (sub_of(Some(vm)), vm.resource_group()) {
                        health.entry(s).or_default().insert(g.to_string());
                    }
                }
            }
        }
        for (s, _) in &regions {
            subscriptions.insert(s.clone());
        }
        // Only names that can be path segments (never `..`, `/`, `?`).
        subscriptions.retain(|s| safe_segment(s));
        regions.retain(|(s, r)| safe_segment(s) && safe_segment(r));
        health.retain(|s, _| safe_segment(s));
        for groups in health.values_mut() {
            groups.retain(|g| safe_segment(g));
        }
        Plan {
            subscriptions,
            regions,
            health,
        }
    }
}

/// Writes the manifest and returns the bundle.
fn finish(c: Collector, target: &Target, plan: &Plan) -> Bundle {
    let mut files = c.files.into_inner().unwrap_or_else(|p| p.into_inner());
    let mut entries = c.entries.into_inner().unwrap_or_else(|p| p.into_inner());
    // Concurrency must not change the bytes: a stable order.
    entries.sort_by(|a, b| {
        (a.file.is_none(), &a.file, &a.record.path).cmp(&(
            b.file.is_none(),
            &b.file,
            &b.record.path,
        ))
    });
    let requests: Vec<serde_json::Value> = entries
        .iter()
        .map(|e| {
            let mut m = serde_json::Map::new();
            if let Some(f) = &e.file {
                m.insert("file".into(), f.clone().into());
            }
            m.insert("method".into(), e.record.method.into());
            m.insert("path".into(), e.record.path.clone().into());
            m.insert(
                "status".into(),
                e.record.status.map_or(serde_json::Value::Null, Into::into),
            );
            if let Some(code) = &e.record.error_code {
                m.insert("errorCode".into(), code.clone().into());
            }
            if let Some(msg) = &e.record.message {
                m.insert("message".into(), msg.clone().into());
            }
            if let Some(link) = &e.refused {
                m.insert("refusedLink".into(), link.clone().into());
            }
            serde_json::Value::Object(m)
        })
        .collect();
    let manifest = serde_json::json!({
        "format": crate::load::BUNDLE_FORMAT,
        "collectedAt": crate::text::rfc3339(target.collected_at),
        "cloud": target.cloud,
        "endpoint": c.client.url("/").map(|u| u.as_str().trim_end_matches('/').to_string()).unwrap_or_default(),
        "vault": target.vault,
        "subscriptions": plan.subscriptions,
        "requests": requests,
    });
    files.push((
        "manifest.json".to_string(),
        serde_json::to_vec_pretty(&manifest).unwrap_or_default(),
    ));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Bundle {
        files,
        records: entries.into_iter().map(|e| e.record).collect(),
        sent: c.client.sent(),
    }
}

impl Bundle {
    /// Writes the bundle to `dir`, replacing a bundle an earlier `collect`
    /// wrote there (its stale pages must not mix with the new ones); any
    /// other non-empty directory is left alone and refused.
    pub fn write_fresh(&self, dir: &std::path::Path) -> Result<(), Error> {
        let io = |source| Error::Io {
            path: dir.to_path_buf(),
            source,
        };
        if dir.exists() {
            let empty = std::fs::read_dir(dir).map_err(io)?.next().is_none();
            if !empty {
                let manifest =
                    std::fs::read_to_string(dir.join("manifest.json")).unwrap_or_default();
                if !manifest.contains(crate::load::BUNDLE_FORMAT) {
                    return Err(Error::Usage(format!(
                        "--out `{}` is not empty and holds no bundle (no manifest.json of format {}): choose a new or empty directory",
                        dir.display(),
                        crate::load::BUNDLE_FORMAT
                    )));
                }
                std::fs::remove_dir_all(dir).map_err(io)?;
            }
        }
        self.write(dir)
    }

    /// Writes the bundle under `dir` (created if needed). Paths are the
    /// collector's own, relative and inside `dir`.
    pub fn write(&self, dir: &std::path::Path) -> Result<(), Error> {
        for (rel, bytes) in &self.files {
            let Some(rel) = crate::load::safe_relative(rel) else {
                return Err(Error::Internal(format!(
                    "bundle path `{rel}` leaves the bundle"
                )));
            };
            let path = dir.join(&rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|source| Error::Io {
                    path: parent.to_path_buf(),
                    source,
                })?;
            }
            std::fs::write(&path, bytes).map_err(|source| Error::Io { path, source })?;
        }
        Ok(())
    }

    /// One line per kind of failure, for stderr: what could not be read,
    /// and what to do about it.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let failed: Vec<&Record> = self.records.iter().filter(|r| !r.ok()).collect();
        let denied = failed
            .iter()
            .filter(|r| matches!(r.status, Some(401 | 403)))
            .count();
        if denied > 0 {
            out.push(format!(
                "{denied} request(s) were denied (401/403): give the identity the Reader role on the vault and on every subscription its items use (Site Recovery Reader is not enough for locks, usages and SKUs); the facts they would have given are reported as missing (ASR901)"
            ));
        }
        for r in failed
            .iter()
            .filter(|r| !matches!(r.status, Some(401 | 403)))
        {
            out.push(format!(
                "GET {} failed: {}{}{}",
                r.path,
                r.status.map(|s| format!("HTTP {s} ")).unwrap_or_default(),
                r.error_code.as_deref().unwrap_or(""),
                r.message
                    .as_deref()
                    .map(|m| format!(" — {m}"))
                    .unwrap_or_default()
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_the_data_cannot_leave_the_path_or_the_bundle() {
        assert!(safe_segment("6f1c3a52-8d4e-4b7a-9c21-3e5f7a9b0d14"));
        assert!(safe_segment("rg-app.prod(1)"));
        for bad in ["", ".", "..", "a/b", "a?b", "a#b", "a b", "a%2e"] {
            assert!(!safe_segment(bad), "{bad}");
        }
        assert!(safe_path("/subscriptions/s/resourceGroups/g/providers/Microsoft.RecoveryServices/vaults/v/replicationJobs/j"));
        assert!(!safe_path("/subscriptions/s/../../providers/x"));
        assert!(!safe_path("/subscriptions/s/x?api-version=1"));
        assert!(!safe_path("https://elsewhere.example/subscriptions/s"));
    }

    #[test]
    fn a_bundle_never_writes_outside_its_directory() {
        let dir = std::env::temp_dir().join(format!("asr-bundle-{}", std::process::id()));
        let bundle = Bundle {
            files: vec![("../escaped.json".to_string(), b"{}".to_vec())],
            ..Bundle::default()
        };
        assert!(bundle.write(&dir.join("inner")).is_err());
        assert!(!dir.join("escaped.json").exists());
        let bundle = Bundle {
            files: vec![("/etc/absolute.json".to_string(), b"{}".to_vec())],
            ..Bundle::default()
        };
        assert!(bundle.write(&dir.join("inner")).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
