#![cfg(not(target_arch = "wasm32"))]
//! Per-thread state under real threads: a producer blocks on a full bounded queue, and wakes
//! when a consumer takes. Observed only through `Shared::stats`, as the page observes it.

mod threads_common;

use queue_playground::threads::{QueueKind, Role, Scenario, ThreadState};
use threads_common::{assert_settled, run_watched};

#[test]
fn a_producer_blocks_on_a_full_queue_and_wakes_when_a_consumer_takes() {
    // The consumer spends 20 ms of busy work on each item, so the producer, which puts as fast
    // as it can, fills the two slots and has to wait in put.
    let scenario = Scenario {
        producers: 1,
        consumers: 1,
        queue: QueueKind::Locked,
        maxsize: 2,
        work_us: 20_000,
        items: 8,
        ..Scenario::default()
    };
    let mut blocked_at = None; // `produced` when the producer was seen waiting on a full queue
    let mut woke = false;
    let mut saw_working = false;
    let stats = run_watched(scenario, |shared| {
        let s = shared.stats();
        let producer = s.threads()[0];
        let consumer = s.threads()[1];
        assert_eq!(
            (producer.role, consumer.role),
            (Role::Producer, Role::Consumer)
        );
        saw_working |= consumer.state == ThreadState::Working;
        if producer.state == ThreadState::WaitingNotFull && s.queued == 2 {
            blocked_at.get_or_insert(s.produced);
        }
        if blocked_at.is_some_and(|n| s.produced > n) {
            woke = true;
        }
    });
    let blocked_at = blocked_at.expect("the producer was never seen waiting on a full queue");
    assert!(
        blocked_at >= 2,
        "it blocked only once the queue held two items"
    );
    assert!(woke, "the producer never put again after blocking");
    assert!(saw_working, "the consumer was never seen doing its work");
    assert_settled(&stats);
    assert_eq!((stats.produced, stats.consumed, stats.lost), (8, 8, 0));
    assert_eq!(stats.threads()[0].state, ThreadState::Finished);
}

#[test]
fn a_consumer_waits_in_get_on_an_empty_queue() {
    // One item every 20 ms: in between, the consumer sleeps in get.
    let scenario = Scenario {
        producers: 1,
        consumers: 1,
        rate: 50,
        items: 4,
        ..Scenario::default()
    };
    let mut saw_waiting = false;
    let stats = run_watched(scenario, |shared| {
        saw_waiting |= shared.stats().threads()[1].state == ThreadState::WaitingNotEmpty;
    });
    assert!(saw_waiting, "the consumer was never seen waiting in get");
    assert_settled(&stats);
    assert_eq!(stats.consumed, 4);
}
