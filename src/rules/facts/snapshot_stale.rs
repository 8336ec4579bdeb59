//! ASR902 snapshot-stale: the bundle was collected longer ago than allowed.

use crate::finding::{Finding, Level, Subject};
use crate::model::Operation;
use crate::rules::{Category, Findings, Rule, RuleCtx, RuleMeta};
use crate::text;

pub static META: RuleMeta = RuleMeta {
    code: "ASR902",
    name: "snapshot-stale",
    category: Category::Facts,
    level: Level::Warning,
    operations: Operation::ALL,
    summary: "the bundle was collected longer ago than allowed (default 24 h)",
    docs: include_str!("../../../rules/snapshot-stale/README.md"),
};

pub struct SnapshotStale;

impl Rule for SnapshotStale {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleCtx, out: &mut Findings) {
        let bundle = &ctx.estate.bundle;
        let Some(at) = bundle.collected_at else {
            return; // no manifest: the report says the age is unknown
        };
        let manifest = bundle
            .manifest
            .map_or_else(|| "manifest.json".to_string(), |s| ctx.source(s));
        let age = ctx.now - at;
        if age <= ctx.settings.max_age {
            return;
        }
        out.push(
            Finding::new(
                &META,
                ctx.operation,
                Subject::other(&manifest, "bundle", "bundle"),
                format!(
                    "the bundle was collected {} ago ({}), more than the allowed {}: states, quotas and locks may have changed since",
                    text::duration(age),
                    text::date_time(at),
                    text::duration(ctx.settings.max_age)
                ),
                "Collect a fresh bundle right before the operation (`asr-preflight collect`, or re-run the export commands), or raise `--max-age` if this age is acceptable.".to_string(),
            )
            .with_evidence(format!("collectedAt = {}", text::rfc3339(at)), manifest),
        );
    }
}
