//! [`IdSet`]: the article ids handed out so far, kept in little memory.
//!
//! Every article's id is remembered for the whole run so that a repeated id gets a numbered
//! form. A `HashSet<String>` costs about 70 bytes an id at a million articles (a heap string,
//! a 24-byte handle and table slack); here each id's bytes sit once in one arena and the table
//! holds a packed 8-byte reference, about 20 bytes an id all told.

use std::collections::HashSet;

use hashbrown::HashTable;
use xxhash_rust::xxh3::xxh3_64;

/// Bits of a packed reference that hold the id's length; the rest hold its arena offset.
const LEN_BITS: u32 = 24;
/// The longest id a packed reference holds. Longer ids (none in practice) are kept apart.
const MAX_PACKED_LEN: usize = (1 << LEN_BITS) - 1;
/// The arena size past which ids are kept apart (offsets have 40 bits).
const MAX_ARENA: usize = 1 << (64 - LEN_BITS);

/// A set of strings that only grows: insert and test in one call.
#[derive(Default)]
pub(crate) struct IdSet {
    arena: String,
    table: HashTable<u64>,
    /// Ids that a packed reference cannot hold.
    apart: HashSet<String>,
}

impl IdSet {
    /// Adds `id`; true if it was not there yet.
    pub fn insert(&mut self, id: &str) -> bool {
        if id.len() > MAX_PACKED_LEN {
            return self.apart.insert(id.to_string());
        }
        let hash = xxh3_64(id.as_bytes());
        let arena = self.arena.as_str();
        if self
            .table
            .find(hash, |&packed| resolve(arena, packed) == id)
            .is_some()
        {
            return false;
        }
        if self.arena.len() + id.len() > MAX_ARENA {
            return self.apart.insert(id.to_string());
        }
        let packed = ((self.arena.len() as u64) << LEN_BITS) | id.len() as u64;
        self.arena.push_str(id);
        let arena = self.arena.as_str();
        self.table.insert_unique(hash, packed, |&packed| {
            xxh3_64(resolve(arena, packed).as_bytes())
        });
        true
    }

    /// Ids held.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.table.len() + self.apart.len()
    }
}

/// The id a packed reference stands for.
fn resolve(arena: &str, packed: u64) -> &str {
    let start = (packed >> LEN_BITS) as usize;
    let len = (packed & MAX_PACKED_LEN as u64) as usize;
    arena.get(start..start + len).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_new_once() {
        let mut ids = IdSet::default();
        assert!(ids.insert("a"));
        assert!(ids.insert("ab"));
        assert!(ids.insert(""));
        assert!(!ids.insert("a"));
        assert!(!ids.insert("ab"));
        assert!(!ids.insert(""));
        assert!(ids.insert("b"));
        assert_eq!(ids.len(), 4);
    }

    #[test]
    fn ids_sharing_bytes_in_the_arena_stay_distinct() {
        // "ab" then "c" lie in the arena as "abc": "abc" and "bc" are still new.
        let mut ids = IdSet::default();
        assert!(ids.insert("ab"));
        assert!(ids.insert("c"));
        assert!(ids.insert("abc"));
        assert!(ids.insert("bc"));
        assert!(!ids.insert("abc"));
    }

    #[test]
    fn agrees_with_a_hash_set_over_many_ids_and_table_growth() {
        let mut ids = IdSet::default();
        let mut plain = HashSet::new();
        for i in 0..50_000u64 {
            // Every third id repeats an earlier one.
            let n = if i % 3 == 0 { i / 7 } else { i };
            let id = format!("korpus/berita-{n:05}.txt");
            assert_eq!(ids.insert(&id), plain.insert(id.clone()), "{id}");
        }
        assert_eq!(ids.len(), plain.len());
    }

    #[test]
    fn ids_longer_than_a_packed_reference_are_kept_apart() {
        let mut ids = IdSet::default();
        let long = "x".repeat(MAX_PACKED_LEN + 1);
        assert!(ids.insert(&long));
        assert!(!ids.insert(&long));
        assert!(ids.insert(&long[..MAX_PACKED_LEN]));
        assert!(!ids.insert(&long[..MAX_PACKED_LEN]));
        assert_eq!(ids.len(), 2);
    }
}
