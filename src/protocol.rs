//! The messages between the page and the consumer worker: typed, versioned, validated.
//!
//! Every message is one JSON object with a protocol version `v` and a `type`. Batches are
//! columnar (one array of ids, one of texts, one of put times) so that one `postMessage` carries
//! a whole frame's worth of messages cheaply; ids in a `put` are consecutive from `first_id`.
//!
//! Page → worker ([`Request`]):
//! ```json
//! {"v":1,"type":"put","first_id":1,"texts":["hello","world"],"put_at":[1.5,1.5]}
//! {"v":1,"type":"config","mode":"drain","interval_ms":1000,"work_ms":0,"max_batch":100}
//! {"v":1,"type":"work","ms":2000}
//! {"v":1,"type":"reset"}
//! ```
//! Worker → page ([`Reply`]): `ready`, `ack`, `state`, `batch`, `config` and `error`.
//! ```json
//! {"type":"state","v":1,"state":"working","activity":"round_work","detail":"round 3: blocking work for 100 ms on 5 messages","round":3,"work_ms":100,"messages":5}
//! ```
//!
//! # Examples
//! ```
//! use queue_playground::protocol::{decode_request, Request};
//! let req = decode_request(r#"{"v":1,"type":"put","first_id":7,"texts":["hi"],"put_at":[2.0]}"#)
//!     .unwrap();
//! match req {
//!     Request::Put(put) => assert_eq!(put.messages().next().unwrap().id, 7),
//!     _ => unreachable!(),
//! }
//! let err = decode_request(r#"{"v":1,"type":"put","first_id":1,"texts":["a"],"put_at":[]}"#)
//!     .unwrap_err();
//! assert!(err.to_string().contains("put_at"));
//! ```

use crate::consumer::{Mode, Settings};
use crate::json::{self, ObjectWriter, Value};
use std::fmt;

/// The protocol version this build speaks; a message with any other `v` is refused.
pub const VERSION: u32 = 1;

/// The largest number of messages one `put` may carry (a frame's worth, with a wide margin).
pub const MAX_PUT: usize = 1_000_000;

/// The longest message text accepted, in bytes of UTF-8.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;

/// The longest simulated blocking work accepted, in milliseconds.
pub const MAX_WORK_MS: f64 = 60_000.0;

/// The longest round interval accepted, in milliseconds.
pub const MAX_INTERVAL_MS: f64 = 600_000.0;

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

/// A `put` request: a run of messages with consecutive ids.
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
    /// The messages this request carries, in order.
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

    /// Consumes the request into its messages, in order, without copying the texts.
    pub fn into_messages(self) -> impl Iterator<Item = Message> {
        self.texts
            .into_iter()
            .zip(self.put_at)
            .zip(self.first_id..)
            .map(|((text, put_at), id)| Message { id, text, put_at })
    }
}

/// A request from the page to the consumer worker.
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
}

/// Why a request was refused. The text names what was wrong, for the error reply.
#[derive(Debug, Clone, PartialEq)]
pub struct ProtocolError(String);

impl ProtocolError {
    /// An error with this explanation.
    pub fn new(msg: impl Into<String>) -> Self {
        Self(msg.into())
    }
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ProtocolError {}

/// Decodes and validates one request from its JSON text.
///
/// # Errors
/// A [`ProtocolError`] that names what was wrong: not JSON (with line and column), a missing or
/// unknown version or type, a missing, unknown or mistyped field, or a value out of range.
pub fn decode_request(text: &str) -> Result<Request, ProtocolError> {
    let value = json::parse(text).map_err(|e| {
        ProtocolError::new(format!(
            "not a JSON object: {e} (expected {{\"v\":{VERSION},\"type\":...}})"
        ))
    })?;
    let Value::Object(members) = value else {
        return Err(ProtocolError::new(format!(
            "not a JSON object: got {} (expected {{\"v\":{VERSION},\"type\":...}})",
            value.kind()
        )));
    };
    let mut fields = Fields(members);
    // The envelope first, so the error names the version or type rather than a field.
    match fields.take("v") {
        Some(Value::Number(n)) if n == f64::from(VERSION) => {}
        Some(other) => {
            return Err(ProtocolError::new(format!(
                "unsupported protocol version {}; this worker speaks v{VERSION}",
                show(&other)
            )))
        }
        None => return Err(ProtocolError::new("missing field `v` (protocol version)")),
    }
    let kind = match fields.take("type") {
        Some(Value::String(kind)) => kind,
        Some(other) => {
            return Err(ProtocolError::new(format!(
                "field `type` must be a string, got {}",
                other.kind()
            )))
        }
        None => return Err(ProtocolError::new("missing field `type`")),
    };
    let request = match kind.as_str() {
        "put" => decode_put(&mut fields)?,
        "config" => Request::Config(Settings {
            mode: {
                let name = fields.string("mode")?;
                Mode::from_name(&name).ok_or_else(|| {
                    ProtocolError::new(format!(
                        "unknown mode `{name}`, expected `snapshot`, `drain` or `one-by-one`"
                    ))
                })?
            },
            interval_ms: fields.ms("interval_ms", MAX_INTERVAL_MS)?,
            work_ms: fields.ms("work_ms", MAX_WORK_MS)?,
            max_batch: {
                let n = fields.whole("max_batch", u64::from(u32::MAX))?;
                if n == 0 {
                    return Err(ProtocolError::new("`max_batch` must be at least 1"));
                }
                n as usize
            },
        }),
        "work" => Request::Work {
            ms: fields.ms("ms", MAX_WORK_MS)?,
        },
        "reset" => Request::Reset,
        other => {
            return Err(ProtocolError::new(format!(
                "unknown type `{other}`, expected `put`, `config`, `work` or `reset`"
            )))
        }
    };
    // Unknown fields are refused so that typos surface instead of being ignored.
    if let Some((name, _)) = fields.0.first() {
        return Err(ProtocolError::new(format!(
            "unknown field `{name}` in a `{kind}` request"
        )));
    }
    Ok(request)
}

fn decode_put(fields: &mut Fields) -> Result<Request, ProtocolError> {
    let first_id = fields.whole("first_id", 1 << 53)?;
    let texts = fields.array("texts")?;
    let put_at = fields.array("put_at")?;
    if texts.len() != put_at.len() {
        return Err(ProtocolError::new(format!(
            "`texts` has {} items but `put_at` has {}",
            texts.len(),
            put_at.len()
        )));
    }
    if texts.len() > MAX_PUT {
        return Err(ProtocolError::new(format!(
            "a put carries at most {MAX_PUT} messages, got {}",
            texts.len()
        )));
    }
    if first_id + texts.len() as u64 > 1 << 53 {
        return Err(ProtocolError::new(
            "`first_id` is too large: ids must stay exact in JavaScript",
        ));
    }
    let texts = texts
        .into_iter()
        .enumerate()
        .map(|(i, t)| match t {
            Value::String(s) if s.len() <= MAX_TEXT_BYTES => Ok(s),
            Value::String(_) => Err(ProtocolError::new(format!(
                "`texts[{i}]` is longer than {MAX_TEXT_BYTES} bytes"
            ))),
            other => Err(ProtocolError::new(format!(
                "`texts[{i}]` must be a string, got {}",
                other.kind()
            ))),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let put_at = put_at
        .into_iter()
        .enumerate()
        .map(|(i, t)| match t {
            Value::Number(n) => Ok(n),
            other => Err(ProtocolError::new(format!(
                "`put_at[{i}]` must be a number, got {}",
                other.kind()
            ))),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Request::Put(Put {
        first_id,
        texts,
        put_at,
    }))
}

/// A request's members, taken out one by one as they are read.
struct Fields(Vec<(String, Value)>);

impl Fields {
    fn take(&mut self, name: &str) -> Option<Value> {
        // The last of repeated keys wins, as in JSON.parse; the others go too.
        let mut found = None;
        self.0.retain_mut(|(k, v)| {
            if k == name {
                found = Some(std::mem::replace(v, Value::Null));
                false
            } else {
                true
            }
        });
        found
    }

    fn required(&mut self, name: &str) -> Result<Value, ProtocolError> {
        self.take(name)
            .ok_or_else(|| ProtocolError::new(format!("missing field `{name}`")))
    }

    fn string(&mut self, name: &str) -> Result<String, ProtocolError> {
        match self.required(name)? {
            Value::String(s) => Ok(s),
            other => Err(mistyped(name, "a string", &other)),
        }
    }

    fn array(&mut self, name: &str) -> Result<Vec<Value>, ProtocolError> {
        match self.required(name)? {
            Value::Array(items) => Ok(items),
            other => Err(mistyped(name, "an array", &other)),
        }
    }

    fn number(&mut self, name: &str) -> Result<f64, ProtocolError> {
        match self.required(name)? {
            Value::Number(n) => Ok(n),
            other => Err(mistyped(name, "a number", &other)),
        }
    }

    fn whole(&mut self, name: &str, max: u64) -> Result<u64, ProtocolError> {
        let n = self.number(name)?;
        if n.fract() == 0.0 && (0.0..=max as f64).contains(&n) {
            Ok(n as u64)
        } else {
            Err(ProtocolError::new(format!(
                "`{name}` must be a whole number from 0 to {max}, got {}",
                json::number_text(n)
            )))
        }
    }

    fn ms(&mut self, name: &str, max: f64) -> Result<f64, ProtocolError> {
        let n = self.number(name)?;
        if (0.0..=max).contains(&n) {
            Ok(n)
        } else {
            Err(ProtocolError::new(format!(
                "`{name}` must be between 0 and {} ms, got {}",
                json::number_text(max),
                json::number_text(n)
            )))
        }
    }
}

fn mistyped(name: &str, expected: &str, got: &Value) -> ProtocolError {
    ProtocolError::new(format!("`{name}` must be {expected}, got {}", got.kind()))
}

fn show(value: &Value) -> String {
    match value {
        Value::Number(n) => json::number_text(*n),
        Value::String(s) => {
            let mut out = String::new();
            json::write_str(&mut out, s);
            out
        }
        other => other.kind().to_string(),
    }
}

/// What the worker's thread is doing, for the threads panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadState {
    /// Between rounds, reading its event loop.
    Idle,
    /// Busy with blocking work: it reads no posts until it finishes.
    Working,
    /// Waiting for the stored consumer id, or for messages.
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

/// What the worker's thread is doing, in words the page can translate: a key and numbers.
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

    /// The activity in English, for logs and for people reading the raw replies.
    pub fn describe(self) -> String {
        let ms = |x: f64| x.round() as u64;
        match self {
            Activity::WaitingForMessages => "waiting for messages".to_string(),
            Activity::NextRound { in_ms } => format!("next round in {} ms", ms(in_ms)),
            Activity::RoundWork {
                round,
                work_ms,
                messages,
            } => format!(
                "round {round}: blocking work for {} ms on {messages} messages",
                ms(work_ms)
            ),
            Activity::PageWork { ms: work } => {
                format!("busy work requested by the page ({} ms)", ms(work))
            }
        }
    }

    fn write_fields(self, o: &mut ObjectWriter) {
        match self {
            Activity::WaitingForMessages => {}
            Activity::NextRound { in_ms } => {
                o.num("in_ms", in_ms.round());
            }
            Activity::RoundWork {
                round,
                work_ms,
                messages,
            } => {
                o.int("round", round)
                    .num("work_ms", work_ms.round())
                    .int("messages", messages as u64);
            }
            Activity::PageWork { ms } => {
                o.num("work_ms", ms.round());
            }
        }
    }
}

/// A batch the consumer took in one round, as posted to the page.
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

/// A reply from the worker to the page.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// The worker has loaded and serves requests.
    Ready {
        /// The protocol version.
        v: u32,
        /// The settings in force.
        settings: Settings,
    },
    /// A `put` was taken: how many messages the queue has received in all, and its length now.
    Ack {
        /// The protocol version.
        v: u32,
        /// Messages received by the queue since the last reset.
        received: u64,
        /// Messages in the queue now.
        queue_len: usize,
    },
    /// The worker thread's state changed: `state`, an `activity` key with its numbers
    /// (`in_ms`; `round`, `work_ms`, `messages`; or `work_ms`), and `detail` in English.
    State {
        /// The protocol version.
        v: u32,
        /// What it is doing.
        activity: Activity,
    },
    /// A round's batch.
    Batch {
        /// The protocol version.
        v: u32,
        /// The batch.
        batch: Batch,
    },
    /// The settings now in force, after a `config` or a `reset`.
    Config {
        /// The protocol version.
        v: u32,
        /// The settings.
        settings: Settings,
    },
    /// A request was refused; nothing changed and the worker keeps serving.
    Error {
        /// The protocol version.
        v: u32,
        /// What was wrong.
        error: String,
        /// The first bytes of the refused request, to tell which one it was.
        request: String,
    },
}

impl Reply {
    /// The reply as JSON text, ready to post.
    pub fn to_json(&self) -> String {
        // Reserve a batch's size up front: growing a many-megabyte string by doubling copies it.
        let mut out = String::with_capacity(match self {
            Reply::Batch { batch, .. } => {
                256 + batch.len() * 48 + batch.texts.iter().map(String::len).sum::<usize>()
            }
            _ => 128,
        });
        let mut o = ObjectWriter::new(&mut out);
        match self {
            Reply::Ready { v, settings } | Reply::Config { v, settings } => {
                let kind = if matches!(self, Reply::Ready { .. }) {
                    "ready"
                } else {
                    "config"
                };
                o.str("type", kind).int("v", u64::from(*v));
                o.raw("settings", |out| settings.write_json(out));
            }
            Reply::Ack {
                v,
                received,
                queue_len,
            } => {
                o.str("type", "ack")
                    .int("v", u64::from(*v))
                    .int("received", *received)
                    .int("queue_len", *queue_len as u64);
            }
            Reply::State { v, activity } => {
                o.str("type", "state")
                    .int("v", u64::from(*v))
                    .str("state", activity.state().name())
                    .str("activity", activity.key())
                    .str("detail", &activity.describe());
                activity.write_fields(&mut o);
            }
            Reply::Batch { v, batch } => {
                o.str("type", "batch")
                    .int("v", u64::from(*v))
                    .int("seq", batch.seq)
                    .str("mode", batch.mode.name())
                    .raw("ids", |out| {
                        json::write_array(out, &batch.ids, |out, id| json::write_u64(out, *id))
                    })
                    .raw("texts", |out| {
                        json::write_array(out, &batch.texts, |out, t| json::write_str(out, t))
                    })
                    .raw("put_at", |out| {
                        json::write_array(out, &batch.put_at, |out, t| json::write_f64(out, *t))
                    })
                    .num("drained_at", batch.drained_at)
                    .num("work_ms", batch.work_ms)
                    .int("queue_len", batch.queue_len as u64)
                    .int("removed_total", batch.removed_total);
            }
            Reply::Error { v, error, request } => {
                o.str("type", "error")
                    .int("v", u64::from(*v))
                    .str("error", error)
                    .str("request", request);
            }
        }
        o.finish();
        out
    }

    /// An error reply for a refused request, quoting at most its first 200 characters.
    pub fn error(err: &ProtocolError, request: &str) -> Self {
        Reply::Error {
            v: VERSION,
            error: err.to_string(),
            request: request.chars().take(200).collect(),
        }
    }
}
