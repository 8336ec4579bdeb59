//! DTO → model. Pure conversions: free strings become open enums, ids become
//! `ResourceId`s, ASR's sentinels (`None` scenarios, empty strings) become
//! absent values.

use super::document::DocCtx;
use super::dto;
use super::lenient::Loose;
use crate::model::item::{
    known, ActiveLocation, Health, HealthError, ItemNic, Need, ProtectedDisk, ProviderKind,
    Replication, Scenario, Unknown, UnprotectedDisk,
};
use crate::model::job::{ChildJob, JobError, ProviderError, ServiceError, Task};
use crate::model::plan::PlanGroup;
use crate::model::{
    AsrOperation, Atom, CapacityReservation, DataDisk, Disk, GenericResource, HealthStatus, Job,
    Location, Lock, LockLevel, Policy, RecoveryPlan, RecoveryPoint, RecoveryProvider,
    ReplicatedItem, ResourceGroup, ResourceId, Sku, SkuRestriction, Usage, UsageKind, Vm,
};
use std::collections::BTreeMap;

/// Maps the parts of one resource, knowing its file and top-level fields.
pub struct Mapper<'a, P = &'a serde_json::value::RawValue> {
    pub ctx: &'a DocCtx<'a>,
    /// The resource's top level (its `properties`, whatever their form,
    /// are given to the method that maps them).
    pub head: &'a dto::Typed<'a, P>,
}

/// Drops empty strings: ASR writes `""` where it means "not set".
fn nonempty(s: Option<String>) -> Option<String> {
    s.filter(|v| !v.trim().is_empty())
}

/// A short text of a small vocabulary (a state, a region, a size).
fn atom(s: Option<String>) -> Option<Atom> {
    nonempty(s).map(Atom::from)
}

fn rid(s: Option<String>) -> Option<ResourceId> {
    nonempty(s).map(|v| ResourceId::new(&v))
}

/// A quota count: a non-negative whole number, or one written as a string
/// of ASCII digits (as `az vm list-usage` prints it). Anything else — a
/// sign, a fraction, an exponent, spaces, `null` — is not a count.
pub fn quota_number(raw: Option<&serde_json::value::RawValue>) -> Result<i64, String> {
    let Some(raw) = raw else {
        return Err("absent".to_string());
    };
    let text = raw.get().trim();
    let digits = match serde_json::from_str::<String>(text) {
        Ok(s) => s,
        Err(_) => text.to_string(),
    };
    let shown = crate::text::excerpt(text, 40);
    if text == "null" {
        return Err("null".to_string());
    }
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("`{shown}`, not a non-negative whole number"));
    }
    digits
        .parse::<i64>()
        .map_err(|_| format!("`{shown}`, out of range"))
}

/// What a field that could not be read held, in words for ASR901.
fn seen<T>(v: &Loose<T>) -> String {
    match v {
        Loose::Absent => "absent".to_string(),
        Loose::Null => "null".to_string(),
        Loose::Ok(_) => "present".to_string(),
        Loose::Wrong { seen, .. } => format!("`{seen}`, not of the expected type"),
    }
}

/// Records a field that could not be read (naming the part inside it that
/// was wrong: `providerSpecificDetails.rpoInSeconds`).
fn unknown_of<T>(field: &str, v: &Loose<T>, need: Need, out: &mut Vec<Unknown>) {
    let field = match v {
        Loose::Wrong { path, .. } if path != "." && !path.is_empty() => {
            format!(
                "{field}{}{}",
                if path.starts_with('[') { "" } else { "." },
                path.trim_start_matches('.')
            )
        }
        _ => field.to_string(),
    };
    out.push(Unknown {
        field,
        seen: seen(v),
        need,
    });
}

/// A field with a set of values: the value when it is a non-empty string
/// (kept even when unknown, as text for the evidence); anything else, and
/// any value `values` does not accept, is recorded as unknown.
/// The values a state field may take.
#[derive(Clone, Copy)]
enum Values {
    /// Exactly these (compared without case).
    Closed(&'static [&'static str]),
    /// These, or any CamelCase name made of ASR's state words (the API
    /// leaves `protectionState` and scenario names open).
    Named(&'static [&'static str]),
}

fn closed(
    field: &str,
    v: Loose<String>,
    values: Values,
    need: Need,
    out: &mut Vec<Unknown>,
) -> Option<String> {
    let value = match v {
        Loose::Ok(s) => s,
        other => {
            unknown_of(field, &other, need, out);
            return None;
        }
    };
    if value.is_empty() {
        out.push(Unknown {
            field: field.to_string(),
            seen: "an empty string".to_string(),
            need,
        });
        return None;
    }
    let accepted = match values {
        Values::Closed(set) => known::is_known(set, &value),
        Values::Named(set) => known::is_known(set, &value) || known::is_state_name(&value),
    };
    if !accepted {
        out.push(Unknown {
            field: field.to_string(),
            seen: format!(
                "`{}`, a value this version does not know",
                crate::text::excerpt(&value, crate::text::EXCERPT_CHARS)
            ),
            need,
        });
    }
    Some(value)
}

/// An entry of `allowedOperations`: an open set, so an unknown value stays
/// as text and a non-string one as its excerpt — neither is a failure, only
/// whether the needed operation is listed counts.
fn operation(raw: &serde_json::value::RawValue) -> AsrOperation {
    match serde_json::from_str::<String>(raw.get()) {
        Ok(s) => AsrOperation::parse(&s),
        Err(_) => AsrOperation::Other(crate::text::excerpt(raw.get(), crate::text::EXCERPT_CHARS)),
    }
}

impl<P> Mapper<'_, P> {
    fn name(&self) -> Option<String> {
        let raw = self.head.name?.get().trim();
        if raw.starts_with('"') {
            serde_json::from_str::<String>(raw).ok()
        } else {
            None
        }
    }

    fn id(&self) -> ResourceId {
        ResourceId::new(
            self.head
                .id
                .as_deref()
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .or_else(|| self.name())
                .as_deref()
                .unwrap_or(""),
        )
    }

    /// The name `name_or_id` gives, without interning the id: the `name`,
    /// else the id's last segment.
    pub fn name_text(&self) -> String {
        self.name().unwrap_or_else(|| {
            let id = self.head.id.as_deref().unwrap_or("");
            let id = id.trim().trim_end_matches('/');
            id.rsplit('/').next().unwrap_or("").to_string()
        })
    }

    fn name_or_id(&self, id: &ResourceId) -> String {
        self.name().unwrap_or_else(|| id.name().to_string())
    }

    pub fn item(&self, p: dto::ItemProps) -> ReplicatedItem {
        let id = self.id();
        let name = nonempty(p.friendly_name).unwrap_or_else(|| self.name_or_id(&id));
        let mut unknowns = Vec::new();
        let u = &mut unknowns;
        let protection_state = closed(
            "protectionState",
            p.protection_state,
            Values::Named(known::PROTECTION_STATES),
            Need::State,
            u,
        );
        let active_location = closed(
            "activeLocation",
            p.active_location,
            Values::Closed(&["Primary", "Recovery"]),
            Need::State,
            u,
        )
        .map(|s| ActiveLocation::parse(&s));
        let test_failover_state = closed(
            "testFailoverState",
            p.test_failover_state,
            Values::Named(known::TEST_FAILOVER_STATES),
            Need::State,
            u,
        );
        let replication_health = closed(
            "replicationHealth",
            p.replication_health,
            Values::Closed(&["Normal", "Warning", "Critical", "None"]),
            Need::Health,
            u,
        )
        .map(|s| Health::parse(&s));
        let allowed_operations = match p.allowed_operations {
            Loose::Ok(ops) => Some(ops.iter().map(|o| operation(o)).collect()),
            other => {
                unknown_of("allowedOperations", &other, Need::State, u);
                None
            }
        };
        let current_scenario = match p.current_scenario {
            Loose::Ok(s) => {
                let name = closed(
                    "currentScenario.scenarioName",
                    s.scenario_name.map_or(Loose::Absent, Loose::Ok),
                    Values::Named(known::SCENARIOS),
                    Need::State,
                    u,
                );
                name.filter(|n| !n.eq_ignore_ascii_case("None"))
                    .map(|name| Scenario {
                        name,
                        job_id: rid(s.job_id),
                        started: s.start_time,
                    })
            }
            other => {
                unknown_of("currentScenario", &other, Need::State, u);
                None
            }
        };
        let mut health_errors = Vec::new();
        match p.health_errors {
            Loose::Ok(errors) => {
                for e in errors {
                    flatten_health_error(e, &mut health_errors);
                }
            }
            // ASR leaves an empty list out or writes null.
            Loose::Absent | Loose::Null => {}
            wrong => unknown_of("healthErrors", &wrong, Need::Health, u),
        }
        let last_successful_test_failover = match p.last_successful_test_failover_time {
            Loose::Ok(t) => t.0,
            Loose::Absent | Loose::Null => None,
            wrong => {
                unknown_of("lastSuccessfulTestFailoverTime", &wrong, Need::DrillAge, u);
                None
            }
        };
        let replication = match p.provider_specific_details {
            Loose::Ok(d) => {
                closed(
                    "providerSpecificDetails.instanceType",
                    d.instance_type.clone().map_or(Loose::Absent, Loose::Ok),
                    Values::Closed(known::PROVIDERS),
                    Need::State,
                    u,
                );
                Some(replication(d))
            }
            other => {
                unknown_of("providerSpecificDetails", &other, Need::State, u);
                None
            }
        };
        ReplicatedItem {
            name,
            source: self.ctx.source,
            line: None,
            protection_state: protection_state.map(Atom::from),
            protection_state_description: atom(p.protection_state_description),
            active_location,
            test_failover_state: test_failover_state.map(Atom::from),
            test_failover_state_description: atom(p.test_failover_state_description),
            allowed_operations,
            replication_health,
            failover_health: nonempty(p.failover_health).map(|s| Health::parse(&s)),
            health_errors,
            current_scenario,
            last_successful_failover: p.last_successful_failover_time,
            last_successful_test_failover,
            // Read only for Hyper-V items (which VMM server or host serves
            // them, ASR701); A2A items carry one per item, and no check
            // reads it: not kept.
            provider_id: replication
                .as_ref()
                .filter(|r| r.kind == ProviderKind::HyperVReplicaAzure)
                .and_then(|_| rid(p.recovery_services_provider_id)),
            primary_fabric_name: atom(p.primary_fabric_friendly_name),
            recovery_fabric_name: atom(p.recovery_fabric_friendly_name),
            replication: replication.map(Box::new),
            unknowns,
            phase_cache: Default::default(),
            id,
        }
    }

    pub fn vm(&self, p: dto::VmProps) -> Vm {
        let id = self.id();
        let storage = p.storage_profile.unwrap_or_default();
        let os = storage.os_disk.unwrap_or_default();
        Vm {
            name: self.name_or_id(&id),
            source: self.ctx.source,
            location: atom(self.head.location.clone()),
            size: p.hardware_profile.and_then(|h| atom(h.vm_size)),
            zones: (self.head.zones.iter().flatten())
                .map(|z| Atom::new(z))
                .collect(),
            os_type: atom(os.os_type),
            os_disk_id: rid(os.managed_disk.and_then(|m| m.id)),
            os_disk_name: nonempty(os.name),
            data_disks: storage
                .data_disks
                .unwrap_or_default()
                .into_iter()
                .map(|d| DataDisk {
                    lun: d.lun,
                    name: nonempty(d.name),
                    managed_disk_id: rid(d.managed_disk.and_then(|m| m.id)),
                    vhd_uri: rid(d.vhd.and_then(|v| v.uri)),
                    size_gb: d.disk_size_gb,
                })
                .collect::<Vec<_>>()
                .exact(),
            nic_ids: p
                .network_profile
                .and_then(|n| n.network_interfaces)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|n| rid(n.id))
                .collect::<Vec<_>>()
                .exact(),
            provisioning_state: atom(p.provisioning_state),
            id,
        }
    }

    pub fn disk(&self, p: dto::DiskProps) -> Disk {
        let id = self.id();
        Disk {
            name: self.name_or_id(&id),
            source: self.ctx.source,
            location: atom(self.head.location.clone()),
            size_gb: p.disk_size_gb,
            disk_state: atom(p.disk_state),
            managed_by: rid(self.head.managed_by.clone()).or(rid(p.managed_by)),
            time_created: p.time_created,
            id,
        }
    }

    /// VM sizes and disk types are kept; other SKU kinds return `None`.
    pub fn sku(&self, s: dto::Sku) -> Option<Sku> {
        let resource_type = nonempty(s.resource_type);
        if resource_type.as_deref().is_some_and(|t| {
            !t.eq_ignore_ascii_case("virtualMachines") && !t.eq_ignore_ascii_case("disks")
        }) {
            return None;
        }
        let mut zones = BTreeMap::new();
        for li in s.location_info.unwrap_or_default() {
            if let Some(loc) = nonempty(li.location) {
                zones.insert(loc.to_ascii_lowercase(), li.zones.unwrap_or_default());
            }
        }
        let capabilities = s
            .capabilities
            .unwrap_or_default()
            .into_iter()
            .filter_map(|c| Some((c.name?, c.value.unwrap_or_default())))
            .collect();
        let restrictions = s
            .restrictions
            .unwrap_or_default()
            .into_iter()
            .map(|r| {
                let info = r.restriction_info.unwrap_or_default();
                SkuRestriction {
                    kind: r.type_.unwrap_or_default(),
                    values: r.values.unwrap_or_default(),
                    locations: info.locations.unwrap_or_default(),
                    zones: info.zones.unwrap_or_default(),
                    reason: nonempty(r.reason_code),
                }
            })
            .collect();
        Some(Sku {
            name: nonempty(s.name)?,
            source: self.ctx.source,
            resource_type,
            family: nonempty(s.family),
            locations: s.locations.unwrap_or_default(),
            zones,
            capabilities,
            restrictions,
        })
    }

    /// A usage counter; its region comes from its id, the manifest, an
    /// example's parameters or the file name. Without one it cannot be used.
    pub fn usage(&self, u: dto::Usage) -> Result<Usage, String> {
        let id = rid(u.id.clone());
        let from_id = id.as_ref().and_then(|id| {
            let text = id.text();
            let segs: Vec<&str> = text.split('/').collect();
            let at = segs
                .iter()
                .position(|s| s.eq_ignore_ascii_case("locations"))?;
            segs.get(at + 1).map(|s| s.to_string())
        });
        let network = id
            .as_ref()
            .is_some_and(|id| id.contains_ci("/providers/microsoft.network/"));
        let kind = if network {
            UsageKind::Network
        } else {
            self.ctx.hint.usage_kind.unwrap_or(UsageKind::Compute)
        };
        let name = u.name.unwrap_or_default();
        let counter = nonempty(name.value).ok_or_else(|| {
            format!(
                "{}: a usage entry without `name.value` was ignored",
                self.ctx.file
            )
        })?;
        let location = from_id.or(self.ctx.hint.location.clone()).ok_or_else(|| {
            format!(
                "{}: usage `{counter}` has no region; name the file `usages.<region>.json` (or `network-usages.<region>.json`) or record it in manifest.json",
                self.ctx.file
            )
        })?;
        // A counter whose numbers cannot be trusted is kept, marked: the
        // quota it feeds is unknown (ASR901), never silently large or small.
        let (current, limit, invalid) = match (
            quota_number(u.current_value.as_deref()),
            quota_number(u.limit.as_deref()),
        ) {
            (Ok(c), Ok(l)) => (c, l, None),
            (c, l) => {
                let mut why = Vec::new();
                if let Err(e) = c {
                    why.push(format!("`currentValue` is {e}"));
                }
                if let Err(e) = l {
                    why.push(format!("`limit` is {e}"));
                }
                (0, 0, Some(why.join(" and ")))
            }
        };
        Ok(Usage {
            kind,
            subscription: id
                .as_ref()
                .and_then(|i| i.subscription().map(str::to_string))
                .or_else(|| {
                    let scope = ResourceId::new(self.ctx.hint.scope.as_deref()?);
                    scope.subscription().map(str::to_string)
                }),
            location: location.to_ascii_lowercase(),
            name: counter,
            localized_name: nonempty(name.localized_value).or(nonempty(u.local_name)),
            current,
            limit,
            invalid,
            source: self.ctx.source,
        })
    }

    pub fn lock(&self, p: dto::LockProps) -> Lock {
        let id = self.id();
        let scope = lock_scope(&id);
        Lock {
            name: self.name_or_id(&id),
            source: self.ctx.source,
            // Absent is not "no restriction": it is a level nobody knows.
            level: p
                .level
                .as_deref()
                .map_or(LockLevel::Other(String::new()), LockLevel::parse),
            scope,
            notes: nonempty(p.notes),
            owners: p
                .owners
                .unwrap_or_default()
                .into_iter()
                .filter_map(|o| nonempty(o.application_id))
                .collect(),
            id,
        }
    }

    pub fn capacity_reservation(&self, r: dto::CapacityReservation) -> CapacityReservation {
        let id = self.id();
        let sku = r.sku.unwrap_or_default();
        let allocated = r
            .properties
            .and_then(|p| p.virtual_machines_allocated)
            .or(r.virtual_machines_allocated)
            .map(|v| v.len());
        CapacityReservation {
            group: id.parent().unwrap_or_else(|| id.clone()),
            source: self.ctx.source,
            size: nonempty(sku.name),
            capacity: sku.capacity,
            allocated,
            zones: r.zones.unwrap_or_default(),
            id,
        }
    }

    pub fn provider(&self, p: dto::ProviderProps) -> RecoveryProvider {
        let id = self.id();
        RecoveryProvider {
            name: nonempty(p.friendly_name).unwrap_or_else(|| self.name_or_id(&id)),
            source: self.ctx.source,
            connection: nonempty(p.connection_status),
            last_heartbeat: p.last_heart_beat,
            fabric: nonempty(p.fabric_friendly_name),
            fabric_type: nonempty(p.fabric_type),
            version: nonempty(p.provider_version),
            id,
        }
    }

    pub fn resource_group(&self, p: dto::ProvisioningProps) -> ResourceGroup {
        let id = self.id();
        ResourceGroup {
            name: self.name_or_id(&id),
            source: self.ctx.source,
            location: nonempty(self.head.location.clone()),
            provisioning_state: nonempty(p.provisioning_state),
            id,
        }
    }

    pub fn location(&self, l: dto::Location) -> Location {
        let id = self.id();
        let meta = l.metadata.unwrap_or_default();
        let policy = l.policy_restrictions.unwrap_or_default();
        Location {
            subscription: id.subscription().map(str::to_string),
            name: self.name().unwrap_or_else(|| id.name().to_string()),
            source: self.ctx.source,
            display_name: nonempty(l.display_name),
            region_type: nonempty(meta.region_type),
            paired_regions: meta
                .paired_region
                .unwrap_or_default()
                .into_iter()
                .filter_map(|p| nonempty(p.name))
                .collect(),
            policy_status: nonempty(policy.status),
            policy_reason: nonempty(policy.reason),
        }
    }

    pub fn health(&self, p: dto::HealthProps) -> HealthStatus {
        const AT: &str = "/providers/microsoft.resourcehealth/";
        const CURRENT: &str = "/providers/microsoft.resourcehealth/availabilitystatuses/current";
        let raw = self
            .head
            .id
            .as_deref()
            .map_or("", |s| s.trim().trim_end_matches('/'));
        let lower = raw.to_ascii_lowercase();
        let cut = raw.len().saturating_sub(CURRENT.len());
        // The usual id, `<resource>/providers/Microsoft.ResourceHealth/
        // availabilityStatuses/current`, is not kept: its resource says it.
        let (id, target) = if cut > 0 && lower.ends_with(CURRENT) && lower.find(AT) == Some(cut) {
            (None, ResourceId::new(&raw[..cut]))
        } else {
            let id = self.id();
            let target = match id.key().find(AT) {
                Some(at) => ResourceId::new(&id.text()[..at]),
                None => id.clone(),
            };
            (Some(id), target)
        };
        HealthStatus {
            target,
            source: self.ctx.source,
            location: atom(self.head.location.clone()),
            availability_state: atom(p.availability_state),
            summary: atom(p.summary),
            reason_type: atom(p.reason_type),
            context: atom(p.context),
            id,
        }
    }

    pub fn generic(&self) -> Option<GenericResource> {
        let id = self.id();
        if id.key().is_empty() {
            return None;
        }
        Some(GenericResource {
            name: self.name_or_id(&id),
            source: self.ctx.source,
            location: nonempty(self.head.location.clone()),
            id,
        })
    }

    pub fn job(&self, p: dto::JobProps) -> Job {
        let id = self.id();
        Job {
            name: self.name_or_id(&id),
            source: self.ctx.source,
            scenario: nonempty(p.scenario_name),
            friendly_name: nonempty(p.friendly_name),
            state: nonempty(p.state),
            state_description: nonempty(p.state_description),
            started: p.start_time,
            ended: p.end_time,
            target_object_id: nonempty(p.target_object_id),
            target_object_name: nonempty(p.target_object_name),
            target_instance_type: nonempty(p.target_instance_type),
            activity_id: nonempty(p.activity_id),
            tasks: p
                .tasks
                .unwrap_or_default()
                .into_iter()
                .map(task)
                .collect::<Vec<_>>()
                .exact(),
            errors: p
                .errors
                .unwrap_or_default()
                .into_iter()
                .map(job_error)
                .collect(),
            new_item_id: rid(p
                .custom_details
                .and_then(|c| c.new_replication_protected_item_id)),
            id,
        }
    }

    pub fn plan(&self, p: dto::PlanProps) -> RecoveryPlan {
        let id = self.id();
        RecoveryPlan {
            name: nonempty(p.friendly_name).unwrap_or_else(|| self.name_or_id(&id)),
            source: self.ctx.source,
            groups: p
                .groups
                .unwrap_or_default()
                .into_iter()
                .map(|g| PlanGroup {
                    group_type: nonempty(g.group_type),
                    items: g
                        .replication_protected_items
                        .unwrap_or_default()
                        .into_iter()
                        .filter_map(|r| rid(r.id))
                        .collect::<Vec<_>>()
                        .exact(),
                })
                .collect(),
            allowed_operations: p.allowed_operations.unwrap_or_default(),
            last_test_failover: p.last_test_failover_time,
            id,
        }
    }

    pub fn policy(&self, p: dto::PolicyProps) -> Policy {
        let id = self.id();
        let d = p.provider_specific_details.unwrap_or_default();
        Policy {
            name: nonempty(p.friendly_name).unwrap_or_else(|| self.name_or_id(&id)),
            source: self.ctx.source,
            kind: nonempty(d.instance_type),
            recovery_point_history_minutes: d.recovery_point_history,
            app_consistent_frequency_minutes: d.app_consistent_frequency_in_minutes,
            crash_consistent_frequency_minutes: d.crash_consistent_frequency_in_minutes,
            id,
        }
    }

    pub fn recovery_point(&self, p: dto::RecoveryPointProps) -> RecoveryPoint {
        let id = self.id();
        RecoveryPoint {
            item_id: id.parent(),
            source: self.ctx.source,
            time: p.recovery_point_time,
            kind: nonempty(p.recovery_point_type),
            id,
        }
    }
}

/// The scope a lock is set on: its id before `/providers/Microsoft.Authorization/locks/`.
pub fn lock_scope(id: &ResourceId) -> ResourceId {
    match id.key().rfind("/providers/microsoft.authorization/locks/") {
        Some(at) => ResourceId::new(&id.text()[..at]),
        None => id.clone(),
    }
}

fn flatten_health_error(e: dto::HealthError, out: &mut Vec<HealthError>) {
    let inner = e.inner_health_errors.unwrap_or_default();
    out.push(HealthError {
        code: atom(e.error_code),
        level: atom(e.error_level),
        message: nonempty(e.error_message).or(nonempty(e.summary_message)),
        possible_causes: nonempty(e.possible_causes),
        recommended_action: nonempty(e.recommended_action),
        created: e.creation_time_utc,
    });
    for i in inner {
        flatten_health_error(i, out);
    }
}

/// A list mapped from a DTO's list, without the room it does not use.
/// Collecting from a `Vec` reuses its allocation, which serde grew to at
/// least four entries of the DTO's larger type: at 100,000 items, item NIC
/// and VM disk lists held that way were 50 MB of room never used.
trait Exact {
    fn exact(self) -> Self;
}

impl<T> Exact for Vec<T> {
    fn exact(mut self) -> Self {
        self.shrink_to_fit();
        self
    }
}

fn replication(d: dto::ProviderDetails) -> Replication {
    let managed = d.protected_managed_disks.unwrap_or_default();
    let unmanaged = d.protected_disks.unwrap_or_default();
    let mut protected_disks: Vec<ProtectedDisk> = managed
        .into_iter()
        .chain(unmanaged)
        .map(|m| ProtectedDisk {
            disk_id: rid(m.disk_id).or(rid(m.disk_uri)),
            name: nonempty(m.disk_name),
            disk_type: atom(m.disk_type),
            capacity_bytes: m.disk_capacity_in_bytes,
            lun: None,
            state: atom(m.disk_state),
            resync_required: m.resync_required.unwrap_or(false),
            replica_account_type: atom(m.recovery_replica_disk_account_type),
            target_account_type: atom(m.recovery_target_disk_account_type),
        })
        .collect();
    for v in d.azure_vm_disk_details.unwrap_or_default() {
        protected_disks.push(ProtectedDisk {
            disk_id: rid(v.disk_id),
            name: nonempty(v.vhd_name),
            disk_type: atom(v.vhd_type),
            capacity_bytes: v.max_size_mb.map(|mb| mb * 1024 * 1024),
            lun: v.lun_id,
            state: None,
            resync_required: false,
            replica_account_type: None,
            target_account_type: None,
        });
    }
    let kind = ProviderKind::parse(d.instance_type.as_deref().unwrap_or(""));
    // Hyper-V items name their Azure VM by group and name, not by id.
    let hyper_v_azure_vm = (kind == ProviderKind::HyperVReplicaAzure)
        .then(|| {
            let rg = nonempty(d.recovery_azure_resource_group_id.clone())?;
            let name = nonempty(d.recovery_azure_vm_name.clone())?;
            Some(ResourceId::new(&format!(
                "{}/providers/Microsoft.Compute/virtualMachines/{name}",
                rg.trim_end_matches('/')
            )))
        })
        .flatten();
    Replication {
        kind,
        vm_id: rid(d.fabric_object_id),
        recovery_vm_id: rid(d.recovery_fabric_object_id).or(hyper_v_azure_vm),
        primary_location: atom(d.primary_fabric_location),
        recovery_location: atom(d.recovery_fabric_location),
        initial_primary_location: atom(d.initial_primary_fabric_location),
        initial_recovery_location: atom(d.initial_recovery_fabric_location),
        recovery_vm_name: nonempty(d.recovery_azure_vm_name),
        recovery_vm_size: atom(d.recovery_azure_vm_size),
        recovery_resource_group: rid(d.recovery_azure_resource_group_id),
        recovery_zone: atom(d.recovery_availability_zone),
        recovery_capacity_reservation_group: rid(d.recovery_capacity_reservation_group_id),
        primary_zone: atom(d.primary_availability_zone),
        recovery_network: rid(d.selected_recovery_azure_network_id),
        tfo_network: rid(d.selected_tfo_azure_network_id),
        vm_protection_state: atom(d.vm_protection_state),
        vm_protection_state_description: atom(d.vm_protection_state_description),
        rpo_seconds: d.rpo_in_seconds,
        last_rpo_calculated: d.last_rpo_calculated_time,
        last_heartbeat: d.last_heartbeat,
        agent_version: atom(d.agent_version),
        agent_expiry: d.agent_expiry_date,
        agent_certificate_expiry: d.agent_certificate_expiry_date,
        agent_update_required: d.is_replication_agent_update_required,
        agent_certificate_update_required: d.is_replication_agent_certificate_update_required,
        agent_reinstall_required: d.is_agent_reinstall_required,
        monitoring_job_type: atom(d.monitoring_job_type),
        monitoring_percentage: d.monitoring_percentage_completion,
        os_type: atom(d.os_type),
        protected_disks,
        unprotected_disks: d.unprotected_disks.map(|v| {
            v.into_iter()
                .map(|u| UnprotectedDisk {
                    lun: u.disk_lun_id,
                    auto_protection: atom(u.disk_auto_protection_status),
                })
                .collect::<Vec<_>>()
                .exact()
        }),
        auto_protection_of_data_disk: atom(d.auto_protection_of_data_disk),
        nics: d
            .vm_nics
            .unwrap_or_default()
            .into_iter()
            .map(|n| ItemNic {
                source_nic_id: rid(n.source_nic_arm_id),
                recovery_network_id: rid(n.recovery_vm_network_id),
                tfo_network_id: rid(n.tfo_vm_network_id),
                source_network_id: rid(n.vm_network_name).filter(|id| id.resource_type().is_some()),
            })
            .collect::<Vec<_>>()
            .exact(),
    }
}

fn task(t: dto::Task) -> Task {
    Task {
        task_id: nonempty(t.task_id),
        name: nonempty(t.name),
        friendly_name: nonempty(t.friendly_name),
        state: nonempty(t.state),
        state_description: nonempty(t.state_description),
        task_type: nonempty(t.task_type),
        started: t.start_time,
        ended: t.end_time,
        child_tasks: t
            .group_task_custom_details
            .and_then(|g| g.child_tasks)
            .unwrap_or_default()
            .into_iter()
            .map(task)
            .collect(),
        child_job: t.custom_details.and_then(|c| c.job_task).and_then(|j| {
            Some(ChildJob {
                job_id: rid(j.job_id)?,
                scenario: nonempty(j.job_scenario_name),
                friendly_name: nonempty(j.job_friendly_name),
            })
        }),
        errors: t
            .errors
            .unwrap_or_default()
            .into_iter()
            .map(job_error)
            .collect(),
    }
}

fn job_error(e: dto::JobError) -> JobError {
    JobError {
        created: e.creation_time,
        level: nonempty(e.error_level),
        task_id: nonempty(e.task_id),
        service: e.service_error_details.map(|s| ServiceError {
            code: nonempty(s.code),
            message: nonempty(s.message),
            possible_causes: nonempty(s.possible_causes),
            recommended_action: nonempty(s.recommended_action),
            activity_id: nonempty(s.activity_id),
        }),
        provider: e.provider_error_details.map(|p| ProviderError {
            code: nonempty(p.error_code),
            error_id: nonempty(p.error_id),
            message: nonempty(p.error_message),
            possible_causes: nonempty(p.possible_causes),
            recommended_action: nonempty(p.recommended_action),
        }),
    }
}
