//! Rules about the facts themselves: missing (fail closed) and stale.

pub mod facts_missing;
pub mod snapshot_stale;

pub use facts_missing::{missing, META as FACTS_MISSING};
