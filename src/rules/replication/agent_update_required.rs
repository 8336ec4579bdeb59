//! ASR406 agent-update-required: the replication (mobility) agent needs an
//! update or a reinstall, or it expires soon.

use crate::finding::{Finding, Level, OperationArg, Problems, Subject};
use crate::model::item::{never_expires, ProviderKind};
use crate::model::Operation;
use crate::rules::facts::missing;
use crate::rules::{Category, Findings, Rule, RuleCtx, RuleMeta};
use crate::text;

pub static META: RuleMeta = RuleMeta {
    code: "ASR406",
    name: "agent-update-required",
    category: Category::Replication,
    level: Level::Warning,
    operations: &[
        Operation::TestFailover,
        Operation::Failover,
        Operation::Reprotect,
        Operation::Failback,
    ],
    summary: "replication agent update or reinstall required, or agent expiring",
    docs: include_str!("../../../rules/agent-update-required/README.md"),
};

pub struct AgentUpdateRequired;

impl Rule for AgentUpdateRequired {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleCtx, out: &mut Findings) {
        for s in ctx.items(&META) {
            let item = s.item;
            let Some(rep) = item
                .replication
                .as_ref()
                .filter(|r| r.kind == ProviderKind::A2A)
            else {
                continue; // other providers report their agents elsewhere
            };
            let op = OperationArg::Op(s.operation);
            let src = ctx.at(item);
            let version = rep.agent_version.as_deref().unwrap_or("unknown version");
            if rep.agent_update_required.is_none()
                && rep.agent_expiry.is_none()
                && rep.agent_reinstall_required.is_none()
            {
                out.push(
                    missing(
                        op,
                        Subject::item(item),
                        format!("the replication agent state of `{}` is not in the bundle (`isReplicationAgentUpdateRequired`, `agentExpiryDate`)", item.name),
                        "Export the replicated item from ARM (the vault's `replicationProtectedItems`, api-version 2025-08-01).".to_string(),
                    )
                    .with_evidence("agent fields absent", src),
                );
                continue;
            }
            let mut problems = Problems::default();
            if rep.agent_reinstall_required == Some(true) {
                problems.push(
                    Level::Error,
                    format!("the replication agent ({version}) must be reinstalled"),
                    "isAgentReinstallRequired = true".to_string(),
                );
            }
            if let Some(exp) = rep.agent_expiry.filter(|e| !never_expires(*e)) {
                if exp <= ctx.now {
                    problems.push(
                        Level::Error,
                        format!(
                            "the replication agent ({version}) expired on {}",
                            text::date(exp)
                        ),
                        format!("agentExpiryDate = {}", text::rfc3339(exp)),
                    );
                } else if exp - ctx.now <= ctx.settings.agent_expiry {
                    problems.push(
                        Level::Warning,
                        format!(
                            "the replication agent ({version}) expires on {}, in {}",
                            text::date(exp),
                            text::duration(exp - ctx.now)
                        ),
                        format!("agentExpiryDate = {}", text::rfc3339(exp)),
                    );
                }
            }
            if rep.agent_update_required == Some(true) {
                problems.push(
                    Level::Warning,
                    format!("the replication agent ({version}) needs an update"),
                    "isReplicationAgentUpdateRequired = true".to_string(),
                );
            }
            if problems.level().is_none() {
                continue;
            }
            let f = Finding::new(
                &META,
                op,
                Subject::item(item),
                format!("`{}`: {}", item.name, problems.joined("; ")),
                format!(
                    "Update the Mobility agent: let Site Recovery manage updates (vault > Site Recovery infrastructure > Extension update settings > On), or update now from vault > Replicated items > {} (banner \"New Site Recovery replication agent update is available\"). A reinstall means disabling and re-enabling replication when the banner offers no repair.",
                    item.name
                ),
            );
            out.push(problems.apply(f, &src));
        }
    }
}
