//! ASR302 trusted-root-expired: the VM's store relies on an expired root
//! (its only Azure root is, e.g., Baltimore CyberTrust Root), or a root ASR
//! needs is present only in an expired form.

use super::roots::{self, RootStatus};
use super::{copies, relies_on_expired, stores, CONFIGURING};
use crate::finding::{Finding, Level, OperationArg, Subject};
use crate::rules::{Category, Findings, Rule, RuleCtx, RuleMeta};
use crate::text;

pub static META: RuleMeta = RuleMeta {
    code: "ASR302",
    name: "trusted-root-expired",
    category: Category::Certificate,
    level: Level::Error,
    operations: CONFIGURING,
    summary:
        "a needed root is present only in an expired form, or the store relies on an expired root",
    docs: include_str!("../../../rules/trusted-root-expired/README.md"),
};

pub struct TrustedRootExpired;

impl Rule for TrustedRootExpired {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleCtx, out: &mut Findings) {
        for (s, store) in stores(ctx, &META, out) {
            let src = ctx.source(store.source);
            let help = format!(
                "Bring the trust store of `{}` up to date: on Windows, install the latest updates (root certificate updates) or import DigiCert Global Root G2 and Microsoft RSA Root Certificate Authority 2017 with `certutil -addstore Root <file>.crt`; on Linux, update the ca-certificates package and run `update-ca-certificates` (Debian, Ubuntu, SUSE) or `update-ca-trust` (RHEL). Then export the store again.",
                store.vm_name
            );
            if relies_on_expired(store, ctx.now) {
                let mut expired: Vec<String> = Vec::new();
                let mut f_evidence = Vec::new();
                for root in roots::roots() {
                    for c in copies(store, root)
                        .into_iter()
                        .filter(|c| !c.is_valid_at(ctx.now))
                    {
                        expired.push(format!(
                            "{} (expired {})",
                            root.name,
                            text::date(c.not_after)
                        ));
                        f_evidence.push(format!(
                            "#{}: {}, notAfter {}",
                            c.position,
                            root.name,
                            text::rfc3339(c.not_after)
                        ));
                    }
                }
                let need: Vec<&str> = roots::with_status(RootStatus::Required)
                    .map(|r| r.name.as_str())
                    .collect();
                let mut f = Finding::new(
                    &META,
                    OperationArg::Op(s.operation),
                    Subject::item(s.item),
                    format!(
                        "the only Azure roots in the trusted root store of `{}` are expired: {}; it lacks {}: configuring replication during {} fails with 151066",
                        store.vm_name,
                        expired.join(", "),
                        text::ticks(&need),
                        s.operation.label()
                    ),
                    help,
                );
                for e in f_evidence {
                    f = f.with_evidence(e, src.clone());
                }
                out.push(f);
                continue;
            }
            // A needed root present, but every copy expired (a stale re-issue).
            for root in roots::roots()
                .iter()
                .filter(|r| matches!(r.status, RootStatus::Required | RootStatus::Recommended))
            {
                let c = copies(store, root);
                if c.is_empty() || c.iter().any(|x| x.is_valid_at(ctx.now)) {
                    continue;
                }
                let newest = c.iter().map(|x| x.not_after).max().unwrap_or(ctx.now);
                out.push(
                    Finding::new(
                        &META,
                        OperationArg::Op(s.operation),
                        Subject::item(s.item),
                        format!(
                            "{} is in the trusted root store of `{}` only in an expired form (expired {})",
                            root.name,
                            store.vm_name,
                            text::date(newest)
                        ),
                        help.clone(),
                    )
                    .with_level(if root.status == RootStatus::Required { Level::Error } else { Level::Warning })
                    .keyed(root.name.as_str())
                    .with_evidence(format!("{}: notAfter {}", root.name, text::rfc3339(newest)), src.clone()),
                );
            }
        }
    }
}
