//! Everything a run's threads share, and the producer and consumer loops each thread runs.
//!
//! A run: the shell creates one [`Shared`] (in the shared wasm memory, or natively in an
//! `Arc`), then starts one thread per producer and per consumer, each calling
//! [`Shared::run_producer`] or [`Shared::run_consumer`] with its number. Every thread first
//! waits at a start line until all of them have arrived, so they start together. The run ends
//! when the producers have put all their items and the consumers have taken them, or at
//! [`Shared::stop`]. The last thread out fixes the exact counts ([`Checker::settle`]).
//!
//! Time comes from the caller (`now`, in milliseconds): the browser's clock is
//! `performance.now()`, and `std::time::Instant` does not exist on wasm32. Waiting uses
//! `std::thread::sleep`, which in a wasm worker with atomics is `memory.atomic.wait32`.

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

use super::checker::{Checker, Item, OrderWatch, Seen, Settled};
use super::races::{make_work, ProcessedCounter, StartGuard};
use super::ring::RacyRing;
use super::scenario::{ConsumerKind, GuardKind, QueueKind, Scenario};
use super::stats::{thread_table, Role, Stats, ThreadSlot, ThreadState};
use crate::queue::{GetError, Place, Probe, Queue};

use Ordering::{AcqRel, Acquire, Relaxed, Release};

/// The most items a draining consumer takes at once.
pub const BATCH: usize = 64;
/// How many puts later a producer of the unlocked ring checks whether an item it overwrote
/// was taken after all: long enough for the consumer that read it just before to record it.
const SUSPECT_DELAY: usize = 64;
/// Steps of make-work between a check-then-act consumer's check and its act: the Python
/// interpreter's time between `q.empty()` and `q.get_nowait()`.
const CHECK_TO_ACT: u32 = 2_000;
/// The run gate's flag: set once the counts are settled; no thread may enter after it.
const CLOSED: u32 = 1 << 31;

/// Why a thread could not run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunError {
    /// The scenario has fewer threads of that role.
    NoSuchThread {
        /// Producer or consumer.
        role: Role,
        /// The number asked for.
        id: u32,
        /// How many the scenario has.
        count: u32,
    },
    /// Another call already ran this thread.
    AlreadyRan {
        /// Producer or consumer.
        role: Role,
        /// The number asked for.
        id: u32,
    },
    /// The run is over and its counts are settled.
    Settled,
}

impl std::error::Error for RunError {}

/// What one attempt to put did.
enum Put {
    Done,
    /// The unlocked ring looked full: try again.
    Full,
    /// The locked queue shut down: the run is over.
    ShutDown,
}

/// A producer's rate: when its next put is due, in the caller's milliseconds.
struct Pace {
    /// Milliseconds between puts; 0 for as fast as it can.
    interval: f64,
    due: f64,
}

impl Pace {
    /// Reads the clock only if there is a rate.
    fn new(rate: u32, now: &mut dyn FnMut() -> f64) -> Pace {
        match rate {
            0 => Pace {
                interval: 0.0,
                due: 0.0,
            },
            _ => Pace {
                interval: 1000.0 / f64::from(rate),
                due: now(),
            },
        }
    }

    /// How long to wait before the next put, or `None` if it is due (and then the one after
    /// is scheduled).
    fn wait(&mut self, now: &mut dyn FnMut() -> f64) -> Option<f64> {
        if self.interval == 0.0 {
            return None;
        }
        let t = now();
        if t < self.due {
            return Some(self.due - t);
        }
        // After a long stall, start the rate afresh rather than burst to catch up.
        self.due = if t - self.due > 100.0 { t } else { self.due } + self.interval;
        None
    }
}

/// What one attempt to take found.
enum Take {
    Got,
    Nothing,
    End,
}

/// Spins a little, then sleeps a little: for a thread polling a queue that looked empty or
/// full, or waiting at the start line.
#[derive(Default)]
struct Backoff(u32);

impl Backoff {
    fn pause(&mut self) {
        if self.0 < 10 {
            for _ in 0..1 << self.0 {
                std::hint::spin_loop();
            }
            self.0 += 1;
        } else {
            std::thread::sleep(Duration::from_micros(50));
        }
    }
    fn reset(&mut self) {
        self.0 = 0;
    }
}

/// A consumer's probe that also notes whether its `get` had to wait for an item.
struct StallWatch<'a> {
    slot: &'a ThreadSlot,
    waited: Cell<bool>,
}

impl Probe for StallWatch<'_> {
    fn at(&self, place: Place) {
        if place == Place::NotEmpty {
            self.waited.set(true);
        }
        self.slot.at(place);
    }
}

/// Everything the threads of a run share.
pub struct Shared {
    scenario: Scenario,
    queue: Queue<Item>,
    ring: RacyRing,
    checker: Checker,
    produced: Box<[AtomicU64]>,
    producers_done: AtomicU32,
    counter: ProcessedCounter,
    true_count: AtomicU64,
    empty_failures: AtomicU64,
    stalls: AtomicU64,
    guard: StartGuard,
    consumers_started: AtomicU32,
    slots: Box<[ThreadSlot]>,
    stop: AtomicBool,
    arrived: AtomicU32,
    at_guard: AtomicU32,
    /// Threads inside `run_*`, and the CLOSED flag.
    gate: AtomicU32,
}

impl Shared {
    /// Everything for one run of `scenario` (clamped into range). Allocates the checker's
    /// marks: two bits per item, `producers × items / 4` bytes.
    pub fn new(scenario: Scenario) -> Shared {
        let s = scenario.clamped();
        let ring_slots = match s.queue {
            QueueKind::Unlocked => s.ring_slots(),
            QueueKind::Locked => 1,
        };
        Shared {
            scenario: s,
            queue: Queue::new(s.maxsize),
            ring: RacyRing::new(ring_slots),
            checker: Checker::new(s.producers, s.items),
            produced: (0..s.producers).map(|_| AtomicU64::new(0)).collect(),
            producers_done: AtomicU32::new(0),
            counter: ProcessedCounter::new(s.counter),
            true_count: AtomicU64::new(0),
            empty_failures: AtomicU64::new(0),
            stalls: AtomicU64::new(0),
            guard: StartGuard::new(s.guard),
            consumers_started: AtomicU32::new(0),
            slots: (0..s.producers + s.consumers)
                .map(|_| ThreadSlot::new())
                .collect(),
            stop: AtomicBool::new(false),
            arrived: AtomicU32::new(0),
            at_guard: AtomicU32::new(0),
            gate: AtomicU32::new(0),
        }
    }

    /// The scenario this run follows (after clamping).
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    fn threads(&self) -> u32 {
        self.scenario.producers + self.scenario.consumers
    }

    fn stopping(&self) -> bool {
        // Relaxed: a request to stop soon, not a publication of data.
        self.stop.load(Relaxed)
    }

    fn all_produced(&self) -> bool {
        // Acquire: pairs with each producer's Release count, so its last puts are visible:
        // done, then empty, means empty for good.
        self.producers_done.load(Acquire) == self.scenario.producers
    }

    /// Registers a thread and waits at the start line for the others.
    fn enter(&self, role: Role, id: u32) -> Result<&ThreadSlot, RunError> {
        let (count, index) = match role {
            Role::Producer => (self.scenario.producers, id),
            Role::Consumer => (self.scenario.consumers, self.scenario.producers + id),
        };
        if id >= count {
            return Err(RunError::NoSuchThread { role, id, count });
        }
        let slot = &self.slots[index as usize];
        if !slot.claim() {
            return Err(RunError::AlreadyRan { role, id });
        }
        // Relaxed: read-modify-writes of one atomic are totally ordered, so this comes either
        // before settle's compare-exchange (which then fails) or after it (and sees CLOSED);
        // what this thread writes is published by its Release decrement in `leave`.
        let entered = self.gate.fetch_update(Relaxed, Relaxed, |g| {
            if g & CLOSED != 0 {
                None
            } else {
                Some(g + 1)
            }
        });
        if entered.is_err() {
            slot.set(ThreadState::Stopped);
            return Err(RunError::Settled);
        }
        // Relaxed: a start line publishes nothing (what threads share after it has its own
        // ordering); `leave` reads it behind the gate's AcqRel decrement.
        self.arrived.fetch_add(1, Relaxed);
        let mut backoff = Backoff::default();
        while self.arrived.load(Relaxed) < self.threads() && !self.stopping() {
            backoff.pause();
        }
        slot.set(ThreadState::Running);
        Ok(slot)
    }

    /// Unregisters a thread; the last one out settles the counts.
    fn leave(&self, slot: &ThreadSlot) {
        if !matches!(slot.state(), ThreadState::Finished | ThreadState::Declined) {
            slot.set(ThreadState::Stopped);
        }
        if self.stopping() {
            // Wake whoever sleeps in a put or a get: they see the stop and leave too.
            self.queue.shutdown(false);
        }
        // AcqRel: Release publishes this thread's writes to the settle; Acquire (the other
        // threads' decrements form one release sequence) makes every arrival of a thread that
        // already left visible to the `arrived` load below, so the last one out knows it.
        let before = self.gate.fetch_sub(1, AcqRel);
        // Relaxed: ordered by the Acquire just above.
        if before == 1 && self.arrived.load(Relaxed) == self.threads() {
            self.settle();
        }
    }

    /// Runs producer `id` (`0..producers`): puts its items at the scenario's rate, until it
    /// has put them all or the run stops. Blocks while the queue is full. `now` is a clock in
    /// milliseconds, read only when the scenario has a rate.
    pub fn run_producer(&self, id: u32, now: &mut dyn FnMut() -> f64) -> Result<(), RunError> {
        let slot = self.enter(Role::Producer, id)?;
        let s = self.scenario;
        let mut pace = Pace::new(s.rate, now);
        let mut suspects = [Item::from_bits(0); SUSPECT_DELAY];
        let mut backoff = Backoff::default();
        let mut seq = 0;
        while seq < s.items && !self.stopping() {
            if let Some(wait_ms) = pace.wait(now) {
                slot.set(ThreadState::Idle);
                std::thread::sleep(Duration::from_secs_f64(wait_ms.min(2.0) / 1000.0));
                continue;
            }
            match self.put(
                slot,
                Item::new(id, seq),
                &mut suspects[seq as usize % SUSPECT_DELAY],
            ) {
                Put::Done => {}
                Put::Full => {
                    slot.set(ThreadState::Idle);
                    backoff.pause();
                    continue;
                }
                Put::ShutDown => break,
            }
            backoff.reset();
            slot.set(ThreadState::Running);
            seq += 1;
            // Relaxed: a statistic; the settle reads it behind the gate's Acquire.
            self.produced[id as usize].store(seq, Relaxed);
            slot.count(1);
        }
        for suspect in suspects {
            self.checker.overwritten(suspect);
        }
        if seq == s.items {
            slot.set(ThreadState::Finished);
        }
        // Release: publishes this producer's puts to consumers' Acquire in `all_produced`.
        if self.producers_done.fetch_add(1, Release) + 1 == s.producers {
            // The last producer out ends the run: consumers take what is left, then stop.
            self.queue.shutdown(false);
        }
        self.leave(slot);
        Ok(())
    }

    /// One put of `item` the scenario's way. For the unlocked ring, `suspect` is the slot of
    /// this put in the producer's list of overwritten items: the item this store destroyed
    /// goes in, and the one put there `SUSPECT_DELAY` puts ago goes to the checker, now that a
    /// consumer that read it just before its slot was overwritten has had time to record it.
    fn put(&self, slot: &ThreadSlot, item: Item, suspect: &mut Item) -> Put {
        match self.scenario.queue {
            // put blocks rather than fail Full: an error means the queue shut down.
            QueueKind::Locked => match self.queue.probed(slot).put(item) {
                Ok(()) => Put::Done,
                Err(_) => Put::ShutDown,
            },
            QueueKind::Unlocked => match self.ring.try_put(item) {
                Ok(before) => {
                    self.checker.overwritten(std::mem::replace(suspect, before));
                    Put::Done
                }
                Err(_) => Put::Full,
            },
        }
    }

    /// Runs consumer `id` (`0..consumers`): takes items the scenario's way and processes
    /// each (records it, does the busy work, counts it), until the producers are done and
    /// the queue is empty, or the run stops. `now` is a clock in milliseconds, read only when
    /// the scenario has busy work.
    pub fn run_consumer(&self, id: u32, now: &mut dyn FnMut() -> f64) -> Result<(), RunError> {
        let slot = self.enter(Role::Consumer, id)?;
        if self.scenario.guard != GuardKind::None {
            // A second start line, spun rather than slept, so the consumers reach the guard
            // together, as the reference program's two requests do. Relaxed: it publishes
            // nothing; the guard's own atomic decides who starts.
            self.at_guard.fetch_add(1, Relaxed);
            while self.at_guard.load(Relaxed) < self.scenario.consumers && !self.stopping() {
                std::hint::spin_loop();
            }
            if !self.guard.try_start(id) {
                slot.set(ThreadState::Declined);
                self.leave(slot);
                return Ok(());
            }
        }
        // Relaxed: a statistic.
        self.consumers_started.fetch_add(1, Relaxed);
        let mut order = OrderWatch::default();
        let mut backoff = Backoff::default();
        let mut batch = Vec::with_capacity(BATCH);
        while !self.stopping() {
            let take = match self.scenario.queue {
                QueueKind::Locked => self.take_locked(slot, &mut batch),
                QueueKind::Unlocked => self.take_unlocked(&mut batch),
            };
            for item in batch.drain(..) {
                self.process(slot, item, &mut order, now);
            }
            match take {
                Take::Got => {
                    backoff.reset();
                    slot.set(ThreadState::Running);
                }
                Take::Nothing => {
                    slot.set(ThreadState::Idle);
                    backoff.pause();
                }
                Take::End => break,
            }
        }
        self.leave(slot);
        Ok(())
    }

    fn take_locked(&self, slot: &ThreadSlot, batch: &mut Vec<Item>) -> Take {
        let watch = StallWatch {
            slot,
            waited: Cell::new(false),
        };
        let q = self.queue.probed(&watch);
        // Read before looking at the queue: done then empty means empty for good.
        let done = self.all_produced();
        match self.scenario.consumer {
            // get blocks rather than fail Empty: an error means shut down and empty.
            ConsumerKind::Get => match q.get() {
                Ok(item) => batch.push(item),
                Err(_) => return Take::End,
            },
            ConsumerKind::Drain => match q.get() {
                Ok(item) => {
                    batch.push(item);
                    batch.extend(q.drain(BATCH - 1));
                }
                Err(_) => return Take::End,
            },
            ConsumerKind::CheckThenAct | ConsumerKind::CheckThenActBlocking => {
                if q.is_empty() {
                    return if done { Take::End } else { Take::Nothing };
                }
                make_work(CHECK_TO_ACT);
                let got = if self.scenario.consumer == ConsumerKind::CheckThenAct {
                    q.try_get()
                } else {
                    let got = q.get();
                    if watch.waited.get() {
                        // The check said an item was there; another consumer took it first.
                        self.stalls.fetch_add(1, Relaxed); // Relaxed: a statistic
                    }
                    got
                };
                match got {
                    Ok(item) => batch.push(item),
                    Err(GetError::Empty) => {
                        self.empty_failures.fetch_add(1, Relaxed); // Relaxed: a statistic
                        return Take::Nothing;
                    }
                    Err(GetError::ShutDown) => return Take::End,
                }
            }
        }
        Take::Got
    }

    fn take_unlocked(&self, batch: &mut Vec<Item>) -> Take {
        let done = self.all_produced();
        let ring = &self.ring;
        match self.scenario.consumer {
            ConsumerKind::Get => batch.extend(ring.try_get()),
            ConsumerKind::Drain => batch.extend(std::iter::from_fn(|| ring.try_get()).take(BATCH)),
            ConsumerKind::CheckThenAct | ConsumerKind::CheckThenActBlocking => {
                if !ring.is_empty() {
                    make_work(CHECK_TO_ACT);
                    match ring.try_get() {
                        Some(item) => batch.push(item),
                        None => {
                            self.empty_failures.fetch_add(1, Relaxed); // Relaxed: a statistic
                            return Take::Nothing;
                        }
                    }
                }
            }
        }
        match (batch.is_empty(), done) {
            (false, _) => Take::Got,
            (true, true) => Take::End,
            (true, false) => Take::Nothing,
        }
    }

    /// One taken item: record it, do the work, count it.
    fn process(
        &self,
        slot: &ThreadSlot,
        item: Item,
        order: &mut OrderWatch,
        now: &mut dyn FnMut() -> f64,
    ) {
        slot.count(1);
        if self.checker.record(item) == Seen::First && !order.in_order(item) {
            self.checker.reordered();
        }
        if self.scenario.work_us > 0 {
            slot.set(ThreadState::Working);
            let end = now() + f64::from(self.scenario.work_us) / 1000.0;
            while now() < end {
                std::hint::spin_loop();
            }
            slot.set(ThreadState::Running);
        }
        self.counter.increment();
        self.true_count.fetch_add(1, Relaxed); // Relaxed: a statistic
    }

    /// Asks every thread to stop soon. Lock-free (only an atomic store), so the page's main
    /// thread may call it; the first thread to notice wakes those asleep in the queue.
    pub fn stop(&self) {
        // Relaxed: a request to stop soon; it publishes no data.
        self.stop.store(true, Relaxed);
    }

    /// Stops the run and shuts the queue down at once, waking every sleeping thread. Takes
    /// the queue's lock: call it from a worker, never from the page's main thread.
    pub fn shutdown(&self) {
        self.stop();
        self.queue.shutdown(false);
    }

    /// Fixes the exact counts if no thread is inside `run_*` (the last thread out does this
    /// itself; call it when some thread never arrived). Returns them, or `None` if threads
    /// are still running or the run is already settled. Takes the queue's lock: call it from
    /// a worker, never from the page's main thread.
    pub fn settle(&self) -> Option<Settled> {
        // Acquire: sees every write of the threads that left (their Release decrements form
        // one release sequence up to this 0). No Release: a thread that then finds the gate
        // closed reads nothing of the settle. Relaxed on failure: nothing is read then.
        self.gate
            .compare_exchange(0, CLOSED, Acquire, Relaxed)
            .ok()?;
        // Relaxed: ordered by the gate's Acquire above.
        let produced: Vec<u64> = self.produced.iter().map(|p| p.load(Relaxed)).collect();
        Some(match self.scenario.queue {
            QueueKind::Locked => self.checker.settle(&produced, self.queue.snapshot()),
            QueueKind::Unlocked => self.checker.settle(&produced, self.ring.remaining()),
        })
    }

    /// Every count now, read with atomic loads only: never blocks, never takes a lock, so the
    /// page's main thread may call it. Once `settled`, the counts are final and conserved.
    pub fn stats(&self) -> Stats {
        // First: once this is Some (an Acquire load), every count read after it is final.
        let settled = self.checker.settled();
        let s = &self.scenario;
        // Relaxed, here and below: statistics, each read on its own.
        let produced: u64 = self.produced.iter().map(|p| p.load(Relaxed)).sum();
        let taken = self.checker.recorded();
        let live_queued = || match s.queue {
            QueueKind::Locked => produced.saturating_sub(taken),
            QueueKind::Unlocked => self.ring.len() as u64,
        };
        let rows = self.slots.iter().map(|slot| (slot.state(), slot.items()));
        let (thread_table, thread_count) = thread_table(s.producers, rows);
        Stats {
            produced,
            consumed: settled.map_or_else(|| self.checker.consumed(), |f| f.consumed),
            taken,
            lost: settled.map_or_else(|| self.checker.lost(), |f| f.lost),
            duplicated: self.checker.duplicated(),
            reordered: self.checker.reorders(),
            phantoms: self.checker.phantoms(),
            queued: settled.map_or_else(live_queued, |f| f.queued),
            counter: self.counter.get(),
            true_count: self.true_count.load(Relaxed),
            empty_failures: self.empty_failures.load(Relaxed),
            stalls: self.stalls.load(Relaxed),
            consumers_started: self.consumers_started.load(Relaxed),
            contention: self.queue.contention(),
            settled: settled.is_some(),
            thread_count,
            thread_table,
        }
    }
}
