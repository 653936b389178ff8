#![cfg(all(
    target_arch = "wasm32",
    feature = "threads",
    target_feature = "atomics"
))]
//! The shared-memory build (wasm atomics, `-Z build-std`, the pinned nightly) with real worker
//! threads, under `wasm-pack test --headless` (scripts/test.sh runs it with the threads
//! RUSTFLAGS; without atomics this file is empty). The test page creates the run through the
//! shell's exports, starts producer and consumer Web Workers that instantiate this very test
//! module on the page's shared memory and call the shell's run exports, and reads the counts.

use js_sys::{Function, Promise, Reflect};
use queue_playground::web::threads;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Called by a producer worker: the shell's export, from this test module's own exports.
#[wasm_bindgen]
pub fn test_run_producer(ptr: u32, id: u32) -> Result<(), JsValue> {
    threads::threads_run_producer(ptr, id)
}

/// Called by a consumer worker.
#[wasm_bindgen]
pub fn test_run_consumer(ptr: u32, id: u32) -> Result<(), JsValue> {
    threads::threads_run_consumer(ptr, id)
}

/// Starts a module worker that loads the test runner's glue (served at /wasm-bindgen-test) on
/// this module and its shared memory and runs one role; resolves with its last word, `done`
/// when its loop returned, or the error. (In JavaScript: the test needs no web-sys features.)
const START_WORKER: &str = "
  const source = `import init, * as w from '${location.origin}/wasm-bindgen-test';
    self.onmessage = async ({ data }) => {
      try {
        await init({ module_or_path: data.module, memory: data.memory });
        if (data.role === 'producer') w.test_run_producer(data.ptr, data.id);
        else w.test_run_consumer(data.ptr, data.id);
        self.postMessage('done');
      } catch (e) { self.postMessage('error: ' + e); }
    };`;
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const worker = new Worker(url, { type: 'module' });
  worker.postMessage({ module, memory, ptr, role, id });
  return new Promise((ok) => {
    worker.onmessage = (e) => { worker.terminate(); ok(e.data); };
    worker.onerror = (e) => { worker.terminate(); ok('crashed: ' + e.message); };
  });";

fn field(json: &str, key: &str) -> u64 {
    let v: JsValue = js_sys::JSON::parse(json).unwrap();
    Reflect::get(&v, &JsValue::from_str(key))
        .unwrap()
        .as_f64()
        .unwrap() as u64
}

#[wasm_bindgen_test]
async fn producers_and_consumers_on_worker_threads_share_one_queue() {
    let created = threads::threads_create("producers=2&consumers=2&maxsize=8&items=50000").unwrap();
    let ptr = field(&created, "ptr") as u32;
    let start = Function::new_with_args("module, memory, ptr, role, id", START_WORKER);
    let mut done = Vec::new();
    for (role, id) in [
        ("producer", 0),
        ("producer", 1),
        ("consumer", 0),
        ("consumer", 1),
    ] {
        let args = js_sys::Array::of5(
            &wasm_bindgen::module(),
            &wasm_bindgen::memory(),
            &JsValue::from(ptr),
            &JsValue::from_str(role),
            &JsValue::from(id),
        );
        let promise: Promise = start.apply(&JsValue::NULL, &args).unwrap().into();
        done.push(JsFuture::from(promise));
    }
    for d in done {
        assert_eq!(d.await.unwrap().as_string().unwrap(), "done");
    }
    let stats = threads::threads_stats(ptr).unwrap();
    assert_eq!(field(&stats, "produced"), 100_000, "{stats}");
    assert_eq!(field(&stats, "consumed"), 100_000, "{stats}");
    for key in ["lost", "duplicated", "reordered", "queued"] {
        assert_eq!(field(&stats, key), 0, "{key}: {stats}");
    }
    assert_eq!(field(&stats, "counter"), 100_000);
    // A bounded queue of 8 between two producers and two consumers: the lock was contended.
    assert!(field(&stats, "contention") > 0, "{stats}");
}
