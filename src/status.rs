//! `status`: where every item stands, and the progress of those that
//! synchronize (initial replication, reprotect, resynchronization) — the
//! vault-wide view the portal only gives VM by VM.

use crate::model::item::Health;
use crate::model::{Estate, Phase, ReplicatedItem, Timestamp};
use serde::Serialize;

/// One synchronizing item.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Syncing {
    pub vm: String,
    pub item: String,
    pub state: String,
    pub job_type: Option<String>,
    pub percent: Option<i64>,
    pub rpo_seconds: Option<i64>,
    pub started: Option<String>,
    /// At the pace so far (elapsed × remaining ÷ done), when known.
    pub remaining_minutes: Option<i64>,
}

/// The vault-wide counts.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub items: usize,
    pub protected: usize,
    pub synchronizing: usize,
    /// Average completion of the synchronizing items that report one.
    pub synchronizing_percent: Option<i64>,
    pub awaiting_commit: usize,
    pub awaiting_reprotect: usize,
    /// Hyper-V VMs running in Azure after a committed failover: failback next.
    pub awaiting_failback: usize,
    /// Hyper-V failbacks waiting for Complete Failover.
    pub awaiting_complete_failover: usize,
    pub test_failover_cleanup: usize,
    pub needing_attention: usize,
}

/// The whole status.
#[derive(Clone, Debug, Serialize)]
pub struct Status {
    pub summary: Summary,
    pub synchronizing: Vec<Syncing>,
    /// Items needing attention, with why.
    pub attention: Vec<(String, String)>,
    /// Per vault, when the items belong to several (a fleet).
    pub vaults: Vec<VaultStatus>,
}

/// One vault's counts.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VaultStatus {
    pub vault: String,
    pub name: String,
    pub summary: Summary,
}

fn syncing(item: &ReplicatedItem) -> bool {
    let rep = item.replication.as_ref();
    let job = rep.and_then(|r| r.monitoring_job_type.as_deref()).is_some();
    let words = ["initialreplication", "resync", "synchroniz", "reprotect"];
    let state = [
        item.protection_state.as_deref(),
        item.protection_state_description.as_deref(),
        rep.and_then(|r| r.vm_protection_state.as_deref()),
        rep.and_then(|r| r.vm_protection_state_description.as_deref()),
    ]
    .into_iter()
    .flatten()
    .any(|s| {
        let s = s.to_ascii_lowercase().replace(' ', "");
        words.iter().any(|w| s.contains(w))
    });
    job || state
}

fn attention(estate: &Estate, item: &ReplicatedItem) -> Option<String> {
    if let Some(job) = crate::rules::hyperv::complete_failover_pending::waiting_job(estate, item) {
        return Some(format!(
            "failback waiting for Complete Failover{} (job `{}`): Jobs > the job > Complete Failover",
            job.started
                .map(|t| format!(" since {}", crate::text::date_time(t)))
                .unwrap_or_default(),
            job.name
        ));
    }
    if item.state_unknown() {
        return Some(format!(
            "state not understood (protectionState `{}`): see `check`",
            item.protection_state.as_deref().unwrap_or("unknown")
        ));
    }
    let errors = |n: usize| crate::text::count(n, "health error", "health errors");
    match (&item.replication_health, item.health_errors.len()) {
        (Some(h @ (Health::Critical | Health::Warning)), n) => {
            Some(format!("replication health {h} ({})", errors(n)))
        }
        (_, n) if n > 0 => Some(errors(n)),
        _ => match item.phase() {
            Phase::Other(s) => Some(format!("unrecognised state `{s}`")),
            _ => None,
        },
    }
}

/// Builds the status of `items` at `now` (with a line per vault when they
/// belong to several).
pub fn status(estate: &Estate, vms: &[String], now: Timestamp) -> Status {
    let items: Vec<&ReplicatedItem> = estate
        .items
        .iter()
        .filter(|i| vms.is_empty() || vms.iter().any(|v| v.eq_ignore_ascii_case(&i.name)))
        .collect();
    let mut by_vault: std::collections::BTreeMap<String, (String, Vec<&ReplicatedItem>)> =
        Default::default();
    for item in &items {
        if let Some(v) = item.vault_id() {
            by_vault
                .entry(v.key())
                .or_insert_with(|| (v.text(), Vec::new()))
                .1
                .push(item);
        }
    }
    let mut st = tally(estate, &items, now);
    if by_vault.len() > 1 {
        st.vaults = by_vault
            .into_values()
            .map(|(id, items)| VaultStatus {
                name: crate::model::ResourceId::new(&id).name().to_string(),
                summary: tally(estate, &items, now).summary,
                vault: id,
            })
            .collect();
    }
    st
}

/// The counts, synchronizing items and items needing attention of `items`.
fn tally(estate: &Estate, items: &[&ReplicatedItem], now: Timestamp) -> Status {
    let mut s = Summary {
        items: items.len(),
        ..Summary::default()
    };
    let mut rows = Vec::new();
    let mut attn = Vec::new();
    for item in items {
        if crate::rules::hyperv::complete_failover_pending::waiting_job(estate, item).is_some() {
            s.awaiting_complete_failover += 1;
        }
        if let Some(why) = attention(estate, item) {
            s.needing_attention += 1;
            attn.push((item.name.clone(), why));
        }
        let rep = item.replication.as_ref();
        if syncing(item) {
            s.synchronizing += 1;
            let percent = rep.and_then(|r| r.monitoring_percentage);
            let started = item.current_scenario.as_ref().and_then(|c| c.started);
            let remaining = match (percent, started) {
                (Some(p), Some(t)) if p > 0 && p < 100 && t < now => {
                    let elapsed = (now - t).whole_minutes();
                    Some(elapsed * (100 - p) / p)
                }
                _ => None,
            };
            rows.push(Syncing {
                vm: item.name.clone(),
                item: item.id.to_string(),
                state: item.describe_state(),
                job_type: rep.and_then(|r| r.monitoring_job_type.as_deref().map(str::to_string)),
                percent,
                rpo_seconds: rep.and_then(|r| r.rpo_seconds),
                started: started.map(crate::text::rfc3339),
                remaining_minutes: remaining,
            });
            continue;
        }
        match item.phase() {
            Phase::Protected => s.protected += 1,
            Phase::CommitPending => s.awaiting_commit += 1,
            Phase::FailedOver if item.next_operation() == crate::model::Operation::Failback => {
                s.awaiting_failback += 1
            }
            Phase::FailedOver => s.awaiting_reprotect += 1,
            Phase::TestFailoverCleanupPending => s.test_failover_cleanup += 1,
            _ => {}
        }
    }
    let pcts: Vec<i64> = rows.iter().filter_map(|r| r.percent).collect();
    s.synchronizing_percent =
        (!pcts.is_empty()).then(|| pcts.iter().sum::<i64>() / pcts.len() as i64);
    rows.sort_by(|a, b| a.vm.cmp(&b.vm));
    attn.sort();
    Status {
        summary: s,
        synchronizing: rows,
        attention: attn,
        vaults: Vec::new(),
    }
}
