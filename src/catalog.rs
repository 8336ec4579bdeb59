//! The ASR error-code catalog (`rules/asr-error-codes.json`, embedded):
//! what a code means, how to fix it, and which preflight rules catch it
//! beforehand. Used by `explain <code>` and `diagnose`.

use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// One error code.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct ErrorCode {
    pub code: String,
    pub title: String,
    pub cause: String,
    pub fix: String,
    /// Codes of the rules that detect the cause before the operation.
    pub rules: Vec<String>,
}

#[derive(Deserialize)]
struct Table {
    codes: Vec<ErrorCode>,
}

/// The embedded catalog.
pub const TABLE: &str = include_str!("../rules/asr-error-codes.json");

/// Every code, parsed once (a test parses it; a failure is a build defect).
pub fn codes() -> &'static [ErrorCode] {
    static CODES: OnceLock<Vec<ErrorCode>> = OnceLock::new();
    CODES.get_or_init(|| {
        serde_json::from_str::<Table>(TABLE)
            .map(|t| t.codes)
            .unwrap_or_else(|e| panic!("rules/asr-error-codes.json is invalid: {e}"))
    })
}

/// Looks a code up, case-insensitively (`151066`, `ScopeLocked`).
pub fn lookup(code: &str) -> Option<&'static ErrorCode> {
    let code = code.trim();
    codes().iter().find(|c| c.code.eq_ignore_ascii_case(code))
}

/// The error codes whose cause `rule` (a rule code) detects or reports:
/// derived from the catalog, the one place that links codes and rules.
pub fn codes_for_rule(rule: &str) -> Vec<&'static str> {
    codes()
        .iter()
        .filter(|c| c.rules.iter().any(|r| r.eq_ignore_ascii_case(rule)))
        .map(|c| c.code.as_str())
        .collect()
}

/// The rule that detects the cause of `code` beforehand, other than
/// `reporter` (the rule that reports the code itself, such as ASR404).
pub fn preventing_rule(code: &str, reporter: &str) -> Option<&'static str> {
    lookup(code)?
        .rules
        .iter()
        .find(|r| !r.eq_ignore_ascii_case(reporter))
        .map(String::as_str)
}
