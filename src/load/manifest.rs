//! `manifest.json`: what `collect` asked ARM and what came back.
//!
//! A request that failed becomes a `Failed` fact (→ ASR901), a 404 becomes a
//! "does not exist" fact, and each saved file gets a hint (its fact kind,
//! scope and region) so that even an empty list proves something.

use super::document::{is_not_found_code, Hint};
use super::lenient::{opt_i64, opt_string, opt_time};
use crate::error::Error;
use crate::model::{
    BundleInfo, Coverage, FactKind, FactRecord, NotFound, ResourceId, SourceId, UsageKind,
};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::path::{Component, Path};

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct ManifestDto {
    #[serde(deserialize_with = "opt_string")]
    format: Option<String>,
    #[serde(deserialize_with = "opt_time")]
    collected_at: Option<time::OffsetDateTime>,
    #[serde(deserialize_with = "opt_string")]
    cloud: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    endpoint: Option<String>,
    subscriptions: Option<Vec<String>>,
    requests: Option<Vec<RequestDto>>,
    fleet: Option<FleetDto>,
}

/// What a fleet collection (`--all-vaults`) covered.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct FleetDto {
    subscriptions: Vec<String>,
    #[serde(deserialize_with = "opt_string")]
    management_group: Option<String>,
    unreadable: Vec<String>,
    vaults: Vec<String>,
    vaults_without_items: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct RequestDto {
    #[serde(deserialize_with = "opt_string")]
    file: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    method: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    path: Option<String>,
    #[serde(deserialize_with = "opt_i64")]
    status: Option<i64>,
    #[serde(deserialize_with = "opt_string")]
    error_code: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    message: Option<String>,
    /// A Resource Graph query: its KQL, subscriptions and `$skipToken`.
    #[serde(deserialize_with = "opt_string")]
    query: Option<String>,
    subscriptions: Option<Vec<String>>,
    #[serde(deserialize_with = "opt_string")]
    skip_token: Option<String>,
}

/// The key under which a Resource Graph `$skipToken` that was sent is
/// remembered (a page that names it was followed): with its query and
/// subscriptions (`query`), since a token need not be unique across queries.
pub fn graph_token_key(query: &str, token: &str) -> String {
    format!("graph-skip-token:{query}\u{0}{}", token.trim())
}

/// What identifies one Resource Graph query among those of a bundle: its
/// text and the subscriptions it asked for.
fn graph_query_key(query: &str, subscriptions: &[String]) -> String {
    let mut subs: Vec<String> = subscriptions
        .iter()
        .map(|s| s.to_ascii_lowercase())
        .collect();
    subs.sort();
    format!("{query}\u{0}{}", subs.join(","))
}

/// The kinds of facts a fleet collection reads through Resource Graph in
/// each subscription it can read: an unreadable one lacks all of them.
const FLEET_KINDS: [FactKind; 6] = [
    FactKind::Vaults,
    FactKind::ReplicatedItems,
    FactKind::VirtualMachines,
    FactKind::ResourceGroups,
    FactKind::Locks,
    FactKind::VirtualNetworks,
];

/// What a manifest contributes to the estate and to reading the other files.
#[derive(Default)]
pub struct Manifest {
    pub info: BundleInfo,
    /// Hints per file, keyed by the normalized path relative to the bundle.
    pub hints: HashMap<String, Hint>,
    /// Request paths (with query) that were made: `nextLink`s that were followed.
    pub requested: HashSet<String>,
    pub facts: Vec<FactRecord>,
    pub not_found: Vec<NotFound>,
}

/// The supported manifest format.
pub const FORMAT: &str = "asr-preflight/bundle@1";

/// Normalizes a bundle-relative path; refuses one that leaves the bundle.
pub fn safe_relative(p: &str) -> Option<String> {
    let path = Path::new(p);
    let mut parts = Vec::new();
    for c in path.components() {
        match c {
            Component::Normal(s) => parts.push(s.to_str()?.to_string()),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if parts.is_empty() {
        return None;
    }
    Some(parts.join("/"))
}

/// Strips scheme and host: `https://management.azure.com/subscriptions/...` → `/subscriptions/...`.
pub fn request_key(url: &str) -> String {
    let rest = url
        .split_once("://")
        .map_or(url, |(_, r)| r.find('/').map_or("", |i| &r[i..]));
    // One spelling for one request: a `nextLink` as ARM wrote it and the
    // path `collect` recorded after sending it (percent-encoding normalized).
    match url::Url::parse("https://h").and_then(|b| b.join(rest)) {
        Ok(u) => match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        },
        Err(_) => rest.to_string(),
    }
}

/// The fact kind, scope, region and resource id a request path is about.
pub fn classify_path(path: &str) -> Hint {
    let key = request_key(path);
    let path_only = key.split('?').next().unwrap_or("");
    let segs: Vec<&str> = path_only.split('/').filter(|s| !s.is_empty()).collect();
    let lower: Vec<String> = segs.iter().map(|s| s.to_ascii_lowercase()).collect();
    let mut hint = Hint {
        request: Some(format!("GET {key}")),
        ..Hint::default()
    };
    let sub = lower
        .iter()
        .position(|s| s == "subscriptions")
        .and_then(|i| segs.get(i + 1))
        .map(|s| s.to_string());
    let rg = lower
        .iter()
        .position(|s| s == "resourcegroups")
        .and_then(|i| segs.get(i + 1))
        .map(|s| s.to_string());
    hint.scope = match (&sub, &rg) {
        (Some(s), Some(g)) => Some(format!("/subscriptions/{s}/resourceGroups/{g}")),
        (Some(s), None) => Some(format!("/subscriptions/{s}")),
        _ => None,
    };
    let collection = |name: &str| -> Option<FactKind> {
        Some(match name {
            "replicationprotecteditems" => FactKind::ReplicatedItems,
            "replicationrecoveryplans" => FactKind::RecoveryPlans,
            "replicationjobs" => FactKind::Jobs,
            "replicationpolicies" => FactKind::Policies,
            "recoverypoints" => FactKind::RecoveryPoints,
            "virtualmachines" => FactKind::VirtualMachines,
            "disks" => FactKind::Disks,
            "networkinterfaces" => FactKind::NetworkInterfaces,
            "virtualnetworks" => FactKind::VirtualNetworks,
            "storageaccounts" => FactKind::StorageAccounts,
            "locks" => FactKind::Locks,
            "resourcegroups" => FactKind::ResourceGroups,
            "skus" | "disk-skus" => FactKind::Skus,
            "availabilitystatuses" => FactKind::ResourceHealth,
            "vaults" => FactKind::Vaults,
            "capacityreservations" => FactKind::CapacityReservations,
            "replicationrecoveryservicesproviders" => FactKind::Providers,
            _ => return None,
        })
    };
    let n = lower.len();
    if n >= 2 && lower[n - 1] == "usages" {
        let ns = lower
            .iter()
            .position(|s| s == "providers")
            .and_then(|i| lower.get(i + 1));
        let network = ns.is_some_and(|s| s == "microsoft.network");
        hint.kind = Some(if network {
            FactKind::NetworkUsages
        } else {
            FactKind::ComputeUsages
        });
        hint.usage_kind = Some(if network {
            UsageKind::Network
        } else {
            UsageKind::Compute
        });
        if n >= 3 && lower[n - 3] == "locations" {
            hint.location = Some(lower[n - 2].clone());
        }
    } else if n >= 3 && lower[n - 1] == "locations" && lower[n - 3] == "subscriptions" {
        hint.kind = Some(FactKind::Locations);
    } else if n == 3 && lower[0] == "subscriptions" && lower[2] == "resources" {
        // The subscription's resources filtered by type
        // (`$filter=resourceType eq 'Microsoft.Compute/disks' and ...`).
        let query = key.split_once('?').map_or("", |(_, q)| q);
        hint.kind = url::form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == "$filter")
            .and_then(|(_, f)| {
                let f = f.to_ascii_lowercase();
                let at = f.find("resourcetype eq '")? + "resourcetype eq '".len();
                let ty = f[at..].split('\'').next()?;
                collection(ty.rsplit('/').next()?)
            });
    } else if let Some(kind) = lower.last().and_then(|last| collection(last)) {
        hint.kind = Some(kind);
    } else if n >= 2 {
        // a single resource: `.../{type}/{name}`
        hint.kind = collection(&lower[n - 2]);
        if path_only.starts_with("/subscriptions/") || path_only.starts_with("/Subscriptions/") {
            hint.request_id = Some(ResourceId::new(path_only));
        }
    }
    if hint.kind == Some(FactKind::Skus) {
        // `$filter=location eq 'westus2'`
        if let Some(at) = key
            .to_ascii_lowercase()
            .find("location%20eq%20%27")
            .map(|i| i + 19)
        {
            hint.location = key[at..]
                .split("%27")
                .next()
                .map(|s| s.to_ascii_lowercase());
        } else if let Some(at) = key
            .to_ascii_lowercase()
            .find("location eq '")
            .map(|i| i + 13)
        {
            hint.location = key[at..].split('\'').next().map(|s| s.to_ascii_lowercase());
        }
    }
    hint
}

/// Reads `manifest.json` (its text, its display name, its source id).
pub fn read(file: &str, text: &str, source: SourceId) -> Result<Manifest, Error> {
    let dto: ManifestDto = match serde_json::from_str(text) {
        Ok(d) => d,
        Err(e) => {
            let off = crate::error::serde_offset(text, e.line(), e.column());
            return Err(Error::malformed(file, text, off, format!("manifest: {e}")));
        }
    };
    let mut m = Manifest {
        info: BundleInfo {
            format: dto.format.clone(),
            collected_at: dto.collected_at,
            cloud: dto.cloud,
            endpoint: dto.endpoint,
            subscriptions: dto.subscriptions.unwrap_or_default(),
            has_manifest: true,
            manifest: Some(source),
            newest_fact: None,
            fleet: dto.fleet.as_ref().map(|f| crate::model::FleetInfo {
                subscriptions: f.subscriptions.clone(),
                management_group: f.management_group.clone(),
                unreadable: f.unreadable.clone(),
                vaults: f.vaults.clone(),
                without_items: f.vaults_without_items.clone(),
            }),
        },
        ..Manifest::default()
    };
    let unreadable: HashSet<String> = dto
        .fleet
        .as_ref()
        .map(|f| {
            f.unreadable
                .iter()
                .map(|s| s.to_ascii_lowercase())
                .collect()
        })
        .unwrap_or_default();
    for sub in &unreadable {
        for kind in FLEET_KINDS {
            m.facts.push(FactRecord {
                why: None,
                page: false,
                kind,
                scope: Some(format!("/subscriptions/{sub}")),
                location: None,
                request: Some("POST /providers/Microsoft.ResourceGraph/resources".to_string()),
                coverage: Coverage::Failed {
                    status: None,
                    error_code: Some("SubscriptionNotReadable".to_string()),
                    message: Some(format!(
                        "subscription {sub} was in scope but Resource Graph returned nothing of it, not even the subscription: the identity cannot read it (give it the Reader role there)"
                    )),
                },
                source,
            });
        }
    }
    // Where each request object starts in the text, so that an error in
    // one points at it (line and column), not just at the file.
    #[derive(serde::Deserialize)]
    struct Spans<'a> {
        #[serde(borrow, default)]
        requests: Vec<&'a serde_json::value::RawValue>,
    }
    let spans: Vec<usize> = serde_json::from_str::<Spans>(text)
        .map(|s| {
            s.requests
                .iter()
                .map(|r| (r.get().as_ptr() as usize).saturating_sub(text.as_ptr() as usize))
                .collect()
        })
        .unwrap_or_default();
    let at = |i: usize| spans.get(i).copied().unwrap_or(0);
    let semantic = |offset: usize, message: String| {
        Error::malformed(file, text, offset, format!("manifest: {message}"))
    };
    if let Some(f) = dto.format.as_deref() {
        if f != FORMAT {
            return Err(semantic(
                text.find("\"format\"").unwrap_or(0),
                format!("`format` is `{f}`; this version reads `{FORMAT}`"),
            ));
        }
    }
    for (i, r) in dto.requests.unwrap_or_default().into_iter().enumerate() {
        let Some(path) = r.path.clone() else {
            return Err(semantic(at(i), format!("requests[{i}] has no `path`")));
        };
        let mut hint = classify_path(&path);
        if let Some(q) = r.query.as_deref() {
            // A Resource Graph page: its kind from the query, its scope the
            // readable subscriptions it asked for.
            hint = Hint {
                kind: super::document::fact_kind_of_graph_query(q),
                request: Some(format!(
                    "POST {} ({})",
                    request_key(&path),
                    crate::text::excerpt(q, 120)
                )),
                scopes: r
                    .subscriptions
                    .iter()
                    .flatten()
                    .map(|s| s.to_ascii_lowercase())
                    .filter(|s| !unreadable.contains(s))
                    .map(|s| format!("/subscriptions/{s}"))
                    .collect(),
                expected_empty: q.contains("'microsoft.resources/subscriptions'"),
                graph_query: Some(graph_query_key(
                    q,
                    r.subscriptions.as_deref().unwrap_or_default(),
                )),
                ..Hint::default()
            };
            if let (Some(t), Some(key)) = (r.skip_token.as_deref(), &hint.graph_query) {
                m.requested.insert(graph_token_key(key, t));
            }
        } else if request_key(&path).split('?').next() == Some("/subscriptions") {
            hint.expected_empty = true;
        }
        if let Some(method) = r
            .method
            .as_deref()
            .filter(|m| !m.eq_ignore_ascii_case("GET") && r.query.is_none())
        {
            hint.request = Some(format!(
                "{} {}",
                method.to_ascii_uppercase(),
                request_key(&path)
            ));
        }
        m.requested.insert(request_key(&path));
        let status = r.status.and_then(|s| u16::try_from(s).ok());
        // A 2xx whose body could not be used (cut off, not JSON) is
        // recorded with an error code: it failed all the same.
        let ok = status.is_some_and(|s| (200..300).contains(&s)) && r.error_code.is_none();
        // A 404 proves absence for one resource; a list that answers 404
        // (a subscription not found, a provider not registered) proves
        // nothing: it failed.
        let not_found = hint.request_id.is_some()
            && (status == Some(404) || r.error_code.as_deref().is_some_and(is_not_found_code));
        if not_found {
            m.not_found.push(NotFound {
                id: hint.request_id.clone(),
                resource: None,
                resource_group: None,
                error_code: r
                    .error_code
                    .clone()
                    .unwrap_or_else(|| "NotFound".to_string()),
                message: None,
                source,
            });
            hint.recorded = true;
        } else if !ok && r.query.is_some() && hint.kind.is_none() {
            // The subscriptions query (which of them can be read) lists no
            // fact a check reads: when it fails, `collect` judges readability
            // by the rows of the other queries, and a subscription without
            // any is recorded as not readable (`fleet.unreadable`).
            hint.recorded = true;
        } else if !ok {
            let scopes: Vec<Option<String>> = match hint.scopes.is_empty() {
                true => vec![hint.scope.clone()],
                false => hint.scopes.iter().cloned().map(Some).collect(),
            };
            for scope in scopes {
                m.facts.push(FactRecord {
                    why: None,
                    page: false,
                    kind: hint.kind.unwrap_or(FactKind::Other),
                    scope,
                    location: hint.location.clone(),
                    request: hint.request.clone(),
                    coverage: Coverage::Failed {
                        status,
                        error_code: r.error_code.clone(),
                        message: r.message.clone(),
                    },
                    source,
                });
            }
            hint.recorded = true;
        }
        if let Some(f) = r.file.as_deref() {
            let Some(rel) = safe_relative(f) else {
                return Err(semantic(
                    at(i),
                    format!(
                        "requests[{i}].file `{f}` leaves the bundle directory; files must be relative paths inside it"
                    ),
                ));
            };
            m.hints.insert(rel, hint);
        }
    }
    Ok(m)
}

/// What a file's own name says: `usages.<region>.json`,
/// `network-usages.<region>.json`, `skus.<region>.json`, `locks.json`, ...
/// The page a file holds when a list was saved one page per file:
/// `items.2.json` or `items.page2.json` → (`items.json`, 2). The collection
/// is named by the path without the page number.
pub fn page_of(rel: &str) -> Option<(String, u32)> {
    let stem = rel.strip_suffix(".json")?;
    let (base, last) = stem.rsplit_once('.')?;
    let digits = last.strip_prefix("page").unwrap_or(last);
    if digits.is_empty() || digits.len() > 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if base.is_empty() || base.ends_with('/') {
        return None;
    }
    Some((format!("{base}.json"), digits.parse().ok()?))
}

pub fn hint_from_file_name(rel: &str) -> Hint {
    let rel = &page_of(rel).map_or_else(|| rel.to_string(), |(base, _)| base);
    let name = rel.rsplit('/').next().unwrap_or(rel).to_ascii_lowercase();
    let stem = name.strip_suffix(".json").unwrap_or(&name);
    let (base, region) = match stem.split_once('.') {
        Some((b, r)) => (b, Some(r.to_string())),
        None => (stem, None),
    };
    let mut hint = Hint::default();
    let kind = match base {
        "usages" | "compute-usages" => {
            hint.usage_kind = Some(UsageKind::Compute);
            FactKind::ComputeUsages
        }
        "network-usages" => {
            hint.usage_kind = Some(UsageKind::Network);
            FactKind::NetworkUsages
        }
        "skus" | "disk-skus" => FactKind::Skus,
        "locks" => FactKind::Locks,
        "resource-groups" | "resourcegroups" | "groups" => FactKind::ResourceGroups,
        "vms" | "virtual-machines" | "virtualmachines" => FactKind::VirtualMachines,
        "capacity-reservations" => FactKind::CapacityReservations,
        "providers" | "recovery-services-providers" => FactKind::Providers,
        "disks" | "temp-disks" => FactKind::Disks,
        "nics" | "network-interfaces" => FactKind::NetworkInterfaces,
        "vnets" | "virtual-networks" => FactKind::VirtualNetworks,
        "storage-accounts" => FactKind::StorageAccounts,
        b if [
            "replicated-items",
            "replicationprotecteditems",
            "protected-items",
            "replication-protected-items",
        ]
        .iter()
        .any(|p| b.starts_with(p)) =>
        {
            FactKind::ReplicatedItems
        }
        "jobs" | "replication-jobs" => FactKind::Jobs,
        "recovery-plans" | "plans" => FactKind::RecoveryPlans,
        "policies" | "replication-policies" => FactKind::Policies,
        "locations" => FactKind::Locations,
        "resource-health" | "health" => FactKind::ResourceHealth,
        "recovery-points" => FactKind::RecoveryPoints,
        _ => return hint,
    };
    hint.kind = Some(kind);
    if matches!(
        kind,
        FactKind::ComputeUsages | FactKind::NetworkUsages | FactKind::Skus
    ) {
        // `usages.<region>.json`, or `usages.<subscription>.<region>.json`
        // when targets span subscriptions (their counters differ).
        match region.as_deref().and_then(|r| r.split_once('.')) {
            Some((sub, loc)) if is_guid(sub) => {
                hint.scope = Some(format!("/subscriptions/{sub}"));
                hint.location = Some(loc.to_ascii_lowercase());
            }
            _ => hint.location = region.map(|r| r.to_ascii_lowercase()),
        }
    } else if let Some(sub) = region.filter(|r| is_guid(r)) {
        // `locks.<subscription id>.json`: one list per subscription
        hint.scope = Some(format!("/subscriptions/{sub}"));
    }
    hint
}

/// `8-4-4-4-12` hexadecimal digits, as subscription ids are written.
fn is_guid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups
            .iter()
            .all(|g| g.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_404_proves_absence_of_a_resource_but_fails_a_list() {
        let text = r#"{"requests": [
            {"method": "GET", "path": "/subscriptions/s/resourcegroups/rg-gone?api-version=2021-04-01", "status": 404, "errorCode": "ResourceGroupNotFound"},
            {"method": "GET", "path": "/subscriptions/s/providers/Microsoft.Compute/disks?api-version=2025-01-02", "status": 404, "errorCode": "SubscriptionNotFound"}
        ]}"#;
        let m = read("manifest.json", text, SourceId(0)).unwrap();
        assert_eq!(m.not_found.len(), 1);
        assert_eq!(m.facts.len(), 1);
        assert_eq!(m.facts[0].kind, FactKind::Disks);
        assert!(matches!(
            m.facts[0].coverage,
            Coverage::Failed {
                status: Some(404),
                ..
            }
        ));
    }

    #[test]
    fn a_next_link_and_the_recorded_request_are_one_key() {
        let link = "https://management.azure.com/subscriptions/s/providers/Microsoft.Compute/skus?api-version=2021-07-01&$filter=location eq 'westus'&$skiptoken=a";
        let recorded = "/subscriptions/s/providers/Microsoft.Compute/skus?api-version=2021-07-01&$filter=location%20eq%20%27westus%27&$skiptoken=a";
        assert_eq!(request_key(link), request_key(recorded));
        assert_eq!(request_key("/a/b?x=1"), "/a/b?x=1");
    }

    #[test]
    fn a_subscription_id_in_a_file_name_scopes_the_list() {
        let h = hint_from_file_name("locks.6F1C3A52-8d4e-4b7a-9c21-3e5f7a9b0d14.json");
        assert_eq!(h.kind, Some(FactKind::Locks));
        assert_eq!(
            h.scope.as_deref(),
            Some("/subscriptions/6f1c3a52-8d4e-4b7a-9c21-3e5f7a9b0d14")
        );
        assert_eq!(hint_from_file_name("locks.prod.json").scope, None);
        assert_eq!(
            hint_from_file_name("usages.6f1c3a52-8d4e-4b7a-9c21-3e5f7a9b0d14.json").scope,
            None,
            "usages are named by region"
        );
    }

    #[test]
    fn odd_paths_classify_without_panicking() {
        for path in [
            "",
            "/",
            "usages",
            "/usages",
            "x/usages",
            "/locations",
            "/subscriptions",
            "/subscriptions/s/locations",
            "?$filter=location eq 'x",
            "/subscriptions/s/providers/Microsoft.Compute/skus?$filter=location eq '",
        ] {
            let _ = classify_path(path);
        }
        let h = classify_path("x/usages");
        assert_eq!(h.kind, Some(FactKind::ComputeUsages));
        assert_eq!(h.location, None);
    }

    #[test]
    fn paths_are_classified() {
        let h = classify_path(
            "/subscriptions/s/providers/Microsoft.Authorization/locks?api-version=2020-05-01",
        );
        assert_eq!(h.kind, Some(FactKind::Locks));
        assert_eq!(h.scope.as_deref(), Some("/subscriptions/s"));
        let h = classify_path("https://management.azure.com/subscriptions/s/providers/Microsoft.Compute/locations/westus2/usages?api-version=2024-11-01");
        assert_eq!(h.kind, Some(FactKind::ComputeUsages));
        assert_eq!(h.location.as_deref(), Some("westus2"));
        let h =
            classify_path("/subscriptions/s/providers/Microsoft.Network/locations/westus2/usages");
        assert_eq!(h.kind, Some(FactKind::NetworkUsages));
        let h = classify_path("/subscriptions/s/resourcegroups/rg-app?api-version=2021-04-01");
        assert_eq!(h.kind, Some(FactKind::ResourceGroups));
        assert_eq!(
            h.request_id.unwrap(),
            ResourceId::new("/subscriptions/s/resourceGroups/rg-app")
        );
        let h = classify_path("/subscriptions/s/providers/Microsoft.Compute/skus?api-version=2021-07-01&$filter=location eq 'westus2'");
        assert_eq!(h.location.as_deref(), Some("westus2"));
        let h = classify_path("/subscriptions/s/locations?api-version=2022-12-01");
        assert_eq!(h.kind, Some(FactKind::Locations));
    }

    #[test]
    fn relative_paths_stay_inside() {
        assert_eq!(safe_relative("./a/b.json").as_deref(), Some("a/b.json"));
        assert!(safe_relative("../x.json").is_none());
        assert!(safe_relative("/etc/passwd").is_none());
        assert!(safe_relative("a/../../x").is_none());
    }

    #[test]
    fn file_names() {
        let h = hint_from_file_name("usages.westus2.json");
        assert_eq!(h.kind, Some(FactKind::ComputeUsages));
        assert_eq!(h.location.as_deref(), Some("westus2"));
        assert_eq!(
            hint_from_file_name("sub/network-usages.eastus.json").kind,
            Some(FactKind::NetworkUsages)
        );
        assert_eq!(
            hint_from_file_name("locks.json").kind,
            Some(FactKind::Locks)
        );
        assert_eq!(hint_from_file_name("whatever.json").kind, None);
        // Targets in several subscriptions: the subscription before the region.
        let h = hint_from_file_name("usages.6f1c3a52-8d4e-4b7a-9c21-3e5f7a9b0d14.centralus.json");
        assert_eq!(h.kind, Some(FactKind::ComputeUsages));
        assert_eq!(h.location.as_deref(), Some("centralus"));
        assert_eq!(
            h.scope.as_deref(),
            Some("/subscriptions/6f1c3a52-8d4e-4b7a-9c21-3e5f7a9b0d14")
        );
        let h = hint_from_file_name("skus.6f1c3a52-8d4e-4b7a-9c21-3e5f7a9b0d14.eastus2.json");
        assert_eq!(
            (h.kind, h.location.as_deref()),
            (Some(FactKind::Skus), Some("eastus2"))
        );
        // Page files name their collection.
        assert_eq!(
            page_of("replicated-items.2.json"),
            Some(("replicated-items.json".to_string(), 2))
        );
        assert_eq!(
            page_of("a/items.page3.json"),
            Some(("a/items.json".to_string(), 3))
        );
        assert_eq!(page_of("usages.eastus2.json"), None);
        assert_eq!(
            hint_from_file_name("replicated-items.2.json").kind,
            Some(FactKind::ReplicatedItems)
        );
        assert_eq!(
            hint_from_file_name("replicationProtectedItems-eastus.json").kind,
            Some(FactKind::ReplicatedItems)
        );
    }
}
