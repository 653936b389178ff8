#![cfg(target_arch = "wasm32")]
//! The wasm build on a page's main thread, in headless Chromium.

mod web_common;

use queue_playground::web::start_consumer_worker;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn the_consumer_worker_refuses_to_start_on_a_page() {
    let err = start_consumer_worker(js_sys::Array::new()).unwrap_err();
    assert!(err.as_string().unwrap().contains("dedicated worker"));
}
