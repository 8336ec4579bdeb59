//! What `collect` asks ARM, and the bundle it writes.
//!
//! List endpoints, so the number of requests grows with pages, not with
//! items: first the vault (items, plans, jobs, policies, the vault itself);
//! then, for every subscription the items touch (cross-subscription DR
//! included), VMs, virtual networks, locks, resource groups, policy-aware
//! locations and reprotect's temporary disks (a filtered list, then a GET
//! of each disk found); for every target region, compute and network usages
//! and SKUs; Resource Health of the groups a reprotect or failback returns
//! to; and child jobs of failed jobs that fell outside the window.
//!
//! Every request, failed ones included, is recorded in `manifest.json`; each
//! page is saved as received (the job pages keep only jobs in the window),
//! so `check --from` on the bundle sees exactly what a live check saw.

use super::bundle::{Bundle, Entry};
use super::client::{Client, Fetched, Record};
use super::plan::{guest_vms, safe_path, safe_segment, Plan};
use crate::error::Error;
use crate::model::{is_reprotect_temp_disk, Estate, ResourceId, REPROTECT_TEMP_DISK_PREFIX};
use futures::future::join_all;
use serde_json::value::RawValue;
use std::collections::BTreeSet;
use std::sync::Mutex;

/// api-versions (domain facts §1.1).
const ASR_API: &str = "2025-08-01";
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

pub(super) struct Collector<'a> {
    pub(super) client: &'a Client,
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

impl<'a> Collector<'a> {
    pub(super) fn new(client: &'a Client) -> Collector<'a> {
        Collector {
            client,
            files: Mutex::new(Vec::new()),
            entries: Mutex::new(Vec::new()),
            first_failed: Mutex::new(Vec::new()),
        }
    }

    /// Copies of the files saved so far whose names `keep` accepts.
    pub(super) fn saved(&self, keep: &dyn Fn(&str) -> bool) -> Vec<(String, Vec<u8>)> {
        self.files
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .filter(|(name, _)| keep(name))
            .cloned()
            .collect()
    }

    /// Writes the manifest and returns the bundle.
    pub(super) fn finish(self, about: super::bundle::About) -> Bundle {
        let sent = self.client.sent();
        super::bundle::assemble(
            self.files.into_inner().unwrap_or_else(|p| p.into_inner()),
            self.entries.into_inner().unwrap_or_else(|p| p.into_inner()),
            about,
            sent,
        )
    }

    /// The ARM endpoint, as the manifest records it.
    pub(super) fn endpoint(&self) -> String {
        self.client
            .url("/")
            .map(|u| u.as_str().trim_end_matches('/').to_string())
            .unwrap_or_default()
    }

    pub(super) fn save(&self, file: &str, bytes: Vec<u8>) {
        self.files
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((file.to_string(), bytes));
    }

    fn push(&self, entry: Entry) {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(entry);
    }

    pub(super) fn note(&self, file: Option<String>, record: Record, refused: Option<String>) {
        self.push(Entry {
            file,
            record,
            refused,
            graph: None,
        });
    }

    /// Records one page of a Resource Graph query.
    pub(super) fn note_graph(
        &self,
        file: Option<String>,
        record: Record,
        graph: super::bundle::GraphRequest,
    ) {
        self.push(Entry {
            file,
            record,
            refused: None,
            graph: Some(graph),
        });
    }

    /// GETs one resource and saves it as `file`.
    pub(super) async fn one(&self, file: &str, path: &str) -> Option<Vec<u8>> {
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
    pub(super) async fn list(
        &self,
        stem: &str,
        path: &str,
        keep: Option<&(dyn Fn(&RawValue) -> bool + Sync)>,
    ) {
        let Ok(mut url) = self.client.url(path) else {
            return;
        };
        let first = url.clone();
        let mut visited = std::collections::HashSet::new();
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
            visited.insert(url.to_string());
            let refuse = |code: &str, why: &str| Record {
                method: "GET",
                path: path.to_string(),
                status: None,
                error_code: Some(code.to_string()),
                message: Some(why.to_string()),
                attempts: 0,
            };
            // Never follow (nor send the token) elsewhere, nor round in a
            // circle: the list stays incomplete and is recorded as failed.
            let refused = match first.join(&next) {
                Ok(u) if !self.client.same_origin(&u) => Some(refuse(
                    "ForeignNextLink",
                    "the nextLink points away from the ARM endpoint; it was not followed",
                )),
                Ok(u) if visited.contains(u.as_str()) => Some(refuse(
                    "NextLinkLoop",
                    "the nextLink leads back to a page already read; paging stopped",
                )),
                Ok(u) => {
                    url = u;
                    None
                }
                Err(_) => Some(refuse("InvalidNextLink", "the nextLink is not a URL")),
            };
            if let Some(record) = refused {
                self.note(None, record, Some(next));
                return;
            }
            n += 1;
        }
    }
}

pub(super) type Work<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + 'a>>;

/// Runs the collection.
pub async fn collect(client: &Client, target: &Target) -> Result<Bundle, Error> {
    let c = Collector::new(client);
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

/// Jobs in the window, and enable-replication jobs of any age: their
/// duration is the checksum time of a reprotect estimate.
pub(super) fn jobs_filter(
    since: Option<time::OffsetDateTime>,
) -> impl Fn(&RawValue) -> bool + Sync + Send {
    move |raw: &RawValue| -> bool {
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
    }
}

/// A vault's own lists: plans, jobs in the window, policies, and (when
/// `providers`) the VMM servers and Hyper-V hosts of its sites, which a
/// Hyper-V failback needs connected (ASR701). `dir` prefixes the files.
pub(super) fn vault_work<'a>(
    c: &'a Collector<'a>,
    vault: &str,
    dir: &str,
    since: Option<time::OffsetDateTime>,
    providers: bool,
) -> Vec<Work<'a>> {
    let mut lists = vec![
        (
            "recovery-plans",
            format!("{vault}/replicationRecoveryPlans?api-version={ASR_API}"),
        ),
        (
            "jobs",
            format!("{vault}/replicationJobs?api-version={ASR_API}"),
        ),
        (
            "policies",
            format!("{vault}/replicationPolicies?api-version={ASR_API}"),
        ),
    ];
    if providers {
        lists.push((
            "providers",
            format!("{vault}/replicationRecoveryServicesProviders?api-version={ASR_API}"),
        ));
    }
    lists
        .into_iter()
        .map(|(stem, path)| {
            let stem = format!("{dir}{stem}");
            Box::pin(async move {
                if stem.ends_with("jobs") {
                    c.list(&stem, &path, Some(&jobs_filter(since))).await
                } else {
                    c.list(&stem, &path, None).await
                }
            }) as Work<'a>
        })
        .collect()
}

/// Child jobs of failed jobs that are not in the estate (outside the
/// window): each read from its own vault, saved under `jobs/`.
pub(super) fn child_job_work<'a>(c: &'a Collector<'a>, first: &Estate) -> Vec<Work<'a>> {
    let mut children: BTreeSet<String> = BTreeSet::new();
    fn walk<'t>(t: &'t crate::model::job::Task, out: &mut Vec<&'t ResourceId>) {
        out.extend(t.child_job.iter().map(|c| &c.job_id));
        for c in &t.child_tasks {
            walk(c, out);
        }
    }
    for job in first.jobs.iter().filter(|j| crate::diagnose::is_failed(j)) {
        let Some(vault) = job.id.vault_id() else {
            continue;
        };
        let mut ids = Vec::new();
        for t in &job.tasks {
            walk(t, &mut ids);
        }
        for rid in ids {
            if first.job(rid).is_none() && rid.is_within(&vault) && safe_path(&rid.text()) {
                children.insert(rid.text());
            }
        }
    }
    children
        .into_iter()
        .map(|id| {
            let name = id.rsplit('/').next().unwrap_or("job").to_string();
            let path = format!("{id}?api-version={ASR_API}");
            Box::pin(async move {
                c.one(&format!("jobs/{name}.json"), &path).await;
            }) as Work<'a>
        })
        .collect()
}

/// Per target (subscription, region): compute and network usages, SKUs.
/// Resource Health of the groups a reprotect or failback returns to.
pub(super) fn region_work<'a>(c: &'a Collector<'a>, plan: &Plan) -> Vec<Work<'a>> {
    let mut work: Vec<Work> = Vec::new();
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
    work
}

/// Resource Health of the groups a reprotect or failback returns to.
fn health_work<'a>(c: &'a Collector<'a>, plan: &Plan) -> Vec<Work<'a>> {
    let mut work: Vec<Work> = Vec::new();
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
    work
}

/// The vault's lists, then what its items need beyond the home subscription.
async fn from_vault(c: &Collector<'_>, target: &Target, home: &str) -> Result<Plan, Error> {
    let v = target.vault.as_str();
    let items = format!("{v}/replicationProtectedItems?api-version={ASR_API}");
    let vault = format!("{v}?api-version={VAULT_API}");
    futures::join!(
        c.list("replicated-items", &items, None),
        join_all(vault_work(c, v, "", target.jobs_since, true)),
        c.one("vault.json", &vault),
    );
    vault_reachable(c, v)?;
    let first = snapshot(c)?;
    c.client.progress.items(first.items.len());

    // Subscriptions, regions and groups the items touch.
    let plan = Plan::of(&first, Some(&target.subscription));
    let mut work: Vec<Work> = child_job_work(c, &first);
    for sub in plan.subscriptions.iter().filter(|s| *s != home) {
        work.extend(subscription_lists(c, sub));
    }
    work.extend(region_work(c, &plan));
    work.extend(health_work(c, &plan));
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

/// The per-subscription lists: VMs, virtual networks, locks, resource
/// groups, policy-aware locations, and reprotect's temporary disks.
/// (No rule reads network interfaces, nor disks other than those: they are
/// not asked for.)
pub(super) fn subscription_lists<'a>(c: &'a Collector<'a>, sub: &str) -> Vec<Work<'a>> {
    let dir = format!("subscriptions/{sub}");
    let s = format!("/subscriptions/{sub}");
    let mut work: Vec<Work<'a>> = [
        (
            "vms",
            format!("{s}/providers/Microsoft.Compute/virtualMachines?api-version={COMPUTE_API}"),
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
    .collect();
    let sub = sub.to_string();
    work.push(Box::pin(async move { temp_disks(c, &sub).await }));
    work
}

/// Above this many temporary disks found in a subscription, its whole disk
/// list is read instead of each disk on its own.
const TEMP_DISK_READS: usize = 20;

/// Reprotect's temporary `ms-asr-*` disks, the only disks a rule reads
/// (ASR202): one list of the subscription's resources filtered by type and
/// name (`substringof` combined with `resourceType`, as Resources - List
/// documents), then each disk it finds read for its size, state and
/// creation time (saved under `disks/<group>/`, which sorts before the
/// filtered list, so the full resource is the one kept). Above
/// `TEMP_DISK_READS` found, or when the endpoint refuses the filter (400),
/// the whole disk list is read instead.
async fn temp_disks(c: &Collector<'_>, sub: &str) {
    let dir = format!("subscriptions/{sub}");
    let stem = format!("{dir}/temp-disks");
    let path = format!(
        "/subscriptions/{sub}/resources?api-version={GROUP_API}&$filter=resourceType%20eq%20%27Microsoft.Compute/disks%27%20and%20substringof(%27{REPROTECT_TEMP_DISK_PREFIX}%27,%20name)"
    );
    c.list(&stem, &path, None).await;
    let refused = c
        .first_failed
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .any(|(s, r)| *s == stem && r.status == Some(400));
    let whole =
        format!("/subscriptions/{sub}/providers/Microsoft.Compute/disks?api-version={DISK_API}");
    if refused {
        // An endpoint that does not take the filter (400): the whole disk
        // list, as before there was one.
        c.list(&format!("{dir}/disks"), &whole, None).await;
        return;
    }
    let first = format!("{stem}.json");
    let pages = format!("{stem}.page");
    let mut found: BTreeSet<(String, String, String)> = BTreeSet::new();
    for (_, bytes) in c.saved(&|name| name == first || name.starts_with(&pages)) {
        let Ok(page) = serde_json::from_slice::<Page>(&bytes) else {
            continue;
        };
        for v in page.value.unwrap_or_default() {
            let Ok(r) = serde_json::from_str::<Named>(v.get()) else {
                continue;
            };
            let Some(id) = r.id.filter(|id| safe_path(id)) else {
                continue;
            };
            let rid = ResourceId::new(&id);
            let temp = is_reprotect_temp_disk(rid.name());
            let disk = rid
                .resource_type()
                .is_some_and(|t| t.eq_ignore_ascii_case("Microsoft.Compute/disks"));
            let here = rid
                .subscription()
                .is_some_and(|s| s.eq_ignore_ascii_case(sub));
            let (Some(group), name) = (rid.resource_group(), rid.name()) else {
                continue;
            };
            if temp && disk && here && safe_segment(group) && safe_segment(name) {
                found.insert((
                    id.clone(),
                    group.to_ascii_lowercase(),
                    name.to_ascii_lowercase(),
                ));
            }
        }
    }
    if found.len() > TEMP_DISK_READS {
        c.list(&format!("{dir}/disks"), &whole, None).await;
        return;
    }
    let dir = &dir;
    join_all(found.into_iter().map(|(id, group, name)| async move {
        let path = format!("{id}?api-version={DISK_API}");
        c.one(&format!("{dir}/disks/{group}/{name}.json"), &path)
            .await;
    }))
    .await;
}

/// The id of a list entry.
#[derive(serde::Deserialize)]
struct Named {
    #[serde(default)]
    id: Option<String>,
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
pub(super) fn snapshot(c: &Collector) -> Result<Estate, Error> {
    snapshot_of(c, &|_| true)
}

/// The estate of the files saved so far that `keep` accepts.
pub(super) fn snapshot_of(c: &Collector, keep: &dyn Fn(&str) -> bool) -> Result<Estate, Error> {
    crate::load::load_memory(c.saved(keep))
}

/// Writes the manifest and returns the bundle.
fn finish(c: Collector, target: &Target, plan: &Plan) -> Bundle {
    let endpoint = c.endpoint();
    c.finish(super::bundle::About {
        collected_at: target.collected_at,
        cloud: &target.cloud,
        endpoint,
        vault: Some(&target.vault),
        subscriptions: &plan.subscriptions,
        fleet: None,
    })
}
