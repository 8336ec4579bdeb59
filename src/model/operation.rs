//! The operations an operator is about to run, and ASR's own action names.

use crate::open_enum;

/// An operation `--operation` can check, scoped per item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Operation {
    /// A drill into an isolated network (ASR `TestFailover`).
    TestFailover,
    /// Fail over to the recovery region (`UnplannedFailover` / `PlannedFailover`).
    Failover,
    /// Commit a completed failover (`Commit`).
    Commit,
    /// Replicate the failed-over VM back (`SwitchProtection` for A2A, `ReverseReplicate`).
    Reprotect,
    /// Fail over again, back to the original primary.
    Failback,
}

impl Operation {
    /// Every operation, in the order of a DR cycle.
    pub const ALL: &'static [Operation] = &[
        Operation::TestFailover,
        Operation::Failover,
        Operation::Commit,
        Operation::Reprotect,
        Operation::Failback,
    ];

    /// The CLI and JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::TestFailover => "test-failover",
            Operation::Failover => "failover",
            Operation::Commit => "commit",
            Operation::Reprotect => "reprotect",
            Operation::Failback => "failback",
        }
    }

    /// The words an operator uses.
    pub fn label(self) -> &'static str {
        match self {
            Operation::TestFailover => "test failover",
            Operation::Failover => "failover",
            Operation::Commit => "commit",
            Operation::Reprotect => "reprotect",
            Operation::Failback => "failback",
        }
    }

    /// The entries of an item's `allowedOperations` any of which permits this
    /// operation.
    pub fn asr_actions(self) -> &'static [AsrOperation] {
        match self {
            Operation::TestFailover => &[AsrOperation::TestFailover],
            Operation::Failover => &[
                AsrOperation::UnplannedFailover,
                AsrOperation::PlannedFailover,
            ],
            Operation::Commit => &[AsrOperation::Commit],
            Operation::Reprotect => &[
                AsrOperation::SwitchProtection,
                AsrOperation::ReverseReplicate,
            ],
            Operation::Failback => &[
                AsrOperation::Failback,
                AsrOperation::UnplannedFailover,
                AsrOperation::PlannedFailover,
            ],
        }
    }
}

impl std::fmt::Display for Operation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Operation {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

open_enum! {
    /// An entry of `allowedOperations` (`ReplicationProtectedItemOperation`).
    pub enum AsrOperation {
        ReverseReplicate = "ReverseReplicate",
        Commit = "Commit",
        PlannedFailover = "PlannedFailover",
        UnplannedFailover = "UnplannedFailover",
        DisableProtection = "DisableProtection",
        TestFailover = "TestFailover",
        TestFailoverCleanup = "TestFailoverCleanup",
        Failback = "Failback",
        FinalizeFailback = "FinalizeFailback",
        CancelFailover = "CancelFailover",
        ChangePit = "ChangePit",
        RepairReplication = "RepairReplication",
        SwitchProtection = "SwitchProtection",
        CompleteMigration = "CompleteMigration",
    }
}
