//! Live Azure Resource Manager: sign in, read the vault and the facts its
//! items need, and produce a bundle — the same files `check --from` reads.
//!
//! Read-only: every request is a GET. Nothing here interprets facts for the
//! checks; `load` reads the bundle this produces, from disk or from memory.

pub mod auth;
pub mod bundle;
pub mod client;
pub mod cloud;
pub mod collect;
pub mod fleet;
pub mod guest;
mod plan;
pub mod progress;

pub use bundle::Bundle;

use crate::cli::LiveArgs;
use crate::error::Error;
use std::sync::Arc;
use std::time::Duration;

/// Makes `ring` the process's TLS crypto provider (rustls is built without
/// aws-lc-rs: see Cargo.toml). Every HTTPS client — ARM's and the sign-in's —
/// is built after this; a second call changes nothing.
pub fn use_ring() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Collects the bundle `args` describe. `collected_at` is what the manifest
/// records (the clock, or `--now`).
pub fn collect_bundle(
    args: &LiveArgs,
    collected_at: time::OffsetDateTime,
) -> Result<Bundle, Error> {
    use_ring();
    let fleet = args.all_vaults || args.vault.len() > 1;
    let single = if fleet { None } else { Some(vault_id(args)?) };
    let cloud = cloud::Cloud::new(
        args.cloud,
        args.arm_endpoint.as_deref(),
        args.authority_host.as_deref(),
    )?;
    client::validate_endpoint(&cloud.arm)?;
    let mut ca_certs = Vec::new();
    for path in &args.ca_cert {
        ca_certs.push(std::fs::read(path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?);
    }
    let config = client::ClientConfig {
        endpoint: cloud.arm.clone(),
        concurrency: args.concurrency.max(1),
        request_timeout: Duration::from_secs_f64(args.timeout.max(0.1)),
        deadline: Duration::from_secs_f64(args.deadline.max(1.0)),
        attempts: args.retries.saturating_add(1),
        retry_delay: Duration::from_millis(args.retry_delay_ms),
        ca_certs,
    };
    if fleet && args.guest_certs {
        return Err(Error::Usage(
            "--guest-certs reads one vault's VMs: use it with one --vault, not with --all-vaults"
                .to_string(),
        ));
    }
    let ok_segment = |s: &String| plan::safe_segment(s.trim());
    if let Some(bad) = args
        .subscription
        .iter()
        .chain(args.management_group.iter())
        .find(|s| !ok_segment(s))
    {
        return Err(Error::Usage(format!(
            "`{bad}`: unexpected characters in a subscription or management group id"
        )));
    }
    let jobs_since = args.jobs_since.map(|d| collected_at - d);
    let fleet_target = fleet.then(|| fleet::FleetTarget {
        subscriptions: args.subscription.clone(),
        management_group: args.management_group.clone(),
        vaults: args
            .vault
            .iter()
            .chain(args.vault_id.iter())
            .cloned()
            .collect(),
        jobs_since,
        collected_at,
        cloud: cloud.name.to_string(),
    });
    let target = single.map(|(vault, subscription)| collect::Target {
        vault,
        subscription,
        jobs_since,
        collected_at,
        cloud: cloud.name.to_string(),
        guest_certs: args.guest_certs.then(|| collect::GuestCerts {
            concurrency: args.guest_certs_concurrency.max(1),
            budget: Duration::from_secs(args.guest_certs_timeout.max(1)),
        }),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Live(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(async {
        let credential = Arc::new(auth::Credential::from_choice(
            args.auth,
            &cloud,
            &config.ca_certs,
        )?);
        // Sign in before anything is asked: a credential that cannot give a
        // token is one authentication error (exit 2), not a report of gaps.
        credential.token().await.map_err(Error::Auth)?;
        let progress = progress::Progress::new(args.quiet);
        let client = client::Client::new(config, credential, progress)?;
        match (&target, &fleet_target) {
            (Some(t), _) => collect::collect(&client, t).await,
            (None, Some(f)) => fleet::collect(&client, f).await,
            (None, None) => Err(Error::Internal(
                "no vault and no fleet to collect".to_string(),
            )),
        }
    })
}

/// The vault's full id and subscription, from `--vault-id` or
/// `--subscription` with `--vault <group>/<name>`.
fn vault_id(args: &LiveArgs) -> Result<(String, String), Error> {
    let ok_segment = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '(' | ')'))
    };
    if let Some(id) = &args.vault_id {
        let parts: Vec<&str> = id.trim_end_matches('/').split('/').collect();
        let valid = parts.len() == 9
            && parts[0].is_empty()
            && parts[1].eq_ignore_ascii_case("subscriptions")
            && parts[3].eq_ignore_ascii_case("resourceGroups")
            && parts[5].eq_ignore_ascii_case("providers")
            && parts[6].eq_ignore_ascii_case("Microsoft.RecoveryServices")
            && parts[7].eq_ignore_ascii_case("vaults")
            && [parts[2], parts[4], parts[8]].iter().all(|s| ok_segment(s));
        if !valid {
            return Err(Error::Usage(format!(
                "--vault-id `{id}` is not a vault id; expected /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.RecoveryServices/vaults/<name>"
            )));
        }
        if let Some(s) = args.subscription.first() {
            if args.subscription.len() > 1 || !s.eq_ignore_ascii_case(parts[2]) {
                return Err(Error::Usage(format!(
                    "--subscription `{s}` differs from the subscription in --vault-id (`{}`)",
                    parts[2]
                )));
            }
        }
        return Ok((
            format!(
                "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.RecoveryServices/vaults/{}",
                parts[2], parts[4], parts[8]
            ),
            parts[2].to_string(),
        ));
    }
    let (Some(sub), Some(vault), 1) = (
        args.subscription.first(),
        args.vault.first(),
        args.subscription.len(),
    ) else {
        return Err(Error::Usage(
            "live mode needs the vault: --subscription <id> --vault <resource group>/<name>, or --vault-id <full id>; or --all-vaults for every vault of the --subscription values".to_string(),
        ));
    };
    let Some((group, name)) = vault.split_once('/') else {
        return Err(Error::Usage(format!(
            "--vault `{vault}`: expected <resource group>/<name>"
        )));
    };
    if !ok_segment(sub) || !ok_segment(group) || !ok_segment(name) {
        return Err(Error::Usage(format!(
            "--subscription `{sub}` / --vault `{vault}`: unexpected characters"
        )));
    }
    Ok((
        format!("/subscriptions/{sub}/resourceGroups/{group}/providers/Microsoft.RecoveryServices/vaults/{name}"),
        sub.clone(),
    ))
}
