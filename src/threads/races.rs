//! The reference program's two small races on shared state, each beside its fix.
//!
//! - The processed-items counter: `count += 1` as a load then a store (two threads read the
//!   same value and one increment vanishes) against one `fetch_add`.
//! - The start guard of the reference program's `start_message_thread`:
//!   `if app.message_queue_id == 0: start a consumer; app.message_queue_id = its id`, a
//!   check-then-act (two requests both see 0 and start two consumers) against
//!   `compare_exchange`, which lets exactly one win.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering::Relaxed};

use super::scenario::{CounterKind, GuardKind};

/// The processed-items counter, counted the scenario's way.
pub struct ProcessedCounter {
    kind: CounterKind,
    value: AtomicU64,
}

impl ProcessedCounter {
    /// A counter at zero.
    pub fn new(kind: CounterKind) -> ProcessedCounter {
        ProcessedCounter {
            kind,
            value: AtomicU64::new(0),
        }
    }

    /// Counts one processed item.
    pub fn increment(&self) {
        // Relaxed: the counter publishes nothing; the race shown is atomicity, not ordering.
        match self.kind {
            CounterKind::Atomic => {
                self.value.fetch_add(1, Relaxed);
            }
            CounterKind::Racy => {
                let seen = self.value.load(Relaxed);
                self.value.store(seen + 1, Relaxed);
            }
        }
    }

    /// The count now.
    pub fn get(&self) -> u64 {
        self.value.load(Relaxed) // Relaxed: a statistic, read on its own
    }
}

/// Steps of make-work between the racy guard's check and its act: the reference program
/// creates and starts a thread there (`threading.Thread(...).start()`, a fraction of a
/// millisecond to a few). About 1–3 ms here: long enough to overlap with the other consumers even when a loaded 2-core
/// machine deschedules one of them for a time slice (20,000 steps, ~30 µs, lost that race in
/// most browser runs under load), short enough that nobody waits for it.
const STARTING_A_THREAD: u32 = 2_000_000;

/// Burns about `steps` loop iterations: the time a Python program spends between two calls.
/// `black_box` keeps the loop alive (`spin_loop` is a no-op on wasm, and an empty loop
/// would be optimised away).
pub(crate) fn make_work(steps: u32) {
    for i in 0..steps {
        std::hint::black_box(i);
    }
}

/// The reference program's `app.message_queue_id`: which consumer was started, 0 for none yet.
pub struct StartGuard {
    kind: GuardKind,
    started_id: AtomicU32,
    started: AtomicU32,
}

impl StartGuard {
    /// A guard that has started nobody.
    pub fn new(kind: GuardKind) -> StartGuard {
        StartGuard {
            kind,
            started_id: AtomicU32::new(0),
            started: AtomicU32::new(0),
        }
    }

    /// Thread `id` asks to start the consumer; true if it did. With [`GuardKind::None`]
    /// every caller starts one.
    ///
    /// ```
    /// use queue_playground::threads::{GuardKind, StartGuard};
    ///
    /// let guard = StartGuard::new(GuardKind::Once);
    /// assert!(guard.try_start(4));
    /// assert!(!guard.try_start(5));
    /// assert_eq!(guard.started(), 1);
    /// ```
    pub fn try_start(&self, id: u32) -> bool {
        let me = id.wrapping_add(1).max(1);
        // Relaxed: the guard's own value is all that is shared; nothing is published with it.
        let won = match self.kind {
            GuardKind::None => true,
            GuardKind::Once => self
                .started_id
                .compare_exchange(0, me, Relaxed, Relaxed)
                .is_ok(),
            GuardKind::Racy => {
                if self.started_id.load(Relaxed) == 0 {
                    make_work(STARTING_A_THREAD);
                    self.started_id.store(me, Relaxed);
                    true
                } else {
                    false
                }
            }
        };
        if won {
            self.started.fetch_add(1, Relaxed); // Relaxed: a statistic
        }
        won
    }

    /// How many callers started a consumer.
    pub fn started(&self) -> u32 {
        self.started.load(Relaxed) // Relaxed: a statistic
    }
}
