//! Real threads, real races: producer and consumer threads sharing one queue, the queue's
//! unsafe twin, the reference program's races, and an exact checker — the core of the threads
//! view.
//!
//! Plain Rust with no web dependency: natively the threads are `std::thread`s
//! (tests/threads_*.rs); in the browser each is a Web Worker on one shared wasm memory,
//! calling [`Shared::run_producer`] or [`Shared::run_consumer`]. Nothing here reads a clock or
//! spawns a thread itself.
//!
//! The map, in reading order:
//! - [`scenario`]: every switch of a run, parsed from the URL (`from_query`) with typed errors.
//! - [`checker`]: items as `(producer, seq)`; counts lost, duplicated and reordered items
//!   exactly, by its documented rule.
//! - [`ring`]: the unsafe twin, a ring shared with relaxed atomics and no lock.
//! - [`races`]: the racy processed counter and the reference program's racy start guard,
//!   beside their fixes.
//! - [`stats`]: what the page shows, read lock-free.
//! - [`shared`]: one run's shared state, and the producer and consumer loops.
//! - [`simulated`]: the same run on one thread, its steps interleaved by a seeded scheduler
//!   (the page's fallback where memory cannot be shared).
//!
//! ```
//! use queue_playground::threads::{Scenario, Shared};
//! use std::thread;
//!
//! let (scenario, errors) = Scenario::from_query("producers=2&consumers=2&items=1000");
//! assert!(errors.is_empty());
//! let shared = Shared::new(scenario);
//! thread::scope(|s| {
//!     for id in 0..2 {
//!         let shared = &shared;
//!         s.spawn(move || shared.run_producer(id, &mut || 0.0).unwrap());
//!         s.spawn(move || shared.run_consumer(id, &mut || 0.0).unwrap());
//!     }
//! });
//! let stats = shared.stats();
//! assert!(stats.settled);
//! assert_eq!((stats.produced, stats.consumed, stats.lost, stats.duplicated), (2000, 2000, 0, 0));
//! ```

/// The atomics of [`checker`] and [`ring`], named in one place so that tests/loom_threads.rs
/// can compile those two files against loom's model-checked atomics instead of std's.
mod atomic {
    pub(crate) use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};

    /// Runs a unit test of `checker` or `ring` once: with loom's atomics the same test runs
    /// inside `loom::model`, outside which loom's atomics cannot be made.
    #[cfg(test)]
    pub(crate) fn model(test: impl Fn() + Sync + Send + 'static) {
        test();
    }
}
pub mod checker;
pub mod english;
pub mod races;
pub mod ring;
pub mod scenario;
pub mod shared;
pub mod simulated;
pub mod stats;

pub use checker::{Item, Seen, Settled};
pub use races::{ProcessedCounter, StartGuard};
pub use ring::RacyRing;
pub use scenario::{ConsumerKind, CounterKind, GuardKind, Param, ParamError, QueueKind, Scenario};
pub use shared::{RunError, Shared};
pub use simulated::SimulatedRun;
pub use stats::{Role, Stats, ThreadStat, ThreadState};
