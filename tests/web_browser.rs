#![cfg(target_arch = "wasm32")]
//! The wasm build on a page's main thread, in headless Chromium: what the page itself calls.

use queue_playground::web::{busy_work, start_consumer_worker};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn the_consumer_worker_refuses_to_start_on_a_page() {
    let err = start_consumer_worker(js_sys::Array::new()).unwrap_err();
    assert!(err.as_string().unwrap().contains("dedicated worker"));
}

#[wasm_bindgen_test]
fn busy_work_blocks_the_calling_thread_for_the_time_asked() {
    let start = js_sys::Date::now();
    let iterations = busy_work(30.0);
    assert!(js_sys::Date::now() - start >= 30.0);
    assert!(iterations > 0.0);
}
