//! A set of `u64` stored as disjoint ranges. Message ids are processed, and delivery tags
//! settled, roughly in the order they were handed out, so the ranges merge and the set stays a
//! handful of entries however many ids it holds: the ledger's memory stays bounded.

use std::collections::BTreeMap;

/// A set of numbers stored as disjoint, non-adjacent half-open ranges.
///
/// ```
/// use queue_playground::broker::IdSet;
/// let mut s = IdSet::default();
/// assert!(s.insert(1) && s.insert(3) && s.insert(2));
/// assert!(!s.insert(2));
/// assert!(s.contains(3) && !s.contains(4));
/// assert_eq!((s.len(), s.ranges()), (3, 1));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdSet {
    /// start -> end (exclusive).
    ranges: BTreeMap<u64, u64>,
    len: u64,
}

impl IdSet {
    /// Whether `id` is in the set.
    pub fn contains(&self, id: u64) -> bool {
        self.ranges
            .range(..=id)
            .next_back()
            .is_some_and(|(_, &end)| id < end)
    }

    /// Adds `id`; false if it was already there.
    pub fn insert(&mut self, id: u64) -> bool {
        if self.contains(id) {
            return false;
        }
        let mut start = id;
        let mut end = id.saturating_add(1);
        if let Some((&s, &e)) = self.ranges.range(..id).next_back() {
            if e == id {
                start = s;
                self.ranges.remove(&s);
            }
        }
        if let Some(&e) = self.ranges.get(&end) {
            self.ranges.remove(&end);
            end = e;
        }
        self.ranges.insert(start, end);
        self.len += 1;
        true
    }

    /// How many numbers the set holds.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The ranges, as `(start, end)` with `end` exclusive, in order: how a snapshot writes it.
    pub(crate) fn range_list(&self) -> Vec<(u64, u64)> {
        self.ranges.iter().map(|(&s, &e)| (s, e)).collect()
    }

    /// Adds every number in `start..end`, merging with the ranges it touches: how a snapshot
    /// is read back.
    pub(crate) fn insert_range(&mut self, start: u64, end: u64) {
        if start >= end {
            return;
        }
        let touching: Vec<(u64, u64)> = (self.ranges.range(..=end))
            .filter(|(_, &e)| e >= start)
            .map(|(&s, &e)| (s, e))
            .collect();
        let (mut s, mut e) = (start, end);
        for (rs, re) in touching {
            self.ranges.remove(&rs);
            self.len -= re - rs;
            s = s.min(rs);
            e = e.max(re);
        }
        self.ranges.insert(s, e);
        self.len += e - s;
    }

    /// How many ranges store it: its memory.
    pub fn ranges(&self) -> usize {
        self.ranges.len()
    }
}
