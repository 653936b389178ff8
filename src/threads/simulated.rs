//! Simulated threads: a run of the same scenario on ONE thread, for pages that cannot share
//! memory (no cross-origin isolation). Each producer and consumer is a small state machine;
//! a seeded scheduler picks which one takes its next step, so the interleavings are real
//! interleavings of these steps, and the same [`Checker`] counts what they lose, duplicate
//! and reorder into the same [`Stats`] as [`Shared`](super::Shared).
//!
//! A step touches shared state at most once, as in the lab (`src/sim`): so the unlocked ring's
//! put is four steps (read `tail`, read `head`, write the slot, write `tail`), its get four,
//! the racy counter two (read, write), the racy start guard two (check, act); the locked
//! queue's put and get are a lock step and a step under the lock, and a thread that finds the
//! lock held is blocked (counted as contention) until the holder unlocks. Waits on the
//! queue's condition variables park a thread until a put or get wakes it, as `notify_one`
//! does. Time does not exist here: the rate and the busy work are not simulated.
//!
//! ```
//! use queue_playground::threads::{Scenario, SimulatedRun};
//!
//! let (unlocked, _) = Scenario::from_query("producers=2&consumers=2&queue=unlocked");
//! let mut sim = SimulatedRun::new(unlocked, 42); // the same seed replays the same run
//! for _ in 0..1000 {
//!     if sim.stats().lost + sim.stats().duplicated > 0 {
//!         break;
//!     }
//!     sim.run(1000);
//! }
//! sim.stop();
//! let s = sim.stats();
//! assert!(s.settled && s.lost + s.duplicated > 0);
//! assert_eq!(s.produced, s.consumed + s.lost + s.queued); // duplicates are counted apart
//! ```

use std::collections::VecDeque;

use super::checker::{Checker, Item, OrderWatch, Seen, Settled};
use super::scenario::{ConsumerKind, CounterKind, GuardKind, QueueKind, Scenario};
use super::shared::BATCH;
use super::stats::{thread_table, Role, Stats, ThreadState};
use crate::rng::SplitMix64;

/// Where a thread is in its loop: the next step it takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pc {
    /// Consumer: the start guard's check (or its compare-exchange).
    GuardCheck,
    /// Consumer: the racy guard's act, after its check saw no consumer.
    GuardAct,
    /// Locked queue: take the lock, then go on at `then`.
    Lock(Locked),
    /// Locked queue: the step under the lock.
    Under(Locked),
    /// Unlocked ring: a step of a put.
    Put(RingPut),
    /// Unlocked ring: a step of a get.
    Get(RingGet),
    /// Consumer: record the next item of its batch.
    Record,
    /// Racy counter: the store after the load.
    CounterStore,
    /// Parked on a condition variable until woken.
    Parked,
    /// Out of the run.
    Ended,
}

/// A put on the unlocked ring: read `tail`, read `head`, write the slot, write `tail`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RingPut {
    Tail,
    Head,
    Slot,
    Publish,
}

/// A get on the unlocked ring: check-then-act's check (reads `head` and `tail`), then read
/// `head`, read `tail`, read the slot, write `head`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RingGet {
    Check,
    Head,
    Tail,
    Slot,
    Publish,
}

/// What a locked-queue step does under the lock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Locked {
    Put,
    Get,
    Check,
    Act,
}

struct Thread {
    role: Role,
    id: u32,
    state: ThreadState,
    items: u64,
    pc: Pc,
    /// A producer's next sequence number.
    seq: u64,
    /// Values read by the previous step (ring indices, a counter value).
    head: u64,
    tail: u64,
    value: u64,
    batch: VecDeque<Item>,
    order: OrderWatch,
}

/// One simulated run (see the module comment).
pub struct SimulatedRun {
    scenario: Scenario,
    rng: SplitMix64,
    threads: Vec<Thread>,
    checker: Checker,
    produced: Vec<u64>,
    producers_done: u32,
    queue: VecDeque<Item>,
    lock: Option<usize>,
    ring: Vec<u64>,
    head: u64,
    tail: u64,
    counter: u64,
    true_count: u64,
    guard: u32,
    consumers_started: u32,
    empty_failures: u64,
    stalls: u64,
    contention: u64,
    settled: Option<Settled>,
}

impl SimulatedRun {
    /// A run of `scenario` (clamped into range), scheduled by a generator seeded with `seed`.
    pub fn new(scenario: Scenario, seed: u64) -> SimulatedRun {
        let s = scenario.clamped();
        let put = match s.queue {
            QueueKind::Locked => Pc::Lock(Locked::Put),
            QueueKind::Unlocked => Pc::Put(RingPut::Tail),
        };
        let (take, consumers_started) = match s.guard {
            GuardKind::None => (Self::take_pc(&s), s.consumers),
            GuardKind::Once | GuardKind::Racy => (Pc::GuardCheck, 0),
        };
        let producers = (0..s.producers).map(|id| Thread::new(Role::Producer, id, put));
        let consumers = (0..s.consumers).map(|id| Thread::new(Role::Consumer, id, take));
        let ring_slots = match s.queue {
            QueueKind::Unlocked => s.ring_slots(),
            QueueKind::Locked => 1,
        };
        SimulatedRun {
            rng: SplitMix64::new(seed),
            threads: producers.chain(consumers).collect(),
            checker: Checker::new(s.producers, s.items),
            produced: vec![0; s.producers as usize],
            producers_done: 0,
            queue: VecDeque::new(),
            lock: None,
            ring: vec![0; ring_slots],
            head: 0,
            tail: 0,
            counter: 0,
            true_count: 0,
            guard: 0,
            consumers_started,
            empty_failures: 0,
            stalls: 0,
            contention: 0,
            settled: None,
            scenario: s,
        }
    }

    /// The first step of a consumer's take, by scenario.
    fn take_pc(s: &Scenario) -> Pc {
        match (s.queue, s.consumer) {
            (QueueKind::Locked, ConsumerKind::Get | ConsumerKind::Drain) => Pc::Lock(Locked::Get),
            (QueueKind::Locked, _) => Pc::Lock(Locked::Check),
            (QueueKind::Unlocked, ConsumerKind::Get | ConsumerKind::Drain) => {
                Pc::Get(RingGet::Head)
            }
            (QueueKind::Unlocked, _) => Pc::Get(RingGet::Check),
        }
    }

    /// Takes up to `steps` steps, each of a thread the scheduler picks among those that can
    /// move. Returns false once the run has ended (every thread out, or none able to move).
    pub fn run(&mut self, steps: u32) -> bool {
        let mut ready = Vec::with_capacity(self.threads.len());
        for _ in 0..steps {
            ready.clear();
            ready.extend(
                (0..self.threads.len())
                    .filter(|&i| !matches!(self.threads[i].pc, Pc::Parked | Pc::Ended)),
            );
            if ready.is_empty() {
                self.stop();
                return false;
            }
            let pick = ready[self.rng.below(ready.len())];
            self.step(pick);
        }
        self.settled.is_none()
    }

    /// Ends every thread; the counts become final (`settled`). As a real consumer does before
    /// it notices the stop, each consumer first processes the items it has already taken.
    pub fn stop(&mut self) {
        for i in 0..self.threads.len() {
            if self.threads[i].pc == Pc::CounterStore {
                self.counter = self.threads[i].value + 1;
                self.true_count += 1;
            }
            while let Some(item) = self.threads[i].batch.pop_front() {
                let t = &mut self.threads[i];
                t.items += 1;
                if self.checker.record(item) == Seen::First && !t.order.in_order(item) {
                    self.checker.reordered();
                }
                self.counter += 1;
                self.true_count += 1;
            }
            let t = &mut self.threads[i];
            if t.pc != Pc::Ended {
                t.pc = Pc::Ended;
                if !matches!(t.state, ThreadState::Finished | ThreadState::Declined) {
                    t.state = ThreadState::Stopped;
                }
            }
        }
        if self.settled.is_none() {
            let in_queue: Vec<Item> = match self.scenario.queue {
                QueueKind::Locked => self.queue.iter().copied().collect(),
                QueueKind::Unlocked => self.ring_items(),
            };
            self.settled = Some(self.checker.settle(&self.produced, in_queue));
        }
    }

    fn ring_len(&self) -> u64 {
        let gap = self.tail.wrapping_sub(self.head) as i64;
        gap.clamp(0, self.ring.len() as i64) as u64
    }

    fn ring_items(&self) -> Vec<Item> {
        (0..self.ring_len())
            .map(|i| Item::from_bits(self.ring[self.slot(self.head.wrapping_add(i))]))
            .collect()
    }

    fn slot(&self, index: u64) -> usize {
        (index % self.ring.len() as u64) as usize
    }

    fn all_produced(&self) -> bool {
        self.producers_done == self.scenario.producers
    }

    /// Wakes one thread parked as `state` (a `notify_one`), or all of them.
    fn wake(&mut self, state: ThreadState, all: bool) {
        for t in self
            .threads
            .iter_mut()
            .filter(|t| t.pc == Pc::Parked && t.state == state)
        {
            t.pc = match t.role {
                Role::Producer => Pc::Lock(Locked::Put),
                Role::Consumer => Pc::Lock(t.value_as_locked()),
            };
            t.state = ThreadState::Running;
            if !all {
                return;
            }
        }
    }

    fn step(&mut self, i: usize) {
        match self.threads[i].pc {
            Pc::GuardCheck => self.guard_check(i),
            Pc::GuardAct => {
                self.guard = self.threads[i].id + 1;
                self.start_consumer(i);
            }
            Pc::Lock(then) => self.lock_step(i, then),
            Pc::Under(what) => {
                self.under_lock(i, what);
                self.lock = None;
            }
            Pc::Put(step) => self.ring_put(i, step),
            Pc::Get(step) => self.ring_get(i, step),
            Pc::Record => self.record(i),
            Pc::CounterStore => {
                self.counter = self.threads[i].value + 1;
                self.after_count(i);
            }
            Pc::Parked | Pc::Ended => {}
        }
    }

    /// Takes the queue's lock, or finds it held (contention) and stays blocked.
    fn lock_step(&mut self, i: usize, then: Locked) {
        match self.lock {
            None => {
                self.lock = Some(i);
                self.threads[i].pc = Pc::Under(then);
                self.threads[i].state = ThreadState::Running;
            }
            Some(_) => {
                self.contention += 1;
                self.threads[i].state = ThreadState::BlockedOnLock;
            }
        }
    }

    /// One step of a put on the unlocked ring: one read or write of the shared ring.
    fn ring_put(&mut self, i: usize, step: RingPut) {
        match step {
            RingPut::Tail => {
                self.threads[i].tail = self.tail;
                self.threads[i].pc = Pc::Put(RingPut::Head);
            }
            RingPut::Head => {
                let t = &mut self.threads[i];
                t.head = self.head;
                if t.tail.wrapping_sub(t.head) as i64 >= self.ring.len() as i64 {
                    t.state = ThreadState::Idle; // looks full: try again
                    t.pc = Pc::Put(RingPut::Tail);
                } else {
                    t.pc = Pc::Put(RingPut::Slot);
                }
            }
            RingPut::Slot => {
                let slot = self.slot(self.threads[i].tail);
                let item = Item::new(self.threads[i].id, self.threads[i].seq);
                let before = std::mem::replace(&mut self.ring[slot], item.bits());
                self.checker.overwritten(Item::from_bits(before));
                self.threads[i].pc = Pc::Put(RingPut::Publish);
            }
            RingPut::Publish => {
                self.tail = self.threads[i].tail.wrapping_add(1);
                self.put_done(i, Pc::Put(RingPut::Tail));
            }
        }
    }

    /// One step of a get on the unlocked ring: one read or write of the shared ring.
    fn ring_get(&mut self, i: usize, step: RingGet) {
        match step {
            RingGet::Check if self.ring_len() > 0 => self.threads[i].pc = Pc::Get(RingGet::Head),
            RingGet::Check => self.nothing_to_take(i, Pc::Get(RingGet::Check)),
            RingGet::Head => {
                self.threads[i].head = self.head;
                self.threads[i].pc = Pc::Get(RingGet::Tail);
            }
            RingGet::Tail => self.ring_get_tail(i),
            RingGet::Slot => {
                let bits = self.ring[self.slot(self.threads[i].head)];
                self.threads[i].value = bits;
                self.threads[i].pc = Pc::Get(RingGet::Publish);
            }
            RingGet::Publish => {
                let t = &mut self.threads[i];
                self.head = t.head.wrapping_add(1);
                t.batch.push_back(Item::from_bits(t.value));
                t.pc = Pc::Record;
            }
        }
    }

    /// A get reads `tail`: goes on to the slot if the ring looks not empty.
    fn ring_get_tail(&mut self, i: usize) {
        let t = &mut self.threads[i];
        t.tail = self.tail;
        if t.tail.wrapping_sub(t.head) as i64 > 0 {
            t.pc = Pc::Get(RingGet::Slot);
        } else if matches!(
            self.scenario.consumer,
            ConsumerKind::CheckThenAct | ConsumerKind::CheckThenActBlocking
        ) {
            // The check said not empty; the act found it empty.
            self.empty_failures += 1;
            self.threads[i].pc = Pc::Get(RingGet::Check);
        } else {
            self.nothing_to_take(i, Pc::Get(RingGet::Head));
        }
    }

    fn guard_check(&mut self, i: usize) {
        let me = self.threads[i].id + 1;
        match self.scenario.guard {
            GuardKind::Once if self.guard == 0 => {
                self.guard = me; // compare-exchange: check and act in one step
                self.start_consumer(i);
            }
            GuardKind::Racy if self.guard == 0 => self.threads[i].pc = Pc::GuardAct,
            GuardKind::None => self.start_consumer(i),
            GuardKind::Once | GuardKind::Racy => {
                let t = &mut self.threads[i];
                t.state = ThreadState::Declined;
                t.pc = Pc::Ended;
            }
        }
    }

    fn start_consumer(&mut self, i: usize) {
        self.consumers_started += 1;
        self.threads[i].pc = Self::take_pc(&self.scenario);
    }

    fn under_lock(&mut self, i: usize, what: Locked) {
        let maxsize = self.scenario.maxsize;
        let blocking = self.scenario.consumer == ConsumerKind::CheckThenActBlocking;
        match what {
            Locked::Put if maxsize > 0 && self.queue.len() >= maxsize => {
                self.park(i, ThreadState::WaitingNotFull, Locked::Put);
            }
            Locked::Put => {
                let t = &self.threads[i];
                self.queue.push_back(Item::new(t.id, t.seq));
                self.wake(ThreadState::WaitingNotEmpty, false);
                self.put_done(i, Pc::Lock(Locked::Put));
            }
            Locked::Check if self.queue.is_empty() => {
                self.nothing_to_take(i, Pc::Lock(Locked::Check));
            }
            Locked::Check => self.threads[i].pc = Pc::Lock(Locked::Act),
            Locked::Get | Locked::Act if !self.queue.is_empty() => {
                let n = if self.scenario.consumer == ConsumerKind::Drain {
                    BATCH
                } else {
                    1
                };
                for _ in 0..n.min(self.queue.len()) {
                    if let Some(item) = self.queue.pop_front() {
                        self.threads[i].batch.push_back(item);
                        self.wake(ThreadState::WaitingNotFull, false);
                    }
                }
                self.threads[i].pc = Pc::Record;
            }
            Locked::Act if !blocking => {
                // try_get found the queue empty right after the check said it was not.
                self.empty_failures += 1;
                self.threads[i].pc = Pc::Lock(Locked::Check);
            }
            Locked::Get | Locked::Act => {
                if self.all_produced() {
                    self.end(i); // shut down and empty: get fails, the loop ends
                } else {
                    if what == Locked::Act {
                        self.stalls += 1; // the check promised an item; get sleeps instead
                    }
                    self.park(i, ThreadState::WaitingNotEmpty, what);
                }
            }
        }
    }

    fn park(&mut self, i: usize, state: ThreadState, then: Locked) {
        let t = &mut self.threads[i];
        t.state = state;
        t.pc = Pc::Parked;
        t.value = then as u64; // what to retry when woken
    }

    /// A consumer found nothing to take: it ends if the producers are done, else retries at `retry`.
    fn nothing_to_take(&mut self, i: usize, retry: Pc) {
        if self.all_produced() {
            self.end(i);
        } else {
            self.threads[i].state = ThreadState::Idle;
            self.threads[i].pc = retry;
        }
    }

    fn put_done(&mut self, i: usize, next: Pc) {
        let items = self.scenario.items;
        let t = &mut self.threads[i];
        t.seq += 1;
        t.items += 1;
        t.state = ThreadState::Running;
        self.produced[t.id as usize] = t.seq;
        if t.seq < items {
            t.pc = next;
            return;
        }
        t.state = ThreadState::Finished;
        t.pc = Pc::Ended;
        self.producers_done += 1;
        if self.all_produced() {
            // The last producer shuts the queue down: sleeping consumers wake and see it.
            self.wake(ThreadState::WaitingNotEmpty, true);
        }
        self.settle_if_done();
    }

    fn record(&mut self, i: usize) {
        let Some(item) = self.threads[i].batch.pop_front() else {
            self.threads[i].pc = Self::take_pc(&self.scenario);
            return;
        };
        let t = &mut self.threads[i];
        t.items += 1;
        t.state = ThreadState::Running;
        if self.checker.record(item) == Seen::First && !t.order.in_order(item) {
            self.checker.reordered();
        }
        match self.scenario.counter {
            CounterKind::Atomic => {
                self.counter += 1;
                self.after_count(i);
            }
            CounterKind::Racy => {
                self.threads[i].value = self.counter;
                self.threads[i].pc = Pc::CounterStore;
            }
        }
    }

    fn after_count(&mut self, i: usize) {
        self.true_count += 1;
        let t = &mut self.threads[i];
        t.pc = if t.batch.is_empty() {
            Self::take_pc(&self.scenario)
        } else {
            Pc::Record
        };
    }

    fn end(&mut self, i: usize) {
        self.threads[i].state = ThreadState::Stopped;
        self.threads[i].pc = Pc::Ended;
        self.settle_if_done();
    }

    fn settle_if_done(&mut self) {
        if self.threads.iter().all(|t| t.pc == Pc::Ended) {
            self.stop();
        }
    }

    /// Every count now, in the same form as real threads' (`settled` once the run is over).
    pub fn stats(&self) -> Stats {
        let rows = self.threads.iter().map(|t| (t.state, t.items));
        let (thread_table, thread_count) = thread_table(self.scenario.producers, rows);
        let produced = self.produced.iter().sum();
        let live_queued = match self.scenario.queue {
            QueueKind::Locked => self.queue.len() as u64,
            QueueKind::Unlocked => self.ring_len(),
        };
        Stats {
            produced,
            consumed: self.checker.consumed(),
            taken: self.checker.recorded(),
            lost: self.checker.lost(),
            duplicated: self.checker.duplicated(),
            reordered: self.checker.reorders(),
            phantoms: self.checker.phantoms(),
            queued: self.settled.map_or(live_queued, |s| s.queued),
            counter: self.counter,
            true_count: self.true_count,
            empty_failures: self.empty_failures,
            stalls: self.stalls,
            consumers_started: self.consumers_started,
            contention: self.contention,
            settled: self.settled.is_some(),
            thread_count,
            thread_table,
        }
    }
}

impl Thread {
    /// A thread about to take step `pc`.
    fn new(role: Role, id: u32, pc: Pc) -> Thread {
        Thread {
            role,
            id,
            state: ThreadState::Running,
            items: 0,
            pc,
            seq: 0,
            head: 0,
            tail: 0,
            value: 0,
            batch: VecDeque::new(),
            order: OrderWatch::default(),
        }
    }

    /// The locked step a parked consumer retries when woken.
    fn value_as_locked(&self) -> Locked {
        match self.value {
            v if v == Locked::Act as u64 => Locked::Act,
            _ => Locked::Get,
        }
    }
}
