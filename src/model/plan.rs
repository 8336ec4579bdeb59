//! Recovery plans and vault policies.

use super::{ResourceId, SourceId, Timestamp};

/// A group of a recovery plan.
#[derive(Clone, Debug)]
pub struct PlanGroup {
    /// `Shutdown`, `Failover`, `Boot`.
    pub group_type: Option<String>,
    pub items: Vec<ResourceId>,
}

/// A recovery plan (`replicationRecoveryPlans`).
#[derive(Clone, Debug)]
pub struct RecoveryPlan {
    pub id: ResourceId,
    /// `friendlyName`, else the resource name.
    pub name: String,
    pub source: SourceId,
    pub groups: Vec<PlanGroup>,
    pub allowed_operations: Vec<String>,
    pub last_test_failover: Option<Timestamp>,
}

impl RecoveryPlan {
    /// Every item of every group, in plan order, without duplicates.
    pub fn members(&self) -> Vec<&ResourceId> {
        let mut out: Vec<&ResourceId> = Vec::new();
        for id in self.groups.iter().flat_map(|g| &g.items) {
            if !out.contains(&id) {
                out.push(id);
            }
        }
        out
    }
}

/// A replication policy (`replicationPolicies`).
#[derive(Clone, Debug)]
pub struct Policy {
    pub id: ResourceId,
    pub name: String,
    pub source: SourceId,
    pub kind: Option<String>,
    pub recovery_point_history_minutes: Option<i64>,
    pub app_consistent_frequency_minutes: Option<i64>,
    pub crash_consistent_frequency_minutes: Option<i64>,
}

/// A recovery point of an item.
#[derive(Clone, Debug)]
pub struct RecoveryPoint {
    pub id: ResourceId,
    pub item_id: Option<ResourceId>,
    pub source: SourceId,
    pub time: Option<Timestamp>,
    pub kind: Option<String>,
}
