//! Output of `estimate reprotect`: the inputs with their origins, each step,
//! the assumptions, and the range.

use super::human::wrap;
use crate::estimate::{minutes, Estimate, AUTOSCALE_MINUTES, PROCESSING_SHARE, TRANSFER_SHARE};
use std::io::{self, Write};

/// Writes the estimates as text.
pub fn human(estimates: &[Estimate], w: &mut dyn Write) -> io::Result<()> {
    for e in estimates {
        writeln!(
            w,
            "reprotect estimate for `{}`{}",
            e.vm,
            if e.full_copy { " (full copy)" } else { "" }
        )?;
        let row = |w: &mut dyn Write, label: &str, value: String, note: String| {
            writeln!(
                w,
                "{}",
                format!("  {label:<18} {value:<14} {note}").trim_end()
            )
        };
        match &e.checksum_minutes {
            Some(c) => row(w, "checksum", minutes(c.value), format!("from {}", c.from))?,
            None => row(w, "checksum", "?".into(), "unknown".into())?,
        }
        match &e.changed_gb {
            Some(c) => row(
                w,
                "changed data",
                format!("{:.0} GiB", c.value),
                format!("from {}", c.from),
            )?,
            None => row(w, "changed data", "?".into(), "unknown".into())?,
        }
        match &e.throughput_mbps {
            Some(t) => row(
                w,
                "disk throughput",
                format!("{:.0} MB/s", t.value),
                format!("from {}", t.from),
            )?,
            None => row(w, "disk throughput", "?".into(), "unknown".into())?,
        }
        match (e.transfer_minutes, &e.changed_gb, &e.throughput_mbps) {
            (Some(t), Some(c), Some(r)) => row(
                w,
                "transfer",
                minutes(t),
                format!(
                    "{:.0} GiB ÷ ({}% × {:.0} MB/s)",
                    c.value,
                    (TRANSFER_SHARE * 100.0) as i64,
                    r.value
                ),
            )?,
            _ => row(w, "transfer", "?".into(), String::new())?,
        }
        match e.processing_minutes {
            Some(p) => row(
                w,
                "recovery points",
                minutes(p),
                format!("{:.0}% of checksum + transfer", PROCESSING_SHARE * 100.0),
            )?,
            None => row(w, "recovery points", "?".into(), String::new())?,
        }
        row(
            w,
            "auto-scale",
            format!("{}–{} min", AUTOSCALE_MINUTES.0, AUTOSCALE_MINUTES.1),
            String::new(),
        )?;
        match e.total_minutes {
            Some((lo, hi)) => row(
                w,
                "total",
                format!("at least {} to {}", minutes(lo), minutes(hi)),
                String::new(),
            )?,
            None => row(w, "total", "unknown".into(), String::new())?,
        }
        for m in &e.missing {
            for (i, l) in wrap(m, 90).iter().enumerate() {
                writeln!(w, "  {} {l}", if i == 0 { "missing:" } else { "        " })?;
            }
        }
        for a in &e.assumptions {
            for (i, l) in wrap(a, 86).iter().enumerate() {
                writeln!(
                    w,
                    "  {} {l}",
                    if i == 0 { "assumption:" } else { "           " }
                )?;
            }
        }
        writeln!(w)?;
    }
    writeln!(
        w,
        "{} estimated (the documented formula is a lower bound: reprotect takes at least this long)",
        crate::text::count(estimates.len(), "reprotect", "reprotects")
    )
}

/// Writes the estimates as versioned JSON.
pub fn json(estimates: &[Estimate], w: &mut dyn Write) -> io::Result<()> {
    let doc = serde_json::json!({
        "version": 1,
        "tool": {"name": env!("CARGO_PKG_NAME"), "version": env!("CARGO_PKG_VERSION")},
        "estimates": estimates,
    });
    serde_json::to_writer_pretty(&mut *w, &doc)?;
    writeln!(w)
}
