//! Rules about the disks a failover brings along.

pub mod disk_not_protected;
pub mod reprotect_temp_disks_left;
pub mod target_disk_type_unsupported;
