//! Analyses computed once per run, before the rules, from the estate and the
//! items in scope: what rules share is computed here, not inside one of them.

pub mod demand;
