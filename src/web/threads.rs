//! The threads view's wasm exports: real threads on one shared memory, and the same scenarios
//! simulated on one thread where the page cannot share memory.
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
//!
//! Nothing here writes a sentence: an error thrown to the page is JSON text
//! `{"key": "core.…", …fields}`, and each parameter problem [`threads_create`] reports is
//! `{"key": "core.param.…", "param", "value", …}`; the page words them in English or Chinese
//! (`www/threads/strings/`).

use std::sync::OnceLock;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::json::{write_array, ObjectWriter, ToJson};
use crate::threads::{ParamError, RunError, Scenario, Shared, SimulatedRun as Simulation};

static SHARED: OnceLock<Shared> = OnceLock::new();

/// Why a call from the page could not be done: a key the page words, and its fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CallError {
    /// The address is not this memory's run.
    WrongAddress { ptr: u32 },
    /// No run has been created in this memory.
    NoRun,
    /// This memory already holds a run.
    AlreadyCreated,
    /// Called outside a Web Worker.
    NotAWorker,
    /// The worker has no `performance` clock.
    NoClock,
    /// The core refused to run the thread.
    Run(RunError),
}

impl CallError {
    /// `{"key": …, …fields}`, the text thrown to the page.
    fn to_json(self) -> String {
        object(|w| match self {
            CallError::WrongAddress { ptr } => {
                w.str("key", "core.wrongAddress").int("ptr", ptr.into());
            }
            CallError::NoRun => {
                w.str("key", "core.noRun");
            }
            CallError::AlreadyCreated => {
                w.str("key", "core.alreadyCreated");
            }
            CallError::NotAWorker => {
                w.str("key", "core.notAWorker");
            }
            CallError::NoClock => {
                w.str("key", "core.noClock");
            }
            CallError::Run(RunError::NoSuchThread { role, id, count }) => {
                w.str("key", "core.noSuchThread")
                    .str("role", role.key())
                    .int("id", id.into())
                    .int("count", count.into());
            }
            CallError::Run(RunError::AlreadyRan { role, id }) => {
                w.str("key", "core.alreadyRan")
                    .str("role", role.key())
                    .int("id", id.into());
            }
            CallError::Run(RunError::Settled) => {
                w.str("key", "core.settled");
            }
        })
    }
}

impl From<CallError> for JsValue {
    fn from(e: CallError) -> JsValue {
        JsValue::from_str(&e.to_json())
    }
}

/// Writes one JSON object with `members`.
fn object(members: impl FnOnce(&mut ObjectWriter<'_>)) -> String {
    let mut out = String::new();
    let mut w = ObjectWriter::new(&mut out);
    members(&mut w);
    w.finish();
    out
}

/// A parameter the core could not use, as `{"key": "core.param.…", "param", "value", …}`.
fn param_error(out: &mut String, e: &ParamError) {
    out.push_str(&object(|w| match e {
        ParamError::NotANumber { param, value, used } => {
            w.str("key", "core.param.notANumber")
                .str("param", param.name())
                .str("value", value)
                .int("used", *used);
        }
        ParamError::OutOfRange {
            param,
            value,
            min,
            max,
            used,
        } => {
            w.str("key", "core.param.outOfRange")
                .str("param", param.name())
                .int("value", *value)
                .int("min", *min)
                .int("max", *max)
                .int("used", *used);
        }
        ParamError::UnknownChoice {
            param,
            value,
            choices,
            used,
        } => {
            w.str("key", "core.param.unknownChoice")
                .str("param", param.name())
                .str("value", value)
                .str("choices", &choices.join("|"))
                .str("used", used);
        }
    }));
}

fn address(shared: &Shared) -> u32 {
    // wasm32 addresses are 32 bits wide.
    std::ptr::from_ref(shared) as usize as u32
}

/// The run whose address the page passed.
fn shared(ptr: u32) -> Result<&'static Shared, CallError> {
    match SHARED.get() {
        Some(s) if address(s) == ptr => Ok(s),
        Some(_) => Err(CallError::WrongAddress { ptr }),
        None => Err(CallError::NoRun),
    }
}

/// Creates this memory's run from `query` (the view's URL parameters, `Scenario::from_query`)
/// and returns `{"ptr": address, "scenario": normalised query, "errors": [problem, ...]}`, each
/// problem `{"key": "core.param.…", "param", "value", …}`.
///
/// # Errors
/// `{"key": "core.alreadyCreated"}` if this memory already holds a run.
#[wasm_bindgen]
pub fn threads_create(query: &str) -> Result<String, JsValue> {
    let (scenario, errors) = Scenario::from_query(query);
    SHARED
        .set(Shared::new(scenario))
        .map_err(|_| CallError::AlreadyCreated)?;
    let s = SHARED.get().ok_or(CallError::NoRun)?;
    Ok(object(|w| {
        w.int("ptr", address(s).into())
            .str("scenario", &s.scenario().to_query())
            .raw("errors", |out| write_array(out, &errors, param_error));
    }))
}

/// The worker's clock in milliseconds, for the scenario's rate and busy work.
fn clock() -> Result<impl FnMut() -> f64, CallError> {
    let performance = js_sys::global()
        .dyn_into::<web_sys::WorkerGlobalScope>()
        .map_err(|_| CallError::NotAWorker)?
        .performance()
        .ok_or(CallError::NoClock)?;
    Ok(move || performance.now())
}

/// Runs producer `id` of the run at `ptr` on this worker's thread until the run ends.
///
/// # Errors
/// `{"key", …}`: a wrong address, or an id the run has no thread for or has already run.
#[wasm_bindgen]
pub fn threads_run_producer(ptr: u32, id: u32) -> Result<(), JsValue> {
    let mut now = clock()?;
    shared(ptr)?
        .run_producer(id, &mut now)
        .map_err(|e| CallError::Run(e).into())
}

/// Runs consumer `id` of the run at `ptr` on this worker's thread until the run ends.
///
/// # Errors
/// `{"key", …}`: a wrong address, or an id the run has no thread for or has already run.
#[wasm_bindgen]
pub fn threads_run_consumer(ptr: u32, id: u32) -> Result<(), JsValue> {
    let mut now = clock()?;
    shared(ptr)?
        .run_consumer(id, &mut now)
        .map_err(|e| CallError::Run(e).into())
}

/// Stops the run and wakes every thread asleep in the queue (takes the queue's lock: the
/// observer worker calls it, never the page).
///
/// # Errors
/// `{"key", …}`: a wrong address.
#[wasm_bindgen]
pub fn threads_stop(ptr: u32) -> Result<(), JsValue> {
    shared(ptr)?.shutdown();
    Ok(())
}

/// Fixes the final counts when some thread never entered the run (its worker failed to start
/// or was terminated); true if this call settled them.
///
/// # Errors
/// `{"key", …}`: a wrong address.
#[wasm_bindgen]
pub fn threads_settle(ptr: u32) -> Result<bool, JsValue> {
    Ok(shared(ptr)?.settle().is_some())
}

/// Every count of the run now, as JSON (`Stats`), read with atomic loads only.
///
/// # Errors
/// `{"key", …}`: a wrong address.
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
    /// A simulated run of `query` (the view's URL parameters), scheduled from the random `seed`.
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
