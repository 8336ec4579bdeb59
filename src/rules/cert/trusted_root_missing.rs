//! ASR301 trusted-root-missing: a root certificate ASR needs is absent from
//! the VM's trusted root store, so replication cannot be configured on it
//! (ASR error 151066).

use super::roots::{self, RootStatus};
use super::{copies, relies_on_expired, stores, CONFIGURING};
use crate::finding::{Finding, Level, OperationArg, Subject};
use crate::rules::{Category, Findings, Rule, RuleCtx, RuleMeta};
use crate::text;

pub static META: RuleMeta = RuleMeta {
    code: "ASR301",
    name: "trusted-root-missing",
    category: Category::Certificate,
    level: Level::Error,
    operations: CONFIGURING,
    summary: "a root certificate ASR needs is absent from the VM's trusted root store",
    docs: include_str!("../../../rules/trusted-root-missing/README.md"),
};

pub struct TrustedRootMissing;

impl Rule for TrustedRootMissing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleCtx, out: &mut Findings) {
        for (s, store) in stores(ctx, &META, out) {
            // A store that only has expired Azure roots is ASR302's finding.
            if relies_on_expired(store, ctx.now) {
                continue;
            }
            let absent = |status| {
                roots::with_status(status)
                    .filter(|r| copies(store, r).is_empty())
                    .collect::<Vec<_>>()
            };
            let required = absent(RootStatus::Required);
            let recommended = absent(RootStatus::Recommended);
            if required.is_empty() && recommended.is_empty() {
                continue;
            }
            let level = if required.is_empty() {
                Level::Warning
            } else {
                Level::Error
            };
            let missing_roots: Vec<&str> = required
                .iter()
                .chain(&recommended)
                .map(|r| r.name.as_str())
                .collect();
            let g1 =
                roots::with_status(RootStatus::Distrusted).find(|r| !copies(store, r).is_empty());
            let lean = match g1 {
                Some(r) if !required.is_empty() => format!(
                    "; it trusts {} instead, which Azure endpoints are moving away from",
                    r.name
                ),
                _ => String::new(),
            };
            let consequence = if required.is_empty() {
                "replication works today, but endpoints that move to these roots will fail"
                    .to_string()
            } else {
                format!(
                    "configuring replication during {} fails with 151066",
                    s.operation.label()
                )
            };
            let mut f = Finding::new(
                &META,
                OperationArg::Op(s.operation),
                Subject::item(s.item),
                format!(
                    "the trusted root store of `{}` lacks {}, roots that Azure endpoints chain to ({} certificates read){lean}: {consequence}",
                    store.vm_name,
                    text::ticks(&missing_roots),
                    store.certs.len()
                ),
                format!(
                    "Install the missing roots on `{}` before the {}: on Windows, run Windows Update (root certificate updates) or import them with `certutil -addstore Root <file>.crt`; check that automatic root updates can reach ctldl.windowsupdate.com. On Linux, update the CA bundle (`update-ca-certificates` on Debian/Ubuntu/SUSE, `update-ca-trust` on RHEL) after updating the ca-certificates package. Then export the store again.",
                    store.vm_name,
                    s.operation.label()
                ),
            )
            .with_level(level);
            for r in required.iter().chain(&recommended) {
                f = f.with_evidence(
                    format!(
                        "{} ({}): SHA-256 {} not in the store",
                        r.name,
                        r.status.label(),
                        r.sha256
                    ),
                    ctx.source(store.source),
                );
            }
            out.push(f);
        }
    }
}
