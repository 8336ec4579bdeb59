//! ASR404 replication-unhealthy: replication health is Critical or Warning,
//! or health errors are present; each error is listed with its ASR code and
//! the recommended action.

use super::is_replicating;
use crate::finding::{Finding, Level, OperationArg, Subject};
use crate::model::item::{Health, HealthError};
use crate::model::Operation;
use crate::rules::facts::missing;
use crate::rules::{Category, Findings, Rule, RuleCtx, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "ASR404",
    name: "replication-unhealthy",
    category: Category::Replication,
    level: Level::Error,
    operations: &[
        Operation::TestFailover,
        Operation::Failover,
        Operation::Failback,
    ],
    summary: "replication health Critical/Warning or health errors present (with their ASR codes)",
    asr_codes: &[
        "153039", "151066", "153007", "153006", "151037", "151072", "151195",
    ],
    docs: include_str!("../../../rules/replication-unhealthy/README.md"),
};

pub struct ReplicationUnhealthy;

/// The preflight rule that finds the cause of a health error beforehand.
fn related_rule(code: &str) -> Option<&'static str> {
    match code {
        "153039" | "150039" => Some("ASR201 disk-not-protected"),
        "151066" => Some("ASR301 trusted-root-missing"),
        "153007" | "153006" => Some("ASR405 rpo-threshold-exceeded"),
        _ => None,
    }
}

fn describe(e: &HealthError) -> String {
    let code = e.code.as_deref().unwrap_or("no code");
    let msg = e.message.as_deref().unwrap_or("no message");
    format!("{code} {}", msg.trim_end_matches('.'))
}

fn action(e: &HealthError) -> String {
    let code = e.code.as_deref().unwrap_or("no code");
    let mut s = match &e.recommended_action {
        Some(a) => format!("{code}: {}", a.trim().trim_end_matches('.')),
        None => format!("{code}: no recommended action given; see the health error in the vault"),
    };
    if let Some(rule) = e.code.as_deref().and_then(related_rule) {
        s.push_str(&format!(" (see {rule})"));
    }
    s
}

impl Rule for ReplicationUnhealthy {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleCtx, out: &mut Findings) {
        for s in ctx.items(&META) {
            let item = s.item;
            if !is_replicating(item) {
                continue;
            }
            let op = OperationArg::Op(s.operation);
            let Some(health) = &item.replication_health else {
                out.push(
                    missing(
                        op,
                        Subject::item(item),
                        format!("`replicationHealth` of `{}` is not in the bundle: replication health is unknown", item.name),
                        "Export the replicated item from ARM (the vault's `replicationProtectedItems`, api-version 2025-08-01).".to_string(),
                    )
                    .with_evidence("replicationHealth absent", ctx.source(item.source)),
                );
                continue;
            };
            let errors = &item.health_errors;
            let level = match health {
                Health::Critical => Level::Error,
                Health::Normal | Health::None if errors.is_empty() => continue,
                _ => Level::Warning,
            };
            let listed = if errors.is_empty() {
                String::new()
            } else {
                format!(
                    " with {}: {}",
                    crate::text::count(errors.len(), "health error", "health errors"),
                    errors.iter().map(describe).collect::<Vec<_>>().join("; ")
                )
            };
            let help = if errors.is_empty() {
                format!(
                    "Open vault > Replicated items > {} > Health and resolve what it reports, then wait for replication health to return to Normal.",
                    item.name
                )
            } else {
                format!(
                    "Fix each health error, then wait for replication health to return to Normal: {}.",
                    errors.iter().map(action).collect::<Vec<_>>().join("; ")
                )
            };
            let mut f = Finding::new(
                &META,
                op,
                Subject::item(item),
                format!("replication health of `{}` is {health}{listed}", item.name),
                help,
            )
            .with_level(level)
            .with_evidence(
                format!("replicationHealth = {health}"),
                ctx.source(item.source),
            );
            for e in errors {
                f = f.with_evidence(
                    format!(
                        "healthErrors: errorCode {}, errorLevel {}",
                        e.code.as_deref().unwrap_or("none"),
                        e.level.as_deref().unwrap_or("none")
                    ),
                    ctx.source(item.source),
                );
            }
            out.push(f);
        }
    }
}
