//! What the page shows: every count of a run, read with atomic loads only.

use std::sync::atomic::{AtomicU64, AtomicU8, Ordering::Relaxed};

use crate::json::{member, ObjectWriter, ToJson};
use crate::queue::{Place, Probe};

/// Most threads in one run: 8 producers and 8 consumers.
pub const MAX_THREADS: usize = 16;

/// Whether a thread produces or consumes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Puts items.
    Producer,
    /// Takes items.
    Consumer,
}

impl Role {
    /// A stable key for the page to translate.
    pub fn key(self) -> &'static str {
        match self {
            Role::Producer => "producer",
            Role::Consumer => "consumer",
        }
    }
}

/// Where a thread is now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum ThreadState {
    /// Its worker has not called `run_*` yet.
    NotStarted = 0,
    /// Waiting at the start line for the other threads.
    Starting,
    /// Running: putting, taking or checking.
    Running,
    /// Blocked taking the queue's lock, which another thread holds.
    BlockedOnLock,
    /// In `get`, waiting for an item (`not_empty`).
    WaitingNotEmpty,
    /// In `put`, waiting for room (`not_full`).
    WaitingNotFull,
    /// Doing the busy work for an item.
    Working,
    /// Pausing: a producer ahead of its rate, or a thread polling a queue that looked empty
    /// or full.
    Idle,
    /// A producer that has put all its items.
    Finished,
    /// A consumer the start guard did not start (a consumer was already running).
    Declined,
    /// Returned from `run_*`.
    Stopped,
}

impl ThreadState {
    const ALL: [ThreadState; 11] = [
        ThreadState::NotStarted,
        ThreadState::Starting,
        ThreadState::Running,
        ThreadState::BlockedOnLock,
        ThreadState::WaitingNotEmpty,
        ThreadState::WaitingNotFull,
        ThreadState::Working,
        ThreadState::Idle,
        ThreadState::Finished,
        ThreadState::Declined,
        ThreadState::Stopped,
    ];

    fn from_u8(n: u8) -> ThreadState {
        Self::ALL
            .get(n as usize)
            .copied()
            .unwrap_or(ThreadState::NotStarted)
    }

    /// A stable key for the page to translate.
    pub fn key(self) -> &'static str {
        match self {
            ThreadState::NotStarted => "not-started",
            ThreadState::Starting => "starting",
            ThreadState::Running => "running",
            ThreadState::BlockedOnLock => "blocked-on-lock",
            ThreadState::WaitingNotEmpty => "waiting-not-empty",
            ThreadState::WaitingNotFull => "waiting-not-full",
            ThreadState::Working => "working",
            ThreadState::Idle => "idle",
            ThreadState::Finished => "finished",
            ThreadState::Declined => "declined",
            ThreadState::Stopped => "stopped",
        }
    }
}

/// One thread's live record in the shared memory; the queue reports its waits through it.
pub(crate) struct ThreadSlot {
    state: AtomicU8,
    items: AtomicU64,
}

// Relaxed, at every site below: each field is a statistic read on its own by the page, and
// the slot's claim guards only itself (it publishes nothing else).
impl ThreadSlot {
    pub(crate) fn new() -> ThreadSlot {
        ThreadSlot {
            state: AtomicU8::new(ThreadState::NotStarted as u8),
            items: AtomicU64::new(0),
        }
    }
    pub(crate) fn set(&self, state: ThreadState) {
        self.state.store(state as u8, Relaxed);
    }
    pub(crate) fn state(&self) -> ThreadState {
        ThreadState::from_u8(self.state.load(Relaxed))
    }
    /// Claims the slot for a thread; false if a thread already has it.
    pub(crate) fn claim(&self) -> bool {
        self.state
            .compare_exchange(
                ThreadState::NotStarted as u8,
                ThreadState::Starting as u8,
                Relaxed,
                Relaxed,
            )
            .is_ok()
    }
    pub(crate) fn count(&self, n: u64) {
        self.items.fetch_add(n, Relaxed);
    }
    pub(crate) fn items(&self) -> u64 {
        self.items.load(Relaxed)
    }
}

impl Probe for ThreadSlot {
    fn at(&self, place: Place) {
        self.set(match place {
            Place::Running => ThreadState::Running,
            Place::Lock => ThreadState::BlockedOnLock,
            Place::NotEmpty => ThreadState::WaitingNotEmpty,
            Place::NotFull => ThreadState::WaitingNotFull,
            // The threads view's threads never join the queue.
            Place::AllTasksDone => return,
        });
    }
}

/// One thread as the page shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThreadStat {
    /// Producer or consumer.
    pub role: Role,
    /// Its number within its role, from 0.
    pub id: u32,
    /// Where it is now.
    pub state: ThreadState,
    /// Items it has put (producer) or taken (consumer).
    pub items: u64,
}

/// The per-thread table of [`Stats`], for real and simulated runs alike: one `(state, items)`
/// row per thread, producers `0..producers` first, then consumers; rows past [`MAX_THREADS`]
/// are dropped. Returns the table and how many rows it uses.
pub(crate) fn thread_table(
    producers: u32,
    rows: impl IntoIterator<Item = (ThreadState, u64)>,
) -> ([ThreadStat; MAX_THREADS], usize) {
    let mut table = [ThreadStat {
        role: Role::Producer,
        id: 0,
        state: ThreadState::NotStarted,
        items: 0,
    }; MAX_THREADS];
    let mut used = 0;
    for (row, (state, items)) in table.iter_mut().zip(rows) {
        let index = used as u32;
        let (role, id) = if index < producers {
            (Role::Producer, index)
        } else {
            (Role::Consumer, index - producers)
        };
        *row = ThreadStat {
            role,
            id,
            state,
            items,
        };
        used += 1;
    }
    (table, used)
}

/// Every count of a run at one moment (the page's `threads-ledger`, and more).
///
/// Read with atomic loads only, so the counts are each exact but not one snapshot: while
/// threads run they may disagree by the few items in flight. Once [`settled`](Self::settled)
/// they are final and `produced == consumed + lost + queued`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    /// Items put (`data-produced`).
    pub produced: u64,
    /// Distinct items taken, each counted once (`data-consumed`).
    pub consumed: u64,
    /// Every take, duplicates and phantoms included.
    pub taken: u64,
    /// Items put that no consumer took and the queue no longer holds (`data-lost`): exact
    /// once settled; while running, the unlocked ring's overwrites so far.
    pub lost: u64,
    /// Takes of an item already taken (`data-duplicated`).
    pub duplicated: u64,
    /// Items a consumer took after a later item of the same producer (`data-reordered`).
    pub reordered: u64,
    /// Takes of a slot that held no item (an unwritten slot of the unlocked ring).
    pub phantoms: u64,
    /// Items in the queue: exact once settled; while running, what the queue holds
    /// (unlocked ring) or put minus taken (locked queue, whose length needs its lock).
    pub queued: u64,
    /// The processed counter (`data-counter`): racy or atomic per the scenario.
    pub counter: u64,
    /// The true number of items processed (what `counter` should read).
    pub true_count: u64,
    /// Check-then-act consumers whose act found the queue empty after the check said not.
    pub empty_failures: u64,
    /// Blocking check-then-act consumers whose `get` had to wait for an item after the check
    /// said one was there (each would hang for good if no further item came).
    pub stalls: u64,
    /// Consumers that started (`data-consumers-started`).
    pub consumers_started: u32,
    /// Times a thread found the queue's lock held (0 for the unlocked ring).
    pub contention: u64,
    /// Whether every thread has stopped and the counts are final.
    pub settled: bool,
    /// How many entries of `threads` are used.
    pub thread_count: usize,
    /// Producers first, then consumers; see [`threads`](Self::threads).
    pub thread_table: [ThreadStat; MAX_THREADS],
}

impl Stats {
    /// The threads: producers `0..P`, then consumers `0..C`.
    pub fn threads(&self) -> &[ThreadStat] {
        &self.thread_table[..self.thread_count]
    }

    /// Whether `produced == consumed + lost + queued` holds now (always, once settled).
    pub fn conserved(&self) -> bool {
        self.produced == self.consumed + self.lost + self.queued
    }
}

impl std::fmt::Debug for Stats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The JSON, which lists only the threads in use (the table has 16 slots).
        f.write_str(&self.to_json())
    }
}

impl ToJson for ThreadStat {
    fn write_json(&self, out: &mut String) {
        let mut w = ObjectWriter::new(out);
        w.str("role", self.role.key())
            .int("id", self.id.into())
            .str("state", self.state.key())
            .int("items", self.items);
        w.finish();
    }
}

impl ToJson for Stats {
    fn write_json(&self, out: &mut String) {
        let mut w = ObjectWriter::new(out);
        w.int("produced", self.produced)
            .int("consumed", self.consumed)
            .int("taken", self.taken)
            .int("lost", self.lost)
            .int("duplicated", self.duplicated)
            .int("reordered", self.reordered)
            .int("phantoms", self.phantoms)
            .int("queued", self.queued)
            .int("counter", self.counter)
            .int("trueCount", self.true_count)
            .int("emptyFailures", self.empty_failures)
            .int("stalls", self.stalls)
            .int("consumersStarted", self.consumers_started.into())
            .int("contention", self.contention);
        member(&mut w, "settled", &self.settled);
        member(&mut w, "threads", self.threads());
        w.finish();
    }
}
