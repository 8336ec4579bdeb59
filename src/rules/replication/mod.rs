//! Rules about where an item stands in the failover cycle and how well it
//! replicates.

pub mod agent_update_required;
pub mod drill_overdue;
pub mod failover_not_committed;
pub mod operation_not_allowed;
pub mod replication_unhealthy;
pub mod rpo_threshold_exceeded;
pub mod test_failover_cleanup_pending;

use crate::model::{Phase, ReplicatedItem};

/// Replication runs (so health, RPO and agent facts mean something) only
/// while the item is protected, including while a test failover awaits
/// cleanup.
pub(crate) fn is_replicating(item: &ReplicatedItem) -> bool {
    matches!(
        item.phase(),
        Phase::Protected | Phase::TestFailoverCleanupPending
    )
}
