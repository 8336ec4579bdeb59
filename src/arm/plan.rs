//! What the items touch, so `collect` knows what to ask: subscriptions,
//! (subscription, region) pairs, Resource Health groups, and the VMs whose
//! root stores `--guest-certs` reads. Names taken from the data become
//! request paths and file names only when they are plain path segments.

use crate::model::item::{ActiveLocation, ProviderKind};
use crate::model::{Estate, ResourceId};
use std::collections::{BTreeMap, BTreeSet};

/// A subscription id, region or group name from the data, fit to be one
/// segment of a request path and of a bundle file name.
pub(super) fn safe_segment(s: &str) -> bool {
    !s.is_empty()
        && s != "."
        && s != ".."
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '(' | ')'))
}

/// A path built from an id found in the data: a plain ARM path only.
pub(super) fn safe_path(id: &str) -> bool {
    id.to_ascii_lowercase().starts_with("/subscriptions/")
        && !id.contains(['?', '#', '%', '\\', ' '])
        && !id.split('/').any(|s| s == ".." || s == ".")
}

/// Subscriptions, (subscription, region) pairs and Resource Health groups
/// the items touch.
pub(super) struct Plan {
    pub subscriptions: BTreeSet<String>,
    pub regions: BTreeSet<(String, String)>,
    pub health: BTreeMap<String, BTreeSet<String>>,
    /// Subscriptions an item that has failed over touches (its VMs, groups,
    /// disks and NICs on either side): where the temporary disks of an
    /// interrupted reprotect are looked for.
    pub failed_over: BTreeSet<String>,
}

impl Plan {
    /// What the items of `e` touch; `home` is the vault's subscription
    /// (one vault), always included.
    pub(super) fn of(e: &Estate, home: Option<&str>) -> Plan {
        let lower = |s: &str| s.to_ascii_lowercase();
        let home = home.map(lower);
        let mut subscriptions: BTreeSet<String> = crate::load::subscriptions_touched(e);
        subscriptions.extend(home.clone());
        let sub_of = |id: Option<&ResourceId>| id.and_then(|i| i.subscription()).map(lower);
        let mut regions = BTreeSet::new();
        let mut health: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut failed_over = BTreeSet::new();
        for item in &e.items {
            let Some(item_sub) = sub_of(Some(&item.id)).or_else(|| home.clone()) else {
                continue;
            };
            let Some(rep) = &item.replication else {
                continue;
            };
            // Hyper-V fails over into its vault's region.
            let vault_location = item
                .vault_id()
                .and_then(|v| e.vaults.iter().find(|g| g.id == v))
                .and_then(|v| v.location.clone());
            if item.active_location == Some(ActiveLocation::Recovery) {
                failed_over.insert(item_sub.clone());
                for id in [
                    &rep.vm_id,
                    &rep.recovery_vm_id,
                    &rep.recovery_resource_group,
                ]
                .into_iter()
                .flatten()
                {
                    failed_over.extend(sub_of(Some(id)));
                }
            }
            let mut add = |sub: Option<String>, region: Option<&str>| {
                if let Some(r) = region.filter(|r| !r.trim().is_empty()) {
                    let sub = sub.unwrap_or_else(|| item_sub.clone());
                    regions.insert((sub, crate::model::region_key(r)));
                }
            };
            match rep.kind {
                ProviderKind::HyperVReplicaAzure => add(None, vault_location.as_deref()),
                _ => {
                    add(
                        sub_of(rep.recovery_resource_group.as_ref()),
                        rep.recovery_location.as_deref(),
                    );
                    add(sub_of(rep.vm_id.as_ref()), rep.primary_location.as_deref());
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
        failed_over.retain(|s| safe_segment(s));
        for groups in health.values_mut() {
            groups.retain(|g| safe_segment(g));
        }
        Plan {
            subscriptions,
            regions,
            health,
            failed_over,
        }
    }
}

/// The VMs whose trusted root store a reprotect or failback depends on:
/// the VM running now (after a failover, the failed-over VM).
pub(super) fn guest_vms(e: &Estate) -> Vec<super::guest::GuestVm> {
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
        let Some(id) = running.filter(|id| safe_path(&id.text())) else {
            continue;
        };
        if seen.insert(id.key()) {
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
}
