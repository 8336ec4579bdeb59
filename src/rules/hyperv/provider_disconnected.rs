//! ASR701 provider-disconnected: failback to the on-premises site and Reverse
//! Replicate need the primary site's VMM server or Hyper-V host — its Site
//! Recovery Provider — connected to the vault (seed 004, prerequisite 1).

use crate::finding::{Finding, Level, OperationArg, Subject};
use crate::model::{Existence, FactKind, Operation, RecoveryProvider};
use crate::rules::facts::{facts_missing::export_hint, missing};
use crate::rules::{Category, Findings, Rule, RuleCtx, RuleMeta};
use crate::text;

pub static META: RuleMeta = RuleMeta {
    code: "ASR701",
    name: "provider-disconnected",
    category: Category::HyperV,
    level: Level::Error,
    operations: &[Operation::Failback, Operation::Reprotect],
    summary:
        "the on-premises VMM server or Hyper-V host (its Site Recovery Provider) is not connected",
    docs: include_str!("../../../rules/provider-disconnected/README.md"),
};

pub struct ProviderDisconnected;

fn heartbeat(ctx: &RuleCtx, p: &RecoveryProvider) -> String {
    match p.last_heartbeat {
        Some(t) => format!(
            "last heartbeat {} ({} before the facts were read)",
            text::date_time(t),
            text::duration(ctx.observed_at() - t)
        ),
        None => "no heartbeat recorded".to_string(),
    }
}

impl Rule for ProviderDisconnected {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &RuleCtx, out: &mut Findings) {
        for s in ctx.items(&META).filter(|s| s.item.is_hyper_v()) {
            let item = s.item;
            let op = OperationArg::Op(s.operation);
            let Some(pid) = &item.provider_id else {
                out.push(
                    missing(
                        op,
                        Subject::item(item),
                        format!(
                            "`recoveryServicesProviderId` of `{}` is not in the bundle: which VMM server or Hyper-V host serves its on-premises side, and whether it is connected for the {}, is unknown",
                            item.name,
                            s.operation.label()
                        ),
                        format!("{}.", export_hint(FactKind::ReplicatedItems)),
                    )
                    .with_evidence("recoveryServicesProviderId absent", ctx.at(item)),
                );
                continue;
            };
            let provider = ctx.estate.providers.iter().find(|p| p.id == *pid);
            let Some(p) = provider else {
                let why = match ctx.estate.existence(FactKind::Providers, pid, false) {
                    Existence::Gone(_) | Existence::Absent => None,
                    Existence::Present => None,
                    Existence::Unknown(cov) => Some(crate::rules::region::why_unknown(cov)),
                };
                match why {
                    Some(why) => out.push(
                        missing(
                            op,
                            Subject::item(item),
                            format!(
                                "the provider `{}` that serves `{}` on premises is not in the bundle ({why}): whether it is connected for the {} is unknown",
                                pid.name(),
                                item.name,
                                s.operation.label()
                            ),
                            format!("{}.", export_hint(FactKind::Providers)),
                        )
                        .with_evidence(format!("recoveryServicesProviderId = {pid}"), ctx.at(item)),
                    ),
                    None => out.push(
                        Finding::new(
                            &META,
                            op,
                            Subject::item(item),
                            format!(
                                "the provider `{}` that served `{}` on premises is no longer registered with the vault: the {} has no on-premises server to go to",
                                pid.name(),
                                item.name,
                                s.operation.label()
                            ),
                            "Register the VMM server or Hyper-V host again (install the Azure Site Recovery Provider and register it with the vault's registration key), or fail back to an alternate location on a registered host.".to_string(),
                        )
                        .with_evidence(format!("recoveryServicesProviderId = {pid}"), ctx.at(item)),
                    ),
                }
                continue;
            };
            let status = p.connection.as_deref();
            if status.is_some_and(|c| c.eq_ignore_ascii_case("Connected")) {
                continue;
            }
            let known = status.is_some_and(|c| c.eq_ignore_ascii_case("NotConnected"));
            let place = p
                .fabric
                .as_deref()
                .map(|f| format!(" (site `{f}`)"))
                .unwrap_or_default();
            if !known {
                out.push(
                    missing(
                        op,
                        Subject::resource(&p.id, &p.name),
                        format!(
                            "the connection state of the provider `{}`{place} is {}: whether it can serve the {} of `{}` is unknown",
                            p.name,
                            status.map_or("absent".to_string(), |v| format!("`{}`, a value this version does not know", text::excerpt(v, text::EXCERPT_CHARS))),
                            s.operation.label(),
                            item.name
                        ),
                        format!("{}.", export_hint(FactKind::Providers)),
                    )
                    .with_evidence(format!("connectionStatus = {}", status.unwrap_or("absent")), ctx.source(p.source)),
                );
                continue;
            }
            out.push(
                Finding::new(
                    &META,
                    op,
                    Subject::item(item),
                    format!(
                        "the provider `{}`{place} that serves `{}` on premises is not connected ({}): the {} needs it",
                        p.name,
                        item.name,
                        heartbeat(ctx, p),
                        s.operation.label()
                    ),
                    format!(
                        "On `{}`, check that the Microsoft Azure Site Recovery Provider service (and, on a Hyper-V host, the Recovery Services agent) runs and can reach Azure over HTTPS 443 (proxy and firewall), then refresh the server in the vault (Site Recovery infrastructure > {} > the server > Refresh) until it shows Connected; then run the {}.",
                        p.name,
                        if p.fabric_type.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("VMM")) { "VMM servers" } else { "Hyper-V sites" },
                        s.operation.label()
                    ),
                )
                .with_evidence(format!("connectionStatus = NotConnected; {}", heartbeat(ctx, p)), ctx.source(p.source))
                .with_evidence(format!("recoveryServicesProviderId = {pid}"), ctx.at(item)),
            );
        }
    }
}
