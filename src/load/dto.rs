//! Serde mirrors of the ARM and az CLI JSON shapes, tolerant by design:
//! every field optional, unknown fields ignored, numbers and booleans accepted
//! as strings. `map.rs` turns these into the model.

#![allow(missing_docs)]

use super::lenient::{opt_bool, opt_i64, opt_string, opt_time, Loose, Time as LooseTime};
use serde::Deserialize;
use serde_json::value::RawValue;
use time::OffsetDateTime;

type Time = Option<OffsetDateTime>;

/// The top level of one resource object: enough to classify it, its
/// `properties` kept as text to be read once the kind is known.
pub type Head<'a> = Typed<'a, &'a RawValue>;

/// The top level of a resource, its `properties` read as `P`: as text for
/// `Head`, or, for a list whose kind the file is known to hold, parsed as
/// that kind's where they are met, in one pass (keys come in any order; the
/// az CLI sorts them, so `properties` precedes `type`). The latter is used
/// only when `type` turns out to be that kind; otherwise the entry is read
/// again the general way.
#[derive(Deserialize)]
#[serde(
    default,
    rename_all = "camelCase",
    bound(deserialize = "P: Deserialize<'de>")
)]
pub struct Typed<'a, P> {
    #[serde(deserialize_with = "opt_string")]
    pub id: Option<String>,
    #[serde(borrow)]
    pub name: Option<&'a RawValue>,
    #[serde(rename = "type", deserialize_with = "opt_string")]
    pub type_: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub location: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub resource_type: Option<String>,
    #[serde(borrow)]
    pub current_value: Option<&'a RawValue>,
    pub properties: Option<P>,
    #[serde(deserialize_with = "opt_string")]
    pub managed_by: Option<String>,
    pub zones: Option<Vec<String>>,
}

impl<P> Default for Typed<'_, P> {
    fn default() -> Self {
        Typed {
            id: None,
            name: None,
            type_: None,
            location: None,
            resource_type: None,
            current_value: None,
            properties: None,
            managed_by: None,
            zones: None,
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct Scenario {
    #[serde(deserialize_with = "opt_string")]
    pub scenario_name: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub job_id: Option<String>,
    #[serde(deserialize_with = "opt_time")]
    pub start_time: Time,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct HealthError {
    #[serde(deserialize_with = "opt_string")]
    pub error_code: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub error_level: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub error_message: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub summary_message: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub possible_causes: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub recommended_action: Option<String>,
    #[serde(deserialize_with = "opt_time")]
    pub creation_time_utc: Time,
    pub inner_health_errors: Option<Vec<HealthError>>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct ItemProps {
    #[serde(deserialize_with = "opt_string")]
    pub friendly_name: Option<String>,
    pub protection_state: Loose<String>,
    #[serde(deserialize_with = "opt_string")]
    pub protection_state_description: Option<String>,
    pub active_location: Loose<String>,
    pub test_failover_state: Loose<String>,
    #[serde(deserialize_with = "opt_string")]
    pub test_failover_state_description: Option<String>,
    pub allowed_operations: Loose<Vec<Box<RawValue>>>,
    pub replication_health: Loose<String>,
    #[serde(deserialize_with = "opt_string")]
    pub failover_health: Option<String>,
    pub health_errors: Loose<Vec<HealthError>>,
    pub current_scenario: Loose<Scenario>,
    #[serde(deserialize_with = "opt_time")]
    pub last_successful_failover_time: Time,
    pub last_successful_test_failover_time: Loose<LooseTime>,
    #[serde(deserialize_with = "opt_string")]
    pub recovery_services_provider_id: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub primary_fabric_friendly_name: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub recovery_fabric_friendly_name: Option<String>,
    pub provider_specific_details: Loose<ProviderDetails>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct ManagedDisk {
    #[serde(deserialize_with = "opt_string")]
    pub disk_id: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub disk_uri: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub disk_name: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub disk_type: Option<String>,
    #[serde(deserialize_with = "opt_i64")]
    pub disk_capacity_in_bytes: Option<i64>,
    #[serde(deserialize_with = "opt_string")]
    pub disk_state: Option<String>,
    #[serde(deserialize_with = "opt_bool")]
    pub resync_required: Option<bool>,
    #[serde(deserialize_with = "opt_string")]
    pub recovery_replica_disk_account_type: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub recovery_target_disk_account_type: Option<String>,
}

/// Hyper-V `azureVmDiskDetails[]`.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct AzureVmDisk {
    #[serde(deserialize_with = "opt_string")]
    pub disk_id: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub vhd_name: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub vhd_type: Option<String>,
    #[serde(deserialize_with = "opt_i64")]
    pub lun_id: Option<i64>,
    #[serde(rename = "maxSizeMB", deserialize_with = "opt_i64")]
    pub max_size_mb: Option<i64>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct UnprotectedDisk {
    #[serde(deserialize_with = "opt_i64")]
    pub disk_lun_id: Option<i64>,
    #[serde(deserialize_with = "opt_string")]
    pub disk_auto_protection_status: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct VmNic {
    #[serde(deserialize_with = "opt_string")]
    pub source_nic_arm_id: Option<String>,
    #[serde(rename = "recoveryVMNetworkId", deserialize_with = "opt_string")]
    pub recovery_vm_network_id: Option<String>,
    #[serde(rename = "tfoVMNetworkId", deserialize_with = "opt_string")]
    pub tfo_vm_network_id: Option<String>,
    /// The network of the NIC on the item's primary side (a full id, despite the name).
    #[serde(
        rename = "vMNetworkName",
        alias = "vmNetworkName",
        deserialize_with = "opt_string"
    )]
    pub vm_network_name: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct ProviderDetails {
    #[serde(deserialize_with = "opt_string")]
    pub instance_type: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub fabric_object_id: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub recovery_fabric_object_id: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub primary_fabric_location: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub recovery_fabric_location: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub initial_primary_fabric_location: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub initial_recovery_fabric_location: Option<String>,
    #[serde(
        rename = "recoveryAzureVMName",
        alias = "recoveryAzureVmName",
        deserialize_with = "opt_string"
    )]
    pub recovery_azure_vm_name: Option<String>,
    #[serde(
        rename = "recoveryAzureVMSize",
        alias = "recoveryAzureVmSize",
        deserialize_with = "opt_string"
    )]
    pub recovery_azure_vm_size: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub recovery_azure_resource_group_id: Option<String>,
    #[serde(alias = "targetAvailabilityZone", deserialize_with = "opt_string")]
    pub recovery_availability_zone: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub recovery_capacity_reservation_group_id: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub primary_availability_zone: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub selected_recovery_azure_network_id: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub selected_tfo_azure_network_id: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub vm_protection_state: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub vm_protection_state_description: Option<String>,
    #[serde(deserialize_with = "opt_i64")]
    pub rpo_in_seconds: Option<i64>,
    #[serde(deserialize_with = "opt_time")]
    pub last_rpo_calculated_time: Time,
    #[serde(deserialize_with = "opt_time")]
    pub last_heartbeat: Time,
    #[serde(deserialize_with = "opt_string")]
    pub agent_version: Option<String>,
    #[serde(deserialize_with = "opt_time")]
    pub agent_expiry_date: Time,
    #[serde(deserialize_with = "opt_time")]
    pub agent_certificate_expiry_date: Time,
    #[serde(deserialize_with = "opt_bool")]
    pub is_replication_agent_update_required: Option<bool>,
    #[serde(deserialize_with = "opt_bool")]
    pub is_replication_agent_certificate_update_required: Option<bool>,
    #[serde(deserialize_with = "opt_bool")]
    pub is_agent_reinstall_required: Option<bool>,
    #[serde(deserialize_with = "opt_string")]
    pub monitoring_job_type: Option<String>,
    #[serde(deserialize_with = "opt_i64")]
    pub monitoring_percentage_completion: Option<i64>,
    #[serde(deserialize_with = "opt_string")]
    pub os_type: Option<String>,
    pub protected_managed_disks: Option<Vec<ManagedDisk>>,
    pub protected_disks: Option<Vec<ManagedDisk>>,
    pub azure_vm_disk_details: Option<Vec<AzureVmDisk>>,
    pub unprotected_disks: Option<Vec<UnprotectedDisk>>,
    #[serde(deserialize_with = "opt_string")]
    pub auto_protection_of_data_disk: Option<String>,
    pub vm_nics: Option<Vec<VmNic>>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct IdRef {
    #[serde(deserialize_with = "opt_string")]
    pub id: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct VmManagedDisk {
    #[serde(deserialize_with = "opt_string")]
    pub id: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct VmDisk {
    #[serde(deserialize_with = "opt_i64")]
    pub lun: Option<i64>,
    #[serde(deserialize_with = "opt_string")]
    pub name: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub os_type: Option<String>,
    pub managed_disk: Option<VmManagedDisk>,
    /// Unmanaged disks: `vhd.uri`.
    pub vhd: Option<VhdRef>,
    #[serde(
        rename = "diskSizeGB",
        alias = "diskSizeGb",
        deserialize_with = "opt_i64"
    )]
    pub disk_size_gb: Option<i64>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct VhdRef {
    #[serde(deserialize_with = "opt_string")]
    pub uri: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct StorageProfile {
    pub os_disk: Option<VmDisk>,
    pub data_disks: Option<Vec<VmDisk>>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct HardwareProfile {
    #[serde(deserialize_with = "opt_string")]
    pub vm_size: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct NetworkProfile {
    pub network_interfaces: Option<Vec<IdRef>>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct VmProps {
    pub hardware_profile: Option<HardwareProfile>,
    pub storage_profile: Option<StorageProfile>,
    pub network_profile: Option<NetworkProfile>,
    #[serde(deserialize_with = "opt_string")]
    pub provisioning_state: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct DiskProps {
    #[serde(
        rename = "diskSizeGB",
        alias = "diskSizeGb",
        deserialize_with = "opt_i64"
    )]
    pub disk_size_gb: Option<i64>,
    #[serde(deserialize_with = "opt_string")]
    pub disk_state: Option<String>,
    #[serde(deserialize_with = "opt_time")]
    pub time_created: Time,
    #[serde(deserialize_with = "opt_string")]
    pub managed_by: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct SkuLocationInfo {
    #[serde(deserialize_with = "opt_string")]
    pub location: Option<String>,
    pub zones: Option<Vec<String>>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct SkuCapability {
    #[serde(deserialize_with = "opt_string")]
    pub name: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub value: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct RestrictionInfo {
    pub locations: Option<Vec<String>>,
    pub zones: Option<Vec<String>>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct SkuRestriction {
    #[serde(rename = "type", deserialize_with = "opt_string")]
    pub type_: Option<String>,
    pub values: Option<Vec<String>>,
    pub restriction_info: Option<RestrictionInfo>,
    #[serde(deserialize_with = "opt_string")]
    pub reason_code: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct Sku {
    #[serde(deserialize_with = "opt_string")]
    pub name: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub resource_type: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub family: Option<String>,
    pub locations: Option<Vec<String>>,
    pub location_info: Option<Vec<SkuLocationInfo>>,
    pub capabilities: Option<Vec<SkuCapability>>,
    pub restrictions: Option<Vec<SkuRestriction>>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct UsageName {
    #[serde(deserialize_with = "opt_string")]
    pub value: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub localized_value: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct Usage {
    #[serde(deserialize_with = "opt_string")]
    pub id: Option<String>,
    pub name: Option<UsageName>,
    #[serde(deserialize_with = "opt_string")]
    pub local_name: Option<String>,
    /// Read as written: `quota_number` decides what is a usable count.
    pub current_value: Option<Box<RawValue>>,
    pub limit: Option<Box<RawValue>>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct LockOwner {
    #[serde(deserialize_with = "opt_string")]
    pub application_id: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct LockProps {
    #[serde(deserialize_with = "opt_string")]
    pub level: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub notes: Option<String>,
    pub owners: Option<Vec<LockOwner>>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct ProvisioningProps {
    #[serde(deserialize_with = "opt_string")]
    pub provisioning_state: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct PairedRegion {
    #[serde(deserialize_with = "opt_string")]
    pub name: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct LocationMetadata {
    #[serde(deserialize_with = "opt_string")]
    pub region_type: Option<String>,
    pub paired_region: Option<Vec<PairedRegion>>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct PolicyRestrictions {
    #[serde(deserialize_with = "opt_string")]
    pub status: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub reason: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct Location {
    #[serde(deserialize_with = "opt_string")]
    pub display_name: Option<String>,
    pub metadata: Option<LocationMetadata>,
    pub policy_restrictions: Option<PolicyRestrictions>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct HealthProps {
    #[serde(deserialize_with = "opt_string")]
    pub availability_state: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub summary: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub reason_type: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub context: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct ServiceErrorDetails {
    #[serde(deserialize_with = "opt_string")]
    pub code: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub message: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub possible_causes: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub recommended_action: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub activity_id: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct ProviderErrorDetails {
    #[serde(deserialize_with = "opt_string")]
    pub error_code: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub error_id: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub error_message: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub possible_causes: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub recommended_action: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct JobError {
    #[serde(deserialize_with = "opt_time")]
    pub creation_time: Time,
    #[serde(deserialize_with = "opt_string")]
    pub error_level: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub task_id: Option<String>,
    pub service_error_details: Option<ServiceErrorDetails>,
    pub provider_error_details: Option<ProviderErrorDetails>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct JobTaskRef {
    #[serde(deserialize_with = "opt_string")]
    pub job_id: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub job_friendly_name: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub job_scenario_name: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct TaskCustomDetails {
    pub job_task: Option<JobTaskRef>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct GroupTaskDetails {
    pub child_tasks: Option<Vec<Task>>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct Task {
    #[serde(deserialize_with = "opt_string")]
    pub task_id: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub name: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub friendly_name: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub state: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub state_description: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub task_type: Option<String>,
    #[serde(deserialize_with = "opt_time")]
    pub start_time: Time,
    #[serde(deserialize_with = "opt_time")]
    pub end_time: Time,
    pub custom_details: Option<TaskCustomDetails>,
    pub group_task_custom_details: Option<GroupTaskDetails>,
    pub errors: Option<Vec<JobError>>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct JobCustomDetails {
    #[serde(deserialize_with = "opt_string")]
    pub new_replication_protected_item_id: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct JobProps {
    #[serde(deserialize_with = "opt_string")]
    pub activity_id: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub scenario_name: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub friendly_name: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub state: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub state_description: Option<String>,
    pub tasks: Option<Vec<Task>>,
    pub errors: Option<Vec<JobError>>,
    #[serde(deserialize_with = "opt_time")]
    pub start_time: Time,
    #[serde(deserialize_with = "opt_time")]
    pub end_time: Time,
    #[serde(deserialize_with = "opt_string")]
    pub target_object_id: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub target_object_name: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub target_instance_type: Option<String>,
    pub custom_details: Option<JobCustomDetails>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct PlanGroup {
    #[serde(deserialize_with = "opt_string")]
    pub group_type: Option<String>,
    pub replication_protected_items: Option<Vec<IdRef>>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct PlanProps {
    #[serde(deserialize_with = "opt_string")]
    pub friendly_name: Option<String>,
    pub allowed_operations: Option<Vec<String>>,
    #[serde(deserialize_with = "opt_time")]
    pub last_test_failover_time: Time,
    pub groups: Option<Vec<PlanGroup>>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct PolicyDetails {
    #[serde(deserialize_with = "opt_string")]
    pub instance_type: Option<String>,
    #[serde(deserialize_with = "opt_i64")]
    pub recovery_point_history: Option<i64>,
    #[serde(deserialize_with = "opt_i64")]
    pub app_consistent_frequency_in_minutes: Option<i64>,
    #[serde(deserialize_with = "opt_i64")]
    pub crash_consistent_frequency_in_minutes: Option<i64>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct PolicyProps {
    #[serde(deserialize_with = "opt_string")]
    pub friendly_name: Option<String>,
    pub provider_specific_details: Option<PolicyDetails>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct RecoveryPointProps {
    #[serde(deserialize_with = "opt_time")]
    pub recovery_point_time: Time,
    #[serde(deserialize_with = "opt_string")]
    pub recovery_point_type: Option<String>,
}

/// `{"error": {"code", "message"}}`
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct ErrorBody {
    #[serde(deserialize_with = "opt_string")]
    pub code: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub message: Option<String>,
}

/// A field that may hold a list of resources: the elements, each kept as
/// its own JSON text, read in the same pass as the envelope; anything but
/// an array is `NotList` (a resource may have a scalar `value`).
pub enum Elems<'a> {
    List(Vec<&'a RawValue>),
    NotList,
}

impl<'de: 'a, 'a> Deserialize<'de> for Elems<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Elems<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Elems<'a>, A::Error> {
                let mut v = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(e) = seq.next_element::<&'de RawValue>()? {
                    v.push(e);
                }
                Ok(Elems::List(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Elems<'a>, A::Error> {
                while m.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Elems::NotList)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Elems<'a>, E> {
                Ok(Elems::NotList)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Elems<'a>, E> {
                Ok(Elems::NotList)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Elems<'a>, E> {
                Ok(Elems::NotList)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Elems<'a>, E> {
                Ok(Elems::NotList)
            }
            fn visit_str<E>(self, _: &str) -> Result<Elems<'a>, E> {
                Ok(Elems::NotList)
            }
            fn visit_unit<E>(self) -> Result<Elems<'a>, E> {
                Ok(Elems::NotList)
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// The top level of a document object: which of the five shapes it is.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Envelope<'a> {
    #[serde(borrow)]
    pub value: Option<Elems<'a>>,
    #[serde(rename = "nextLink", deserialize_with = "opt_string")]
    pub next_link: Option<String>,
    #[serde(borrow)]
    pub data: Option<Elems<'a>>,
    #[serde(rename = "$skipToken", deserialize_with = "opt_string")]
    pub skip_token: Option<String>,
    #[serde(rename = "resultTruncated", deserialize_with = "opt_string")]
    pub result_truncated: Option<String>,
    #[serde(borrow)]
    pub responses: Option<std::collections::BTreeMap<String, &'a RawValue>>,
    #[serde(borrow)]
    pub parameters: Option<&'a RawValue>,
    pub error: Option<ErrorBody>,
    #[serde(deserialize_with = "opt_string")]
    pub id: Option<String>,
    #[serde(rename = "type", deserialize_with = "opt_string")]
    pub type_: Option<String>,
}

/// An example file's `responses.<status>`.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ExampleResponse<'a> {
    #[serde(borrow)]
    pub body: Option<&'a RawValue>,
}

/// An example file's `parameters`: the scope a body without ids belongs to.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct ExampleParameters {
    #[serde(deserialize_with = "opt_string")]
    pub location: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub subscription_id: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct ReservationSku {
    #[serde(deserialize_with = "opt_string")]
    pub name: Option<String>,
    #[serde(deserialize_with = "opt_i64")]
    pub capacity: Option<i64>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct ReservationProps {
    pub virtual_machines_allocated: Option<Vec<IdRef>>,
}

/// A capacity reservation: `sku` at the top level, the allocated VMs under
/// `properties` (ARM) or at the top level (the az CLI flattens them).
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct CapacityReservation {
    pub sku: Option<ReservationSku>,
    pub zones: Option<Vec<String>>,
    pub properties: Option<ReservationProps>,
    pub virtual_machines_allocated: Option<Vec<IdRef>>,
}

/// `replicationRecoveryServicesProviders` properties.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct ProviderProps {
    #[serde(deserialize_with = "opt_string")]
    pub friendly_name: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub connection_status: Option<String>,
    #[serde(deserialize_with = "opt_time")]
    pub last_heart_beat: Time,
    #[serde(deserialize_with = "opt_string")]
    pub fabric_friendly_name: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub fabric_type: Option<String>,
    #[serde(deserialize_with = "opt_string")]
    pub provider_version: Option<String>,
}
