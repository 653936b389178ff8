//! Python's `queue` module (CPython 3.13 `Lib/queue.py`): FIFO, LIFO and priority queues that
//! many threads can share.
//!
//! One [`Mutex`] guards the whole state, and three [`Condvar`]s, all paired with that mutex,
//! say what changed — exactly CPython's design:
//! - `not_empty` is notified when an item is added: a waiting [`get`](BaseQueue::get) may go on;
//! - `not_full` is notified when an item is removed: a waiting [`put`](BaseQueue::put) may go on;
//! - `all_tasks_done` is notified when the count of unfinished tasks drops to zero:
//!   [`join`](BaseQueue::join) may return.
//!
//! Every blocking call has a `_timeout` and a `try_` twin beside it, as in `std::sync::mpsc`.
//! A failed put hands the item back inside [`PutError`]; a failed call changes nothing.
//!
//! For the threads view the queue can be watched: [`contention`](BaseQueue::contention) counts
//! the times a caller found the lock held, and [`probed`](BaseQueue::probed) calls tell a
//! [`Probe`] where the calling thread waits (on the lock, on `not_empty`, on `not_full`). Both
//! cost nothing on the uncontended path: the lock is tried first, and only a failed try counts.
//!
//! # Example: the background consumer of a web app
//!
//! ```
//! use queue_playground::queue::Queue;
//! use std::thread;
//!
//! let messages = Queue::new(0); // unbounded, like Python's `queue.Queue()`
//! thread::scope(|s| {
//!     s.spawn(|| {
//!         // Take, process, mark done; stop once the queue is shut down and empty.
//!         while let Ok(message) = messages.get() {
//!             println!("processing {message}");
//!             messages.task_done().unwrap();
//!         }
//!     });
//!     for message in ["hello", "world"] {
//!         messages.put(message).unwrap(); // what the `/produce/<message>` route does
//!     }
//!     messages.join(); // returns once both messages have been processed
//!     messages.shutdown(false); // the consumer's next `get` fails and its loop ends
//! });
//! assert!(messages.is_empty());
//! ```
#![warn(missing_docs)]

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::error::Error;
use std::fmt;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError, TryLockError};
use std::time::{Duration, Instant};

/// A first-in, first-out queue: Python's `queue.Queue`.
///
/// ```
/// use queue_playground::queue::{GetError, Queue};
///
/// let q = Queue::new(0);
/// q.put(1).unwrap();
/// q.put(2).unwrap();
/// assert_eq!(q.get(), Ok(1));
/// assert_eq!(q.try_get(), Ok(2));
/// assert_eq!(q.try_get(), Err(GetError::Empty));
/// ```
pub type Queue<T> = BaseQueue<T, Fifo<T>>;

/// A last-in, first-out queue (a stack): Python's `queue.LifoQueue`.
///
/// ```
/// use queue_playground::queue::LifoQueue;
///
/// let q = LifoQueue::new(0);
/// q.put(1).unwrap();
/// q.put(2).unwrap();
/// assert_eq!(q.get(), Ok(2));
/// assert_eq!(q.get(), Ok(1));
/// ```
pub type LifoQueue<T> = BaseQueue<T, Lifo<T>>;

/// A queue that hands out its smallest item first: Python's `queue.PriorityQueue`.
///
/// Items are often `(priority, data)` tuples, as in Python.
///
/// ```
/// use queue_playground::queue::PriorityQueue;
///
/// let q = PriorityQueue::new(0);
/// q.put((2, "write")).unwrap();
/// q.put((1, "read")).unwrap();
/// q.put((3, "sleep")).unwrap();
/// assert_eq!(q.get(), Ok((1, "read")));
/// assert_eq!(q.snapshot(), [(2, "write"), (3, "sleep")]);
/// ```
pub type PriorityQueue<T> = BaseQueue<T, MinHeap<T>>;

/// How a queue orders its items: CPython's `_qsize`, `_put` and `_get` hooks.
///
/// [`BaseQueue`] calls these only while it holds its lock, so they need no synchronisation of
/// their own. Implement it to build another organization, as Python code subclasses `Queue`.
pub trait Store<T>: Default {
    /// Adds an item.
    fn push(&mut self, item: T);
    /// Removes the next item in get order, if any.
    fn pop(&mut self) -> Option<T>;
    /// The number of items held.
    fn len(&self) -> usize;
    /// Whether no item is held.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// A copy of the items in the order `pop` would return them.
    fn snapshot(&self) -> Vec<T>
    where
        T: Clone;
}

/// The [`Store`] of [`Queue`]: adds at the back, takes from the front.
pub struct Fifo<T>(VecDeque<T>);

/// The [`Store`] of [`LifoQueue`]: adds and takes at the top.
pub struct Lifo<T>(Vec<T>);

/// The [`Store`] of [`PriorityQueue`]: a min-heap, like Python's `heapq`.
pub struct MinHeap<T>(BinaryHeap<Reverse<T>>);

impl<T> Default for Fifo<T> {
    fn default() -> Self {
        Fifo(VecDeque::new())
    }
}

impl<T> Store<T> for Fifo<T> {
    fn push(&mut self, item: T) {
        self.0.push_back(item);
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop_front()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
    fn snapshot(&self) -> Vec<T>
    where
        T: Clone,
    {
        self.0.iter().cloned().collect()
    }
}

impl<T> Default for Lifo<T> {
    fn default() -> Self {
        Lifo(Vec::new())
    }
}

impl<T> Store<T> for Lifo<T> {
    fn push(&mut self, item: T) {
        self.0.push(item);
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
    fn snapshot(&self) -> Vec<T>
    where
        T: Clone,
    {
        self.0.iter().rev().cloned().collect()
    }
}

impl<T: Ord> Default for MinHeap<T> {
    fn default() -> Self {
        MinHeap(BinaryHeap::new())
    }
}

impl<T: Ord> Store<T> for MinHeap<T> {
    fn push(&mut self, item: T) {
        self.0.push(Reverse(item));
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop().map(|Reverse(item)| item)
    }
    fn len(&self) -> usize {
        self.0.len()
    }
    fn snapshot(&self) -> Vec<T>
    where
        T: Clone,
    {
        // Popping a copy gives exactly the get order, even among items that compare equal.
        let mut copy = self.0.clone();
        std::iter::from_fn(|| copy.pop().map(|Reverse(item)| item)).collect()
    }
}

/// The error of a failed put; it hands the item back.
///
/// ```
/// use queue_playground::queue::{PutError, Queue};
///
/// let q = Queue::new(1);
/// q.put("first").unwrap();
/// let err = q.try_put("second").unwrap_err();
/// assert_eq!(err, PutError::Full("second"));
/// assert_eq!(format!("{err:?}"), "Full(..)");
/// assert_eq!(err.into_inner(), "second");
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum PutError<T> {
    /// The queue stayed full (Python's `queue.Full`).
    Full(T),
    /// The queue has been shut down (Python's `queue.ShutDown`).
    ShutDown(T),
}

impl<T> PutError<T> {
    /// Returns the item that could not be put.
    pub fn into_inner(self) -> T {
        match self {
            PutError::Full(item) | PutError::ShutDown(item) => item,
        }
    }
}

impl<T> fmt::Debug for PutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PutError::Full(_) => f.write_str("Full(..)"),
            PutError::ShutDown(_) => f.write_str("ShutDown(..)"),
        }
    }
}

impl<T> fmt::Display for PutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PutError::Full(_) => f.write_str("putting on a full queue"),
            PutError::ShutDown(_) => f.write_str("putting on a shut-down queue"),
        }
    }
}

impl<T> Error for PutError<T> {}

/// The error of a failed get.
///
/// ```
/// use queue_playground::queue::{GetError, Queue};
///
/// let q = Queue::<u8>::new(0);
/// assert_eq!(q.try_get(), Err(GetError::Empty));
/// q.shutdown(false);
/// assert_eq!(q.try_get(), Err(GetError::ShutDown));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GetError {
    /// The queue stayed empty (Python's `queue.Empty`).
    Empty,
    /// The queue has been shut down and is empty (Python's `queue.ShutDown`).
    ShutDown,
}

impl fmt::Display for GetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GetError::Empty => f.write_str("getting from an empty queue"),
            GetError::ShutDown => f.write_str("getting from an empty, shut-down queue"),
        }
    }
}

impl Error for GetError {}

/// The error of [`task_done`](BaseQueue::task_done) called more often than items were put
/// (Python's `ValueError`).
///
/// ```
/// use queue_playground::queue::{Queue, TaskDoneError};
///
/// let q = Queue::<u8>::new(0);
/// assert_eq!(q.task_done(), Err(TaskDoneError));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct TaskDoneError;

impl fmt::Display for TaskDoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("task_done() called too many times")
    }
}

impl Error for TaskDoneError {}

/// The queue shared by [`Queue`], [`LifoQueue`] and [`PriorityQueue`]; `S` orders the items.
pub struct BaseQueue<T, S> {
    maxsize: usize,
    state: Mutex<State<S>>,
    not_empty: Condvar,
    not_full: Condvar,
    all_tasks_done: Condvar,
    /// Times a caller found the lock held (see [`BaseQueue::contention`]).
    contended: AtomicU64,
    // The store owns the items; `fn() -> T` only names T, leaving Send and Sync to the Mutex.
    items: PhantomData<fn() -> T>,
}

/// Everything the mutex guards.
struct State<S> {
    store: S,
    /// Threads asleep in a get, and in a put: a notify with nobody asleep is skipped, as
    /// CPython's `Condition.notify` returns at once when it has no waiters. (A notify is a
    /// futex system call even then: one per put made the queue 20x slower than mpsc.)
    getters_asleep: usize,
    putters_asleep: usize,
    unfinished_tasks: usize,
    is_shutdown: bool,
}

/// Where a thread is inside a queue call, as a [`Probe`] hears it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Place {
    /// Running: holding the lock, or outside any wait.
    Running,
    /// Blocked taking the lock, which another thread holds.
    Lock,
    /// Waiting for `not_empty` (spinning briefly, then asleep): a get waiting for an item.
    NotEmpty,
    /// Waiting for `not_full` (spinning briefly, then asleep): a put waiting for room.
    NotFull,
    /// Asleep on `all_tasks_done`: a [`join`](BaseQueue::join) waiting for every task.
    AllTasksDone,
}

/// Hears where a thread waits inside a [`probed`](BaseQueue::probed) call.
///
/// Called only when a wait starts or ends, never on the uncontended path, so a probe that
/// stores to an atomic costs nothing while nobody waits.
pub trait Probe {
    /// The calling thread is now at `place`.
    fn at(&self, place: Place);

    /// The calling thread, waiting at `place`, goes to sleep on that place's condition
    /// variable now. Heard under the queue's lock, which the sleep releases: a call that takes
    /// the lock after this was heard finds the thread asleep (and a put or get wakes it).
    /// `at(Place::Running)` follows when it wakes. Ignored unless a probe wants it (tests wait
    /// on it to know a thread really blocked).
    fn asleep(&self, place: Place) {
        let _ = place;
    }
}

/// The probe of the plain calls: hears nothing, and compiles to nothing.
struct NoProbe;

impl Probe for NoProbe {
    #[inline(always)]
    fn at(&self, _: Place) {}
}

/// A queue seen through a [`Probe`]: the same calls, reporting where the caller waits.
///
/// ```
/// use queue_playground::queue::{Place, Probe, Queue};
/// use std::sync::atomic::{AtomicU8, Ordering};
///
/// struct Where(AtomicU8);
/// impl Probe for Where {
///     fn at(&self, place: Place) {
///         self.0.store(place as u8, Ordering::Relaxed);
///     }
/// }
///
/// let q = Queue::new(1);
/// let me = Where(AtomicU8::new(0));
/// q.probed(&me).put('a').unwrap(); // room at once: the probe hears nothing
/// assert_eq!(q.probed(&me).get(), Ok('a'));
/// assert_eq!(q.contention(), 0);
/// ```
pub struct Probed<'a, T, S, P> {
    queue: &'a BaseQueue<T, S>,
    probe: &'a P,
}

impl<T, S: Store<T>, P: Probe> Probed<'_, T, S, P> {
    /// [`BaseQueue::put`], reporting waits.
    pub fn put(&self, item: T) -> Result<(), PutError<T>> {
        self.queue.put_inner(item, Wait::Forever, self.probe)
    }
    /// [`BaseQueue::try_put`], reporting waits for the lock.
    pub fn try_put(&self, item: T) -> Result<(), PutError<T>> {
        self.queue.put_inner(item, Wait::Never, self.probe)
    }
    /// [`BaseQueue::put_timeout`], reporting waits.
    pub fn put_timeout(&self, item: T, timeout: Duration) -> Result<(), PutError<T>> {
        self.queue
            .put_inner(item, Wait::timeout(timeout), self.probe)
    }
    /// [`BaseQueue::get`], reporting waits.
    pub fn get(&self) -> Result<T, GetError> {
        self.queue.get_inner(Wait::Forever, self.probe)
    }
    /// [`BaseQueue::get_timeout`], reporting waits.
    pub fn get_timeout(&self, timeout: Duration) -> Result<T, GetError> {
        self.queue.get_inner(Wait::timeout(timeout), self.probe)
    }
    /// [`BaseQueue::join`], reporting its wait.
    pub fn join(&self) {
        self.queue.join_inner(self.probe)
    }
    /// [`BaseQueue::try_get`], reporting waits for the lock.
    pub fn try_get(&self) -> Result<T, GetError> {
        self.queue.get_inner(Wait::Never, self.probe)
    }
    /// [`BaseQueue::drain`], reporting waits for the lock.
    pub fn drain(&self, max: usize) -> Vec<T> {
        self.queue.drain_inner(max, self.probe)
    }
    /// [`BaseQueue::is_empty`], reporting waits for the lock.
    pub fn is_empty(&self) -> bool {
        self.queue.lock_with(self.probe).store.is_empty()
    }
}

/// How long a put or get may block.
#[derive(Clone, Copy)]
enum Wait {
    Never,
    Until(Instant),
    Forever,
}

impl Wait {
    fn timeout(timeout: Duration) -> Wait {
        // A deadline, not a duration: a spurious wakeup must not restart the clock.
        Instant::now()
            .checked_add(timeout)
            .map_or(Wait::Forever, Wait::Until)
    }
}

/// Waits once on `cv`; the flag is false, and nothing was waited, if `wait` allows no more
/// waiting. The lock is held again either way. Callers loop and re-check their condition:
/// wakeups may be spurious or stolen.
fn wait_on<'a, G>(cv: &Condvar, guard: MutexGuard<'a, G>, wait: Wait) -> (MutexGuard<'a, G>, bool) {
    let remaining = match wait {
        Wait::Never => return (guard, false),
        Wait::Forever => return (cv.wait(guard).unwrap_or_else(PoisonError::into_inner), true),
        Wait::Until(deadline) => deadline.saturating_duration_since(Instant::now()),
    };
    if remaining.is_zero() {
        return (guard, false);
    }
    let (guard, _) = cv
        .wait_timeout(guard, remaining)
        .unwrap_or_else(PoisonError::into_inner);
    (guard, true)
}

/// Which side of the queue a blocked call is on: a get waits for an item, a put for room.
#[derive(Clone, Copy)]
enum Side {
    Get,
    Put,
}

impl Side {
    /// The count of this side's threads asleep on their condvar.
    fn asleep<S>(self, state: &mut State<S>) -> &mut usize {
        match self {
            Side::Get => &mut state.getters_asleep,
            Side::Put => &mut state.putters_asleep,
        }
    }
}

/// How many times a get or put re-checks, with the lock released, before it goes to sleep.
const SPINS: u32 = 10;

/// Pauses a little longer at each step: spins first, then gives up the CPU. The other side is
/// usually a moment away, and sleeping on a futex and being woken costs two system calls.
fn backoff(step: u32) {
    if step < 6 {
        for _ in 0..1 << step {
            std::hint::spin_loop();
        }
    } else {
        std::thread::yield_now();
    }
}

impl<T, S: Store<T>> BaseQueue<T, S> {
    /// Creates a queue that holds at most `maxsize` items; `0` means unbounded.
    pub fn new(maxsize: usize) -> Self {
        BaseQueue {
            maxsize,
            state: Mutex::new(State {
                store: S::default(),
                getters_asleep: 0,
                putters_asleep: 0,
                unfinished_tasks: 0,
                is_shutdown: false,
            }),
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
            all_tasks_done: Condvar::new(),
            contended: AtomicU64::new(0),
            items: PhantomData,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<S>> {
        self.lock_with(&NoProbe)
    }

    /// Takes the lock, trying first so that finding it held can be counted and reported.
    fn lock_with<P: Probe>(&self, probe: &P) -> MutexGuard<'_, State<S>> {
        // Recover from poison, never panic: only an item's `Ord` or `Drop` can panic under the
        // lock, and that leaves State usable, as a raising `_put` leaves Python's queue.
        match self.state.try_lock() {
            Ok(guard) => guard,
            Err(TryLockError::Poisoned(poison)) => poison.into_inner(),
            Err(TryLockError::WouldBlock) => {
                // Relaxed: a statistic; nothing else is read or published through it.
                self.contended.fetch_add(1, Ordering::Relaxed);
                probe.at(Place::Lock);
                let guard = self.state.lock().unwrap_or_else(PoisonError::into_inner);
                probe.at(Place::Running);
                guard
            }
        }
    }

    /// The same queue, with every wait reported to `probe`.
    pub fn probed<'a, P: Probe>(&'a self, probe: &'a P) -> Probed<'a, T, S, P> {
        Probed { queue: self, probe }
    }

    /// How many times a caller found the lock held and had to wait for it.
    pub fn contention(&self) -> u64 {
        self.contended.load(Ordering::Relaxed)
    }

    /// Adds an item, blocking while the queue is full.
    ///
    /// Fails with [`PutError::ShutDown`] if the queue is, or while blocked becomes, shut down.
    pub fn put(&self, item: T) -> Result<(), PutError<T>> {
        self.put_inner(item, Wait::Forever, &NoProbe)
    }

    /// Adds an item, blocking at most `timeout` while the queue is full.
    ///
    /// Fails with [`PutError::Full`] if no slot freed up in time. The timeout counts from the
    /// call (CPython starts its clock after taking the lock). Needs a clock: not on wasm32.
    ///
    /// ```
    /// use queue_playground::queue::{PutError, Queue};
    /// use std::time::Duration;
    ///
    /// let q = Queue::new(1);
    /// q.put(1).unwrap();
    /// let result = q.put_timeout(2, Duration::from_millis(10));
    /// assert_eq!(result, Err(PutError::Full(2)));
    /// ```
    pub fn put_timeout(&self, item: T, timeout: Duration) -> Result<(), PutError<T>> {
        self.put_inner(item, Wait::timeout(timeout), &NoProbe)
    }

    /// Adds an item if a slot is free now, or fails at once with [`PutError::Full`].
    pub fn try_put(&self, item: T) -> Result<(), PutError<T>> {
        self.put_inner(item, Wait::Never, &NoProbe)
    }

    /// Lets the other side make progress once, for a get or put that cannot go on: for the
    /// first few rounds it spins or yields with the lock released, then it sleeps on the side's
    /// condvar, counted as asleep so that the other side knows to notify. The flag is false,
    /// and nothing was waited, when `wait` allows no more waiting.
    fn pause<'a, P: Probe>(
        &'a self,
        state: MutexGuard<'a, State<S>>,
        side: Side,
        wait: Wait,
        step: &mut u32,
        probe: &P,
    ) -> (MutexGuard<'a, State<S>>, bool) {
        if matches!(wait, Wait::Never) {
            return (state, false);
        }
        let (cv, place) = match side {
            Side::Get => (&self.not_empty, Place::NotEmpty),
            Side::Put => (&self.not_full, Place::NotFull),
        };
        // Spinning or asleep, the thread is waiting for the other side: the probe hears both.
        probe.at(place);
        if *step < SPINS {
            drop(state);
            backoff(*step);
            *step += 1;
            let state = self.lock_with(probe);
            probe.at(Place::Running);
            return (state, true);
        }
        let mut state = state;
        *side.asleep(&mut state) += 1;
        probe.asleep(place);
        let (mut state, waited) = wait_on(cv, state, wait);
        probe.at(Place::Running);
        *side.asleep(&mut state) -= 1;
        (state, waited)
    }

    fn put_inner<P: Probe>(&self, item: T, wait: Wait, probe: &P) -> Result<(), PutError<T>> {
        let mut state = self.lock_with(probe);
        let mut step = 0;
        loop {
            if state.is_shutdown {
                return Err(PutError::ShutDown(item));
            }
            if self.maxsize == 0 || state.store.len() < self.maxsize {
                break;
            }
            let (guard, waited) = self.pause(state, Side::Put, wait, &mut step, probe);
            state = guard;
            if !waited {
                return Err(PutError::Full(item));
            }
        }
        state.store.push(item);
        state.unfinished_tasks += 1;
        if state.getters_asleep > 0 {
            self.not_empty.notify_one();
        }
        Ok(())
    }

    /// Removes and returns the next item, blocking while the queue is empty.
    ///
    /// Fails with [`GetError::ShutDown`] once the queue is shut down and empty.
    pub fn get(&self) -> Result<T, GetError> {
        self.get_inner(Wait::Forever, &NoProbe)
    }

    /// Removes and returns the next item, blocking at most `timeout` while the queue is empty.
    ///
    /// Fails with [`GetError::Empty`] if no item came in time. Needs a clock: not on wasm32.
    ///
    /// ```
    /// use queue_playground::queue::{GetError, Queue};
    /// use std::time::Duration;
    ///
    /// let q = Queue::<u8>::new(0);
    /// assert_eq!(q.get_timeout(Duration::from_millis(10)), Err(GetError::Empty));
    /// ```
    pub fn get_timeout(&self, timeout: Duration) -> Result<T, GetError> {
        self.get_inner(Wait::timeout(timeout), &NoProbe)
    }

    /// Removes and returns the next item if there is one now, or fails at once.
    pub fn try_get(&self) -> Result<T, GetError> {
        self.get_inner(Wait::Never, &NoProbe)
    }

    fn get_inner<P: Probe>(&self, wait: Wait, probe: &P) -> Result<T, GetError> {
        let mut state = self.lock_with(probe);
        let mut step = 0;
        loop {
            if let Some(item) = state.store.pop() {
                if state.putters_asleep > 0 {
                    self.not_full.notify_one();
                }
                return Ok(item);
            }
            if state.is_shutdown {
                return Err(GetError::ShutDown);
            }
            let (guard, waited) = self.pause(state, Side::Get, wait, &mut step, probe);
            state = guard;
            if !waited {
                return Err(GetError::Empty);
            }
        }
    }

    /// Removes up to `max` items at once, in get order: a consumer's batch.
    ///
    /// Counts like that many gets: each removal may wake one blocked putter, and each item
    /// still needs its [`task_done`](Self::task_done). Never blocks and never fails; on an
    /// empty queue, shut down or not, the batch is empty.
    ///
    /// ```
    /// use queue_playground::queue::Queue;
    ///
    /// let q = Queue::new(0);
    /// for n in 1..=5 {
    ///     q.put(n).unwrap();
    /// }
    /// assert_eq!(q.drain(3), [1, 2, 3]);
    /// assert_eq!(q.drain(10), [4, 5]);
    /// ```
    pub fn drain(&self, max: usize) -> Vec<T> {
        self.drain_inner(max, &NoProbe)
    }

    fn drain_inner<P: Probe>(&self, max: usize, probe: &P) -> Vec<T> {
        let mut state = self.lock_with(probe);
        let batch: Vec<T> = std::iter::from_fn(|| state.store.pop()).take(max).collect();
        for _ in 0..batch.len().min(state.putters_asleep) {
            self.not_full.notify_one();
        }
        batch
    }

    /// A copy of the items in get order, removing nothing: Python's `list(q.queue)`.
    ///
    /// Unlike Python, which shows its internal list, LIFO and priority copies come in get order.
    ///
    /// ```
    /// use queue_playground::queue::LifoQueue;
    ///
    /// let q = LifoQueue::new(0);
    /// q.put('a').unwrap();
    /// q.put('b').unwrap();
    /// assert_eq!(q.snapshot(), ['b', 'a']);
    /// assert_eq!(q.len(), 2);
    /// ```
    pub fn snapshot(&self) -> Vec<T>
    where
        T: Clone,
    {
        self.lock().store.snapshot()
    }

    /// Marks one item taken by a get as processed.
    ///
    /// When every item put has been marked, blocked [`join`](Self::join)s return. Fails, and
    /// changes nothing, if called more often than items were put.
    pub fn task_done(&self) -> Result<(), TaskDoneError> {
        let mut state = self.lock();
        state.unfinished_tasks = state.unfinished_tasks.checked_sub(1).ok_or(TaskDoneError)?;
        if state.unfinished_tasks == 0 {
            self.all_tasks_done.notify_all();
        }
        Ok(())
    }

    /// Blocks until every item put has been marked done with [`task_done`](Self::task_done).
    ///
    /// ```
    /// use queue_playground::queue::Queue;
    /// use std::thread;
    ///
    /// let q = Queue::new(0);
    /// q.put("job").unwrap();
    /// thread::scope(|s| {
    ///     s.spawn(|| {
    ///         q.get().unwrap();
    ///         q.task_done().unwrap();
    ///     });
    ///     q.join(); // returns after the worker's task_done
    /// });
    /// ```
    pub fn join(&self) {
        self.join_inner(&NoProbe);
    }

    fn join_inner<P: Probe>(&self, probe: &P) {
        let mut state = self.lock_with(probe);
        if state.unfinished_tasks == 0 {
            return;
        }
        probe.at(Place::AllTasksDone);
        while state.unfinished_tasks > 0 {
            probe.asleep(Place::AllTasksDone);
            state = self
                .all_tasks_done
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        probe.at(Place::Running);
    }

    /// Shuts the queue down and wakes every blocked caller.
    ///
    /// Puts then fail with [`PutError::ShutDown`]; gets keep returning the items left and then
    /// fail with [`GetError::ShutDown`]. If `immediate`, the items left are discarded and each
    /// is counted as done, which may release [`join`](Self::join).
    ///
    /// ```
    /// use queue_playground::queue::{GetError, PutError, Queue};
    ///
    /// let q = Queue::new(0);
    /// q.put(1).unwrap();
    /// q.shutdown(false);
    /// assert_eq!(q.put(2), Err(PutError::ShutDown(2)));
    /// assert_eq!(q.get(), Ok(1));
    /// assert_eq!(q.get(), Err(GetError::ShutDown));
    /// ```
    pub fn shutdown(&self, immediate: bool) {
        let mut state = self.lock();
        state.is_shutdown = true;
        let mut discarded = Vec::new();
        if immediate {
            while let Some(item) = state.store.pop() {
                discarded.push(item);
                // Clamped like CPython: items already taken but not yet done keep their count.
                state.unfinished_tasks = state.unfinished_tasks.saturating_sub(1);
            }
            self.all_tasks_done.notify_all();
        }
        // Wake every waiter to re-check: putters now fail, getters fail once the queue is empty.
        self.not_empty.notify_all();
        self.not_full.notify_all();
        drop(state);
        // Dropped after unlocking: an item's Drop may itself use this queue.
        drop(discarded);
    }

    /// The number of items in the queue (Python's `qsize`); stale as soon as it returns.
    pub fn len(&self) -> usize {
        self.lock().store.len()
    }

    /// Whether the queue holds no item; stale as soon as it returns.
    pub fn is_empty(&self) -> bool {
        self.lock().store.is_empty()
    }

    /// Whether the queue is bounded and holds `maxsize` items; stale as soon as it returns.
    pub fn is_full(&self) -> bool {
        self.maxsize > 0 && self.len() >= self.maxsize
    }

    /// The most items the queue holds; `0` means unbounded.
    pub fn maxsize(&self) -> usize {
        self.maxsize
    }

    /// The number of items put and not yet marked done (Python's `unfinished_tasks`).
    pub fn unfinished_tasks(&self) -> usize {
        self.lock().unfinished_tasks
    }

    /// Whether [`shutdown`](Self::shutdown) has been called.
    pub fn is_shut_down(&self) -> bool {
        self.lock().is_shutdown
    }
}

impl<T, S: Store<T>> fmt::Debug for BaseQueue<T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("BaseQueue")
            .field("maxsize", &self.maxsize)
            .field("len", &state.store.len())
            .field("unfinished_tasks", &state.unfinished_tasks)
            .field("is_shutdown", &state.is_shutdown)
            .finish_non_exhaustive()
    }
}

// Single-threaded, so these also run on wasm32; tests/queue_threads.rs uses real threads.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_orders() {
        let fifo = Queue::new(0);
        let lifo = LifoQueue::new(0);
        let heap = PriorityQueue::new(0);
        for n in [2, 3, 1] {
            fifo.put(n).unwrap();
            lifo.put(n).unwrap();
            heap.put(n).unwrap();
        }
        assert_eq!(fifo.snapshot(), [2, 3, 1]);
        assert_eq!(lifo.snapshot(), [1, 3, 2]);
        assert_eq!(heap.snapshot(), [1, 2, 3]);
        assert_eq!(fifo.drain(usize::MAX), [2, 3, 1]);
        assert_eq!(lifo.drain(usize::MAX), [1, 3, 2]);
        assert_eq!(heap.drain(usize::MAX), [1, 2, 3]);
    }

    #[test]
    fn failed_calls_change_nothing() {
        let q = Queue::new(1);
        q.try_put('a').unwrap();
        assert_eq!(q.try_put('b'), Err(PutError::Full('b')));
        assert_eq!(q.snapshot(), ['a']);
        assert_eq!(q.unfinished_tasks(), 1);
        q.try_get().unwrap();
        q.task_done().unwrap();
        assert_eq!(q.task_done(), Err(TaskDoneError));
        assert_eq!(q.unfinished_tasks(), 0);
        q.shutdown(false);
        assert_eq!(q.try_put('c'), Err(PutError::ShutDown('c')));
        assert_eq!(q.unfinished_tasks(), 0);
        assert!(q.is_empty());
    }

    #[test]
    fn debug_needs_no_debug_items() {
        struct Opaque;
        let q = Queue::new(2);
        q.try_put(Opaque).unwrap();
        assert_eq!(
            format!("{q:?}"),
            "BaseQueue { maxsize: 2, len: 1, unfinished_tasks: 1, is_shutdown: false, .. }"
        );
        assert_eq!(format!("{:?}", q.try_put(Opaque)), "Ok(())");
        assert_eq!(format!("{:?}", q.try_put(Opaque)), "Err(Full(..))");
    }
}
