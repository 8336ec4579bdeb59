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

/// Writes the status as versioned JSON.
pub fn json(st: &Status, w: &mut dyn Write) -> io::Result<()> {
    let doc = serde_json::json!({
        "version": 1,
        "tool": {"name": env!("CARGO_PKG_NAME"), "version": env!("CARGO_PKG_VERSION")},
        "summary": st.summary,
        "synchronizing": st.synchronizing,
        "attention": st.attention.iter().map(|(vm, why)| serde_json::json!({"vm": vm, "why": why})).collect::<Vec<_>>(),
    });
    serde_json::to_writer_pretty(&mut *w, &doc)?;
    writeln!(w)
}

#[cfg(test)]
mod tests {
    #[test]
    fn bars() {
        assert_eq!(super::bar(0), "[--------------------]");
        assert_eq!(super::bar(42), "[#########-----------]");
        assert_eq!(super::bar(100), "[####################]");
        assert_eq!(super::bar(250), "[####################]");
    }
}
