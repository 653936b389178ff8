//! The threads view's wasm exports (plumbing stage: the CPython queue shared directly).

use crate::queue::Queue;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::OnceLock;
use wasm_bindgen::prelude::*;

struct Plumbing {
    queue: Queue<(u32, u64)>,
    stop: AtomicBool,
    produced: AtomicU64,
    consumed: AtomicU64,
}

static SHARED: OnceLock<Plumbing> = OnceLock::new();

fn shared(ptr: u32) -> Result<&'static Plumbing, JsValue> {
    match SHARED.get() {
        Some(s) if std::ptr::from_ref(s) as usize as u32 == ptr => Ok(s),
        _ => Err(JsValue::from_str("no such shared state")),
    }
}

/// Creates the shared state once per memory; returns its address.
#[wasm_bindgen]
pub fn threads_create(maxsize: u32) -> Result<u32, JsValue> {
    let s = Plumbing {
        queue: Queue::new(maxsize as usize),
        stop: AtomicBool::new(false),
        produced: AtomicU64::new(0),
        consumed: AtomicU64::new(0),
    };
    SHARED
        .set(s)
        .map_err(|_| JsValue::from_str("already created"))?;
    shared_ptr()
}

fn shared_ptr() -> Result<u32, JsValue> {
    SHARED
        .get()
        .map(|s| std::ptr::from_ref(s) as usize as u32)
        .ok_or_else(|| JsValue::from_str("not created"))
}

/// Puts items until stopped.
#[wasm_bindgen]
pub fn threads_run_producer(ptr: u32, id: u32) -> Result<(), JsValue> {
    let s = shared(ptr)?;
    let mut seq = 0;
    while !s.stop.load(Ordering::Relaxed) {
        if s.queue.put((id, seq)).is_err() {
            break;
        }
        seq += 1;
        s.produced.fetch_add(1, Ordering::Relaxed);
    }
    Ok(())
}

/// Takes items until the queue is shut down and empty.
#[wasm_bindgen]
pub fn threads_run_consumer(ptr: u32, _id: u32) -> Result<(), JsValue> {
    let s = shared(ptr)?;
    while s.queue.get().is_ok() {
        s.consumed.fetch_add(1, Ordering::Relaxed);
    }
    Ok(())
}

/// Stops every thread.
#[wasm_bindgen]
pub fn threads_stop(ptr: u32) -> Result<(), JsValue> {
    let s = shared(ptr)?;
    s.stop.store(true, Ordering::Relaxed);
    s.queue.shutdown(false);
    Ok(())
}

/// The counters as JSON.
#[wasm_bindgen]
pub fn threads_stats(ptr: u32) -> Result<String, JsValue> {
    let s = shared(ptr)?;
    Ok(format!(
        "{{\"produced\":{},\"consumed\":{}}}",
        s.produced.load(Ordering::Relaxed),
        s.consumed.load(Ordering::Relaxed)
    ))
}
