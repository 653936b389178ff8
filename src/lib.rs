//! Queue Playground: a browser playground that teaches thread safety through a working
//! message queue.
//!
//! The crate is a pure core, tested natively with real std threads, and a thin web shell
//! (`web`, compiled for wasm32 only) that translates between the browser and the core.
//!
//! - [`queue`]: Python's `queue` module (FIFO, LIFO, priority) on a `Mutex` and `Condvar`s.
//! - [`consumer`]: the background consumer's policy as a state machine, with time passed in.
//! - [`json`]: the small JSON reader and writer the protocol speaks.
//! - [`protocol`]: the typed, versioned, validated messages between the page and the worker.
//! - [`sim`]: the interleaving lab.
//! - [`threads`]: real threads sharing one queue, its unsafe twin, and the exact checker.

pub mod consumer;
pub mod json;
pub mod protocol;
pub mod queue;
pub mod sim;
pub mod threads;

#[cfg(target_arch = "wasm32")]
pub mod web;
