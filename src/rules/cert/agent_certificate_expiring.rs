//! ASR304 agent-certificate-expiring: the replication agent's own
//! certificate is expiring, expired, or flagged for update.

use crate::finding::{Finding, Level, OperationArg, Problems, Subject};
use crate::model::item::{never_expires, ProviderKind};
use crate::model::Operation;
use crate::rules::facts::missing;
use crate::rules::{Category, Findings, Rule, RuleCtx, RuleMeta};
use crate::text;

pub static META: RuleMeta = RuleMeta {
    code: "ASR304",
    name: "agent-certificate-expiring",
    category: Category::Certificate,
    level: Level::Warning,
    operations: &[
        Operation::TestFailover,
        Operation::Failover,
        Operation::Reprotect,
        Operation::Failback,
    ],
    summary: "the replication agent's certificate is expiring or flagged for update",
    docs: include_str!("../../../rules/agent-certificate-expiring/README.md"),
};

pub struct AgentCertificateExpiring;

impl Rule for AgentCertificateExpiring {
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
                continue;
            };
            let op = OperationArg::Op(s.operation);
            let src = ctx.at(item);
            let (expiry, flagged) = (
                rep.agent_certificate_expiry,
                rep.agent_certificate_update_required,
            );
            if expiry.is_none() && flagged.is_none() {
                out.push(
                    missing(
                        op,
                        Subject::item(item),
                        format!(
                            "the agent certificate state of `{}` is not in the bundle (`agentCertificateExpiryDate`, `isReplicationAgentCertificateUpdateRequired`)",
                            item.name
                        ),
                        "Export the replicated item from ARM (the vault's `replicationProtectedItems`, api-version 2025-08-01).".to_string(),
                    )
                    .with_evidence("agent certificate fields absent", src),
                );
                continue;
            }
            let mut problems = Problems::default();
            if let Some(exp) = expiry.filter(|e| !never_expires(*e)) {
                if exp <= ctx.now {
                    problems.push(
                        Level::Error,
                        format!("expired on {}", text::date(exp)),
                        format!("agentCertificateExpiryDate = {}", text::rfc3339(exp)),
                    );
                } else if exp - ctx.now <= ctx.settings.cert_expiry {
                    problems.push(
                        Level::Warning,
                        format!(
                            "expires on {}, in {}",
                            text::date(exp),
                            text::duration(exp - ctx.now)
                        ),
                        format!("agentCertificateExpiryDate = {}", text::rfc3339(exp)),
                    );
                }
            }
            if flagged == Some(true) {
                problems.push(
                    Level::Warning,
                    "is flagged for update".to_string(),
                    "isReplicationAgentCertificateUpdateRequired = true".to_string(),
                );
            }
            if problems.level().is_none() {
                continue;
            }
            let f = Finding::new(
                &META,
                op,
                Subject::item(item),
                format!("the replication agent certificate of `{}` {}: replication stops when it lapses", item.name, problems.joined(" and ")),
                format!(
                    "Renew the agent certificate: vault > Replicated items > {} shows \"Update agent certificate\" (or Site Recovery infrastructure > Extension update settings keeps it current); run it before the {} and wait for the job to finish.",
                    item.name,
                    s.operation.label()
                ),
            );
            out.push(problems.apply(f, &src));
        }
    }
}
