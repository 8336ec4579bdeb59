//! ASR303 trusted-root-expiring: a root ASR needs expires within
//! `--cert-expiry-days` (default 90) of `--now`.

use super::roots::{self, RootStatus};
use super::{copies, stores, CONFIGURING};
use crate::finding::{Finding, Level, OperationArg, Subject};
use crate::rules::{Category, Findings, Rule, RuleCtx, RuleMeta};
use crate::text;

pub static META: RuleMeta = RuleMeta {
    code: "ASR303",
    name: "trusted-root-expiring",
    category: Category::Certificate,
    level: Level::Warning,
    operations: CONFIGURING,
    summary: "a needed root expires within the threshold (default 90 days)",
    docs: include_str!("../../../rules/trusted-root-expiring/README.md"),
};

pub struct TrustedRootExpiring;

impl Rule for TrustedRootExpiring {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleCtx, out: &mut Findings) {
        let window = ctx.settings.cert_expiry;
        for (s, store) in stores(ctx, &META, out) {
            for root in roots::roots()
                .iter()
                .filter(|r| matches!(r.status, RootStatus::Required | RootStatus::Recommended))
            {
                // The longest-lived valid copy is the one that counts.
                let Some(best) = copies(store, root)
                    .into_iter()
                    .filter(|c| c.is_valid_at(ctx.now))
                    .max_by_key(|c| c.not_after)
                else {
                    continue;
                };
                let left = best.not_after - ctx.now;
                if left > window {
                    continue;
                }
                out.push(
                    Finding::new(
                        &META,
                        OperationArg::Op(s.operation),
                        Subject::item(s.item),
                        format!(
                            "{} in the trusted root store of `{}` expires on {}, in {} (threshold {} days)",
                            root.name,
                            store.vm_name,
                            text::date(best.not_after),
                            text::duration(left),
                            window.whole_days()
                        ),
                        format!(
                            "Make sure `{}` trusts the roots that replace {} before it expires: keep root certificate updates flowing (Windows Update; the distribution's ca-certificates package on Linux), then export the store again.",
                            store.vm_name, root.name
                        ),
                    )
                    .keyed(root.name.as_str())
                    .with_evidence(
                        format!("#{}: {}, notAfter {}", best.position, root.name, text::rfc3339(best.not_after)),
                        ctx.source(store.source),
                    ),
                );
            }
        }
    }
}
