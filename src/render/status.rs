//! Output of `status`: the synchronizing items as a table, the items that
//! need attention, and the vault summary.

use crate::status::Status;
use std::io::{self, Write};

/// Writes the status as text.
pub fn human(st: &Status, w: &mut dyn Write) -> io::Result<()> {
    human_with(st, false, w)
}

/// A 20-cell text bar: `[#########-----------]`.
fn bar(percent: i64) -> String {
    let filled = (percent.clamp(0, 100) as usize * 20).div_ceil(100);
    format!("[{}{}]", "#".repeat(filled), "-".repeat(20 - filled))
}

/// Writes the status as text; `bars` draws a progress bar beside each
/// synchronizing item (`status --watch`).
pub fn human_with(st: &Status, bars: bool, w: &mut dyn Write) -> io::Result<()> {
    if !st.synchronizing.is_empty() {
        let rows: Vec<[String; 5]> = st
            .synchronizing
            .iter()
            .map(|r| {
                [
                    r.vm.clone(),
                    r.job_type.clone().unwrap_or_else(|| "-".into()),
                    match r.percent {
                        Some(p) if bars => format!("{} {p}%", bar(p)),
                        Some(p) => format!("{p}%"),
                        None => "?".into(),
                    },
                    r.rpo_seconds.map_or("-".into(), |s| {
                        crate::text::duration(time::Duration::seconds(s))
                    }),
                    r.remaining_minutes.map_or("-".into(), |m| {
                        format!("~{}", crate::text::duration(time::Duration::minutes(m)))
                    }),
                ]
            })
            .collect();
        let head =
            ["vm", "synchronization", "done", "rpo", "left at this pace"].map(str::to_string);
        let mut width = head.clone().map(|h| h.chars().count());
        for r in &rows {
            for (i, c) in r.iter().enumerate() {
                width[i] = width[i].max(c.chars().count());
            }
        }
        let line = |cells: &[String; 5]| {
            let mut s = String::from(" ");
            for (i, c) in cells.iter().enumerate() {
                s.push_str(&format!(" {c:<w$}", w = width[i]));
            }
            s.trim_end().to_string()
        };
        writeln!(w, "synchronizing:")?;
        writeln!(w, "{}", line(&head))?;
        for r in &rows {
            writeln!(w, "{}", line(r))?;
        }
        writeln!(w)?;
    }
    if !st.attention.is_empty() {
        writeln!(w, "needing attention:")?;
        for (vm, why) in &st.attention {
            writeln!(w, "  {vm}: {why}")?;
        }
        writeln!(w)?;
    }
    if !st.vaults.is_empty() {
        let name_w = st
            .vaults
            .iter()
            .map(|v| v.name.chars().count())
            .max()
            .unwrap_or(5)
            .max(5);
        writeln!(w, "vaults:")?;
        writeln!(
            w,
            "  {:<name_w$}  {:>5}  {:>9}  {:>13}  {:>10}  {:>9}",
            "vault", "items", "protected", "synchronizing", "failed over", "attention"
        )?;
        for v in &st.vaults {
            let s = &v.summary;
            writeln!(
                w,
                "  {:<name_w$}  {:>5}  {:>9}  {:>13}  {:>10}  {:>9}",
                v.name,
                s.items,
                s.protected,
                s.synchronizing,
                s.awaiting_commit + s.awaiting_reprotect + s.awaiting_failback,
                s.needing_attention
            )?;
        }
        writeln!(w)?;
    }
    let s = &st.summary;
    let pct = s
        .synchronizing_percent
        .map(|p| format!(" at {p}% overall"))
        .unwrap_or_default();
    writeln!(
        w,
        "{}: {} protected, {} synchronizing{pct}, {} failed over awaiting commit, {} awaiting reprotect{}, {} test failovers awaiting cleanup, {} needing attention",
        crate::text::count(s.items, "item", "items"),
        s.protected,
        s.synchronizing,
        s.awaiting_commit,
        s.awaiting_reprotect,
        // Hyper-V states appear only where there are some: A2A vaults read as before.
        if s.awaiting_failback + s.awaiting_complete_failover > 0 {
            format!(
                ", {} awaiting failback, {} failbacks waiting for Complete Failover",
                s.awaiting_failback, s.awaiting_complete_failover
            )
        } else {
            String::new()
        },
        s.test_failover_cleanup,
        s.needing_attention
    )
}

/// One screen of `status --watch`, `rows - 1` lines of `cols` characters at most: the
/// vault summary first, then the synchronizing items with their progress
/// bars, then the items needing attention as far as the screen allows
/// ("… and N more"), then `footer`. Lines are cut at `cols`, never wrapped,
/// so the frame never scrolls.
pub fn watch_frame(
    st: &Status,
    rows: usize,
    cols: usize,
    footer: &str,
    w: &mut dyn Write,
) -> io::Result<()> {
    // The last line ends with a newline: one row stays free, or the screen
    // would scroll the summary away.
    let rows = rows.saturating_sub(1).max(4);
    let mut full = Vec::new();
    human_with(st, true, &mut full)?;
    let full = String::from_utf8_lossy(&full);
    let summary = full.lines().last().unwrap_or_default().to_string();
    let mut out: Vec<String> = crate::render::wrap(&summary, cols.max(20));
    out.push(String::new());
    // Room left once the footer is placed.
    let budget = rows.saturating_sub(out.len() + 2).max(1);
    let sync: Vec<&str> = full
        .lines()
        .skip_while(|l| *l != "synchronizing:")
        .take_while(|l| !l.is_empty())
        .collect();
    let attention = &st.attention;
    let mut left = budget;
    if !sync.is_empty() {
        // The header and the column names, then as many items as fit while
        // leaving four lines for the attention list (its header, two items,
        // "and N more").
        let reserve = if attention.is_empty() { 0 } else { 4 };
        let room = left.saturating_sub(reserve + 2);
        let items = sync.len() - 2;
        let shown = if items <= room {
            items
        } else {
            room.saturating_sub(1)
        };
        out.extend(sync[..2 + shown].iter().map(|l| l.to_string()));
        let mut used = 2 + shown;
        if shown < items {
            out.push(format!("  … and {} more synchronizing", items - shown));
            used += 1;
        }
        left = left.saturating_sub(used);
    }
    if !attention.is_empty() && left >= 2 {
        out.push("needing attention:".to_string());
        left -= 1;
        let fit = if attention.len() <= left {
            attention.len()
        } else {
            left - 1
        };
        for (vm, why) in attention.iter().take(fit) {
            out.push(format!("  {vm}: {why}"));
        }
        if fit < attention.len() {
            out.push(format!(
                "  … and {} more needing attention",
                attention.len() - fit
            ));
        }
    }
    out.push(String::new());
    out.push(footer.to_string());
    for line in out.iter().take(rows) {
        let cut: String = line.chars().take(cols).collect();
        writeln!(w, "{cut}")?;
    }
    Ok(())
}

/// Writes the status as versioned JSON.
pub fn json(st: &Status, w: &mut dyn Write) -> io::Result<()> {
    let doc = serde_json::json!({
        "version": 1,
        "tool": {"name": env!("CARGO_PKG_NAME"), "version": env!("CARGO_PKG_VERSION")},
        "summary": st.summary,
        "synchronizing": st.synchronizing,
        "attention": st.attention.iter().map(|(vm, why)| serde_json::json!({"vm": vm, "why": why})).collect::<Vec<_>>(),
    });
    let mut doc = doc;
    if !st.vaults.is_empty() {
        doc["vaults"] = serde_json::to_value(&st.vaults).unwrap_or_default();
    }
    serde_json::to_writer_pretty(&mut *w, &doc)?;
    writeln!(w)
}

#[cfg(test)]
mod tests {
    use crate::status::{Status, Summary, Syncing};

    #[test]
    fn a_watch_frame_fits_80_by_24_summary_and_bars_first() {
        let st = Status {
            summary: Summary {
                items: 1000,
                protected: 900,
                synchronizing: 30,
                synchronizing_percent: Some(41),
                needing_attention: 70,
                ..Summary::default()
            },
            synchronizing: (0..30)
                .map(|i| Syncing {
                    vm: format!("vm-{i:04}"),
                    item: format!("item-{i}"),
                    state: "InitialReplicationInProgress".into(),
                    job_type: Some("InitialReplication".into()),
                    percent: Some(i * 3),
                    rpo_seconds: None,
                    started: None,
                    remaining_minutes: Some(40),
                })
                .collect(),
            attention: (0..70)
                .map(|i| (format!("app-{i:03}"), "replication health is Critical: 153007 No crash consistent recovery point in the last 60 minutes".to_string()))
                .collect(),
            vaults: Vec::new(),
        };
        let mut out = Vec::new();
        super::watch_frame(
            &st,
            24,
            80,
            "refreshing every 60s; Ctrl-C to stop",
            &mut out,
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines.len() <= 23,
            "{} lines (the 24th row stays free):\n{text}",
            lines.len()
        );
        assert!(lines.iter().all(|l| l.chars().count() <= 80), "{text}");
        assert!(
            lines[0].starts_with("1000 items: 900 protected, 30 synchronizing at 41% overall"),
            "{text}"
        );
        assert!(
            text.contains("[") && text.contains("% "),
            "progress bars: {text}"
        );
        assert!(
            text.contains("… and ") && text.contains("more synchronizing"),
            "{text}"
        );
        assert!(
            text.contains("needing attention:") && text.contains("more needing attention"),
            "{text}"
        );
        assert_eq!(
            lines.last().copied(),
            Some("refreshing every 60s; Ctrl-C to stop")
        );
        // A small vault fits whole.
        let small = Status {
            synchronizing: st.synchronizing[..2].to_vec(),
            attention: st.attention[..2].to_vec(),
            ..st.clone()
        };
        let mut out = Vec::new();
        super::watch_frame(&small, 24, 80, "x", &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains("more"), "{text}");
        assert!(
            text.contains("vm-0001") && text.contains("app-001"),
            "{text}"
        );
    }

    #[test]
    fn bars() {
        assert_eq!(super::bar(0), "[--------------------]");
        assert_eq!(super::bar(42), "[#########-----------]");
        assert_eq!(super::bar(100), "[####################]");
        assert_eq!(super::bar(250), "[####################]");
    }
}
