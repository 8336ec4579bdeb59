//! Texts kept for the whole run, each spelling once: the store behind
//! `Atom` and the shared parts of `ResourceId`s (whose names are packed
//! here too, see `model/id.rs`).
//!
//! An estate's ids and small-vocabulary texts live as long as the run, so
//! they are never freed one by one. Their bytes are packed end to end in
//! large blocks rather than given an allocation each (at 100,000 items that
//! was tens of megabytes of headers and rounding), and a holder keeps a thin
//! pointer (8 bytes) to the `&str` that is kept once per spelling.

use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::sync::{Mutex, OnceLock};

/// The size of a block of packed text.
const BLOCK: usize = 64 * 1024;

/// One text in a pool, looked up by its spelling.
struct Pooled(&'static &'static str);

impl std::borrow::Borrow<str> for Pooled {
    fn borrow(&self) -> &str {
        self.0
    }
}
impl PartialEq for Pooled {
    fn eq(&self, other: &Self) -> bool {
        *self.0 == *other.0
    }
}
impl Eq for Pooled {}
impl Hash for Pooled {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (*self.0).hash(state);
    }
}

struct Shard {
    set: HashSet<Pooled, rustc_hash::FxBuildHasher>,
    /// What is left of the shard's current block.
    room: &'static mut [u8],
}

/// A pool in `N` shards, so that parallel loading rarely waits.
pub(super) struct Pool<const N: usize> {
    shards: OnceLock<[Mutex<Shard>; N]>,
    /// How many texts each shard has room for before its table grows.
    capacity: usize,
}

impl<const N: usize> Pool<N> {
    pub(super) const fn new(capacity: usize) -> Self {
        Pool {
            shards: OnceLock::new(),
            capacity,
        }
    }

    /// The pool's spelling of `text`, kept for the run; `key` (a hash of
    /// the text, or of the part of it that tells texts apart) picks the shard.
    pub(super) fn intern(&self, text: &str, key: u64) -> &'static &'static str {
        let shards = self.shards.get_or_init(|| {
            std::array::from_fn(|_| {
                Mutex::new(Shard {
                    set: HashSet::with_capacity_and_hasher(self.capacity, Default::default()),
                    room: Default::default(),
                })
            })
        });
        let mut shard = shards[(key as usize >> 7) % N]
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if let Some(found) = shard.set.get(text) {
            return found.0;
        }
        let kept: &'static &'static str = Box::leak(Box::new(pack(&mut shard.room, text)));
        shard.set.insert(Pooled(kept));
        kept
    }
}

/// Copies `text` into a block kept for the run (a new block when `room`
/// is too small).
pub(super) fn pack(room: &mut &'static mut [u8], text: &str) -> &'static str {
    let n = text.len();
    if room.len() < n {
        *room = Box::leak(vec![0u8; BLOCK.max(n)].into_boxed_slice());
    }
    let (head, tail) = std::mem::take(room).split_at_mut(n);
    *room = tail;
    head.copy_from_slice(text.as_bytes());
    match std::str::from_utf8(head) {
        Ok(s) => s,
        // The bytes were copied from a `str`.
        Err(_) => unreachable!("a copy of UTF-8 text is UTF-8"),
    }
}
