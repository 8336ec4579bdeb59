//! Azure resource ids: compared case-insensitively, always by the full id.
//!
//! ASR returns `/Subscriptions/...` and lower-cases some ids (`fabricObjectId`,
//! NIC and network ids), so equality, hashing and ordering use a lower-cased
//! key while the original spelling is kept for display.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// A full Azure resource id, with case-insensitive equality.
#[derive(Clone)]
pub struct ResourceId {
    raw: Box<str>,
    key: Box<str>,
}

impl ResourceId {
    /// Wraps an id as given. Trailing slashes are dropped; nothing else changes.
    pub fn new(raw: &str) -> Self {
        let trimmed = raw.trim().trim_end_matches('/');
        ResourceId {
            raw: trimmed.into(),
            key: trimmed.to_ascii_lowercase().into(),
        }
    }

    /// The id as it was written.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The lower-cased comparison key.
    pub fn key(&self) -> &str {
        &self.key
    }

    fn segments(&self) -> impl Iterator<Item = &str> {
        self.raw.split('/').filter(|s| !s.is_empty())
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
    pub fn is_within_str(&self, scope: &str) -> bool {
        let scope = scope.trim().trim_end_matches('/');
        let key = self.key.as_bytes();
        key.len() >= scope.len()
            && key[..scope.len()].eq_ignore_ascii_case(scope.as_bytes())
            && (key.len() == scope.len() || key[scope.len()] == b'/')
    }

    /// True when `self` is `other` or lies below it (a resource below its group,
    /// a group below its subscription).
    pub fn is_within(&self, other: &ResourceId) -> bool {
        self.key == other.key
            || (self.key.starts_with(&*other.key)
                && self.key.as_bytes().get(other.key.len()) == Some(&b'/'))
    }
}

impl PartialEq for ResourceId {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl Eq for ResourceId {}

impl Hash for ResourceId {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key.hash(state);
    }
}

impl PartialOrd for ResourceId {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for ResourceId {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key.cmp(&other.key)
    }
}

impl fmt::Display for ResourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl fmt::Debug for ResourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", &*self.raw)
    }
}

impl serde::Serialize for ResourceId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.raw)
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
