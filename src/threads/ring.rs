//! The unsafe twin of the queue: a ring buffer whose head, tail and slots are shared by every
//! thread with no lock at all.
//!
//! Each step is a relaxed atomic load or store, so nothing here is undefined behaviour: every
//! read returns some value that was written. What breaks is the *sequence* of steps. A put
//! reads `tail`, writes the slot, then writes `tail + 1`; two producers that read the same
//! `tail` write the same slot (one item is overwritten: lost) and both store the same new
//! `tail`. A get reads `head`, reads the slot, then writes `head + 1`; two consumers that read
//! the same `head` take the same item (a duplicate). A thread that stores a stale `head` or
//! `tail` moves it backwards, replaying old slots or overwriting fresh ones. With one
//! producer and one consumer on hardware that keeps stores in order (x86, and wasm, whose
//! atomics are all sequentially consistent) the ring happens to work: it fails once a role has
//! two threads.
//!
//! The lengths are compared as signed numbers so that a ring whose head has overtaken its
//! tail reads as empty (producers refill it) rather than as full forever.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use super::checker::Item;

/// A fixed-size ring with no synchronisation (see the module comment).
pub struct RacyRing {
    head: AtomicU64,
    tail: AtomicU64,
    slots: Box<[AtomicU64]>,
}

impl RacyRing {
    /// A ring of `slots` slots (at least one).
    pub fn new(slots: usize) -> RacyRing {
        RacyRing {
            head: AtomicU64::new(0),
            tail: AtomicU64::new(0),
            slots: (0..slots.max(1)).map(|_| AtomicU64::new(0)).collect(),
        }
    }

    fn slot(&self, index: u64) -> &AtomicU64 {
        &self.slots[(index % self.slots.len() as u64) as usize]
    }

    /// `tail - head` as the thread sees it now; negative once head has overtaken tail.
    fn gap(head: u64, tail: u64) -> i64 {
        tail.wrapping_sub(head) as i64
    }

    /// Puts `item` if the ring looks not full; hands it back if it looks full.
    ///
    /// On success returns the value the slot held before (for the checker: an item nobody had
    /// taken is lost by this store).
    pub fn try_put(&self, item: Item) -> Result<Item, Item> {
        let tail = self.tail.load(Relaxed);
        let head = self.head.load(Relaxed);
        if Self::gap(head, tail) >= self.slots.len() as i64 {
            return Err(item);
        }
        let slot = self.slot(tail);
        // Not part of the ring's logic: the checker's look at what this store destroys.
        let before = slot.load(Relaxed);
        slot.store(item.bits(), Relaxed);
        self.tail.store(tail.wrapping_add(1), Relaxed);
        Ok(Item::from_bits(before))
    }

    /// Takes the item at `head` if the ring looks not empty.
    pub fn try_get(&self) -> Option<Item> {
        let head = self.head.load(Relaxed);
        let tail = self.tail.load(Relaxed);
        if Self::gap(head, tail) <= 0 {
            return None;
        }
        let bits = self.slot(head).load(Relaxed);
        self.head.store(head.wrapping_add(1), Relaxed);
        Some(Item::from_bits(bits))
    }

    /// Whether the ring looks empty now.
    pub fn is_empty(&self) -> bool {
        Self::gap(self.head.load(Relaxed), self.tail.load(Relaxed)) <= 0
    }

    /// The items the ring believes it holds, `0..=slots`.
    pub fn len(&self) -> usize {
        let gap = Self::gap(self.head.load(Relaxed), self.tail.load(Relaxed));
        gap.clamp(0, self.slots.len() as i64) as usize
    }

    /// The values in the slots from `head` to `tail` (each slot at most once): what a quiet
    /// ring still holds. Meaningful only once no thread uses the ring.
    pub fn remaining(&self) -> Vec<Item> {
        let head = self.head.load(Relaxed);
        (0..self.len() as u64)
            .map(|i| Item::from_bits(self.slot(head.wrapping_add(i)).load(Relaxed)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_thread_is_a_fifo() {
        let r = RacyRing::new(2);
        assert!(r.is_empty());
        assert_eq!(r.try_put(Item::new(0, 0)), Ok(Item::from_bits(0)));
        assert_eq!(r.try_put(Item::new(0, 1)), Ok(Item::from_bits(0)));
        assert_eq!(r.try_put(Item::new(0, 2)), Err(Item::new(0, 2)));
        assert_eq!(r.len(), 2);
        assert_eq!(r.remaining(), [Item::new(0, 0), Item::new(0, 1)]);
        assert_eq!(r.try_get(), Some(Item::new(0, 0)));
        // The slot freed by the get still holds the old, consumed value until overwritten.
        assert_eq!(r.try_put(Item::new(0, 2)), Ok(Item::new(0, 0)));
        assert_eq!(r.try_get(), Some(Item::new(0, 1)));
        assert_eq!(r.try_get(), Some(Item::new(0, 2)));
        assert_eq!(r.try_get(), None);
    }

    #[test]
    fn head_past_tail_reads_as_empty() {
        let r = RacyRing::new(4);
        r.head.store(3, Relaxed); // a stale store moved head past tail
        assert!(r.is_empty());
        assert_eq!(r.len(), 0);
        assert!(r.try_put(Item::new(0, 0)).is_ok());
    }
}
