//! ASR jobs (`replicationJobs`): tasks, child jobs and errors.

use super::{ResourceId, SourceId, Timestamp};

/// `serviceErrorDetails` of a job error.
#[derive(Clone, Debug, Default)]
pub struct ServiceError {
    pub code: Option<String>,
    pub message: Option<String>,
    pub possible_causes: Option<String>,
    pub recommended_action: Option<String>,
    pub activity_id: Option<String>,
}

/// `providerErrorDetails` of a job error.
#[derive(Clone, Debug, Default)]
pub struct ProviderError {
    pub code: Option<String>,
    pub error_id: Option<String>,
    pub message: Option<String>,
    pub possible_causes: Option<String>,
    pub recommended_action: Option<String>,
}

/// One entry of a job's or task's `errors`.
#[derive(Clone, Debug, Default)]
pub struct JobError {
    pub created: Option<Timestamp>,
    pub level: Option<String>,
    pub task_id: Option<String>,
    pub service: Option<ServiceError>,
    pub provider: Option<ProviderError>,
}

/// A child job a task points to (`JobTaskDetails.jobTask`).
#[derive(Clone, Debug)]
pub struct ChildJob {
    pub job_id: ResourceId,
    pub scenario: Option<String>,
    pub friendly_name: Option<String>,
}

/// A task of a job, possibly with child tasks.
#[derive(Clone, Debug, Default)]
pub struct Task {
    pub task_id: Option<String>,
    pub name: Option<String>,
    pub friendly_name: Option<String>,
    pub state: Option<String>,
    pub state_description: Option<String>,
    pub task_type: Option<String>,
    pub started: Option<Timestamp>,
    pub ended: Option<Timestamp>,
    pub child_tasks: Vec<Task>,
    pub child_job: Option<ChildJob>,
    pub errors: Vec<JobError>,
}

/// A Site Recovery job.
#[derive(Clone, Debug)]
pub struct Job {
    pub id: ResourceId,
    pub name: String,
    pub source: SourceId,
    pub scenario: Option<String>,
    pub friendly_name: Option<String>,
    pub state: Option<String>,
    pub state_description: Option<String>,
    pub started: Option<Timestamp>,
    pub ended: Option<Timestamp>,
    pub target_object_id: Option<String>,
    pub target_object_name: Option<String>,
    pub target_instance_type: Option<String>,
    pub activity_id: Option<String>,
    pub tasks: Vec<Task>,
    pub errors: Vec<JobError>,
    /// `customDetails.newReplicationProtectedItemId` (reprotect).
    pub new_item_id: Option<ResourceId>,
}
