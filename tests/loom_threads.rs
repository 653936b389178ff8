#![cfg(not(target_arch = "wasm32"))]
//! The orderings of src/threads/checker.rs and src/threads/ring.rs, checked by a model checker.
//!
//! loom runs each closure under every interleaving of its threads (up to a preemption bound)
//! and, for each load, every value the Rust (C++20) memory model lets it return, not only what
//! this machine's hardware happens to do. This file compiles the real `checker.rs` and
//! `ring.rs` (by `#[path]`) against loom's atomics: both files take their atomics from
//! `super::atomic`, which in the crate is std's and here is loom's. So what is checked is the
//! code the threads view runs, not a copy of it. Two small models stand beside it, each said to
//! be one: the old Relaxed publication of the checker (loom must catch it, so that the passing
//! test is not vacuous) and the Release/Acquire cure of a one-producer ring.
//!
//! Each test that must fail fails with the ordering it names weakened to Relaxed (checked by
//! hand: the checker's Release store or its Acquire load, the model ring's Release `tail`
//! store or its Acquire load), except the model ring's `head` store: see there.
//!
//! Run: `cargo test --test loom_threads` (part of the normal suite: a preemption bound of 3,
//! about 0.1 s). Exhaustively, without a bound (about 1 s):
//! `LOOM_EXHAUSTIVE=1 cargo test --test loom_threads`. loom's own variables work too
//! (`LOOM_MAX_PREEMPTIONS=N`, `LOOM_LOG=trace` to see a failing interleaving).
//!
//! One limit of loom shapes these tests: it remembers only the last access to each atomic, so
//! a reader's load is forgotten if the writer loads the same atomic before storing it, and the
//! interleaving that breaks is never tried. So in each test the reader is the spawned thread
//! and the writer runs first (checked: the other way round, the relaxed ring "passes").

use std::sync::Arc;

use loom::model::Builder;
use loom::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use loom::thread;

/// What checker.rs and ring.rs import as `super::atomic`: loom's atomics, and `model` for
/// their own unit tests, which therefore run here too, inside loom.
mod atomic {
    pub use loom::model;
    pub use loom::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
}

/// What checker.rs imports from `super::scenario`: the crate's own constant.
mod scenario {
    pub use queue_playground::threads::scenario::MAX_THREADS_PER_ROLE;
}

// Not every function of the two files is used by these tests.
#[allow(dead_code)]
#[path = "../src/threads/checker.rs"]
mod checker;
#[allow(dead_code)]
#[path = "../src/threads/ring.rs"]
mod ring;

use checker::{Checker, Item, Settled};
use ring::RacyRing;

/// Checks `model` under loom: with a preemption bound of 3 unless `LOOM_EXHAUSTIVE` is set or
/// `LOOM_MAX_PREEMPTIONS` chooses one.
fn check(model: impl Fn() + Sync + Send + 'static) {
    let mut builder = Builder::new();
    if builder.preemption_bound.is_none() && std::env::var_os("LOOM_EXHAUSTIVE").is_none() {
        builder.preemption_bound = Some(3);
    }
    builder.check(model);
}

/// Producer 0 put items 0 and 1; nobody recorded either; the queue still holds item 1.
const PRODUCED: [u64; 1] = [2];
const EXPECTED: Settled = Settled {
    consumed: 0,
    queued: 1,
    lost: 1,
};

#[test]
fn the_page_sees_the_settled_counts_or_none_never_stale_ones() {
    check(|| {
        let c = Arc::new(Checker::new(1, 2));
        // The page's thread, reading while the last thread out settles: no join between. (The
        // reader is the spawned thread, the writer the first to run: see the ring's test.)
        let page = {
            let c = c.clone();
            thread::spawn(move || {
                if let Some(seen) = c.settled() {
                    assert_eq!(seen, EXPECTED, "settled, with stale counts");
                }
                let lost = c.lost();
                assert!(lost == 0 || lost == EXPECTED.lost, "lost {lost}");
            })
        };
        assert_eq!(c.settle(&PRODUCED, [Item::new(0, 1)]), EXPECTED);
        page.join().unwrap();
        assert_eq!(c.settled(), Some(EXPECTED));
    });
}

/// A model of the checker's old publication: two counts and the flag, all stored Relaxed,
/// and read back Relaxed. loom must find the reader that sees the flag and a stale count.
#[test]
#[should_panic(expected = "stale count")]
fn the_old_relaxed_publication_is_caught() {
    check(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let count = Arc::new(AtomicU64::new(0));
        let reader = {
            let (flag, count) = (flag.clone(), count.clone());
            thread::spawn(move || {
                if flag.load(Ordering::Relaxed) {
                    assert_eq!(count.load(Ordering::Relaxed), 1, "stale count");
                }
            })
        };
        count.store(1, Ordering::Relaxed);
        flag.store(true, Ordering::Relaxed);
        reader.join().unwrap();
    });
}

/// The unlocked ring with ONE producer and ONE consumer: all Relaxed, so the consumer can see
/// the new `tail` and still read the slot's old value (here the unwritten 0, a phantom).
#[test]
#[should_panic(expected = "stale slot")]
fn the_relaxed_ring_fails_even_one_to_one() {
    check(|| {
        let r = Arc::new(RacyRing::new(2));
        // The consumer is the spawned thread: loom remembers only an object's last access, so
        // a consumer whose loads of `tail` came first would be forgotten once the producer's
        // own load of `tail` came between them and its store (one interleaving, no failure).
        let consumer = {
            let r = r.clone();
            thread::spawn(move || r.try_get())
        };
        assert!(r.try_put(Item::new(0, 0)).is_ok());
        if let Some(item) = consumer.join().unwrap() {
            assert_eq!(item, Item::new(0, 0), "stale slot");
        }
    });
}

/// A model of the cure the ring's comment names for one producer and one consumer: the same
/// steps as `RacyRing::try_put` / `try_get`, with the index stored Release and loaded Acquire.
struct SpscRing {
    head: AtomicU64,
    tail: AtomicU64,
    slots: [AtomicU64; 2],
}

impl SpscRing {
    fn try_put(&self, bits: u64) -> bool {
        let tail = self.tail.load(Ordering::Relaxed); // its own index: only this thread stores it
        let head = self.head.load(Ordering::Acquire); // the consumer is done with the slot
        if tail - head >= 2 {
            return false;
        }
        self.slots[(tail % 2) as usize].store(bits, Ordering::Relaxed);
        self.tail.store(tail + 1, Ordering::Release); // publishes the slot
        true
    }
    fn try_get(&self) -> Option<u64> {
        let head = self.head.load(Ordering::Relaxed);
        let tail = self.tail.load(Ordering::Acquire); // sees the slot the producer published
        if tail == head {
            return None;
        }
        let bits = self.slots[(head % 2) as usize].load(Ordering::Relaxed);
        // Release: the slot is read before the producer may refill it. loom cannot check this
        // one: it never lets a load read a store that comes later (load buffering).
        self.head.store(head + 1, Ordering::Release);
        Some(bits)
    }
}

#[test]
fn release_acquire_indices_make_one_to_one_safe() {
    check(|| {
        let r = Arc::new(SpscRing {
            head: AtomicU64::new(0),
            tail: AtomicU64::new(0),
            slots: [AtomicU64::new(0), AtomicU64::new(0)],
        });
        let consumer = {
            let r = r.clone();
            thread::spawn(move || {
                let mut got = Vec::new();
                for _ in 0..3 {
                    got.extend(r.try_get());
                }
                got
            })
        };
        let mut put = 0;
        for bits in 1..=3 {
            put += u64::from(r.try_put(bits));
        }
        let mut got = consumer.join().unwrap();
        got.extend(std::iter::from_fn(|| r.try_get()));
        // Every item put arrives once, in order: 1, 2, ... up to what fitted.
        assert_eq!(got, (1..=put).collect::<Vec<u64>>());
    });
}
