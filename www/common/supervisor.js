// A supervisor for one Web Worker at a time: it notices the worker's death, says why, and
// restarts it on request or by itself. Every view that starts a worker (the playground's
// consumer, the lab's explorer, the threads, the broker) uses it; it knows nothing of their
// protocols.
//
// Death is any of, and is noticed within about `silenceMs` (1 s by default):
// - an `error` event on the worker: an exception escaped it (its script threw at load, or a
//   wasm trap such as `RuntimeError: unreachable` escaped an event handler). Its loop may still
//   run, but a handler stopped half-way, so nothing it holds can be trusted any more;
// - a `messageerror` event (a reply could not be read: its counts can no longer be trusted);
// - silence: no message from the worker for `silenceMs` beyond any busy time it declared.
//   Every `intervalMs` the supervisor calls `ping(worker)`; the view posts a request the
//   worker answers from its event loop. Any message counts as an answer. A worker that is
//   about to block (busy work it cannot interrupt) says so first, with its length, and the view
//   passes that on with `busy(ms)`: a declared busy stretch is not a death, an undeclared
//   silence is. Without a `ping` there is no silence check: a worker that blocks for as long as
//   it likes (a thread of the threads view, asleep on a condition variable on shared memory,
//   answers nothing and is not dead) is watched by the signs below only;
// - `terminate()` on the worker, by anyone on the page (`hearTerminate: true`): it fires no
//   event, so the supervisor wraps the method of each worker it creates and hears the call
//   itself (cause 'terminated'). Without it, a terminated worker is seen by its silence (or its
//   lifeline), as the playground teaches;
// - its lifeline (`lifeline: true`): a heartbeat the supervisor hears without posting for it.
//   The worker calls `holdLifeline(name)` (below) with the name the view passes on from
//   `sup.lifeline`: it takes a Web Lock of that name and holds it for its whole life, then says
//   so with one message the supervisor keeps to itself. The page then asks for the same lock:
//   it is granted only when the worker's thread is gone (closed itself, torn down, terminated),
//   whatever the thread was doing, even blocked in a wasm loop (cause 'vanished'). Measured in
//   headless Chromium 156: granted ~5 ms after the thread ends; a thread busy in a loop when
//   terminated runs on for Chromium's 2 s forcible-termination delay, then it is granted (the
//   wrapped `terminate()` has said so at once). A counter the thread bumps in shared memory
//   would tell no more: a thread asleep on a condition variable bumps nothing, and a terminated
//   busy thread runs on, bumping, for those 2 s (measured too). Without Web Locks (not a secure
//   context) the worker holds nothing and the other signs remain;
// - the view's own word, `fail(cause, detail)`: e.g. a worker that reports it failed to load.
// A dead worker is terminated (a trapped wasm instance is never reused) and nothing it posted
// afterwards is delivered, so what the view counted as lost can never come back.
//
// Not seen as death: a page thread that was itself frozen (its own busy work, a background
// tab's throttled timers). A tick that comes late restarts the silence clock instead, since the
// answers may be waiting behind it in the page's own event loop.
//
// Use:
//   import { Supervisor } from './common/supervisor.js';
//   const sup = new Supervisor({
//     create: () => new Worker(url, { type: 'module' }),  // a fresh worker, at start and restart
//     ping: (worker) => worker.postMessage(PING),       // a request the worker answers (optional)
//     onMessage: (event) => ...,   // each message from the current worker, never from a dead one
//     onStart: (worker) => ...,    // after each start, before its first message: resend settings
//     onDeath: (death) => ...,     // once per death: { cause, detail, silentMs, restartInMs, gaveUp }
//     onState: (state) => ...,     // 'starting' | 'alive' | 'busy' | 'late' | 'dead'
//     intervalMs: 250, silenceMs: 1000, startMs: 15000, autoRestart: false, maxEarlyDeaths: 3,
//     lifeline: false,             // true: sup.lifeline names the lock the worker must hold
//     hearTerminate: false,        // true: terminate() on the worker is a death at once
//   });
//   sup.start();
//   sup.ready();       // the worker said it is ready ('starting' → 'alive'; startMs no longer applies)
//   sup.busy(ms);      // it declared `ms` of blocking work from now (0: it is back)
//   sup.fail(cause, detail);  // the view saw it die
//   sup.restart();     // a fresh worker (the current one, if alive, dies first with cause 'restart')
//   sup.setAuto(on);   // restart by itself after a death (with a growing delay; it gives up after
//                      // `maxEarlyDeaths` deaths in a row before `ready`, and says so)
//   sup.stop();        // terminate, stop the heartbeat, no restart
//   sup.worker, sup.state, sup.deaths, sup.restarts, sup.answering (alive or declared busy),
//   sup.lifeline (the current worker's lock name, or null)
// In the worker:
//   import { holdLifeline } from '../common/supervisor.js';
//   await holdLifeline(name);   // before any long blocking work
// Causes: 'error', 'messageerror', 'silent', 'start_timeout', 'restart', 'terminated',
// 'vanished', and the view's own.

/** The one message a worker's `holdLifeline` posts; the supervisor keeps it to itself. */
const LIFELINE_HELD = 'supervisor.lifeline';

/**
 * In a worker: takes the Web Lock `name` and holds it until the worker ends, then tells the
 * supervisor. Resolves once it is held (at once, holding nothing, where Web Locks are missing).
 */
export function holdLifeline(name) {
  if (!name || !globalThis.navigator?.locks) return Promise.resolve(false);
  return new Promise((held) => {
    navigator.locks.request(String(name), () => {
      self.postMessage({ type: LIFELINE_HELD });
      held(true);
      return new Promise(() => {}); // never released: the lock goes when the worker does
    }).catch(() => held(false));
  });
}

export const STATES = ['starting', 'alive', 'busy', 'late', 'dead'];

export class Supervisor {
  constructor(options) {
    this.o = {
      intervalMs: 250, silenceMs: 1000, startMs: 15000, autoRestart: false, maxEarlyDeaths: 3,
      lifeline: false, hearTerminate: false, onMessage() {}, onStart() {}, onDeath() {}, onState() {}, ...options,
    };
    this.lifeline = null; // the current worker's lock name
    this.lifelineWait = null; // the page's request for it, aborted when the worker is done with
    this.worker = null;
    this.state = 'dead';
    this.deaths = 0;
    this.restarts = 0;
    this.earlyDeaths = 0; // deaths in a row before `ready`
    this.gen = 0; // which worker the listeners belong to
    this.timer = 0;
    this.restartTimer = 0;
    this.lastHeard = 0;
    this.lastTick = 0;
    this.busyUntil = 0;
    this.startedAt = 0;
  }

  /** Whether the worker is known to be answering: alive, or in blocking work it declared. */
  get answering() {
    return this.state === 'alive' || this.state === 'busy';
  }

  get auto() {
    return this.o.autoRestart;
  }

  start() {
    clearTimeout(this.restartTimer);
    this.dropLifeline();
    const gen = ++this.gen;
    const w = this.o.create();
    this.worker = w;
    const mine = () => gen === this.gen && this.state !== 'dead';
    const terminate = w.terminate.bind(w);
    this.kill = terminate;
    // terminate() fires no event: the supervisor hears the call itself, if asked to.
    if (this.o.hearTerminate) {
      w.terminate = () => {
        terminate();
        if (mine()) this.die('terminated', '');
      };
    }
    this.lifeline = this.o.lifeline && globalThis.navigator?.locks
      ? `qp-lifeline-${Math.random().toString(36).slice(2)}-${gen}` : null;
    w.addEventListener('message', (e) => {
      if (!mine()) return;
      this.heard();
      if (e.data?.type === LIFELINE_HELD) return this.watchLifeline(gen);
      this.o.onMessage(e);
    });
    w.addEventListener('error', (e) => {
      e.preventDefault?.(); // reported by the page, in its words
      if (mine()) this.die('error', e.message || String(e.error ?? e.type));
    });
    w.addEventListener('messageerror', () => {
      if (mine()) this.die('messageerror', '');
    });
    this.startedAt = this.lastHeard = this.lastTick = performance.now();
    this.busyUntil = 0;
    this.setState('starting');
    clearInterval(this.timer);
    this.timer = setInterval(() => this.tick(), this.o.intervalMs);
    this.o.onStart(w);
    return w;
  }

  ready() {
    if (this.state === 'dead') return;
    this.earlyDeaths = 0;
    this.heard();
    this.setState(this.busyUntil > performance.now() ? 'busy' : 'alive');
  }

  busy(ms) {
    if (this.state === 'dead' || this.state === 'starting') return;
    const now = performance.now();
    this.busyUntil = ms > 0 ? now + ms : 0;
    this.setState(ms > 0 ? 'busy' : 'alive');
  }

  fail(cause, detail = '') {
    if (this.state !== 'dead') this.die(cause, detail);
  }

  restart() {
    if (this.state !== 'dead') this.die('restart', '', false);
    this.restarts++;
    return this.start();
  }

  setAuto(on) {
    this.o.autoRestart = Boolean(on);
    if (!on) {
      clearTimeout(this.restartTimer);
      this.restartTimer = 0;
    } else if (this.state === 'dead' && this.worker && !this.restartTimer) this.scheduleRestart();
  }

  stop() {
    clearInterval(this.timer);
    clearTimeout(this.restartTimer);
    this.gen++;
    this.dropLifeline();
    this.kill?.();
    this.setState('dead');
  }

  // ---- inside

  /** Asks for the worker's lifeline lock: granted only once the worker is gone. */
  watchLifeline(gen) {
    if (!this.lifeline || this.lifelineWait) return;
    const abort = new AbortController();
    this.lifelineWait = abort;
    navigator.locks.request(this.lifeline, { signal: abort.signal }, () => {
      if (gen === this.gen && this.state !== 'dead') this.die('vanished', '');
    }).catch(() => {}); // aborted: the supervisor ended the worker itself
  }

  dropLifeline() {
    this.lifelineWait?.abort();
    this.lifelineWait = null;
  }

  heard() {
    this.lastHeard = performance.now();
    if (this.state === 'late') this.setState(this.busyUntil > this.lastHeard ? 'busy' : 'alive');
  }

  tick() {
    const now = performance.now();
    const late = now - this.lastTick > 2 * this.o.intervalMs;
    this.lastTick = now;
    if (this.state === 'dead') return;
    // The page itself was frozen or throttled: answers may be queued behind this tick.
    if (late) this.lastHeard = Math.max(this.lastHeard, now);
    if (this.state === 'starting') {
      if (now - this.startedAt > this.o.startMs) return this.die('start_timeout', String(this.o.startMs));
    } else {
      if (!this.o.ping) return; // no heartbeat asked for: silence says nothing
      const quietSince = Math.max(this.lastHeard, this.busyUntil);
      const silent = now - quietSince;
      if (silent > this.o.silenceMs) return this.die('silent', '', true, Math.round(now - this.lastHeard));
      if (this.state === 'busy' && now >= this.busyUntil) this.setState('alive');
      if (silent > 2 * this.o.intervalMs && this.state === 'alive') this.setState('late');
    }
    if (!this.o.ping) return;
    try {
      this.o.ping(this.worker);
    } catch (err) {
      this.die('error', String(err));
    }
  }

  die(cause, detail, mayRestart = true, silentMs = Math.round(performance.now() - this.lastHeard)) {
    if (this.state === 'dead') return;
    const early = this.state === 'starting';
    this.gen++; // nothing the dead worker posted is delivered any more
    this.dropLifeline();
    this.kill?.();
    this.deaths++;
    if (early) this.earlyDeaths++;
    this.setState('dead');
    const death = { cause, detail, silentMs, restartInMs: null, gaveUp: false };
    if (mayRestart && this.o.autoRestart) {
      if (this.earlyDeaths >= this.o.maxEarlyDeaths) death.gaveUp = true;
      else death.restartInMs = this.scheduleRestart();
    }
    this.o.onDeath(death);
  }

  scheduleRestart() {
    // 250 ms, then twice as long for each death in a row before the worker was ready.
    const ms = this.o.intervalMs * 2 ** this.earlyDeaths;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = 0;
      if (this.state === 'dead' && this.o.autoRestart) this.restart();
    }, ms);
    return ms;
  }

  setState(state) {
    if (state === this.state) return;
    this.state = state;
    this.o.onState(state);
  }
}
