//! The web shell: the only code that touches wasm-bindgen, web-sys, js-sys and gloo. It
//! translates between the browser and the core, and keeps the timers the core asks for; the
//! core makes every decision.
//!
//! Exports, kept few and coarse (each wasm build carries only its own):
//! - [`start_consumer_worker`]: called once by `www/playground/queue-worker.js` inside a Web Worker; the
//!   Rust queue and consumer then own the worker's `onmessage` and run the rounds on timers.
//!   ([`serve`] is the same loop on any message endpoint, for the worker tests.)
//! - [`busy_work`]: the same blocking work, for the page's "run it on the page thread" demo.

#[cfg(feature = "queue-worker")]
mod consumer;
#[cfg(feature = "queue-worker")]
pub use consumer::{busy_work, serve, start_consumer_worker, Endpoint};

#[cfg(feature = "lab")]
pub mod lab;

#[cfg(feature = "threads")]
pub mod threads;

#[cfg(feature = "broker")]
pub mod broker;
