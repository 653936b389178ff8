//! The background consumer's policy as a state machine: the clock is passed in, and no timer
//! lives here, so every behaviour is tested natively. The web shell runs the rounds with
//! timers and the blocking work in a Web Worker.
//!
//! Three modes, switched live:
//! - [`Mode::Snapshot`]: the reference program as written. Each round copies the queue
//!   (`list(message_queue.queue)`) and removes nothing, so the same messages come back every
//!   round, forever.
//! - [`Mode::Drain`]: the correct batch consumer. Each round removes up to `max_batch` messages.
//! - [`Mode::OneByOne`]: a `while True: work(q.get())` loop. Each round takes one message and
//!   the next round follows at once while messages remain.
//!
//! # Examples
//! ```
//! use queue_playground::consumer::{Mode, Pipeline, Settings};
//! let mut p = Pipeline::new(Settings { mode: Mode::Drain, interval_ms: 100.0, work_ms: 0.0, max_batch: 2 });
//! p.handle(r#"{"v":1,"type":"put","first_id":1,"texts":["a","b","c"],"put_at":[0,0,0]}"#);
//! let round = p.take_round(0.0).unwrap();
//! let batch = p.finish_round(round, 1.0);
//! assert_eq!(batch.ids, vec![1, 2]);
//! assert_eq!(batch.queue_len, 1);
//! assert_eq!(p.due_in(1.0), Some(100.0)); // one message left: the next round is due
//! ```

use crate::json::ObjectWriter;
use crate::protocol::{self, Activity, Batch, Message, Reply, Request, VERSION};
use crate::queue::Queue;

/// How the consumer takes messages each round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Copy the queue and remove nothing: the reference program's bug.
    Snapshot,
    /// Remove up to `max_batch` messages each round.
    Drain,
    /// Remove one message each round, and go on at once while any remain.
    OneByOne,
}

/// The consumer's settings, which the learner changes live.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// How messages are taken each round.
    pub mode: Mode,
    /// The pause after a round before the next one, in milliseconds.
    pub interval_ms: f64,
    /// The blocking (busy CPU) work each round does, in milliseconds.
    pub work_ms: f64,
    /// The most messages one round takes.
    pub max_batch: usize,
}

impl Mode {
    /// The mode's name on the wire and in the page: `snapshot`, `drain` or `one-by-one`.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Snapshot => "snapshot",
            Mode::Drain => "drain",
            Mode::OneByOne => "one-by-one",
        }
    }

    /// The mode with this name, if there is one.
    pub fn from_name(name: &str) -> Option<Mode> {
        [Mode::Snapshot, Mode::Drain, Mode::OneByOne]
            .into_iter()
            .find(|m| m.name() == name)
    }
}

impl Settings {
    /// Appends the settings as a JSON object, with the field names of a `config` request.
    pub fn write_json(&self, out: &mut String) {
        let mut o = ObjectWriter::new(out);
        o.str("mode", self.mode.name())
            .num("interval_ms", self.interval_ms)
            .num("work_ms", self.work_ms)
            .int("max_batch", self.max_batch as u64);
        o.finish();
    }

    /// The reference program exactly: copy the whole queue, burn 5 s of CPU, print, repeat
    /// with no pause.
    pub const REFERENCE: Settings = Settings {
        mode: Mode::Snapshot,
        interval_ms: 0.0,
        work_ms: 5000.0,
        max_batch: u32::MAX as usize,
    };
}

impl Default for Settings {
    /// A correct consumer that a first-time user can watch: drains up to 100 messages twice a
    /// second, with a little blocking work each round.
    fn default() -> Self {
        Settings {
            mode: Mode::Drain,
            interval_ms: 500.0,
            work_ms: 100.0,
            max_batch: 100,
        }
    }
}

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
    settings: Settings,
    seq: u64,
    received: u64,
    removed: u64,
    /// When the next round may start; rounds are never closer than the interval.
    next_due: f64,
}

/// What handling one request asks of the shell.
#[derive(Debug, Clone, PartialEq)]
pub struct Handled {
    /// Replies to post, in order.
    pub replies: Vec<Reply>,
    /// Blocking work to run now, in milliseconds, for a `work` request.
    pub work_ms: Option<f64>,
}

impl Pipeline {
    /// An empty, unbounded queue and a consumer with these settings.
    pub fn new(settings: Settings) -> Self {
        Pipeline {
            queue: Queue::new(0),
            settings,
            seq: 0,
            received: 0,
            removed: 0,
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

    /// Messages received since the last reset.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// Messages removed from the queue since the last reset.
    pub fn removed(&self) -> u64 {
        self.removed
    }

    /// The `ready` reply, posted once when the worker has loaded.
    pub fn ready(&self) -> Reply {
        Reply::Ready {
            v: VERSION,
            settings: self.settings,
        }
    }

    /// Decodes, validates and applies one request. A refused request changes nothing and
    /// yields one error reply.
    pub fn handle(&mut self, json: &str) -> Handled {
        let replies = |replies| Handled {
            replies,
            work_ms: None,
        };
        let request = match protocol::decode_request(json) {
            Ok(r) => r,
            Err(e) => return replies(vec![Reply::error(&e, json)]),
        };
        match request {
            Request::Put(put) => {
                let n = put.texts.len() as u64;
                for m in put.into_messages() {
                    // An unbounded queue that is never shut down cannot refuse a put.
                    let _ = self.queue.try_put(m);
                }
                self.received += n;
                replies(vec![self.ack()])
            }
            Request::Config(settings) => {
                self.settings = settings;
                replies(vec![self.config_reply()])
            }
            Request::Work { ms } => Handled {
                replies: vec![],
                work_ms: Some(ms),
            },
            Request::Reset => {
                self.queue.drain(usize::MAX);
                self.seq = 0;
                self.received = 0;
                self.removed = 0;
                self.next_due = f64::NEG_INFINITY;
                replies(vec![self.config_reply(), self.ack()])
            }
        }
    }

    fn ack(&self) -> Reply {
        Reply::Ack {
            v: VERSION,
            received: self.received,
            queue_len: self.queue.len(),
        }
    }

    fn config_reply(&self) -> Reply {
        Reply::Config {
            v: VERSION,
            settings: self.settings,
        }
    }

    /// How long until the next round should start, or `None` when the consumer has nothing to
    /// do until a message arrives (drain and one-by-one on an empty queue). Snapshot rounds run
    /// on the interval whether or not the queue holds anything, as the reference loop does.
    pub fn due_in(&self, now: f64) -> Option<f64> {
        if self.settings.mode != Mode::Snapshot && self.queue.is_empty() {
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
        self.next_due = now + self.settings.interval_ms;
        batch
    }
}

/// Keeps the CPU busy for `ms` milliseconds, as the reference's `calculate_blocking` does: real
/// work, not a sleep, so the thread running it reads no events until it returns. Returns the
/// number of loop iterations done, so the work cannot be optimised away.
///
/// ```
/// use queue_playground::consumer::calculate_blocking;
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
