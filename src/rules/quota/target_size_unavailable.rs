//! ASR103 target-size-unavailable: the target VM size cannot be created in
//! the target region or zone: restricted for the subscription there, or not
//! offered there at all.

use super::CREATING;
use crate::finding::{Finding, Level, OperationArg, Subject};
use crate::model::{region_key, FactKind, RegionCoverage, Sku};
use crate::rules::facts::missing;
use crate::rules::{Category, Findings, Rule, RuleCtx, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "ASR103",
    name: "target-size-unavailable",
    category: Category::Quota,
    level: Level::Error,
    operations: CREATING,
    summary: "target VM size restricted for the subscription in the target region/zone, or not offered there",
    docs: include_str!("../../../rules/target-size-unavailable/README.md"),
};

pub struct TargetSizeUnavailable;

/// Why `sku` cannot be created in `region` (and `zone`), if it cannot.
pub fn unavailable(sku: &Sku, region: &str, zone: Option<&str>) -> Option<(String, String)> {
    let key = region_key(region);
    let in_region = |v: &[String]| v.iter().any(|l| region_key(l) == key);
    for r in &sku.restrictions {
        let reason = r.reason.as_deref().unwrap_or("no reason given");
        if r.kind.eq_ignore_ascii_case("Location")
            && (in_region(&r.values) || in_region(&r.locations))
        {
            return Some((
                format!("is restricted for this subscription in `{region}` (`{reason}`)"),
                format!(
                    "restrictions: type Location, values {:?}, reasonCode {reason}",
                    r.values
                ),
            ));
        }
        if let Some(z) = zone {
            let zone_hit = r.zones.iter().any(|x| x == z);
            if r.kind.eq_ignore_ascii_case("Zone")
                && zone_hit
                && (in_region(&r.values) || in_region(&r.locations))
            {
                return Some((
                    format!("is restricted for this subscription in zone {z} of `{region}` (`{reason}`)"),
                    format!("restrictions: type Zone, zones {:?}, reasonCode {reason}", r.zones),
                ));
            }
        }
    }
    if let (Some(z), Some(offered)) = (
        zone,
        sku.zones
            .iter()
            .find(|(l, _)| region_key(l) == key)
            .map(|(_, z)| z),
    ) {
        if !offered.iter().any(|x| x == z) {
            return Some((
                format!(
                    "is not offered in zone {z} of `{region}` (zones offered: {})",
                    if offered.is_empty() {
                        "none".to_string()
                    } else {
                        offered.join(", ")
                    }
                ),
                format!("locationInfo: {region} zones {offered:?}"),
            ));
        }
    }
    None
}

/// True when the VM sizes known for `region` include the ones restricted
/// for the subscription: read by `collect` (the REST API lists them all), or
/// an export in which some size carries a `NotAvailableForSubscription`
/// restriction (`az vm list-skus --all`; without `--all` none would).
fn lists_restricted_sizes(ctx: &RuleCtx, region: &str) -> bool {
    let key = region_key(region);
    let from_rest = super::skus_read_whole(ctx, region);
    from_rest
        || ctx.estate.skus.iter().any(|s| {
            s.restrictions.iter().any(|r| {
                r.reason
                    .as_deref()
                    .is_some_and(|x| x.eq_ignore_ascii_case("NotAvailableForSubscription"))
            }) && (s.locations.iter().any(|l| region_key(l) == key)
                || s.zones.keys().any(|l| region_key(l) == key))
        })
}

impl Rule for TargetSizeUnavailable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleCtx, out: &mut Findings) {
        let demand = super::demand(ctx);
        demand.gaps().for_each(|f| out.push(f));
        let regions = &demand.regions;
        for t in regions.iter().flat_map(|rd| &rd.targets) {
            let Some(size) = &t.size else { continue };
            let item = t.scoped.item;
            let help = format!(
                "Pick a target size that is offered to the subscription in `{}`{}: Replicated items > {} > Compute > Target VM size (check with `az vm list-skus -l {} --size {} -o table`), or ask Azure support to lift the restriction (a quota request of type \"region access\" / \"zonal enablement\").",
                t.region,
                t.zone.as_deref().map(|z| format!(" zone {z}")).unwrap_or_default(),
                item.name,
                t.region,
                size
            );
            let (why, fact, source) = match ctx.estate.sku(size, &t.region) {
                Some(sku) => match unavailable(sku, &t.region, t.zone.as_deref()) {
                    Some((why, fact)) => (why, fact, ctx.source(sku.source)),
                    None => continue,
                },
                None if ctx.estate.region_coverage(FactKind::Skus, &t.region)
                    == RegionCoverage::Complete =>
                {
                    if !lists_restricted_sizes(ctx, &t.region) {
                        // `az vm list-skus` without `--all` leaves out every
                        // size restricted for the subscription: absent from
                        // such an export says nothing about why.
                        out.push(
                            missing(
                                OperationArg::Op(t.scoped.operation),
                                Subject::item(item),
                                format!(
                                    "the target size `{size}` of `{}` is absent from the VM sizes exported for `{}`, and the export shows no size restricted for the subscription — it looks taken without `--all`, which leaves restricted sizes out: whether `{size}` is not offered there or only restricted for this subscription is unknown",
                                    item.name, t.region
                                ),
                                format!(
                                    "Export every size, restricted ones included: `az vm list-skus -l {} --resource-type virtualMachines --all -o json > skus.{}.json` (or let `asr-preflight collect` read them).",
                                    t.region, t.region
                                ),
                            )
                            .with_evidence(
                                format!("{size} absent from the VM sizes of {}; no entry has a NotAvailableForSubscription restriction", t.region),
                                "resource SKUs",
                            ),
                        );
                        continue;
                    }
                    (
                        format!("is not offered in `{}` (the export lists every size, restricted ones included)", t.region),
                        format!("{size} absent from the VM sizes of {}", t.region),
                        "resource SKUs".to_string(),
                    )
                }
                None => continue, // unknown: the shared computation reported ASR901
            };
            out.push(
                Finding::new(
                    &META,
                    OperationArg::Op(t.scoped.operation),
                    Subject::item(item),
                    format!(
                        "the target size `{size}` of `{}` {why}: its {} will fail to create the VM",
                        item.name,
                        t.scoped.operation.label()
                    ),
                    help,
                )
                .with_evidence(fact, source)
                .with_evidence(format!("recoveryAzureVMSize = {size}"), ctx.at(item)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{SkuRestriction, SourceId};
    use std::collections::BTreeMap;

    fn sku(restrictions: Vec<SkuRestriction>, zones: &[&str]) -> Sku {
        let mut z = BTreeMap::new();
        z.insert(
            "centralus".to_string(),
            zones.iter().map(|s| s.to_string()).collect(),
        );
        Sku {
            name: "Standard_L8s_v3".to_string(),
            source: SourceId(0),
            resource_type: Some("virtualMachines".to_string()),
            family: Some("standardLSv3Family".to_string()),
            locations: vec!["centralus".to_string()],
            zones: z,
            capabilities: BTreeMap::new(),
            restrictions,
        }
    }

    fn restriction(kind: &str, zones: &[&str]) -> SkuRestriction {
        SkuRestriction {
            kind: kind.to_string(),
            values: vec!["centralus".to_string()],
            locations: vec!["centralus".to_string()],
            zones: zones.iter().map(|s| s.to_string()).collect(),
            reason: Some("NotAvailableForSubscription".to_string()),
        }
    }

    #[test]
    fn location_restriction_applies_to_the_region_only() {
        let s = sku(vec![restriction("Location", &[])], &["1", "2", "3"]);
        assert!(unavailable(&s, "centralus", None).is_some());
        assert!(
            unavailable(&s, "Central US", None).is_some(),
            "display names match too"
        );
        assert!(unavailable(&s, "eastus2", None).is_none());
    }

    #[test]
    fn zone_restriction_applies_to_its_zones_only() {
        let s = sku(vec![restriction("Zone", &["3"])], &["1", "2", "3"]);
        assert!(unavailable(&s, "centralus", Some("3")).is_some());
        assert!(unavailable(&s, "centralus", Some("1")).is_none());
        assert!(
            unavailable(&s, "centralus", None).is_none(),
            "a regional VM is not zonal"
        );
    }

    #[test]
    fn zones_not_offered() {
        let s = sku(vec![], &["1", "2"]);
        assert!(unavailable(&s, "centralus", Some("3")).is_some());
        assert!(unavailable(&s, "centralus", Some("2")).is_none());
    }
}
