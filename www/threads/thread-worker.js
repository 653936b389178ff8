// One thread of the threads view: a Web Worker that instantiates the threads wasm on the page's
// shared memory and then runs one role. Producers and consumers run a Rust loop that returns
// only when the run is stopped, so they answer no message while they run; the observer stays
// responsive (it answers the supervisor's pings) and is the only one the page asks for
// counters or tells to stop. Every thread holds its lifeline (www/common/supervisor.js) before
// it starts, so the page hears when it is gone even while it is blocked in its loop.
//
// Page -> worker:  { type: 'start', role, id, module, memory, lifeline, query (observer) | ptr }
//                  { type: 'stats' | 'stop' | 'settle' | 'ping' }   (observer)
// Worker -> page:  { type: 'created', ptr, scenario, errors } (observer)   { type: 'running' }
//                  { type: 'stopped' }   { type: 'stats', stats }   { type: 'stopping' }
//                  { type: 'settled', settled }   { type: 'pong' }
//                  { type: 'error', error: { key, …fields } }  (worded by the page)
import init, * as wasm from '../../pkg/threads.js';
import { holdLifeline } from '../common/supervisor.js';

const post = (msg) => self.postMessage(msg);
const me = { started: false, ptr: 0 };

/** A thrown value as the page words it: the core's `{key, …}` JSON, or the browser's text. */
function typed(err) {
  const text = String(err?.message ?? err);
  try {
    const e = JSON.parse(text);
    if (typeof e?.key === 'string') return e;
  } catch { /* not the core's: the browser's own words */ }
  return { key: 'js.error', e: text };
}

async function start(msg) {
  me.started = true;
  await holdLifeline(msg.lifeline);
  await init({ module_or_path: msg.module, memory: msg.memory });
  if (msg.role === 'observer') {
    const created = JSON.parse(wasm.threads_create(String(msg.query)));
    me.ptr = created.ptr;
    return post({ type: 'created', ...created });
  }
  me.ptr = msg.ptr;
  post({ type: 'running' });
  if (msg.role === 'producer') wasm.threads_run_producer(me.ptr, msg.id);
  else wasm.threads_run_consumer(me.ptr, msg.id);
  post({ type: 'stopped' });
}

self.onmessage = async ({ data }) => {
  try {
    if (!data || typeof data !== 'object') throw new Error('expected an object');
    if (data.type === 'ping') return post({ type: 'pong' });
    if (data.type === 'start' && !me.started) return await start(data);
    if (data.type === 'stats' && me.ptr) return post({ type: 'stats', stats: wasm.threads_stats(me.ptr) });
    if (data.type === 'stop' && me.ptr) { wasm.threads_stop(me.ptr); return post({ type: 'stopping' }); }
    if (data.type === 'settle' && me.ptr) return post({ type: 'settled', settled: wasm.threads_settle(me.ptr) });
    throw new Error(`unexpected message ${JSON.stringify(data).slice(0, 200)}`);
  } catch (err) {
    post({ type: 'error', error: typed(err) });
  }
};
