#![cfg(not(target_arch = "wasm32"))]
//! The queue under real threads: ordering, blocking and waking, timeouts, `join`, shutdown,
//! and many producers with many consumers losing and duplicating nothing.
//!
//! A test about waking blocked threads first waits, through the queue's [`Probe`], until they
//! are asleep in the queue (not merely started, nor still spinning): were they never to
//! block, the test fails instead of passing on threads that were never woken.

use queue_playground::queue::{
    BaseQueue, GetError, LifoQueue, Place, PriorityQueue, Probe, PutError, Queue, Store,
    TaskDoneError,
};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

/// A bound so generous that only a hung test would reach it.
const NEVER: Duration = Duration::from_secs(30);
/// How long [`Sleepers::wait_for`] waits for threads to fall asleep before giving up.
const BLOCK_WITHIN: Duration = Duration::from_secs(10);

/// Hears which threads sleep in the queue, and where: the queue tells it under its lock just
/// before each sleep, so a thread counted here is found asleep by the next call that locks.
#[derive(Default)]
struct Sleepers {
    asleep: Mutex<HashMap<ThreadId, Place>>,
    changed: Condvar,
}

impl Probe for Sleepers {
    fn at(&self, place: Place) {
        if place == Place::Running {
            let mut asleep = self.asleep.lock().unwrap_or_else(PoisonError::into_inner);
            asleep.remove(&thread::current().id());
        }
    }
    fn asleep(&self, place: Place) {
        let mut asleep = self.asleep.lock().unwrap_or_else(PoisonError::into_inner);
        asleep.insert(thread::current().id(), place);
        self.changed.notify_all();
    }
}

impl Sleepers {
    /// Waits until `n` threads are asleep at `place`, or [`BLOCK_WITHIN`] has passed: then
    /// says how many were. Tests check the answer only once they have released the threads
    /// (were the threads to poll instead of blocking, failing at once would hang the test).
    fn wait_for(&self, place: Place, n: usize) -> Result<(), String> {
        let count =
            |asleep: &HashMap<ThreadId, Place>| asleep.values().filter(|p| **p == place).count();
        let asleep = self.asleep.lock().unwrap_or_else(PoisonError::into_inner);
        let (asleep, _) = self
            .changed
            .wait_timeout_while(asleep, BLOCK_WITHIN, |a| count(a) < n)
            .unwrap_or_else(PoisonError::into_inner);
        match count(&asleep) {
            k if k >= n => Ok(()),
            k => Err(format!("only {k} of {n} threads asleep at {place:?}")),
        }
    }
}

#[test]
fn fifo_lifo_priority_order() {
    let fifo = Queue::new(0);
    let lifo = LifoQueue::new(0);
    let heap = PriorityQueue::new(0);
    for n in [3, 1, 4, 1, 5] {
        fifo.put(n).unwrap();
        lifo.put(n).unwrap();
        heap.put(n).unwrap();
    }
    let drain_by_get = |get: &dyn Fn() -> Result<i32, GetError>| {
        std::iter::from_fn(|| get().ok()).collect::<Vec<_>>()
    };
    assert_eq!(drain_by_get(&|| fifo.try_get()), [3, 1, 4, 1, 5]);
    assert_eq!(drain_by_get(&|| lifo.try_get()), [5, 1, 4, 1, 3]);
    assert_eq!(drain_by_get(&|| heap.try_get()), [1, 1, 3, 4, 5]);
}

#[test]
fn priority_queue_orders_tuples_like_python() {
    let q = PriorityQueue::new(0);
    q.put((2, "b")).unwrap();
    q.put((1, "z")).unwrap();
    q.put((2, "a")).unwrap();
    assert_eq!(q.drain(usize::MAX), [(1, "z"), (2, "a"), (2, "b")]);
}

#[test]
fn maxsize_and_fullness() {
    let q = Queue::new(2);
    assert_eq!(q.maxsize(), 2);
    assert!(q.is_empty() && !q.is_full());
    q.put('a').unwrap();
    assert!(!q.is_empty() && !q.is_full());
    q.put('b').unwrap();
    assert!(q.is_full());
    assert_eq!(q.len(), 2);

    let unbounded = Queue::new(0);
    for n in 0..10_000 {
        unbounded.try_put(n).unwrap();
    }
    assert!(!unbounded.is_full());
    assert_eq!(unbounded.len(), 10_000);
}

#[test]
fn try_calls_fail_at_once_and_hand_the_item_back() {
    let q = Queue::new(1);
    assert_eq!(q.try_get(), Err(GetError::Empty));
    q.try_put(String::from("kept")).unwrap();
    let err = q.try_put(String::from("returned")).unwrap_err();
    assert!(matches!(err, PutError::Full(_)));
    assert_eq!(err.into_inner(), "returned");
    // The failed put changed nothing.
    assert_eq!(q.snapshot(), ["kept"]);
    assert_eq!(q.unfinished_tasks(), 1);
    assert_eq!(q.try_get().as_deref(), Ok("kept"));
}

#[test]
fn put_timeout_returns_full_after_the_timeout() {
    let q = Queue::new(1);
    q.put(1).unwrap();
    let timeout = Duration::from_millis(100);
    let start = Instant::now();
    assert_eq!(q.put_timeout(2, timeout), Err(PutError::Full(2)));
    assert!(start.elapsed() >= timeout);
    assert_eq!(q.put_timeout(3, Duration::ZERO), Err(PutError::Full(3)));
    assert_eq!(q.snapshot(), [1]);
}

#[test]
fn get_timeout_returns_empty_after_the_timeout() {
    let q = Queue::<u8>::new(0);
    let timeout = Duration::from_millis(100);
    let start = Instant::now();
    assert_eq!(q.get_timeout(timeout), Err(GetError::Empty));
    assert!(start.elapsed() >= timeout);
    assert_eq!(q.get_timeout(Duration::ZERO), Err(GetError::Empty));
    q.put(7).unwrap();
    assert_eq!(q.get_timeout(Duration::ZERO), Ok(7));
}

#[test]
fn timed_calls_succeed_when_woken_in_time() {
    let q = Queue::new(1);
    let sleepers = Sleepers::default();
    thread::scope(|s| {
        let consumer = s.spawn(|| q.probed(&sleepers).get_timeout(NEVER));
        let blocked = sleepers.wait_for(Place::NotEmpty, 1);
        q.put(1).unwrap();
        assert_eq!(consumer.join().unwrap(), Ok(1));
        assert_eq!(blocked, Ok(()));

        q.put(2).unwrap();
        let producer = s.spawn(|| q.probed(&sleepers).put_timeout(3, NEVER));
        let blocked = sleepers.wait_for(Place::NotFull, 1);
        assert_eq!(q.get(), Ok(2));
        assert_eq!(producer.join().unwrap(), Ok(()));
        assert_eq!(blocked, Ok(()));
    });
    assert_eq!(q.snapshot(), [3]);
}

#[test]
fn blocked_producers_are_woken_in_turn_by_gets() {
    let q = Queue::new(1);
    q.put(0).unwrap();
    let sleepers = Sleepers::default();
    let mut got = Vec::new();
    thread::scope(|s| {
        for n in 1..=3 {
            let (q, sleepers) = (&q, &sleepers);
            s.spawn(move || q.probed(sleepers).put(n).unwrap());
        }
        let blocked = sleepers.wait_for(Place::NotFull, 3);
        // Full: no producer can have put anything yet.
        assert_eq!(q.len(), 1);
        for _ in 0..4 {
            got.push(q.get().unwrap());
            assert!(q.len() <= 1);
        }
        assert_eq!(blocked, Ok(()));
    });
    assert_eq!(got[0], 0);
    got.sort_unstable();
    assert_eq!(got, [0, 1, 2, 3]);
    assert_eq!(q.unfinished_tasks(), 4);
}

#[test]
fn blocked_consumers_are_woken_by_puts() {
    let q = Queue::new(0);
    let sleepers = Sleepers::default();
    let mut got: Vec<i32> = thread::scope(|s| {
        let consumers: Vec<_> = (0..3)
            .map(|_| s.spawn(|| q.probed(&sleepers).get().unwrap()))
            .collect();
        let blocked = sleepers.wait_for(Place::NotEmpty, 3);
        for n in 0..3 {
            q.put(n).unwrap();
        }
        let got = consumers.into_iter().map(|c| c.join().unwrap()).collect();
        assert_eq!(blocked, Ok(()));
        got
    });
    got.sort_unstable();
    assert_eq!(got, [0, 1, 2]);
    assert!(q.is_empty());
}

#[test]
fn task_done_called_too_often_fails_and_changes_nothing() {
    let q = Queue::new(0);
    assert_eq!(q.task_done(), Err(TaskDoneError));
    q.put("job").unwrap();
    q.get().unwrap();
    assert_eq!(q.unfinished_tasks(), 1);
    q.task_done().unwrap();
    assert_eq!(q.task_done(), Err(TaskDoneError));
    assert_eq!(q.unfinished_tasks(), 0);
    q.join(); // nothing unfinished: returns at once
    q.put("next").unwrap();
    assert_eq!(q.unfinished_tasks(), 1);
    assert_eq!(
        TaskDoneError.to_string(),
        "task_done() called too many times"
    );
}

#[test]
fn join_returns_only_after_every_task_done() {
    const ITEMS: usize = 100;
    let q = Queue::new(0);
    for n in 0..ITEMS {
        q.put(n).unwrap();
    }
    let processed = AtomicUsize::new(0);
    thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                while q.try_get().is_ok() {
                    // Work, then count. Relaxed is enough: task_done and join take the
                    // queue's mutex, which orders the count before join returns.
                    thread::sleep(Duration::from_millis(1));
                    processed.fetch_add(1, Ordering::Relaxed);
                    q.task_done().unwrap();
                }
            });
        }
        q.join();
        assert_eq!(processed.load(Ordering::Relaxed), ITEMS);
    });
}

#[test]
fn shutdown_wakes_every_blocked_getter_and_putter() {
    for immediate in [false, true] {
        let empty = Queue::<u32>::new(0);
        let full = Queue::new(1);
        full.put(0).unwrap();
        let sleepers = Sleepers::default();
        thread::scope(|s| {
            let (empty, sleepers) = (&empty, &sleepers);
            let getters: Vec<_> = (0..3)
                .map(|_| s.spawn(move || empty.probed(sleepers).get()))
                .collect();
            let timed_getter = s.spawn(move || empty.probed(sleepers).get_timeout(NEVER));
            let putters: Vec<_> = (1..=3)
                .map(|n| {
                    let full = &full;
                    s.spawn(move || full.probed(sleepers).put(n))
                })
                .collect();
            let timed_putter = s.spawn(|| full.probed(sleepers).put_timeout(4, NEVER));
            let getters_blocked = sleepers.wait_for(Place::NotEmpty, 4);
            let putters_blocked = sleepers.wait_for(Place::NotFull, 4);
            empty.shutdown(immediate);
            full.shutdown(immediate);
            for getter in getters {
                assert_eq!(getter.join().unwrap(), Err(GetError::ShutDown));
            }
            assert_eq!(timed_getter.join().unwrap(), Err(GetError::ShutDown));
            for (n, putter) in (1..=3).zip(putters) {
                assert_eq!(putter.join().unwrap(), Err(PutError::ShutDown(n)));
            }
            assert_eq!(timed_putter.join().unwrap(), Err(PutError::ShutDown(4)));
            assert_eq!((getters_blocked, putters_blocked), (Ok(()), Ok(())));
        });
        assert!(empty.is_shut_down() && full.is_shut_down());
        assert_eq!(full.len(), if immediate { 0 } else { 1 });
    }
}

#[test]
fn after_shutdown_gets_return_the_items_left_then_shut_down() {
    let q = Queue::new(0);
    for n in 1..=3 {
        q.put(n).unwrap();
    }
    q.shutdown(false);
    assert_eq!(q.try_put(4), Err(PutError::ShutDown(4)));
    assert_eq!(q.put(5), Err(PutError::ShutDown(5)));
    assert_eq!(q.get(), Ok(1));
    assert_eq!(q.try_get(), Ok(2));
    assert_eq!(q.get_timeout(NEVER), Ok(3));
    assert_eq!(q.get(), Err(GetError::ShutDown));
    assert_eq!(q.try_get(), Err(GetError::ShutDown));
    assert_eq!(q.get_timeout(NEVER), Err(GetError::ShutDown));
    // Items still count until marked done.
    assert_eq!(q.unfinished_tasks(), 3);
}

#[test]
fn shutdown_immediate_empties_the_queue_and_releases_join() {
    let q = Queue::new(0);
    for n in 0..3 {
        q.put(n).unwrap();
    }
    let sleepers = Sleepers::default();
    thread::scope(|s| {
        let joiner = s.spawn(|| q.probed(&sleepers).join());
        let blocked = sleepers.wait_for(Place::AllTasksDone, 1);
        q.shutdown(true);
        joiner.join().unwrap();
        assert_eq!(blocked, Ok(()));
    });
    assert!(q.is_empty());
    assert_eq!(q.unfinished_tasks(), 0);
    assert_eq!(q.get(), Err(GetError::ShutDown));
    assert_eq!(q.task_done(), Err(TaskDoneError));
}

#[test]
fn shutdown_immediate_still_waits_for_items_already_taken() {
    let q = Queue::new(0);
    for n in 0..3 {
        q.put(n).unwrap();
    }
    let taken = q.get().unwrap();
    let sleepers = Sleepers::default();
    thread::scope(|s| {
        let joiner = s.spawn(|| q.probed(&sleepers).join());
        q.shutdown(true);
        // Two items discarded and counted done; the one taken is still being processed.
        assert_eq!(q.unfinished_tasks(), 1);
        // So join sleeps (it may have begun before or after the shutdown) and stays asleep.
        let blocked = sleepers.wait_for(Place::AllTasksDone, 1);
        assert!(!joiner.is_finished());
        q.task_done().unwrap(); // done with `taken`
        joiner.join().unwrap();
        assert_eq!(blocked, Ok(()));
    });
    assert_eq!(taken, 0);
}

#[test]
fn drain_takes_a_batch_in_get_order() {
    let fifo = Queue::new(0);
    let lifo = LifoQueue::new(0);
    let heap = PriorityQueue::new(0);
    for n in [3, 1, 2] {
        fifo.put(n).unwrap();
        lifo.put(n).unwrap();
        heap.put(n).unwrap();
    }
    assert_eq!(fifo.drain(2), [3, 1]);
    assert_eq!(lifo.drain(2), [2, 1]);
    assert_eq!(heap.drain(2), [1, 2]);
    assert_eq!(fifo.drain(0), [] as [i32; 0]);
    assert_eq!(fifo.len(), 1);
    assert_eq!(fifo.drain(10), [2]);
    assert_eq!(fifo.drain(10), [] as [i32; 0]);
    // Like gets, a drain leaves every item to be marked done.
    assert_eq!(fifo.unfinished_tasks(), 3);
    fifo.shutdown(false);
    assert_eq!(fifo.drain(10), [] as [i32; 0]);
}

#[test]
fn drain_wakes_blocked_producers() {
    let q = Queue::new(2);
    q.put(0).unwrap();
    q.put(1).unwrap();
    let sleepers = Sleepers::default();
    thread::scope(|s| {
        let producers: Vec<_> = (10..12)
            .map(|n| {
                let (q, sleepers) = (&q, &sleepers);
                s.spawn(move || q.probed(sleepers).put(n))
            })
            .collect();
        let blocked = sleepers.wait_for(Place::NotFull, 2);
        assert_eq!(q.drain(2), [0, 1]);
        for producer in producers {
            assert_eq!(producer.join().unwrap(), Ok(()));
        }
        assert_eq!(blocked, Ok(()));
    });
    let mut left = q.snapshot();
    left.sort_unstable();
    assert_eq!(left, [10, 11]);
}

#[test]
fn snapshot_removes_nothing() {
    let fifo = Queue::new(0);
    let lifo = LifoQueue::new(0);
    let heap = PriorityQueue::new(0);
    for n in [2, 3, 1] {
        fifo.put(n).unwrap();
        lifo.put(n).unwrap();
        heap.put(n).unwrap();
    }
    // Like the reference program's `list(message_queue.queue)`: the same items every round.
    for _ in 0..3 {
        assert_eq!(fifo.snapshot(), [2, 3, 1]);
        assert_eq!(lifo.snapshot(), [1, 3, 2]);
        assert_eq!(heap.snapshot(), [1, 2, 3]);
    }
    assert_eq!((fifo.len(), lifo.len(), heap.len()), (3, 3, 3));
    assert_eq!(heap.unfinished_tasks(), 3);
    assert_eq!(heap.drain(usize::MAX), [1, 2, 3]);
}

#[test]
fn a_panic_under_the_lock_does_not_break_the_queue() {
    /// Panics when cloned: `snapshot` clones while holding the lock, which poisons it.
    struct Fragile;
    impl Clone for Fragile {
        fn clone(&self) -> Self {
            panic!("Fragile cannot be cloned (expected by this test)");
        }
    }
    let q = Queue::new(0);
    q.put(Fragile).unwrap();
    let snapshot = thread::scope(|s| s.spawn(|| q.snapshot()).join());
    assert!(snapshot.is_err());
    // Every call still works.
    q.put(Fragile).unwrap();
    assert_eq!(q.len(), 2);
    assert_eq!(q.drain(2).len(), 2);
    q.task_done().unwrap();
    q.task_done().unwrap();
    q.join();
    q.shutdown(false);
    assert!(matches!(q.get(), Err(GetError::ShutDown)));
}

/// Runs `PRODUCERS` producers and `CONSUMERS` consumers over `q` and returns what each consumer
/// got, in the order it got it. Consumers take up to `batch` items at a time: one blocking
/// `get`, then a `drain` for the rest. They stop when the queue is shut down and empty.
fn produce_and_consume<S>(q: BaseQueue<usize, S>, batch: usize) -> Vec<Vec<usize>>
where
    S: Store<usize> + Send,
{
    let q = &q;
    let got = thread::scope(|s| {
        let consumers: Vec<_> = (0..CONSUMERS)
            .map(|_| {
                s.spawn(move || {
                    let mut got = Vec::new();
                    while let Ok(first) = q.get() {
                        got.push(first);
                        got.extend(q.drain(batch - 1));
                    }
                    for _ in &got {
                        q.task_done().unwrap();
                    }
                    got
                })
            })
            .collect();
        let producers: Vec<_> = (0..PRODUCERS)
            .map(|p| {
                s.spawn(move || {
                    for i in 0..PER_PRODUCER {
                        q.put(p * PER_PRODUCER + i).unwrap();
                    }
                })
            })
            .collect();
        for producer in producers {
            producer.join().unwrap();
        }
        q.shutdown(false); // consumers finish the items left, then stop
        let got: Vec<Vec<usize>> = consumers.into_iter().map(|c| c.join().unwrap()).collect();
        q.join();
        got
    });
    assert!(q.is_empty());
    assert_eq!(q.unfinished_tasks(), 0);
    let mut all: Vec<usize> = got.iter().flatten().copied().collect();
    all.sort_unstable();
    assert!(
        all.iter().copied().eq(0..PRODUCERS * PER_PRODUCER),
        "an item was lost or duplicated"
    );
    got
}

const PRODUCERS: usize = 4;
const CONSUMERS: usize = 4;
const PER_PRODUCER: usize = 25_000;

/// In a FIFO queue each consumer sees each producer's items in the order they were put.
fn assert_fifo_per_producer(got: &[Vec<usize>]) {
    for consumer in got {
        for p in 0..PRODUCERS {
            let from_p = consumer.iter().filter(|&&n| n / PER_PRODUCER == p);
            assert!(from_p.clone().zip(from_p.skip(1)).all(|(a, b)| a < b));
        }
    }
}

#[test]
fn many_producers_many_consumers_bounded() {
    let got = produce_and_consume(Queue::new(64), 1);
    assert_fifo_per_producer(&got);
}

#[test]
fn many_producers_many_consumers_unbounded() {
    let got = produce_and_consume(Queue::new(0), 1);
    assert_fifo_per_producer(&got);
}

#[test]
fn many_producers_many_batch_consumers() {
    let got = produce_and_consume(Queue::new(256), 32);
    assert_fifo_per_producer(&got);
}

#[test]
fn many_producers_many_consumers_lifo_and_priority() {
    produce_and_consume(LifoQueue::new(64), 1);
    produce_and_consume(PriorityQueue::new(64), 8);
}
