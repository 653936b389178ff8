#![cfg(not(target_arch = "wasm32"))]
//! The safe switches under real threads: the locked queue (`crate::queue::Queue`) moves about
//! a million items (see `SAFE_ITEMS_TOTAL`) with none lost, duplicated or reordered per
//! producer, whichever way consumers take, bounded or not; the atomic counter counts every
//! item; `Once` starts one consumer; a stop mid-run still balances.

mod threads_common;

use queue_playground::threads::{
    ConsumerKind, CounterKind, GuardKind, QueueKind, Scenario, ThreadState,
};
use threads_common::{assert_settled, run, run_watched, SAFE_ITEMS_TOTAL};

fn safe(producers: u32, consumers: u32, consumer: ConsumerKind, maxsize: usize) -> Scenario {
    Scenario {
        producers,
        consumers,
        queue: QueueKind::Locked,
        consumer,
        counter: CounterKind::Atomic,
        guard: GuardKind::None,
        maxsize,
        items: SAFE_ITEMS_TOTAL / u64::from(producers),
        ..Scenario::default()
    }
}

/// Every item put was taken exactly once, in each producer's order, and counted.
fn assert_perfect(scenario: Scenario) {
    let stats = run(scenario);
    assert_settled(&stats);
    let total = scenario.items * u64::from(scenario.producers);
    assert_eq!(stats.produced, total, "{scenario:?}");
    assert_eq!(stats.consumed, total, "{scenario:?}");
    assert_eq!(
        (
            stats.lost,
            stats.duplicated,
            stats.reordered,
            stats.phantoms,
            stats.queued
        ),
        (0, 0, 0, 0, 0),
        "{scenario:?}"
    );
    assert_eq!(stats.counter, total, "{scenario:?}");
    assert_eq!(stats.consumers_started, scenario.consumers);
    for t in stats.threads() {
        let end = if t.role == queue_playground::threads::Role::Producer {
            ThreadState::Finished
        } else {
            ThreadState::Stopped
        };
        assert_eq!(t.state, end, "{t:?}");
    }
    let per_thread: u64 = stats.threads().iter().map(|t| t.items).sum();
    assert_eq!(per_thread, 2 * total, "each item once put and once taken");
}

#[test]
fn get_moves_a_million_items_intact() {
    assert_perfect(safe(4, 4, ConsumerKind::Get, 0));
}

#[test]
fn get_on_a_bounded_queue_intact() {
    assert_perfect(safe(2, 2, ConsumerKind::Get, 16));
}

#[test]
fn drain_intact() {
    assert_perfect(safe(2, 2, ConsumerKind::Drain, 0));
}

#[test]
fn check_then_act_loses_nothing_on_the_locked_queue() {
    // The act can fail (Empty), but the queue itself stays whole.
    assert_perfect(safe(2, 2, ConsumerKind::CheckThenAct, 0));
    assert_perfect(safe(2, 2, ConsumerKind::CheckThenActBlocking, 0));
}

#[test]
fn the_lock_is_found_held_under_contention() {
    // Eight threads on one lock: sooner or later one finds it held. On a machine so busy that
    // the threads take turns on one core it can take a few rounds, so rounds are bounded.
    for _ in 0..50 {
        let stats = run(Scenario {
            items: 100_000,
            ..safe(4, 4, ConsumerKind::Get, 0)
        });
        if stats.contention > 0 {
            return;
        }
    }
    panic!("the lock was never found held in 50 rounds");
}

#[test]
fn once_starts_exactly_one_consumer() {
    for _ in 0..50 {
        let stats = run(Scenario {
            guard: GuardKind::Once,
            items: 200,
            ..safe(1, 4, ConsumerKind::Get, 0)
        });
        assert_settled(&stats);
        assert_eq!(stats.consumers_started, 1);
        let declined = stats
            .threads()
            .iter()
            .filter(|t| t.state == ThreadState::Declined)
            .count();
        assert_eq!(declined, 3);
        assert_eq!(stats.consumed, 200);
    }
}

#[test]
fn stop_mid_run_balances() {
    // Slow producers and slow consumers: the stop lands with threads asleep in get and
    // items still queued. stop() is an atomic store; the threads wake each other.
    let scenario = Scenario {
        rate: 20_000,
        work_us: 100,
        items: 1 << 20,
        ..safe(2, 2, ConsumerKind::Get, 0)
    };
    let mut stopped = false;
    let stats = run_watched(scenario, |shared| {
        if !stopped && shared.stats().consumed >= 1_000 {
            shared.stop();
            stopped = true;
        }
    });
    assert!(stopped);
    assert_settled(&stats);
    assert_eq!((stats.lost, stats.duplicated, stats.reordered), (0, 0, 0));
    assert!(stats.produced < 2 << 20, "the producers stopped early");
}
