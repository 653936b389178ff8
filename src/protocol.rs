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
use serde::{Deserialize, Serialize};
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// The producer's sequence number for this message.
    pub id: u64,
    /// The text the user typed, exactly as sent.
    pub text: String,
    /// When the producer put it, in milliseconds since the Unix epoch (fractional).
    pub put_at: f64,
}

/// A `put` request: a run of messages with consecutive ids.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
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

/// The wire shape, before validation. Unknown fields are refused so typos surface.
// `v` is checked in `decode_request` before this shape is read; it stays here so that
// `deny_unknown_fields` accepts it.
#[allow(dead_code)]
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
enum Wire {
    Put {
        v: u32,
        first_id: u64,
        texts: Vec<String>,
        put_at: Vec<f64>,
    },
    Config {
        v: u32,
        mode: Mode,
        interval_ms: f64,
        work_ms: f64,
        max_batch: u32,
    },
    Work {
        v: u32,
        ms: f64,
    },
    Reset {
        v: u32,
    },
}

/// Decodes and validates one request from its JSON text.
///
/// # Errors
/// A [`ProtocolError`] that names what was wrong: not JSON (with line and column), a missing or
/// unknown version or type, a missing or mistyped field, or a value out of range.
pub fn decode_request(json: &str) -> Result<Request, ProtocolError> {
    // One parse into a tree: the envelope is checked first, so the error names the version or
    // type rather than a field; the texts then move into the request without being copied.
    let value: serde_json::Value = serde_json::from_str(json).map_err(|e| {
        ProtocolError::new(format!(
            "not a JSON object: {e} (expected {{\"v\":{VERSION},\"type\":...}})"
        ))
    })?;
    let Some(object) = value.as_object() else {
        return Err(ProtocolError::new(format!(
            "not a JSON object: got {} (expected {{\"v\":{VERSION},\"type\":...}})",
            kind_of(&value)
        )));
    };
    match object.get("v") {
        Some(serde_json::Value::Number(n)) if n.as_u64() == Some(u64::from(VERSION)) => {}
        Some(other) => {
            return Err(ProtocolError::new(format!(
                "unsupported protocol version {other}; this worker speaks v{VERSION}"
            )))
        }
        None => return Err(ProtocolError::new("missing field `v` (protocol version)")),
    }
    match object.get("type") {
        Some(serde_json::Value::String(_)) => {}
        Some(other) => {
            return Err(ProtocolError::new(format!(
                "field `type` must be a string, got {other}"
            )))
        }
        None => return Err(ProtocolError::new("missing field `type`")),
    }
    let wire: Wire =
        serde_json::from_value(value).map_err(|e| ProtocolError::new(e.to_string()))?;
    validate(wire)
}

fn kind_of(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

fn validate(wire: Wire) -> Result<Request, ProtocolError> {
    match wire {
        Wire::Put {
            v: _,
            first_id,
            texts,
            put_at,
        } => {
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
            if let Some(i) = texts.iter().position(|t| t.len() > MAX_TEXT_BYTES) {
                return Err(ProtocolError::new(format!(
                    "`texts[{i}]` is longer than {MAX_TEXT_BYTES} bytes"
                )));
            }
            if let Some(i) = put_at.iter().position(|t| !t.is_finite()) {
                return Err(ProtocolError::new(format!(
                    "`put_at[{i}]` must be a finite number"
                )));
            }
            if first_id.checked_add(texts.len() as u64).is_none() {
                return Err(ProtocolError::new("`first_id` is too large"));
            }
            Ok(Request::Put(Put {
                first_id,
                texts,
                put_at,
            }))
        }
        Wire::Config {
            v: _,
            mode,
            interval_ms,
            work_ms,
            max_batch,
        } => {
            check_ms("interval_ms", interval_ms, MAX_INTERVAL_MS)?;
            check_ms("work_ms", work_ms, MAX_WORK_MS)?;
            if max_batch == 0 {
                return Err(ProtocolError::new("`max_batch` must be at least 1"));
            }
            Ok(Request::Config(Settings {
                mode,
                interval_ms,
                work_ms,
                max_batch: max_batch as usize,
            }))
        }
        Wire::Work { v: _, ms } => {
            check_ms("ms", ms, MAX_WORK_MS)?;
            Ok(Request::Work { ms })
        }
        Wire::Reset { v: _ } => Ok(Request::Reset),
    }
}

fn check_ms(name: &str, value: f64, max: f64) -> Result<(), ProtocolError> {
    if value.is_finite() && (0.0..=max).contains(&value) {
        Ok(())
    } else {
        Err(ProtocolError::new(format!(
            "`{name}` must be between 0 and {max} ms, got {value}"
        )))
    }
}

/// What the worker's thread is doing, for the threads panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ThreadState {
    /// Between rounds, reading its event loop.
    Idle,
    /// Busy with blocking work: it reads no posts until it finishes.
    Working,
    /// Waiting for the stored consumer id, or for messages.
    Waiting,
}

/// A batch the consumer took in one round, as posted to the page.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
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
    /// The worker thread's state changed.
    State {
        /// The protocol version.
        v: u32,
        /// The new state.
        state: ThreadState,
        /// What it is doing, for people.
        detail: String,
    },
    /// A round's batch.
    Batch {
        /// The protocol version.
        v: u32,
        /// The batch.
        #[serde(flatten)]
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
        // Serialising these plain structs cannot fail: no maps with non-string keys, no
        // user-defined Serialize that errors. Non-finite floats become null.
        serde_json::to_string(self).unwrap_or_else(|e| {
            format!(r#"{{"v":{VERSION},"type":"error","error":"encode: {e}","request":""}}"#)
        })
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
