//! The exact checker: which items arrived once, twice, never, or out of order.
//!
//! Every item is `(producer, seq)`, packed in a `u64` so that even the unlocked ring moves it
//! in one indivisible store: a race can lose or repeat an item but never tear one in half.
//! The checker keeps two bits per item that may exist (producers × `items` per producer):
//! - `SEEN`, set by the consumer that records the item; a consumer that finds it already
//!   set has a **duplicate**;
//! - `GONE`, set when a producer of the unlocked ring overwrote the item's slot while nobody
//!   had recorded it: the item is **lost** unless a consumer was already holding it, in which
//!   case that consumer's record takes the loss back.
//!
//! Both bits of an item live in one word and change by one `fetch_or`, so the two sides
//! never disagree about who was first.
//!
//! The rule, exact once every thread has stopped ([`Checker::settle`]): an item that was put
//! (`seq < produced[p]`) is *consumed* if `SEEN`, else *queued* if it is still in the queue,
//! else *lost*; so `produced = consumed + queued + lost`, and duplicates are counted apart.
//! While threads run, `lost` is the live `GONE`-and-not-`SEEN` count: the unlocked ring's
//! overwrites as they happen (the locked queue never overwrites, so it stays 0); a few losses
//! can be missed (two producers overwriting one slot) until `settle` finds them.
//! `settle` publishes its counts with a Release store of one flag, and every reader takes them
//! through one Acquire load of it ([`Checker::settled`]): the page reads them from another
//! thread, with no join in between, while the last thread out settles.
//! **Reordered** counts items a consumer took after it had already taken a later item of the
//! same producer: a FIFO queue never does that (one producer's puts are in order, one
//! consumer's gets are in order), whereas comparing across consumers would blame the queue for
//! the order in which consumers happen to record.

use super::atomic::{
    AtomicBool, AtomicI64, AtomicU64,
    Ordering::{Acquire, Relaxed, Release},
};

use super::scenario::MAX_THREADS_PER_ROLE;

/// Bits of an item's sequence number; the producer index sits above them.
const SEQ_BITS: u32 = 40;
const SEEN: u64 = 1;
const GONE: u64 = 2;
/// Items per mark word (two bits each).
const PER_WORD: u64 = 32;

/// One message: `(producer, seq)` in a `u64`. The value 0 is no item (a slot never written).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Item(u64);

impl Item {
    /// Producer `producer`'s item number `seq` (`seq` < 2^40).
    pub fn new(producer: u32, seq: u64) -> Item {
        Item((u64::from(producer) + 1) << SEQ_BITS | (seq & ((1 << SEQ_BITS) - 1)))
    }
    /// The packed value, as the unlocked ring stores it.
    pub fn bits(self) -> u64 {
        self.0
    }
    /// An item from its packed value (any value: the checker rejects nonsense).
    pub fn from_bits(bits: u64) -> Item {
        Item(bits)
    }
    /// The producer, or `None` for the empty value.
    pub fn producer(self) -> Option<u32> {
        (self.0 >> SEQ_BITS).checked_sub(1).map(|p| p as u32)
    }
    /// The sequence number within its producer.
    pub fn seq(self) -> u64 {
        self.0 & ((1 << SEQ_BITS) - 1)
    }
}

/// What recording an item found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seen {
    /// The first time: the item is consumed.
    First,
    /// Recorded before: a duplicate.
    Again,
    /// Not an item that could exist (an unwritten slot, or out of range): a phantom.
    Phantom,
}

/// Remembers, for one consumer, the latest sequence number it took from each producer.
#[derive(Clone, Debug, Default)]
pub struct OrderWatch {
    next: [u64; MAX_THREADS_PER_ROLE as usize],
}

impl OrderWatch {
    /// Whether `item` comes after every item of its producer this consumer took before.
    pub fn in_order(&mut self, item: Item) -> bool {
        let Some(next) = item.producer().and_then(|p| self.next.get_mut(p as usize)) else {
            return true;
        };
        let ok = item.seq() >= *next;
        *next = (*next).max(item.seq() + 1);
        ok
    }
}

/// The counts, as [`Checker::settle`] fixes them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Settled {
    /// Items put and recorded (each once).
    pub consumed: u64,
    /// Items put, never recorded, still in the queue.
    pub queued: u64,
    /// Items put, never recorded, no longer anywhere.
    pub lost: u64,
}

/// The shared ledger of every item (see the module comment for its rule).
pub struct Checker {
    producers: u32,
    items: u64,
    marks: Box<[AtomicU64]>,
    recorded: AtomicU64,
    unique: AtomicU64,
    duplicated: AtomicU64,
    phantoms: AtomicU64,
    reordered: AtomicU64,
    lost_live: AtomicI64,
    settled: AtomicBool,
    consumed_final: AtomicU64,
    lost_final: AtomicU64,
    queued_final: AtomicU64,
}

// Relaxed everywhere but `settled` (each site says so): each count is a statistic read on its own, each item's two
// bits change by one read-modify-write on one word (totally ordered by itself), and `settle`
// runs after every thread has stopped, ordered by the caller's own synchronisation (a join, or
// the run gate's AcqRel count in `Shared`). The one thing published from one thread to another
// is the settled counts: `settled` is stored Release and loaded Acquire (see `settle`).
impl Checker {
    /// A checker for `producers` producers of at most `items` items each.
    pub fn new(producers: u32, items: u64) -> Checker {
        let words = items.div_ceil(PER_WORD) as usize * producers as usize;
        Checker {
            producers,
            items,
            marks: (0..words).map(|_| AtomicU64::new(0)).collect(),
            recorded: AtomicU64::new(0),
            unique: AtomicU64::new(0),
            duplicated: AtomicU64::new(0),
            phantoms: AtomicU64::new(0),
            reordered: AtomicU64::new(0),
            lost_live: AtomicI64::new(0),
            settled: AtomicBool::new(false),
            consumed_final: AtomicU64::new(0),
            lost_final: AtomicU64::new(0),
            queued_final: AtomicU64::new(0),
        }
    }

    /// The word and bit shift of an item's marks, if the item can exist.
    fn locate(&self, item: Item) -> Option<(&AtomicU64, u32)> {
        let p = item.producer().filter(|p| *p < self.producers)?;
        let seq = item.seq();
        if seq >= self.items {
            return None;
        }
        let words_per_producer = self.items.div_ceil(PER_WORD);
        let word = u64::from(p) * words_per_producer + seq / PER_WORD;
        Some((&self.marks[word as usize], (seq % PER_WORD) as u32 * 2))
    }

    /// A consumer took `item`: counts it as consumed, a duplicate or a phantom.
    pub fn record(&self, item: Item) -> Seen {
        // Relaxed: statistics, and one read-modify-write on the item's word decides first/again.
        self.recorded.fetch_add(1, Relaxed);
        let Some((word, shift)) = self.locate(item) else {
            self.phantoms.fetch_add(1, Relaxed);
            return Seen::Phantom;
        };
        let before = word.fetch_or(SEEN << shift, Relaxed) >> shift;
        if before & SEEN != 0 {
            self.duplicated.fetch_add(1, Relaxed);
            return Seen::Again;
        }
        self.unique.fetch_add(1, Relaxed);
        if before & GONE != 0 {
            // A producer counted it lost while this consumer held it: it was not.
            self.lost_live.fetch_sub(1, Relaxed);
        }
        Seen::First
    }

    /// A consumer took an item out of its producer's order.
    pub fn reordered(&self) {
        // Relaxed: a statistic.
        self.reordered.fetch_add(1, Relaxed);
    }

    /// A producer of the unlocked ring overwrote a slot that held `item`.
    pub fn overwritten(&self, item: Item) {
        if let Some((word, shift)) = self.locate(item) {
            // Relaxed: one read-modify-write on the item's word orders it against `record`'s.
            if word.fetch_or(GONE << shift, Relaxed) >> shift & (SEEN | GONE) == 0 {
                self.lost_live.fetch_add(1, Relaxed);
            }
        }
    }

    /// Whether `item` has been recorded.
    pub fn is_seen(&self, item: Item) -> bool {
        // Relaxed: exact once the threads have stopped (the caller's join or gate orders it).
        self.locate(item)
            .is_some_and(|(word, shift)| word.load(Relaxed) >> shift & SEEN != 0)
    }

    /// Fixes the exact counts once every thread has stopped: `produced[p]` items of producer
    /// `p` were put, and `in_queue` is what the queue still holds.
    pub fn settle(&self, produced: &[u64], in_queue: impl IntoIterator<Item = Item>) -> Settled {
        let mut queued_marks = vec![false; self.marks.len() * PER_WORD as usize];
        let words_per_producer = self.items.div_ceil(PER_WORD);
        let put = |item: Item| {
            item.producer()
                .and_then(|p| produced.get(p as usize))
                .is_some_and(|n| item.seq() < *n)
        };
        let mut queued = 0;
        for item in in_queue {
            if !put(item) || self.is_seen(item) {
                continue;
            }
            if let Some(p) = item.producer() {
                let index = (u64::from(p) * words_per_producer * PER_WORD + item.seq()) as usize;
                if !std::mem::replace(&mut queued_marks[index], true) {
                    queued += 1;
                }
            }
        }
        let mut settled = Settled {
            queued,
            ..Settled::default()
        };
        for (p, &n) in produced.iter().enumerate().take(self.producers as usize) {
            for seq in 0..n.min(self.items) {
                let item = Item::new(p as u32, seq);
                let index = (p as u64 * words_per_producer * PER_WORD + seq) as usize;
                if self.is_seen(item) {
                    settled.consumed += 1;
                } else if !queued_marks[index] {
                    settled.lost += 1;
                }
            }
        }
        // Relaxed: published by the Release store of `settled` just below.
        self.consumed_final.store(settled.consumed, Relaxed);
        self.lost_final.store(settled.lost, Relaxed);
        self.queued_final.store(settled.queued, Relaxed);
        // Release: whoever loads `settled == true` (Acquire) sees the two counts above and every
        // count the stopped threads left. Relaxed here let the page see `settled` with a stale
        // `lost_final` (the message-passing bug of lessons/message_passing_relaxed.lab); loom
        // finds that in tests/loom_threads.rs.
        self.settled.store(true, Release);
        settled
    }

    /// The exact counts once [`settle`](Self::settle) has run, else `None`; from any thread.
    ///
    /// Read this first when reading several counts at once: once it is `Some`, every count
    /// read after it on the same thread is final too.
    pub fn settled(&self) -> Option<Settled> {
        // Acquire: pairs with settle's Release store; the counts below are then the final ones.
        if !self.settled.load(Acquire) {
            return None;
        }
        Some(Settled {
            consumed: self.consumed_final.load(Relaxed),
            queued: self.queued_final.load(Relaxed),
            lost: self.lost_final.load(Relaxed),
        })
    }

    /// Items recorded, duplicates and phantoms included.
    pub fn recorded(&self) -> u64 {
        // Relaxed, here and in the four below: statistics, each read on its own.
        self.recorded.load(Relaxed)
    }
    /// Items recorded for the first time.
    pub fn consumed(&self) -> u64 {
        self.unique.load(Relaxed)
    }
    /// Records of an item already recorded.
    pub fn duplicated(&self) -> u64 {
        self.duplicated.load(Relaxed)
    }
    /// Records of a value that is no item.
    pub fn phantoms(&self) -> u64 {
        self.phantoms.load(Relaxed)
    }
    /// Items taken out of their producer's order by a consumer.
    pub fn reorders(&self) -> u64 {
        self.reordered.load(Relaxed)
    }
    /// Lost items: exact after [`settle`](Self::settle), the live count before.
    pub fn lost(&self) -> u64 {
        self.settled()
            .map_or_else(|| self.lost_live.load(Relaxed).max(0) as u64, |s| s.lost)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_pack_and_unpack() {
        let item = Item::new(7, (1 << 40) - 1);
        assert_eq!((item.producer(), item.seq()), (Some(7), (1 << 40) - 1));
        assert_eq!(Item::from_bits(0).producer(), None);
        assert_ne!(Item::new(0, 0).bits(), 0);
    }

    #[test]
    fn one_thread_ledger() {
        super::super::atomic::model(one_thread_ledger_body);
    }

    fn one_thread_ledger_body() {
        let c = Checker::new(2, 100);
        assert_eq!(c.record(Item::new(0, 0)), Seen::First);
        assert_eq!(c.record(Item::new(0, 0)), Seen::Again);
        assert_eq!(c.record(Item::new(1, 5)), Seen::First);
        assert_eq!(c.record(Item::from_bits(0)), Seen::Phantom);
        assert_eq!(c.record(Item::new(2, 0)), Seen::Phantom);
        assert_eq!(c.record(Item::new(0, 100)), Seen::Phantom);
        c.overwritten(Item::new(0, 1)); // lost, live
        c.overwritten(Item::new(0, 1)); // counted once
        c.overwritten(Item::new(1, 5)); // already seen: not lost
        assert_eq!(c.lost(), 1);
        c.overwritten(Item::new(0, 2));
        assert_eq!(c.record(Item::new(0, 2)), Seen::First); // held by a consumer after all
        assert_eq!(c.lost(), 1);
        // Producer 0 put 0..4, producer 1 put 0..6; (0, 3) and (1, 0) are still queued.
        let queue = [
            Item::new(0, 3),
            Item::new(1, 0),
            Item::new(1, 0),
            Item::new(0, 0),
        ];
        let s = c.settle(&[4, 6], queue);
        assert_eq!(
            s,
            Settled {
                consumed: 3,
                queued: 2,
                lost: 5
            }
        );
        assert_eq!(c.lost(), 5); // (0, 1) and (1, 1..=4)
        assert_eq!((c.duplicated(), c.phantoms(), c.recorded()), (1, 3, 7));
    }

    #[test]
    fn order_is_per_producer() {
        let mut w = OrderWatch::default();
        assert!(w.in_order(Item::new(0, 3)));
        assert!(w.in_order(Item::new(1, 0)));
        assert!(!w.in_order(Item::new(0, 2)));
        assert!(w.in_order(Item::new(0, 9)));
        assert!(w.in_order(Item::from_bits(0)));
    }
}
