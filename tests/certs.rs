//! The trusted-roots table against real certificates: every fingerprint,
//! key hash, subject and expiry in `rules/trusted-roots.json` is checked
//! against the certificates shipped in `tests/certs` (from Debian's
//! ca-certificates), read by the tool's own store reader.

mod common;

use asr_preflight::load::read_cert_store;
use asr_preflight::rules::cert::roots::{roots, RootStatus};

#[test]
fn every_table_root_matches_its_real_certificate() {
    assert!(roots().len() >= 6);
    for root in roots() {
        let file = common::root()
            .join("tests/certs")
            .join(format!("{}.pem", root.name.replace(' ', "_")));
        let bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let (certs, problems, unusable) = read_cert_store(&bytes, "pem");
        assert!(
            problems.is_empty() && unusable.is_none(),
            "{}",
            file.display()
        );
        let c = &certs[0];
        assert_eq!(&*c.sha256, root.sha256.as_str(), "{}: SHA-256", root.name);
        assert_eq!(&*c.sha1, root.sha1.as_str(), "{}: SHA-1", root.name);
        assert_eq!(
            &*c.spki_sha256,
            root.spki_sha256.as_str(),
            "{}: SPKI SHA-256",
            root.name
        );
        assert_eq!(
            asr_preflight::text::rfc3339(c.not_after),
            root.not_after,
            "{}: notAfter",
            root.name
        );
        let cn = root.subject.rsplit("CN=").next().unwrap();
        assert!(
            c.subject.contains(cn),
            "{}: subject {}",
            root.name,
            c.subject
        );
    }
}

#[test]
fn statuses_are_consistent_with_the_dates() {
    let now = time::macros::datetime!(2026-11-22 12:00 UTC);
    for root in roots() {
        let not_after = asr_preflight::load::parse_time(&root.not_after).unwrap();
        assert_eq!(
            root.status == RootStatus::Expired,
            not_after < now,
            "{}",
            root.name
        );
    }
    assert_eq!(
        roots()
            .iter()
            .filter(|r| r.status == RootStatus::Required)
            .count(),
        2
    );
}

#[test]
fn debian_bundle_reads_whole_when_present() {
    // The machine's own bundle, if it has one: a real 140-odd root store.
    let Ok(bytes) = std::fs::read("/etc/ssl/certs/ca-certificates.crt") else {
        return;
    };
    let (certs, problems, unusable) = read_cert_store(&bytes, "pem");
    assert!(certs.len() > 100, "{} certificates", certs.len());
    assert!(problems.is_empty(), "{problems:?}");
    assert!(unusable.is_none());
}
