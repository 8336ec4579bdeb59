//! The trusted-roots table (`rules/trusted-roots.json`, embedded): the root
//! certificates ASR's endpoints chain to, with fingerprints, keys, expiry
//! and status.

use serde::Deserialize;
use std::sync::OnceLock;

/// What a root means for a VM that must reach Site Recovery.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RootStatus {
    /// Must be trusted (ASR301 error when absent).
    Required,
    /// Should be trusted (ASR301 warning when absent).
    Recommended,
    /// Still valid, being distrusted: not enough on its own.
    Distrusted,
    /// Expired: relying on it fails (ASR302).
    Expired,
}

impl RootStatus {
    pub fn label(self) -> &'static str {
        match self {
            RootStatus::Required => "required",
            RootStatus::Recommended => "recommended",
            RootStatus::Distrusted => "being distrusted",
            RootStatus::Expired => "expired",
        }
    }
}

/// One root of the table.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Root {
    pub name: String,
    pub subject: String,
    pub sha256: String,
    pub sha1: String,
    pub spki_sha256: String,
    pub not_after: String,
    pub status: RootStatus,
    pub why: String,
}

#[derive(Deserialize)]
struct Table {
    roots: Vec<Root>,
}

/// The embedded table's text.
pub const TABLE: &str = include_str!("../../../rules/trusted-roots.json");

/// The roots, parsed once. The table ships in the binary and a test parses
/// it, so a failure here is a build defect, not an input error.
pub fn roots() -> &'static [Root] {
    static ROOTS: OnceLock<Vec<Root>> = OnceLock::new();
    ROOTS.get_or_init(|| {
        serde_json::from_str::<Table>(TABLE)
            .map(|t| t.roots)
            .unwrap_or_else(|e| panic!("rules/trusted-roots.json is invalid: {e}"))
    })
}

/// The roots of one status.
pub fn with_status(status: RootStatus) -> impl Iterator<Item = &'static Root> {
    roots().iter().filter(move |r| r.status == status)
}
