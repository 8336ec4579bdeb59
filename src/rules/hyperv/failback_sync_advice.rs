//! ASR703 failback-sync-advice: before a Hyper-V failback, which data
//! synchronization option to pick (seed 004), computed from how long the VM
//! has run in Azure; and what else the failback asks for (the encryption
//! key certificate, an alternate location's host and virtual switch).
//! Advice (info), never blocking.

use crate::finding::{Finding, Level, OperationArg, Subject};
use crate::model::item::ActiveLocation;
use crate::model::Operation;
use crate::rules::{Category, Findings, Rule, RuleCtx, RuleMeta};
use crate::text;

pub static META: RuleMeta = RuleMeta {
    code: "ASR703",
    name: "failback-sync-advice",
    category: Category::HyperV,
    level: Level::Info,
    operations: &[Operation::Failback],
    summary:
        "which data synchronization option a Hyper-V failback should use, and what it asks for",
    docs: include_str!("../../../rules/failback-sync-advice/README.md"),
};

pub struct FailbackSyncAdvice;

/// Seed 004: full download is recommended after "a month or more" in Azure.
const LONG_IN_AZURE_DAYS: i64 = 30;

impl Rule for FailbackSyncAdvice {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleCtx, out: &mut Findings) {
        for s in ctx.items(&META).filter(|s| s.item.is_hyper_v()) {
            let item = s.item;
            // Advice for a failback about to start, not one already running.
            if item.active_location != Some(ActiveLocation::Recovery)
                || item.current_scenario.is_some()
            {
                continue;
            }
            let since = item.last_successful_failover.filter(|t| t.year() > 1900);
            let (option, why, fact) = match since {
                Some(t) => {
                    let days = (ctx.observed_at() - t).whole_days();
                    if days >= LONG_IN_AZURE_DAYS {
                        (
                            "Synchronize data during failover only (full download)",
                            format!("`{}` has run in Azure for {days} days (since {}): most of its disks have changed, and a full download skips the checksum calculation", item.name, text::date(t)),
                            format!("lastSuccessfulFailoverTime = {}", text::rfc3339(t)),
                        )
                    } else {
                        (
                            "Synchronize data before failover (delta changes only)",
                            format!("`{}` has run in Azure for {days} days (since {}): a delta sync while it keeps running minimizes the downtime — unless the on-premises VM was deleted, which this tool cannot see: then use the full download", item.name, text::date(t)),
                            format!("lastSuccessfulFailoverTime = {}", text::rfc3339(t)),
                        )
                    }
                }
                None => (
                    "Synchronize data before failover (delta changes only), unless the VM has run in Azure for a month or more or its on-premises VM was deleted",
                    format!("when `{}` failed over is not in the bundle (`lastSuccessfulFailoverTime`)", item.name),
                    "lastSuccessfulFailoverTime absent".to_string(),
                ),
            };
            out.push(
                Finding::new(
                    &META,
                    OperationArg::Op(s.operation),
                    Subject::item(item),
                    format!("for the failback of `{}` choose \"{option}\": {why}", item.name),
                    "In Planned Failover > Data Synchronization pick that option. \"Before failover\" runs in two phases: it copies a snapshot while the VM keeps running in Azure, then waits for you to click Complete Failover (shut down in Azure, last changes, start on premises). If data encryption is enabled for the cloud, select in Encryption Key the certificate issued when the Provider was installed on the VMM server. To fail back to an alternate location, prepare a Hyper-V host with a virtual switch of the original switch's name and tick \"Create on-premises virtual machine if it does not exist\" — this tool cannot see on-premises hosts, switches or encryption settings. Do not cancel the job during data synchronization: the on-premises VM would be left corrupted.".to_string(),
                )
                .with_evidence(fact, ctx.at(item)),
            );
        }
    }
}
