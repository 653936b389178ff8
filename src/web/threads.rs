//! The threads view's wasm exports (issue 8): real threads on one shared memory, and the same
//! scenarios simulated on one thread where the page cannot share memory.
//!
//! Built with `--features threads` twice by `scripts/build.sh`: with wasm atomics on the
//! pinned nightly into `pkg/threads*` (its memory is imported and shared: every Web Worker of a
//! run instantiates the module on the page's one `WebAssembly.Memory`), and on stable without
//! atomics into `pkg/threads_sim*`, whose only use is [`SimulatedRun`].
//!
//! Real threads (`www/threads/thread-worker.js`), all on one memory:
//! - the observer calls [`threads_create`] once, then [`threads_stats`] whenever the page asks,
//!   and [`threads_stop`];
//! - each producer and consumer worker calls [`threads_run_producer`] or
//!   [`threads_run_consumer`], which return when the run ends.
//!
//! The run's [`Shared`] lives in a static of the shared memory, so every worker finds the
//! same one; the address handed around is checked against it rather than dereferenced, so a
//! wrong number from the page is an error, never undefined behaviour. Each run gets a fresh
//! memory (the page makes one per run), so one static holds one run.

use std::sync::OnceLock;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::json::{write_array, ObjectWriter, ToJson};
use crate::threads::{Scenario, Shared, SimulatedRun as Simulation};

static SHARED: OnceLock<Shared> = OnceLock::new();

fn address(shared: &Shared) -> u32 {
    // wasm32 addresses are 32 bits wide.
    std::ptr::from_ref(shared) as usize as u32
}

/// The run whose address the page passed.
fn shared(ptr: u32) -> Result<&'static Shared, JsValue> {
    match SHARED.get() {
        Some(s) if address(s) == ptr => Ok(s),
        Some(_) => Err(JsValue::from_str("no run at that address in this memory")),
        None => Err(JsValue::from_str("no run created in this memory yet")),
    }
}

/// Creates this memory's run from `query` (the URL parameters of issue 8 §5) and returns
/// `{"ptr": address, "scenario": normalised query, "errors": [English text, ...]}`.
///
/// # Errors
/// If this memory already holds a run.
#[wasm_bindgen]
pub fn threads_create(query: &str) -> Result<String, JsValue> {
    let (scenario, errors) = Scenario::from_query(query);
    SHARED
        .set(Shared::new(scenario))
        .map_err(|_| JsValue::from_str("this memory already holds a run"))?;
    let s = shared_any()?;
    let mut out = String::new();
    let mut w = ObjectWriter::new(&mut out);
    w.int("ptr", address(s).into())
        .str("scenario", &s.scenario().to_query())
        .raw("errors", |out| {
            let texts: Vec<String> = errors.iter().map(ToString::to_string).collect();
            write_array(out, &texts, |out, t| t.write_json(out));
        });
    w.finish();
    Ok(out)
}

fn shared_any() -> Result<&'static Shared, JsValue> {
    SHARED
        .get()
        .ok_or_else(|| JsValue::from_str("no run created in this memory yet"))
}

/// The worker's clock in milliseconds, for the scenario's rate and busy work.
fn clock() -> Result<impl FnMut() -> f64, JsValue> {
    let performance = js_sys::global()
        .dyn_into::<web_sys::WorkerGlobalScope>()
        .map_err(|_| JsValue::from_str("threads run in Web Workers only"))?
        .performance()
        .ok_or_else(|| JsValue::from_str("no performance clock in this worker"))?;
    Ok(move || performance.now())
}

/// Runs producer `id` of the run at `ptr` on this worker's thread until the run ends.
///
/// # Errors
/// A wrong address, or an id the run has no thread for or has already run.
#[wasm_bindgen]
pub fn threads_run_producer(ptr: u32, id: u32) -> Result<(), JsValue> {
    let mut now = clock()?;
    shared(ptr)?
        .run_producer(id, &mut now)
        .map_err(|e| JsValue::from_str(&e.to_string()))
}

/// Runs consumer `id` of the run at `ptr` on this worker's thread until the run ends.
///
/// # Errors
/// A wrong address, or an id the run has no thread for or has already run.
#[wasm_bindgen]
pub fn threads_run_consumer(ptr: u32, id: u32) -> Result<(), JsValue> {
    let mut now = clock()?;
    shared(ptr)?
        .run_consumer(id, &mut now)
        .map_err(|e| JsValue::from_str(&e.to_string()))
}

/// Stops the run and wakes every thread asleep in the queue (takes the queue's lock: the
/// observer worker calls it, never the page).
///
/// # Errors
/// A wrong address.
#[wasm_bindgen]
pub fn threads_stop(ptr: u32) -> Result<(), JsValue> {
    shared(ptr)?.shutdown();
    Ok(())
}

/// Fixes the final counts when some thread never entered the run (its worker failed to start
/// or was terminated); true if this call settled them.
///
/// # Errors
/// A wrong address.
#[wasm_bindgen]
pub fn threads_settle(ptr: u32) -> Result<bool, JsValue> {
    Ok(shared(ptr)?.settle().is_some())
}

/// Every count of the run now, as JSON (`Stats`), read with atomic loads only.
///
/// # Errors
/// A wrong address.
#[wasm_bindgen]
pub fn threads_stats(ptr: u32) -> Result<String, JsValue> {
    Ok(shared(ptr)?.stats().to_json())
}

/// The same scenario on simulated threads: one thread runs every producer and consumer step
/// by step, in an order a seeded scheduler picks (for pages that cannot share memory).
#[wasm_bindgen]
pub struct SimulatedRun {
    sim: Simulation,
}

#[wasm_bindgen]
impl SimulatedRun {
    /// A simulated run of `query` (the URL parameters of issue 8 §5), scheduled from `seed`.
    #[wasm_bindgen(constructor)]
    pub fn new(query: &str, seed: u32) -> SimulatedRun {
        let (scenario, _) = Scenario::from_query(query);
        SimulatedRun {
            sim: Simulation::new(scenario, seed.into()),
        }
    }

    /// Runs up to `steps` scheduler steps; false once the run has ended.
    pub fn run(&mut self, steps: u32) -> bool {
        self.sim.run(steps)
    }

    /// Stops the run: every thread ends, and the counts become final.
    pub fn stop(&mut self) {
        self.sim.stop();
    }

    /// Every count now, as JSON (the same `Stats` as real threads).
    pub fn stats(&self) -> String {
        self.sim.stats().to_json()
    }
}
