//! The bundle `collect` produces: its files, its manifest, writing it to
//! disk, and what to tell the user about requests that failed.

use super::client::Record;
use crate::error::Error;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// `.<name>.<what>` beside `dir`: where a new bundle is staged and an old
/// one set aside.
fn sibling(dir: &Path, what: &str) -> PathBuf {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "asr-bundle".to_string());
    dir.with_file_name(format!(".{name}.{what}"))
}

/// The files an earlier bundle's manifest says `collect` wrote: its
/// `files` list, and the `file` of each request (older manifests).
fn listed_files(manifest: &serde_json::Value) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = ["manifest.json".to_string()].into();
    let strings = |v: Option<&serde_json::Value>| -> Vec<String> {
        v.and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    out.extend(strings(manifest.get("files")));
    if let Some(requests) = manifest.get("requests").and_then(|r| r.as_array()) {
        out.extend(
            requests
                .iter()
                .filter_map(|r| r.get("file").and_then(|f| f.as_str()).map(str::to_string)),
        );
    }
    out
}

/// Every file below `dir`, relative with `/`; anything that is neither a
/// plain file nor a directory is returned as well (it is never ours).
fn files_below(root: &Path, dir: &Path, out: &mut Vec<String>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let rel = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        if entry.file_type()?.is_dir() {
            files_below(root, &path, out)?;
        } else {
            out.push(rel);
        }
    }
    Ok(())
}

/// `dir` may be replaced only when it is empty or holds an earlier bundle
/// and nothing else: every file in it is one its valid manifest lists.
fn check_replaceable(dir: &Path) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut present = Vec::new();
    files_below(dir, dir, &mut present).map_err(io)?;
    if present.is_empty() {
        return Ok(());
    }
    let manifest: Option<serde_json::Value> = std::fs::read(dir.join("manifest.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .filter(|m: &serde_json::Value| {
            m.get("format").and_then(|f| f.as_str()) == Some(crate::load::BUNDLE_FORMAT)
        });
    let Some(manifest) = manifest else {
        return Err(Error::Usage(format!(
            "--out `{}` is not empty and holds no bundle (no valid manifest.json of format {}): choose a new or empty directory",
            dir.display(),
            crate::load::BUNDLE_FORMAT
        )));
    };
    let listed = listed_files(&manifest);
    let mut foreign: Vec<&String> = present.iter().filter(|f| !listed.contains(*f)).collect();
    if foreign.is_empty() {
        return Ok(());
    }
    foreign.sort();
    let n = foreign.len();
    Err(Error::Usage(format!(
        "--out `{}` holds {} that the earlier bundle's manifest does not list ({}{}): collect replaces only what it wrote; move them away or choose another directory",
        dir.display(),
        crate::text::count(n, "file", "files"),
        crate::text::ticks(foreign.iter().take(5)),
        if n > 5 { format!(" and {} more", n - 5) } else { String::new() }
    )))
}

/// An exclusive claim on a `--out` directory for one `collect`: a lock file
/// beside it, created only if absent, removed when the run ends. A second
/// run on the same directory is refused (exit 2) instead of mixing pages.
pub struct OutLock(PathBuf);

impl OutLock {
    pub fn take(dir: &Path) -> Result<OutLock, Error> {
        let lock = sibling(dir, "lock");
        if let Some(parent) = lock.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| Error::Io {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&lock) {
            Ok(mut f) => {
                use std::io::Write;
                let _ = writeln!(f, "asr-preflight collect, process {}", std::process::id());
                Ok(OutLock(lock))
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(Error::Usage(format!(
                "another `collect` is writing to `{}` (lock file `{}` exists); wait for it, or remove the lock file if no collect is running",
                dir.display(),
                lock.display()
            ))),
            Err(source) => Err(Error::Io { path: lock, source }),
        }
    }
}

impl Drop for OutLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

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
    /// A Resource Graph query page: what was asked.
    pub graph: Option<GraphRequest>,
}

/// One page of a Resource Graph query as the manifest records it.
#[derive(Clone, Debug)]
pub struct GraphRequest {
    pub query: String,
    /// The request's `subscriptions` (empty with a management group).
    pub subscriptions: Vec<String>,
    pub management_groups: Vec<String>,
    /// `options.$skipToken` sent (pages after the first).
    pub skip_token: Option<String>,
}

/// What a fleet collection covered (`--all-vaults`).
#[derive(Clone, Debug, Default)]
pub struct FleetScope {
    /// The subscriptions in scope (given, of the management group, or all
    /// the identity can list).
    pub subscriptions: Vec<String>,
    pub management_group: Option<String>,
    /// In scope but returned nothing from Resource Graph, not even the
    /// subscription itself: not readable by this identity.
    pub unreadable: Vec<String>,
    /// The vaults checked, and those of them without replicated items.
    pub vaults: Vec<String>,
    pub without_items: Vec<String>,
}

/// What the manifest says about the collection as a whole.
pub(super) struct About<'a> {
    pub collected_at: time::OffsetDateTime,
    pub cloud: &'a str,
    pub endpoint: String,
    pub vault: Option<&'a str>,
    pub subscriptions: &'a BTreeSet<String>,
    pub fleet: Option<&'a FleetScope>,
}

/// Writes the manifest (requests in a stable order: concurrency must not
/// change the bytes) and returns the bundle.
pub(super) fn assemble(
    mut files: Vec<(String, Vec<u8>)>,
    mut entries: Vec<Entry>,
    about: About,
    sent: usize,
) -> Bundle {
    let graph_key = |e: &Entry| {
        e.graph.as_ref().map(|g| {
            (
                g.query.clone(),
                g.subscriptions.clone(),
                g.skip_token.clone(),
            )
        })
    };
    entries.sort_by(|a, b| {
        (a.file.is_none(), &a.file, &a.record.path, graph_key(a)).cmp(&(
            b.file.is_none(),
            &b.file,
            &b.record.path,
            graph_key(b),
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
            if let Some(g) = &e.graph {
                m.insert("query".into(), g.query.clone().into());
                if !g.subscriptions.is_empty() {
                    m.insert("subscriptions".into(), g.subscriptions.clone().into());
                }
                if !g.management_groups.is_empty() {
                    m.insert(
                        "managementGroups".into(),
                        g.management_groups.clone().into(),
                    );
                }
                if let Some(t) = &g.skip_token {
                    m.insert("skipToken".into(), t.clone().into());
                }
            }
            serde_json::Value::Object(m)
        })
        .collect();
    let mut written: Vec<&str> = files.iter().map(|(f, _)| f.as_str()).collect();
    written.sort_unstable();
    let mut manifest = serde_json::json!({
        "format": crate::load::BUNDLE_FORMAT,
        // Every file collect wrote: a later collect into the same --out
        // replaces these and refuses to touch anything else.
        "files": written,
        "collectedAt": crate::text::rfc3339(about.collected_at),
        "cloud": about.cloud,
        "endpoint": about.endpoint,
        "vault": about.vault,
        "subscriptions": about.subscriptions,
        "requests": requests,
    });
    if let Some(f) = about.fleet {
        manifest["fleet"] = serde_json::json!({
            "subscriptions": f.subscriptions,
            "managementGroup": f.management_group,
            "unreadable": f.unreadable,
            "vaults": f.vaults,
            "vaultsWithoutItems": f.without_items,
        });
    }
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
    /// wrote there (its stale pages must not mix with the new ones) — and
    /// nothing else: `dir` must be new, empty, or hold only the files its
    /// `manifest.json` says `collect` wrote; anything else there is refused
    /// (exit 2). The new bundle is written into a sibling directory first
    /// and swapped into place, so a failed run never leaves a mix.
    pub fn write_fresh(&self, dir: &Path) -> Result<(), Error> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| Error::Io { path, source }
        };
        let existing = match std::fs::symlink_metadata(dir) {
            Ok(m) if m.is_dir() => true,
            Ok(_) => {
                return Err(Error::Usage(format!(
                    "--out `{}` is a file, not a directory: choose a new or empty directory",
                    dir.display()
                )))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(e) => return Err(io(dir)(e)),
        };
        if existing {
            check_replaceable(dir)?;
        }
        let parent = match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => std::path::PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(io(&parent))?;
        let staging = sibling(dir, "new");
        let _ = std::fs::remove_dir_all(&staging);
        std::fs::create_dir(&staging).map_err(io(&staging))?;
        if let Err(e) = self.write(&staging) {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
        if !existing {
            return std::fs::rename(&staging, dir).map_err(io(dir));
        }
        let aside = sibling(dir, "old");
        let _ = std::fs::remove_dir_all(&aside);
        std::fs::rename(dir, &aside).map_err(io(dir))?;
        if let Err(e) = std::fs::rename(&staging, dir) {
            let _ = std::fs::rename(&aside, dir);
            let _ = std::fs::remove_dir_all(&staging);
            return Err(io(dir)(e));
        }
        // Only files the old manifest listed are in it (checked above).
        std::fs::remove_dir_all(&aside).map_err(io(&aside))
    }

    /// Writes the bundle under `dir` (created if needed). Paths are the
    /// collector's own, relative and inside `dir`.
    pub fn write(&self, dir: &Path) -> Result<(), Error> {
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
