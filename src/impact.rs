//! The operation impact model: what each operation creates, changes,
//! deletes or powers off, and whether it creates a VM that needs quota —
//! one table (`rules/operation-impact.json`, with the Microsoft page behind
//! each row) that the lock, quota and region rules all read.
//!
//! Pure data and lookups: resolving a role to resource ids for an item is
//! the reader's business (`rules::lock::touched`, `rules::quota`).

use crate::finding::Level;
use crate::model::Operation;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

/// What an operation does to a resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Creates resources in it (a resource group).
    Create,
    Change,
    Delete,
}

impl Action {
    /// `create the failed-over VM in `rg``, `delete `disk-1` (why)`.
    pub fn phrase(self, name: &str, what: &str) -> String {
        match self {
            Action::Create => format!("create {what} in `{name}`"),
            Action::Change => format!("change `{name}` ({what})"),
            Action::Delete => format!("delete `{name}` ({what})"),
        }
    }

    /// True when a lock of `level` forbids this action.
    pub fn blocked_by(self, level: &crate::model::LockLevel) -> bool {
        use crate::model::LockLevel;
        match level {
            LockLevel::ReadOnly => true,
            LockLevel::CanNotDelete => self == Action::Delete,
            _ => false,
        }
    }
}

/// A resource role of the impact table, resolved per item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    TargetResourceGroup,
    RunningVm,
    RunningResourceGroup,
    OtherSideVm,
    OtherSideDisks,
    OtherSideNics,
    OtherSideResourceGroup,
}

/// Which reprotect a row is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// The first reprotect after a failover: back toward the original region.
    Original,
    /// The reprotect after a failback (the item replicates in reverse).
    Reverse,
}

/// One row of the impact table.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Impact {
    pub resource: Role,
    pub action: Action,
    pub what: String,
    #[serde(default)]
    pub level: Option<String>,
    #[serde(default)]
    pub direction: Option<Direction>,
    /// Skip (rather than report ASR901) when the item does not name the resource.
    #[serde(default)]
    pub optional: bool,
    /// Applies only to a Hyper-V item committing its failback on premises.
    #[serde(default, rename = "hypervFailbackOnly")]
    pub hyper_v_failback_only: bool,
    /// `a2a`: applies to Azure-to-Azure items only.
    #[serde(default)]
    pub scenario: Option<String>,
    /// The key of the Microsoft page behind the row (`sources`).
    pub source: String,
}

impl Impact {
    pub fn level(&self) -> Level {
        match self.level.as_deref() {
            Some("warning") => Level::Warning,
            Some("info") => Level::Info,
            _ => Level::Error,
        }
    }

    /// True when the row applies to an item replicating in reverse
    /// (`reversed`) or in its original direction, and, for the rows of a
    /// Hyper-V failback, to such an item (`hyper_v_failback`).
    pub fn applies(&self, reversed: bool, hyper_v_failback: bool) -> bool {
        if self.hyper_v_failback_only && !hyper_v_failback {
            return false;
        }
        self.applies_in_direction(reversed)
    }

    /// True when the row applies to an item of this scenario (`hyper_v`).
    pub fn applies_to_scenario(&self, hyper_v: bool) -> bool {
        match self.scenario.as_deref() {
            Some("a2a") => !hyper_v,
            Some("hyper-v") => hyper_v,
            _ => true,
        }
    }

    fn applies_in_direction(&self, reversed: bool) -> bool {
        match self.direction {
            None => true,
            Some(Direction::Original) => !reversed,
            Some(Direction::Reverse) => reversed,
        }
    }
}

/// Whether an operation creates a VM that needs vCPU quota.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VmCreation {
    /// A new VM: its vCPUs are new demand.
    Create,
    /// The original VM is reused when it still exists (a deallocated VM
    /// already counts in the usage); only otherwise is a VM created.
    CreateUnlessKept,
    None,
}

#[derive(Deserialize)]
struct OperationImpact {
    vm: VmCreation,
    rows: Vec<Impact>,
}

#[derive(Deserialize)]
struct Table {
    operations: HashMap<String, OperationImpact>,
    sources: HashMap<String, String>,
}

/// The embedded impact table.
pub const TABLE: &str = include_str!("../rules/operation-impact.json");

fn table() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| {
        serde_json::from_str::<Table>(TABLE)
            .unwrap_or_else(|e| panic!("rules/operation-impact.json is invalid: {e}"))
    })
}

/// What `op` does, from the impact table (parsed once; a test parses it).
pub fn impacts(op: Operation) -> &'static [Impact] {
    table()
        .operations
        .get(op.as_str())
        .map_or(&[], |o| o.rows.as_slice())
}

/// Whether `op` creates a VM that needs quota.
pub fn vm_creation(op: Operation) -> VmCreation {
    table()
        .operations
        .get(op.as_str())
        .map_or(VmCreation::None, |o| o.vm)
}

/// The Microsoft page behind a row (`sources` of the table).
pub fn source(key: &str) -> Option<&'static str> {
    table().sources.get(key).map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_and_row_is_described_with_a_source() {
        for op in Operation::ALL {
            assert!(table().operations.contains_key(op.as_str()), "{op} missing");
            for row in impacts(*op) {
                assert!(
                    source(&row.source).is_some(),
                    "{op}: unknown source {}",
                    row.source
                );
            }
        }
        assert_eq!(vm_creation(Operation::Failover), VmCreation::Create);
        assert_eq!(
            vm_creation(Operation::Failback),
            VmCreation::CreateUnlessKept
        );
        assert_eq!(vm_creation(Operation::Reprotect), VmCreation::None);
    }

    #[test]
    fn the_first_reprotect_keeps_the_original_vm_and_deletes_its_disks() {
        let first: Vec<(Role, Action)> = impacts(Operation::Reprotect)
            .iter()
            .filter(|r| r.applies(false, false))
            .map(|r| (r.resource, r.action))
            .collect();
        assert!(first.contains(&(Role::OtherSideVm, Action::Change)));
        assert!(!first.contains(&(Role::OtherSideVm, Action::Delete)));
        assert!(first.contains(&(Role::OtherSideDisks, Action::Delete)));
        let after_failback: Vec<(Role, Action)> = impacts(Operation::Reprotect)
            .iter()
            .filter(|r| r.applies(true, false))
            .map(|r| (r.resource, r.action))
            .collect();
        assert!(after_failback.contains(&(Role::OtherSideVm, Action::Delete)));
    }
}
