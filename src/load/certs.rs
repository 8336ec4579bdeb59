//! Reads a VM's trusted-root store: PEM bundles (many certificates, CRLF or
//! LF, comments and junk between blocks, duplicates), `.cer`/`.crt` in PEM or
//! DER, single DER files. One bad certificate does not spoil the rest; a
//! store cut off mid-block (the 4 KB output limit of `az vm run-command
//! invoke`) is unusable as a whole, because what was cut is unknown.
//!
//! x509-parser stays here: the model gets `CertInfo`. No clock is read.

use crate::model::cert::{CertInfo, CertProblem, CertStore};
use base64::Engine;
use sha1::Sha1;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

const BEGIN: &str = "-----BEGIN ";
const END: &str = "-----END ";

fn hex(bytes: &[u8]) -> Arc<str> {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 0xF)] as char);
    }
    s.into()
}

/// Certificates already parsed in this run, by their base64 body: the same
/// public roots fill most stores, and each is parsed once.
#[derive(Default)]
pub struct Cache {
    parsed: Mutex<HashMap<String, Result<CertInfo, String>>>,
}

impl Cache {
    fn get_or_parse(&self, body: &str, position: usize) -> Result<CertInfo, String> {
        if let Some(hit) = self
            .parsed
            .lock()
            .map(|m| m.get(body).cloned())
            .ok()
            .flatten()
        {
            return hit.map(|c| CertInfo { position, ..c });
        }
        let parsed = base64::engine::general_purpose::STANDARD
            .decode(body.as_bytes())
            .map_err(|e| format!("bad base64 ({e})"))
            .and_then(|der| parse_der(&der, position));
        if let Ok(mut m) = self.parsed.lock() {
            m.insert(body.to_string(), parsed.clone());
        }
        parsed
    }
}

/// Parses one DER certificate.
pub fn parse_der(der: &[u8], position: usize) -> Result<CertInfo, String> {
    let (rest, cert) = x509_parser::parse_x509_certificate(der)
        .map_err(|e| format!("not an X.509 certificate ({e})"))?;
    if !rest.is_empty() {
        return Err(format!(
            "{} trailing bytes after the certificate",
            rest.len()
        ));
    }
    let validity = cert.validity();
    Ok(CertInfo {
        subject: cert.subject().to_string().into(),
        issuer: cert.issuer().to_string().into(),
        sha256: hex(&Sha256::digest(der)),
        sha1: hex(&Sha1::digest(der)),
        spki_sha256: hex(&Sha256::digest(cert.tbs_certificate.subject_pki.raw)),
        not_before: validity.not_before.to_datetime(),
        not_after: validity.not_after.to_datetime(),
        position,
    })
}

/// A PEM block found in text: its label, base64 body, first line, and
/// whether it was closed.
struct Block<'a> {
    label: &'a str,
    body: String,
    line: usize,
    closed: bool,
}

fn blocks(text: &str) -> (Vec<Block<'_>>, bool) {
    let mut out: Vec<Block> = Vec::new();
    let mut open: Option<Block> = None;
    let mut end_before_begin = false;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if let Some(rest) = line.strip_prefix(BEGIN) {
            if let Some(b) = open.take() {
                out.push(b); // a BEGIN without END: unclosed
            }
            open = Some(Block {
                label: rest.trim_end_matches('-').trim(),
                body: String::new(),
                line: i + 1,
                closed: false,
            });
        } else if line.starts_with(END) {
            match open.take() {
                Some(mut b) => {
                    b.closed = true;
                    out.push(b);
                }
                None => end_before_begin = true,
            }
        } else if let Some(b) = open.as_mut() {
            // PEM headers (`Proc-Type: ...`) are not base64
            if !line.contains(':') {
                b.body.push_str(line);
            }
        }
    }
    if let Some(b) = open {
        out.push(b);
    }
    (out, end_before_begin)
}

/// The closing line of each part of a `collect --guest-certs` export.
pub const PART_MARK: &str = "# asr-preflight roots part ";

/// Whether `text` is a filtered export from `collect --guest-certs`, and if
/// so, whether it is whole: every part `i/n` present, each having scanned a
/// store (`kept K of N certificates`, N > 0).
fn filtered_export(text: &str) -> Option<Result<(), String>> {
    let mut parts = std::collections::BTreeSet::new();
    let mut total = None;
    // Certificates since the previous part line: each part must hold as
    // many as it says it kept (Run Command keeps only the end of the output).
    let mut arrived = 0usize;
    for raw in text.lines() {
        let trimmed = raw.trim();
        if trimmed.starts_with(BEGIN) {
            arrived += 1;
        }
        let Some(line) = trimmed.strip_prefix(PART_MARK) else {
            continue;
        };
        let in_part = std::mem::take(&mut arrived);
        let (ids, rest) = line.split_once(':')?;
        let (i, n) = ids.split_once('/')?;
        let (i, n): (usize, usize) = (i.trim().parse().ok()?, n.trim().parse().ok()?);
        if total.is_some_and(|t| t != n) {
            return Some(Err("its parts disagree on how many there are".to_string()));
        }
        total = Some(n);
        let scanned: usize = rest
            .split_once(" of ")
            .and_then(|(_, r)| r.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        if scanned == 0 {
            return Some(Err(format!(
                "the VM's trusted root store could not be read (part {i}/{n}: {})",
                rest.trim()
            )));
        }
        let kept: Option<usize> = rest
            .trim()
            .strip_prefix("kept ")
            .and_then(|r| r.split_whitespace().next())
            .and_then(|v| v.parse().ok());
        if kept != Some(in_part) {
            return Some(Err(format!(
                "part {i}/{n} says it kept {} certificates but {in_part} arrived: the output was cut",
                kept.map_or("an unknown number of".to_string(), |k| k.to_string())
            )));
        }
        parts.insert(i);
    }
    let n = total?;
    if (1..=n).all(|i| parts.contains(&i)) {
        Some(Ok(()))
    } else {
        Some(Err(format!(
            "only {} of the {n} parts of the export arrived",
            parts.len()
        )))
    }
}

/// Reads a store's bytes into certificates and problems.
pub fn read_store(bytes: &[u8], format: &str) -> (Vec<CertInfo>, Vec<CertProblem>, Option<String>) {
    read_store_cached(bytes, format, &Cache::default())
}

/// `read_store`, sharing parsed certificates with other stores of the run.
pub fn read_store_cached(
    bytes: &[u8],
    format: &str,
    cache: &Cache,
) -> (Vec<CertInfo>, Vec<CertProblem>, Option<String>) {
    let text = String::from_utf8_lossy(bytes);
    if !text.contains(BEGIN) {
        if let Some(f) = filtered_export(&text) {
            return (Vec::new(), Vec::new(), f.err());
        }
        if format == "pem" {
            let why = if text.trim().is_empty() {
                "the store is empty"
            } else {
                "no PEM certificate block in the file"
            };
            return (Vec::new(), Vec::new(), Some(why.to_string()));
        }
        // `.der`, or a `.cer`/`.crt` in DER: one certificate.
        return match parse_der(bytes, 1) {
            Ok(c) => (vec![c], Vec::new(), None),
            Err(e) => (
                Vec::new(),
                Vec::new(),
                Some(format!("neither PEM nor a DER certificate: {e}")),
            ),
        };
    }
    let (found, end_before_begin) = blocks(&text);
    let mut certs = Vec::new();
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    let mut cut = end_before_begin;
    for (i, b) in found.iter().enumerate() {
        let position = i + 1;
        let label_ok = matches!(
            b.label,
            "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE"
        );
        if !label_ok {
            continue; // keys, CRLs: not part of a trust store
        }
        if !b.closed {
            cut = true;
            continue;
        }
        match cache.get_or_parse(&b.body, position) {
            Ok(c) => {
                if seen.insert(c.sha256.clone()) {
                    certs.push(c);
                }
            }
            Err(reason) => problems.push(CertProblem {
                position,
                line: b.line,
                reason,
            }),
        }
    }
    let filtered = filtered_export(&text);
    let unusable = if cut {
        Some("the export is cut off (a certificate block without its BEGIN or END line): `az vm run-command invoke` keeps only the last 4,096 bytes of output".to_string())
    } else if let Some(f) = filtered {
        // `collect --guest-certs` keeps only the roots Site Recovery needs:
        // none kept is an answer (they are missing), if every part came back.
        f.err()
    } else if certs.is_empty() && problems.is_empty() {
        Some("no certificate in the store".to_string())
    } else if certs.is_empty() {
        Some(format!(
            "none of its {} certificate blocks could be read",
            problems.len()
        ))
    } else {
        None
    };
    (certs, problems, unusable)
}

/// Builds the model's store from a file's bytes.
pub fn store(
    vm_name: String,
    resource_group: Option<String>,
    format: String,
    source: crate::model::SourceId,
    bytes: &[u8],
    cache: &Cache,
) -> CertStore {
    let (certs, problems, unusable) = read_store_cached(bytes, &format, cache);
    CertStore {
        vm_name,
        resource_group,
        format,
        source,
        certs,
        problems,
        unusable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pem(name: &str) -> String {
        std::fs::read_to_string(format!(
            "{}/tests/certs/{name}.pem",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    #[test]
    fn bundle_with_junk_crlf_and_duplicates() {
        let g2 = pem("DigiCert_Global_Root_G2");
        let text = format!(
            "Enable succeeded:\r\n[stdout]\r\n# a comment\r\n{}\r\njunk line\r\n{}\r\n{}\r\n[stderr]\r\n",
            g2.replace('\n', "\r\n"),
            pem("Microsoft_RSA_Root_Certificate_Authority_2017"),
            g2
        );
        let (certs, problems, unusable) = read_store(text.as_bytes(), "pem");
        assert_eq!(certs.len(), 2, "duplicates are kept once");
        assert!(problems.is_empty() && unusable.is_none());
        assert_eq!(
            &*certs[0].sha256,
            "CB3CCBB76031E5E0138F8DD39A23F9DE47FFC35E43C1144CEA27D46A5AB1CB5F"
        );
        assert!(certs[0].subject.contains("DigiCert Global Root G2"));
    }

    #[test]
    fn one_corrupt_certificate_does_not_spoil_the_rest() {
        let text = format!(
            "{}-----BEGIN CERTIFICATE-----\nMIIBroken!!\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nQUJDREVG\n-----END CERTIFICATE-----\n{}",
            pem("DigiCert_Global_Root_G2"),
            pem("ISRG_Root_X1")
        );
        let (certs, problems, unusable) = read_store(text.as_bytes(), "pem");
        assert_eq!(certs.len(), 2);
        assert_eq!(problems.len(), 2);
        assert_eq!(problems[0].position, 2);
        assert!(unusable.is_none());
    }

    #[test]
    fn truncated_exports_are_unusable() {
        let g2 = pem("DigiCert_Global_Root_G2");
        let tail = &g2[200..];
        let text = format!("[stdout]\n{tail}{}", pem("ISRG_Root_X1"));
        let (_, _, unusable) = read_store(text.as_bytes(), "pem");
        assert!(unusable.unwrap().contains("cut off"));
        let head = &g2[..g2.len() / 2];
        let (_, _, unusable) = read_store(head.as_bytes(), "pem");
        assert!(unusable.is_some());
    }

    #[test]
    fn der_and_empty_and_hostile() {
        let b64: String = pem("DigiCert_Global_Root_G3")
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap();
        let (certs, _, _) = read_store(&der, "cer");
        assert_eq!(certs.len(), 1);
        assert!(read_store(b"", "pem").2.is_some());
        assert!(read_store(b"\x00\xff\x13garbage", "der").2.is_some());
        assert!(read_store(
            b"-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n",
            "pem"
        )
        .2
        .is_some());
        let noise: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
        let _ = read_store(&noise, "pem");
    }
}

#[cfg(test)]
mod hostile {
    use super::*;

    /// Deterministic pseudo-random bytes.
    fn noise(seed: u64, len: usize) -> Vec<u8> {
        let mut x = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407)
            | 1;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 24) as u8
            })
            .collect()
    }

    #[test]
    fn no_input_panics() {
        let engine = base64::engine::general_purpose::STANDARD;
        for seed in 0..400u64 {
            let raw = noise(seed, (seed as usize * 37) % 3000);
            for format in ["pem", "der", "cer"] {
                let _ = read_store(&raw, format);
            }
            // Well-formed PEM around random DER, truncated DER, and a real
            // certificate with flipped bytes.
            let wrapped = format!(
                "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
                engine.encode(&raw)
            );
            let _ = read_store(wrapped.as_bytes(), "pem");
            let g2 = std::fs::read_to_string(format!(
                "{}/tests/certs/DigiCert_Global_Root_G2.pem",
                env!("CARGO_MANIFEST_DIR")
            ))
            .unwrap();
            let b64: String = g2.lines().filter(|l| !l.starts_with("-----")).collect();
            let mut der = engine.decode(b64).unwrap();
            let at = (seed as usize * 13) % der.len();
            der[at] ^= 0xA5;
            der.truncate(der.len() - (seed as usize % 50));
            let flipped = format!(
                "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
                engine.encode(&der)
            );
            let _ = read_store(flipped.as_bytes(), "pem");
            let _ = read_store(&der, "der");
        }
        let long_line = format!(
            "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
            "A".repeat(1 << 20)
        );
        assert!(read_store(long_line.as_bytes(), "pem").2.is_some());
    }
}
