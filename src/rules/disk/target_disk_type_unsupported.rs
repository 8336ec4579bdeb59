//! ASR203 target-disk-type-unsupported: a disk the operation creates has a
//! storage type the target region (or zone) does not offer — `Premium_ZRS`
//! replicas into a region without zone-redundant storage, a locally
//! redundant disk in a zone its type is not offered in.
//!
//! Reads each protected disk's `recoveryTargetDiskAccountType` (else its
//! `recoveryReplicaDiskAccountType`) and the disk SKUs of the target region
//! (`az vm list-skus --resource-type disks --all`).

use crate::analysis::demand::{demand, Target};
use crate::finding::{Finding, Level, OperationArg, Subject};
use crate::model::{region_key, Sku};
use crate::rules::facts::missing;
use crate::rules::{Category, Findings, Rule, RuleCtx, RuleMeta};
use crate::text;
use std::collections::BTreeMap;

pub static META: RuleMeta = RuleMeta {
    code: "ASR203",
    name: "target-disk-type-unsupported",
    category: Category::Disk,
    level: Level::Error,
    operations: crate::analysis::demand::CREATING,
    summary:
        "a replica or target disk type (e.g. Premium_ZRS) or zone the target region cannot host",
    docs: include_str!("../../../rules/target-disk-type-unsupported/README.md"),
};

pub struct TargetDiskTypeUnsupported;

/// The disk types an item's operation creates, with the field each came from.
fn disk_types(t: &Target) -> BTreeMap<String, &'static str> {
    let mut out = BTreeMap::new();
    let Some(rep) = &t.scoped.item.replication else {
        return out;
    };
    for d in &rep.protected_disks {
        let (ty, field) = match (&d.target_account_type, &d.replica_account_type) {
            (Some(ty), _) => (ty, "recoveryTargetDiskAccountType"),
            (None, Some(ty)) => (ty, "recoveryReplicaDiskAccountType"),
            (None, None) => continue,
        };
        out.entry(ty.to_string()).or_insert(field);
    }
    out
}

/// True when the disk types of `region` are known: some disk SKU of the
/// region is in the bundle, or its SKU list was read from the REST API
/// (`collect`: every resource type).
fn disk_types_known(ctx: &RuleCtx, region: &str) -> bool {
    let key = region_key(region);
    ctx.estate.disk_skus.iter().any(|s| offered_in(s, &key))
        || crate::rules::quota::skus_read_whole(ctx, region)
}

fn offered_in(s: &Sku, key: &str) -> bool {
    s.locations.iter().any(|l| region_key(l) == key) || s.zones.keys().any(|l| region_key(l) == key)
}

/// Why `ty` cannot be created in the region (and zone), if it cannot.
fn why_not(ctx: &RuleCtx, ty: &str, region: &str, zone: Option<&str>) -> Option<String> {
    let key = region_key(region);
    let skus: Vec<&Sku> = ctx
        .estate
        .disk_skus
        .iter()
        .filter(|s| s.name.eq_ignore_ascii_case(ty) && offered_in(s, &key))
        .collect();
    if skus.is_empty() {
        return Some(format!("is not offered in `{region}`"));
    }
    let restricted = skus.iter().all(|s| {
        s.restrictions.iter().any(|r| {
            r.kind.eq_ignore_ascii_case("Location")
                && (r
                    .values
                    .iter()
                    .chain(&r.locations)
                    .any(|l| region_key(l) == key))
        })
    });
    if restricted {
        return Some(format!("is restricted for this subscription in `{region}`"));
    }
    // A locally redundant disk lives in the VM's zone: the type must be
    // offered there. (A zone-redundant disk spans the region's zones.)
    let zonal = ty.to_ascii_uppercase().ends_with("_LRS");
    if let (Some(z), true) = (zone, zonal) {
        let zones: Vec<&String> = skus
            .iter()
            .flat_map(|s| {
                s.zones
                    .iter()
                    .filter(|(l, _)| region_key(l) == key)
                    .flat_map(|(_, z)| z)
            })
            .collect();
        if !zones.iter().any(|x| x.as_str() == z) {
            return Some(format!(
                "is not offered in zone {z} of `{region}` (zones offered: {})",
                if zones.is_empty() {
                    "none".to_string()
                } else {
                    let mut v: Vec<&str> = zones.iter().map(|s| s.as_str()).collect();
                    v.sort_unstable();
                    v.dedup();
                    v.join(", ")
                }
            ));
        }
    }
    None
}

impl Rule for TargetDiskTypeUnsupported {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleCtx, out: &mut Findings) {
        // Regions whose disk types are unknown: one ASR901 each, naming the items.
        let mut unknown: BTreeMap<String, Vec<&Target>> = BTreeMap::new();
        for rd in &demand(ctx).regions {
            for t in rd.creating_targets() {
                let types = disk_types(t);
                if types.is_empty() {
                    continue;
                }
                if !disk_types_known(ctx, &rd.region) {
                    unknown.entry(rd.region.clone()).or_default().push(t);
                    continue;
                }
                let item = t.scoped.item;
                for (ty, field) in types {
                    let Some(why) = why_not(ctx, &ty, &rd.region, t.zone.as_deref()) else {
                        continue;
                    };
                    out.push(
                        Finding::new(
                            &META,
                            OperationArg::Op(t.scoped.operation),
                            Subject::item(item),
                            format!(
                                "the disk type `{ty}` of `{}` {why}: its {} cannot create the VM's disks there",
                                item.name,
                                t.scoped.operation.label()
                            ),
                            format!(
                                "Change the disk type of `{}`'s replica and target disks to one the region offers (Replicated items > {} > Disks > Edit, or disable and re-enable replication with another replica disk type; `az vm list-skus -l {} --resource-type disks --all -o table` lists them), or protect it to a region that offers `{ty}`.",
                                item.name, item.name, rd.region
                            ),
                        )
                        .keyed(format!("{field}={ty}"))
                        .with_evidence(format!("{field} = {ty}"), ctx.at(item))
                        .with_evidence(
                            format!(
                                "disk SKUs of {}{}",
                                rd.region,
                                t.zone.as_deref().map(|z| format!(", zone {z}")).unwrap_or_default()
                            ),
                            "resource SKUs",
                        ),
                    );
                }
            }
        }
        for (region, targets) in unknown {
            let names: Vec<&str> = targets
                .iter()
                .map(|t| t.scoped.item.name.as_str())
                .collect();
            let first = targets[0];
            out.push(
                missing(
                    OperationArg::Op(first.scoped.operation),
                    Subject::other(
                        &format!("/providers/Microsoft.Compute/locations/{region}/skus?resourceType=disks"),
                        &format!("disk types in {region}"),
                        "Microsoft.Compute/skus",
                    ),
                    format!(
                        "the bundle has no disk types (disk SKUs) for `{region}`: whether it offers the disk types of {} ({}) is unknown",
                        text::count(names.len(), "item", "items"),
                        text::ticks(names.iter().take(5))
                    ),
                    format!(
                        "Export the region's disk types: `az vm list-skus -l {region} --resource-type disks --all -o json > disk-skus.{region}.json` (or the region's SKUs without `--resource-type`)."
                    ),
                )
                .with_evidence("recoveryTargetDiskAccountType / recoveryReplicaDiskAccountType set", ctx.source(first.scoped.item.source)),
            );
        }
    }
}
