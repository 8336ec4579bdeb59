//! The result of a check: sorted findings plus what the exit code and the
//! summary line are computed from.

use crate::finding::{Finding, Level, OperationArg};
use crate::model::{Operation, Timestamp};
use serde::Serialize;

/// Everything renderers need.
#[derive(Clone, Debug)]
pub struct Report {
    pub operation: OperationArg,
    /// Items in scope.
    pub items: usize,
    /// Items selected whose scenario is not modeled (ASR905): never ready.
    pub unchecked: usize,
    /// The operations checked and how many items each (several under `next`).
    pub operations: Vec<(Operation, usize)>,
    pub plan: Option<String>,
    /// Sorted by `Finding::report_order`.
    pub findings: Vec<Finding>,
    /// `--fail-on`; `None` is `never`.
    pub fail_on: Option<Level>,
    pub collected_at: Option<Timestamp>,
    /// The time checked against (`--now`, else the clock).
    pub now: Timestamp,
    /// The ARM endpoint the facts came from (the manifest's), when known.
    pub endpoint: Option<String>,
    pub has_manifest: bool,
    pub notices: Vec<String>,
    /// Needed, free and limit per target region and quota counter.
    pub capacity: Vec<crate::analysis::demand::CapacityRow>,
    /// Put before a bundle file's name in SARIF and annotations
    /// (`--sarif-root`, else the `--from` directory); empty for none.
    pub artifact_prefix: String,
    /// `[sarif] information-uri` of the configuration.
    pub information_uri: Option<String>,
    /// `--baseline`: the file, and how many of its findings are gone.
    pub baseline: Option<BaselineRun>,
    /// How much detail the readable formats show (`--details`, `--max-per-rule`).
    pub view: View,
    /// The recovery plans of the input (only `--plan`'s when given), their
    /// groups in order: the HTML report filters by plan and shows the
    /// checked plan's groups.
    pub plans: Vec<PlanView>,
    /// The vaults of the items in scope and their items (filled when there
    /// are several, or for a fleet); `vault_rows` counts their findings.
    pub vaults: Vec<VaultItems>,
}

/// A vault of the report and its items in scope.
#[derive(Clone, Debug)]
pub struct VaultItems {
    pub id: String,
    /// `eastus2 → centralus` (source → target regions of its items).
    pub regions: String,
    /// The item ids (lower-cased).
    pub items: Vec<String>,
}

/// One line of the fleet table.
#[derive(Clone, Debug, Serialize)]
pub struct VaultRow {
    pub vault: String,
    pub name: String,
    pub regions: String,
    pub items: usize,
    /// Items with no blocking and no incomplete finding of their own.
    pub ready: usize,
    /// Findings about the vault's items (or shared with them) at or above `--fail-on`.
    pub blocking: usize,
    pub warnings: usize,
    /// ASR901 findings about the vault's items (or shared with them).
    pub incomplete: usize,
    /// `ready`, `not ready` or `incomplete`, as the fleet's verdict is decided.
    pub verdict: &'static str,
}

/// A recovery plan as the reports show it.
#[derive(Clone, Debug)]
pub struct PlanView {
    pub name: String,
    /// In order: the group's type (`Boot`, `Shutdown`, ...) and its items
    /// as (item id, VM name).
    pub groups: Vec<(String, Vec<(crate::model::ResourceId, String)>)>,
}

/// Which findings the readable formats (human, Markdown) show in full; the
/// others are counted in the rule lines. JSON, SARIF and JUnit always carry
/// every finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Details {
    /// Every finding.
    All,
    /// Those that block: errors, missing facts (ASR901), and whatever
    /// `--fail-on` makes blocking; not accepted ones, nor ones the baseline has.
    #[default]
    Blocking,
    /// None: the verdict, the rule lines and the capacity table.
    None,
}

/// The view of the readable formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct View {
    pub details: Details,
    /// At most this many findings of one rule in full; the rest by subject
    /// on a line. 0: no limit.
    pub max_per_rule: usize,
}

impl Default for View {
    fn default() -> Self {
        View {
            details: Details::Blocking,
            max_per_rule: 5,
        }
    }
}

/// The findings of one rule the view shows: those in full (at most
/// `--max-per-rule`) and the rest, named only.
#[derive(Debug)]
pub struct DetailGroup<'a> {
    pub code: &'static str,
    pub full: &'a [&'a Finding],
    pub rest: &'a [&'a Finding],
}

/// One rule that fired, at one level: how many findings, on which subjects.
#[derive(Clone, Debug, Serialize)]
pub struct RuleLine {
    pub code: &'static str,
    pub name: &'static str,
    pub level: Level,
    pub findings: usize,
    /// The subjects' names, distinct, in report order.
    pub subjects: Vec<String>,
}

/// A run against a baseline.
#[derive(Clone, Debug)]
pub struct BaselineRun {
    pub path: String,
    /// Fingerprints of the baseline no finding of this run has (fixed, or
    /// out of this run's scope).
    pub gone: usize,
}

/// The counts of a run against a baseline.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
pub struct BaselineCounts {
    /// Findings not in the baseline (they block as usual).
    pub new: usize,
    /// Findings in the baseline (reported, never blocking).
    pub unchanged: usize,
    /// Baseline findings this run no longer has.
    pub gone: usize,
}

/// The counts behind the verdict.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub items: usize,
    /// Items of a scenario this version does not check (ASR905), not in `items`.
    pub unchecked: usize,
    /// Findings at or above `--fail-on`, not counting ASR901.
    pub blocking: usize,
    /// Findings at error level, not counting ASR901 (whatever the gate).
    pub errors: usize,
    pub warnings: usize,
    pub info: usize,
    /// ASR901 findings: facts that were missing.
    pub incomplete: usize,
    pub ready: bool,
    /// With `--baseline`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineCounts>,
}

/// What the run means for a gate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Exit 0.
    Ready,
    /// Exit 1: at least one blocking finding.
    NotReady,
    /// Exit 3: nothing blocking, but facts were missing.
    Incomplete,
}

impl Verdict {
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Ready => 0,
            Verdict::NotReady => 1,
            Verdict::Incomplete => 3,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Verdict::Ready => "READY",
            Verdict::NotReady => "NOT READY",
            Verdict::Incomplete => "INCOMPLETE",
        }
    }
}

impl Report {
    /// True when the readable formats show `f` in full under `--details blocking`.
    pub fn is_blocking_detail(&self, f: &Finding) -> bool {
        f.is_missing_fact()
            || (f.counts()
                && (f.level == Level::Error || self.fail_on.is_some_and(|t| f.level >= t)))
    }

    /// True when the view shows `f` in full.
    pub fn shows(&self, f: &Finding) -> bool {
        match self.view.details {
            Details::All => true,
            Details::Blocking => self.is_blocking_detail(f),
            Details::None => false,
        }
    }

    /// The findings the view shows, in report order.
    pub fn shown(&self) -> Vec<&Finding> {
        self.findings.iter().filter(|f| self.shows(f)).collect()
    }

    /// `shown` (from `shown()`) cut into runs of one rule, each split at
    /// `--max-per-rule`.
    pub fn detail_groups<'a>(&self, shown: &'a [&'a Finding]) -> Vec<DetailGroup<'a>> {
        let max = self.view.max_per_rule;
        let mut groups = Vec::new();
        let mut rest = shown;
        while let Some(first) = rest.first() {
            let len = rest.iter().take_while(|f| f.code == first.code).count();
            let (group, tail) = rest.split_at(len);
            let full = if max == 0 { len } else { max.min(len) };
            groups.push(DetailGroup {
                code: first.code,
                full: &group[..full],
                rest: &group[full..],
            });
            rest = tail;
        }
        groups
    }

    /// One line per rule and level that fired, worst level first, then by code.
    pub fn rule_lines(&self) -> Vec<RuleLine> {
        let mut lines: Vec<RuleLine> = Vec::new();
        // The subjects each line has, to keep them distinct without
        // searching its list (one rule can fire on every item).
        let mut seen: Vec<std::collections::HashSet<&str>> = Vec::new();
        for f in &self.findings {
            let at = match lines
                .iter()
                .position(|l| l.code == f.code && l.level == f.level)
            {
                Some(at) => at,
                None => {
                    lines.push(RuleLine {
                        code: f.code,
                        name: f.name,
                        level: f.level,
                        findings: 0,
                        subjects: Vec::new(),
                    });
                    seen.push(Default::default());
                    lines.len() - 1
                }
            };
            lines[at].findings += 1;
            if seen[at].insert(&f.subject.name) {
                lines[at].subjects.push(f.subject.name.clone());
            }
        }
        lines.sort_by(|a, b| b.level.cmp(&a.level).then(a.code.cmp(b.code)));
        lines
    }

    /// The fleet table: one row per vault, findings attributed to the vault
    /// of their item, or to every vault sharing their subject.
    pub fn vault_rows(&self) -> Vec<VaultRow> {
        self.vaults
            .iter()
            .map(|v| {
                let key = v.id.to_ascii_lowercase();
                let mine: Vec<&Finding> = self
                    .findings
                    .iter()
                    .filter(|f| {
                        f.subject.vault_key().as_deref() == Some(key.as_str())
                            || f.subject
                                .vaults
                                .iter()
                                .any(|x| x.eq_ignore_ascii_case(&key))
                    })
                    .collect();
                let blocks = |f: &Finding| {
                    !f.is_missing_fact() && f.counts() && self.fail_on.is_some_and(|t| f.level >= t)
                };
                let blocking = mine.iter().filter(|f| blocks(f)).count();
                let incomplete = mine.iter().filter(|f| f.is_missing_fact()).count();
                let warnings = mine
                    .iter()
                    .filter(|f| !f.is_missing_fact() && f.level == Level::Warning)
                    .count();
                let item_of = |f: &Finding| {
                    f.subject
                        .item
                        .as_deref()
                        .unwrap_or(&f.subject.id)
                        .to_ascii_lowercase()
                };
                let stopped: std::collections::HashSet<String> = mine
                    .iter()
                    .filter(|f| blocks(f) || f.is_missing_fact())
                    .map(|f| item_of(f))
                    .collect();
                let ready = v.items.iter().filter(|i| !stopped.contains(*i)).count();
                let verdict = match self.verdict_from(blocking, incomplete) {
                    Verdict::Ready => "ready",
                    Verdict::NotReady => "not ready",
                    Verdict::Incomplete => "incomplete",
                };
                VaultRow {
                    vault: v.id.clone(),
                    name: crate::model::ResourceId::new(&v.id).name().to_string(),
                    regions: v.regions.clone(),
                    items: v.items.len(),
                    ready,
                    blocking,
                    warnings,
                    incomplete,
                    verdict,
                }
            })
            .collect()
    }

    pub fn summary(&self) -> Summary {
        let blocking = self
            .findings
            .iter()
            .filter(|f| {
                !f.is_missing_fact() && f.counts() && self.fail_on.is_some_and(|t| f.level >= t)
            })
            .count();
        let count = |l: Level| {
            self.findings
                .iter()
                .filter(|f| !f.is_missing_fact() && f.level == l)
                .count()
        };
        let incomplete = self.findings.iter().filter(|f| f.is_missing_fact()).count();
        let verdict = self.verdict_from(blocking, incomplete);
        Summary {
            items: self.items,
            unchecked: self.unchecked,
            blocking,
            errors: count(Level::Error),
            warnings: count(Level::Warning),
            info: count(Level::Info),
            incomplete,
            ready: verdict == Verdict::Ready,
            baseline: self.baseline.as_ref().map(|b| BaselineCounts {
                new: self
                    .findings
                    .iter()
                    .filter(|f| f.baseline == Some(crate::finding::BaselineState::New))
                    .count(),
                unchanged: self
                    .findings
                    .iter()
                    .filter(|f| f.baseline == Some(crate::finding::BaselineState::Unchanged))
                    .count(),
                gone: b.gone,
            }),
        }
    }

    fn verdict_from(&self, blocking: usize, incomplete: usize) -> Verdict {
        if blocking > 0 {
            Verdict::NotReady
        } else if incomplete > 0 && self.fail_on.is_some() {
            Verdict::Incomplete
        } else {
            Verdict::Ready
        }
    }

    pub fn verdict(&self) -> Verdict {
        let s = self.summary();
        self.verdict_from(s.blocking, s.incomplete)
    }

    /// The counts per level and the gate's decision, as a verdict line ends:
    /// `5 errors, 11 warnings, 0 incomplete — NOT READY`, with the gate said
    /// when it is not the default (`… — NOT READY (--fail-on warning: 16
    /// blocking)`, `… — gate off (--fail-on never), exit 0`). `paint`
    /// decorates the verdict word.
    pub fn verdict_tail(&self, paint: &dyn Fn(Verdict, &str) -> String) -> String {
        let s = self.summary();
        let counts = format!(
            "{}, {}, {} incomplete",
            crate::text::count(s.errors, "error", "errors"),
            crate::text::count(s.warnings, "warning", "warnings"),
            s.incomplete
        );
        let verdict = self.verdict();
        let gate = match self.fail_on {
            None => format!(
                "{counts} — gate off (--fail-on never), exit {}",
                verdict.exit_code()
            ),
            Some(Level::Error) => format!("{counts} — {}", paint(verdict, verdict.label())),
            Some(l) => format!(
                "{counts} — {} (--fail-on {}: {} blocking)",
                paint(verdict, verdict.label()),
                l.as_str(),
                s.blocking
            ),
        };
        match s.baseline {
            Some(b) => format!(
                "{gate}; against the baseline: {} new, {} unchanged, {} gone",
                b.new, b.unchanged, b.gone
            ),
            None => gate,
        }
    }

    /// `; 2 items not checked (a scenario asr-preflight does not model)`, or nothing.
    pub fn unchecked_phrase(&self) -> String {
        if self.unchecked == 0 {
            return String::new();
        }
        format!(
            "; {} not checked (a scenario asr-preflight does not model: ASR905)",
            crate::text::count(self.unchecked, "item", "items")
        )
    }

    /// `for failover`, or `for the next operation (8 failover, 2 commit)` under `next`.
    pub fn operation_phrase(&self) -> String {
        match self.operation {
            OperationArg::Op(op) => format!("for {}", op.label()),
            OperationArg::Next => {
                let parts: Vec<String> = self
                    .operations
                    .iter()
                    .map(|(op, n)| format!("{n} {}", op.label()))
                    .collect();
                if parts.is_empty() {
                    "for the next operation".to_string()
                } else {
                    format!("for the next operation ({})", parts.join(", "))
                }
            }
        }
    }
}
