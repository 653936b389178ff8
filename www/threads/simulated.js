// Simulated threads, for pages that cannot share memory: one plain worker (sim-worker.js)
// runs the scenario's producers and consumers as step machines under a seeded scheduler. The
// same interface as RealRun, so the view treats both alike and labels this one simulated.
// The worker runs in slices and answers between them, so its Supervisor watches it by pings
// (silence is death) as well as by its error event, its lifeline and terminate().
import { Supervisor } from '../common/supervisor.js';

const WORKER = new URL('./sim-worker.js', import.meta.url);

export class SimulatedRun {
  constructor(scenario, query, on, seed) {
    this.scenario = scenario;
    this.query = query;
    this.on = on;
    this.seed = seed;
    this.waiting = null; // { want, ok, fail } for the reply awaited
    this.stopping = null;
    this.dead = false;
  }

  async start() {
    const t0 = performance.now();
    this.on.thread('simulator', 0, 'starting');
    const running = this.expect('running');
    this.sup = new Supervisor({
      create: () => new Worker(WORKER, { type: 'module', name: 'simulator' }),
      ping: (w) => w.postMessage({ type: 'ping' }),
      lifeline: true,
      hearTerminate: true,
      onStart: (w) => w.postMessage({ type: 'start', query: this.query, seed: this.seed, lifeline: this.sup.lifeline }),
      onMessage: ({ data }) => this.fromWorker(data),
      onDeath: (death) => this.died(death),
    });
    this.sup.start();
    await running;
    this.sup.ready();
    this.on.thread('simulator', 0, 'running');
    return { ms: performance.now() - t0, created: { errors: [] } };
  }

  fromWorker(data) {
    if (data.type === 'pong') return;
    if (data.type === 'ended') { this.on.stats(data.stats); this.on.ended(); return; }
    if (data.type === 'error') this.on.error('error.worker', { role: 'simulator', id: 0, err: data.error });
    const w = this.waiting;
    if (!w) return;
    if (data.type === w.want) { this.waiting = null; w.ok(data); }
    else if (data.type === 'error') { this.waiting = null; w.fail(data.error); }
  }

  died(death) {
    this.dead = true;
    this.on.thread('simulator', 0, 'dead');
    const w = this.waiting;
    this.waiting = null;
    w?.fail({ key: 'start.died', role: 'simulator', id: 0 });
    this.on.death('simulator', 0, death);
  }

  /** A promise of the worker's next reply of type `want`. */
  expect(want) {
    const reply = new Promise((ok, fail) => { this.waiting = { want, ok, fail }; });
    this.inflight = reply.catch(() => {});
    return reply;
  }

  ask(msg, want) {
    const reply = this.expect(want);
    this.sup.worker.postMessage(msg);
    return reply;
  }

  poll() {
    if (this.waiting || this.stopping || this.dead || !this.sup) return;
    this.ask({ type: 'stats' }, 'stats').then((r) => this.on.stats(r.stats), () => {});
  }

  stop() {
    this.stopping ??= (async () => {
      await this.inflight;
      const final = this.dead ? null : await this.ask({ type: 'stop' }, 'stopped').then((r) => r.stats, () => null);
      if (!this.dead) this.on.thread('simulator', 0, 'stopped');
      this.close();
      return final;
    })();
    return this.stopping;
  }

  close() {
    this.sup?.stop();
  }

  /** The simulator's worker (for the test hook that kills one). */
  worker(role) {
    return role === 'simulator' ? this.sup?.worker ?? null : null;
  }
}
