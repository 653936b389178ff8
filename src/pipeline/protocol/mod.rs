//! The messages between the page and the consumer worker: typed, versioned, validated. It
//! reads requests into the domain's [`Request`] (`decode.rs`), says why one was refused as data
//! (`error.rs`), and writes [`Reply`]s with the crate's one JSON writer (`reply.rs`); it decides
//! nothing.
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

mod decode;
mod error;
mod reply;

pub use decode::{decode, decode_request};
pub use error::{Field, ProtocolError};
pub use reply::Reply;

use super::types::Request;

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
