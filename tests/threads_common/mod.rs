//! Running a whole scenario on real std threads, for the threads_* tests.
// Each test file uses its own part of this module.
#![allow(dead_code)]

use queue_playground::threads::{Scenario, Shared, Stats};
use std::thread;
use std::time::Instant;

/// Items per producer for the long safe runs: about a million items in all, optimised
/// (`cargo test --profile fast-test` or `--release`); a tenth of that unoptimised, where each
/// item costs ten times as much.
pub const SAFE_ITEMS_TOTAL: u64 = if cfg!(debug_assertions) {
    100_000
} else {
    1_000_000
};

/// A milliseconds clock, as the browser's `performance.now()`.
pub fn clock() -> impl FnMut() -> f64 {
    let start = Instant::now();
    move || start.elapsed().as_secs_f64() * 1000.0
}

/// Runs `scenario` to its end on one std thread per producer and consumer, with `watch`
/// called on the test's own thread until every thread has returned; returns the final stats.
pub fn run_watched(scenario: Scenario, mut watch: impl FnMut(&Shared)) -> Stats {
    let shared = Shared::new(scenario);
    thread::scope(|s| {
        let mut handles = Vec::new();
        for id in 0..scenario.producers {
            let shared = &shared;
            handles.push(s.spawn(move || shared.run_producer(id, &mut clock())));
        }
        for id in 0..scenario.consumers {
            let shared = &shared;
            handles.push(s.spawn(move || shared.run_consumer(id, &mut clock())));
        }
        while !handles.iter().all(|h| h.is_finished()) {
            watch(&shared);
            thread::yield_now();
        }
        for h in handles {
            h.join().expect("thread panicked").expect("run refused");
        }
    });
    shared.stats()
}

/// Runs `scenario` to its end; returns the final stats.
pub fn run(scenario: Scenario) -> Stats {
    run_watched(scenario, |_| {})
}

/// The counts once all threads have stopped: settled and conserved.
pub fn assert_settled(stats: &Stats) {
    assert!(stats.settled, "not settled: {stats:?}");
    assert_eq!(
        stats.produced,
        stats.consumed + stats.lost + stats.queued,
        "conservation: {stats:?}"
    );
    assert_eq!(
        stats.taken,
        stats.consumed + stats.duplicated + stats.phantoms
    );
    assert_eq!(stats.true_count, stats.taken);
}
