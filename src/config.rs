//! The typed configuration of `check` and `diagnose`: the defaults, then
//! the file `asr-preflight.toml` (found in the current directory or a
//! parent, or `--config`), then the command line over it — resolved once,
//! here, into the `Config` the engine reads.

use crate::error::Error;
use crate::finding::{Accepted, Finding, Level};
use crate::model::Operation;
use crate::rules::{RuleMeta, Settings};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The file looked for in the current directory and its parents.
pub const FILE_NAME: &str = "asr-preflight.toml";

/// Rules whose level cannot be changed nor turned off, and whose findings
/// cannot be accepted: they are how the gate fails closed.
const FIXED: &[&str] = &["ASR901", "ASR903", "ASR904", "ASR905"];

/// Everything a run is configured with.
#[derive(Clone, Debug)]
pub struct Config {
    /// The configuration file read, if any.
    pub file: Option<PathBuf>,
    pub settings: Settings,
    /// The lowest level that fails the gate; `None` is `never`.
    pub fail_on: Option<Level>,
    /// `[rules]`: a level per rule, or `None` for `off`.
    pub levels: BTreeMap<&'static str, Option<Level>>,
    /// `--rule`: run only these.
    pub only: Option<Vec<&'static RuleMeta>>,
    /// `[[accept]]` and `--accept`, in the order declared (the first that
    /// covers a finding accepts it).
    pub accept: Vec<Acceptance>,
    /// `--baseline`: the fingerprints of a previous report.
    pub baseline: Option<Baseline>,
    /// `[sarif] information-uri`: where the tool's users find its documentation.
    pub information_uri: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            file: None,
            settings: Settings::default(),
            fail_on: Some(Level::Error),
            levels: BTreeMap::new(),
            only: None,
            accept: Vec::new(),
            baseline: None,
            information_uri: None,
        }
    }
}

/// An accepted risk.
#[derive(Clone, Debug)]
pub struct Acceptance {
    pub rule: &'static RuleMeta,
    /// A VM name, or the full id of the VM, the replicated item or the subject.
    pub vm: Option<String>,
    pub operation: Option<Operation>,
    pub reason: Option<String>,
    pub owner: Option<String>,
    /// The last day it accepts (UTC).
    pub expires: Option<time::Date>,
    /// Where it was declared: `asr-preflight.toml:14` or `--accept ASR201:app-01`.
    pub by: String,
    /// The file and line, for a declaration in the file.
    pub at: Option<(PathBuf, u32)>,
}

impl Acceptance {
    /// True once its expiry day has passed at `now` (UTC).
    pub fn expired(&self, now: time::OffsetDateTime) -> bool {
        self.expires
            .is_some_and(|d| now.to_offset(time::UtcOffset::UTC).date() > d)
    }

    /// True when it names this finding: its rule, and its VM and operation
    /// when it gives them.
    pub fn covers(&self, f: &Finding) -> bool {
        let vm_ok = self.vm.as_deref().is_none_or(|s| {
            f.subject.name.eq_ignore_ascii_case(s)
                || f.subject.id.eq_ignore_ascii_case(s)
                || f.subject
                    .item
                    .as_deref()
                    .is_some_and(|i| i.eq_ignore_ascii_case(s))
        });
        let op_ok = self
            .operation
            .is_none_or(|o| f.operation == crate::finding::OperationArg::Op(o));
        f.code == self.rule.code && vm_ok && op_ok
    }

    /// How the report shows it on the findings it accepts.
    pub fn shown(&self) -> Accepted {
        Accepted {
            by: self.by.clone(),
            reason: self.reason.clone(),
            owner: self.owner.clone(),
            expires: self.expires.map(|d| d.to_string()),
        }
    }

    /// `ASR201 for app-01 (failover)`: what it names.
    pub fn describe(&self) -> String {
        let mut s = self.rule.code.to_string();
        if let Some(vm) = &self.vm {
            s.push_str(&format!(" for `{vm}`"));
        }
        if let Some(op) = self.operation {
            s.push_str(&format!(" ({})", op.as_str()));
        }
        s
    }
}

/// The fingerprints of a previous report (`--baseline`), each with the
/// level it had there.
#[derive(Clone, Debug)]
pub struct Baseline {
    pub path: PathBuf,
    pub fingerprints: std::collections::HashMap<String, Level>,
}

impl Baseline {
    /// True when the baseline has this finding at its level or a worse one:
    /// a warning that has become an error is new.
    pub fn has(&self, f: &Finding) -> bool {
        self.fingerprints
            .get(&f.fingerprint)
            .is_some_and(|was| *was >= f.level)
    }
}

impl Baseline {
    /// Reads a JSON report written by `check --format json` or `--write-baseline`.
    pub fn read(path: &Path, text: &str) -> Result<Baseline, Error> {
        let bad = |message: String| Error::Baseline {
            path: path.to_path_buf(),
            message,
        };
        let doc: serde_json::Value =
            serde_json::from_str(text).map_err(|e| bad(format!("is not JSON ({e})")))?;
        if doc["version"].as_u64() != Some(u64::from(crate::render::JSON_VERSION)) {
            return Err(bad(format!(
                "is not an asr-preflight JSON report of version {} (write one with `check --format json` or --write-baseline)",
                crate::render::JSON_VERSION
            )));
        }
        let findings = doc["findings"]
            .as_array()
            .ok_or_else(|| bad("has no `findings` array".to_string()))?;
        let mut fingerprints = std::collections::HashMap::new();
        for (i, f) in findings.iter().enumerate() {
            let level = match f["level"].as_str() {
                Some("error") => Level::Error,
                Some("warning") => Level::Warning,
                Some("info") => Level::Info,
                other => {
                    return Err(bad(format!(
                        "finding {} has no known `level` ({other:?})",
                        i + 1
                    )))
                }
            };
            match f["fingerprint"].as_str() {
                Some(fp) if !fp.is_empty() => {
                    let was = fingerprints.entry(fp.to_string()).or_insert(level);
                    *was = (*was).max(level);
                }
                _ => {
                    return Err(bad(format!(
                        "finding {} has no `fingerprint` (a report of an older asr-preflight?): write the baseline again",
                        i + 1
                    )))
                }
            }
        }
        Ok(Baseline {
            path: path.to_path_buf(),
            fingerprints,
        })
    }
}

impl Config {
    /// What the configuration file changed, for the report's notes: a gate
    /// that reads a file must say so, and what it turned down or off.
    pub fn describe(&self) -> Option<String> {
        let file = self.file.as_ref()?;
        let mut parts = Vec::new();
        if self.fail_on != Config::default().fail_on {
            parts.push(format!(
                "fail-on {}",
                self.fail_on.map_or("never", Level::as_str)
            ));
        }
        if self.settings != Settings::default() {
            parts.push("thresholds changed".to_string());
        }
        let levels: Vec<String> = self
            .levels
            .iter()
            .map(|(code, l)| format!("{code} {}", l.map_or("off", Level::as_str)))
            .collect();
        if !levels.is_empty() {
            parts.push(format!("rules {}", levels.join(", ")));
        }
        let accepted = self.accept.iter().filter(|a| a.at.is_some()).count();
        if accepted > 0 {
            parts.push(crate::text::count(accepted, "acceptance", "acceptances"));
        }
        let what = if parts.is_empty() {
            "nothing changed".to_string()
        } else {
            parts.join("; ")
        };
        Some(format!("configuration `{}`: {what}", file.display()))
    }

    /// True when the rule runs: named by `--rule`, or else not `off`.
    pub fn runs(&self, meta: &RuleMeta) -> bool {
        match &self.only {
            Some(only) => only.iter().any(|m| m.code == meta.code),
            None => self.levels.get(meta.code) != Some(&None),
        }
    }

    /// The level `[rules]` sets for the rule's findings, if any.
    pub fn level(&self, code: &str) -> Option<Level> {
        self.levels.get(code).copied().flatten()
    }

    /// Reads the configuration file: `explicit` (`--config`), else the first
    /// `asr-preflight.toml` in `cwd` or a parent; defaults when none.
    pub fn load(explicit: Option<&Path>, cwd: Option<&Path>) -> Result<Config, Error> {
        let path = match explicit {
            Some(p) => Some(p.to_path_buf()),
            None => cwd.and_then(find),
        };
        let Some(path) = path else {
            return Ok(Config::default());
        };
        let text = std::fs::read_to_string(&path).map_err(|e| Error::Config {
            path: path.clone(),
            message: format!("cannot be read ({e})"),
        })?;
        // Shown relative to the current directory when it lies under it.
        let shown = match cwd.and_then(|c| path.strip_prefix(c).ok()) {
            Some(rel) if explicit.is_none() => rel.to_path_buf(),
            _ => path,
        };
        Config::parse(&shown, &text)
    }

    /// Parses the text of a configuration file read from `path`.
    pub fn parse(path: &Path, text: &str) -> Result<Config, Error> {
        let bad = |message: String| Error::Config {
            path: path.to_path_buf(),
            message,
        };
        let file: FileConfig =
            toml::from_str(text).map_err(|e| bad(e.to_string().trim_end().to_string()))?;
        let mut config = Config {
            file: Some(path.to_path_buf()),
            ..Config::default()
        };
        if let Some(f) = file.fail_on {
            config.fail_on = f.level();
        }
        file.thresholds
            .apply(&mut config.settings)
            .map_err(|m| bad(format!("[thresholds] {m}")))?;
        for (key, level) in file.rules {
            let meta = rule(&key).map_err(|m| bad(format!("[rules] {m}")))?;
            if FIXED.contains(&meta.code) {
                return Err(bad(format!(
                    "[rules] {key}: {} ({}) cannot be changed or turned off: it is how the gate fails closed",
                    meta.code, meta.name
                )));
            }
            config.levels.insert(meta.code, level.level());
        }
        for spanned in file.accept {
            let offset = spanned.span().start.min(text.len());
            let line = crate::error::line_col(text, offset).0 as u32;
            let a = spanned.into_inner();
            let at = format!("{}:{line}", path.display());
            let bad_at = |m: String| bad(format!("[[accept]] at line {line}: {m}"));
            let meta = rule(&a.rule).map_err(&bad_at)?;
            if FIXED.contains(&meta.code) && meta.code != "ASR901" {
                return Err(bad_at(format!(
                    "{} ({}) cannot be accepted",
                    meta.code, meta.name
                )));
            }
            let reason = a.reason.map(|r| r.trim().to_string()).unwrap_or_default();
            if reason.is_empty() {
                return Err(bad_at(
                    "`reason` is required: say why the risk is accepted".to_string(),
                ));
            }
            let operation = a
                .operation
                .as_deref()
                .map(|o| {
                    Operation::ALL
                        .iter()
                        .copied()
                        .find(|op| op.as_str().eq_ignore_ascii_case(o.trim()))
                        .ok_or_else(|| {
                            bad_at(format!(
                                "operation `{o}` is not one of test-failover, failover, commit, reprotect, failback"
                            ))
                        })
                })
                .transpose()?;
            let expires = a.expires.map(|v| date(&v)).transpose().map_err(&bad_at)?;
            config.accept.push(Acceptance {
                rule: meta,
                vm: a.vm.map(|v| v.trim().to_string()).filter(|v| !v.is_empty()),
                operation,
                reason: Some(reason),
                owner: a
                    .owner
                    .map(|o| o.trim().to_string())
                    .filter(|o| !o.is_empty()),
                expires,
                by: at,
                at: Some((path.to_path_buf(), line)),
            });
        }
        config.information_uri = file.sarif.information_uri;
        if let Some(uri) = &config.information_uri {
            if !(uri.starts_with("https://") || uri.starts_with("http://")) {
                return Err(bad(format!(
                    "[sarif] information-uri `{uri}` must be an absolute http(s) URI"
                )));
            }
        }
        Ok(config)
    }

    /// `--accept CODE[:VM]`: an acceptance without reason or expiry.
    pub fn accept_flag(&mut self, key: &str) -> Result<(), Error> {
        let (code, vm) = match key.split_once(':') {
            Some((r, s)) => (r.trim(), Some(s.trim().to_string())),
            None => (key.trim(), None),
        };
        let meta = rule(code).map_err(|m| Error::Usage(format!("--accept `{key}`: {m}")))?;
        if FIXED.contains(&meta.code) && meta.code != "ASR901" {
            return Err(Error::Usage(format!(
                "--accept `{key}`: {} ({}) cannot be accepted",
                meta.code, meta.name
            )));
        }
        self.accept.push(Acceptance {
            rule: meta,
            vm: vm.filter(|v| !v.is_empty()),
            operation: None,
            reason: None,
            owner: None,
            expires: None,
            by: format!("--accept {key}"),
            at: None,
        });
        Ok(())
    }

    /// `--rule`: run only these rules.
    pub fn only_flags(&mut self, keys: &[String]) -> Result<(), Error> {
        if keys.is_empty() {
            return Ok(());
        }
        let metas = keys
            .iter()
            .map(|k| rule(k).map_err(|m| Error::Usage(format!("--rule {m}"))))
            .collect::<Result<Vec<_>, _>>()?;
        self.only = Some(metas);
        Ok(())
    }
}

/// The first `asr-preflight.toml` in `dir` or a parent.
fn find(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())
}

fn rule(key: &str) -> Result<&'static RuleMeta, String> {
    crate::rules::lookup(key)
        .map(|r| r.meta())
        .ok_or_else(|| format!("`{key}` is not a rule code or name (see `asr-preflight rules`)"))
}

/// `2027-03-31`, as a TOML date or a string.
fn date(v: &toml::Value) -> Result<time::Date, String> {
    let text = match v {
        toml::Value::Datetime(d) if d.date.is_some() && d.time.is_none() => d.to_string(),
        toml::Value::String(s) => s.trim().to_string(),
        other => {
            return Err(format!(
                "`expires` must be a date such as 2027-03-31, not a {}",
                other.type_str()
            ))
        }
    };
    time::Date::parse(
        &text,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| format!("`expires` must be a date such as 2027-03-31, not `{text}`"))
}

/// The file, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct FileConfig {
    fail_on: Option<FailOnValue>,
    #[serde(default)]
    thresholds: Thresholds,
    #[serde(default)]
    rules: BTreeMap<String, RuleLevel>,
    #[serde(default)]
    accept: Vec<toml::Spanned<FileAcceptance>>,
    #[serde(default)]
    sarif: FileSarif,
}

#[derive(Debug, Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum FailOnValue {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOnValue {
    fn level(self) -> Option<Level> {
        match self {
            FailOnValue::Error => Some(Level::Error),
            FailOnValue::Warning => Some(Level::Warning),
            FailOnValue::Info => Some(Level::Info),
            FailOnValue::Never => None,
        }
    }
}

#[derive(Debug, Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum RuleLevel {
    Error,
    Warning,
    Info,
    Off,
}

impl RuleLevel {
    fn level(self) -> Option<Level> {
        match self {
            RuleLevel::Error => Some(Level::Error),
            RuleLevel::Warning => Some(Level::Warning),
            RuleLevel::Info => Some(Level::Info),
            RuleLevel::Off => None,
        }
    }
}

/// `[thresholds]`; the command line's flags of the same names override them.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Thresholds {
    pub max_age: Option<String>,
    pub max_rpo: Option<String>,
    pub drill_max_age: Option<String>,
    pub agent_expiry_days: Option<u32>,
    pub cert_expiry_days: Option<u32>,
    pub quota_headroom: Option<u8>,
    pub asr_lock_prefix: Option<String>,
}

impl Thresholds {
    /// Sets what is given over `s`.
    pub fn apply(&self, s: &mut Settings) -> Result<(), String> {
        let dur = |name: &str, v: &Option<String>, to: &mut time::Duration| {
            if let Some(v) = v {
                *to = crate::cli::parse_duration(v).map_err(|e| format!("{name}: {e}"))?;
            }
            Ok::<(), String>(())
        };
        dur("max-age", &self.max_age, &mut s.max_age)?;
        dur("max-rpo", &self.max_rpo, &mut s.max_rpo)?;
        dur("drill-max-age", &self.drill_max_age, &mut s.drill_max_age)?;
        if let Some(d) = self.agent_expiry_days {
            s.agent_expiry = time::Duration::days(i64::from(d));
        }
        if let Some(d) = self.cert_expiry_days {
            s.cert_expiry = time::Duration::days(i64::from(d));
        }
        if let Some(p) = self.quota_headroom {
            if !(1..=100).contains(&p) {
                return Err(format!(
                    "quota-headroom: {p} is not a percentage from 1 to 100"
                ));
            }
            s.quota_headroom_percent = p;
        }
        if let Some(p) = &self.asr_lock_prefix {
            if p.is_empty() {
                return Err("asr-lock-prefix must not be empty".to_string());
            }
            s.asr_lock_prefix = p.clone();
        }
        Ok(())
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct FileAcceptance {
    rule: String,
    vm: Option<String>,
    operation: Option<String>,
    reason: Option<String>,
    owner: Option<String>,
    expires: Option<toml::Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct FileSarif {
    information_uri: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, String> {
        Config::parse(Path::new("asr-preflight.toml"), text).map_err(|e| {
            let Error::Config { message, .. } = e else {
                panic!("not a config error: {e}")
            };
            message
        })
    }

    #[test]
    fn a_full_file_resolves() {
        let c = parse(
            r#"
fail-on = "warning"
[thresholds]
max-age = "2d"
quota-headroom = 80
[rules]
ASR407 = "error"
agent-update-required = "off"
[[accept]]
rule = "disk-not-protected"
vm = "app-01"
reason = "scratch disk"
expires = 2027-03-31
owner = "team-a"
"#,
        )
        .unwrap();
        assert_eq!(c.fail_on, Some(Level::Warning));
        assert_eq!(c.settings.max_age, time::Duration::days(2));
        assert_eq!(c.settings.quota_headroom_percent, 80);
        assert_eq!(c.level("ASR407"), Some(Level::Error));
        assert_eq!(c.levels.get("ASR406"), Some(&None));
        let a = &c.accept[0];
        assert_eq!(a.rule.code, "ASR201");
        assert_eq!(a.by, "asr-preflight.toml:9");
        assert_eq!(a.expires.unwrap().to_string(), "2027-03-31");
        let day = time::macros::datetime!(2027-03-31 23:59 UTC);
        assert!(!a.expired(day));
        assert!(a.expired(day + time::Duration::minutes(1)));
    }

    #[test]
    fn mistakes_are_named() {
        let cases = [
            ("fail-on = \"sometimes\"", "fail-on"),
            ("[thresholds]\nmax-rpo = \"15\"", "has no unit"),
            ("[thresholds]\nmax_rpo = \"15m\"", "max_rpo"),
            ("[rules]\nASR999 = \"off\"", "`ASR999` is not a rule"),
            ("[rules]\nASR901 = \"off\"", "cannot be changed"),
            ("[rules]\nASR201 = \"fatal\"", "fatal"),
            (
                "[[accept]]\nrule = \"ASR201\"",
                "line 1: `reason` is required",
            ),
            (
                "[[accept]]\nrule = \"ASR903\"\nreason = \"x\"",
                "cannot be accepted",
            ),
            (
                "\n[[accept]]\nrule = \"ASR201\"\nreason = \"x\"\nexpires = \"31/03/2027\"",
                "line 2: `expires` must be a date",
            ),
            (
                "[[accept]]\nrule = \"ASR201\"\nreason = \"x\"\noperation = \"failbackk\"",
                "failbackk",
            ),
            (
                "[[accept]]\nrule = \"ASR201\"\nreason = \"x\"\nvms = \"a\"",
                "vms",
            ),
            ("[sarif]\ninformation-uri = \"docs\"", "absolute"),
        ];
        for (text, want) in cases {
            let err = parse(text).expect_err(text);
            assert!(err.contains(want), "{text:?}: {err}");
        }
    }

    #[test]
    fn discovery_walks_up_and_stops_at_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let deep = dir.path().join("a/b");
        std::fs::create_dir_all(&deep).unwrap();
        assert!(Config::load(None, Some(&deep)).unwrap().file.is_none());
        std::fs::write(dir.path().join(FILE_NAME), "fail-on = \"info\"").unwrap();
        let c = Config::load(None, Some(&deep)).unwrap();
        // Found above the directory: shown by its full path.
        assert_eq!(
            c.file.as_deref(),
            Some(dir.path().join(FILE_NAME).as_path())
        );
        let here = Config::load(None, Some(dir.path())).unwrap();
        assert_eq!(here.file.as_deref(), Some(Path::new(FILE_NAME)));
        assert_eq!(c.fail_on, Some(Level::Info));
        std::fs::write(dir.path().join("a").join(FILE_NAME), "fail-on = \"never\"").unwrap();
        assert_eq!(Config::load(None, Some(&deep)).unwrap().fail_on, None);
    }
}
