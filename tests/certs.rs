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

/// The `--guest-certs` Linux script, run for real by `sh` over a CA bundle
/// of real roots (CRLF line ends, as some distributions' bundles have):
/// its parts keep exactly the table's roots, and the store they make is
/// read as a whole filtered export.
#[test]
fn guest_linux_script_keeps_the_needed_roots() {
    use asr_preflight::arm::guest::{linux_script, name_groups};
    let dir = tempfile::tempdir().unwrap();
    let mut bundle = String::new();
    let mut files: Vec<_> = std::fs::read_dir("tests/certs")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in &files {
        bundle.push_str(&std::fs::read_to_string(f).unwrap().replace('\n', "\r\n"));
    }
    let ca = dir.path().join("ca-bundle.crt");
    std::fs::write(&ca, bundle).unwrap();
    let groups = name_groups();
    let mut store = String::new();
    for (i, g) in groups.iter().enumerate() {
        let script = linux_script(g, i + 1, groups.len())
            .join("\n")
            .replace("/etc/ssl/certs/ca-certificates.crt", ca.to_str().unwrap());
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(&script)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.len() < 4096,
            "part {} is {} bytes: Run Command would cut it",
            i + 1,
            text.len()
        );
        assert!(
            text.contains(&format!("kept {} of {} certificates", g.len(), files.len())),
            "{text}"
        );
        store.push_str(&text);
    }
    let (certs, problems, unusable) = asr_preflight::load::read_cert_store(store.as_bytes(), "pem");
    assert!(problems.is_empty() && unusable.is_none(), "{unusable:?}");
    let table = asr_preflight::rules::cert::roots::roots();
    assert_eq!(certs.len(), table.len());
    for r in table {
        assert!(
            certs
                .iter()
                .any(|c| c.sha256.eq_ignore_ascii_case(&r.sha256)),
            "{} not kept",
            r.name
        );
    }
    // A VM without any of them: an answer, not a gap.
    let none = "# asr-preflight roots part 1/2: kept 0 of 140 certificates from /etc/ssl/certs/ca-certificates.crt\n# asr-preflight roots part 2/2: kept 0 of 140 certificates from /etc/ssl/certs/ca-certificates.crt\n";
    let (certs, _, unusable) = asr_preflight::load::read_cert_store(none.as_bytes(), "pem");
    assert!(certs.is_empty() && unusable.is_none());
    // A part that says it kept more than arrived (the start of Run
    // Command's output is dropped past 4,096 bytes): unusable.
    let g2 = std::fs::read_to_string("tests/certs/DigiCert_Global_Root_G2.pem").unwrap();
    let short = format!("{g2}# asr-preflight roots part 1/1: kept 2 of 140 certificates from /etc/ssl/certs/ca-certificates.crt\n");
    let (_, _, unusable) = asr_preflight::load::read_cert_store(short.as_bytes(), "pem");
    assert!(unusable
        .unwrap()
        .contains("kept 2 certificates but 1 arrived"));
    // A part missing, or no bundle found: unusable (ASR901).
    let (_, _, unusable) =
        asr_preflight::load::read_cert_store(none.lines().next().unwrap().as_bytes(), "pem");
    assert!(unusable.unwrap().contains("only 1 of the 2 parts"));
    let (_, _, unusable) = asr_preflight::load::read_cert_store(
        b"# asr-preflight roots part 1/1: kept 0 of 0 certificates from no CA bundle found\n",
        "pem",
    );
    assert!(unusable.unwrap().contains("could not be read"));
}
