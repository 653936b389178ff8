//! The messages between the page and the consumer worker: typed, versioned, validated. It
//! reads requests into the domain's [`Request`] (`decode.rs`), says why one was refused as data
//! (`error.rs`), and writes [`Reply`]s with the crate's one JSON writer (`reply.rs`); it decides
//! nothing.
//!
//! Every message is one JSON object with a protocol version `v` and a `type`. A request may
//! carry an `id` (a whole number); the replies that answer it (`ack`, `full`, `config`,
//! `maxsize`, `pong`, `error`) carry the same `id`, so the page matches replies to requests by
//! number, never by their text.
//! Batches are columnar (one array of ids, one of texts, one of put times) so that one
//! `postMessage` carries a whole frame's worth of messages cheaply; ids in a `put` are
//! consecutive from `first_id`.
//!
//! Page → worker ([`Request`]):
//! ```json
//! {"v":1,"id":7,"type":"put","first_id":1,"texts":["hello","world"],"put_at":[1.5,1.5]}
//! {"v":1,"id":8,"type":"config","mode":"drain","interval_ms":1000,"work_ms":0,"max_batch":100}
//! {"v":1,"id":9,"type":"maxsize","maxsize":50}
//! {"v":1,"id":10,"type":"ping"}
//! {"v":1,"type":"work","ms":2000}
//! {"v":1,"type":"reset"}
//! ```
//! Worker → page ([`Reply`]): `ready`, `ack`, `full`, `state`, `batch`, `config`, `maxsize`,
//! `pong` and `error`. States and errors are a key and their numbers; the page words them in
//! its language. A put that meets a full queue gets a `full` (how many were refused, from which
//! id, and which bound) before its `ack`; a `pong` says how big the worker's wasm memory is.
//! ```json
//! {"type":"state","v":1,"state":"working","activity":"round_work","round":3,"work_ms":100,"messages":5}
//! {"type":"full","v":1,"id":7,"accepted":1,"refused":1,"first_refused":2,"bound":"maxsize","maxsize":1,"max_bytes":16777216,"queue_len":1,"queue_bytes":5}
//! {"type":"error","v":1,"id":8,"error":{"key":"unknown_mode","got":"sideways"},"request":"{\"v\":1,..."}
//! ```
//!
//! Size caps, each checked before the work it bounds: a post longer than [`MAX_POST_UNITS`] is
//! refused by the shell before it is copied into wasm memory (`post_too_large`, with no id: the
//! id is inside the text it did not read); a put of more than [`MAX_PUT`] messages, or with a
//! text longer than [`MAX_TEXT_BYTES`], is refused whole; the queue's own bound refuses what
//! does not fit (`full`).
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

mod decode;
mod error;
mod reply;

pub use decode::{check_post_len, decode, decode_request};
pub use error::{Field, ProtocolError};
pub use reply::Reply;

use super::types::Request;

/// The protocol version this build speaks; a message with any other `v` is refused.
pub const VERSION: u32 = 1;

/// The largest number of messages one `put` may carry (the page posts at most 20,000 a frame).
pub const MAX_PUT: usize = 100_000;

/// The longest post the worker reads, in UTF-16 code units (JavaScript's `length`): 2 Mi, so
/// that copying one into wasm memory takes at most 6 MiB (3 bytes of UTF-8 a unit) and a put
/// of [`MAX_PUT`] short messages still fits. Longer posts are refused before they are copied,
/// so they cannot grow the worker's memory (which never shrinks).
pub const MAX_POST_UNITS: usize = 2 << 20;

/// The largest queue bound (`maxsize`) a request may set.
pub const MAX_MAXSIZE: usize = crate::pipeline::MAX_MAXSIZE;

/// The longest message text accepted, in bytes of UTF-8.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;

/// The longest simulated blocking work accepted, in milliseconds.
pub const MAX_WORK_MS: f64 = 60_000.0;

/// The longest round interval accepted, in milliseconds.
pub const MAX_INTERVAL_MS: f64 = 600_000.0;

/// The largest id (of a request or a message): ids must stay exact in JavaScript.
pub const MAX_ID: u64 = 1 << 53;

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
