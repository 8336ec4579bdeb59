//! Azure resource ids: compared case-insensitively, always by the full id.
//!
//! ASR returns `/Subscriptions/...` and lower-cases some ids (`fabricObjectId`,
//! NIC and network ids), so equality, hashing and ordering use a lower-cased
//! key while the original spelling is kept for display.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// A full Azure resource id, with case-insensitive equality.
///
/// Ids are interned: an estate names the same VM, disk, network or fabric
/// many times (the item, the VM, the disk, the plan), and each spelling is
/// stored once for the whole run and shared by a pointer. Comparisons fold
/// ASCII case as they go; no lower-cased copy is kept.
#[derive(Clone)]
pub struct ResourceId(&'static Spelling);

/// One spelling, kept for the rest of the process (`pool`): an id holds a
/// thin pointer to it (8 bytes). The case-folded hash is computed when
/// asked: kept beside each spelling it cost 18 MB at 100,000 items, for no
/// measurable time.
type Spelling = &'static str;

/// The hash of `text` lower-cased (ASCII), without lower-casing a copy.
fn folded_hash(text: &str) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    let mut buf = [0u8; 64];
    for chunk in text.as_bytes().chunks(64) {
        for (d, b) in buf.iter_mut().zip(chunk) {
            *d = b.to_ascii_lowercase();
        }
        h.write(&buf[..chunk.len()]);
    }
    h.finish()
}

/// The pool of spellings: 16 shards, each with room for 4,096 before its
/// table grows.
static POOL: super::pool::Pool<16> = super::pool::Pool::new(1 << 12);

fn intern(text: &str) -> &'static Spelling {
    // The shard from the id's end (its names), not the whole text: the set
    // hashes it whole anyway.
    let mut h = rustc_hash::FxHasher::default();
    h.write(&text.as_bytes()[text.len().saturating_sub(16)..]);
    POOL.intern(text, h.finish())
}

impl ResourceId {
    /// Wraps an id as given. Trailing slashes are dropped; nothing else changes.
    pub fn new(raw: &str) -> Self {
        ResourceId(intern(raw.trim().trim_end_matches('/')))
    }

    fn raw(&self) -> &'static str {
        self.0
    }

    /// The id as it was written.
    pub fn as_str(&self) -> &str {
        self.raw()
    }

    /// The lower-cased comparison key (borrowed when the id is lower case).
    pub fn key(&self) -> std::borrow::Cow<'_, str> {
        let raw = self.raw();
        if raw.bytes().any(|b| b.is_ascii_uppercase()) {
            std::borrow::Cow::Owned(raw.to_ascii_lowercase())
        } else {
            std::borrow::Cow::Borrowed(raw)
        }
    }

    /// True when the id contains `lower` (a lower-case text), ignoring
    /// ASCII case, without allocating: e.g. `/providers/microsoft.compute/virtualmachines/`.
    pub fn contains_ci(&self, lower: &str) -> bool {
        let (h, n) = (self.raw().as_bytes(), lower.as_bytes());
        n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
    }

    fn segments(&self) -> impl Iterator<Item = &str> {
        self.raw().split('/').filter(|s| !s.is_empty())
    }

    /// The value following a segment named `name` (case-insensitive), e.g. the
    /// subscription after `subscriptions`.
    fn after(&self, name: &str) -> Option<&str> {
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
        self.segments().last().unwrap_or("")
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

    /// `is_within` for a scope given as text (no allocation: it runs per
    /// item per fact list).
    /// The Recovery Services vault this id is in or is
    /// (`…/providers/Microsoft.RecoveryServices/vaults/{name}`).
    pub fn vault_id(&self) -> Option<ResourceId> {
        const AT: &str = "/providers/microsoft.recoveryservices/vaults/";
        let raw = self.as_str();
        let start = raw.to_ascii_lowercase().find(AT)? + AT.len();
        let end = raw[start..].find('/').map_or(raw.len(), |i| start + i);
        (end > start).then(|| ResourceId::new(&raw[..end]))
    }

    pub fn is_within_str(&self, scope: &str) -> bool {
        let scope = scope.trim().trim_end_matches('/');
        let key = self.raw().as_bytes();
        key.len() >= scope.len()
            && key[..scope.len()].eq_ignore_ascii_case(scope.as_bytes())
            && (key.len() == scope.len() || key[scope.len()] == b'/')
    }

    /// True when `self` is `other` or lies below it (a resource below its group,
    /// a group below its subscription).
    pub fn is_within(&self, other: &ResourceId) -> bool {
        let (me, them) = (self.raw().as_bytes(), other.raw().as_bytes());
        me.len() >= them.len()
            && me[..them.len()].eq_ignore_ascii_case(them)
            && (me.len() == them.len() || me[them.len()] == b'/')
    }
}

impl PartialEq for ResourceId {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.0, other.0) || self.raw().eq_ignore_ascii_case(other.raw())
    }
}
impl Eq for ResourceId {}

impl Hash for ResourceId {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Equal ids (case aside) have equal folded hashes.
        state.write_u64(folded_hash(self.raw()));
    }
}

impl PartialOrd for ResourceId {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for ResourceId {
    fn cmp(&self, other: &Self) -> Ordering {
        if std::ptr::eq(self.0, other.0) {
            return Ordering::Equal;
        }
        // Ids sorted together share long prefixes (subscription, group,
        // vault, fabric, container): skip the bytes that are the same as
        // they are, 16 at a time, then compare the rest without case.
        let (a, b) = (self.raw().as_bytes(), other.raw().as_bytes());
        let same = a
            .chunks(16)
            .zip(b.chunks(16))
            .take_while(|(x, y)| x == y)
            .count()
            * 16;
        let (a, b) = (&a[same.min(a.len())..], &b[same.min(b.len())..]);
        a.iter()
            .map(u8::to_ascii_lowercase)
            .cmp(b.iter().map(u8::to_ascii_lowercase))
    }
}

impl fmt::Display for ResourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.raw())
    }
}

impl fmt::Debug for ResourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.raw())
    }
}

impl serde::Serialize for ResourceId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.raw())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            b.as_str(),
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
}
