// Real threads: one Web Worker per thread, all on one shared WebAssembly.Memory, sharing one
// `Shared` (src/threads) built by the observer. The page compiles the module once, creates the
// memory, and posts both to every worker; it never instantiates the wasm itself, so it never
// takes a lock or waits on an atomic (browsers forbid Atomics.wait on the main thread).
//
// Roles (www/threads/thread-worker.js): the observer creates `Shared`, reads its counters
// lock-free when asked, and stops the run; producers and consumers run their Rust loop until
// stopped, so they answer nothing while they run. Each run gets a fresh memory and fresh
// workers, which are terminated after it: nothing of one run can leak into the next.
//
// Every worker is watched by its own Supervisor (www/common/supervisor.js): its error event,
// its lifeline lock, and terminate() on it; the observer, which stays responsive, also by its
// answers to pings. A producer or consumer cannot answer pings from inside its loop, and one
// asleep on the queue's condition variable is rightly silent, so silence is no sign for them.
import { importedMemory } from './wasm-memory.js';
import { Supervisor } from '../common/supervisor.js';

const WORKER = new URL('./thread-worker.js', import.meta.url);
const WASM = new URL('../../pkg/threads_bg.wasm', import.meta.url);
/** How long stopped threads may take to return before they are terminated, and said so. */
export const STOP_GRACE_MS = 5000;
/**
 * The compiled module and its memory's limits, fetched and compiled once per page: `cache` is
 * the view's ({} in its state object), kept across runs. Throws `{ key, … }` for the page to word.
 */
export function loadModule(cache) {
  if (!cache.loading) {
    cache.loading = (async () => {
      const res = await fetch(WASM);
      if (!res.ok) throw { key: 'load.http', path: WASM.pathname, status: res.status };
      const bytes = await res.arrayBuffer();
      const limits = importedMemory(bytes);
      if (!limits?.shared) throw { key: 'load.notShared', path: WASM.pathname };
      return { module: await WebAssembly.compile(bytes), limits };
    })();
    cache.loading.catch(() => { cache.loading = null; });
  }
  return cache.loading;
}

/**
 * One run of a scenario on real threads. `on` receives:
 *   thread(role, id, state)  'starting' | 'running' | 'stopped' | 'dead' | 'terminated'
 *   stats(json)              the observer's counters (JSON text from src/web/threads.rs)
 *   error(key, vars)         something went wrong, as a string-table key
 *   death(role, id, death)   a worker died (the Supervisor's death): the view cuts the run short
 *   ended()                  every thread returned by itself (all items put and taken)
 */
export class RealRun {
  constructor(scenario, query, on, seed, cache) {
    this.cache = cache; // the view's, for the compiled module (the seed is the simulator's only)
    this.scenario = scenario;
    this.query = query;
    this.on = on;
    this.workers = []; // { role, id, sup, state, running, stopped }
    this.pending = null; // the observer request awaiting its reply
    this.stopping = null;
  }

  /**
   * Starts every thread; resolves to { ms: from call to all threads running, created: the
   * observer's { ptr, scenario, errors } (the core's reading of the query) }.
   */
  async start() {
    const t0 = performance.now();
    const { module, limits } = await loadModule(this.cache);
    const memory = new WebAssembly.Memory({ initial: limits.initial, maximum: limits.maximum, shared: true });
    this.observer = this.spawn('observer', 0, { module, memory, query: this.query });
    const created = await this.ask(null, 'created');
    this.observer.state = 'running';
    this.on.thread('observer', 0, 'running');
    const running = [];
    for (const [role, count] of [['producer', this.scenario.producers], ['consumer', this.scenario.consumers]]) {
      for (let id = 0; id < count; id++) running.push(this.spawn(role, id, { module, memory, ptr: created.ptr }).running);
    }
    await Promise.all(running);
    return { ms: performance.now() - t0, created };
  }

  /** A supervised worker for one thread, sent its start message with its lifeline's name. */
  spawn(role, id, start) {
    const entry = { role, id, state: 'starting' };
    entry.running = new Promise((ok, fail) => { entry.ran = ok; entry.failed = fail; });
    entry.stopped = new Promise((ok) => { entry.done = ok; });
    entry.running.catch(() => {});
    entry.sup = new Supervisor({
      create: () => new Worker(WORKER, { type: 'module', name: `${role} ${id}` }),
      ping: role === 'observer' ? (w) => w.postMessage({ type: 'ping' }) : null,
      lifeline: true,
      hearTerminate: true,
      onStart: (w) => w.postMessage({ type: 'start', role, id, lifeline: entry.sup.lifeline, ...start }),
      onMessage: ({ data }) => this.fromThread(entry, data),
      onDeath: (death) => this.died(entry, death),
    });
    this.workers.push(entry);
    this.set(entry, 'starting');
    entry.sup.start();
    return entry;
  }

  set(entry, state) {
    entry.state = state;
    this.on.thread(entry.role, entry.id, state);
  }

  fromThread(entry, data) {
    if (data.type === 'running' || data.type === 'created') {
      entry.sup.ready();
      if (data.type === 'running') { this.set(entry, 'running'); entry.ran(); }
    } else if (data.type === 'stopped') {
      this.set(entry, 'stopped');
      entry.done();
      this.checkEnded();
    } else if (data.type === 'error') {
      // A thread that could not run is of no further use: its supervisor ends it, and says why.
      if (entry.role !== 'observer' || entry.state === 'starting') {
        entry.lastError = data.error;
        entry.sup.fail('error', '');
      } else this.on.error('error.worker', { role: entry.role, id: entry.id, err: data.error });
    }
    if (entry.role === 'observer') this.reply(data);
  }

  /** A worker died (error event, its lifeline, terminate(), silence, or its own error). */
  died(entry, death) {
    this.set(entry, 'dead');
    entry.failed({ key: 'start.died', role: entry.role, id: entry.id });
    entry.done();
    if (entry.role === 'observer') this.reply({ type: 'error', error: { key: 'start.died', role: 'observer', id: 0 } });
    this.on.death(entry.role, entry.id, entry.lastError ? { ...death, err: entry.lastError } : death);
  }

  /** Tells `on.ended` once every producer and consumer has returned by itself. */
  checkEnded() {
    const threads = this.workers.filter((w) => w.role !== 'observer');
    if (!this.stopping && threads.every((w) => w.state === 'stopped')) this.on.ended();
  }

  /** Posts `msg` to the observer (if any) and resolves with its reply of type `want`. */
  ask(msg, want) {
    const reply = new Promise((ok, fail) => {
      this.pending = { want, ok, fail };
      if (msg) this.observer.sup.worker.postMessage(msg);
    });
    this.inflight = reply.catch(() => {});
    return reply;
  }

  reply(data) {
    const p = this.pending;
    if (!p) return;
    if (data.type === p.want) { this.pending = null; p.ok(data); }
    else if (data.type === 'error') { this.pending = null; p.fail(data.error); }
  }

  /** Asks the observer for the counters unless a request is still out (at most one at a time). */
  poll() {
    if (this.pending || this.stopping || !this.observer || this.observer.state === 'dead') return;
    this.ask({ type: 'stats' }, 'stats').then((r) => this.on.stats(r.stats), () => {});
  }

  /**
   * Stops the run: the observer sets the stop flag, every thread returns (or is terminated
   * after STOP_GRACE_MS, and said so), then the final counters are read; resolves to them
   * (null when the observer is dead: then nothing can be read).
   */
  stop() {
    this.stopping ??= (async () => {
      await this.inflight; // one observer request at a time: let a stats request finish
      const observing = () => this.observer && this.observer.state !== 'dead';
      if (observing()) await this.ask({ type: 'stop' }, 'stopping').catch(() => {});
      const threads = this.workers.filter((w) => w.role !== 'observer');
      // With the observer gone nothing can tell the threads to stop: no grace to wait for.
      await this.graceOrTerminate(threads, observing() ? STOP_GRACE_MS : 0);
      let final = null;
      if (observing()) {
        // A thread that never entered its loop leaves the counts unsettled: settle them now.
        // (One that died inside its loop cannot be settled for: the page says they are not final.)
        if (threads.some((w) => w.state !== 'stopped')) await this.ask({ type: 'settle' }, 'settled').catch(() => {});
        final = await this.ask({ type: 'stats' }, 'stats').then((r) => r.stats, () => null);
      }
      this.close();
      if (observing()) this.on.thread('observer', 0, 'stopped');
      return final;
    })();
    return this.stopping;
  }

  /** Waits up to `graceMs` for `threads` to return; ends the rest, and says so. */
  async graceOrTerminate(threads, graceMs) {
    let timer;
    const late = new Promise((ok) => { timer = setTimeout(ok, graceMs, 'late'); });
    await Promise.race([Promise.all(threads.map((w) => w.stopped)), late]);
    clearTimeout(timer);
    for (const w of threads) {
      if (w.state === 'stopped' || w.state === 'dead') continue;
      w.sup.stop(); // ended by the page on purpose: not a death
      this.set(w, 'terminated');
      this.on.error(graceMs ? 'error.terminated' : 'error.orphaned', { role: w.role, id: w.id });
    }
  }

  /** Ends every worker of the run at once (leaving the view, or after stop); no deaths told. */
  close() {
    for (const w of this.workers) w.sup.stop();
  }

  /** The worker of `role` `id` (for the test hook that kills one). */
  worker(role, id) {
    return this.workers.find((w) => w.role === role && w.id === id)?.sup.worker ?? null;
  }
}
