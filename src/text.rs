//! Wording helpers shared by rules: durations and times in an operator's
//! terms, lists in backticks.

use crate::model::Timestamp;
use time::Duration;

/// `52 s`, `47 min`, `3 h 12 min`, `212 days`.
pub fn duration(d: Duration) -> String {
    let mins = d.whole_minutes().max(0);
    if d.whole_seconds() < 60 {
        format!("{} s", d.whole_seconds().max(0))
    } else if mins < 60 {
        format!("{mins} min")
    } else if mins < 48 * 60 {
        let (h, m) = (mins / 60, mins % 60);
        if m == 0 {
            format!("{h} h")
        } else {
            format!("{h} h {m} min")
        }
    } else {
        format!("{} days", mins / (24 * 60))
    }
}

/// `2026-11-22 11:43 UTC`.
pub fn date_time(t: Timestamp) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// `2026-11-22`.
pub fn date(t: Timestamp) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
}

/// RFC 3339, for evidence.
pub fn rfc3339(t: Timestamp) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| date_time(t))
}

/// `` `a`, `b` `` — or `none`.
pub fn ticks<I, S>(items: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let v: Vec<String> = items
        .into_iter()
        .map(|s| format!("`{}`", s.as_ref()))
        .collect();
    if v.is_empty() {
        "none".to_string()
    } else {
        v.join(", ")
    }
}

/// `1 disk`, `2 disks`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// How many characters of a value from the data a message quotes.
pub const EXCERPT_CHARS: usize = 120;

/// A value from the data as a message may quote it: at most `max`
/// characters (then `… (N characters)`), control characters escaped, so a
/// hostile or huge value can neither flood nor steer a terminal.
pub fn excerpt(s: &str, max: usize) -> String {
    let total = s.chars().count();
    let mut out = String::with_capacity(s.len().min(max * 2));
    for c in s.chars().take(max) {
        push_escaped(&mut out, c);
    }
    if total > max {
        out.push_str(&format!("… ({total} characters)"));
    }
    out
}

/// Text with its control characters (C0, DEL, C1) escaped as `\n`, `\u{1b}`…:
/// what every human-facing renderer writes for data.
pub fn escape_controls(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push_escaped(&mut out, c);
    }
    std::borrow::Cow::Owned(out)
}

fn is_control(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if is_control(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration(Duration::seconds(52)), "52 s");
        assert_eq!(duration(Duration::minutes(47)), "47 min");
        assert_eq!(duration(Duration::minutes(192)), "3 h 12 min");
        assert_eq!(duration(Duration::hours(2)), "2 h");
        assert_eq!(duration(Duration::days(212)), "212 days");
    }

    #[test]
    fn excerpts_are_bounded_and_escaped() {
        assert_eq!(excerpt("Protected", 120), "Protected");
        assert_eq!(excerpt("a\u{1b}[31mb\n", 120), "a\\u{1b}[31mb\\n");
        let long = "x".repeat(10_000);
        let e = excerpt(&long, 5);
        assert_eq!(e, "xxxxx… (10000 characters)");
        assert_eq!(escape_controls("plain"), "plain");
        assert_eq!(escape_controls("bell\u{7}"), "bell\\u{7}");
    }

    #[test]
    fn times() {
        let t = time::macros::datetime!(2026-11-22 11:43:55 UTC);
        assert_eq!(date_time(t), "2026-11-22 11:43 UTC");
        assert_eq!(date(t), "2026-11-22");
        assert_eq!(rfc3339(t), "2026-11-22T11:43:55Z");
    }
}
