//! The bundle `collect` produces: its files, its manifest, writing it to
//! disk, and what to tell the user about requests that failed.

use super::client::Record;
use crate::error::Error;
use std::collections::BTreeSet;

/// A collected bundle, in memory: the files `collect` writes, manifest included.
#[derive(Debug, Default)]
pub struct Bundle {
    pub files: Vec<(String, Vec<u8>)>,
    pub records: Vec<Record>,
    /// HTTP requests sent, retries included.
    pub sent: usize,
}

pub(super) struct Entry {
    pub file: Option<String>,
    pub record: Record,
    /// Set when a `nextLink` was refused: the link, for the manifest.
    pub refused: Option<String>,
}

/// What the manifest says about the collection as a whole.
pub(super) struct About<'a> {
    pub collected_at: time::OffsetDateTime,
    pub cloud: &'a str,
    pub endpoint: String,
    pub vault: &'a str,
    pub subscriptions: &'a BTreeSet<String>,
}

/// Writes the manifest (requests in a stable order: concurrency must not
/// change the bytes) and returns the bundle.
pub(super) fn assemble(
    mut files: Vec<(String, Vec<u8>)>,
    mut entries: Vec<Entry>,
    about: About,
    sent: usize,
) -> Bundle {
    entries.sort_by(|a, b| {
        (a.file.is_none(), &a.file, &a.record.path).cmp(&(
            b.file.is_none(),
            &b.file,
            &b.record.path,
        ))
    });
    let requests: Vec<serde_json::Value> = entries
        .iter()
        .map(|e| {
            let mut m = serde_json::Map::new();
            if let Some(f) = &e.file {
                m.insert("file".into(), f.clone().into());
            }
            m.insert("method".into(), e.record.method.into());
            m.insert("path".into(), e.record.path.clone().into());
            m.insert(
                "status".into(),
                e.record.status.map_or(serde_json::Value::Null, Into::into),
            );
            if e.record.attempts > 1 {
                // Retried (throttling, faults): how many tries it took.
                m.insert("attempts".into(), e.record.attempts.into());
            }
            if let Some(code) = &e.record.error_code {
                m.insert("errorCode".into(), code.clone().into());
            }
            if let Some(msg) = &e.record.message {
                m.insert("message".into(), msg.clone().into());
            }
            if let Some(link) = &e.refused {
                m.insert("refusedLink".into(), link.clone().into());
            }
            serde_json::Value::Object(m)
        })
        .collect();
    let manifest = serde_json::json!({
        "format": crate::load::BUNDLE_FORMAT,
        "collectedAt": crate::text::rfc3339(about.collected_at),
        "cloud": about.cloud,
        "endpoint": about.endpoint,
        "vault": about.vault,
        "subscriptions": about.subscriptions,
        "requests": requests,
    });
    files.push((
        "manifest.json".to_string(),
        serde_json::to_vec_pretty(&manifest).unwrap_or_default(),
    ));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Bundle {
        files,
        records: entries.into_iter().map(|e| e.record).collect(),
        sent,
    }
}

impl Bundle {
    /// Writes the bundle to `dir`, replacing a bundle an earlier `collect`
    /// wrote there (its stale pages must not mix with the new ones); any
    /// other non-empty directory is left alone and refused.
    pub fn write_fresh(&self, dir: &std::path::Path) -> Result<(), Error> {
        let io = |source| Error::Io {
            path: dir.to_path_buf(),
            source,
        };
        if dir.exists() {
            let empty = std::fs::read_dir(dir).map_err(io)?.next().is_none();
            if !empty {
                let manifest =
                    std::fs::read_to_string(dir.join("manifest.json")).unwrap_or_default();
                if !manifest.contains(crate::load::BUNDLE_FORMAT) {
                    return Err(Error::Usage(format!(
                        "--out `{}` is not empty and holds no bundle (no manifest.json of format {}): choose a new or empty directory",
                        dir.display(),
                        crate::load::BUNDLE_FORMAT
                    )));
                }
                std::fs::remove_dir_all(dir).map_err(io)?;
            }
        }
        self.write(dir)
    }

    /// Writes the bundle under `dir` (created if needed). Paths are the
    /// collector's own, relative and inside `dir`.
    pub fn write(&self, dir: &std::path::Path) -> Result<(), Error> {
        for (rel, bytes) in &self.files {
            let Some(rel) = crate::load::safe_relative(rel) else {
                return Err(Error::Internal(format!(
                    "bundle path `{rel}` leaves the bundle"
                )));
            };
            let path = dir.join(&rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|source| Error::Io {
                    path: parent.to_path_buf(),
                    source,
                })?;
            }
            std::fs::write(&path, bytes).map_err(|source| Error::Io { path, source })?;
        }
        Ok(())
    }

    /// One line per kind of failure, for stderr: what could not be read,
    /// and what to do about it.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let failed: Vec<&Record> = self.records.iter().filter(|r| !r.ok()).collect();
        let denied = failed
            .iter()
            .filter(|r| matches!(r.status, Some(401 | 403)))
            .count();
        if denied > 0 {
            out.push(format!(
                "{denied} request(s) were denied (401/403): give the identity the Reader role on the vault and on every subscription its items use (Site Recovery Reader is not enough for locks, usages and SKUs); the facts they would have given are reported as missing (ASR901)"
            ));
        }
        for r in failed
            .iter()
            .filter(|r| !matches!(r.status, Some(401 | 403)))
        {
            out.push(format!(
                "{} {} failed: {}{}{}",
                r.method,
                r.path,
                r.status.map(|s| format!("HTTP {s} ")).unwrap_or_default(),
                r.error_code.as_deref().unwrap_or(""),
                r.message
                    .as_deref()
                    .map(|m| format!(" — {m}"))
                    .unwrap_or_default()
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bundle_never_writes_outside_its_directory() {
        let dir = std::env::temp_dir().join(format!("asr-bundle-{}", std::process::id()));
        let bundle = Bundle {
            files: vec![("../escaped.json".to_string(), b"{}".to_vec())],
            ..Bundle::default()
        };
        assert!(bundle.write(&dir.join("inner")).is_err());
        assert!(!dir.join("escaped.json").exists());
        let bundle = Bundle {
            files: vec![("/etc/absolute.json".to_string(), b"{}".to_vec())],
            ..Bundle::default()
        };
        assert!(bundle.write(&dir.join("inner")).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
