//! What a threads run does: every switch of the threads view, and the URL parameters that
//! choose them.
//!
//! `from_query` never fails: a value it cannot use becomes a [`ParamError`] (said in English in
//! one place, its `Display`) and the default stays, so a bad link still opens a working view.

/// The most producer threads, and the most consumer threads, a run may have.
pub const MAX_THREADS_PER_ROLE: u32 = 8;
/// The most items one producer puts in a run (the checker keeps two bits per item).
pub const MAX_ITEMS_PER_PRODUCER: u64 = 1 << 24;

/// Which queue the threads share.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QueueKind {
    /// `crate::queue::Queue`, the CPython port: one mutex, three condition variables.
    Locked,
    /// The unsafe twin ([`super::ring::RacyRing`]): head, tail and slots shared with no lock.
    Unlocked,
}

/// How a consumer takes items.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConsumerKind {
    /// `q.get()`: blocks until an item comes; one atomic step under the lock.
    Get,
    /// `q.get()` for one item, then `q.drain(..)` for the rest of a batch.
    Drain,
    /// `if not q.empty(): q.get_nowait()`: the check and the act are two steps, and another
    /// consumer can take the item between them (the act then fails with `Empty`).
    CheckThenAct,
    /// `if not q.empty(): q.get()`: the same race, but the act blocks, and can hang.
    CheckThenActBlocking,
}

/// How the processed-items counter is incremented.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CounterKind {
    /// `fetch_add`: one indivisible read-modify-write.
    Atomic,
    /// A load, then a store of the value plus one: two threads can both store the same value.
    Racy,
}

/// How consumers are started (the reference program's `app.message_queue_id` guard).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GuardKind {
    /// No guard: every consumer thread runs.
    None,
    /// Every consumer thread races to start "the" consumer through `compare_exchange`:
    /// exactly one wins.
    Once,
    /// The reference program's check-then-act: `if id == 0 { start(); id = me }`; two can both see 0.
    Racy,
}

/// One run's configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scenario {
    /// Producer threads, 1 to 8.
    pub producers: u32,
    /// Consumer threads, 1 to 8.
    pub consumers: u32,
    /// The shared queue.
    pub queue: QueueKind,
    /// How consumers take.
    pub consumer: ConsumerKind,
    /// How the processed counter counts.
    pub counter: CounterKind,
    /// How consumers are started.
    pub guard: GuardKind,
    /// The queue's bound; 0 = unbounded (the unlocked ring then has [`DEFAULT_RING`] slots).
    pub maxsize: usize,
    /// Items per second per producer; 0 = as fast as it can.
    pub rate: u32,
    /// Busy work per consumed item, in microseconds.
    pub work_us: u32,
    /// Items each producer puts before it finishes (the checker's capacity).
    pub items: u64,
    /// Start at once when the view opens (`run=1`).
    pub run: bool,
}

/// The unlocked ring's slots when the scenario sets no bound (a ring has to have some).
pub const DEFAULT_RING: usize = 1024;
/// The largest `maxsize` accepted.
pub const MAX_MAXSIZE: usize = 1 << 20;
/// The largest `rate` accepted (items per second per producer).
pub const MAX_RATE: u32 = 1_000_000;
/// The largest busy work per item accepted, in microseconds (one second).
pub const MAX_WORK_US: u32 = 1_000_000;

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            producers: 2,
            consumers: 2,
            queue: QueueKind::Locked,
            consumer: ConsumerKind::Get,
            counter: CounterKind::Atomic,
            guard: GuardKind::None,
            maxsize: 0,
            rate: 0,
            work_us: 0,
            items: 1 << 20,
            run: false,
        }
    }
}

/// A URL parameter this module reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Param {
    /// `producers`
    Producers,
    /// `consumers`
    Consumers,
    /// `queue`
    Queue,
    /// `consumer`
    Consumer,
    /// `counter`
    Counter,
    /// `guard`
    Guard,
    /// `maxsize`
    Maxsize,
    /// `rate`
    Rate,
    /// `work` (microseconds)
    Work,
    /// `items` (per producer)
    Items,
    /// `run`
    Run,
}

impl Param {
    const ALL: [Param; 11] = [
        Param::Producers,
        Param::Consumers,
        Param::Queue,
        Param::Consumer,
        Param::Counter,
        Param::Guard,
        Param::Maxsize,
        Param::Rate,
        Param::Work,
        Param::Items,
        Param::Run,
    ];

    /// The parameter's name in the URL.
    pub fn name(self) -> &'static str {
        match self {
            Param::Producers => "producers",
            Param::Consumers => "consumers",
            Param::Queue => "queue",
            Param::Consumer => "consumer",
            Param::Counter => "counter",
            Param::Guard => "guard",
            Param::Maxsize => "maxsize",
            Param::Rate => "rate",
            Param::Work => "work",
            Param::Items => "items",
            Param::Run => "run",
        }
    }

    fn from_name(name: &str) -> Option<Param> {
        Param::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// A parameter value `from_query` could not use; the default was kept instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamError {
    /// A number was expected.
    NotANumber {
        /// Which parameter.
        param: Param,
        /// The text given (at most 40 characters of it).
        value: String,
        /// The value used instead.
        used: u64,
    },
    /// A number outside the accepted range.
    OutOfRange {
        /// Which parameter.
        param: Param,
        /// The number given.
        value: u64,
        /// The smallest accepted.
        min: u64,
        /// The largest accepted.
        max: u64,
        /// The value used instead.
        used: u64,
    },
    /// A word that is not one of the choices.
    UnknownChoice {
        /// Which parameter.
        param: Param,
        /// The text given (at most 40 characters of it).
        value: String,
        /// The accepted words.
        choices: &'static [&'static str],
        /// The word used instead.
        used: &'static str,
    },
}

impl ParamError {
    /// The parameter the error is about.
    pub fn param(&self) -> Param {
        match self {
            ParamError::NotANumber { param, .. }
            | ParamError::OutOfRange { param, .. }
            | ParamError::UnknownChoice { param, .. } => *param,
        }
    }
}

impl std::error::Error for ParamError {}

/// The text of a bad value as the error keeps it: short, so a long link cannot flood the page.
fn clip(value: &str) -> String {
    value.chars().take(40).collect()
}

/// A word-valued parameter: its words, in the order of `Choice::ALL`.
trait Choice: Copy + PartialEq + 'static {
    const WORDS: &'static [&'static str];
    const ALL: &'static [Self];
    fn word(self) -> &'static str {
        let i = Self::ALL
            .iter()
            .position(|c| *c == self)
            .unwrap_or_default();
        Self::WORDS[i]
    }
}

macro_rules! choice {
    ($ty:ty, [$($word:literal => $variant:expr),+ $(,)?]) => {
        impl Choice for $ty {
            const WORDS: &'static [&'static str] = &[$($word),+];
            const ALL: &'static [Self] = &[$($variant),+];
        }
    };
}

choice!(QueueKind, ["locked" => QueueKind::Locked, "unlocked" => QueueKind::Unlocked]);
choice!(ConsumerKind, [
    "get" => ConsumerKind::Get,
    "drain" => ConsumerKind::Drain,
    "check-then-act" => ConsumerKind::CheckThenAct,
    "check-then-act-blocking" => ConsumerKind::CheckThenActBlocking,
]);
choice!(CounterKind, ["atomic" => CounterKind::Atomic, "racy" => CounterKind::Racy]);
choice!(GuardKind, ["none" => GuardKind::None, "once" => GuardKind::Once, "racy" => GuardKind::Racy]);

fn choose<C: Choice>(param: Param, value: &str, slot: &mut C, errors: &mut Vec<ParamError>) {
    match C::WORDS.iter().position(|w| *w == value) {
        Some(i) => *slot = C::ALL[i],
        None => errors.push(ParamError::UnknownChoice {
            param,
            value: clip(value),
            choices: C::WORDS,
            used: slot.word(),
        }),
    }
}

/// Parses a whole number in `min..=max`; on failure keeps `current` and says why.
fn number(
    param: Param,
    value: &str,
    (min, max): (u64, u64),
    current: u64,
    errors: &mut Vec<ParamError>,
) -> u64 {
    match value.parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => n,
        Ok(n) => {
            errors.push(ParamError::OutOfRange {
                param,
                value: n,
                min,
                max,
                used: current,
            });
            current
        }
        Err(_) => {
            errors.push(ParamError::NotANumber {
                param,
                value: clip(value),
                used: current,
            });
            current
        }
    }
}

impl Scenario {
    /// Reads the threads view's URL parameters from a query string (with or without its `?`).
    ///
    /// Names it does not own (`view`, `lang`, ...) are left to the page and ignored. A value
    /// it cannot use keeps the default and adds a [`ParamError`]; when a name repeats, the
    /// last one wins.
    ///
    /// ```
    /// use queue_playground::threads::{QueueKind, Scenario};
    ///
    /// let (s, errors) = Scenario::from_query("?view=threads&producers=4&queue=unlocked&consumers=99");
    /// assert_eq!((s.producers, s.queue), (4, QueueKind::Unlocked));
    /// assert_eq!(s.consumers, 2); // the default: 99 is out of range
    /// assert_eq!(errors[0].to_string(), "consumers=99 is outside 1..=8; using 2");
    /// ```
    pub fn from_query(query: &str) -> (Scenario, Vec<ParamError>) {
        let mut s = Scenario::default();
        let mut errors = Vec::new();
        let query = query.strip_prefix('?').unwrap_or(query);
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let Some(param) = Param::from_name(name) else {
                continue;
            };
            let e = &mut errors;
            let threads = (1, u64::from(MAX_THREADS_PER_ROLE));
            match param {
                Param::Producers => {
                    s.producers = number(param, value, threads, s.producers.into(), e) as u32
                }
                Param::Consumers => {
                    s.consumers = number(param, value, threads, s.consumers.into(), e) as u32
                }
                Param::Queue => choose(param, value, &mut s.queue, e),
                Param::Consumer => choose(param, value, &mut s.consumer, e),
                Param::Counter => choose(param, value, &mut s.counter, e),
                Param::Guard => choose(param, value, &mut s.guard, e),
                Param::Maxsize => {
                    let range = (0, MAX_MAXSIZE as u64);
                    s.maxsize = number(param, value, range, s.maxsize as u64, e) as usize
                }
                Param::Rate => {
                    s.rate = number(param, value, (0, MAX_RATE.into()), s.rate.into(), e) as u32
                }
                Param::Work => {
                    let range = (0, MAX_WORK_US.into());
                    s.work_us = number(param, value, range, s.work_us.into(), e) as u32
                }
                Param::Items => {
                    s.items = number(param, value, (1, MAX_ITEMS_PER_PRODUCER), s.items, e)
                }
                Param::Run => s.run = number(param, value, (0, 1), s.run.into(), e) == 1,
            }
        }
        (s, errors)
    }

    /// The query string that [`from_query`](Self::from_query) reads back as this scenario.
    ///
    /// ```
    /// use queue_playground::threads::Scenario;
    ///
    /// let s = Scenario { producers: 3, ..Scenario::default() };
    /// assert_eq!(Scenario::from_query(&s.to_query()), (s, vec![]));
    /// ```
    pub fn to_query(&self) -> String {
        format!(
            "producers={}&consumers={}&queue={}&consumer={}&counter={}&guard={}&maxsize={}&rate={}&work={}&items={}&run={}",
            self.producers,
            self.consumers,
            self.queue.word(),
            self.consumer.word(),
            self.counter.word(),
            self.guard.word(),
            self.maxsize,
            self.rate,
            self.work_us,
            self.items,
            u8::from(self.run),
        )
    }

    /// The same scenario with every field forced into its accepted range (for a `Scenario`
    /// built in code rather than parsed).
    pub fn clamped(mut self) -> Scenario {
        self.producers = self.producers.clamp(1, MAX_THREADS_PER_ROLE);
        self.consumers = self.consumers.clamp(1, MAX_THREADS_PER_ROLE);
        self.maxsize = self.maxsize.min(MAX_MAXSIZE);
        self.rate = self.rate.min(MAX_RATE);
        self.work_us = self.work_us.min(MAX_WORK_US);
        self.items = self.items.clamp(1, MAX_ITEMS_PER_PRODUCER);
        self
    }

    /// The number of slots of the unlocked ring.
    pub fn ring_slots(&self) -> usize {
        if self.maxsize == 0 {
            DEFAULT_RING
        } else {
            self.maxsize
        }
    }
}
