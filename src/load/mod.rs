//! The only place that reads input: bundle directories and files, the
//! manifest, certificate stores. Produces one `Estate`.
//!
//! Files are read and parsed in parallel; the result is merged in path order
//! so that the estate, and every report built from it, is deterministic.

mod certs;
mod document;
mod dto;
mod lenient;
mod manifest;
mod map;

pub use certs::{read_store as read_cert_store, PART_MARK as GUEST_EXPORT_MARK};
pub use document::fact_kind_of_graph_query;
pub use lenient::parse_time;
pub use manifest::{safe_relative, FORMAT as BUNDLE_FORMAT};

use crate::error::Error;
use crate::model::{CertStore, Estate, ReplicatedItem, ResourceId, SourceId};
use document::{DocCtx, Hint};
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Certificate file endings a trusted-root store may have.
const CERT_EXTENSIONS: &[&str] = &["pem", "crt", "cer", "der"];

/// One input file, with the name reports show for it.
struct InputFile {
    path: PathBuf,
    /// The file's bytes when the bundle is in memory (`check --live`),
    /// handed over (not copied) when the file is read — once.
    memory: Option<std::sync::Mutex<Option<Vec<u8>>>>,
    display: String,
    /// Index of the bundle root it came from (for manifest hints).
    root: Option<usize>,
    /// Path relative to that root.
    rel: String,
}

#[derive(Default)]
struct Discovered {
    documents: Vec<InputFile>,
    manifests: Vec<InputFile>,
    certs: Vec<InputFile>,
    /// The largest file read (`--max-file-size`).
    max_file_bytes: u64,
}

/// The default `--max-file-size`: 2 GiB (a 100,000-item estate's largest
/// list is about 1.7 GB).
pub const DEFAULT_MAX_FILE_BYTES: u64 = 2 << 30;

/// Loads every input (bundle directories or single files) into one estate.
pub fn load(inputs: &[PathBuf]) -> Result<Estate, Error> {
    load_with(inputs, DEFAULT_MAX_FILE_BYTES)
}

/// `load`, refusing any file larger than `max_file_bytes` (exit 2).
pub fn load_with(inputs: &[PathBuf], max_file_bytes: u64) -> Result<Estate, Error> {
    let mut found = discover(inputs)?;
    found.max_file_bytes = max_file_bytes;
    load_found(found)
}

/// Loads a bundle held in memory — `(path relative to the bundle, bytes)`
/// per file, as `collect` would write it — exactly as `load` reads the same
/// files from one directory: same file names in the report, same estate.
pub fn load_memory(mut files: Vec<(String, Vec<u8>)>) -> Result<Estate, Error> {
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = Discovered {
        max_file_bytes: u64::MAX,
        ..Discovered::default()
    };
    for (rel, bytes) in files {
        let f = InputFile {
            path: PathBuf::from(&rel),
            memory: Some(std::sync::Mutex::new(Some(bytes))),
            display: rel.clone(),
            root: Some(0),
            rel: rel.clone(),
        };
        classify_into(&mut out, f);
    }
    load_found(out)
}

fn load_found(found: Discovered) -> Result<Estate, Error> {
    let mut estate = Estate::default();
    let next_source = |estate: &mut Estate, name: &str| {
        estate.sources.push(name.to_string());
        SourceId(estate.sources.len() as u32 - 1)
    };

    // Manifests first: they say what each file is and which requests failed.
    let mut manifests: Vec<(Option<usize>, manifest::Manifest)> = Vec::new();
    for m in &found.manifests {
        let text = read_text(m, found.max_file_bytes)?;
        let source = next_source(&mut estate, &m.display);
        let parsed = manifest::read(&m.display, &text, source)?;
        merge_bundle_info(&mut estate, &parsed.info);
        estate.facts.extend(parsed.facts.iter().cloned());
        estate.not_found.extend(parsed.not_found.iter().cloned());
        manifests.push((m.root, parsed));
    }
    check_manifest_files(&found, &manifests, &mut estate);
    fleet_notices(&mut estate);
    if !estate.bundle.has_manifest {
        estate
            .notices
            .push("no manifest.json: the bundle's age is unknown (ASR902 not checked); ages of replication facts are measured from the newest time in the bundle".to_string());
    }

    let requested: HashSet<String> = manifests
        .iter()
        .flat_map(|(_, m)| m.requested.iter().cloned())
        .collect();
    let followed = move |link: &str| {
        requested.contains(link) || requested.contains(&manifest::request_key(link))
    };

    // The input's size, for the documents that are a large share of it.
    let total: u64 = found.documents.iter().map(InputFile::size).sum();
    crate::model::expect_input(total);
    let first_source = estate.sources.len() as u32;
    for f in &found.documents {
        estate.sources.push(f.display.clone());
    }
    // Each document is read into its own part of the estate, in parallel;
    // the parts are then joined in path order into lists sized once for
    // all of them (no list grows by doubling, each is copied once).
    let spare = Spare::default();
    let read_one = |i: usize, f: &InputFile| -> Result<Estate, Error> {
        let text = read_text_into(
            f,
            found.max_file_bytes,
            spare.for_file(f, found.max_file_bytes),
        )?;
        let hint = manifests
            .iter()
            .find(|(root, _)| *root == f.root && f.root.is_some())
            .and_then(|(_, m)| m.hints.get(&f.rel).cloned())
            .unwrap_or_else(|| manifest::hint_from_file_name(&f.rel));
        let ctx = DocCtx {
            file: &f.display,
            text: &text,
            source: SourceId(first_source + i as u32),
            hint,
            followed: &followed,
            lines: Default::default(),
            split: document::split(text.len(), total),
        };
        let mut part = Estate::default();
        document::read_document(&ctx, &mut part)?;
        let expected_empty = ctx.hint.expected_empty;
        drop(ctx);
        let used = text.len();
        spare.give(text.into_bytes(), used);
        shrink(&mut part);
        if part.is_empty() && !expected_empty {
            part.notices.push(format!(
                "{}: nothing asr-preflight uses was found in it (unknown resource types or document shape); it was ignored",
                f.display
            ));
        }
        Ok(part)
    };
    let parts: Vec<Result<Estate, Error>> = found
        .documents
        .par_iter()
        .enumerate()
        .map(|(i, f)| read_one(i, f))
        .collect();
    drop(spare);
    // The first document that could not be read, in path order.
    let parts: Vec<Estate> = parts.into_iter().collect::<Result<_, _>>()?;
    reserve_for(&mut estate, parts.iter());
    for part in parts {
        merge(&mut estate, part);
    }
    close_page_chains(&found, &manifests, first_source, &mut estate);

    let first_cert = estate.sources.len() as u32;
    for c in &found.certs {
        estate.sources.push(c.display.clone());
    }
    let cache = certs::Cache::default();
    let stores: Vec<Result<CertStore, Error>> = found
        .certs
        .par_iter()
        .enumerate()
        .map(|(i, c)| {
            let bytes = read_bytes(c, found.max_file_bytes, Vec::new())?;
            Ok(cert_store(
                c,
                SourceId(first_cert + i as u32),
                &bytes,
                &cache,
            ))
        })
        .collect();
    for s in stores {
        let s = s?;
        for p in &s.problems {
            estate.notices.push(format!(
                "warning: {}: certificate #{} (line {}) could not be read ({}); the other {} were",
                estate.source_name(s.source),
                p.position,
                p.line,
                p.reason,
                s.certs.len()
            ));
        }
        estate.cert_stores.push(s);
    }
    dedupe(&mut estate);
    drop_ambiguous_empty_lists(&mut estate);
    bound_notices(&mut estate.notices);
    estate.bundle.newest_fact = estate
        .items
        .iter()
        .filter_map(|i| i.replication.as_ref())
        .flat_map(|r| [r.last_rpo_calculated, r.last_heartbeat])
        .flatten()
        .max();
    estate.reindex();
    Ok(estate)
}

/// Most notices a report lists; each at most `NOTICE_CHARS` characters.
const MAX_NOTICES: usize = 50;
const NOTICE_CHARS: usize = 600;

/// Keeps the notices readable whatever the input: each bounded and escaped,
/// at most `MAX_NOTICES`, then one line saying how many more there were.
fn bound_notices(notices: &mut Vec<String>) {
    let total = notices.len();
    notices.truncate(MAX_NOTICES);
    for n in notices.iter_mut() {
        *n = crate::text::excerpt(n, NOTICE_CHARS);
    }
    if total > MAX_NOTICES {
        notices.push(format!(
            "and {} more notices like these",
            total - MAX_NOTICES
        ));
    }
}

/// Pages of one list saved as several files (`items.1.json`, `items.2.json`,
/// … or `items.json`, `items.page2.json`, …) without a manifest that records
/// them form one list when their chain closes: numbered contiguously from 1,
/// every page but the last with a `nextLink`, the last without. Then each
/// page is complete; a gap in the numbering or a second last page leaves
/// every page of the collection incomplete (ASR901 where needed).
fn close_page_chains(
    found: &Discovered,
    manifests: &[(Option<usize>, manifest::Manifest)],
    first_source: u32,
    estate: &mut Estate,
) {
    use crate::model::Coverage;
    use std::collections::BTreeMap;
    let listed = |f: &InputFile| {
        manifests
            .iter()
            .any(|(root, m)| *root == f.root && f.root.is_some() && m.hints.contains_key(&f.rel))
    };
    /// One page file: its number, source and display name.
    type Page<'f> = (u32, SourceId, &'f str);
    // (root, collection) → its pages
    let mut groups: BTreeMap<(Option<usize>, String), Vec<Page>> = BTreeMap::new();
    for (i, f) in found.documents.iter().enumerate() {
        if listed(f) {
            continue;
        }
        let source = SourceId(first_source + i as u32);
        let (collection, page) = manifest::page_of(&f.rel).unwrap_or((f.rel.clone(), 1));
        groups
            .entry((f.root, collection))
            .or_default()
            .push((page, source, f.display.as_str()));
    }
    for ((_, collection), mut pages) in groups {
        if pages.len() < 2 {
            continue;
        }
        pages.sort();
        let has_next = |source: SourceId| {
            estate
                .facts
                .iter()
                .any(|f| f.source == source && f.coverage == Coverage::Loaded { complete: false })
        };
        // az CLI arrays are each a whole list; only ARM list pages chain.
        let is_page = |source: SourceId| estate.facts.iter().any(|f| f.source == source && f.page);
        if !pages.iter().any(|p| is_page(p.1)) {
            continue;
        }
        let numbers: Vec<u32> = pages.iter().map(|p| p.0).collect();
        let contiguous = numbers
            .iter()
            .enumerate()
            .all(|(i, n)| *n as usize == i + 1);
        let last = pages.len() - 1;
        let finals: Vec<&str> = pages
            .iter()
            .filter(|p| !has_next(p.1))
            .map(|p| p.2)
            .collect();
        let closed = contiguous && finals.len() == 1 && !has_next(pages[last].1);
        let why = if closed {
            None
        } else if !contiguous {
            Some(format!(
                "the pages of `{collection}` are numbered {} — a page is missing or numbered twice",
                numbers
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        } else {
            Some(format!(
                "the pages of `{collection}` do not form one chain: {} without a `nextLink` ({}) where exactly the last page must end it",
                crate::text::count(finals.len(), "page ends", "pages end"),
                crate::text::ticks(&finals)
            ))
        };
        let sources: HashSet<SourceId> = pages.iter().map(|p| p.1).collect();
        for f in estate
            .facts
            .iter_mut()
            .filter(|f| sources.contains(&f.source))
        {
            if let Coverage::Loaded { complete } = &mut f.coverage {
                *complete = closed;
                f.why = why.clone();
            }
        }
    }
}

/// An empty list with no scope (from the manifest or its file name) cannot
/// tell which subscription it was exported from (`az lock list` lists the current one).
/// When the inputs touch one subscription it covers that one; when they
/// touch several it covers none of them for certain, so it is dropped: its
/// facts count as missing (ASR901), never as "there are none" — and a
/// notice says how to scope it.
fn drop_ambiguous_empty_lists(estate: &mut Estate) {
    use crate::model::Coverage;
    let unscoped = |f: &crate::model::FactRecord| {
        f.scope.is_none()
            && f.kind.is_per_subscription()
            && matches!(f.coverage, Coverage::Loaded { .. })
    };
    if !estate.facts.iter().any(unscoped) {
        return;
    }
    let contributors = contributing_sources(estate);
    let ambiguous = |f: &crate::model::FactRecord| unscoped(f) && !contributors.contains(&f.source);
    if !estate.facts.iter().any(ambiguous) {
        return;
    }
    let subscriptions = subscriptions_touched(estate);
    if subscriptions.len() < 2 {
        return;
    }
    let (dropped, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut estate.facts)
        .into_iter()
        .partition(ambiguous);
    estate.facts = kept;
    let subscriptions: Vec<&str> = subscriptions.iter().map(String::as_str).collect();
    for f in dropped {
        let file = estate.source_name(f.source);
        let stem = Path::new(file)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or(file);
        estate.notices.push(format!(
            "warning: {}: an empty list of {} with no scope, while the inputs span {} subscriptions ({}); it is not known which one it covers, so it was not used — name the file after its subscription (`{}.<subscription id>.json`) or record the request it answers in manifest.json (`requests[]`)",
            file,
            f.kind.label(),
            subscriptions.len(),
            subscriptions.join(", "),
            stem
        ));
    }
}

/// The sources that gave at least one resource.
fn contributing_sources(e: &Estate) -> HashSet<SourceId> {
    e.resources()
        .map(|(_, source)| source)
        .chain(e.locations.iter().map(|l| l.source))
        .chain(e.unread.iter().map(|u| u.source))
        .collect()
}

/// Every subscription the inputs name: of the resources they hold and of
/// the resources replicated items point at (source VM, target group,
/// networks), lower-cased and sorted.
pub fn subscriptions_touched(e: &Estate) -> std::collections::BTreeSet<String> {
    let targets = e
        .items
        .iter()
        .filter_map(|i| i.replication.as_ref())
        .flat_map(|r| {
            [
                &r.vm_id,
                &r.recovery_vm_id,
                &r.recovery_resource_group,
                &r.recovery_network,
                &r.tfo_network,
            ]
            .into_iter()
            .flatten()
            .chain(r.nics.iter().flat_map(|n| {
                [&n.recovery_network_id, &n.tfo_network_id]
                    .into_iter()
                    .flatten()
            }))
        });
    targets
        .filter_map(|id| id.subscription().map(str::to_ascii_lowercase))
        .chain(e.resource_subscriptions())
        .collect()
}

/// Appends a fragment's contents to `out`.
fn merge(out: &mut Estate, part: Estate) {
    append(&mut out.items, part.items);
    append(&mut out.plans, part.plans);
    append(&mut out.jobs, part.jobs);
    append(&mut out.policies, part.policies);
    append(&mut out.recovery_points, part.recovery_points);
    append(&mut out.vms, part.vms);
    append(&mut out.disks, part.disks);
    append(&mut out.skus, part.skus);
    append(&mut out.disk_skus, part.disk_skus);
    append(&mut out.usages, part.usages);
    append(&mut out.locks, part.locks);
    append(&mut out.resource_groups, part.resource_groups);
    append(&mut out.locations, part.locations);
    append(&mut out.health, part.health);
    append(&mut out.networks, part.networks);
    append(&mut out.storage_accounts, part.storage_accounts);
    append(&mut out.vaults, part.vaults);
    append(&mut out.capacity_reservations, part.capacity_reservations);
    append(&mut out.providers, part.providers);
    append(&mut out.facts, part.facts);
    append(&mut out.not_found, part.not_found);
    append(&mut out.notices, part.notices);
    append(&mut out.problems, part.problems);
    for u in part.unread {
        if !out.unread.contains(&u) {
            out.unread.push(u);
        }
    }
}

/// Appends `from` to `to`, moving it whole when `to` has nothing and no
/// room for it: the largest lists are then never copied.
fn append<T>(to: &mut Vec<T>, from: Vec<T>) {
    if to.is_empty() && to.capacity() < from.len() {
        *to = from;
    } else {
        to.extend(from);
    }
}

/// A document's part without the room its lists grew: every part is held
/// until they are joined, the load's peak (at 100,000 items the peak was
/// 2–3 MiB lower for it).
fn shrink(part: &mut Estate) {
    part.items.shrink_to_fit();
    part.vms.shrink_to_fit();
    part.disks.shrink_to_fit();
    part.jobs.shrink_to_fit();
    part.health.shrink_to_fit();
    part.plans.shrink_to_fit();
}

/// Makes room in `out` for the big lists of `parts` at once (growing by
/// doubling would hold a list twice over at the peak, and leave up to half
/// of it unused).
fn reserve_for<'a>(out: &mut Estate, parts: impl Iterator<Item = &'a Estate> + Clone) {
    let total = |f: fn(&Estate) -> usize| parts.clone().map(f).sum::<usize>();
    out.items.reserve_exact(total(|p| p.items.len()));
    out.vms.reserve_exact(total(|p| p.vms.len()));
    out.disks.reserve_exact(total(|p| p.disks.len()));
    out.jobs.reserve_exact(total(|p| p.jobs.len()));
    out.health.reserve_exact(total(|p| p.health.len()));
    out.plans.reserve_exact(total(|p| p.plans.len()));
}

fn merge_bundle_info(estate: &mut Estate, info: &crate::model::BundleInfo) {
    let b = &mut estate.bundle;
    // With several bundles, the oldest collection time is the one that matters.
    let older = match (b.collected_at, info.collected_at) {
        (Some(a), Some(c)) => c < a,
        (a, c) => a.is_none() && c.is_some(),
    };
    if older || b.manifest.is_none() {
        b.collected_at = info.collected_at.or(b.collected_at);
        b.manifest = info.manifest;
    }
    b.format = b.format.clone().or(info.format.clone());
    b.cloud = b.cloud.clone().or(info.cloud.clone());
    b.endpoint = b.endpoint.clone().or(info.endpoint.clone());
    for s in &info.subscriptions {
        if !b.subscriptions.contains(s) {
            b.subscriptions.push(s.clone());
        }
    }
    if let Some(f) = &info.fleet {
        let mine = b.fleet.get_or_insert_with(Default::default);
        let add = |to: &mut Vec<String>, from: &[String]| {
            for s in from {
                if !to.iter().any(|t| t.eq_ignore_ascii_case(s)) {
                    to.push(s.clone());
                }
            }
        };
        add(&mut mine.subscriptions, &f.subscriptions);
        add(&mut mine.unreadable, &f.unreadable);
        add(&mut mine.vaults, &f.vaults);
        add(&mut mine.without_items, &f.without_items);
        mine.management_group = mine.management_group.clone().or(f.management_group.clone());
    }
    b.has_manifest = true;
}

/// What a fleet collection says about itself: how many vaults and
/// subscriptions, how fresh Resource Graph's facts are, which subscriptions
/// could not be read, which vaults hold nothing to check.
fn fleet_notices(estate: &mut Estate) {
    let Some(f) = estate.bundle.fleet.clone() else {
        return;
    };
    let at = estate
        .bundle
        .collected_at
        .map(crate::text::rfc3339)
        .unwrap_or_else(|| "an unknown time".to_string());
    let scope = match &f.management_group {
        Some(mg) => format!(" of management group `{mg}`"),
        None => String::new(),
    };
    estate.notices.push(format!(
        "fleet: {} in {}{scope} read through Azure Resource Graph at {at}; Resource Graph can lag ARM by a few minutes, so a change made just before then may not show",
        crate::text::count(f.vaults.len(), "vault", "vaults"),
        crate::text::count(f.subscriptions.len(), "subscription", "subscriptions"),
    ));
    if !f.unreadable.is_empty() {
        estate.notices.push(format!(
            "warning: {} in scope could not be read (Resource Graph returned nothing of {}): {}; their vaults and the facts they hold are missing (ASR901)",
            crate::text::count(f.unreadable.len(), "subscription", "subscriptions"),
            if f.unreadable.len() == 1 { "it" } else { "them" },
            crate::text::ticks(f.unreadable.iter().take(10)),
        ));
    }
    for v in f.without_items.iter().take(10) {
        estate.notices.push(format!(
            "vault `{}` has no replicated items (a backup-only vault?): nothing to check there",
            ResourceId::new(v).name()
        ));
    }
    if f.without_items.len() > 10 {
        estate.notices.push(format!(
            "{} more vaults have no replicated items",
            f.without_items.len() - 10
        ));
    }
}

/// A file the manifest says was saved but is not in the bundle is a fact
/// that is missing.
fn check_manifest_files(
    found: &Discovered,
    manifests: &[(Option<usize>, manifest::Manifest)],
    estate: &mut Estate,
) {
    let present: HashSet<(Option<usize>, &str)> = found
        .documents
        .iter()
        .map(|f| (f.root, f.rel.as_str()))
        .collect();
    for (root, m) in manifests {
        let mut missing: Vec<(&String, &Hint)> = m
            .hints
            .iter()
            .filter(|(rel, _)| !present.contains(&(*root, rel.as_str())))
            .collect();
        missing.sort_by(|a, b| a.0.cmp(b.0));
        for (rel, hint) in missing {
            if hint.recorded {
                continue;
            }
            estate.facts.push(crate::model::FactRecord {
                why: None,
                page: false,
                kind: hint.kind.unwrap_or(crate::model::FactKind::Other),
                scope: hint.scope.clone(),
                location: hint.location.clone(),
                request: hint.request.clone(),
                coverage: crate::model::Coverage::Failed {
                    status: None,
                    error_code: Some("FileMissing".to_string()),
                    message: Some(format!(
                        "the manifest lists `{rel}`, which is not in the bundle"
                    )),
                },
                source: SourceId(0),
            });
        }
    }
}

fn dedupe_by<T, K: std::hash::Hash + Eq>(v: &mut Vec<T>, key: impl Fn(&T) -> K) {
    let mut seen: HashSet<K, rustc_hash::FxBuildHasher> =
        HashSet::with_capacity_and_hasher(v.len(), Default::default());
    v.retain(|x| seen.insert(key(x)));
}

/// Copies of one replicated item: identical ones are kept once (a list and
/// a GET of the same item); different ones contradict each other, so the
/// item kept (the first in path order) is marked unknown, naming both files.
fn dedupe_items(items: &mut Vec<ReplicatedItem>, sources: &[String]) {
    use crate::model::item::{Need, Unknown};
    // Ids hash and compare without case: no lower-cased copies.
    let mut first: std::collections::HashMap<&ResourceId, usize, rustc_hash::FxBuildHasher> =
        std::collections::HashMap::with_capacity_and_hasher(items.len(), Default::default());
    let mut keep = Vec::with_capacity(items.len());
    let mut conflicts: Vec<(usize, crate::model::SourceId)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match first.entry(&item.id) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(i);
                keep.push(true);
            }
            std::collections::hash_map::Entry::Occupied(o) => {
                let kept = &items[*o.get()];
                let mut same = item.clone();
                same.source = kept.source;
                same.line = kept.line;
                if same != *kept {
                    conflicts.push((*o.get(), item.source));
                }
                keep.push(false);
            }
        }
    }
    let name = |s: SourceId| {
        sources
            .get(s.0 as usize)
            .map_or("<unknown>", String::as_str)
    };
    for (at, other) in conflicts {
        let item = &mut items[at];
        let (this, file) = (name(item.source), name(other));
        item.unknowns.push(Unknown {
            field: "the whole item".to_string(),
            seen: format!("contradicted: `{this}` and `{file}` hold different copies of it"),
            need: Need::State,
        });
    }
    let mut k = keep.into_iter();
    items.retain(|_| k.next().unwrap_or(false));
}

/// One quota counter read twice: identical copies are kept once; copies
/// whose numbers differ contradict each other, so the counter kept is
/// marked unusable (its quota is unknown: ASR901), naming both files.
fn dedupe_usages(e: &mut Estate) {
    let key = |x: &crate::model::Usage| {
        format!(
            "{:?}|{}|{}|{}",
            x.kind,
            x.subscription.as_deref().unwrap_or("").to_ascii_lowercase(),
            x.location,
            x.name.to_ascii_lowercase()
        )
    };
    let mut first: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut keep = Vec::with_capacity(e.usages.len());
    let mut conflicts: Vec<(usize, SourceId)> = Vec::new();
    for (i, u) in e.usages.iter().enumerate() {
        match first.entry(key(u)) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(i);
                keep.push(true);
            }
            std::collections::hash_map::Entry::Occupied(o) => {
                let kept = &e.usages[*o.get()];
                if (kept.current, kept.limit, &kept.invalid) != (u.current, u.limit, &u.invalid) {
                    conflicts.push((*o.get(), u.source));
                }
                keep.push(false);
            }
        }
    }
    for (at, other) in conflicts {
        let this = e.source_name(e.usages[at].source).to_string();
        let that = e.source_name(other).to_string();
        e.usages[at].invalid = Some(format!(
            "contradicted: `{this}` and `{that}` give it different numbers"
        ));
    }
    let mut k = keep.into_iter();
    e.usages.retain(|_| k.next().unwrap_or(false));
}

/// The same resource exported twice (a list and a GET) is kept once: the
/// first in path order.
fn dedupe(e: &mut Estate) {
    // Ids hash and compare without case: no lower-cased copies.
    fn k(id: &ResourceId) -> ResourceId {
        id.clone()
    }
    // The three long lists each on its own thread.
    let (mut items, mut vms, mut health) = (
        std::mem::take(&mut e.items),
        std::mem::take(&mut e.vms),
        std::mem::take(&mut e.health),
    );
    let sources = &e.sources;
    rayon::join(
        || dedupe_items(&mut items, sources),
        || {
            rayon::join(
                || dedupe_by(&mut vms, |x| k(&x.id)),
                || dedupe_by(&mut health, |x| (k(x.key().0), x.key().1)),
            )
        },
    );
    (e.items, e.vms, e.health) = (items, vms, health);
    dedupe_by(&mut e.plans, |x| k(&x.id));
    dedupe_by(&mut e.jobs, |x| k(&x.id));
    dedupe_by(&mut e.policies, |x| k(&x.id));
    dedupe_by(&mut e.recovery_points, |x| k(&x.id));
    dedupe_by(&mut e.disks, |x| k(&x.id));
    dedupe_by(&mut e.locks, |x| k(&x.id));
    dedupe_by(&mut e.resource_groups, |x| k(&x.id));
    dedupe_by(&mut e.networks, |x| k(&x.id));
    dedupe_by(&mut e.storage_accounts, |x| k(&x.id));
    dedupe_by(&mut e.vaults, |x| k(&x.id));
    dedupe_by(&mut e.locations, |x| {
        format!(
            "{}|{}",
            x.subscription.as_deref().unwrap_or(""),
            x.name.to_ascii_lowercase()
        )
    });
    dedupe_usages(e);
    dedupe_by(&mut e.skus, |x| {
        let mut locs: Vec<String> = x.locations.iter().map(|l| l.to_ascii_lowercase()).collect();
        locs.sort();
        format!("{}|{}", x.name.to_ascii_lowercase(), locs.join(","))
    });
}

fn cert_store(c: &InputFile, source: SourceId, bytes: &[u8], cache: &certs::Cache) -> CertStore {
    let path = Path::new(&c.rel);
    let vm_name = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string();
    let format = path
        .extension()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    // certs/<vm>.pem or certs/<resource-group>/<vm>.pem
    let parts: Vec<&str> = c.rel.split('/').collect();
    let resource_group = match parts.as_slice() {
        [.., "certs", rg, _] | [rg, _] if !rg.eq_ignore_ascii_case("certs") => Some(rg.to_string()),
        _ => None,
    };
    certs::store(vm_name, resource_group, format, source, bytes, cache)
}

impl InputFile {
    /// The file's size as the file system (or the memory it is in) gives
    /// it; 0 when unknown (reading it then says why).
    fn size(&self) -> u64 {
        match &self.memory {
            Some(bytes) => bytes
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .as_ref()
                .map_or(0, |b| b.len() as u64),
            None => std::fs::metadata(&self.path).map_or(0, |m| m.len()),
        }
    }
}

/// Reads one file outside a bundle (a `--baseline` report) as `read_text`
/// does: a regular file, at most `max` bytes, UTF-8 or UTF-16 with a BOM.
pub fn read_file_text(path: &Path, max: u64) -> Result<String, Error> {
    let f = InputFile {
        path: path.to_path_buf(),
        memory: None,
        display: path.display().to_string(),
        root: None,
        rel: path.display().to_string(),
    };
    read_text(&f, max)
}

/// Reads a file as text: UTF-8 (with or without a byte-order mark) or UTF-16
/// with a byte-order mark (Windows PowerShell's `Out-File` default).
fn read_text(f: &InputFile, max: u64) -> Result<String, Error> {
    read_text_into(f, max, Vec::new())
}

/// `read_text`, reading into `buffer` (emptied first) when the file is
/// UTF-8.
fn read_text_into(f: &InputFile, max: u64, buffer: Vec<u8>) -> Result<String, Error> {
    let display = f.display.as_str();
    let mut bytes = read_bytes(f, max, buffer)?;
    let text = match bytes.as_slice() {
        [0xFF, 0xFE, rest @ ..] => utf16(rest, display, u16::from_le_bytes)?,
        [0xFE, 0xFF, rest @ ..] => utf16(rest, display, u16::from_be_bytes)?,
        [0xEF, 0xBB, 0xBF, ..] => {
            bytes.drain(..3);
            utf8(bytes, display)?
        }
        _ => utf8(bytes, display)?,
    };
    if text.trim().is_empty() {
        return Err(Error::malformed(
            display,
            &text,
            0,
            "the file is empty; expected a JSON document".to_string(),
        ));
    }
    Ok(text)
}

/// A file's bytes, read into `bytes` (emptied first): only a regular file
/// (a FIFO or device would block or never end), and at most `max` bytes of
/// it.
fn read_bytes(f: &InputFile, max: u64, mut bytes: Vec<u8>) -> Result<Vec<u8>, Error> {
    use std::io::Read;
    if let Some(bytes) = &f.memory {
        return bytes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .ok_or_else(|| Error::Internal(format!("`{}` was read twice", f.display)));
    }
    let io = |source| Error::Io {
        path: f.path.clone(),
        source,
    };
    let file = std::fs::File::open(&f.path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(Error::Input {
            path: f.path.clone(),
            message: "is not a regular file (a FIFO, device or socket cannot be read as part of a bundle)".to_string(),
        });
    }
    if meta.len() > max {
        return Err(too_large(&f.path, meta.len(), max));
    }
    bytes.clear();
    bytes.reserve_exact(meta.len() as usize);
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > max {
        return Err(too_large(&f.path, bytes.len() as u64, max));
    }
    Ok(bytes)
}

/// Buffers files were read into, kept for the next files. A buffer fresh
/// from the system is touched page by page as a file is copied into it (a
/// page fault each 4 KiB: most of a 100,000-item run's system time); one
/// that held a file before is not. There are never more buffers, kept or
/// in use, than threads (as when each file had its own), and a buffer is
/// kept only while the files it holds fill at least half of it: a large
/// one kept for small files would hold memory the estate needs. All are
/// freed once the documents are read.
#[derive(Default)]
struct Spare(std::sync::Mutex<Vec<Vec<u8>>>);

impl Spare {
    /// A buffer to read `f` into: none for a file already in memory (read
    /// as it is) or larger than `max` (refused before any room is made
    /// for it).
    fn for_file(&self, f: &InputFile, max: u64) -> Vec<u8> {
        match (&f.memory, f.size()) {
            (None, size) if size <= max => self.take(size),
            _ => Vec::new(),
        }
    }

    /// The smallest kept buffer that holds `len` bytes; else a new one,
    /// with an eighth more room (files of a list differ a little in size),
    /// in place of the largest kept one.
    fn take(&self, len: u64) -> Vec<u8> {
        let mut kept = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let fits = kept
            .iter()
            .enumerate()
            .filter(|(_, b)| b.capacity() as u64 >= len)
            .min_by_key(|(_, b)| b.capacity())
            .map(|(i, _)| i);
        if let Some(i) = fits {
            return kept.swap_remove(i);
        }
        let largest = kept
            .iter()
            .enumerate()
            .max_by_key(|(_, b)| b.capacity())
            .map(|(i, _)| i);
        if let Some(i) = largest {
            kept.swap_remove(i);
        }
        drop(kept);
        let len = usize::try_from(len).unwrap_or(0);
        Vec::with_capacity(len.saturating_add(len / 8))
    }

    /// Keeps `buffer`, which held `used` bytes, for a later file, unless it
    /// is more than twice as large.
    fn give(&self, buffer: Vec<u8>, used: usize) {
        if buffer.capacity() / 2 > used {
            return;
        }
        let mut kept = self.0.lock().unwrap_or_else(|p| p.into_inner());
        kept.push(buffer);
    }
}

fn too_large(path: &Path, len: u64, max: u64) -> Error {
    Error::Input {
        path: path.to_path_buf(),
        message: format!(
            "is larger than --max-file-size ({len} bytes, limit {max}); raise the limit if the file is really an export"
        ),
    }
}

/// Takes the bytes as they are (no copy) when they are UTF-8.
fn utf8(bytes: Vec<u8>, display: &str) -> Result<String, Error> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        let good = String::from_utf8_lossy(&bytes[..valid]).into_owned();
        let at = good.len();
        Error::malformed(
            display,
            &good,
            at,
            "invalid UTF-8; expected UTF-8 or UTF-16 JSON text".to_string(),
        )
    })
}

fn utf16(bytes: &[u8], display: &str, conv: fn([u8; 2]) -> u16) -> Result<String, Error> {
    let units: Vec<u16> = bytes.chunks_exact(2).map(|c| conv([c[0], c[1]])).collect();
    let mut good = String::with_capacity(units.len());
    for c in char::decode_utf16(units.iter().copied()) {
        match c {
            Ok(c) => good.push(c),
            // Point at the first bad unit: the text before it, with its
            // real line and column.
            Err(_) => {
                let at = good.len();
                return Err(Error::malformed(
                    display,
                    &good,
                    at,
                    "invalid UTF-16 (an unpaired surrogate); expected UTF-8 or UTF-16 JSON text"
                        .to_string(),
                ));
            }
        }
    }
    if bytes.len() % 2 == 1 {
        let at = good.len();
        return Err(Error::malformed(
            display,
            &good,
            at,
            "UTF-16 text with an odd number of bytes (cut off?)".to_string(),
        ));
    }
    Ok(good)
}

fn discover(inputs: &[PathBuf]) -> Result<Discovered, Error> {
    let mut out = Discovered::default();
    let several = inputs.len() > 1;
    for (root_idx, input) in inputs.iter().enumerate() {
        let meta = std::fs::metadata(input).map_err(|source| Error::Io {
            path: input.clone(),
            source,
        })?;
        if !meta.is_dir() && !meta.is_file() {
            return Err(Error::Input {
                path: input.clone(),
                message: "is neither a directory nor a regular file (a FIFO, device or socket cannot be read as a bundle)".to_string(),
            });
        }
        if meta.is_dir() {
            let mut files = Vec::new();
            walk(input, input, &mut files)?;
            files.sort();
            for rel in files {
                let display = if several {
                    format!(
                        "{}/{rel}",
                        input.display().to_string().trim_end_matches('/')
                    )
                } else {
                    rel.clone()
                };
                let f = InputFile {
                    path: input.join(&rel),
                    memory: None,
                    display,
                    root: Some(root_idx),
                    rel: rel.clone(),
                };
                classify_into(&mut out, f);
            }
        } else {
            let display = input.display().to_string();
            let name = input
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            let lower = name.to_ascii_lowercase();
            let ext = lower.rsplit('.').next().unwrap_or("");
            let f = InputFile {
                path: input.clone(),
                memory: None,
                display,
                root: None,
                rel: name,
            };
            if lower == "manifest.json" {
                out.manifests.push(f);
            } else if CERT_EXTENSIONS.contains(&ext) {
                out.certs.push(f);
            } else {
                out.documents.push(f);
            }
        }
    }
    Ok(out)
}

/// Sorts a file of a bundle directory by what it is: the manifest, a
/// certificate store under `certs/`, or a JSON document.
fn classify_into(out: &mut Discovered, f: InputFile) {
    let lower = f.rel.to_ascii_lowercase();
    let ext = lower.rsplit('.').next().unwrap_or("");
    if lower == "manifest.json" {
        out.manifests.push(f);
    } else if lower.starts_with("certs/") {
        if CERT_EXTENSIONS.contains(&ext) {
            out.certs.push(f);
        }
    } else if ext == "json" {
        out.documents.push(f);
    }
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<(), Error> {
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    for entry in entries {
        let entry = entry.map_err(|source| Error::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        let ft = entry.file_type().map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        if ft.is_dir() {
            walk(root, &path, out)?;
        } else if ft.is_file() {
            if let Ok(rel) = path.strip_prefix(root) {
                let rel: Vec<String> = rel
                    .components()
                    .filter_map(|c| c.as_os_str().to_str().map(str::to_string))
                    .collect();
                out.push(rel.join("/"));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{InputFile, Spare};

    /// A file is read into room made for its size, unless it is over the
    /// limit: a file of 1 TiB (sparse) gets none.
    #[test]
    fn no_room_for_a_file_over_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let file = |name: &str, len: u64| {
            let path = dir.path().join(name);
            std::fs::File::create(&path).unwrap().set_len(len).unwrap();
            InputFile {
                path,
                memory: None,
                display: name.to_string(),
                root: None,
                rel: name.to_string(),
            }
        };
        let spare = Spare::default();
        let small = spare.for_file(&file("small.json", 1000), 2 << 30);
        assert!(small.capacity() >= 1000);
        let huge = spare.for_file(&file("huge.json", 1 << 40), 2 << 30);
        assert_eq!(huge.capacity(), 0);
    }

    /// Buffers are used again for files that fit them; a file that fits
    /// none takes a new one in place of the largest kept, so there are
    /// never more buffers than there were files read at once; a buffer
    /// more than twice the size of what it held is not kept.
    #[test]
    fn spare_buffers_used_again_never_more_than_at_once() {
        let spare = Spare::default();
        let kept = |s: &Spare| -> Vec<usize> {
            let mut v: Vec<usize> = s.0.lock().unwrap().iter().map(Vec::capacity).collect();
            v.sort_unstable();
            v
        };
        // Two files at once: two buffers, an eighth larger than each.
        let (a, b) = (spare.take(800), spare.take(1600));
        assert!(a.capacity() >= 900 && b.capacity() >= 1800);
        let (pa, pb) = (a.as_ptr(), b.as_ptr());
        spare.give(a, 800);
        spare.give(b, 1600);
        assert_eq!(kept(&spare).len(), 2);
        // The smallest that fits, the same buffer.
        let c = spare.take(850);
        assert_eq!(c.as_ptr(), pa);
        spare.give(c, 850);
        let d = spare.take(1000);
        assert_eq!(d.as_ptr(), pb);
        spare.give(d, 1000);
        // Fits none: a new one in place of the largest kept.
        let e = spare.take(4000);
        assert!(e.capacity() >= 4500);
        assert_eq!(kept(&spare).len(), 1);
        // Too large for what it held: not kept.
        spare.give(e, 100);
        assert_eq!(kept(&spare).len(), 1);
        let f = spare.take(10);
        assert_eq!(f.as_ptr(), pa);
        assert!(kept(&spare).is_empty());
    }
}
