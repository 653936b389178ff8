//! Queue Playground: a browser playground that teaches thread safety through a working
//! message queue.
//!
//! The crate is a pure core, tested natively with real std threads, and a thin web shell
//! (`web`, compiled for wasm32 only) that translates between the browser and the core.
//!
//! - [`queue`]: Python's `queue` module (FIFO, LIFO, priority) on a `Mutex` and `Condvar`s.
//! - [`pipeline`]: the message-passing view: domain types, the consumer's policy as a state
//!   machine (time passed in), and the typed, versioned, validated protocol with the page.
//! - [`json`]: the small JSON reader and writer the protocol and the lab speak.
//! - [`sim`]: the interleaving lab.
//! - [`broker`]: the RabbitMQ half of the reference program: a broker state machine (acks,
//!   prefetch, redelivery, a durable log) and a STOMP 1.2 codec.
//! - [`threads`]: real threads sharing one queue, its unsafe twin, and the exact checker.
//! - [`course`]: the path of levels across every view, and the levels of views other than the
//!   lab (`docs/COURSE.md`).
//! - [`rng`]: the one seeded generator (SplitMix64) that every random choice draws from.
//!
//! No `unsafe` outside the one place that must (a copy out of JavaScript in the consumer's
//! shell), which allows it locally and says why it is sound.

#![deny(unsafe_code)]

pub mod broker;
pub mod course;
pub mod json;
pub mod pipeline;
pub mod queue;
pub mod rng;
pub mod sim;
pub mod threads;

#[cfg(target_arch = "wasm32")]
pub mod web;
