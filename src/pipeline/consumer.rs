//! The background consumer's policy as a state machine: the clock is passed in, and no timer
//! lives here, so every behaviour is tested natively. The web shell runs the rounds with
//! timers and the blocking work in a Web Worker; this module tells it what to do and when.
//!
//! Three modes, switched live:
//! - [`Mode::Snapshot`]: the reference program as written. Each round copies the queue
//!   (`list(message_queue.queue)`) and removes nothing, so the same messages come back every
//!   round, forever.
//! - [`Mode::Drain`]: the correct batch consumer. Each round removes up to `max_batch` messages.
//! - [`Mode::OneByOne`]: a `while True: work(q.get())` loop. Each round takes one message and
//!   the next round follows at once while messages remain.
//!
//! It takes decoded [`Request`]s and answers with [`Answer`]s; reading and writing JSON is the
//! protocol's business, not this module's.
//!
//! The queue is bounded, always: at most `maxsize` messages ([`DEFAULT_MAXSIZE`] unless the
//! page sets another, up to [`MAX_MAXSIZE`]) and at most [`MAX_QUEUE_BYTES`] of text. A put
//! that meets a full queue is refused message by message, as `put_nowait` raises `queue.Full`,
//! and the producer is told how many ([`Answer::Full`]): the worker's memory cannot grow until
//! it traps, whatever the page sends (wasm memory never shrinks, so the bound is what keeps
//! the tab's memory in check). The bound is checked here rather than by [`Queue`]'s own
//! `maxsize`, which is fixed when the queue is made, because the learner changes it live
//! (CPython allows `q.maxsize = n`) and because the byte bound is not the queue's notion.
//! The check and the put cannot be separated by another put: one thread owns the pipeline.
//!
//! # Examples
//! ```
//! use queue_playground::pipeline::{Mode, Pipeline, Put, Request, Settings};
//! let mut p = Pipeline::new(Settings { mode: Mode::Drain, interval_ms: 100.0, work_ms: 0.0, max_batch: 2 });
//! let texts = vec!["a".to_string(), "b".to_string(), "c".to_string()];
//! let handled = p.handle(Request::Put(Put { first_id: 1, texts, put_at: vec![0.0; 3] }));
//! assert!(handled.rearm, "the consumer was parked on an empty queue: the round timer must be armed");
//! let round = p.take_round(0.0).unwrap();
//! let batch = p.finish_round(round, 1.0);
//! assert_eq!(batch.ids, vec![1, 2]);
//! assert_eq!(batch.queue_len, 1);
//! assert_eq!(p.due_in(1.0), Some(100.0)); // one message left: the next round is due
//! ```

use super::types::{Activity, Answer, Batch, Bound, Full, Message, Mode, Put, Request, Settings};
use crate::queue::Queue;

/// The queue's bound in messages unless the page sets another. Why 100,000: a snapshot round
/// (the reference program's bug) copies the whole queue and posts it back as one batch, so the
/// queue's size sets the size of every round's copy and reply; at 100,000 short messages the
/// worker's wasm memory stays near 27 MB (measured) and the page parses each reply in a few
/// tens of milliseconds.
pub const DEFAULT_MAXSIZE: usize = 100_000;

/// The largest bound the page may set. A snapshot round of a full queue is the longest stretch
/// in which the worker answers nothing without having declared it (it copies the queue and
/// writes the reply): measured in headless Chromium, a round of 250,000 short messages kept it
/// silent about 0.3 s and its wasm memory at 52 MB, against 0.5 s and 190 MB at 1,000,000. The
/// page's supervisor counts a worker dead after 1 s of undeclared silence, so the bound keeps
/// a wide margin below that.
pub const MAX_MAXSIZE: usize = 250_000;

/// The most bytes of text the queue holds, whatever its `maxsize`: texts may be up to
/// 64 KiB each, so a bound in messages alone would let 100,000 of them take 6.4 GB (past
/// wasm32's 4 GiB). 16 MiB is 100,000 messages of 160 bytes, or 256 of the longest. With the
/// snapshot copy and its reply (at most 6 bytes of JSON a byte of text, for control
/// characters) the worker's memory stays under about 200 MB in the worst case.
pub const MAX_QUEUE_BYTES: usize = 16 << 20;

/// A round that has taken its messages and still has its blocking work to do.
#[derive(Debug, Clone, PartialEq)]
pub struct Round {
    /// The batch taken, without its timing yet.
    pub batch: Batch,
    /// How long the blocking work should run, in milliseconds.
    pub work_ms: f64,
}

/// The queue, the consumer and the counters the page needs to account for every message.
#[derive(Debug)]
pub struct Pipeline {
    queue: Queue<Message>,
    /// Bytes of text in the queue: the byte bound is checked against this.
    queue_bytes: usize,
    maxsize: usize,
    settings: Settings,
    seq: u64,
    received: u64,
    removed: u64,
    /// When the last round ended; the interval counts from there.
    last_end: f64,
    /// When the next round may start; rounds are never closer than the interval.
    next_due: f64,
}

/// What handling one request asks of the shell.
#[derive(Debug, Clone, PartialEq)]
pub struct Handled {
    /// Answers to post, in order.
    pub answers: Vec<Answer>,
    /// Blocking work to run now, in milliseconds, for a `work` request.
    pub work_ms: Option<f64>,
    /// Whether the round timer must be armed again (after any work): the request changed when
    /// the next round is due, or woke a consumer parked on an empty queue.
    pub rearm: bool,
}

impl Pipeline {
    /// An empty queue bounded at [`DEFAULT_MAXSIZE`] messages and [`MAX_QUEUE_BYTES`], and a
    /// consumer with these settings.
    pub fn new(settings: Settings) -> Self {
        Pipeline {
            // Unbounded underneath: the bound is the pipeline's (see the module's comment).
            queue: Queue::new(0),
            queue_bytes: 0,
            maxsize: DEFAULT_MAXSIZE,
            settings,
            seq: 0,
            received: 0,
            removed: 0,
            last_end: f64::NEG_INFINITY,
            next_due: f64::NEG_INFINITY,
        }
    }

    /// The settings in force.
    pub fn settings(&self) -> Settings {
        self.settings
    }

    /// The number of messages in the queue.
    pub fn queue_len(&self) -> usize {
        self.queue.len()
    }

    /// Bytes of text in the queue now.
    pub fn queue_bytes(&self) -> usize {
        self.queue_bytes
    }

    /// The most messages the queue may hold.
    pub fn maxsize(&self) -> usize {
        self.maxsize
    }

    /// Messages received (accepted into the queue) since the last reset.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// Messages removed from the queue since the last reset.
    pub fn removed(&self) -> u64 {
        self.removed
    }

    /// Whether the consumer is parked: no round is due until a message arrives (drain and
    /// one-by-one on an empty queue). The shell keeps a round timer armed exactly when it is not.
    pub fn is_parked(&self) -> bool {
        self.settings.mode != Mode::Snapshot && self.queue.is_empty()
    }

    /// Applies one request. Requests come decoded and validated, so none is refused here.
    pub fn handle(&mut self, request: Request) -> Handled {
        let parked = self.is_parked();
        let (answers, work_ms, rearm) = match request {
            Request::Put(put) => {
                let mut answers = Vec::with_capacity(2);
                if let Some(full) = self.put(put) {
                    answers.push(Answer::Full(full));
                }
                answers.push(self.ack());
                // A put moves no round that is already due; it only wakes a parked consumer.
                (answers, None, parked && !self.is_parked())
            }
            Request::Maxsize { maxsize } => {
                // Lowering it below the length drops nothing: puts are refused until the
                // consumer takes the queue below it, as in CPython.
                self.maxsize = maxsize.clamp(1, MAX_MAXSIZE);
                (vec![self.bound()], None, false)
            }
            Request::Ping => (vec![Answer::Pong], None, false),
            Request::Config(settings) => {
                self.settings = settings;
                // A new interval counts from the end of the last round, not from the next one:
                // shortening a ten-minute wait takes effect now.
                self.next_due = self.last_end + settings.interval_ms;
                (vec![Answer::Config(settings)], None, true)
            }
            // After the work the next round may be overdue, and the page must see the worker
            // idle again: both come from re-arming.
            Request::Work { ms } => (vec![], Some(ms), true),
            Request::Reset => {
                self.queue.drain(usize::MAX);
                self.queue_bytes = 0;
                self.seq = 0;
                self.received = 0;
                self.removed = 0;
                self.last_end = f64::NEG_INFINITY;
                self.next_due = f64::NEG_INFINITY;
                (vec![Answer::Config(self.settings), self.ack()], None, true)
            }
        };
        Handled {
            answers,
            work_ms,
            rearm,
        }
    }

    /// Puts the messages in order until the first that does not fit; that one and every one
    /// after it are refused, so that no message jumps ahead of a refused one.
    fn put(&mut self, put: Put) -> Option<Full> {
        let total = put.texts.len();
        let first_id = put.first_id;
        let mut accepted = 0;
        let mut refused_by = None;
        for m in put.into_messages() {
            let bound = if self.queue.len() >= self.maxsize {
                Bound::Maxsize
            } else if self.queue_bytes + m.text.len() > MAX_QUEUE_BYTES {
                Bound::Bytes
            } else {
                let bytes = m.text.len();
                // The queue underneath is unbounded and never shut down: it cannot refuse.
                if self.queue.try_put(m).is_ok() {
                    self.queue_bytes += bytes;
                    accepted += 1;
                }
                continue;
            };
            refused_by = Some(bound);
            break;
        }
        self.received += accepted as u64;
        refused_by.map(|bound| Full {
            accepted,
            refused: total - accepted,
            first_refused: first_id + accepted as u64,
            bound,
            maxsize: self.maxsize,
            max_bytes: MAX_QUEUE_BYTES,
            queue_len: self.queue.len(),
            queue_bytes: self.queue_bytes,
        })
    }

    fn bound(&self) -> Answer {
        Answer::Maxsize {
            maxsize: self.maxsize,
            max_bytes: MAX_QUEUE_BYTES,
        }
    }

    fn ack(&self) -> Answer {
        Answer::Ack {
            received: self.received,
            queue_len: self.queue.len(),
        }
    }

    /// How long until the next round should start, or `None` when the consumer has nothing to
    /// do until a message arrives (drain and one-by-one on an empty queue). Snapshot rounds run
    /// on the interval whether or not the queue holds anything, as the reference loop does.
    pub fn due_in(&self, now: f64) -> Option<f64> {
        if self.is_parked() {
            return None;
        }
        let wait = if self.settings.mode == Mode::OneByOne {
            // A get() loop takes the next message at once.
            0.0
        } else {
            self.next_due - now
        };
        Some(wait.max(0.0))
    }

    /// What the worker does between rounds, for the threads panel.
    pub fn idle_activity(&self, now: f64) -> Activity {
        match self.due_in(now) {
            None => Activity::WaitingForMessages,
            Some(in_ms) => Activity::NextRound { in_ms },
        }
    }

    /// Starts a round if one is due: takes the batch (removing it, except in snapshot mode).
    pub fn take_round(&mut self, now: f64) -> Option<Round> {
        if self.due_in(now)? > 0.0 {
            return None;
        }
        let max = self.settings.max_batch.max(1);
        let messages = match self.settings.mode {
            Mode::Snapshot => {
                let mut copy = self.queue.snapshot();
                copy.truncate(max);
                copy
            }
            Mode::Drain => self.queue.drain(max),
            Mode::OneByOne => self.queue.drain(1),
        };
        if self.settings.mode != Mode::Snapshot {
            self.removed += messages.len() as u64;
            self.queue_bytes -= messages.iter().map(|m| m.text.len()).sum::<usize>();
        }
        self.seq += 1;
        let mut batch = Batch::from_messages(self.seq, self.settings.mode, messages);
        batch.drained_at = now;
        Some(Round {
            batch,
            work_ms: self.settings.work_ms,
        })
    }

    /// Ends a round after its blocking work: stamps the batch and schedules the next round.
    pub fn finish_round(&mut self, round: Round, now: f64) -> Batch {
        let mut batch = round.batch;
        batch.work_ms = (now - batch.drained_at).max(0.0);
        batch.queue_len = self.queue.len();
        batch.removed_total = self.removed;
        self.last_end = now;
        self.next_due = now + self.settings.interval_ms;
        batch
    }
}

/// Keeps the CPU busy for `ms` milliseconds, as the reference's `calculate_blocking` does: real
/// work, not a sleep, so the thread running it reads no events until it returns. Returns the
/// number of loop iterations done, so the work cannot be optimised away.
///
/// ```
/// use queue_playground::pipeline::calculate_blocking;
/// let start = std::time::Instant::now();
/// let n = calculate_blocking(20.0, || start.elapsed().as_secs_f64() * 1000.0);
/// assert!(n > 0);
/// assert!(start.elapsed().as_millis() >= 20);
/// ```
pub fn calculate_blocking(ms: f64, mut now: impl FnMut() -> f64) -> u64 {
    let start = now();
    let mut acc: u64 = 0;
    let mut n: u64 = 0;
    loop {
        // Check the clock every few thousand steps: reading it is far slower than the work.
        for _ in 0..4096 {
            acc = acc
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            n += 1;
        }
        if now() - start >= ms {
            break;
        }
    }
    std::hint::black_box(acc);
    n
}
