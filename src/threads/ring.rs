//! The unsafe twin of the queue: a ring buffer whose head, tail and slots are shared by every
//! thread with no lock at all.
//!
//! Each step is a relaxed atomic load or store, so nothing here is undefined behaviour: every
//! read returns some value that was written. What breaks is the *sequence* of steps. A put
//! reads `tail`, writes the slot, then writes `tail + 1`; two producers that read the same
//! `tail` write the same slot (one item is overwritten: lost) and both store the same new
//! `tail`. A get reads `head`, reads the slot, then writes `head + 1`; two consumers that read
//! the same `head` take the same item (a duplicate). A thread that stores a stale `head` or
//! `tail` moves it backwards, replaying old slots or overwriting fresh ones.
//!
//! One producer and one consumer are not safe either. Relaxed orders nothing between two
//! different atomics: no store of the producer *happens before* any load of the consumer, so
//! the consumer may see the new `tail` and still read the slot's old value (an unwritten 0, a
//! phantom; or the item of a lap ago, a duplicate, while the new item is lost). The compiler
//! may move the slot store after the `tail` store, and weakly ordered processors (Arm, POWER)
//! may make them visible in that order. That x86 keeps stores in order and that wasm's atomic
//! instructions are sequentially consistent is the hardware's behaviour, not a promise of the
//! Rust memory model, which is what the compiler honours: tests/loom_threads.rs has loom find
//! the stale slot. The cure for one producer and one consumer is a Release store of each index
//! and an Acquire load of it (a model of that ring passes loom there); several producers or
//! consumers need more (a compare-exchange per index, or the lock of the real queue).
//!
//! It stays all Relaxed on purpose: it is the queue with *no* synchronisation, beside the
//! locked queue, so that every race the lock prevents can happen here and be counted.
//!
//! The lengths are compared as signed numbers so that a ring whose head has overtaken its
//! tail reads as empty (producers refill it) rather than as full forever.

// Relaxed at every site, on purpose: see the module comment.
use super::atomic::{AtomicU64, Ordering::Relaxed};

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
        super::super::atomic::model(one_thread_is_a_fifo_body);
    }

    fn one_thread_is_a_fifo_body() {
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
        super::super::atomic::model(head_past_tail_reads_as_empty_body);
    }

    fn head_past_tail_reads_as_empty_body() {
        let r = RacyRing::new(4);
        r.head.store(3, Relaxed); // a stale store moved head past tail
        assert!(r.is_empty());
        assert_eq!(r.len(), 0);
        assert!(r.try_put(Item::new(0, 0)).is_ok());
    }
}
