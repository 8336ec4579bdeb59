//! ASR702 complete-failover-pending: a failback of a Hyper-V VM (a planned
//! failover from Azure with "synchronize data before failover") finished its
//! first data synchronization and waits for the operator's Complete Failover
//! (seed 004, step 6); until then the VM runs in Azure and the failback is
//! not done.

use super::{is_planned_failover, is_waiting, jobs_of};
use crate::finding::{Finding, Level, OperationArg, Subject};
use crate::model::item::ActiveLocation;
use crate::model::{Operation, ReplicatedItem};
use crate::rules::{Category, Findings, Rule, RuleCtx, RuleMeta};
use crate::text;

pub static META: RuleMeta = RuleMeta {
    code: "ASR702",
    name: "complete-failover-pending",
    category: Category::HyperV,
    level: Level::Error,
    operations: Operation::ALL,
    summary: "a Hyper-V failback waits for Complete Failover after its data synchronization",
    docs: include_str!("../../../rules/complete-failover-pending/README.md"),
};

pub struct CompleteFailoverPending;

/// The failback job of a Hyper-V item running in Azure that waits for
/// Complete Failover, if there is one.
pub fn waiting_job<'a>(
    estate: &'a crate::model::Estate,
    item: &ReplicatedItem,
) -> Option<&'a crate::model::Job> {
    if !item.is_hyper_v() || item.active_location != Some(ActiveLocation::Recovery) {
        return None;
    }
    jobs_of(estate, item)
        .into_iter()
        .find(|j| is_planned_failover(j))
        .filter(|j| is_waiting(j.state.as_deref()))
}

impl Rule for CompleteFailoverPending {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleCtx, out: &mut Findings) {
        for s in ctx.items(&META) {
            let item = s.item;
            let Some(job) = waiting_job(ctx.estate, item) else {
                continue;
            };
            let since = job
                .started
                .map(|t| format!(" (started {})", text::date_time(t)))
                .unwrap_or_default();
            out.push(
                Finding::new(
                    &META,
                    OperationArg::Op(s.operation),
                    Subject::item(item),
                    format!(
                        "the failback of `{}` is waiting for Complete Failover{since}: its first data synchronization is done and the VM still runs in Azure; nothing more happens until someone completes the failover",
                        item.name
                    ),
                    format!(
                        "When the downtime can start: vault > Monitoring > Site Recovery jobs > `{}` > Complete Failover. It shuts down the VM in Azure, transfers the last changes to the on-premises VM and starts it there. Then check the VM, Commit, and Reverse Replicate. Do not cancel the job: a failback cancelled during data synchronization leaves the on-premises VM corrupted.",
                        job.friendly_name.as_deref().unwrap_or(&job.name)
                    ),
                )
                .with_evidence(
                    format!(
                        "job {} ({}) state {}",
                        job.name,
                        job.scenario.as_deref().unwrap_or("?"),
                        job.state.as_deref().unwrap_or("?")
                    ),
                    ctx.source(job.source),
                ),
            );
        }
    }
}
