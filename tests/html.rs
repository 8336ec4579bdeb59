//! The HTML readiness report, opened in a real (headless) Chromium: the
//! verdict, the capacity chart with its shortfall, the table's filter, no
//! console message; a screenshot is kept in `target/test-artifacts/`.
//! `.ci/setup` installs Chromium from the distribution's packages.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

const NOW: &str = "2026-11-22T12:00:00Z";

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

/// The browser: `$CHROMIUM`, else the first of the usual names on PATH.
fn chromium() -> PathBuf {
    let names = ["chromium", "chromium-browser", "google-chrome"];
    std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .into_iter()
        .chain(names.iter().map(PathBuf::from))
        .find(|b| Command::new(b).arg("--version").output().is_ok_and(|o| o.status.success()))
        .expect("no Chromium: run `bash .ci/setup` (installs the distribution's package) or set CHROMIUM")
}

/// Runs headless Chromium on `page`; returns the rendered DOM and stderr.
fn open(page: &Path, fragment: &str, extra: &[&str]) -> (String, String) {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}{fragment}", page.display()))
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn report(dir: &Path, out: &Path, extra: &[&str]) -> u8 {
    let mut args = s(&[
        "check",
        "--from",
        dir.to_str().unwrap(),
        "--now",
        NOW,
        "--format",
        "html",
        "-o",
        out.to_str().unwrap(),
    ]);
    args.extend(s(extra));
    common::run(&args).0
}

#[test]
fn the_example_report_renders_filters_and_shows_the_shortfall() {
    let tmp = tempfile::tempdir().unwrap();
    let page = tmp.path().join("readiness.html");
    assert_eq!(
        report(&common::root().join("examples/contoso"), &page, &[]),
        1
    );
    let html = std::fs::read_to_string(&page).unwrap();
    // Self-contained: nothing is fetched.
    for outside in ["<link", "src=\"http", "href=\"http", "@import", "url("] {
        assert!(
            !html.contains(outside),
            "the report refers outside itself: {outside}"
        );
    }
    let (dom, log) = open(&page, "#selftest", &["--dump-dom"]);
    assert!(
        dom.contains("class=\"verdict not-ready\">NOT READY</span>"),
        "{dom}"
    );
    // The quota row that is short is drawn past the limit, and labelled.
    assert!(dom.contains("class=\"shortfall\""), "no shortfall bar");
    assert!(
        dom.contains("36 needed, 32 free of 64 — short by 4"),
        "{dom}"
    );
    // The page's own check of its filter, run in the browser.
    assert!(
        dom.contains("filter ok: level=error shows 5 of 16 rows (5 errors)"),
        "{}",
        dom.lines()
            .find(|l| l.contains("selftest"))
            .unwrap_or("no self-test result")
    );
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "console messages: {console:?}");
    // A screenshot for people (and the README).
    let shots = common::root().join("target/test-artifacts");
    std::fs::create_dir_all(&shots).unwrap();
    let shot = shots.join("html-report.png");
    let _ = std::fs::remove_file(&shot);
    open(
        &page,
        "",
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1280,1800",
        ],
    );
    assert!(
        std::fs::metadata(&shot).is_ok_and(|m| m.len() > 10_000),
        "no screenshot"
    );
}

#[test]
fn data_cannot_become_markup() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("bundle");
    std::fs::create_dir(&dir).unwrap();
    let src = common::root().join("examples/contoso/replicated-items.json");
    let text = std::fs::read_to_string(src).unwrap().replace(
        "\"friendlyName\": \"app-01\"",
        "\"friendlyName\": \"<img src=x onerror=alert(1)>\"",
    );
    assert!(text.contains("onerror"), "the name was replaced");
    std::fs::write(dir.join("replicated-items.json"), text).unwrap();
    let page = tmp.path().join("r.html");
    report(&dir, &page, &["--operation", "failover"]);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(!html.contains("<img"), "raw markup from the data");
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    let (_, log) = open(&page, "", &["--dump-dom"]);
    assert!(!log.contains(":CONSOLE"), "{log}");
}

#[test]
fn a_recovery_plan_report_shows_its_groups_in_order_and_filters_by_plan() {
    let tmp = tempfile::tempdir().unwrap();
    let page = tmp.path().join("plan.html");
    let plans: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(common::root().join("examples/contoso/recovery-plans.json"))
            .unwrap(),
    )
    .unwrap();
    let name = plans["value"][0]["properties"]["friendlyName"]
        .as_str()
        .unwrap();
    report(
        &common::root().join("examples/contoso"),
        &page,
        &["--plan", name],
    );
    let html = std::fs::read_to_string(&page).unwrap();
    let groups = &html[html.find("<ol id=\"plan-groups\">").expect("plan groups")..];
    let groups = &groups[..groups.find("</ol>").unwrap()];
    let order: Vec<&str> = groups
        .match_indices("<li><strong>")
        .map(|(i, _)| groups[i + 12..].split('<').next().unwrap())
        .collect();
    assert_eq!(order.first().copied(), Some("Shutdown"), "{groups}");
    assert!(
        groups.contains("sql-01 <span class=\"level error\">error</span>"),
        "{groups}"
    );
    assert!(html.contains("data-filter=\"plan\""));
    assert!(html.contains(&format!("data-plan=\"|{name}|\"")));
    let (dom, log) = open(&page, "#selftest", &["--dump-dom"]);
    assert!(dom.contains("filter ok"), "{dom}");
    assert!(!log.contains(":CONSOLE"), "{log}");
}

#[test]
fn an_incomplete_report_names_what_was_missing() {
    // Without the trust stores, whether batch-02 can be reprotected is unknown (ASR901).
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("bundle");
    std::fs::create_dir(&dir).unwrap();
    for e in std::fs::read_dir(common::root().join("examples/contoso"))
        .unwrap()
        .flatten()
    {
        if e.path().is_file() {
            std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
        }
    }
    let page = tmp.path().join("r.html");
    assert_eq!(
        report(
            &dir,
            &page,
            &["--operation", "reprotect", "--vm", "batch-02"]
        ),
        3
    );
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains("class=\"verdict incomplete\">INCOMPLETE"),
        "{html}"
    );
    let missing = &html[html
        .find("<ul id=\"missing\">")
        .expect("the missing facts are listed")..];
    assert!(
        missing.contains("batch-02") && missing.contains("trusted root store"),
        "{missing}"
    );
}
