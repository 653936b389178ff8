// A supervisor for one Web Worker at a time: it notices the worker's death, says why, and
// restarts it on request or by itself. Every view that starts a worker (the playground's
// consumer, the lab's explorer, the threads, the broker) can use it; it knows nothing of their
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
//   silence is. `Worker.terminate()` fires no event at all: only the heartbeat sees it.
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
//     ping: (worker) => worker.postMessage(PING),       // a request the worker answers
//     onMessage: (event) => ...,   // each message from the current worker, never from a dead one
//     onStart: (worker) => ...,    // after each start, before its first message: resend settings
//     onDeath: (death) => ...,     // once per death: { cause, detail, silentMs, restartInMs, gaveUp }
//     onState: (state) => ...,     // 'starting' | 'alive' | 'busy' | 'late' | 'dead'
//     intervalMs: 250, silenceMs: 1000, startMs: 15000, autoRestart: false, maxEarlyDeaths: 3,
//   });
//   sup.start();
//   sup.ready();       // the worker said it is ready ('starting' → 'alive'; startMs no longer applies)
//   sup.busy(ms);      // it declared `ms` of blocking work from now (0: it is back)
//   sup.fail(cause, detail);  // the view saw it die
//   sup.restart();     // a fresh worker (the current one, if alive, dies first with cause 'restart')
//   sup.setAuto(on);   // restart by itself after a death (with a growing delay; it gives up after
//                      // `maxEarlyDeaths` deaths in a row before `ready`, and says so)
//   sup.stop();        // terminate, stop the heartbeat, no restart
//   sup.worker, sup.state, sup.deaths, sup.restarts, sup.answering (alive or declared busy)
// Causes: 'error', 'messageerror', 'silent', 'start_timeout', 'restart', and the view's own.

export const STATES = ['starting', 'alive', 'busy', 'late', 'dead'];

export class Supervisor {
  constructor(options) {
    this.o = {
      intervalMs: 250, silenceMs: 1000, startMs: 15000, autoRestart: false, maxEarlyDeaths: 3,
      onMessage() {}, onStart() {}, onDeath() {}, onState() {}, ...options,
    };
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
    const gen = ++this.gen;
    const w = this.o.create();
    this.worker = w;
    const mine = () => gen === this.gen && this.state !== 'dead';
    w.addEventListener('message', (e) => {
      if (!mine()) return;
      this.heard();
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
    this.worker?.terminate();
    this.setState('dead');
  }

  // ---- inside

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
      const quietSince = Math.max(this.lastHeard, this.busyUntil);
      const silent = now - quietSince;
      if (silent > this.o.silenceMs) return this.die('silent', '', true, Math.round(now - this.lastHeard));
      if (this.state === 'busy' && now >= this.busyUntil) this.setState('alive');
      if (silent > 2 * this.o.intervalMs && this.state === 'alive') this.setState('late');
    }
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
    this.worker?.terminate();
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
