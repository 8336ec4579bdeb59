//! ASR901 facts-missing: a fact a rule needs is not in the estate.
//!
//! Other rules report their own missing facts through [`missing`]; this rule
//! adds what the bundle itself records as missing: failed requests in the
//! manifest, saved error bodies, lists whose pages were not followed, and
//! recovery-plan members absent from the bundle. Fail closed: none of these
//! may end as "ready".

use crate::finding::{Finding, Level, OperationArg, Subject};
use crate::model::item::{Need, Unknown};
use crate::model::{Coverage, FactKind, Operation, ReplicatedItem, ResourceId};
use crate::rules::{Category, Findings, Rule, RuleCtx, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "ASR901",
    name: "facts-missing",
    category: Category::Facts,
    level: Level::Error,
    operations: Operation::ALL,
    summary: "a rule could not be evaluated for lack of a fact (fail closed)",
    docs: include_str!("../../../rules/facts-missing/README.md"),
};

pub struct FactsMissing;

/// An ASR901 finding: `what` is missing about `subject`; `how` says how to
/// supply it.
/// One subject may lack several facts: the message, which names the fact,
/// tells them apart in the fingerprint (ASR901 is never baselined, so its
/// wording may change without consequence).
pub fn missing(operation: OperationArg, subject: Subject, what: String, how: String) -> Finding {
    let key = what.clone();
    Finding::new(&META, operation, subject, what, how).keyed(key)
}

/// The az CLI command that exports a kind of fact, and the role it needs.
pub fn export_hint(kind: FactKind) -> &'static str {
    match kind {
        FactKind::ReplicatedItems => "export the vault's replicated items: `az rest --method get --url \"https://management.azure.com<vault id>/replicationProtectedItems?api-version=2025-08-01\" > replicated-items.json` (Reader on the vault)",
        FactKind::RecoveryPlans => "export the recovery plans: `az rest --method get --url \"https://management.azure.com<vault id>/replicationRecoveryPlans?api-version=2025-08-01\" > recovery-plans.json`",
        FactKind::Jobs => "export the jobs: `az rest --method get --url \"https://management.azure.com<vault id>/replicationJobs?api-version=2025-08-01\" > jobs.json`",
        FactKind::Policies => "export the policies: `az rest --method get --url \"https://management.azure.com<vault id>/replicationPolicies?api-version=2025-08-01\" > policies.json`",
        FactKind::RecoveryPoints => "export the item's recovery points: `az rest --method get --url \"https://management.azure.com<item id>/recoveryPoints?api-version=2025-08-01\"`",
        FactKind::VirtualMachines => "export the VMs: `az vm list --subscription <subscription> -o json > vms.<subscription>.json` (Reader on the subscription)",
        FactKind::Disks => "export the disks: `az disk list --subscription <subscription> -o json > disks.<subscription>.json`",
        FactKind::NetworkInterfaces => "export the NICs: `az network nic list --subscription <subscription> -o json > nics.<subscription>.json`",
        FactKind::VirtualNetworks => "export the virtual networks: `az network vnet list --subscription <subscription> -o json > vnets.<subscription>.json`",
        FactKind::StorageAccounts => "export the storage accounts: `az storage account list --subscription <subscription> -o json > storage-accounts.<subscription>.json`",
        FactKind::Locks => "export the locks: `az lock list --subscription <subscription> -o json > locks.<subscription>.json`; reading locks needs `Microsoft.Authorization/locks/read` (Reader on the subscription; Site Recovery Reader is not enough)",
        FactKind::ResourceGroups => "export the resource groups: `az group list --subscription <subscription> -o json > resource-groups.<subscription>.json`",
        FactKind::Locations => "export the regions: `az rest --method get --url \"https://management.azure.com/subscriptions/<subscription>/locations?api-version=2022-12-01&policyAware=true\" > locations.<subscription>.json`",
        FactKind::ComputeUsages => "export the vCPU usages of the region: `az vm list-usage -l <region> --subscription <subscription> -o json > usages.<subscription>.<region>.json` (Reader on the subscription)",
        FactKind::NetworkUsages => "export the network usages of the region: `az network list-usages -l <region> --subscription <subscription> -o json > network-usages.<subscription>.<region>.json`",
        FactKind::Skus => "export the VM sizes of the region: `az vm list-skus -l <region> --resource-type virtualMachines --all --subscription <subscription> -o json > skus.<subscription>.<region>.json`",
        FactKind::ResourceHealth => "export Resource Health: `az rest --method get --url \"https://management.azure.com/subscriptions/<subscription>/providers/Microsoft.ResourceHealth/availabilityStatuses?api-version=2025-05-01\" > resource-health.<subscription>.json`",
        FactKind::Vaults => "export the vault: `az resource show --ids <vault id> -o json > vault.json`",
        FactKind::Providers => "export the vault's recovery services providers: `az rest --method get --url \"https://management.azure.com<vault id>/replicationRecoveryServicesProviders?api-version=2025-08-01\" > providers.json` (Reader on the vault)",
        FactKind::CapacityReservations => "export the capacity reservations of the group: `az capacity reservation list --capacity-reservation-group <group> --resource-group <resource group> --subscription <subscription> -o json > capacity-reservations.<group>.json`",
        FactKind::Other => "re-export the failed request with Reader access, or remove it from manifest.json if it is not needed",
    }
}

/// ASR901 for the facts of `item` that `need` depends on and that are not
/// known, one finding naming every such field, what was seen and the file
/// (`what` names what therefore is unknown); `None` when they are all known.
pub fn unknown_facts(
    ctx: &RuleCtx,
    op: OperationArg,
    item: &ReplicatedItem,
    need: Need,
    what: &str,
) -> Option<Finding> {
    let fields: Vec<&Unknown> = item.unknown(need).collect();
    if fields.is_empty() {
        return None;
    }
    let listed: Vec<String> = fields
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let of = if i == 0 {
                format!(" of `{}`", item.name)
            } else {
                String::new()
            };
            format!("`{}`{of} is {}", u.field, u.seen)
        })
        .collect();
    let mut f = missing(
        op,
        Subject::item(item),
        format!("{}: {what} is unknown", listed.join("; ")),
        format!(
            "Re-export the replicated item from ARM ({}); a value Azure really reports that this version does not know is worth reporting to the asr-preflight maintainers. Until then the item cannot pass.",
            export_hint(FactKind::ReplicatedItems)
        ),
    );
    for u in fields {
        f = f.with_evidence(format!("{} = {}", u.field, u.seen), ctx.at(item));
    }
    Some(f)
}

/// The gaps in the input itself, reported whatever rules run (the operation
/// selection depends on them): no replicated items, an item list with
/// entries of another type or conflicting copies of one item, and items
/// whose state is not known.
pub fn input_gaps(ctx: &RuleCtx) -> Vec<Finding> {
    let estate = ctx.estate;
    let mut out = Vec::new();
    // Nothing to check is not "ready": an empty or missing item list is a
    // vault export that lost its items as far as the gate can tell.
    if estate.items.is_empty() {
        let lists: Vec<String> = estate
            .facts
            .iter()
            .filter(|f| {
                f.kind == FactKind::ReplicatedItems && matches!(f.coverage, Coverage::Loaded { .. })
            })
            .map(|f| ctx.source(f.source))
            .collect();
        let what = if lists.is_empty() {
            "the input holds no replicated items: nothing could be checked".to_string()
        } else {
            format!(
                "the list of replicated items ({}) is empty: nothing could be checked, and a vault export that lost its items must not pass",
                crate::text::ticks(&lists)
            )
        };
        out.push(missing(
            ctx.operation,
            Subject::other("replicated items", "replicated items", "input"),
            what,
            format!(
                "Point --from at the exported bundle; {}.",
                export_hint(FactKind::ReplicatedItems)
            ),
        ));
    }
    if ctx.scope.is_empty() && !ctx.unchecked.is_empty() {
        out.push(missing(
            ctx.operation,
            Subject::other("replicated items", "replicated items", "input"),
            format!(
                "none of the {} selected is of a scenario asr-preflight checks (Azure to Azure, Hyper-V to Azure): nothing could be checked",
                crate::text::count(ctx.unchecked.len(), "item", "items")
            ),
            "Check those items by the scenario's own means; see ASR905.".to_string(),
        ));
    }
    for p in &estate.problems {
        out.push(
            missing(
                ctx.operation,
                Subject::other(&ctx.source(p.source), "input", "file"),
                p.what.clone(),
                p.help.clone(),
            )
            .with_evidence(p.fact.clone(), ctx.source(p.source)),
        );
    }
    for s in ctx.scope {
        let item = s.item;
        if !item.state_unknown() {
            continue;
        }
        let op = OperationArg::Op(s.operation);
        let what = format!(
            "where the item stands, and so whether its {} can run,",
            s.operation.label()
        );
        match unknown_facts(ctx, op, item, Need::State, &what) {
            Some(f) => out.push(f),
            None => out.push(
                missing(
                    op,
                    Subject::item(item),
                    format!(
                        "the state of `{}` is one this version does not recognise ({}): whether its {} can run cannot be told",
                        item.name,
                        state_line(item),
                        s.operation.label()
                    ),
                    format!(
                        "Check the item in the vault (Replicated items > {}) and finish or undo what holds it in this state; if Azure reports it as healthy, report the combination to the asr-preflight maintainers.",
                        item.name
                    ),
                )
                .with_evidence(state_line(item), ctx.at(item)),
            ),
        }
    }
    out
}

fn state_line(item: &ReplicatedItem) -> String {
    format!(
        "protectionState = {}; activeLocation = {}; testFailoverState = {}; allowedOperations = [{}]",
        item.protection_state.as_deref().unwrap_or("unknown"),
        item.active_location.as_ref().map_or("unknown", |l| l.as_str()),
        item.test_failover_state.as_deref().unwrap_or("unknown"),
        item.allowed_operations
            .as_ref()
            .map(|ops| ops.iter().map(|o| o.as_str()).collect::<Vec<_>>().join(", "))
            .unwrap_or_default()
    )
}

/// Notes for failed or partial lists that only the checks needing them
/// report (`FactKind::gaps_reported_where_needed`): they stay visible in
/// every report without failing a run that does not need them.
pub fn gap_notes(estate: &crate::model::Estate) -> Vec<String> {
    estate
        .facts
        .iter()
        .filter(|f| f.kind.gaps_reported_where_needed())
        .filter_map(|f| {
            let what = match &f.coverage {
                Coverage::Loaded { complete: true } => return None,
                Coverage::Loaded { complete: false } => f
                    .why
                    .clone()
                    .unwrap_or_else(|| "incomplete: a `nextLink` was not followed".to_string()),
                Coverage::Failed { .. } => format!(
                    "could not be read ({})",
                    super::failure_line(f).unwrap_or_default()
                ),
            };
            let scope = f.scope.as_deref().map(|s| format!(" of `{s}`")).unwrap_or_default();
            let region = f.location.as_deref().map(|l| format!(" in `{l}`")).unwrap_or_default();
            Some(format!(
                "{}{scope}{region} ({}): {what}; a check that needs them reports ASR901, none other is affected",
                f.kind.label(),
                estate.source_name(f.source)
            ))
        })
        .collect()
}

impl Rule for FactsMissing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleCtx, out: &mut Findings) {
        let estate = ctx.estate;
        for f in estate
            .facts
            .iter()
            .filter(|f| !f.kind.gaps_reported_where_needed())
        {
            // The export command, for the subscription and region the record names.
            let mut hint = export_hint(f.kind).to_string();
            if let Some(sub) = f
                .scope
                .as_deref()
                .and_then(|s| ResourceId::new(s).subscription().map(str::to_string))
            {
                hint = hint.replace("<subscription>", &sub);
            }
            if let Some(region) = &f.location {
                hint = hint.replace("<region>", region);
            }
            let (what, how) = match &f.coverage {
                Coverage::Loaded { complete: true } => continue,
                Coverage::Loaded { complete: false } => (
                    format!(
                        "{} in `{}` are incomplete: {}",
                        f.kind.label(),
                        ctx.source(f.source),
                        f.why.as_deref().unwrap_or("the list has a `nextLink` that was not followed")
                    ),
                    format!(
                        "Export every page: the az CLI's list commands follow `nextLink` themselves; with `az rest`, fetch each `nextLink` and merge the pages into one array (`jq -s '[.[].value[]]' page-*.json > {}`), or record every page's request in manifest.json. Or {}.",
                        ctx.source(f.source),
                        hint
                    ),
                ),
                Coverage::Failed { status, error_code, message } => {
                    let failure = match (status, error_code) {
                        (Some(s), Some(c)) => format!("{s} `{c}`"),
                        (Some(s), None) => format!("HTTP {s}"),
                        (None, Some(c)) => format!("`{c}`"),
                        (None, None) => "no answer".to_string(),
                    };
                    let scope = f.scope.as_deref().map(|s| format!(" in `{s}`")).unwrap_or_default();
                    let how = if f.request.is_some() { "could not be read" } else { "were saved as an error response" };
                    let detail = message.as_deref().map(|m| format!(" — {}", m.trim_end_matches('.'))).unwrap_or_default();
                    (
                        format!(
                            "{}{scope} {how} ({failure}{detail}): no rule that needs them can pass",
                            f.kind.label()
                        ),
                        match status {
                            Some(401 | 403) => format!(
                                "Give the identity the Reader role{}, then collect again; or {}.",
                                f.scope.as_deref().map(|s| format!(" on `{s}`")).unwrap_or_default(),
                                hint
                            ),
                            _ => format!("Collect again later (throttling and server errors are usually transient), or {hint}."),
                        },
                    )
                }
            };
            let subject = match (&f.request, &f.scope) {
                (Some(r), _) => Subject::other(r, f.kind.label(), "request"),
                (None, Some(s)) => Subject::other(s, f.kind.label(), "scope"),
                (None, None) => Subject::other(&ctx.source(f.source), f.kind.label(), "file"),
            };
            out.push(
                missing(ctx.operation, subject, what, how)
                    .with_evidence(fact_line(f), ctx.source(f.source)),
            );
        }
        if let Some(plan) = ctx.plan {
            for member in plan.members() {
                if estate.item(member).is_none() {
                    out.push(
                        missing(
                            ctx.operation,
                            Subject::resource(member, member.name()),
                            format!(
                                "recovery plan `{}` includes replicated item `{}`, which is not in the bundle: it cannot be checked",
                                plan.name,
                                member.name()
                            ),
                            format!("Export every replicated item of the vault; {}.", export_hint(FactKind::ReplicatedItems)),
                        )
                        .with_evidence(format!("groups[].replicationProtectedItems[].id = {member}"), ctx.source(plan.source)),
                    );
                }
            }
        }
    }
}

fn fact_line(f: &crate::model::FactRecord) -> String {
    super::failure_line(f).unwrap_or_else(|| format!("{}: nextLink present", f.kind.label()))
}
