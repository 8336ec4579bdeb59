//! Rules about the VM's trusted root store (can replication be configured
//! on it?) and the replication agent's own certificate.
//!
//! The store checked is the one of the VM that runs now (after a failover,
//! the failed-over VM): reprotect configures replication on it, and a
//! failback creates the primary VM from its disks.

pub mod agent_certificate_expiring;
pub mod roots;
pub mod trusted_root_expired;
pub mod trusted_root_expiring;
pub mod trusted_root_missing;

use crate::finding::{Finding, OperationArg, Subject};
use crate::model::item::ActiveLocation;
use crate::model::{CertInfo, CertStore, Operation, ReplicatedItem};
use crate::rules::facts::missing;
use crate::rules::{RuleCtx, Scoped};
use roots::Root;

/// The operations that configure replication on the VM.
pub const CONFIGURING: &[Operation] = &[Operation::Reprotect, Operation::Failback];

/// How to export a store, for ASR901 findings.
pub fn export_help(vm: &str, rg: &str) -> String {
    format!(
        "Export the VM's trusted root store to `certs/{vm}.pem` (see `asr-preflight explain ASR301`). Windows: `az vm run-command create -g {rg} --vm-name {vm} --name export-roots --script \"Get-ChildItem Cert:\\LocalMachine\\Root | ForEach-Object {{ '-----BEGIN CERTIFICATE-----'; [Convert]::ToBase64String(\\$_.RawData, 'InsertLineBreaks'); '-----END CERTIFICATE-----' }}\" --output-blob-uri <SAS URL>`, then download the blob. Linux: the same with `--script \"cat /etc/ssl/certs/ca-certificates.crt 2>/dev/null || cat /etc/pki/tls/certs/ca-bundle.crt\"`."
    )
}

/// The VM that runs now: its name candidates and resource groups.
fn running_vm(item: &ReplicatedItem) -> (Vec<String>, Vec<String>) {
    let mut names = Vec::new();
    let mut groups = Vec::new();
    if let Some(rep) = &item.replication {
        let running = if item.active_location == Some(ActiveLocation::Recovery) {
            rep.recovery_vm_id.as_ref()
        } else {
            rep.vm_id.as_ref()
        };
        if let Some(id) = running {
            names.push(id.name().to_string());
            groups.extend(id.resource_group().map(str::to_string));
        }
        names.extend(rep.recovery_vm_name.clone());
        groups.extend(
            rep.recovery_resource_group
                .as_ref()
                .map(|g| g.name().to_string()),
        );
    }
    names.push(item.name.clone());
    (names, groups)
}

/// The store of the VM an item's operation configures, or the ASR901 that
/// says why it cannot be used.
pub fn store_for<'a>(ctx: &RuleCtx<'a>, s: &Scoped) -> Result<&'a CertStore, Box<Finding>> {
    let item = s.item;
    let (names, groups) = running_vm(item);
    let eq = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    let candidates: Vec<&CertStore> = ctx
        .estate
        .cert_stores
        .iter()
        .filter(|c| names.iter().any(|n| eq(n, &c.vm_name)))
        .collect();
    let chosen = match candidates.as_slice() {
        [one] => Some(*one),
        [] => None,
        many => {
            let in_group: Vec<&&CertStore> = many
                .iter()
                .filter(|c| {
                    c.resource_group
                        .as_deref()
                        .is_some_and(|g| groups.iter().any(|x| eq(x, g)))
                })
                .collect();
            match in_group.as_slice() {
                [one] => Some(**one),
                _ => {
                    let files: Vec<String> = many.iter().map(|c| ctx.source(c.source)).collect();
                    return Err(Box::new(missing(
                        OperationArg::Op(s.operation),
                        Subject::item(item),
                        format!(
                            "several trusted root stores are named after `{}` ({}): which one is this VM's is unknown",
                            names[0],
                            crate::text::ticks(&files)
                        ),
                        format!("Put each store under `certs/<resource-group>/{}.pem`.", names[0]),
                    )));
                }
            }
        }
    };
    let vm = names.first().cloned().unwrap_or_default();
    let rg = groups
        .first()
        .cloned()
        .unwrap_or_else(|| "<resource group>".to_string());
    let Some(store) = chosen else {
        return Err(Box::new(
            missing(
                OperationArg::Op(s.operation),
                Subject::item(item),
                format!(
                    "the bundle has no trusted root store for `{vm}`: whether replication can be configured on it ({}) is unknown",
                    s.operation.label()
                ),
                export_help(&vm, &rg),
            )
            .with_evidence_from(
                format!("no certs/{vm}.pem (or .crt, .cer, .der)"),
                "certs/".to_string(),
            ),
        ));
    };
    if let Some(why) = &store.unusable {
        return Err(Box::new(
            missing(
                OperationArg::Op(s.operation),
                Subject::item(item),
                format!("the trusted root store of `{vm}` cannot be used: {why}"),
                export_help(&vm, &rg),
            )
            .with_evidence(
                format!(
                    "{} certificates read, {} unreadable",
                    store.certs.len(),
                    store.problems.len()
                ),
                ctx.source(store.source),
            ),
        ));
    }
    Ok(store)
}

/// The items in scope of a certificate rule with their stores; the ones
/// without a usable store are reported as ASR901 into `out`.
pub fn stores<'c, 'a>(
    ctx: &'c RuleCtx<'a>,
    meta: &'static crate::rules::RuleMeta,
    out: &mut crate::rules::Findings,
) -> Vec<(&'c Scoped<'a>, &'a CertStore)> {
    let mut found = Vec::new();
    // The trusted roots matter to the A2A Mobility agent inside an Azure VM;
    // Hyper-V replication runs in the host's provider, not in the guest.
    for s in ctx.items(meta).filter(|s| {
        s.item
            .replication
            .as_ref()
            .is_some_and(|r| r.kind == crate::model::item::ProviderKind::A2A)
    }) {
        match store_for(ctx, s) {
            Ok(store) => found.push((s, store)),
            Err(f) => out.push(*f),
        }
    }
    found
}

/// The copies of `root` in a store: same certificate, or same key (a
/// re-issued root).
pub fn copies<'s>(store: &'s CertStore, root: &Root) -> Vec<&'s CertInfo> {
    store
        .certs
        .iter()
        .filter(|c| {
            c.sha256.eq_ignore_ascii_case(&root.sha256)
                || c.spki_sha256.eq_ignore_ascii_case(&root.spki_sha256)
        })
        .collect()
}

/// True when the store's only Azure roots are expired (ASR302's case): no
/// table root that is not itself expired has a valid copy, and some root
/// has only expired copies.
pub fn relies_on_expired(store: &CertStore, now: crate::model::Timestamp) -> bool {
    let mut any_expired = false;
    for root in roots::roots() {
        let c = copies(store, root);
        if c.is_empty() {
            continue;
        }
        let valid =
            c.iter().any(|x| x.is_valid_at(now)) && root.status != roots::RootStatus::Expired;
        if valid {
            return false;
        }
        any_expired = true;
    }
    any_expired
}
