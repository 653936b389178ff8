// The explorer's worker: runs the interleaving lab's explorers (Rust, pkg/lab_bg.wasm) off the
// page thread and posts progress every 100 ms or so (at most that often, whenever the core calls
// back: every 1,024 states or 64 runs), then the result. It never touches the DOM.
//
// Page -> worker: first, if named 'lab:module', { type: 'module', module } (pkg/lab_bg.wasm compiled)
//                 { type: 'ping' }: the supervisor's heartbeat (www/common/supervisor.js)
//                 { id, kind: 'exhaustive' | 'random' | 'pct', src, model, options }
//   options: exhaustive { max_states }; random { runs, seed }; pct { runs, seed, depth }.
// Worker -> page: { type: 'ready' }
//                 { type: 'pong' }: the answer to a ping, from the event loop (an idle worker)
//                 { id, type: 'progress', states | runs, rate, elapsed_ms, quiet_ms? }
//   `quiet_ms`: blocking work ahead (the explorer's report), during which nothing is posted.
//                 { id, type: 'result', result }   (the core's report as JSON, see src/web/lab.rs)
//                 { id, type: 'error', error, line?, col?, fatal? }
//   `fatal: true` when the wasm trapped: its instance may be corrupt (a trap can leave Rust's
//   stack pointer or a lock mid-update), so the page replaces this worker.
//   Every reply to a request carries its id (null when the request had none we could read);
//   `error` is a message {key, ...fields} that the page words in its language (strings/).
// Liveness: an exploration is one synchronous wasm call, during which no ping is answered; the
// progress it posts is what tells the page's supervisor (www/common/supervisor.js) that this
// worker is alive. A worker that posts nothing for about a second is taken for dead.
// Cancelling: for the same reason this worker cannot read a cancel message while it works; the
// page terminates the worker and starts a fresh one instead.
import init, { explore_json, sample_json } from '../../pkg/lab.js';

const PROGRESS_MS = 100;
const KINDS = new Set(['exhaustive', 'random', 'pct']);

// A worker started with the name 'lab:module' waits for the page to hand over the wasm it
// already compiled, as its first message { type: 'module', module }, so that a worker
// restarted after a cancel neither downloads nor compiles it again. Any other worker fetches
// the wasm itself at once.
/** This worker's one piece of state: its wasm's loading (a promise of true when it loaded). */
const worker = { ready: self.name === 'lab:module' ? null : load(null) };
function load(module) {
  return init(module ? { module_or_path: module } : undefined).then(
    () => { self.postMessage({ type: 'ready' }); return true; },
    (err) => { self.postMessage({ type: 'error', id: null, error: { key: 'worker.load_failed', e: String(err) } }); return false; },
  );
}

self.onmessage = async (event) => {
  const msg = event.data;
  if (msg?.type === 'ping') return self.postMessage({ type: 'pong' });
  if (worker.ready === null) {
    const module = msg?.type === 'module' && msg.module instanceof WebAssembly.Module ? msg.module : null;
    worker.ready = load(module);
    if (module) return;
  }
  if (!(await worker.ready)) return;
  const id = msg && typeof msg === 'object' && (typeof msg.id === 'number' || typeof msg.id === 'string') ? msg.id : null;
  const fail = (key, fields = {}) => self.postMessage({ id, type: 'error', error: { key, ...fields } });
  if (!msg || typeof msg !== 'object') return fail('worker.not_object');
  if (!KINDS.has(msg.kind)) return fail('worker.unknown_kind', { kind: JSON.stringify(msg.kind) ?? 'undefined' });
  if (typeof msg.src !== 'string') return fail('worker.no_src');
  if (typeof msg.model !== 'string') return fail('worker.no_model');
  const options = msg.options && typeof msg.options === 'object' ? msg.options : {};
  try {
    run(id, msg.kind, msg.src, msg.model, options);
  } catch (err) {
    // Rust never throws to JavaScript here (errors come back as JSON): anything thrown is a
    // trap (RuntimeError) or a stack overflow (RangeError) inside the wasm.
    self.postMessage({ id, type: 'error', fatal: true, error: { key: 'worker.crashed', e: String(err) } });
  }
};

function run(id, kind, src, model, options) {
  const start = performance.now();
  const post = (extra) => self.postMessage({ id, type: 'progress', elapsed_ms: performance.now() - start, ...extra });
  post(kind === 'exhaustive' ? { states: 0, rate: 0 } : { runs: 0, total: options.runs ?? 0, rate: 0 });
  let text;
  if (kind === 'exhaustive') {
    text = explore_json(src, model, options, exhaustiveProgress(post, start));
  } else {
    const opts = { ...options, strategy: kind };
    let last = start;
    text = sample_json(src, model, opts, (runs) => {
      const now = performance.now();
      if (now - last >= PROGRESS_MS) {
        last = now;
        post({ runs, total: opts.runs ?? 0, rate: Math.round(runs / ((now - start) / 1000)) });
      }
      return true;
    });
  }
  const result = JSON.parse(text);
  if (result.error !== undefined) self.postMessage({ id, type: 'error', ...result });
  else self.postMessage({ id, type: 'result', result });
}

/** How often the core calls back while it explores, in states expanded (PROGRESS_EVERY in
 * src/sim/explore.rs). */
const CALLBACK_EVERY = 1024;

/**
 * The exhaustive explorer's progress callback. The core calls it every 1,024 states expanded
 * and once more when it has expanded them all, just before it writes its report: a stretch with
 * no callback, linear in the states and transitions stored (about 0.9 s for two million states
 * here). That last call is the one whose count is not a multiple of 1,024; it declares the
 * report's time as blocking work (`quiet_ms`, about 1 µs per state and transition, several times
 * what it takes), so that the page's supervisor does not take the silence for a death.
 */
function exhaustiveProgress(post, start) {
  let last = start;
  return (states, expanded, transitions) => {
    const now = performance.now();
    const report = expanded % CALLBACK_EVERY !== 0;
    if (now - last >= PROGRESS_MS || report) {
      last = now;
      const quiet = report ? { quiet_ms: Math.ceil(250 + (expanded + transitions) / 1000) } : {};
      post({ states, rate: Math.round(states / ((now - start) / 1000)), ...quiet });
    }
    return true;
  };
}
