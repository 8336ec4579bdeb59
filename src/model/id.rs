//! Azure resource ids: compared case-insensitively, always by the full id.
//!
//! ASR returns `/Subscriptions/...` and lower-cases some ids (`fabricObjectId`,
//! NIC and network ids), so equality, hashing and ordering fold ASCII case
//! while the original spelling is kept for display.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::{Mutex, OnceLock};

/// A full Azure resource id, with case-insensitive equality.
///
/// Ids are interned: an estate names the same VM, disk, network or fabric
/// many times (the item, the VM, the disk, the plan), and each spelling is
/// stored once for the whole run and shared by a thin pointer (8 bytes).
/// A spelling is kept in two parts: the text before its last `/`, which
/// the ids of one place share (every disk of a resource group has the same
/// `/subscriptions/…/resourceGroups/…/providers/Microsoft.Compute/disks`),
/// and its name. At 100,000 items whole spellings were 180 MB, most of it
/// these shared beginnings. Comparisons fold ASCII case as they go: a
/// shared beginning is kept with its lower-cased twin (there are few of
/// them), a name never is.
#[derive(Clone)]
pub struct ResourceId(&'static Spelling);

/// One spelling, kept for the rest of the process: `dir/name`, or `name`
/// alone for a text without `/`.
struct Spelling {
    /// The text before the last `/`, kept once however many ids share it.
    dir: Option<&'static Dir>,
    /// The text after the last `/`.
    name: &'static str,
}

/// The text before an id's last `/`, kept once for the run (a few per
/// resource group and type).
struct Dir {
    text: &'static str,
    /// The same text in lower case, kept as a `Dir` too; `None` when the
    /// text has no upper case. Texts equal without case have the same
    /// `canonical` one: ids compare their shared parts by address.
    lower: Option<&'static Dir>,
    /// The hash of the text lower-cased (`folded_hash`).
    folded: u64,
    /// The vault the text is below, once asked (`ResourceId::vault_id`):
    /// `None` when it has no `/providers/Microsoft.RecoveryServices/vaults/`,
    /// `Some(None)` when the vault's name after it is empty.
    vault: OnceLock<Option<Option<ResourceId>>>,
}

impl Dir {
    /// The text in lower case.
    fn canonical(&'static self) -> &'static Dir {
        self.lower.unwrap_or(self)
    }
}

impl Spelling {
    /// The spelling's text in order: `dir`, `/`, `name`.
    fn parts(&self) -> [&'static str; 3] {
        match self.dir {
            Some(dir) => [dir.text, "/", self.name],
            None => ["", "", self.name],
        }
    }

    fn len(&self) -> usize {
        self.dir.map_or(0, |d| d.text.len() + 1) + self.name.len()
    }

    /// The byte at `i` (below `len()`).
    fn byte(&self, i: usize) -> u8 {
        let [dir, slash, name] = self.parts();
        let head = dir.len() + slash.len();
        if i < dir.len() {
            dir.as_bytes()[i]
        } else if i < head {
            b'/'
        } else {
            name.as_bytes()[i - head]
        }
    }

    fn bytes(&self) -> impl Iterator<Item = u8> + Clone + '_ {
        let [dir, slash, name] = self.parts();
        dir.bytes().chain(slash.bytes()).chain(name.bytes())
    }

    /// The table hash: the shared part by address (each text before a `/`
    /// is kept once), the name by content.
    fn table_hash(dir: Option<&'static Dir>, name: &str) -> u64 {
        let mut h = rustc_hash::FxHasher::default();
        h.write_usize(dir.map_or(0, |d| std::ptr::from_ref(d) as usize));
        h.write(name.as_bytes());
        h.finish()
    }
}

/// Where `needle` first occurs in `hay`, ignoring ASCII case: only the
/// places that start with its first byte (either case, found by `memchr`)
/// are compared. Rules ask this of every item's ids.
pub(super) fn find_ignore_case(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let Some((first, rest)) = needle.split_first() else {
        return Some(0);
    };
    let last = hay.len().checked_sub(needle.len())?;
    let (lower, upper) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
    memchr::memchr2_iter(lower, upper, &hay[..=last])
        .find(|&at| hay[at + 1..at + needle.len()].eq_ignore_ascii_case(rest))
}

/// The hash of a text lower-cased (ASCII), 64 bytes at a time, without
/// lower-casing a copy.
fn folded_hash(text: &str) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    let mut buf = [0u8; 64];
    for block in text.as_bytes().chunks(buf.len()) {
        for (d, b) in buf.iter_mut().zip(block) {
            *d = b.to_ascii_lowercase();
        }
        h.write(&buf[..block.len()]);
    }
    h.finish()
}

/// The texts before a last `/`, by their text's `FxHash`.
static DIRS: OnceLock<[Mutex<DirShard>; 8]> = OnceLock::new();

#[derive(Default)]
struct DirShard {
    table: hashbrown::HashTable<&'static Dir>,
    /// What is left of the shard's current block of text.
    room: &'static mut [u8],
}

fn text_hash(text: &str) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    h.write(text.as_bytes());
    h.finish()
}

/// The `Dir` kept for `text`.
fn dir(text: &str) -> &'static Dir {
    let hash = text_hash(text);
    let shards = DIRS.get_or_init(Default::default);
    let shard = || {
        shards[(hash as usize >> 7) % shards.len()]
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    };
    if let Some(found) = shard().table.find(hash, |d| d.text == text) {
        return found;
    }
    // A new text: its lower case first (another shard, maybe this one).
    let lower = text
        .bytes()
        .any(|b| b.is_ascii_uppercase())
        .then(|| dir(&text.to_ascii_lowercase()));
    let mut shard = shard();
    if let Some(found) = shard.table.find(hash, |d| d.text == text) {
        return found;
    }
    let DirShard { table, room } = &mut *shard;
    let kept: &'static Dir = Box::leak(Box::new(Dir {
        text: super::pool::pack(room, text),
        lower,
        folded: folded_hash(text),
        vault: OnceLock::new(),
    }));
    table.insert_unique(hash, kept, |d| text_hash(d.text));
    kept
}

/// The spellings: 16 shards, each with room for 4,096 before its table grows.
static SPELLINGS: OnceLock<[Mutex<Shard>; 16]> = OnceLock::new();
const SHARD_ROOM: usize = 1 << 12;

struct Shard {
    table: hashbrown::HashTable<&'static Spelling>,
    /// Unused spellings of the shard's current block.
    room: &'static mut [Option<Spelling>],
    /// What is left of the shard's current block of name text.
    names: &'static mut [u8],
}

fn spellings() -> &'static [Mutex<Shard>; 16] {
    SPELLINGS.get_or_init(|| {
        std::array::from_fn(|_| {
            Mutex::new(Shard {
                table: hashbrown::HashTable::with_capacity(SHARD_ROOM),
                room: Default::default(),
                names: Default::default(),
            })
        })
    })
}

/// Room for the spellings of an input of `bytes` bytes, made before it is
/// read: a table grown as it fills moves every spelling it holds at each
/// doubling, reading each one (a cache miss apiece). Estates hold about
/// one new spelling per 2 KiB of JSON (1.1 million at 100,000 items, 2.4
/// GB); room is made for half that, so that an estate with fewer ids per
/// byte is not given room it never uses (the table doubles once more when
/// it has as many as that), and for at most 4 million.
pub fn expect_input(bytes: u64) {
    const MOST: u64 = 1 << 22;
    let expected = usize::try_from((bytes / 4096).min(MOST)).unwrap_or(0);
    for shard in spellings() {
        let mut shard = shard.lock().unwrap_or_else(|p| p.into_inner());
        // Room for that many more than it holds (none made if it has it).
        shard
            .table
            .reserve(expected / 16, |s| Spelling::table_hash(s.dir, s.name));
    }
}

fn intern(text: &str) -> &'static Spelling {
    let (dir, name) = match text.rfind('/') {
        Some(at) => (Some(dir(&text[..at])), &text[at + 1..]),
        None => (None, text),
    };
    let hash = Spelling::table_hash(dir, name);
    let shards = spellings();
    let mut shard = shards[(hash as usize >> 7) % shards.len()]
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    let same_dir = |s: &Spelling| match (s.dir, dir) {
        (Some(a), Some(b)) => std::ptr::eq(a, b),
        (a, b) => a.is_none() && b.is_none(),
    };
    if let Some(found) = shard.table.find(hash, |s| same_dir(s) && s.name == name) {
        return found;
    }
    let Shard { table, room, names } = &mut *shard;
    let name = super::pool::pack(names, name);
    if room.is_empty() {
        *room = Box::leak((0..SHARD_ROOM).map(|_| None).collect());
    }
    let (slot, rest) = match std::mem::take(room).split_first_mut() {
        Some(split) => split,
        None => unreachable!("the block was just filled"),
    };
    *room = rest;
    let kept: &'static Spelling = slot.insert(Spelling { dir, name });
    table.insert_unique(hash, kept, |s| Spelling::table_hash(s.dir, s.name));
    kept
}

impl ResourceId {
    /// Wraps an id as given. Trailing slashes are dropped; nothing else changes.
    pub fn new(raw: &str) -> Self {
        ResourceId(intern(raw.trim().trim_end_matches('/')))
    }

    /// The id's text as written, in its parts (`write!` them, or `concat()`).
    fn parts(&self) -> [&'static str; 3] {
        self.0.parts()
    }

    /// The id's text as written.
    pub fn text(&self) -> String {
        self.parts().concat()
    }

    /// The lower-cased comparison key.
    pub fn key(&self) -> String {
        self.parts().concat().to_ascii_lowercase()
    }

    /// True when the id contains `lower` (a lower-case text), ignoring
    /// ASCII case, without allocating: e.g. `/providers/microsoft.compute/virtualmachines/`.
    pub fn contains_ci(&self, lower: &str) -> bool {
        let n = lower.as_bytes();
        let within = |t: &str| find_ignore_case(t.as_bytes(), n).is_some();
        let [dir, slash, name] = self.parts();
        if n.is_empty() || within(dir) || within(name) {
            return true;
        }
        // The places that take in the `/` between the parts.
        let s = self.0;
        if slash.is_empty() || s.len() < n.len() {
            return false;
        }
        let first = (dir.len() + 1).saturating_sub(n.len());
        let last = dir.len().min(s.len() - n.len());
        (first..=last).any(|at| {
            n.iter()
                .enumerate()
                .all(|(i, b)| s.byte(at + i).eq_ignore_ascii_case(b))
        })
    }

    fn segments(&self) -> impl Iterator<Item = &'static str> {
        let [dir, _, name] = self.parts();
        dir.split('/')
            .chain(std::iter::once(name))
            .filter(|s| !s.is_empty())
    }

    /// The value following a segment named `name` (case-insensitive), e.g. the
    /// subscription after `subscriptions`.
    fn after(&self, name: &str) -> Option<&'static str> {
        let mut it = self.segments();
        while let Some(seg) = it.next() {
            if seg.eq_ignore_ascii_case(name) {
                return it.next();
            }
        }
        None
    }

    /// The subscription id, if the id is under `/subscriptions/{id}`.
    pub fn subscription(&self) -> Option<&str> {
        self.after("subscriptions")
    }

    /// The resource group name, if the id is under a resource group.
    pub fn resource_group(&self) -> Option<&str> {
        self.after("resourceGroups")
    }

    /// The id of the resource group this id lives in.
    pub fn resource_group_id(&self) -> Option<ResourceId> {
        let sub = self.subscription()?;
        let rg = self.resource_group()?;
        Some(ResourceId::new(&format!(
            "/subscriptions/{sub}/resourceGroups/{rg}"
        )))
    }

    /// The last segment: the resource's own name.
    pub fn name(&self) -> &str {
        self.0.name
    }

    /// The id without its last `type/name` pair, when it has a parent resource
    /// under the same provider (e.g. a recovery point's replicated item).
    pub fn parent(&self) -> Option<ResourceId> {
        let segs: Vec<&str> = self.segments().collect();
        let provider_at = segs
            .iter()
            .rposition(|s| s.eq_ignore_ascii_case("providers"))?;
        // providers/{ns}/{type}/{name}/{child type}/{child name}...
        if segs.len() < provider_at + 6 {
            return None;
        }
        Some(ResourceId::new(&format!(
            "/{}",
            segs[..segs.len() - 2].join("/")
        )))
    }

    /// The resource provider namespace (`Microsoft.Compute`), from the last
    /// `providers` segment.
    pub fn provider(&self) -> Option<&str> {
        let segs: Vec<&str> = self.segments().collect();
        let at = segs
            .iter()
            .rposition(|s| s.eq_ignore_ascii_case("providers"))?;
        segs.get(at + 1).copied()
    }

    /// The resource type as `Namespace/type[/child...]`, from the last
    /// `providers` segment; `None` for subscriptions and resource groups.
    pub fn resource_type(&self) -> Option<String> {
        let segs: Vec<&str> = self.segments().collect();
        let at = segs
            .iter()
            .rposition(|s| s.eq_ignore_ascii_case("providers"))?;
        let rest = &segs[at + 1..];
        let ns = rest.first()?;
        let types: Vec<&str> = rest[1..].iter().step_by(2).copied().collect();
        if types.is_empty() {
            return None;
        }
        Some(format!("{ns}/{}", types.join("/")))
    }

    /// The Recovery Services vault this id is in or is
    /// (`…/providers/Microsoft.RecoveryServices/vaults/{name}`).
    pub fn vault_id(&self) -> Option<ResourceId> {
        const AT: &str = "/providers/microsoft.recoveryservices/vaults/";
        let find = |text: &str| find_ignore_case(text.as_bytes(), AT.as_bytes());
        let vault = |text: &str, at: usize| {
            let start = at + AT.len();
            let end = text[start..].find('/').map_or(text.len(), |i| start + i);
            (end > start).then(|| ResourceId::new(&text[..end]))
        };
        // An id below a vault has it in its shared part (worked out once
        // for all the ids that share it); the vault's own id
        // (`…/vaults/{name}`) has it across the last `/`.
        let below = self.0.dir.and_then(|d| {
            d.vault
                .get_or_init(|| find(d.text).map(|at| vault(d.text, at)))
                .clone()
        });
        match below {
            Some(at) => at,
            None if self.contains_ci(AT) => {
                let text = self.text();
                find(&text).and_then(|at| vault(&text, at))
            }
            None => None,
        }
    }

    /// `is_within` for a scope given as text (no allocation: it runs per
    /// item per fact list).
    pub fn is_within_str(&self, scope: &str) -> bool {
        let scope = scope.trim().trim_end_matches('/').as_bytes();
        let n = scope.len();
        let mut rest = scope;
        // Part by part, a slice at a time.
        n <= self.0.len()
            && self.parts().iter().all(|part| {
                let take = rest.len().min(part.len());
                let (head, tail) = rest.split_at(take);
                rest = tail;
                head.eq_ignore_ascii_case(&part.as_bytes()[..take])
            })
            && (self.0.len() == n || self.0.byte(n) == b'/')
    }

    /// True when `self` is `other` or lies below it (a resource below its group,
    /// a group below its subscription).
    pub fn is_within(&self, other: &ResourceId) -> bool {
        within(self.0, other.0.bytes())
    }
}

/// True when `me` begins with `scope` (ASCII case aside) at a segment's end.
fn within(me: &Spelling, scope: impl Iterator<Item = u8> + Clone) -> bool {
    let n = scope.clone().count();
    n <= me.len()
        && me
            .bytes()
            .zip(scope)
            .all(|(a, b)| a.eq_ignore_ascii_case(&b))
        && (me.len() == n || me.byte(n) == b'/')
}

impl PartialEq for ResourceId {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.0, other.0);
        // Texts equal without case split at the same `/`.
        std::ptr::eq(a, b) || (a.name.eq_ignore_ascii_case(b.name) && same_dir_folded(a.dir, b.dir))
    }
}
impl Eq for ResourceId {}

/// Whether two ids' parts before their last `/` are equal without case.
fn same_dir_folded(a: Option<&'static Dir>, b: Option<&'static Dir>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => std::ptr::eq(x.canonical(), y.canonical()),
        (x, y) => x.is_none() && y.is_none(),
    }
}

impl Hash for ResourceId {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Equal ids (case aside) have equal folded parts, and the hash of
        // the part before the `/` is kept with it.
        let s = self.0;
        state.write_u64(s.dir.map_or(0, |d| d.folded));
        state.write_u64(folded_hash(s.name));
    }
}

impl PartialOrd for ResourceId {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for ResourceId {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = (self.0, other.0);
        if std::ptr::eq(a, b) {
            return Ordering::Equal;
        }
        let fold = |s: &'static Spelling| s.bytes().map(|b| b.to_ascii_lowercase());
        // Ids sorted together often share their part before the last `/`
        // (the same group and type, or the same vault container): the
        // names then decide.
        match (a.dir, b.dir) {
            (Some(x), Some(y)) if std::ptr::eq(x.canonical(), y.canonical()) => {
                let name = |s: &'static Spelling| s.name.bytes().map(|b| b.to_ascii_lowercase());
                name(a).cmp(name(b))
            }
            _ => fold(a).cmp(fold(b)),
        }
    }
}

/// An id with what orders it, worked out once: sorting many ids by it
/// reads no id's text while their first 16 bytes (without case) tell
/// them apart. It orders as the ids do.
pub struct SortKey {
    id: ResourceId,
    /// The part before the last `/`, in lower case.
    dir: Option<&'static Dir>,
    /// The name's first 16 bytes in lower case, zero-filled, as a number
    /// that orders as they do.
    head: u128,
}

impl ResourceId {
    /// What sorts this id among many, worked out once.
    pub fn sort_key(&self) -> SortKey {
        let mut head = [0u8; 16];
        for (h, b) in head.iter_mut().zip(self.0.name.bytes()) {
            *h = b.to_ascii_lowercase();
        }
        SortKey {
            id: self.clone(),
            dir: self.0.dir.map(Dir::canonical),
            head: u128::from_be_bytes(head),
        }
    }
}

impl PartialEq for SortKey {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for SortKey {}
impl PartialOrd for SortKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for SortKey {
    fn cmp(&self, other: &Self) -> Ordering {
        let same_dir = match (self.dir, other.dir) {
            (Some(x), Some(y)) => std::ptr::eq(x, y),
            (x, y) => x.is_none() && y.is_none(),
        };
        // Behind the same part, names decide: their heads, unless equal
        // (a shorter name's zeros can equal a longer one's bytes).
        match same_dir {
            true => self
                .head
                .cmp(&other.head)
                .then_with(|| self.id.cmp(&other.id)),
            false => self.id.cmp(&other.id),
        }
    }
}

impl fmt::Display for ResourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.parts().iter().try_for_each(|p| f.write_str(p))
    }
}

impl fmt::Debug for ResourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.parts().concat())
    }
}

impl serde::Serialize for ResourceId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every place a needle can be, in either case, found where a
    /// window-by-window comparison finds it first.
    #[test]
    fn find_ignore_case_finds_what_windows_find() {
        let hays = [
            "",
            "a",
            "aA",
            "xAbAb",
            "/Providers/MICROSOFT.Compute/vaults/",
            "ab/aB/",
            "ÄaBc",
        ];
        let needles = [
            "",
            "a",
            "ab",
            "b/",
            "/providers/microsoft.compute/",
            "AB",
            "abc",
            "vaults/",
            "é",
        ];
        for hay in hays {
            for needle in needles {
                let (h, n) = (hay.as_bytes(), needle.as_bytes());
                let expected = match n.len() {
                    0 => Some(0),
                    _ => h.windows(n.len()).position(|w| w.eq_ignore_ascii_case(n)),
                };
                assert_eq!(find_ignore_case(h, n), expected, "{needle:?} in {hay:?}");
            }
        }
    }

    const ITEM: &str = "/Subscriptions/7c943c1b/resourceGroups/rg-vault/providers/Microsoft.RecoveryServices/vaults/v1/replicationFabrics/f/replicationProtectionContainers/c/replicationProtectedItems/item1";

    #[test]
    fn equality_ignores_case() {
        let a = ResourceId::new(
            "/subscriptions/S/resourcegroups/RG/providers/microsoft.compute/virtualmachines/VM1",
        );
        let b = ResourceId::new(
            "/Subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1/",
        );
        assert_eq!(a, b);
        assert_eq!(
            b.text(),
            "/Subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1"
        );
    }

    #[test]
    fn order_ignores_case_past_a_long_common_prefix() {
        let id = |s: &str| ResourceId::new(&format!("{ITEM}{s}"));
        assert_eq!(id("/a").cmp(&id("/B")), Ordering::Less);
        assert_eq!(id("/b").cmp(&id("/A")), Ordering::Greater);
        assert_eq!(id("/abc").cmp(&id("/ABC")), Ordering::Equal);
        assert_eq!(id("").cmp(&id("/x")), Ordering::Less);
        assert_eq!(
            ResourceId::new("/subscriptions/S/x").cmp(&ResourceId::new("/Subscriptions/s/X/y")),
            Ordering::Less
        );
    }

    #[test]
    fn parts() {
        let id = ResourceId::new(ITEM);
        assert_eq!(id.subscription(), Some("7c943c1b"));
        assert_eq!(id.resource_group(), Some("rg-vault"));
        assert_eq!(id.name(), "item1");
        assert_eq!(id.provider(), Some("Microsoft.RecoveryServices"));
        assert_eq!(
            id.resource_type().as_deref(),
            Some("Microsoft.RecoveryServices/vaults/replicationFabrics/replicationProtectionContainers/replicationProtectedItems")
        );
        assert_eq!(
            id.resource_group_id().unwrap(),
            ResourceId::new("/subscriptions/7c943c1b/resourcegroups/RG-VAULT")
        );
    }

    #[test]
    fn parent_of_child_resource() {
        let rp = ResourceId::new(&format!("{ITEM}/recoveryPoints/rp1"));
        assert_eq!(rp.parent().unwrap(), ResourceId::new(ITEM));
        let vm = ResourceId::new(
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm",
        );
        assert!(vm.parent().is_none());
    }

    #[test]
    fn within() {
        let rg = ResourceId::new("/subscriptions/s/resourceGroups/rg");
        let vm = ResourceId::new(
            "/subscriptions/s/resourceGroups/RG/providers/Microsoft.Compute/virtualMachines/vm",
        );
        let other = ResourceId::new(
            "/subscriptions/s/resourceGroups/rg2/providers/Microsoft.Compute/virtualMachines/vm",
        );
        assert!(vm.is_within(&rg));
        assert!(!other.is_within(&rg));
        assert!(rg.is_within(&rg));
        assert!(vm.is_within_str("/Subscriptions/S/resourceGroups/RG/"));
        assert!(!other.is_within_str("/subscriptions/s/resourceGroups/rg"));
    }

    /// Ids of every shape the parts could be cut badly at: with and
    /// without `/`, a name of one letter, a `/` at the start only, ids that
    /// are prefixes of one another, and case variants.
    const SHAPES: &[&str] = &[
        "",
        "x",
        "/subscriptions",
        "/Subscriptions/S",
        "/subscriptions/s/resourceGroups/RG",
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v1",
        "/SUBSCRIPTIONS/S/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.RECOVERYSERVICES/VAULTS/V1",
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v1/replicationFabrics/f",
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v",
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults",
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1",
        "/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/virtualmachines/VM1",
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/vm1_osdisk",
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/a",
        "https://acct.blob.core.windows.net/vhds/disk.vhd",
        ITEM,
        // Names alike in their first 16 bytes, a name another begins with,
        // one ending in a zero byte, and a part before `/` that another's
        // begins with.
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/vm-000000-data-disk-1",
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/VM-000000-DATA-DISK-10",
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/vm-000000-data-disk-",
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/a\0",
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/a/b",
    ];

    /// The two parts answer as the whole text did: equality, order and
    /// hash without case, containment, `within`, names and the vault.
    #[test]
    fn parts_answer_as_the_whole_text() {
        let hash = |id: &ResourceId| {
            let mut h = rustc_hash::FxHasher::default();
            id.hash(&mut h);
            h.finish()
        };
        let fold = |s: &str| s.to_ascii_lowercase();
        for a in SHAPES {
            let ia = ResourceId::new(a);
            assert_eq!(ia.text(), *a);
            assert_eq!(ia.to_string(), *a);
            assert_eq!(ia.key(), fold(a));
            assert_eq!(ia.name(), a.rsplit('/').next().unwrap());
            for needle in [
                "/",
                "s/r",
                "rg/providers",
                "/vaults/",
                "vaults/v1",
                "/virtualmachines/",
                "1",
                "/subscriptions/s/",
            ] {
                assert_eq!(
                    ia.contains_ci(needle),
                    fold(a).contains(needle),
                    "{a} ∋ {needle}"
                );
            }
            let vault = fold(a)
                .find("/providers/microsoft.recoveryservices/vaults/")
                .and_then(|at| {
                    let start = at + "/providers/microsoft.recoveryservices/vaults/".len();
                    let end = a[start..].find('/').map_or(a.len(), |i| start + i);
                    (end > start).then(|| a[..end].to_string())
                });
            assert_eq!(ia.vault_id().map(|v| v.text()), vault, "vault of {a}");
            for b in SHAPES {
                let ib = ResourceId::new(b);
                assert_eq!(ia == ib, fold(a) == fold(b), "{a} = {b}");
                assert_eq!(ia.cmp(&ib), fold(a).cmp(&fold(b)), "{a} <> {b}");
                assert_eq!(ia.sort_key().cmp(&ib.sort_key()), ia.cmp(&ib), "{a} <> {b}");
                if ia == ib {
                    assert_eq!(hash(&ia), hash(&ib));
                }
                let below = fold(a).starts_with(&fold(b))
                    && (a.len() == b.len() || a.as_bytes()[b.len()] == b'/');
                assert_eq!(ia.is_within(&ib), below, "{a} within {b}");
                assert_eq!(ia.is_within_str(b), below, "{a} within {b}");
            }
        }
    }

    /// Room made for an input's spellings is there before they are read,
    /// in every shard; asking again for what is there adds none, and no
    /// input, however large, is given room for more than 4 million.
    #[test]
    fn room_for_an_input() {
        let room = || -> Vec<usize> {
            super::spellings()
                .iter()
                .map(|s| {
                    let s = s.lock().unwrap();
                    s.table.capacity() - s.table.len()
                })
                .collect()
        };
        super::expect_input(16 * 4096 * 50_000);
        let made = room();
        // (Other tests may intern a few meanwhile.)
        assert!(made.iter().all(|&r| r >= 49_000), "{made:?}");
        let capacity: Vec<usize> = super::spellings()
            .iter()
            .map(|s| s.lock().unwrap().table.capacity())
            .collect();
        super::expect_input(16 * 4096 * 40_000);
        let again: Vec<usize> = super::spellings()
            .iter()
            .map(|s| s.lock().unwrap().table.capacity())
            .collect();
        assert_eq!(capacity, again);
        super::expect_input(u64::MAX);
        let most: Vec<usize> = super::spellings()
            .iter()
            .map(|s| s.lock().unwrap().table.capacity())
            .collect();
        assert!(
            most.iter().all(|&c| (1 << 18..1 << 20).contains(&c)),
            "{most:?}"
        );
    }

    /// One spelling is kept once: the same text gives the same pointer, and
    /// ids of one place share the part before their names.
    #[test]
    fn spellings_are_shared() {
        let a = ResourceId::new(
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/d1",
        );
        let b = ResourceId::new(
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/d1/",
        );
        let c = ResourceId::new(
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/d2",
        );
        assert!(std::ptr::eq(a.0, b.0));
        assert!(std::ptr::eq(a.0.dir.unwrap(), c.0.dir.unwrap()));
        assert_eq!(std::mem::size_of::<ResourceId>(), 8);
        assert_eq!(std::mem::size_of::<Option<ResourceId>>(), 8);
    }
}
