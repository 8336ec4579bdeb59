//! Locks: can the operation create, change and delete what it must?
//!
//! The impact model (`crate::impact`, `rules/operation-impact.json`) says,
//! per operation, which resource roles are created in, changed or deleted;
//! `touched` resolves them for an item.
//! A ReadOnly lock blocks all three, CanNotDelete blocks deletes; locks are
//! inherited (subscription ⊃ group ⊃ resource). Locks Site Recovery sets
//! itself (`SiteRecovery-<vault id>-<vault>-<location>`, matched by a
//! configurable prefix) are expected and never block.

pub mod lock_blocks_cleanup;
pub mod lock_blocks_operation;
pub mod site_recovery_lock_stale;

use crate::finding::{Finding, OperationArg, Subject};
use crate::model::item::ActiveLocation;
use crate::model::{
    Estate, FactKind, Lock, LockLevel, Operation, RegionCoverage, ReplicatedItem, ResourceId,
};
use crate::rules::facts::{facts_missing::export_hint, missing};
use crate::rules::{RuleCtx, Scoped};
use crate::text;
use std::collections::BTreeMap;

pub use crate::impact::{impacts, Action, Impact, Role};

/// A resource the operation touches.
#[derive(Clone, Debug)]
pub struct Touched<'t> {
    pub id: ResourceId,
    pub impact: &'t Impact,
    /// What the id is to the item (`running VM`), for evidence: written
    /// only where a lock is found on it (`fact`).
    pub what: &'static str,
}

impl Touched<'_> {
    /// The fact the id came from, for evidence.
    pub fn fact(&self) -> String {
        format!("{} {}", self.what, self.id)
    }
}

fn is_vm(id: &ResourceId) -> bool {
    id.contains_ci("/providers/microsoft.compute/virtualmachines/")
}

/// The resources `op` touches for `item`, and the roles that could not be
/// resolved (for ASR901).
pub fn touched(
    estate: &Estate,
    item: &ReplicatedItem,
    op: Operation,
) -> (Vec<Touched<'static>>, Vec<String>) {
    let mut out = Vec::new();
    let mut unknown: Vec<&str> = Vec::new();
    let Some(rep) = &item.replication else {
        if !impacts(op).is_empty() {
            unknown.push("providerSpecificDetails");
        }
        return (out, unknown.into_iter().map(str::to_string).collect());
    };
    let on_recovery = item.active_location == Some(ActiveLocation::Recovery);
    let (running, other) = if on_recovery {
        (rep.recovery_vm_id.as_ref(), rep.vm_id.as_ref())
    } else {
        (rep.vm_id.as_ref(), rep.recovery_vm_id.as_ref())
    };
    let running = running.filter(|id| is_vm(id));
    let other = other.filter(|id| is_vm(id));
    // Hyper-V to Azure: the primary side is on-premises, where no Azure lock
    // can apply.
    let hyper_v = rep.kind == crate::model::item::ProviderKind::HyperVReplicaAzure;
    let on_prem = |role: Role| {
        hyper_v
            && match role {
                Role::RunningVm | Role::RunningResourceGroup => !on_recovery,
                Role::TargetResourceGroup => on_recovery,
                _ => on_recovery,
            }
    };
    for impact in impacts(op) {
        let hyper_v_failback = hyper_v && !on_recovery;
        if !impact.applies(item.is_reversed(), hyper_v_failback)
            || !impact.applies_to_scenario(hyper_v)
            || on_prem(impact.resource)
        {
            continue;
        }
        // A warning row whose resource the item does not name is skipped:
        // only a warning could rest on it, not an incomplete run.
        let skippable = impact.optional || impact.level() < crate::finding::Level::Error;
        let mut add = |id: ResourceId, what| out.push(Touched { id, impact, what });
        match impact.resource {
            Role::TargetResourceGroup => {
                let rg = if on_recovery {
                    rep.vm_id.as_ref().and_then(|v| v.resource_group_id())
                } else {
                    rep.recovery_resource_group.clone()
                };
                match rg {
                    Some(rg) => add(rg, "target resource group"),
                    None if skippable => {}
                    None => unknown.push("recoveryAzureResourceGroupId"),
                }
            }
            Role::RunningVm => match running {
                Some(vm) => add(vm.clone(), "running VM"),
                None if skippable => {}
                None => unknown.push(if on_recovery {
                    "recoveryFabricObjectId"
                } else {
                    "fabricObjectId"
                }),
            },
            Role::RunningResourceGroup => match running.and_then(|v| v.resource_group_id()) {
                Some(rg) => add(rg, "running VM's group"),
                None if skippable => {}
                None => unknown.push(if on_recovery {
                    "recoveryFabricObjectId"
                } else {
                    "fabricObjectId"
                }),
            },
            Role::OtherSideVm => match other {
                Some(vm) => add(vm.clone(), "original VM"),
                None if skippable => {}
                None => unknown.push(if on_recovery {
                    "fabricObjectId"
                } else {
                    "recoveryFabricObjectId"
                }),
            },
            Role::OtherSideResourceGroup => {
                let rg = other.and_then(|v| v.resource_group_id()).or_else(|| {
                    (!on_recovery)
                        .then(|| rep.recovery_resource_group.clone())
                        .flatten()
                });
                match rg {
                    Some(rg) => add(rg, "original VM's group"),
                    None if skippable => {}
                    None => unknown.push(if on_recovery {
                        "fabricObjectId"
                    } else {
                        "recoveryAzureResourceGroupId"
                    }),
                }
            }
            Role::OtherSideDisks => {
                let mut ids: Vec<ResourceId> = Vec::new();
                if on_recovery {
                    ids.extend(rep.protected_disks.iter().filter_map(|d| d.disk_id.clone()));
                }
                if let Some(vm) = other.and_then(|o| estate.vm(o)) {
                    ids.extend(vm.os_disk_id.clone());
                    ids.extend(
                        vm.data_disks
                            .iter()
                            .filter_map(|d| d.managed_disk_id.clone()),
                    );
                }
                ids.sort();
                ids.dedup();
                for id in ids {
                    add(id, "original disk");
                }
            }
            Role::OtherSideNics => {
                let mut ids: Vec<ResourceId> = match other.and_then(|o| estate.vm(o)) {
                    Some(vm) => vm.nic_ids.clone(),
                    None if on_recovery => rep
                        .nics
                        .iter()
                        .filter_map(|n| n.source_nic_id.clone())
                        .collect(),
                    None => Vec::new(),
                };
                ids.sort();
                ids.dedup();
                for id in ids {
                    add(id, "original NIC");
                }
            }
        }
    }
    unknown.sort_unstable();
    unknown.dedup();
    (out, unknown.into_iter().map(str::to_string).collect())
}

/// True for a lock Site Recovery set itself.
/// ASR901 for a lock on something the operation touches whose `level` is
/// absent or a value this version does not know: whether it blocks is unknown.
pub fn unknown_level(
    ctx: &RuleCtx,
    lock: &Lock,
    op: OperationArg,
    subject: Subject,
    touches: &str,
) -> Option<Finding> {
    let LockLevel::Other(level) = &lock.level else {
        return None;
    };
    let seen = if level.is_empty() {
        "absent".to_string()
    } else {
        format!("`{}`", text::excerpt(level, text::EXCERPT_CHARS))
    };
    Some(
        missing(
            op,
            subject,
            format!(
                "the level of lock `{}` on `{}` is {seen}, not `ReadOnly`, `CanNotDelete` or `NotSpecified`: whether it blocks {touches} is unknown",
                lock.name,
                lock.scope.name()
            ),
            format!(
                "Re-export the locks; {}.",
                export_hint(FactKind::Locks).replace(
                    "<subscription>",
                    lock.scope.subscription().unwrap_or("<subscription>")
                )
            ),
        )
        .with_evidence(lock_evidence(lock), ctx.source(lock.source)),
    )
}

pub fn is_asr_lock(ctx: &RuleCtx, lock: &Lock) -> bool {
    let prefix = &ctx.settings.asr_lock_prefix;
    lock.name
        .as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// `ReadOnly lock `keep` on resource group `rg-app-dr``.
pub fn describe_lock(lock: &Lock) -> String {
    let scope = &lock.scope;
    let on = if scope.resource_type().is_some() {
        format!("`{}`", scope.name())
    } else if let Some(rg) = scope.resource_group() {
        format!("resource group `{rg}`")
    } else {
        format!(
            "subscription `{}`",
            scope
                .subscription()
                .map_or_else(|| scope.text(), str::to_string)
        )
    };
    format!("{} lock `{}` on {on}", lock.level, lock.name)
}

/// The lock's own facts, for evidence.
pub fn lock_evidence(lock: &Lock) -> String {
    let mut s = format!(
        "lock {} (level {}, scope {})",
        lock.id, lock.level, lock.scope
    );
    if let Some(n) = &lock.notes {
        s.push_str(&format!(", notes \"{n}\""));
    }
    if !lock.owners.is_empty() {
        s.push_str(&format!(", owners {}", lock.owners.join(", ")));
    }
    s
}

/// How to lift a lock for the operation and put it back.
pub fn lift_help(lock: &Lock, during: &str) -> String {
    let scope = &lock.scope;
    let notes = lock
        .notes
        .as_deref()
        .map(|n| format!(" --notes \"{n}\""))
        .unwrap_or_default();
    let sub = scope.subscription().unwrap_or("<subscription>");
    let recreate = match (scope.resource_group(), scope.resource_type()) {
        (Some(rg), Some(t)) => format!(
            "az lock create --name {} --lock-type {} --subscription {sub} --resource-group {rg} --resource-type {t} --resource {}{notes}",
            lock.name,
            lock.level,
            scope.name()
        ),
        (Some(rg), None) => format!(
            "az lock create --name {} --lock-type {} --subscription {sub} --resource-group {rg}{notes}",
            lock.name, lock.level
        ),
        _ => format!("az lock create --name {} --lock-type {} --subscription {sub}{notes}", lock.name, lock.level),
    };
    let owners = if lock.owners.is_empty() {
        String::new()
    } else {
        format!(
            " Agree it with the lock's owners ({}).",
            lock.owners.join(", ")
        )
    };
    format!(
        "Remove the lock for the duration of the {during} (`az lock delete --ids {}`; Owner or User Access Administrator), run it, and put the lock back afterwards (`{recreate}`).{owners} Or wait until the lock may be lifted.",
        lock.id
    )
}

/// One ASR901 per subscription whose lock list is missing, partial or
/// denied, naming how many items could not be checked.
pub fn lock_list_gaps(ctx: &RuleCtx, checked: &[(&Scoped, ResourceId)]) -> Vec<Finding> {
    let mut coverage: BTreeMap<String, RegionCoverage> = BTreeMap::new();
    let mut gaps = crate::rules::region::Gaps::default();
    for (s, id) in checked {
        let cov = ctx.estate.scope_coverage(FactKind::Locks, id);
        if cov == RegionCoverage::Complete {
            continue;
        }
        let sub = id
            .subscription()
            .unwrap_or("<unknown subscription>")
            .to_string();
        coverage.entry(sub.clone()).or_insert(cov);
        gaps.add(sub, OperationArg::Op(s.operation), &s.item.name);
    }
    gaps.drain()
        .map(|(sub, op, items, n)| {
            let why = match coverage[&sub] {
                RegionCoverage::Failed => "could not be read",
                RegionCoverage::Incomplete => "are incomplete (a page was not followed)",
                _ => "are not in the bundle",
            };
            let op = if op == OperationArg::Next { ctx.operation } else { op };
            let scope = ResourceId::new(&format!("/subscriptions/{sub}"));
            let failed = crate::rules::facts::failure_evidence(ctx, FactKind::Locks, |f| {
                f.scope.as_deref().is_none_or(|s| scope.is_within_str(s))
            });
            let finding = missing(
                op,
                Subject::other(
                    &format!("/subscriptions/{sub}/providers/Microsoft.Authorization/locks"),
                    &format!("locks of {sub}"),
                    "Microsoft.Authorization/locks",
                ),
                format!(
                    "the resource locks of subscription `{sub}` {why}: whether a lock blocks the operation of {} ({items}) is unknown",
                    text::count(n, "item", "items"),
                ),
                format!("{}.", export_hint(FactKind::Locks).replace("<subscription>", &sub)),
            );
            finding.with_evidence_if(failed)
        })
        .collect()
}
