//! `Atom`: a short text that recurs across an estate — a state, a region, a
//! VM size, a disk type — stored once for the run and shared by a pointer.
//!
//! At 100,000 items each such field as its own `String` was tens of
//! megabytes of copies of `Protected`, `eastus` and `Premium_LRS`. In the
//! model only fields of a small vocabulary are atoms; names, messages and
//! ids are not (ids are `ResourceId`s). A finding's subject names its
//! resource, item and vault with atoms: the findings about one item share
//! that text rather than each copying it.

use std::fmt;

/// An interned text; reads as a `&str`. A thin pointer (8 bytes, not the
/// 16 of a `&str`): a model field that is an atom costs one word, and each
/// distinct text is kept once with its length beside it.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Atom(&'static &'static str);

impl Default for Atom {
    fn default() -> Self {
        static EMPTY: &str = "";
        Atom(&EMPTY)
    }
}

/// The pool of atoms: 8 shards.
static POOL: super::pool::Pool<8> = super::pool::Pool::new(0);

impl Atom {
    /// The atom spelled `text` (exactly: no trimming, no case folding).
    pub fn new(text: &str) -> Self {
        let mut h = rustc_hash::FxHasher::default();
        std::hash::Hasher::write(&mut h, text.as_bytes());
        Atom(POOL.intern(text, std::hash::Hasher::finish(&h)))
    }

    /// The text.
    pub fn as_str(&self) -> &'static str {
        self.0
    }
}

impl std::ops::Deref for Atom {
    type Target = str;
    fn deref(&self) -> &str {
        self.0
    }
}

impl AsRef<str> for Atom {
    fn as_ref(&self) -> &str {
        self.0
    }
}

impl std::borrow::Borrow<str> for Atom {
    fn borrow(&self) -> &str {
        self.0
    }
}

impl From<&str> for Atom {
    fn from(s: &str) -> Self {
        Atom::new(s)
    }
}

impl From<String> for Atom {
    fn from(s: String) -> Self {
        Atom::new(&s)
    }
}

impl From<&String> for Atom {
    fn from(s: &String) -> Self {
        Atom::new(s)
    }
}

impl PartialEq<str> for Atom {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Atom {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Atom {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl fmt::Display for Atom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl fmt::Debug for Atom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.0, f)
    }
}

impl serde::Serialize for Atom {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::Atom;

    #[test]
    fn one_spelling_is_one_atom_and_reads_as_text() {
        let a = Atom::new("Premium_LRS");
        let b = Atom::from("Premium_LRS".to_string());
        assert!(std::ptr::eq(a.as_str(), b.as_str()));
        assert_eq!(a, "Premium_LRS");
        assert_ne!(Atom::new("premium_lrs"), a);
        assert_eq!(format!("{a} {a:?}"), "Premium_LRS \"Premium_LRS\"");
        assert!(a.eq_ignore_ascii_case("premium_lrs"));
        assert_eq!(Atom::default(), "");
        // One word, and none more when optional.
        assert_eq!(
            std::mem::size_of::<Option<Atom>>(),
            std::mem::size_of::<usize>()
        );
    }
}
