//! The messages between the page and the consumer worker: typed, versioned, validated. This
//! module reads requests into the domain's [`Request`] and writes [`Reply`]s with the crate's
//! one JSON writer ([`ToJson`]); it decides nothing.
//!
//! Every message is one JSON object with a protocol version `v` and a `type`. A request may
//! carry an `id` (a whole number); the replies that answer it (`ack`, `config`, `error`) carry
//! the same `id`, so the page matches replies to requests by number, never by their text.
//! Batches are columnar (one array of ids, one of texts, one of put times) so that one
//! `postMessage` carries a whole frame's worth of messages cheaply; ids in a `put` are
//! consecutive from `first_id`.
//!
//! Page → worker ([`Request`]):
//! ```json
//! {"v":1,"id":7,"type":"put","first_id":1,"texts":["hello","world"],"put_at":[1.5,1.5]}
//! {"v":1,"id":8,"type":"config","mode":"drain","interval_ms":1000,"work_ms":0,"max_batch":100}
//! {"v":1,"type":"work","ms":2000}
//! {"v":1,"type":"reset"}
//! ```
//! Worker → page ([`Reply`]): `ready`, `ack`, `state`, `batch`, `config` and `error`. States
//! and errors are a key and their numbers; the page words them in its language.
//! ```json
//! {"type":"state","v":1,"state":"working","activity":"round_work","round":3,"work_ms":100,"messages":5}
//! {"type":"error","v":1,"id":8,"error":{"key":"unknown_mode","got":"sideways"},"request":"{\"v\":1,..."}
//! ```
//!
//! # Examples
//! ```
//! use queue_playground::pipeline::protocol::{decode, Field, ProtocolError};
//! use queue_playground::pipeline::Request;
//! use queue_playground::json::Kind;
//! let env = decode(r#"{"v":1,"id":3,"type":"put","first_id":7,"texts":["hi"],"put_at":[2.0]}"#)
//!     .unwrap();
//! assert_eq!(env.id, Some(3));
//! match env.request {
//!     Request::Put(put) => assert_eq!(put.messages().next().unwrap().id, 7),
//!     _ => unreachable!(),
//! }
//! let refused = decode(r#"{"v":1,"id":4,"type":"put","first_id":1,"texts":["a"],"put_at":[]}"#)
//!     .unwrap_err();
//! assert_eq!(refused.id, Some(4));
//! assert_eq!(refused.error, ProtocolError::LengthMismatch { texts: 1, put_at: 0 });
//! ```

use super::types::{Activity, Answer, Batch, Mode, Put, Request, Settings};
use crate::json::{self, member, Kind, ObjectWriter, ParseError, ToJson, Value};

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

/// The largest id (of a request or a message): ids must stay exact in JavaScript.
pub const MAX_ID: u64 = 1 << 53;

/// The longest piece of a refused request an error repeats (an unknown type, mode or field).
const MAX_ECHO_CHARS: usize = 64;

/// A decoded request and the id the page gave it.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    /// The request's `id`, echoed in the replies that answer it.
    pub id: Option<u64>,
    /// What the page asks.
    pub request: Request,
}

/// A refused request: what was wrong, and its `id` if that much could be read.
#[derive(Debug, Clone, PartialEq)]
pub struct Refused {
    /// The request's `id`, if it had a valid one.
    pub id: Option<u64>,
    /// What was wrong.
    pub error: ProtocolError,
}

/// A field of a request, or an item of one of its arrays (`texts[3]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The field's name.
    pub name: &'static str,
    /// The item's index, for an item of an array field.
    pub index: Option<usize>,
}

impl Field {
    /// A whole field.
    pub const fn named(name: &'static str) -> Field {
        Field { name, index: None }
    }

    /// Item `index` of an array field.
    pub const fn item(name: &'static str, index: usize) -> Field {
        Field {
            name,
            index: Some(index),
        }
    }
}

/// Why a request was refused: what was wrong and where, as data. The English sentence is
/// written in `pipeline::english` (its `Display`); the page words the same data in its own
/// language from the error reply's key and fields.
#[derive(Debug, Clone, PartialEq)]
pub enum ProtocolError {
    /// The posted value is neither text nor something `JSON.stringify` can write.
    NotText,
    /// The text is not JSON: where and why.
    NotJson(ParseError),
    /// The JSON is not an object.
    NotAnObject {
        /// What it is instead.
        got: Kind,
    },
    /// A required field is absent.
    Missing {
        /// The field.
        field: &'static str,
    },
    /// A field or an item has the wrong kind of value.
    WrongType {
        /// Where.
        field: Field,
        /// What kind it must be.
        expected: Kind,
        /// What kind it is.
        got: Kind,
    },
    /// `v` names a version this worker does not speak.
    Version {
        /// The version asked for.
        got: f64,
    },
    /// `type` names no request.
    UnknownType {
        /// The type asked for (its first characters).
        got: String,
    },
    /// A field that this type of request does not have.
    UnknownField {
        /// The field's name (its first characters).
        field: String,
        /// The request's type.
        request: &'static str,
    },
    /// `mode` names no mode.
    UnknownMode {
        /// The mode asked for (its first characters).
        got: String,
    },
    /// A field that counts must be a whole number.
    NotWhole {
        /// The field.
        field: &'static str,
        /// The number sent.
        got: f64,
    },
    /// A number outside the field's range.
    OutOfRange {
        /// The field.
        field: &'static str,
        /// The smallest value accepted.
        min: f64,
        /// The largest value accepted.
        max: f64,
        /// The number sent.
        got: f64,
    },
    /// A put's `texts` and `put_at` differ in length.
    LengthMismatch {
        /// Items in `texts`.
        texts: usize,
        /// Items in `put_at`.
        put_at: usize,
    },
    /// A put carries more messages than [`MAX_PUT`].
    TooMany {
        /// The most accepted.
        max: usize,
        /// How many it carries.
        got: usize,
    },
    /// A put's last id would pass [`MAX_ID`].
    IdsTooLarge {
        /// The put's first id.
        first_id: u64,
        /// How many messages it carries.
        count: usize,
    },
    /// A text longer than [`MAX_TEXT_BYTES`].
    TextTooLong {
        /// Which text.
        index: usize,
        /// Its length in bytes of UTF-8.
        bytes: usize,
        /// The most accepted.
        max_bytes: usize,
    },
}

impl ProtocolError {
    /// The error's key on the wire (and in the page's strings, as `error.KEY`).
    pub fn key(&self) -> &'static str {
        match self {
            ProtocolError::NotText => "not_text",
            ProtocolError::NotJson(_) => "not_json",
            ProtocolError::NotAnObject { .. } => "not_an_object",
            ProtocolError::Missing { .. } => "missing",
            ProtocolError::WrongType { .. } => "wrong_type",
            ProtocolError::Version { .. } => "version",
            ProtocolError::UnknownType { .. } => "unknown_type",
            ProtocolError::UnknownField { .. } => "unknown_field",
            ProtocolError::UnknownMode { .. } => "unknown_mode",
            ProtocolError::NotWhole { .. } => "not_whole",
            ProtocolError::OutOfRange { .. } => "out_of_range",
            ProtocolError::LengthMismatch { .. } => "length_mismatch",
            ProtocolError::TooMany { .. } => "too_many",
            ProtocolError::IdsTooLarge { .. } => "ids_too_large",
            ProtocolError::TextTooLong { .. } => "text_too_long",
        }
    }
}

impl std::error::Error for ProtocolError {}

/// Decodes and validates one request from its JSON text.
///
/// # Errors
/// A [`Refused`] naming what was wrong (not JSON, with line and column; a missing or unknown
/// version or type; a missing, unknown or mistyped field; a value out of range) and carrying
/// the request's `id` when it had a valid one.
pub fn decode(text: &str) -> Result<Envelope, Refused> {
    let refuse = |id, error| Refused { id, error };
    let members = match json::parse(text) {
        Ok(Value::Object(members)) => members,
        Ok(other) => {
            let got = other.kind();
            return Err(refuse(None, ProtocolError::NotAnObject { got }));
        }
        Err(e) => return Err(refuse(None, ProtocolError::NotJson(e))),
    };
    let mut fields = Fields(members);
    // The id first, so that every later refusal can be matched to its request.
    let id = match fields.take("id") {
        None => None,
        Some(v) => Some(whole(Field::named("id"), v, 0, MAX_ID).map_err(|e| refuse(None, e))?),
    };
    decode_fields(&mut fields)
        .map(|request| Envelope { id, request })
        .map_err(|error| refuse(id, error))
}

/// Decodes and validates one request, ignoring its `id`.
///
/// # Errors
/// As [`decode`].
pub fn decode_request(text: &str) -> Result<Request, ProtocolError> {
    decode(text).map(|e| e.request).map_err(|r| r.error)
}

fn decode_fields(fields: &mut Fields) -> Result<Request, ProtocolError> {
    // The envelope first, so the error names the version or type rather than a field.
    let v = fields.number("v")?;
    if v != f64::from(VERSION) {
        return Err(ProtocolError::Version { got: v });
    }
    let kind = fields.string("type")?;
    let (request, kind) = match kind.as_str() {
        "put" => (decode_put(fields)?, "put"),
        "config" => (Request::Config(decode_settings(fields)?), "config"),
        "work" => {
            let ms = fields.range("ms", 0.0, MAX_WORK_MS)?;
            (Request::Work { ms }, "work")
        }
        "reset" => (Request::Reset, "reset"),
        _ => return Err(ProtocolError::UnknownType { got: clip(&kind) }),
    };
    // Unknown fields are refused so that typos surface instead of being ignored.
    if let Some((name, _)) = fields.0.first() {
        return Err(ProtocolError::UnknownField {
            field: clip(name),
            request: kind,
        });
    }
    Ok(request)
}

fn decode_settings(fields: &mut Fields) -> Result<Settings, ProtocolError> {
    let name = fields.string("mode")?;
    let mode =
        Mode::from_name(&name).ok_or_else(|| ProtocolError::UnknownMode { got: clip(&name) })?;
    Ok(Settings {
        mode,
        interval_ms: fields.range("interval_ms", 0.0, MAX_INTERVAL_MS)?,
        work_ms: fields.range("work_ms", 0.0, MAX_WORK_MS)?,
        max_batch: fields.whole("max_batch", 1, u64::from(u32::MAX))? as usize,
    })
}

fn decode_put(fields: &mut Fields) -> Result<Request, ProtocolError> {
    let first_id = fields.whole("first_id", 0, MAX_ID)?;
    let texts = fields.array("texts")?;
    let put_at = fields.array("put_at")?;
    if texts.len() != put_at.len() {
        return Err(ProtocolError::LengthMismatch {
            texts: texts.len(),
            put_at: put_at.len(),
        });
    }
    if texts.len() > MAX_PUT {
        return Err(ProtocolError::TooMany {
            max: MAX_PUT,
            got: texts.len(),
        });
    }
    if first_id + texts.len() as u64 > MAX_ID {
        return Err(ProtocolError::IdsTooLarge {
            first_id,
            count: texts.len(),
        });
    }
    let texts = texts
        .into_iter()
        .enumerate()
        .map(|(i, t)| match t {
            Value::String(s) if s.len() <= MAX_TEXT_BYTES => Ok(s),
            Value::String(s) => Err(ProtocolError::TextTooLong {
                index: i,
                bytes: s.len(),
                max_bytes: MAX_TEXT_BYTES,
            }),
            other => Err(mistyped(Field::item("texts", i), Kind::String, &other)),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let put_at = put_at
        .into_iter()
        .enumerate()
        .map(|(i, t)| match t {
            Value::Number(n) => Ok(n),
            other => Err(mistyped(Field::item("put_at", i), Kind::Number, &other)),
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

    fn required(&mut self, name: &'static str) -> Result<Value, ProtocolError> {
        self.take(name)
            .ok_or(ProtocolError::Missing { field: name })
    }

    fn string(&mut self, name: &'static str) -> Result<String, ProtocolError> {
        match self.required(name)? {
            Value::String(s) => Ok(s),
            other => Err(mistyped(Field::named(name), Kind::String, &other)),
        }
    }

    fn array(&mut self, name: &'static str) -> Result<Vec<Value>, ProtocolError> {
        match self.required(name)? {
            Value::Array(items) => Ok(items),
            other => Err(mistyped(Field::named(name), Kind::Array, &other)),
        }
    }

    fn number(&mut self, name: &'static str) -> Result<f64, ProtocolError> {
        number(Field::named(name), self.required(name)?)
    }

    fn whole(&mut self, name: &'static str, min: u64, max: u64) -> Result<u64, ProtocolError> {
        whole(Field::named(name), self.required(name)?, min, max)
    }

    fn range(&mut self, name: &'static str, min: f64, max: f64) -> Result<f64, ProtocolError> {
        let n = self.number(name)?;
        if (min..=max).contains(&n) {
            Ok(n)
        } else {
            Err(ProtocolError::OutOfRange {
                field: name,
                min,
                max,
                got: n,
            })
        }
    }
}

fn number(field: Field, value: Value) -> Result<f64, ProtocolError> {
    match value {
        Value::Number(n) => Ok(n),
        other => Err(mistyped(field, Kind::Number, &other)),
    }
}

fn whole(field: Field, value: Value, min: u64, max: u64) -> Result<u64, ProtocolError> {
    let n = number(field, value)?;
    if n.fract() != 0.0 {
        return Err(ProtocolError::NotWhole {
            field: field.name,
            got: n,
        });
    }
    if (min as f64..=max as f64).contains(&n) {
        Ok(n as u64)
    } else {
        Err(ProtocolError::OutOfRange {
            field: field.name,
            min: min as f64,
            max: max as f64,
            got: n,
        })
    }
}

fn mistyped(field: Field, expected: Kind, got: &Value) -> ProtocolError {
    ProtocolError::WrongType {
        field,
        expected,
        got: got.kind(),
    }
}

/// The first characters of a name the sender chose, so that an error reply stays small.
fn clip(s: &str) -> String {
    s.chars().take(MAX_ECHO_CHARS).collect()
}

/// A reply from the worker to the page.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// The worker has loaded and serves requests.
    Ready {
        /// The settings in force.
        settings: Settings,
    },
    /// A `put` was taken: how many messages the queue has received in all, and its length now.
    Ack {
        /// The id of the request answered.
        id: Option<u64>,
        /// Messages received by the queue since the last reset.
        received: u64,
        /// Messages in the queue now.
        queue_len: usize,
    },
    /// The worker thread's state changed: `state`, and an `activity` key with its numbers
    /// (`in_ms`; `round`, `work_ms`, `messages`; or `work_ms`).
    State {
        /// What it is doing.
        activity: Activity,
    },
    /// A round's batch.
    Batch {
        /// The batch.
        batch: Batch,
    },
    /// The settings now in force, after a `config` or a `reset`.
    Config {
        /// The id of the request answered.
        id: Option<u64>,
        /// The settings.
        settings: Settings,
    },
    /// A request was refused; nothing changed and the worker keeps serving.
    Error {
        /// The id of the request refused, if it had a valid one.
        id: Option<u64>,
        /// What was wrong: written as `{"key": .., fields..}`.
        error: ProtocolError,
        /// The first characters of the refused request, for people to see which one it was.
        request: String,
    },
}

impl Reply {
    /// The reply that carries the consumer's answer to request `id`.
    pub fn answer(id: Option<u64>, answer: Answer) -> Self {
        match answer {
            Answer::Ack {
                received,
                queue_len,
            } => Reply::Ack {
                id,
                received,
                queue_len,
            },
            Answer::Config(settings) => Reply::Config { id, settings },
        }
    }

    /// The error reply for a refused request, quoting at most its first 200 characters.
    pub fn refused(refused: Refused, request: &str) -> Self {
        Reply::Error {
            id: refused.id,
            error: refused.error,
            request: request.chars().take(200).collect(),
        }
    }
}

impl ToJson for Reply {
    fn write_json(&self, out: &mut String) {
        let mut o = ObjectWriter::new(out);
        let kind = match self {
            Reply::Ready { .. } => "ready",
            Reply::Ack { .. } => "ack",
            Reply::State { .. } => "state",
            Reply::Batch { .. } => "batch",
            Reply::Config { .. } => "config",
            Reply::Error { .. } => "error",
        };
        o.str("type", kind).int("v", u64::from(VERSION));
        match self {
            Reply::Ack { id, .. } | Reply::Config { id, .. } | Reply::Error { id, .. } => {
                if let Some(id) = id {
                    o.int("id", *id);
                }
            }
            _ => {}
        }
        match self {
            Reply::Ready { settings } | Reply::Config { settings, .. } => {
                member(&mut o, "settings", settings);
            }
            Reply::Ack {
                received,
                queue_len,
                ..
            } => {
                o.int("received", *received)
                    .int("queue_len", *queue_len as u64);
            }
            Reply::State { activity } => write_activity(&mut o, *activity),
            Reply::Batch { batch } => write_batch(&mut o, batch),
            Reply::Error { error, request, .. } => {
                member(&mut o, "error", error);
                o.str("request", request);
            }
        }
        o.finish();
    }

    fn to_json(&self) -> String {
        // Reserve a batch's size up front: growing a many-megabyte string by doubling copies it.
        let mut out = String::with_capacity(match self {
            Reply::Batch { batch } => {
                256 + batch.len() * 48 + batch.texts.iter().map(String::len).sum::<usize>()
            }
            _ => 128,
        });
        self.write_json(&mut out);
        out
    }
}

impl ToJson for Settings {
    /// The settings with the field names of a `config` request.
    fn write_json(&self, out: &mut String) {
        let mut o = ObjectWriter::new(out);
        o.str("mode", self.mode.name())
            .num("interval_ms", self.interval_ms)
            .num("work_ms", self.work_ms)
            .int("max_batch", self.max_batch as u64);
        o.finish();
    }
}

fn write_activity(o: &mut ObjectWriter, activity: Activity) {
    o.str("state", activity.state().name())
        .str("activity", activity.key());
    match activity {
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

fn write_batch(o: &mut ObjectWriter, batch: &Batch) {
    o.int("seq", batch.seq).str("mode", batch.mode.name());
    member(o, "ids", &batch.ids);
    member(o, "texts", &batch.texts);
    member(o, "put_at", &batch.put_at);
    o.num("drained_at", batch.drained_at)
        .num("work_ms", batch.work_ms)
        .int("queue_len", batch.queue_len as u64)
        .int("removed_total", batch.removed_total);
}

impl ToJson for ProtocolError {
    /// `{"key": .., fields..}`: the key names the page's string, the fields fill it in.
    fn write_json(&self, out: &mut String) {
        let mut o = ObjectWriter::new(out);
        o.str("key", self.key());
        match self {
            ProtocolError::NotText => {}
            ProtocolError::NotJson(e) => {
                o.int("line", e.line as u64)
                    .int("column", e.column as u64)
                    .str("problem", e.problem.key());
                member(&mut o, "ended", &e.ended);
            }
            ProtocolError::NotAnObject { got } => {
                o.str("got", got.name());
            }
            ProtocolError::Missing { field } => {
                o.str("field", field);
            }
            ProtocolError::WrongType {
                field,
                expected,
                got,
            } => {
                o.raw("field", |out| field.write_json(out))
                    .str("expected", expected.name())
                    .str("got", got.name());
            }
            ProtocolError::Version { got } => {
                o.num("got", *got).int("supported", u64::from(VERSION));
            }
            ProtocolError::UnknownType { got } | ProtocolError::UnknownMode { got } => {
                o.str("got", got);
            }
            ProtocolError::UnknownField { field, request } => {
                o.str("field", field).str("request", request);
            }
            ProtocolError::NotWhole { field, got } => {
                o.str("field", field).num("got", *got);
            }
            ProtocolError::OutOfRange {
                field,
                min,
                max,
                got,
            } => {
                o.str("field", field)
                    .num("min", *min)
                    .num("max", *max)
                    .num("got", *got);
            }
            ProtocolError::LengthMismatch { texts, put_at } => {
                o.int("texts", *texts as u64).int("put_at", *put_at as u64);
            }
            ProtocolError::TooMany { max, got } => {
                o.int("max", *max as u64).int("got", *got as u64);
            }
            ProtocolError::IdsTooLarge { first_id, count } => {
                o.int("first_id", *first_id)
                    .int("count", *count as u64)
                    .int("max", MAX_ID);
            }
            ProtocolError::TextTooLong {
                index,
                bytes,
                max_bytes,
            } => {
                o.int("index", *index as u64)
                    .int("bytes", *bytes as u64)
                    .int("max_bytes", *max_bytes as u64);
            }
        }
        o.finish();
    }
}

impl ToJson for Field {
    /// The field as code: `texts` or `texts[3]`.
    fn write_json(&self, out: &mut String) {
        out.push('"');
        out.push_str(self.name);
        if let Some(i) = self.index {
            out.push('[');
            json::write_u64(out, i as u64);
            out.push(']');
        }
        out.push('"');
    }
}
