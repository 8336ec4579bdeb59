//! A single self-contained HTML readiness report: no external script,
//! style, font or image, so it works offline and as an email attachment.
//! The verdict; the bundle's age and completeness; a capacity chart per
//! target region (drawn as inline SVG, so it prints); the per-rule rollup;
//! every finding in a table that sorts and filters (level, rule, operation,
//! resource group) with its evidence and fix. All data is HTML-escaped;
//! the script only reads the table it is given.

use super::Renderer;
use crate::finding::{Finding, Level};
use crate::report::{Report, Verdict};
use std::collections::HashMap;
use std::io::{self, Write};

pub struct Html;

/// Escapes text for HTML content and attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// `code spans` as `<code>`, the rest escaped.
fn rich(s: &str) -> String {
    let paired = s.matches('`').count().is_multiple_of(2);
    if !paired {
        return esc(s);
    }
    s.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<code>{}</code>", esc(part))
            } else {
                esc(part)
            }
        })
        .collect()
}

/// The resource group named in an id (lower-cased), or `-`.
fn resource_group(id: &str) -> String {
    crate::model::ResourceId::new(id)
        .resource_group()
        .map_or_else(|| "-".to_string(), str::to_ascii_lowercase)
}

const STYLE: &str = r#"
:root { --err: #b42318; --warn: #b54708; --info: #175cd3; --ok: #067647; --muted: #667085; --line: #d0d5dd; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 24px auto; max-width: 1200px; padding: 0 16px; color: #101828; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.verdict { font-weight: 700; padding: 2px 10px; border-radius: 6px; color: #fff; }
.verdict.ready { background: var(--ok); } .verdict.not-ready { background: var(--err); } .verdict.incomplete { background: var(--warn); } .verdict.off { background: var(--muted); }
.meta { color: var(--muted); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
th { background: #f9fafb; position: sticky; top: 0; }
th.sortable { cursor: pointer; user-select: none; } th.sortable::after { content: " \2195"; color: var(--muted); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.level { font-weight: 700; text-transform: uppercase; font-size: 12px; }
.level.error { color: var(--err); } .level.warning { color: var(--warn); } .level.info { color: var(--info); } .level.ready { color: var(--ok); }
code { background: #f2f4f7; padding: 0 3px; border-radius: 3px; font-size: 12.5px; word-break: break-all; }
.filters { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0; align-items: center; }
.filters label { color: var(--muted); } select, input { font: inherit; padding: 3px 6px; }
details > summary { cursor: pointer; color: var(--info); }
ul.evidence { margin: 4px 0; padding-left: 18px; } .src { color: var(--muted); }
.chart { margin: 8px 0 18px; } .chart text { font-size: 12px; fill: #101828; } .chart .short { fill: var(--err); font-weight: 700; }
.legend span { display: inline-block; margin-right: 14px; } .sw { display: inline-block; width: 12px; height: 12px; vertical-align: -1px; margin-right: 4px; }
.notice { color: var(--muted); }
@media print { .filters { display: none; } th { position: static; } details { display: block; } details > summary { display: none; } body { margin: 0; max-width: none; } }
"#;

/// Sorting and filtering of the findings table; a self-test when the page
/// is opened with `#selftest` (the browser test reads its result from the DOM).
const SCRIPT: &str = r##"
(function () {
  "use strict";
  var table = document.getElementById("findings");
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var filters = Array.prototype.slice.call(document.querySelectorAll("[data-filter]"));
  var search = document.getElementById("search");
  var shownCount = document.getElementById("shown");
  function apply() {
    var text = search.value.trim().toLowerCase();
    var n = 0;
    rows.forEach(function (r) {
      var ok = filters.every(function (f) {
        if (f.value === "") { return true; }
        if (f.dataset.filter === "plan" || f.dataset.filter === "vault") { return r.dataset[f.dataset.filter].indexOf("|" + f.value + "|") >= 0; }
        return r.dataset[f.dataset.filter] === f.value;
      });
      if (ok && text) { ok = r.textContent.toLowerCase().indexOf(text) >= 0; }
      r.hidden = !ok;
      if (ok) { n++; }
    });
    shownCount.textContent = String(n);
    return n;
  }
  filters.forEach(function (f) { f.addEventListener("change", apply); });
  search.addEventListener("input", apply);
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
    if (!th.classList.contains("sortable")) { return; }
    th.addEventListener("click", function () {
      var dir = th.dataset.dir === "asc" ? -1 : 1;
      th.dataset.dir = dir === 1 ? "asc" : "desc";
      rows.sort(function (a, b) {
        var x = a.cells[col].dataset.key || a.cells[col].textContent;
        var y = b.cells[col].dataset.key || b.cells[col].textContent;
        return x < y ? -dir : x > y ? dir : 0;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  apply();
  if (location.hash === "#selftest") {
    var out = document.getElementById("selftest");
    var level = document.querySelector("[data-filter=level]");
    var want = rows.filter(function (r) { return r.dataset.level === "error"; }).length;
    level.value = "error";
    var got = apply();
    var visible = rows.filter(function (r) { return !r.hidden; }).every(function (r) { return r.dataset.level === "error"; });
    level.value = "";
    var all = apply();
    out.textContent = (got === want && visible && all === rows.length ? "filter ok" : "filter broken") +
      ": level=error shows " + got + " of " + rows.length + " rows (" + want + " errors)";
  }
})();
"##;

impl Html {
    fn chart(&self, report: &Report, w: &mut dyn Write) -> io::Result<()> {
        let mut regions: Vec<(&Option<String>, &str)> = Vec::new();
        for r in &report.capacity {
            if !regions.contains(&(&r.subscription, r.region.as_str())) {
                regions.push((&r.subscription, r.region.as_str()));
            }
        }
        writeln!(
            w,
            "<p class=\"legend\"><span><i class=\"sw\" style=\"background:#98a2b3\"></i>in use</span><span><i class=\"sw\" style=\"background:#2e90fa\"></i>needed by the operation</span><span><i class=\"sw\" style=\"background:#f04438\"></i>beyond the limit</span><span><i class=\"sw\" style=\"background:#eaecf0;border:1px solid #98a2b3\"></i>free</span> — the dark line is the limit</p>"
        )?;
        for (sub, region) in regions {
            let rows: Vec<_> = report
                .capacity
                .iter()
                .filter(|r| &r.subscription == sub && r.region == region)
                .collect();
            let title = match sub {
                Some(s) => format!("{region} (subscription {s})"),
                None => region.to_string(),
            };
            writeln!(w, "<h3>{}</h3>", esc(&title))?;
            let (label_w, bar_w, row_h) = (190.0, 640.0, 26.0);
            let height = row_h * rows.len() as f64 + 8.0;
            // Scales with the page; the right margin holds the numbers.
            writeln!(
                w,
                "<svg class=\"chart capacity\" role=\"img\" aria-label=\"quota in {}\" width=\"100%\" viewBox=\"0 0 {} {height}\">",
                esc(region),
                label_w + bar_w + 330.0
            )?;
            for (i, r) in rows.iter().enumerate() {
                let y = 4.0 + row_h * i as f64;
                writeln!(
                    w,
                    "<text x=\"0\" y=\"{}\">{}</text>",
                    y + 16.0,
                    esc(&r.quota)
                )?;
                let verdict = r.verdict();
                let short = verdict.starts_with("short");
                match (r.in_use, r.limit) {
                    (Some(used), Some(limit)) if limit > 0 => {
                        // Scale so that the limit and any overflow both fit.
                        let top = (used + r.needed).max(limit) as f64;
                        let x = |v: i64| label_w + bar_w * (v as f64 / top);
                        writeln!(w, "<rect class=\"free\" x=\"{label_w}\" y=\"{y}\" width=\"{:.1}\" height=\"18\" fill=\"#eaecf0\" stroke=\"#98a2b3\"/>", x(limit) - label_w)?;
                        writeln!(w, "<rect class=\"in-use\" x=\"{label_w}\" y=\"{y}\" width=\"{:.1}\" height=\"18\" fill=\"#98a2b3\"/>", x(used.min(limit)) - label_w)?;
                        let fit_end = (used + r.needed).min(limit).max(used.min(limit));
                        writeln!(w, "<rect class=\"needed\" x=\"{:.1}\" y=\"{y}\" width=\"{:.1}\" height=\"18\" fill=\"#2e90fa\"/>", x(used.min(limit)), x(fit_end) - x(used.min(limit)))?;
                        if used + r.needed > limit {
                            writeln!(w, "<rect class=\"shortfall\" x=\"{:.1}\" y=\"{y}\" width=\"{:.1}\" height=\"18\" fill=\"#f04438\"/>", x(limit), x(used + r.needed) - x(limit))?;
                        }
                        writeln!(w, "<line class=\"limit\" x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{}\" y2=\"{}\" stroke=\"#101828\" stroke-width=\"2\"/>", x(limit), x(limit), y - 2.0, y + 20.0)?;
                    }
                    _ => {
                        writeln!(w, "<rect class=\"unknown\" x=\"{label_w}\" y=\"{y}\" width=\"{bar_w}\" height=\"18\" fill=\"none\" stroke=\"#98a2b3\" stroke-dasharray=\"4 3\"/>")?;
                    }
                }
                let label = format!(
                    "{} needed, {} free of {} — {verdict}",
                    r.needed,
                    r.free.map_or("?".to_string(), |f| f.to_string()),
                    r.limit.map_or("?".to_string(), |f| f.to_string())
                );
                writeln!(
                    w,
                    "<text x=\"{}\" y=\"{}\"{}>{}</text>",
                    label_w + bar_w + 8.0,
                    y + 14.0,
                    if short { " class=\"short\"" } else { "" },
                    esc(&label)
                )?;
            }
            writeln!(w, "</svg>")?;
        }
        Ok(())
    }

    fn finding_row(
        &self,
        plans_by_item: &HashMap<String, Vec<&str>>,
        f: &Finding,
        w: &mut dyn Write,
    ) -> io::Result<()> {
        let level = f.level.as_str();
        let item = f.subject.item.as_deref().unwrap_or(&f.subject.id);
        let plans: &[&str] = plans_by_item
            .get(&item.to_ascii_lowercase())
            .map_or(&[], Vec::as_slice);
        let rg = resource_group(&f.subject.id);
        let rank = match f.level {
            Level::Error => 0,
            Level::Warning => 1,
            Level::Info => 2,
        };
        write!(
            w,
            "<tr data-level=\"{level}\" data-rule=\"{}\" data-operation=\"{}\" data-rg=\"{}\" data-plan=\"|{}|\" data-vault=\"|{}|\">",
            f.code,
            f.operation.as_str(),
            esc(&rg),
            esc(&plans.join("|")),
            esc(&vault_names(f).join("|"))
        )?;
        write!(
            w,
            "<td data-key=\"{rank}\"><span class=\"level {level}\">{level}</span></td>"
        )?;
        write!(
            w,
            "<td>{} <span class=\"meta\">{}</span></td>",
            f.code, f.name
        )?;
        write!(
            w,
            "<td>{}<br><span class=\"meta\">{}</span></td>",
            esc(&f.subject.name),
            esc(&rg)
        )?;
        write!(w, "<td>{}</td>", f.operation.as_str())?;
        write!(w, "<td>{}", rich(&f.message))?;
        write!(
            w,
            "<details><summary>evidence and fix</summary><ul class=\"evidence\">"
        )?;
        for e in &f.evidence {
            write!(
                w,
                "<li>{} <span class=\"src\">[{}]</span></li>",
                rich(&e.fact),
                esc(&e.place())
            )?;
        }
        write!(w, "</ul><p><strong>Fix:</strong> {}</p>", rich(&f.help))?;
        write!(
            w,
            "<p class=\"meta\">{} · fingerprint {}</p></details></td>",
            esc(&f.subject.id),
            f.fingerprint
        )?;
        writeln!(w, "</tr>")
    }
}

/// The plans holding each item (by its lower-cased id), in the report's
/// order: built once, not searched for every finding.
fn plans_of(report: &Report) -> HashMap<String, Vec<&str>> {
    let mut out: HashMap<String, Vec<&str>> = HashMap::new();
    for p in &report.plans {
        for (id, _) in p.groups.iter().flat_map(|(_, m)| m) {
            let names = out.entry(id.key()).or_default();
            if names.last() != Some(&p.name.as_str()) {
                names.push(p.name.as_str());
            }
        }
    }
    out
}

/// The worst level of the findings about each item (by its lower-cased id).
fn worst_of(report: &Report) -> HashMap<String, Level> {
    let mut out: HashMap<String, Level> = HashMap::new();
    for f in &report.findings {
        let item = f.subject.item.as_deref().unwrap_or(&f.subject.id);
        let at = out.entry(item.to_ascii_lowercase()).or_insert(f.level);
        *at = (*at).max(f.level);
    }
    out
}

/// The names of the vaults a finding is about (its own, or those sharing it).
fn vault_names(f: &Finding) -> Vec<String> {
    let name = |v: &str| crate::model::ResourceId::new(v).name().to_string();
    match &f.subject.vault {
        Some(v) => vec![name(v)],
        None => f.subject.vaults.iter().map(|v| name(v)).collect(),
    }
}

/// The distinct values of a column, for a filter's options.
fn options<'a>(values: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut v: Vec<&str> = values.collect();
    v.sort_unstable();
    v.dedup();
    v
}

impl Renderer for Html {
    fn render(&self, report: &Report, w: &mut dyn Write) -> io::Result<()> {
        let s = report.summary();
        let verdict = report.verdict();
        let (class, label) = match (report.fail_on, verdict) {
            (None, _) => ("off", "GATE OFF"),
            (_, Verdict::Ready) => ("ready", "READY"),
            (_, Verdict::NotReady) => ("not-ready", "NOT READY"),
            (_, Verdict::Incomplete) => ("incomplete", "INCOMPLETE"),
        };
        let plan = report
            .plan
            .as_deref()
            .map(|p| format!(" — recovery plan {p}"))
            .unwrap_or_default();
        writeln!(w, "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")?;
        writeln!(
            w,
            "<title>ASR readiness: {}{}</title>\n<style>{STYLE}</style>\n</head>\n<body>",
            label,
            esc(&plan)
        )?;
        writeln!(
            w,
            "<h1>ASR readiness <span id=\"verdict\" class=\"verdict {class}\">{label}</span></h1>"
        )?;
        writeln!(
            w,
            "<p id=\"summary\">{}{} checked {}{}: {}.</p>",
            crate::text::count(s.items, "item", "items"),
            esc(&plan),
            esc(&report.operation_phrase()),
            esc(&report.unchecked_phrase()),
            esc(&report.verdict_tail(&|_, t| t.to_string()))
        )?;
        let age = match report.collected_at {
            Some(at) => format!(
                "Facts collected {} ({} before the time checked, {}).",
                crate::text::date_time(at),
                crate::text::duration(report.now - at),
                crate::text::date_time(report.now)
            ),
            None => {
                "The bundle has no manifest: when its facts were collected is unknown.".to_string()
            }
        };
        writeln!(w, "<p class=\"meta\" id=\"freshness\">{}</p>", esc(&age))?;
        let complete = if s.incomplete == 0 {
            "Every fact the checks needed was read.".to_string()
        } else {
            format!(
                "{} — facts that were missing, so what depends on them is unknown (see ASR901 below).",
                crate::text::count(s.incomplete, "check is incomplete", "checks are incomplete")
            )
        };
        writeln!(
            w,
            "<p class=\"meta\" id=\"completeness\">{}</p>",
            esc(&complete)
        )?;
        // What was missing, named: the first ASR901 findings.
        let missing: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.is_missing_fact())
            .collect();
        if !missing.is_empty() {
            writeln!(w, "<ul id=\"missing\">")?;
            for f in missing.iter().take(10) {
                writeln!(
                    w,
                    "<li><strong>{}</strong> ({}): {}</li>",
                    esc(&f.subject.name),
                    f.operation.as_str(),
                    rich(&f.message)
                )?;
            }
            if missing.len() > 10 {
                writeln!(
                    w,
                    "<li class=\"meta\">and {} more (filter the findings by rule ASR901)</li>",
                    missing.len() - 10
                )?;
            }
            writeln!(w, "</ul>")?;
        }

        if !report.capacity.is_empty() {
            writeln!(w, "<h2>Capacity in the target regions</h2>")?;
            self.chart(report, w)?;
        }

        let vaults = report.vault_rows();
        if !vaults.is_empty() {
            writeln!(w, "<h2>Vaults</h2>\n<table id=\"vaults\"><thead><tr><th>vault</th><th>regions</th><th class=\"num\">items</th><th class=\"num\">ready</th><th class=\"num\">blocking</th><th class=\"num\">warnings</th><th class=\"num\">incomplete</th><th>verdict</th></tr></thead><tbody>")?;
            for v in &vaults {
                let class = match v.verdict {
                    "ready" => "ready",
                    "not ready" => "error",
                    _ => "warning",
                };
                writeln!(
                    w,
                    "<tr><td>{}<br><span class=\"meta\">{}</span></td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td><span class=\"level {class}\">{}</span></td></tr>",
                    esc(&v.name),
                    esc(&v.vault),
                    esc(&v.regions),
                    v.items,
                    v.ready,
                    v.blocking,
                    v.warnings,
                    v.incomplete,
                    v.verdict
                )?;
            }
            writeln!(w, "</tbody></table>")?;
        }

        let lines = report.rule_lines();
        if !lines.is_empty() {
            writeln!(w, "<h2>Rules that fired</h2>\n<table id=\"rules\"><thead><tr><th>level</th><th>rule</th><th class=\"num\">findings</th><th>on</th></tr></thead><tbody>")?;
            for l in &lines {
                let shown: Vec<String> = l.subjects.iter().take(8).map(|s| esc(s)).collect();
                let more = l.subjects.len().saturating_sub(shown.len());
                let tail = if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                };
                let level = l.level.as_str();
                writeln!(
                    w,
                    "<tr><td><span class=\"level {level}\">{level}</span></td><td>{} {}</td><td class=\"num\">{}</td><td>{}{tail}</td></tr>",
                    l.code,
                    l.name,
                    l.findings,
                    shown.join(", ")
                )?;
            }
            writeln!(w, "</tbody></table>")?;
        }

        if let (Some(name), [plan]) = (&report.plan, report.plans.as_slice()) {
            writeln!(
                w,
                "<h2>Recovery plan {}: its groups in order</h2>\n<ol id=\"plan-groups\">",
                esc(name)
            )?;
            let worst = worst_of(report);
            for (kind, members) in &plan.groups {
                let items: Vec<String> = members
                    .iter()
                    .map(|(id, vm)| match worst.get(&id.key()) {
                        Some(l) => format!(
                            "{} <span class=\"level {lvl}\">{lvl}</span>",
                            esc(vm),
                            lvl = l.as_str()
                        ),
                        None => format!("{} <span class=\"meta\">no finding</span>", esc(vm)),
                    })
                    .collect();
                writeln!(
                    w,
                    "<li><strong>{}</strong>: {}</li>",
                    esc(kind),
                    items.join(", ")
                )?;
            }
            writeln!(w, "</ol>")?;
        }
        if !report.findings.is_empty() {
            writeln!(w, "<h2>Findings</h2>")?;
            let f = &report.findings;
            let select = |name: &str, key: &str, values: Vec<&str>| {
                let mut s = format!(
                    "<label>{name} <select data-filter=\"{key}\"><option value=\"\">all</option>"
                );
                for v in values {
                    s.push_str(&format!("<option value=\"{0}\">{0}</option>", esc(v)));
                }
                s.push_str("</select></label>");
                s
            };
            let rgs: Vec<String> = f.iter().map(|x| resource_group(&x.subject.id)).collect();
            let vault_filter = if report.vaults.is_empty() {
                String::new()
            } else {
                let names: Vec<String> = f.iter().flat_map(vault_names).collect();
                select("vault", "vault", options(names.iter().map(String::as_str)))
            };
            let plan_filter = if report.plans.is_empty() {
                String::new()
            } else {
                select(
                    "recovery plan",
                    "plan",
                    options(report.plans.iter().map(|p| p.name.as_str())),
                )
            };
            writeln!(
                w,
                "<div class=\"filters\">{}{}{}{}{vault_filter}{plan_filter}<label>text <input id=\"search\" type=\"search\"></label><span class=\"meta\"><span id=\"shown\">{}</span> of {} shown</span></div>",
                select("level", "level", options(f.iter().map(|x| x.level.as_str()))),
                select("rule", "rule", options(f.iter().map(|x| x.code))),
                select("operation", "operation", options(f.iter().map(|x| x.operation.as_str()))),
                select("resource group", "rg", options(rgs.iter().map(String::as_str))),
                f.len(),
                f.len()
            )?;
            writeln!(w, "<table id=\"findings\"><thead><tr><th class=\"sortable\">level</th><th class=\"sortable\">rule</th><th class=\"sortable\">VM / subject</th><th class=\"sortable\">operation</th><th>problem</th></tr></thead><tbody>")?;
            let plans_by_item = plans_of(report);
            for x in f {
                self.finding_row(&plans_by_item, x, w)?;
            }
            writeln!(w, "</tbody></table>")?;
        }
        if !report.notices.is_empty() {
            writeln!(w, "<h2>Notes</h2><ul>")?;
            for n in &report.notices {
                writeln!(w, "<li class=\"notice\">{}</li>", rich(n))?;
            }
            writeln!(w, "</ul>")?;
        }
        writeln!(
            w,
            "<p class=\"meta\">asr-preflight {} · checked at {}</p>\n<pre id=\"selftest\" hidden></pre>",
            env!("CARGO_PKG_VERSION"),
            crate::text::date_time(report.now)
        )?;
        writeln!(w, "<script>{SCRIPT}</script>\n</body>\n</html>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_is_escaped() {
        assert_eq!(
            esc("<script>\"x\"&'"),
            "&lt;script&gt;&quot;x&quot;&amp;&#39;"
        );
        assert_eq!(rich("a `<b>` c<"), "a <code>&lt;b&gt;</code> c&lt;");
        assert_eq!(
            resource_group("/subscriptions/s/resourceGroups/RG-App/providers/x"),
            "rg-app"
        );
    }
}
