#![cfg(target_arch = "wasm32")]
//! The wasm build inside a dedicated Web Worker in headless Chromium, where the consumer runs.

mod web_common;

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

#[wasm_bindgen_test]
fn this_is_a_dedicated_worker_with_a_clock() {
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().dyn_into().unwrap();
    let perf = web_sys::WorkerGlobalScope::performance(&scope).unwrap();
    // The worker's epoch clock, as the shell stamps batches, agrees with Date.now().
    assert!((perf.time_origin() + perf.now() - js_sys::Date::now()).abs() < 1000.0);
}
