//! Hyper-V to Azure: the preconditions and advice of failback from Azure to
//! the on-premises site (seed 004, "Failback in Site Recovery for Hyper-V
//! virtual machines"): a connected provider, Complete Failover, the data
//! synchronization that must not be cancelled, the sync option to pick.

pub mod complete_failover_pending;
pub mod failback_sync_advice;
pub mod provider_disconnected;

use crate::model::{Job, ReplicatedItem};

/// The jobs about an item, newest first: by the item id the job targets, or
/// by the VM name for jobs that name only it.
pub fn jobs_of<'a>(estate: &'a crate::model::Estate, item: &ReplicatedItem) -> Vec<&'a Job> {
    let id = item.id.text();
    let id = id.as_str();
    let mut v: Vec<&Job> = estate
        .jobs
        .iter()
        .filter(|j| {
            j.target_object_id.as_deref().is_some_and(|t| {
                t.eq_ignore_ascii_case(id)
                    || id
                        .to_ascii_lowercase()
                        .ends_with(&format!("/{}", t.to_ascii_lowercase()))
            }) || j
                .target_object_name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(&item.name))
        })
        .collect();
    v.sort_by_key(|j| std::cmp::Reverse(j.started));
    v
}

/// True for a planned-failover job (the only failback gesture from Azure).
pub fn is_planned_failover(job: &Job) -> bool {
    job.scenario
        .as_deref()
        .is_some_and(|s| s.eq_ignore_ascii_case("PlannedFailover"))
}

/// True for a job state (`state`) meaning "waiting for the user": ASR's
/// `Suspended`, resumed by the job's `Resume` action (Complete Failover).
pub fn is_waiting(state: Option<&str>) -> bool {
    state.is_some_and(|s| s.eq_ignore_ascii_case("Suspended"))
}
