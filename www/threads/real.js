// Real threads: one Web Worker per thread, all on one shared WebAssembly.Memory, sharing one
// `Shared` (src/threads) built by the observer. The page compiles the module once, creates the
// memory, and posts both to every worker; it never instantiates the wasm itself, so it never
// takes a lock or waits on an atomic (browsers forbid Atomics.wait on the main thread).
//
// Roles (www/threads/thread-worker.js): the observer creates `Shared`, reads its counters
// lock-free when asked, and stops the run; producers and consumers run their Rust loop until
// stopped, so they answer nothing while they run. Each run gets a fresh memory and fresh
// workers, which are terminated after it: nothing of one run can leak into the next.
import { importedMemory } from './wasm-memory.js';

const WORKER = new URL('./thread-worker.js', import.meta.url);
const WASM = new URL('../../pkg/threads_bg.wasm', import.meta.url);
/** How long stopped threads may take to return before they are terminated, and said so. */
export const STOP_GRACE_MS = 5000;

let compiled = null;

/** The compiled module and its memory's limits, fetched and compiled once per page. */
export function loadModule() {
  compiled ??= (async () => {
    const res = await fetch(WASM);
    if (!res.ok) throw new Error(`${WASM.pathname}: HTTP ${res.status}`);
    const bytes = await res.arrayBuffer();
    const limits = importedMemory(bytes);
    if (!limits?.shared) throw new Error(`${WASM.pathname} does not import a shared memory`);
    return { module: await WebAssembly.compile(bytes), limits };
  })();
  compiled.catch(() => { compiled = null; });
  return compiled;
}

/**
 * One run of a scenario on real threads. `on` receives:
 *   thread(role, id, state)  'starting' | 'running' | 'stopped' | 'crashed' | 'terminated'
 *   stats(json)              the observer's counters (JSON text from src/web/threads.rs)
 *   error(key, vars)         something went wrong, as a string-table key
 *   ended()                  every thread returned by itself (all items put and taken)
 */
export class RealRun {
  constructor(scenario, query, on) {
    this.scenario = scenario;
    this.query = query;
    this.on = on;
    this.workers = []; // { role, id, worker, state }
    this.pending = null; // the observer request awaiting its reply
    this.stopping = null;
  }

  /**
   * Starts every thread; resolves to { ms: from call to all threads running, created: the
   * observer's { ptr, scenario, errors } (the core's reading of the query) }.
   */
  async start() {
    const t0 = performance.now();
    const { module, limits } = await loadModule();
    const memory = new WebAssembly.Memory({ initial: limits.initial, maximum: limits.maximum, shared: true });
    this.observer = this.spawn('observer', 0);
    const created = await this.ask({ type: 'start', role: 'observer', module, memory, query: this.query }, 'created');
    const ptr = created.ptr;
    this.observer.state = 'running';
    this.on.thread('observer', 0, 'running');
    const running = [];
    for (const [role, count] of [['producer', this.scenario.producers], ['consumer', this.scenario.consumers]]) {
      for (let id = 0; id < count; id++) {
        const w = this.spawn(role, id);
        running.push(w.running);
        w.worker.postMessage({ type: 'start', role, id, module, memory, ptr });
      }
    }
    await Promise.all(running);
    return { ms: performance.now() - t0, created };
  }

  spawn(role, id) {
    const worker = new Worker(WORKER, { type: 'module', name: `${role} ${id}` });
    const entry = { role, id, worker, state: 'starting' };
    entry.running = new Promise((ok, fail) => { entry.ran = ok; entry.failed = fail; });
    entry.stopped = new Promise((ok) => { entry.done = ok; });
    entry.running.catch(() => {});
    const set = (state) => {
      entry.state = state;
      this.on.thread(role, id, state);
    };
    worker.onmessage = ({ data }) => {
      if (data.type === 'running') { set('running'); entry.ran(); }
      else if (data.type === 'stopped') { set('stopped'); entry.done(); this.checkEnded(); }
      else if (data.type === 'error') {
        this.on.error('error.worker', { role, id, e: data.error });
        if (role !== 'observer') { set('crashed'); entry.failed(new Error(data.error)); entry.done(); }
      }
      if (role === 'observer') this.reply(data);
    };
    // A trap or an uncaught exception: the thread is gone; the page says so and counts it.
    worker.onerror = (e) => {
      e.preventDefault();
      // A module worker's own load or top-level error reaches the page without a message.
      const why = e.message || 'the worker failed (a script error, or its script did not load)';
      this.on.error('error.crash', { role, id, e: why });
      set('crashed');
      entry.failed(new Error(`${role} ${id}: ${why}`));
      entry.done();
      if (role === 'observer') this.reply({ type: 'error', error: e.message || 'observer crashed' });
    };
    worker.onmessageerror = () => this.on.error('error.crash', { role, id, e: 'messageerror' });
    this.workers.push(entry);
    set('starting');
    return entry;
  }

  /** Tells `on.ended` once every producer and consumer has returned by itself. */
  checkEnded() {
    const threads = this.workers.filter((w) => w.role !== 'observer');
    if (!this.stopping && threads.every((w) => w.state === 'stopped')) this.on.ended();
  }

  /** Posts to the observer and resolves with its reply of type `want`. */
  ask(msg, want) {
    const reply = new Promise((ok, fail) => {
      this.pending = { want, ok, fail };
      this.observer.worker.postMessage(msg);
    });
    this.inflight = reply.catch(() => {});
    return reply;
  }

  reply(data) {
    const p = this.pending;
    if (!p) return;
    if (data.type === p.want) { this.pending = null; p.ok(data); }
    else if (data.type === 'error') { this.pending = null; p.fail(new Error(data.error)); }
  }

  /** Asks the observer for the counters unless a request is still out (at most one at a time). */
  poll() {
    if (this.pending || this.stopping || !this.observer || this.observer.state === 'crashed') return;
    this.ask({ type: 'stats' }, 'stats').then((r) => this.on.stats(r.stats), () => {});
  }

  /**
   * Stops the run: the observer sets the stop flag, every thread returns (or is terminated
   * after STOP_GRACE_MS, and said so), then the final counters are read; resolves to them.
   */
  stop() {
    this.stopping ??= (async () => {
      await this.inflight; // one observer request at a time: let a stats request finish
      if (this.observer?.state !== 'crashed') await this.ask({ type: 'stop' }, 'stopping').catch(() => {});
      const threads = this.workers.filter((w) => w.role !== 'observer');
      let timer;
      const late = new Promise((ok) => { timer = setTimeout(ok, STOP_GRACE_MS, 'late'); });
      await Promise.race([Promise.all(threads.map((w) => w.stopped)), late]);
      clearTimeout(timer);
      for (const w of threads) {
        if (w.state !== 'stopped' && w.state !== 'crashed') {
          w.worker.terminate();
          w.state = 'terminated';
          this.on.thread(w.role, w.id, 'terminated');
          this.on.error('error.terminated', { role: w.role, id: w.id });
        }
      }
      let final = null;
      if (this.observer?.state !== 'crashed') {
        // A thread that never entered its loop leaves the counts unsettled: settle them now.
        // (One terminated inside its loop cannot be settled for: the page says the counts are not final.)
        if (threads.some((w) => w.state !== 'stopped')) await this.ask({ type: 'settle' }, 'settled').catch(() => {});
        final = await this.ask({ type: 'stats' }, 'stats').then((r) => r.stats, () => null);
      }
      this.close();
      if (this.observer?.state !== 'crashed') this.on.thread('observer', 0, 'stopped');
      return final;
    })();
    return this.stopping;
  }

  /** Ends every worker of the run at once (leaving the view, or after stop). */
  close() {
    for (const w of this.workers) w.worker.terminate();
  }
}
