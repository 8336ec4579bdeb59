//! Guest facts: a VM's trusted root store, already parsed. No parser types
//! here: `load/certs.rs` converts at the edge.

use super::{SourceId, Timestamp};
use std::sync::Arc;

/// One certificate of a store. The same public roots sit in thousands of
/// stores: the strings are shared, so a copy is cheap.
#[derive(Clone, Debug)]
pub struct CertInfo {
    pub subject: Arc<str>,
    pub issuer: Arc<str>,
    /// Upper-case hex SHA-256 of the DER certificate.
    pub sha256: Arc<str>,
    /// Upper-case hex SHA-1 (the Windows thumbprint).
    pub sha1: Arc<str>,
    /// Upper-case hex SHA-256 of the DER SubjectPublicKeyInfo.
    pub spki_sha256: Arc<str>,
    pub not_before: Timestamp,
    pub not_after: Timestamp,
    /// 1-based position in the file.
    pub position: usize,
}

impl CertInfo {
    pub fn is_valid_at(&self, t: Timestamp) -> bool {
        self.not_before <= t && t <= self.not_after
    }
}

/// A certificate that could not be read, and where it is.
#[derive(Clone, Debug)]
pub struct CertProblem {
    pub position: usize,
    pub line: usize,
    pub reason: String,
}

/// A VM's exported trusted-root store (`certs/<vm-name>.pem`, ...).
#[derive(Clone, Debug)]
pub struct CertStore {
    /// The VM name from the file name (compared case-insensitively).
    pub vm_name: String,
    /// The resource group from `certs/<resource-group>/<vm-name>.pem`.
    pub resource_group: Option<String>,
    /// `pem`, `crt`, `cer` or `der`.
    pub format: String,
    pub source: SourceId,
    /// Readable certificates, duplicates removed.
    pub certs: Vec<CertInfo>,
    /// Certificates that could not be read; the others still count.
    pub problems: Vec<CertProblem>,
    /// Why the store as a whole cannot be used (empty, unreadable, cut off).
    pub unusable: Option<String>,
}
