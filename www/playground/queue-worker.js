// The consumer worker: the background thread. It loads the Rust queue and consumer (wasm) and
// hands them its message port; everything it does from then on is decided in Rust.
import init, { start_consumer_worker } from '../../pkg/queue_playground.js';

// Posts that arrive while the wasm loads wait here, in order, so none is lost.
const early = [];
self.onmessage = (event) => early.push(event.data);

try {
  await init();
  start_consumer_worker(early);
} catch (err) {
  // Shaped like the Rust worker's error replies: a key and its fields, worded by the page.
  self.postMessage(JSON.stringify({ type: 'error', v: 1, error: { key: 'worker_start', detail: String(err) }, request: '' }));
}
