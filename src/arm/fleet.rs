//! `--all-vaults`: every vault of a scope in one run, read in bulk through
//! Azure Resource Graph, and through ARM only what Resource Graph lacks.
//!
//! Resource Graph (one paged POST per query, `options.$skipToken`, 1,000 rows
//! a page, 1,000 subscriptions a request) gives the subscriptions that can be
//! read, the vaults, their replicated items (`recoveryservicesresources`),
//! and, for the subscriptions the items touch, VMs, virtual networks, locks
//! and resource groups; disks where an item has failed over (reprotect's
//! temporary disks, ASR202); Resource Health of the subscriptions a
//! reprotect or failback returns to. ARM gives, per vault with items, its
//! plans, jobs and policies (and its Hyper-V providers when it has Hyper-V
//! items); per target (subscription, region), usages and SKUs; per
//! subscription touched, its policy-aware locations.
//!
//! Every query has one shape, `<table> | where type =~ '<type>' | project id,
//! name, type, location, resourceGroup, subscriptionId, properties | order by
//! id asc` (for disks, `| where name startswith 'ms-asr-'` after the type:
//! only reprotect's temporary disks are read) (sorted, so pages neither repeat nor skip rows), scoped by the
//! request's `subscriptions`. Each page is saved as received (`{"data": …}`)
//! and recorded in `manifest.json` with its query, subscriptions and
//! `$skipToken`, so `check --from` of the bundle reads what the live run read.

use super::bundle::{Bundle, FleetScope, GraphRequest};
use super::collect::{child_job_work, region_work, snapshot_of, vault_work, Collector, Work};
use super::plan::{safe_segment, Plan};
use crate::error::Error;
use crate::model::item::ProviderKind;
use crate::model::ResourceId;
use futures::future::join_all;
use serde_json::value::RawValue;
use std::collections::{BTreeMap, BTreeSet};

const GRAPH_PATH: &str = "/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01";
const SUBSCRIPTIONS_API: &str = "2022-12-01";
const LOCATION_API: &str = "2022-12-01";
/// Resource Graph's most subscriptions per request, and rows per page.
const BATCH: usize = 1000;
const PAGE: u32 = 1000;

/// What a fleet run covers.
#[derive(Clone, Debug)]
pub struct FleetTarget {
    /// `--subscription` values; none means every subscription the identity
    /// can list (or those of `management_group`).
    pub subscriptions: Vec<String>,
    pub management_group: Option<String>,
    /// `--vault` filters: `<group>/<name>`, a bare name, or a full id.
    pub vaults: Vec<String>,
    pub jobs_since: Option<time::OffsetDateTime>,
    pub collected_at: time::OffsetDateTime,
    pub cloud: String,
}

/// One Resource Graph query: its bundle file stem, table and type.
#[derive(Clone, Copy)]
pub struct Query {
    pub stem: &'static str,
    pub table: &'static str,
    pub kind: &'static str,
    /// Only the resources whose name starts so (KQL `startswith`, which
    /// compares without case).
    pub name_prefix: Option<&'static str>,
}

impl Query {
    /// The KQL text: always this shape.
    pub fn kql(&self) -> String {
        let names = self
            .name_prefix
            .map(|p| format!(" | where name startswith '{p}'"))
            .unwrap_or_default();
        format!(
            "{} | where type =~ '{}'{names} | project id, name, type, location, resourceGroup, subscriptionId, properties | order by id asc",
            self.table, self.kind
        )
    }
}

const SUBSCRIPTIONS: Query = Query {
    stem: "subscriptions",
    table: "resourcecontainers",
    kind: "microsoft.resources/subscriptions",
    name_prefix: None,
};
const VAULTS: Query = Query {
    stem: "vaults",
    table: "resources",
    kind: "microsoft.recoveryservices/vaults",
    name_prefix: None,
};
const ITEMS: Query = Query {
    stem: "replicated-items",
    table: "recoveryservicesresources",
    kind: "microsoft.recoveryservices/vaults/replicationfabrics/replicationprotectioncontainers/replicationprotecteditems",
    name_prefix: None,
};
const VMS: Query = Query {
    stem: "vms",
    table: "resources",
    kind: "microsoft.compute/virtualmachines",
    name_prefix: None,
};
const DISKS: Query = Query {
    stem: "disks",
    table: "resources",
    kind: "microsoft.compute/disks",
    name_prefix: Some(crate::model::REPROTECT_TEMP_DISK_PREFIX),
};
const VNETS: Query = Query {
    stem: "vnets",
    table: "resources",
    kind: "microsoft.network/virtualnetworks",
    name_prefix: None,
};
const LOCKS: Query = Query {
    stem: "locks",
    table: "resources",
    kind: "microsoft.authorization/locks",
    name_prefix: None,
};
const GROUPS: Query = Query {
    stem: "resource-groups",
    table: "resourcecontainers",
    kind: "microsoft.resources/subscriptions/resourcegroups",
    name_prefix: None,
};
const HEALTH: Query = Query {
    stem: "resource-health",
    table: "healthresources",
    kind: "microsoft.resourcehealth/availabilitystatuses",
    name_prefix: None,
};

/// Where a query looks.
#[derive(Clone, Debug)]
enum Scope {
    Subscriptions(Vec<String>),
    ManagementGroup(String),
}

#[derive(serde::Deserialize)]
struct GraphPage<'a> {
    #[serde(borrow, default)]
    data: Option<Vec<&'a RawValue>>,
    #[serde(rename = "$skipToken", default)]
    skip_token: Option<String>,
    #[serde(rename = "resultTruncated", borrow, default)]
    result_truncated: Option<&'a RawValue>,
}

#[derive(serde::Deserialize)]
struct RowHead {
    #[serde(default)]
    id: Option<String>,
    #[serde(rename = "subscriptionId", default)]
    subscription_id: Option<String>,
}

#[derive(serde::Deserialize)]
struct SubscriptionEntry {
    #[serde(rename = "subscriptionId", default)]
    subscription_id: Option<String>,
}

/// Runs one query over `scope` to its last page, batch by batch; saves each
/// page under `graph/`; returns the subscriptions its rows belong to.
/// `keep` filters the rows saved (vaults and items of `--vault`).
async fn graph_query(
    c: &Collector<'_>,
    q: Query,
    scope: &Scope,
    keep: Option<&(dyn Fn(&str) -> bool + Sync)>,
) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let Ok(url) = c.client.url(GRAPH_PATH) else {
        return seen;
    };
    let batches: Vec<(Vec<String>, Vec<String>)> = match scope {
        Scope::Subscriptions(subs) => subs
            .chunks(BATCH)
            .map(|b| (b.to_vec(), Vec::new()))
            .collect(),
        Scope::ManagementGroup(mg) => vec![(Vec::new(), vec![mg.clone()])],
    };
    let query = q.kql();
    for (b, (subscriptions, groups)) in batches.into_iter().enumerate() {
        if subscriptions.is_empty() && groups.is_empty() {
            continue;
        }
        let stem = match b {
            0 => format!("graph/{}", q.stem),
            _ => format!("graph/{}-batch{}", q.stem, b + 1),
        };
        let mut token: Option<String> = None;
        let mut tokens = BTreeSet::new();
        for n in 1.. {
            let mut options = serde_json::json!({"$top": PAGE, "resultFormat": "objectArray"});
            if let Some(t) = &token {
                options["$skipToken"] = t.clone().into();
            }
            let mut body = serde_json::json!({"query": query, "options": options});
            if !subscriptions.is_empty() {
                body["subscriptions"] = subscriptions.clone().into();
            }
            if !groups.is_empty() {
                body["managementGroups"] = groups.clone().into();
            }
            let bytes = serde_json::to_vec(&body).unwrap_or_default();
            // What the rest waits for (subscriptions, vaults, items) first.
            let urgent = matches!(q.stem, "subscriptions" | "vaults" | "replicated-items");
            let fetched = c.client.post_graph(&url, &bytes, urgent).await;
            let mut record = fetched.record;
            let request = GraphRequest {
                query: query.clone(),
                subscriptions: subscriptions.clone(),
                management_groups: groups.clone(),
                skip_token: token.clone(),
            };
            let Some(body) = fetched.body else {
                c.note_graph(None, record, request);
                break;
            };
            let file = match n {
                1 => format!("{stem}.json"),
                _ => format!("{stem}.page{n}.json"),
            };
            let page = serde_json::from_slice::<GraphPage>(&body).ok();
            let Some((page, rows)) = page.and_then(|p| p.data.clone().map(|d| (p, d))) else {
                // Not a result page (no `data`): kept as it came, recorded
                // as failed, so that its facts are missing, not empty.
                record.error_code = Some("NotAGraphResult".to_string());
                record.message =
                    Some("the answer to a Resource Graph query has no `data` rows".to_string());
                c.save(&file, body);
                c.note_graph(Some(file), record, request);
                break;
            };
            let mut kept = Vec::with_capacity(rows.len());
            for r in &rows {
                let head: Option<RowHead> = serde_json::from_str(r.get()).ok();
                let id = head.as_ref().and_then(|h| h.id.as_deref()).unwrap_or("");
                if keep.is_some_and(|k| !k(id)) {
                    continue;
                }
                if let Some(s) = head.as_ref().and_then(|h| h.subscription_id.as_deref()) {
                    seen.insert(s.to_ascii_lowercase());
                }
                kept.push(*r);
            }
            let next = page.skip_token.clone().filter(|t| !t.trim().is_empty());
            let saved = if kept.len() == rows.len() {
                body
            } else {
                // Filtered (`--vault`); what says the page is partial stays.
                let mut out = serde_json::json!({"count": kept.len(), "data": kept});
                if let Some(t) = &next {
                    out["$skipToken"] = t.clone().into();
                }
                if let Some(t) = page.result_truncated {
                    out["resultTruncated"] = serde_json::to_value(t).unwrap_or_default();
                }
                serde_json::to_vec_pretty(&out).unwrap_or_default()
            };
            if fetched.subscription_limit_hit {
                // Rows of part of the scope only: saved, and recorded as
                // failed, so that what depends on them is incomplete.
                record.error_code = Some("TenantSubscriptionLimitHit".to_string());
                record.message = Some(
                    "Resource Graph answered with x-ms-tenant-subscription-limit-hit: the rows cover only part of the subscriptions asked for".to_string(),
                );
            }
            c.save(&file, saved);
            c.note_graph(Some(file), record, request);
            let Some(next) = next else { break };
            if !tokens.insert(next.clone()) {
                let looped = super::client::Record {
                    method: "POST",
                    path: GRAPH_PATH.to_string(),
                    status: None,
                    error_code: Some("SkipTokenLoop".to_string()),
                    message: Some(
                        "the $skipToken leads back to a page already read; paging stopped"
                            .to_string(),
                    ),
                    attempts: 0,
                };
                c.note_graph(
                    None,
                    looped,
                    GraphRequest {
                        query: query.clone(),
                        subscriptions: subscriptions.clone(),
                        management_groups: groups.clone(),
                        skip_token: Some(next),
                    },
                );
                break;
            }
            token = Some(next);
        }
    }
    seen
}

/// Whether a vault id is one `--vault` names (all, when none is given).
fn selected(filters: &[String], vault: &ResourceId) -> bool {
    if filters.is_empty() {
        return true;
    }
    let name = vault.name();
    let group = vault.resource_group().unwrap_or("");
    filters.iter().any(|f| {
        let f = f.trim().trim_end_matches('/');
        if f.starts_with('/') {
            ResourceId::new(f) == *vault
        } else if let Some((g, n)) = f.split_once('/') {
            g.eq_ignore_ascii_case(group) && n.eq_ignore_ascii_case(name)
        } else {
            f.eq_ignore_ascii_case(name)
        }
    })
}

/// Runs the fleet collection.
pub async fn collect(
    client: &super::client::Client,
    target: &FleetTarget,
) -> Result<Bundle, Error> {
    let c = Collector::new(client);
    let lower = |v: &[String]| -> Vec<String> {
        let set: BTreeSet<String> = v.iter().map(|s| s.trim().to_ascii_lowercase()).collect();
        set.into_iter().collect()
    };
    // The scope: the subscriptions given, those of the management group, or
    // every subscription the identity can list.
    let scope = match (&target.management_group, target.subscriptions.is_empty()) {
        (Some(mg), _) => Scope::ManagementGroup(mg.clone()),
        (None, false) => Scope::Subscriptions(lower(&target.subscriptions)),
        (None, true) => Scope::Subscriptions(list_subscriptions(&c).await?),
    };
    let filters = target.vaults.clone();
    let cr = &c;
    // What the scope holds that any vault's items may need, from the start:
    // VMs, virtual networks, locks, groups. The vaults and items beside
    // them; what the items touch beyond the scope, and what only failed-over
    // items need, follows as soon as the items are in.
    let scope_wide =
        join_all([VMS, VNETS, LOCKS, GROUPS].map(|q| graph_query(cr, q, &scope, None)));
    let (seen, rest) = futures::join!(scope_wide, fleet_rest(cr, target, &scope, &filters));
    let Rest {
        mut readable,
        in_scope,
        extra,
        plan,
        vaults,
        without_items,
    } = rest?;
    readable.extend(seen.into_iter().flatten());
    // A `--vault` that names no vault of a readable scope is a mistake in
    // the command, not a fleet with nothing to check.
    let unmatched: Vec<&String> = filters
        .iter()
        .filter(|f| {
            !vaults
                .iter()
                .any(|v| selected(std::slice::from_ref(*f), &ResourceId::new(v)))
        })
        .collect();
    if !unmatched.is_empty() && in_scope.iter().all(|s| readable.contains(s)) {
        return Err(Error::Live(format!(
            "--vault {}: no such vault in the {} in scope",
            crate::text::ticks(unmatched.iter()),
            crate::text::count(in_scope.len(), "subscription", "subscriptions")
        )));
    }

    // Child jobs of failed jobs outside the window.
    let jobs = snapshot_of(&c, &|f| f.starts_with("vaults/") && f.contains("/jobs"))?;
    join_all(child_job_work(&c, &jobs)).await;

    let mut scope_subs: BTreeSet<String> = in_scope.iter().cloned().collect();
    scope_subs.extend(extra);
    let fleet = FleetScope {
        unreadable: scope_subs
            .iter()
            .filter(|s| !readable.contains(*s))
            .cloned()
            .collect(),
        subscriptions: scope_subs.into_iter().collect(),
        management_group: target.management_group.clone(),
        vaults,
        without_items,
    };
    client.progress.finish();
    let endpoint = c.endpoint();
    Ok(c.finish(super::bundle::About {
        collected_at: target.collected_at,
        cloud: &target.cloud,
        endpoint,
        vault: None,
        subscriptions: &plan.subscriptions,
        fleet: Some(&fleet),
    }))
}

/// What the second part of a fleet collection found.
struct Rest {
    /// Subscriptions any row came from.
    readable: BTreeSet<String>,
    in_scope: Vec<String>,
    /// Subscriptions the items touch outside the scope.
    extra: Vec<String>,
    plan: Plan,
    vaults: Vec<String>,
    without_items: Vec<String>,
}

/// The subscriptions, vaults and items of the scope; then what the items
/// need: the same lists for subscriptions they touch beyond the scope,
/// disks where items have failed over, Resource Health where a
/// reprotect or failback returns; per vault with items its own lists; per
/// target region usages and SKUs; per subscription touched its locations.
async fn fleet_rest(
    c: &Collector<'_>,
    target: &FleetTarget,
    scope: &Scope,
    filters: &[String],
) -> Result<Rest, Error> {
    let keep_vault = |id: &str| selected(filters, &ResourceId::new(id));
    let keep_item = |id: &str| {
        ResourceId::new(id)
            .vault_id()
            .is_some_and(|v| selected(filters, &v))
    };
    let (readable, vault_subs, item_subs) = futures::join!(
        graph_query(c, SUBSCRIPTIONS, scope, None),
        graph_query(c, VAULTS, scope, Some(&keep_vault)),
        graph_query(c, ITEMS, scope, Some(&keep_item)),
    );
    let mut readable: BTreeSet<String> = readable;
    readable.extend(vault_subs);
    readable.extend(item_subs);
    let in_scope: Vec<String> = match scope {
        Scope::Subscriptions(s) => s.clone(),
        Scope::ManagementGroup(_) => readable.iter().cloned().collect(),
    };
    // Only what the plan needs is read back: the vaults and their items.
    let first = snapshot_of(c, &|f| {
        f.starts_with("graph/vaults") || f.starts_with("graph/replicated-items")
    })?;
    c.client.progress.items(first.items.len());

    // What the items touch; subscriptions outside the scope (cross-
    // subscription DR) are read too, and their readability checked.
    let plan = Plan::of(&first, None);
    let extra: Vec<String> = plan
        .subscriptions
        .iter()
        .filter(|s| !in_scope.contains(s))
        .cloned()
        .collect();
    let mut vaults: Vec<&crate::model::arm::GenericResource> = first.vaults.iter().collect();
    vaults.sort_by(|a, b| a.id.cmp(&b.id));
    let mut with_items: BTreeMap<String, bool> = BTreeMap::new();
    for item in &first.items {
        if let Some(v) = item.vault_id() {
            let hyper_v = item
                .replication
                .as_ref()
                .is_some_and(|r| r.kind == ProviderKind::HyperVReplicaAzure);
            *with_items.entry(v.text()).or_default() |= hyper_v;
        }
    }
    let extra_readable = std::sync::Mutex::new(BTreeSet::new());
    let mut work: Vec<Work> = Vec::new();
    let graph_work = |q: Query, s: Scope| -> Work {
        Box::pin(async move {
            graph_query(c, q, &s, None).await;
        })
    };
    if !extra.is_empty() {
        for q in [VMS, VNETS, LOCKS, GROUPS] {
            work.push(graph_work(q, Scope::Subscriptions(extra.clone())));
        }
        let extra_scope = Scope::Subscriptions(extra.clone());
        let cell = &extra_readable;
        work.push(Box::pin(async move {
            let seen = graph_query(c, SUBSCRIPTIONS, &extra_scope, None).await;
            cell.lock().unwrap_or_else(|p| p.into_inner()).extend(seen);
        }));
    }
    if !plan.failed_over.is_empty() {
        let failed_over = Scope::Subscriptions(plan.failed_over.iter().cloned().collect());
        work.push(graph_work(DISKS, failed_over));
    }
    if !plan.health.is_empty() {
        work.push(graph_work(
            HEALTH,
            Scope::Subscriptions(plan.health.keys().cloned().collect()),
        ));
    }
    // Per vault with items: its own lists, under `vaults/<sub>/<group>/<name>/`.
    for (vault, hyper_v) in &with_items {
        let id = ResourceId::new(vault);
        let (Some(sub), Some(group)) = (id.subscription(), id.resource_group()) else {
            continue;
        };
        if ![sub, group, id.name()].iter().all(|s| safe_segment(s))
            || !super::plan::safe_path(vault)
        {
            continue;
        }
        let dir = format!(
            "vaults/{}/{}/{}/",
            sub.to_ascii_lowercase(),
            group.to_ascii_lowercase(),
            id.name().to_ascii_lowercase()
        );
        work.extend(vault_work(c, vault, &dir, target.jobs_since, *hyper_v));
    }
    work.extend(region_work(c, &plan));
    for sub in &plan.subscriptions {
        let path =
            format!("/subscriptions/{sub}/locations?api-version={LOCATION_API}&policyAware=true");
        let stem = format!("subscriptions/{sub}/locations");
        work.push(Box::pin(async move { c.list(&stem, &path, None).await }));
    }
    join_all(work).await;
    readable.extend(extra_readable.into_inner().unwrap_or_default());
    Ok(Rest {
        readable,
        in_scope,
        extra,
        vaults: vaults.iter().map(|v| v.id.text()).collect(),
        without_items: vaults
            .iter()
            .filter(|v| !with_items.keys().any(|k| ResourceId::new(k) == v.id))
            .map(|v| v.id.text())
            .collect(),
        plan,
    })
}

/// Every subscription the identity can list (`GET /subscriptions`, paged);
/// none readable is an error naming what to give instead.
async fn list_subscriptions(c: &Collector<'_>) -> Result<Vec<String>, Error> {
    let path = format!("/subscriptions?api-version={SUBSCRIPTIONS_API}");
    c.list("subscriptions", &path, None).await;
    let mut subs = BTreeSet::new();
    for (_, bytes) in
        c.saved(&|name| name == "subscriptions.json" || name.starts_with("subscriptions.page"))
    {
        #[derive(serde::Deserialize)]
        struct Page {
            #[serde(default)]
            value: Vec<SubscriptionEntry>,
        }
        if let Ok(p) = serde_json::from_slice::<Page>(&bytes) {
            subs.extend(
                p.value
                    .into_iter()
                    .filter_map(|s| s.subscription_id)
                    .map(|s| s.to_ascii_lowercase())
                    .filter(|s| safe_segment(s)),
            );
        }
    }
    if subs.is_empty() {
        return Err(Error::Live(
            "no subscription could be listed (GET /subscriptions): give the subscriptions with --subscription, or a --management-group".to_string(),
        ));
    }
    Ok(subs.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vault_filters_match_group_and_name_a_name_or_an_id() {
        let v = ResourceId::new(
            "/subscriptions/s1/resourceGroups/RG-DR/providers/Microsoft.RecoveryServices/vaults/Vault-A",
        );
        assert!(selected(&[], &v));
        assert!(selected(&["rg-dr/vault-a".to_string()], &v));
        assert!(selected(&["vault-a".to_string()], &v));
        assert!(selected(
            &["/subscriptions/S1/resourcegroups/rg-dr/providers/microsoft.recoveryservices/vaults/vault-a".to_string()],
            &v
        ));
        assert!(!selected(&["rg-other/vault-a".to_string()], &v));
        assert!(!selected(&["vault-b".to_string()], &v));
    }

    #[test]
    fn every_query_has_the_one_shape() {
        for q in [
            SUBSCRIPTIONS,
            VAULTS,
            ITEMS,
            VMS,
            DISKS,
            VNETS,
            LOCKS,
            GROUPS,
            HEALTH,
        ] {
            let k = q.kql();
            assert!(
                k.starts_with(&format!("{} | where type =~ '", q.table)),
                "{k}"
            );
            assert!(k.ends_with("| project id, name, type, location, resourceGroup, subscriptionId, properties | order by id asc"), "{k}");
            assert_eq!(
                crate::load::fact_kind_of_graph_query(&k).is_some(),
                q.stem != "subscriptions",
                "{k}"
            );
        }
    }
}
