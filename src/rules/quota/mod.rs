//! Quota and capacity rules: will the target region have room for everything
//! the operation creates? They read the demand analysis (`crate::analysis::demand`).

pub mod target_family_quota_exceeded;
pub mod target_nic_quota_exceeded;
pub mod target_quota_headroom_low;
pub mod target_regional_quota_exceeded;
pub mod target_size_unavailable;

pub use crate::analysis::demand::*;
