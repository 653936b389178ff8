//! The pipeline's domain: what the page asks for, what the queue holds, what a round takes and
//! what the worker is doing. Plain data with no wire format: the consumer decides with these
//! types, the protocol reads and writes them as JSON, and neither needs the other.

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

impl Settings {
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

/// One message as the queue holds it: the producer's id, its text, and when it was put.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// The producer's sequence number for this message.
    pub id: u64,
    /// The text the user typed, exactly as sent.
    pub text: String,
    /// When the producer put it, in milliseconds since the Unix epoch (fractional).
    pub put_at: f64,
}

/// A run of messages put at once, with consecutive ids.
#[derive(Debug, Clone, PartialEq)]
pub struct Put {
    /// The id of the first message; the others follow one by one.
    pub first_id: u64,
    /// The texts, in the order they were put.
    pub texts: Vec<String>,
    /// When each text was put, one per text.
    pub put_at: Vec<f64>,
}

impl Put {
    /// The messages this put carries, in order.
    pub fn messages(&self) -> impl Iterator<Item = Message> + '_ {
        self.texts
            .iter()
            .zip(&self.put_at)
            .zip(self.first_id..)
            .map(|((text, &put_at), id)| Message {
                id,
                text: text.clone(),
                put_at,
            })
    }

    /// Consumes the put into its messages, in order, without copying the texts.
    pub fn into_messages(self) -> impl Iterator<Item = Message> {
        self.texts
            .into_iter()
            .zip(self.put_at)
            .zip(self.first_id..)
            .map(|((text, put_at), id)| Message { id, text, put_at })
    }
}

/// What the page asks of the consumer.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// Put messages on the queue.
    Put(Put),
    /// Change the consumer's settings; they take effect from the next round.
    Config(Settings),
    /// Run blocking work in the worker once, now, for this many milliseconds.
    Work {
        /// How long to keep the CPU busy.
        ms: f64,
    },
    /// Empty the queue and restart the batch sequence.
    Reset,
    /// Set the queue's bound (Python's `q.maxsize = n`); it takes effect from the next put.
    Maxsize {
        /// The most messages the queue may hold.
        maxsize: usize,
    },
    /// Say that the worker's loop is alive: answered with a pong from its event loop.
    Ping,
}

/// What the consumer answers to a request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Answer {
    /// Messages were taken: how many the queue has received in all, and its length now.
    Ack {
        /// Messages received by the queue since the last reset.
        received: u64,
        /// Messages in the queue now.
        queue_len: usize,
    },
    /// The settings now in force.
    Config(Settings),
    /// Some of a put's messages were refused because the queue was full (Python's
    /// `queue.Full`): the first `accepted` went in, the rest did not. Sent before the put's ack.
    Full(Full),
    /// The queue's bound now in force.
    Maxsize {
        /// The most messages the queue may hold.
        maxsize: usize,
        /// The most bytes of text it may hold (fixed: [`MAX_QUEUE_BYTES`](crate::pipeline::MAX_QUEUE_BYTES)).
        max_bytes: usize,
    },
    /// The answer to a ping: the loop that reads requests is running.
    Pong,
}

/// Which bound a full queue hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// It held `maxsize` messages.
    Maxsize,
    /// The next text would have taken its texts past `max_bytes`.
    Bytes,
}

impl Bound {
    /// The bound's name on the wire: `maxsize` or `bytes`.
    pub fn name(self) -> &'static str {
        match self {
            Bound::Maxsize => "maxsize",
            Bound::Bytes => "bytes",
        }
    }
}

/// A put that met a full queue: which of its messages were refused, and why.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Full {
    /// How many of the put's messages went into the queue (its first ones).
    pub accepted: usize,
    /// How many were refused (all the ones after: order is kept, so no later message jumps
    /// ahead of a refused one).
    pub refused: usize,
    /// The id of the first refused message; the others follow one by one.
    pub first_refused: u64,
    /// The bound the first refused message hit.
    pub bound: Bound,
    /// The queue's bound in messages.
    pub maxsize: usize,
    /// The queue's bound in bytes of text.
    pub max_bytes: usize,
    /// Messages in the queue after the put.
    pub queue_len: usize,
    /// Bytes of text in the queue after the put.
    pub queue_bytes: usize,
}

/// A batch the consumer took in one round.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    /// The round's sequence number, from 1.
    pub seq: u64,
    /// The mode that took it: in `snapshot` the messages were copied, not removed.
    pub mode: Mode,
    /// The messages' ids, in get order.
    pub ids: Vec<u64>,
    /// The messages' texts, in get order.
    pub texts: Vec<String>,
    /// When each was put, in epoch milliseconds.
    pub put_at: Vec<f64>,
    /// When the consumer took the batch, in epoch milliseconds.
    pub drained_at: f64,
    /// How long the round's blocking work ran, in milliseconds.
    pub work_ms: f64,
    /// The queue's length after the batch was taken.
    pub queue_len: usize,
    /// How many messages have been removed from the queue in all, after this batch.
    pub removed_total: u64,
}

impl Batch {
    /// Builds a batch from the messages a round took.
    pub fn from_messages(seq: u64, mode: Mode, messages: Vec<Message>) -> Self {
        let mut batch = Batch {
            seq,
            mode,
            ids: Vec::with_capacity(messages.len()),
            texts: Vec::with_capacity(messages.len()),
            put_at: Vec::with_capacity(messages.len()),
            drained_at: 0.0,
            work_ms: 0.0,
            queue_len: 0,
            removed_total: 0,
        };
        for m in messages {
            batch.ids.push(m.id);
            batch.texts.push(m.text);
            batch.put_at.push(m.put_at);
        }
        batch
    }

    /// How many messages the batch carries.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the batch carries no message.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// What the worker's thread is doing, for the threads panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadState {
    /// Between rounds, reading its event loop.
    Idle,
    /// Busy with blocking work: it reads no posts until it finishes.
    Working,
    /// Parked until a message arrives: no round is scheduled.
    Waiting,
}

impl ThreadState {
    /// The state's name on the wire: `idle`, `working` or `waiting`.
    pub fn name(self) -> &'static str {
        match self {
            ThreadState::Idle => "idle",
            ThreadState::Working => "working",
            ThreadState::Waiting => "waiting",
        }
    }
}

/// What the worker's thread is doing, as a key and numbers the page renders in its language.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Activity {
    /// Nothing to do until a message arrives.
    WaitingForMessages,
    /// Between rounds: the next one starts in this many milliseconds.
    NextRound {
        /// Milliseconds until the next round.
        in_ms: f64,
    },
    /// A round's blocking work.
    RoundWork {
        /// The round's sequence number.
        round: u64,
        /// How long the work runs.
        work_ms: f64,
        /// How many messages the round took.
        messages: usize,
    },
    /// Busy work the page asked for with a `work` request.
    PageWork {
        /// How long the work runs.
        ms: f64,
    },
}

impl Activity {
    /// The thread state this activity puts the worker in.
    pub fn state(self) -> ThreadState {
        match self {
            Activity::WaitingForMessages => ThreadState::Waiting,
            Activity::NextRound { .. } => ThreadState::Idle,
            Activity::RoundWork { .. } | Activity::PageWork { .. } => ThreadState::Working,
        }
    }

    /// The activity's key on the wire (and in the page's strings, as `detail.KEY`).
    pub fn key(self) -> &'static str {
        match self {
            Activity::WaitingForMessages => "waiting_for_messages",
            Activity::NextRound { .. } => "next_round",
            Activity::RoundWork { .. } => "round_work",
            Activity::PageWork { .. } => "page_work",
        }
    }
}
