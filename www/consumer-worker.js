// The consumer worker: the background thread. It loads the Rust queue and consumer (wasm) and
// hands them its message port; everything it does from then on is decided in Rust.
import init, { start_consumer_worker } from '../pkg/queue_playground.js';

// Posts that arrive while the wasm loads wait here, in order, so none is lost.
const early = [];
self.onmessage = (event) => early.push(event.data);

try {
  await init();
  start_consumer_worker(early);
} catch (err) {
  self.postMessage(JSON.stringify({ v: 1, type: 'error', error: `worker failed to start: ${err}`, request: '' }));
}
