//! `estimate reprotect`: how long a reprotect will take, by the documented
//! formula, with its inputs, assumptions and a range — never a bare number.
//!
//! reprotect ≥ checksum + differential transfer + recovery-point processing
//! + auto-scale, where
//! - checksum ≈ the duration of the VM's original enable-replication job;
//! - transfer = changed data ÷ (23% of the disk throughput);
//! - processing ≈ one fifth of (checksum + transfer);
//! - auto-scale ≈ 20 to 30 minutes.
//!
//! Units: throughput in MB/s and data in GiB (1 GiB = 1024 MB). The
//! documentation writes "Mbps", but its worked example (60 → 14, 45 GB in
//! about 55 minutes) only holds in MB/s.

use crate::model::item::ActiveLocation;
use crate::model::{Estate, Existence, FactKind, Phase, ReplicatedItem};
use serde::Serialize;
use time::Duration;

/// The share of disk throughput reprotect's differential transfer gets.
pub const TRANSFER_SHARE: f64 = 0.23;
/// Recovery-point processing as a share of checksum + transfer.
pub const PROCESSING_SHARE: f64 = 0.2;
/// Auto-scale time, low and high.
pub const AUTOSCALE_MINUTES: (i64, i64) = (20, 30);

/// Overrides from the command line.
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    pub changed_gb: Option<f64>,
    pub throughput_mbps: Option<f64>,
    pub enable_duration: Option<Duration>,
}

/// A number and where it came from.
#[derive(Clone, Debug, Serialize)]
pub struct Sourced<T> {
    pub value: T,
    pub from: String,
}

/// One item's estimate.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Estimate {
    pub vm: String,
    pub item: String,
    /// The source VM or its data is gone: everything is copied, and ASR may
    /// refuse the reprotect altogether (ASR602/ASR603).
    pub full_copy: bool,
    pub checksum_minutes: Option<Sourced<f64>>,
    pub changed_gb: Option<Sourced<f64>>,
    pub throughput_mbps: Option<Sourced<f64>>,
    pub transfer_minutes: Option<f64>,
    pub processing_minutes: Option<f64>,
    pub autoscale_minutes: (i64, i64),
    /// The range, in minutes, when every input is known.
    pub total_minutes: Option<(f64, f64)>,
    /// What is missing for a complete estimate.
    pub missing: Vec<String>,
    pub assumptions: Vec<String>,
}

/// Premium SSD throughput (MB/s) by provisioned size (GiB).
pub fn premium_ssd_throughput(size_gib: f64) -> f64 {
    const TIERS: &[(f64, f64)] = &[
        (32.0, 25.0),
        (64.0, 50.0),
        (128.0, 100.0),
        (256.0, 125.0),
        (512.0, 150.0),
        (1024.0, 200.0),
        (4096.0, 250.0),
        (8192.0, 500.0),
        (16384.0, 750.0),
    ];
    TIERS
        .iter()
        .find(|(max, _)| size_gib <= *max)
        .map_or(900.0, |(_, t)| *t)
}

/// Minutes of transfer for `gb` at `mbps` disk throughput.
pub fn transfer_minutes(gb: f64, mbps: f64) -> f64 {
    gb * 1024.0 / (TRANSFER_SHARE * mbps) / 60.0
}

fn enable_job_minutes(estate: &Estate, vm: &str) -> Option<Sourced<f64>> {
    estate
        .jobs
        .iter()
        .filter(|j| {
            j.scenario
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case("EnableDr"))
        })
        .filter(|j| {
            j.state
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case("Succeeded"))
        })
        .filter(|j| {
            j.target_object_name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(vm))
        })
        .filter_map(|j| Some((j, (j.ended? - j.started?))))
        .filter(|(_, d)| d.is_positive())
        .min_by_key(|(j, _)| j.started)
        .map(|(j, d)| Sourced {
            value: d.whole_seconds() as f64 / 60.0,
            from: format!(
                "enable-replication job {} ({})",
                j.name,
                estate.source_name(j.source)
            ),
        })
}

fn source_gone(estate: &Estate, item: &ReplicatedItem) -> bool {
    let Some(vm) = item.vm_id() else { return false };
    matches!(
        estate.existence(FactKind::VirtualMachines, vm, estate.vm(vm).is_some()),
        Existence::Gone(_) | Existence::Absent
    )
}

/// Estimates one item's reprotect.
pub fn estimate(estate: &Estate, item: &ReplicatedItem, inputs: &Inputs) -> Estimate {
    let mut missing = Vec::new();
    let mut assumptions = vec![format!(
        "transfer at {}% of disk throughput, in MB/s; data in GiB (1 GiB = 1024 MB)",
        (TRANSFER_SHARE * 100.0) as i64
    )];
    let disks = item
        .replication
        .as_ref()
        .map(|r| r.protected_disks.as_slice())
        .unwrap_or_default();
    let sizes: Vec<f64> = disks
        .iter()
        .filter_map(|d| d.capacity_bytes)
        .map(|b| b as f64 / 1_073_741_824.0)
        .collect();
    let full_copy = source_gone(estate, item);
    let checksum = match inputs.enable_duration {
        Some(d) => Some(Sourced {
            value: d.whole_seconds() as f64 / 60.0,
            from: "--enable-duration".to_string(),
        }),
        None => enable_job_minutes(estate, &item.name),
    };
    if checksum.is_none() {
        missing.push("the duration of the VM's original enable-replication job (export the vault's jobs, or pass --enable-duration)".to_string());
    }
    let changed = match (inputs.changed_gb, full_copy) {
        (_, true) if !sizes.is_empty() => Some(Sourced {
            value: sizes.iter().sum(),
            from: "all disk data: the source VM is gone, so everything is copied".to_string(),
        }),
        (Some(gb), _) => Some(Sourced {
            value: gb,
            from: "--changed-gb".to_string(),
        }),
        _ => None,
    };
    if changed.is_none() {
        missing.push("the data changed since failover (pass --changed-gb)".to_string());
    }
    let throughput = match inputs.throughput_mbps {
        Some(t) => Some(Sourced {
            value: t,
            from: "--disk-throughput".to_string(),
        }),
        None if !sizes.is_empty() => {
            assumptions.push(
                "disk throughput from Premium SSD tiers by disk size, disks transferring in parallel with changes spread in proportion (pass --disk-throughput for other disk types)"
                    .to_string(),
            );
            Some(Sourced {
                value: sizes.iter().map(|s| premium_ssd_throughput(*s)).sum(),
                from: format!(
                    "{} protected disks ({:.0} GiB)",
                    sizes.len(),
                    sizes.iter().sum::<f64>()
                ),
            })
        }
        None => {
            missing.push("the disks' throughput (pass --disk-throughput in MB/s)".to_string());
            None
        }
    };
    let transfer = changed
        .as_ref()
        .zip(throughput.as_ref())
        .map(|(c, t)| transfer_minutes(c.value, t.value));
    let processing = checksum
        .as_ref()
        .zip(transfer)
        .map(|(c, t)| (c.value + t) * PROCESSING_SHARE);
    let total = checksum
        .as_ref()
        .zip(transfer)
        .zip(processing)
        .map(|((c, t), p)| {
            let base = c.value + t + p;
            (
                base + AUTOSCALE_MINUTES.0 as f64,
                base + AUTOSCALE_MINUTES.1 as f64,
            )
        });
    if full_copy {
        assumptions.push("the source VM is gone: Site Recovery may refuse the reprotect (ASR603); the way out is a new protection, which copies everything as estimated here".to_string());
    }
    Estimate {
        vm: item.name.clone(),
        item: item.id.to_string(),
        full_copy,
        checksum_minutes: checksum,
        changed_gb: changed,
        throughput_mbps: throughput,
        transfer_minutes: transfer,
        processing_minutes: processing,
        autoscale_minutes: AUTOSCALE_MINUTES,
        total_minutes: total,
        missing,
        assumptions,
    }
}

/// The items a reprotect estimate is for: those whose next step is a
/// reprotect (failover committed), or the ones named.
pub fn candidates<'a>(estate: &'a Estate, vms: &[String]) -> Vec<&'a ReplicatedItem> {
    estate
        .items
        .iter()
        .filter(|i| {
            if vms.is_empty() {
                i.phase() == Phase::FailedOver
                    && i.active_location == Some(ActiveLocation::Recovery)
            } else {
                vms.iter().any(|v| v.eq_ignore_ascii_case(&i.name))
            }
        })
        .collect()
}

/// `2 h 53 min`.
pub fn minutes(m: f64) -> String {
    crate::text::duration(Duration::seconds((m * 60.0).round() as i64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documentation_worked_example() {
        // 72 min enable-replication, 60 MB/s disk, 45 GB changed.
        let transfer = transfer_minutes(45.0, 60.0);
        assert!((transfer - 55.65).abs() < 0.1, "{transfer}");
        let processing = (72.0 + transfer) * PROCESSING_SHARE;
        assert!((processing - 25.5).abs() < 0.2, "{processing}");
        let low = 72.0 + transfer + processing + 20.0;
        let high = low + 10.0;
        assert_eq!(minutes(low), "2 h 53 min");
        assert_eq!(minutes(high), "3 h 3 min");
    }

    #[test]
    fn premium_tiers() {
        assert_eq!(premium_ssd_throughput(128.0), 100.0);
        assert_eq!(premium_ssd_throughput(1024.0), 200.0);
        assert_eq!(premium_ssd_throughput(30000.0), 900.0);
    }
}
