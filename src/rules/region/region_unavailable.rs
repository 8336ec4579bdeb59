//! ASR601 region-unavailable: the region the operation goes to is missing
//! for the subscription, restricted by policy, or Resource Health reports the
//! resources the operation returns to as unavailable.

use super::other_side;
use crate::finding::{Finding, Level, OperationArg, Subject};
use crate::model::{region_key, FactKind, Operation, RegionCoverage, ResourceId};
use crate::rules::facts::{facts_missing::export_hint, missing};
use crate::rules::{Category, Findings, Rule, RuleCtx, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "ASR601",
    name: "region-unavailable",
    category: Category::Region,
    level: Level::Error,
    operations: &[Operation::TestFailover, Operation::Failover, Operation::Reprotect, Operation::Failback],
    summary: "the region the operation targets is missing for the subscription, restricted by policy, or reported unavailable by Resource Health",
    docs: include_str!("../../../rules/region-unavailable/README.md"),
};

pub struct RegionUnavailable;

impl Rule for RegionUnavailable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleCtx, out: &mut Findings) {
        let mut gaps = super::Gaps::default();
        for s in ctx.items(&META) {
            let item = s.item;
            let op = OperationArg::Op(s.operation);
            let Some(side) = other_side(item) else {
                continue;
            };
            let Some(region) = side.region.clone() else {
                out.push(missing(
                    op,
                    Subject::item(item),
                    format!("the region the {} of `{}` goes to is not in the bundle (`recoveryFabricLocation` / `primaryFabricLocation`)", s.operation.label(), item.name),
                    format!("{}.", export_hint(FactKind::ReplicatedItems)),
                ));
                continue;
            };
            let sub = side.subscription.clone().unwrap_or_default();
            let key = region_key(&region);
            let known: Vec<_> = ctx
                .estate
                .locations
                .iter()
                .filter(|l| {
                    l.subscription
                        .as_deref()
                        .is_none_or(|x| x.eq_ignore_ascii_case(&sub))
                })
                .collect();
            let entry = known.iter().find(|l| region_key(&l.name) == key);
            let coverage = ctx.estate.scope_coverage(
                FactKind::Locations,
                &ResourceId::new(&format!("/subscriptions/{sub}")),
            );
            let problem = match entry {
                Some(l) if l.policy_status.as_deref().is_some_and(|p| p.eq_ignore_ascii_case("Restricted")) => Some((
                    format!(
                        "`{region}` is restricted for subscription `{sub}` by Azure Policy (`{}`): resources cannot be created there",
                        l.policy_reason.as_deref().unwrap_or("Restricted")
                    ),
                    format!("locations: {} policyRestrictions.status Restricted", l.name),
                    ctx.source(l.source),
                )),
                Some(_) => None,
                None if coverage == RegionCoverage::Complete && !known.is_empty() => Some((
                    format!("`{region}` is not among the regions available to subscription `{sub}`"),
                    format!("{region} absent from the {} regions listed", known.len()),
                    ctx.source(known[0].source),
                )),
                None => {
                    gaps.add(sub.clone(), op, &item.name);
                    None
                }
            };
            if let Some((why, fact, source)) = problem {
                out.push(
                    Finding::new(
                        &META,
                        op,
                        Subject::item(item),
                        format!("the {} of `{}` goes to `{region}`, but {why}", s.operation.label(), item.name),
                        format!(
                            "Have the policy exemption or region access granted for `{region}` (Azure Policy > Assignments > the 'Allowed locations' assignment > Create exemption; or a support request for region access), or protect the VM to another region."
                        ),
                    )
                    .keyed(format!("region:{key}"))
                    .with_evidence(fact, source),
                );
            }
            // Resource Health of the VM the operation returns to.
            if let Some(vm) = side
                .vm
                .as_ref()
                .filter(|_| matches!(s.operation, Operation::Reprotect | Operation::Failback))
            {
                // A VM stopped or deallocated by its owner (after a failover,
                // the normal state of the source VM) is no region problem.
                for h in ctx.estate.health_of(vm).filter(|h| !h.customer_initiated()) {
                    let state = h.availability_state.as_deref().unwrap_or("Unknown");
                    let level = match state {
                        s if s.eq_ignore_ascii_case("Unavailable") => Level::Error,
                        s if s.eq_ignore_ascii_case("Degraded") => Level::Warning,
                        _ => continue,
                    };
                    out.push(
                        Finding::new(
                            &META,
                            op,
                            Subject::item(item),
                            format!(
                                "Resource Health reports the original VM `{}` in `{region}` {state}{}: the {} needs it",
                                vm.name(),
                                h.summary.as_deref().map(|x| format!(" ({})", x.trim_end_matches('.'))).unwrap_or_default(),
                                s.operation.label()
                            ),
                            format!(
                                "Wait until Resource Health shows `{}` Available again (Service Health for a regional incident), then run the {}.",
                                vm.name(),
                                s.operation.label()
                            ),
                        )
                        .with_level(level)
                        .keyed(format!("health:{vm}"))
                        .with_evidence(format!("availabilityState = {state}"), ctx.source(h.source)),
                    );
                }
            }
        }
        let ops_all = ctx.operation;
        for (sub, op, items, n) in gaps.drain() {
            out.push(missing(
                if op == OperationArg::Next { ops_all } else { op },
                Subject::other(&format!("/subscriptions/{sub}/locations"), &format!("regions of {sub}"), "Microsoft.Resources/locations"),
                format!(
                    "the regions available to subscription `{sub}` are not in the bundle: whether the regions the operation of {} ({items}) goes to are available is unknown",
                    crate::text::count(n, "item", "items")
                ),
                format!("{}.", export_hint(FactKind::Locations).replace("<subscription>", &sub)),
            ));
        }
    }
}
