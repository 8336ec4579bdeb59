//! ASR605 test-network-not-isolated: the drill would use the production
//! recovery network (or has no test network set).

use crate::finding::{Finding, Level, OperationArg, Subject};
use crate::model::Operation;
use crate::rules::{Category, Findings, Rule, RuleCtx, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "ASR605",
    name: "test-network-not-isolated",
    category: Category::Region,
    level: Level::Error,
    operations: &[Operation::TestFailover],
    summary: "the drill would use the production recovery network",
    docs: include_str!("../../../rules/test-network-not-isolated/README.md"),
};

pub struct TestNetworkNotIsolated;

impl Rule for TestNetworkNotIsolated {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleCtx, out: &mut Findings) {
        for s in ctx.items(&META) {
            let item = s.item;
            let Some(rep) = &item.replication else {
                continue;
            };
            let src = ctx.at(item);
            let prod = rep.recovery_network.as_ref();
            match (&rep.tfo_network, prod) {
                (Some(tfo), Some(p)) if tfo == p => out.push(
                    Finding::new(
                        &META,
                        OperationArg::Op(s.operation),
                        Subject::item(item),
                        format!(
                            "the drill of `{}` would attach its test VM to `{}`, the production recovery network: it would share addresses, DNS and domain traffic with what runs there",
                            item.name,
                            tfo.name()
                        ),
                        format!(
                            "Choose an isolated virtual network for the test failover (one not peered to production): pick it in the Test failover blade, or set it for `{}` in vault > Replicated items > {} > Network > Test failover network.",
                            item.name, item.name
                        ),
                    )
                    .with_evidence(format!("selectedTfoAzureNetworkId = {tfo}"), src.clone())
                    .with_evidence(format!("selectedRecoveryAzureNetworkId = {p}"), src),
                ),
                (None, _) => out.push(
                    Finding::new(
                        &META,
                        OperationArg::Op(s.operation),
                        Subject::item(item),
                        format!(
                            "`{}` has no test failover network set: the drill will ask for one, and the production network{} is one click away",
                            item.name,
                            prod.map(|p| format!(" `{}`", p.name())).unwrap_or_default()
                        ),
                        format!(
                            "Set an isolated test network for `{}` (vault > Replicated items > {} > Network > Test failover network), or pass one explicitly when starting the drill.",
                            item.name, item.name
                        ),
                    )
                    .with_level(Level::Warning)
                    .with_evidence("selectedTfoAzureNetworkId absent", src),
                ),
                _ => {}
            }
        }
    }
}
