//! Rules about the disks a failover brings along.

pub mod disk_not_protected;
