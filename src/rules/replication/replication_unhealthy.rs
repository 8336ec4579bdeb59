//! ASR404 replication-unhealthy: replication health is Critical or Warning,
//! or health errors are present; each error is listed with its ASR code and
//! the recommended action.

use super::is_replicating;
use crate::finding::{Finding, Level, OperationArg, Subject};
use crate::model::item::Need;
use crate::model::item::{Health, HealthError};
use crate::model::Operation;
use crate::rules::facts::facts_missing::unknown_facts;
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
    docs: include_str!("../../../rules/replication-unhealthy/README.md"),
};

pub struct ReplicationUnhealthy;

/// The preflight rule that finds the cause of a health error beforehand
/// (from the error-code catalog), as `ASR301 trusted-root-missing`.
fn related_rule(code: &str) -> Option<String> {
    let rule = crate::catalog::preventing_rule(code, META.code)?;
    let meta = crate::rules::lookup(rule)?.meta();
    Some(format!("{} {}", meta.code, meta.name))
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
            if let Some(f) = unknown_facts(ctx, op, item, Need::Health, "the replication health") {
                out.push(f);
            }
            let errors = &item.health_errors;
            let error_level = errors.iter().any(|e| {
                e.level
                    .as_deref()
                    .is_some_and(|l| l.eq_ignore_ascii_case("Error"))
            });
            let level = match &item.replication_health {
                Some(Health::Critical) => Level::Error,
                Some(Health::Normal | Health::None) if errors.is_empty() => continue,
                // Unknown health (reported above): the errors speak for themselves.
                None | Some(Health::Other(_)) if errors.is_empty() => continue,
                None | Some(Health::Other(_)) if error_level => Level::Error,
                _ => Level::Warning,
            };
            let health = item
                .replication_health
                .as_ref()
                .map_or("unknown", |h| h.as_str());
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
            .with_evidence(format!("replicationHealth = {health}"), ctx.at(item));
            for e in errors {
                f = f.with_evidence(
                    format!(
                        "healthErrors: errorCode {}, errorLevel {}",
                        e.code.as_deref().unwrap_or("none"),
                        e.level.as_deref().unwrap_or("none")
                    ),
                    ctx.at(item),
                );
            }
            out.push(f);
        }
    }
}
