//! Credentials for ARM: a bearer token from `ASR_PREFLIGHT_TOKEN`, or one of
//! the official Azure SDK credentials (`azure_identity`), chosen with
//! `--auth` or automatically from the environment. Tokens are cached for the
//! run and refreshed five minutes before they expire.
//!
//! A token is held in `Token`, whose `Debug` never shows it; nothing here
//! writes it anywhere.

use super::cloud::Cloud;
use crate::error::Error;
use azure_core::credentials::TokenCredential;
use std::sync::{Arc, Mutex};

/// The environment variable holding a ready bearer token.
pub const TOKEN_ENV: &str = "ASR_PREFLIGHT_TOKEN";

/// How to sign in (`--auth`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum AuthChoice {
    /// `ASR_PREFLIGHT_TOKEN`, else a service principal, workload identity,
    /// Azure Pipelines or managed identity when their variables are set,
    /// else the Azure CLI's signed-in account.
    Auto,
    /// The bearer token in `ASR_PREFLIGHT_TOKEN`.
    Token,
    /// The Azure CLI's signed-in account (`az login`).
    AzureCli,
    /// A service principal with a secret: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET.
    ClientSecret,
    /// Workload identity federation (GitHub Actions OIDC, AKS):
    /// AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE.
    WorkloadIdentity,
    /// An Azure Pipelines service connection with workload identity:
    /// AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_SERVICE_CONNECTION_ID, SYSTEM_ACCESSTOKEN.
    AzurePipelines,
    /// The managed identity of the VM, App Service or container it runs on
    /// (AZURE_CLIENT_ID picks a user-assigned one).
    ManagedIdentity,
}

/// A bearer token. `Debug` is redacted.
#[derive(Clone)]
pub struct Token(Arc<str>);

impl Token {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

enum Source {
    Static(Token),
    Sdk {
        credential: Arc<dyn TokenCredential>,
        scope: String,
    },
}

/// A token source with a cache.
pub struct Credential {
    source: Source,
    /// What `--auth` resolved to, for messages.
    pub name: &'static str,
    cache: Mutex<Option<(Token, time::OffsetDateTime)>>,
    refresh: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credential")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn need(name: &str, auth: &str) -> Result<String, Error> {
    env(name).ok_or_else(|| {
        Error::Auth(format!(
            "--auth {auth} needs the environment variable {name}, which is not set"
        ))
    })
}

fn sdk_error(what: &str, e: azure_core::Error) -> Error {
    Error::Auth(format!("{what}: {e}"))
}

impl Credential {
    /// A fixed token (tests, and pipelines that already hold one).
    pub fn fixed(token: &str) -> Credential {
        Credential {
            source: Source::Static(Token(token.trim().into())),
            name: "token",
            cache: Mutex::new(None),
            refresh: tokio::sync::Mutex::new(()),
        }
    }

    /// Builds the credential `--auth` asks for. `ca_certs` (PEM, from
    /// `--ca-cert`) are trusted by the sign-in requests too.
    pub fn from_choice(
        choice: AuthChoice,
        cloud: &Cloud,
        ca_certs: &[Vec<u8>],
    ) -> Result<Credential, Error> {
        let choice = match choice {
            AuthChoice::Auto => auto_choice(),
            c => c,
        };
        let mut options = azure_core::http::ClientOptions {
            cloud: Some(Arc::new(cloud.sdk_configuration())),
            ..Default::default()
        };
        if !ca_certs.is_empty() || super::client::is_loopback(&cloud.authority_host) {
            let mut builder = reqwest::Client::builder();
            if super::client::is_loopback(&cloud.authority_host) {
                builder = builder.no_proxy();
            }
            let mut certs = Vec::new();
            for pem in ca_certs {
                certs.extend(reqwest::Certificate::from_pem_bundle(pem).map_err(|e| {
                    Error::Usage(format!("--ca-cert: not a PEM certificate bundle ({e})"))
                })?);
            }
            let http = builder
                .tls_certs_merge(certs)
                .build()
                .map_err(|e| Error::Auth(format!("cannot start the sign-in HTTP client: {e}")))?;
            options.transport = Some(azure_core::http::Transport::new(Arc::new(http)));
        }
        let (name, credential): (&'static str, Arc<dyn TokenCredential>) = match choice {
            AuthChoice::Auto | AuthChoice::Token => {
                let token = need(TOKEN_ENV, "token")?;
                return Ok(Credential::fixed(&token));
            }
            AuthChoice::AzureCli => (
                "azure-cli",
                azure_identity::AzureCliCredential::new(Some(
                    azure_identity::AzureCliCredentialOptions {
                        tenant_id: env("AZURE_TENANT_ID"),
                        ..Default::default()
                    },
                ))
                .map_err(|e| sdk_error("Azure CLI credential", e))?,
            ),
            AuthChoice::ClientSecret => {
                let tenant = need("AZURE_TENANT_ID", "client-secret")?;
                let client = need("AZURE_CLIENT_ID", "client-secret")?;
                let secret = need("AZURE_CLIENT_SECRET", "client-secret")?;
                (
                    "client-secret",
                    azure_identity::ClientSecretCredential::new(
                        &tenant,
                        client,
                        secret.into(),
                        Some(azure_identity::ClientSecretCredentialOptions {
                            client_options: options,
                        }),
                    )
                    .map_err(|e| sdk_error("service principal credential", e))?,
                )
            }
            AuthChoice::WorkloadIdentity => {
                need("AZURE_FEDERATED_TOKEN_FILE", "workload-identity")?;
                (
                    "workload-identity",
                    azure_identity::WorkloadIdentityCredential::new(Some(
                        azure_identity::WorkloadIdentityCredentialOptions {
                            credential_options: azure_identity::ClientAssertionCredentialOptions {
                                client_options: options,
                            },
                            ..Default::default()
                        },
                    ))
                    .map_err(|e| sdk_error("workload identity credential", e))?,
                )
            }
            AuthChoice::AzurePipelines => {
                let tenant = need("AZURE_TENANT_ID", "azure-pipelines")?;
                let client = need("AZURE_CLIENT_ID", "azure-pipelines")?;
                let connection = need("AZURE_SERVICE_CONNECTION_ID", "azure-pipelines")?;
                let access = need("SYSTEM_ACCESSTOKEN", "azure-pipelines")?;
                (
                    "azure-pipelines",
                    azure_identity::AzurePipelinesCredential::new(
                        tenant,
                        client,
                        &connection,
                        access,
                        Some(azure_identity::AzurePipelinesCredentialOptions {
                            credential_options: azure_identity::ClientAssertionCredentialOptions {
                                client_options: options,
                            },
                        }),
                    )
                    .map_err(|e| sdk_error("Azure Pipelines credential", e))?,
                )
            }
            AuthChoice::ManagedIdentity => (
                "managed-identity",
                azure_identity::ManagedIdentityCredential::new(Some(
                    azure_identity::ManagedIdentityCredentialOptions {
                        user_assigned_id: env("AZURE_CLIENT_ID")
                            .map(azure_identity::UserAssignedId::ClientId),
                        ..Default::default()
                    },
                ))
                .map_err(|e| sdk_error("managed identity credential", e))?,
            ),
        };
        Ok(Credential {
            source: Source::Sdk {
                credential,
                scope: cloud.scope(),
            },
            name,
            cache: Mutex::new(None),
            refresh: tokio::sync::Mutex::new(()),
        })
    }

    /// A valid token, from the cache when it has five minutes left.
    pub async fn token(&self) -> Result<Token, String> {
        let (credential, scope) = match &self.source {
            Source::Static(t) => return Ok(t.clone()),
            Source::Sdk { credential, scope } => (credential, scope),
        };
        if let Some(t) = self.cached() {
            return Ok(t);
        }
        // One refresh at a time: the Azure CLI credential spawns `az`.
        let _guard = self.refresh.lock().await;
        if let Some(t) = self.cached() {
            return Ok(t);
        }
        let got = credential
            .get_token(&[scope.as_str()], None)
            .await
            .map_err(|e| format!("could not get a token ({}): {e}", self.name))?;
        let token = Token(got.token.secret().into());
        *self.cache.lock().unwrap_or_else(|p| p.into_inner()) =
            Some((token.clone(), got.expires_on));
        Ok(token)
    }

    #[allow(
        clippy::disallowed_methods,
        reason = "token expiry is I/O state of the client, not a fact a rule sees"
    )]
    fn cached(&self) -> Option<Token> {
        let guard = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        let (t, expires) = guard.as_ref()?;
        (*expires - time::OffsetDateTime::now_utc() > time::Duration::minutes(5)).then(|| t.clone())
    }

    /// Whether asking again can give another token (not for a fixed one).
    pub fn refreshable(&self) -> bool {
        matches!(self.source, Source::Sdk { .. })
    }

    /// Forgets the cached token (after a 401).
    pub fn invalidate(&self) {
        *self.cache.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
}

/// The automatic order: an explicit token, then what the environment sets
/// up for a non-interactive sign-in, then the Azure CLI. Managed identity is
/// chosen automatically only when its endpoint variables say it is there
/// (never a blind probe of the instance metadata address).
fn auto_choice() -> AuthChoice {
    let has = |n: &str| env(n).is_some();
    if has(TOKEN_ENV) {
        AuthChoice::Token
    } else if has("AZURE_CLIENT_SECRET") && has("AZURE_CLIENT_ID") && has("AZURE_TENANT_ID") {
        AuthChoice::ClientSecret
    } else if has("AZURE_FEDERATED_TOKEN_FILE") {
        AuthChoice::WorkloadIdentity
    } else if has("AZURE_SERVICE_CONNECTION_ID") && has("SYSTEM_OIDCREQUESTURI") {
        AuthChoice::AzurePipelines
    } else if has("IDENTITY_ENDPOINT") || has("MSI_ENDPOINT") {
        AuthChoice::ManagedIdentity
    } else {
        AuthChoice::AzureCli
    }
}
