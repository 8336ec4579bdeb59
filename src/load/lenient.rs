//! Tolerant field readers for ARM and az CLI JSON.
//!
//! The az CLI prints some numbers as strings (`az vm list-usage`), ASR writes
//! dates with seven fractional digits or without an offset, and any field may
//! be `null`. These readers accept all of that, and reject what is really
//! malformed with an error serde places at the right line and column.

use serde::de::{self, Deserializer, Visitor};
use std::fmt;
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, PrimitiveDateTime};

struct StringVisitor;

impl<'de> Visitor<'de> for StringVisitor {
    type Value = Option<String>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// A string, or a number or boolean written as one; `null` is `None`.
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    d.deserialize_any(StringVisitor)
}

struct IntVisitor;

impl<'de> Visitor<'de> for IntVisitor {
    type Value = Option<i64>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an integer (or an integer written as a string)")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        i64::try_from(v)
            .map(Some)
            .map_err(|_| E::custom(format!("integer {v} is out of range")))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        if v.is_finite() && v.fract() == 0.0 && v.abs() < 9.0e15 {
            Ok(Some(v as i64))
        } else {
            Err(E::invalid_type(de::Unexpected::Float(v), &self))
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let t = v.trim();
        if t.is_empty() {
            return Ok(None);
        }
        if let Ok(n) = t.parse::<i64>() {
            return Ok(Some(n));
        }
        match t.parse::<f64>() {
            Ok(f) => self.visit_f64(f),
            Err(_) => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
        }
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// An integer, or one written as a string (`"64"`); `null` or `""` is `None`.
pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    d.deserialize_any(IntVisitor)
}

struct BoolVisitor;

impl<'de> Visitor<'de> for BoolVisitor {
    type Value = Option<bool>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a boolean (or \"true\"/\"false\")")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        match v.trim().to_ascii_lowercase().as_str() {
            "true" => Ok(Some(true)),
            "false" => Ok(Some(false)),
            "" => Ok(None),
            _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
        }
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// A boolean, or `"true"`/`"false"`; `null` is `None`.
pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    d.deserialize_any(BoolVisitor)
}

/// Parses an ARM date-time: RFC 3339, or without an offset (taken as UTC).
pub fn parse_time(s: &str) -> Option<OffsetDateTime> {
    let t = s.trim();
    if let Ok(v) = OffsetDateTime::parse(t, &Rfc3339) {
        return Some(v);
    }
    // ASR writes `0001-01-01T00:00:00` and seven fractional digits; more than
    // nine digits or no offset defeat the RFC 3339 parser.
    let (body, offset) = split_offset(t);
    let body = trim_fraction(body, 9);
    if let Some(off) = offset {
        return OffsetDateTime::parse(&format!("{body}{off}"), &Rfc3339).ok();
    }
    let fmt = time::macros::format_description!(
        version = 2,
        "[year]-[month]-[day][first [T] [ ]][hour]:[minute]:[second][optional [.[subsecond]]]"
    );
    PrimitiveDateTime::parse(&body, &fmt)
        .ok()
        .map(PrimitiveDateTime::assume_utc)
}

fn split_offset(t: &str) -> (&str, Option<&str>) {
    if let Some(stripped) = t.strip_suffix(['Z', 'z']) {
        return (stripped, Some("Z"));
    }
    // an offset `+hh:mm` / `-hh:mm` after the time part
    if t.len() > 6 && t.is_char_boundary(t.len() - 6) {
        let (head, tail) = t.split_at(t.len() - 6);
        let b = tail.as_bytes();
        if (b[0] == b'+' || b[0] == b'-') && b[3] == b':' && head.contains('T') {
            return (head, Some(tail));
        }
    }
    (t, None)
}

fn trim_fraction(body: &str, max: usize) -> String {
    if !body.is_ascii() {
        return body.to_string(); // not a date; the parser will say so
    }
    match body.rfind('.') {
        Some(dot) if body.len() - dot - 1 > max => body[..dot + 1 + max].to_string(),
        _ => body.to_string(),
    }
}

struct TimeVisitor;

impl<'de> Visitor<'de> for TimeVisitor {
    type Value = Option<OffsetDateTime>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an ISO 8601 date-time such as 2026-11-22T11:43:55Z")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if v.trim().is_empty() {
            return Ok(None);
        }
        parse_time(v)
            .map(Some)
            .ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// An ISO 8601 date-time; `null` or `""` is `None`.
pub fn opt_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<OffsetDateTime>, D::Error> {
    d.deserialize_any(TimeVisitor)
}

/// A field read without failing on its type, so that a damaged value makes
/// a fact *unknown* (ASR901 on the item that needs it) instead of stopping
/// the run or passing silently: absent, `null`, the value, or what was
/// there instead (the path inside the field and a bounded excerpt).
#[derive(Debug, Default)]
pub enum Loose<T> {
    #[default]
    Absent,
    Null,
    Ok(T),
    Wrong {
        /// Where inside the field the type was wrong (`.` for the field itself).
        path: String,
        /// The value seen, bounded and escaped.
        seen: String,
    },
}

thread_local! {
    /// Whether `Loose` fields are read strictly on this thread (`strictly`).
    static STRICT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `read` with `Loose` fields read in one pass, as `Null` or `Ok`, and
/// a value of the wrong type an error of the whole read. Almost every
/// resource is well-formed: it is read once, not each loose field kept as
/// text and parsed again. Where `read` fails, read the resource again
/// without this (its damaged fields then become `Wrong`): a value read both
/// ways is the same.
pub fn strictly<R>(read: impl FnOnce() -> R) -> R {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            STRICT.with(|s| s.set(self.0));
        }
    }
    let _reset = Reset(STRICT.with(|s| s.replace(true)));
    read()
}

struct StrictVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: serde::de::DeserializeOwned> Visitor<'de> for StrictVisitor<T> {
    type Value = Loose<T>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a value or null")
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Loose::Null)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Loose::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        T::deserialize(d).map(Loose::Ok)
    }
}

impl<'de, T: serde::de::DeserializeOwned> serde::Deserialize<'de> for Loose<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if STRICT.with(std::cell::Cell::get) {
            return d.deserialize_option(StrictVisitor(std::marker::PhantomData));
        }
        let raw: Box<serde_json::value::RawValue> = serde::Deserialize::deserialize(d)?;
        let text = raw.get().trim();
        if text == "null" {
            return Ok(Loose::Null);
        }
        match serde_json::from_str::<T>(text) {
            Ok(v) => Ok(Loose::Ok(v)),
            Err(_) => {
                let mut de = serde_json::Deserializer::from_str(text);
                let path = match serde_path_to_error::deserialize::<_, T>(&mut de) {
                    Err(e) => e.path().to_string(),
                    Ok(_) => ".".to_string(),
                };
                let inner = value_at(text, &path);
                Ok(Loose::Wrong {
                    seen: crate::text::excerpt(
                        inner.as_deref().unwrap_or(text),
                        crate::text::EXCERPT_CHARS,
                    ),
                    path,
                })
            }
        }
    }
}

/// The JSON text at a `serde_path_to_error` path (`.a.b[2]`) inside `text`.
fn value_at(text: &str, path: &str) -> Option<String> {
    let mut v: serde_json::Value = serde_json::from_str(text).ok()?;
    let mut rest = path.trim_start_matches('.');
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('[') {
            let (n, after) = r.split_once(']')?;
            v = v.get_mut(n.parse::<usize>().ok()?)?.take();
            rest = after.trim_start_matches('.');
        } else {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            v = v.get_mut(&rest[..end])?.take();
            rest = rest[end..].trim_start_matches('.');
        }
    }
    Some(v.to_string())
}

/// An ISO 8601 date-time as a plain type (for `Loose<Time>`); `""` is none.
#[derive(Debug, Default)]
pub struct Time(pub Option<OffsetDateTime>);

impl<'de> serde::Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        opt_time(d).map(Time)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct T {
        #[serde(default, deserialize_with = "opt_i64")]
        n: Option<i64>,
        #[serde(default, deserialize_with = "opt_time")]
        t: Option<OffsetDateTime>,
        #[serde(default, deserialize_with = "opt_bool")]
        b: Option<bool>,
        #[serde(default, deserialize_with = "opt_string")]
        s: Option<String>,
    }

    fn t(json: &str) -> Result<T, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn numbers_as_strings() {
        assert_eq!(t(r#"{"n":"64"}"#).unwrap().n, Some(64));
        assert_eq!(t(r#"{"n":64}"#).unwrap().n, Some(64));
        assert_eq!(t(r#"{"n":64.0}"#).unwrap().n, Some(64));
        assert_eq!(t(r#"{"n":null}"#).unwrap().n, None);
        assert_eq!(t(r#"{}"#).unwrap().n, None);
        let e = t(r#"{"n":"lots"}"#).err().unwrap().to_string();
        assert!(e.contains("an integer"), "{e}");
    }

    #[test]
    fn times() {
        let v = t(r#"{"t":"2025-04-09T08:37:42.6483072Z"}"#)
            .unwrap()
            .t
            .unwrap();
        assert_eq!(v.year(), 2025);
        let v = t(r#"{"t":"0001-01-01T00:00:00"}"#).unwrap().t.unwrap();
        assert_eq!(v.year(), 1);
        let v = t(r#"{"t":"9999-12-31T23:59:59.9999999Z"}"#)
            .unwrap()
            .t
            .unwrap();
        assert_eq!(v.year(), 9999);
        let v = t(r#"{"t":"2017-04-25T09:57:57.0357829+05:30"}"#)
            .unwrap()
            .t
            .unwrap();
        assert_eq!(v.offset().whole_hours(), 5);
        assert!(t(r#"{"t":"yesterday"}"#).is_err());
        // Hostile text never panics: multi-byte characters where offsets and fractions sit.
        assert!(t(r#"{"t":"2025-01-01T00:00:00é12345"}"#).is_err());
        assert!(t(r#"{"t":"2025-01-01T00:00:00.1234567890é"}"#).is_err());
        assert!(t(r#"{"t":"ééééééé"}"#).is_err());
    }

    #[derive(Deserialize)]
    struct L {
        #[serde(default)]
        s: Loose<String>,
        #[serde(default)]
        v: Loose<Vec<String>>,
    }

    #[test]
    fn loose_fields_keep_what_was_wrong() {
        let l: L = serde_json::from_str(r#"{"s": 5, "v": ["a", {"x": 1}]}"#).unwrap();
        assert!(matches!(l.s, Loose::Wrong { ref seen, .. } if seen == "5"));
        assert!(
            matches!(l.v, Loose::Wrong { ref path, ref seen } if path == "[1]" && seen == r#"{"x":1}"#),
            "{:?}",
            l.v
        );
        let l: L = serde_json::from_str(r#"{"s": null}"#).unwrap();
        assert!(matches!(l.s, Loose::Null));
        assert!(matches!(l.v, Loose::Absent));
        let l: L = serde_json::from_str(r#"{"s": "Protected", "v": []}"#).unwrap();
        assert!(matches!(l.s, Loose::Ok(ref s) if s == "Protected"));
        assert!(matches!(l.v, Loose::Ok(ref v) if v.is_empty()));
    }

    #[test]
    fn bools_and_strings() {
        assert_eq!(t(r#"{"b":"True"}"#).unwrap().b, Some(true));
        assert_eq!(t(r#"{"s":151066}"#).unwrap().s.as_deref(), Some("151066"));
        assert!(t(r#"{"s":{"a":1}}"#).is_err());
    }
}
