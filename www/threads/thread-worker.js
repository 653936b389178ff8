// One thread of the threads view: a Web Worker that instantiates the threads wasm on the page's
// shared memory and then runs one role. Producers and consumers run a Rust loop that returns
// only when the run is stopped, so they answer no message while they run; the observer stays
// responsive and is the only one the page asks for counters or tells to stop.
import init, * as wasm from '../../pkg/threads.js';

const post = (msg) => self.postMessage(msg);
let started = false;
let ptr = 0;

async function start(msg) {
  started = true;
  await init({ module_or_path: msg.module, memory: msg.memory });
  if (msg.role === 'observer') {
    const created = JSON.parse(wasm.threads_create(String(msg.query)));
    ptr = created.ptr;
    return post({ type: 'created', ...created });
  }
  ptr = msg.ptr;
  post({ type: 'running', role: msg.role, id: msg.id });
  if (msg.role === 'producer') wasm.threads_run_producer(ptr, msg.id);
  else wasm.threads_run_consumer(ptr, msg.id);
  post({ type: 'stopped', role: msg.role, id: msg.id });
}

self.onmessage = async ({ data }) => {
  try {
    if (!data || typeof data !== 'object') throw new Error('expected an object');
    if (data.type === 'start' && !started) return await start(data);
    if (data.type === 'stats' && ptr) return post({ type: 'stats', stats: wasm.threads_stats(ptr) });
    if (data.type === 'stop' && ptr) { wasm.threads_stop(ptr); return post({ type: 'stopping' }); }
    if (data.type === 'settle' && ptr) return post({ type: 'settled', settled: wasm.threads_settle(ptr) });
    throw new Error(`unexpected message ${JSON.stringify(data).slice(0, 200)}`);
  } catch (err) {
    post({ type: 'error', error: String(err?.message ?? err) });
  }
};
