//! The message-passing pipeline: the page puts messages, a worker's consumer drains them in
//! rounds and posts each batch back. Its parts, each arrow pointing down:
//!
//! - [`types`]: the domain (modes, settings, messages, requests, batches, activities), plain
//!   data that the two modules below share.
//! - [`consumer`]: the queue and the consumer's policy as a state machine. It takes a decoded
//!   [`Request`], answers, and says when the round timer must be re-armed; time is passed in.
//! - [`protocol`]: the wire format. It reads JSON text into a [`Request`] (or a typed
//!   [`protocol::ProtocolError`]) and writes [`protocol::Reply`]s with the crate's JSON writer.
//! - `english`: the one English rendering of its errors and activities (`Display`).
//!
//! The web shell (`src/web/consumer.rs`) joins them: text in, `protocol::decode`,
//! `Pipeline::handle`, `Reply` out.

pub mod consumer;
mod english;
pub mod protocol;
pub mod types;

pub use consumer::{
    calculate_blocking, Handled, Pipeline, Round, DEFAULT_MAXSIZE, MAX_MAXSIZE, MAX_QUEUE_BYTES,
};
pub use types::{
    Activity, Answer, Batch, Bound, Full, Message, Mode, Put, Request, Settings, ThreadState,
};
