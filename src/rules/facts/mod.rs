//! Rules about the facts themselves: missing (fail closed) and stale.

pub mod facts_missing;
pub mod scenario_not_checked;
pub mod snapshot_stale;

pub use facts_missing::{missing, META as FACTS_MISSING};

use crate::model::{Coverage, FactKind, FactRecord};
use crate::rules::RuleCtx;

/// One failed request as evidence: what was asked, what ARM answered
/// (status, error code, message) — e.g. `GET /subscriptions/…/locks?…: 403
/// AuthorizationFailed — …`.
pub fn failure_line(f: &FactRecord) -> Option<String> {
    let Coverage::Failed {
        status,
        error_code,
        message,
    } = &f.coverage
    else {
        return None;
    };
    let answer = match (status, error_code) {
        (Some(s), Some(c)) => format!("{s} {c}"),
        (Some(s), None) => format!("HTTP {s}"),
        (None, Some(c)) => c.clone(),
        (None, None) => "no answer".to_string(),
    };
    let detail = message
        .as_deref()
        .map(|m| format!(" — {}", m.trim()))
        .unwrap_or_default();
    Some(format!(
        "{}: {answer}{detail}",
        f.request.as_deref().unwrap_or(f.kind.label())
    ))
}

/// The first failed request for `kind` that `covers` accepts, as
/// (evidence line, source): why a rule's fact is missing, in its finding.
pub fn failure_evidence(
    ctx: &RuleCtx,
    kind: FactKind,
    covers: impl Fn(&FactRecord) -> bool,
) -> Option<(String, String)> {
    ctx.estate
        .facts
        .iter()
        .filter(|f| f.kind == kind && covers(f))
        .find_map(|f| Some((failure_line(f)?, ctx.source(f.source))))
}
