// Simulated threads, for pages that cannot share memory: one plain worker (sim-worker.js)
// runs the scenario's producers and consumers as step machines under a seeded scheduler. The
// same interface as RealRun, so the view treats both alike and labels this one simulated.

const WORKER = new URL('./sim-worker.js', import.meta.url);

export class SimulatedRun {
  constructor(scenario, query, on, seed) {
    this.scenario = scenario;
    this.query = query;
    this.on = on;
    this.seed = seed;
    this.waiting = null; // { want, ok, fail } for the reply awaited
    this.busy = false;
    this.stopping = null;
  }

  async start() {
    const t0 = performance.now();
    this.worker = new Worker(WORKER, { type: 'module', name: 'simulator' });
    this.on.thread('simulator', 0, 'starting');
    this.worker.onmessage = ({ data }) => {
      if (data.type === 'ended') { this.on.stats(data.stats); this.on.ended(); return; }
      if (data.type === 'error') this.on.error('error.worker', { role: 'simulator', id: 0, e: data.error });
      const w = this.waiting;
      if (!w) return;
      if (data.type === w.want) { this.waiting = null; w.ok(data); }
      else if (data.type === 'error') { this.waiting = null; w.fail(new Error(data.error)); }
    };
    this.worker.onerror = (e) => {
      e.preventDefault();
      this.on.error('error.crash', { role: 'simulator', id: 0, e: e.message || e.type });
      this.on.thread('simulator', 0, 'crashed');
      this.crashed = true;
      const w = this.waiting;
      this.waiting = null;
      w?.fail(new Error(e.message || 'crashed'));
    };
    await this.ask({ type: 'start', query: this.query, seed: this.seed }, 'running');
    this.on.thread('simulator', 0, 'running');
    return { ms: performance.now() - t0, created: { errors: [] } };
  }

  ask(msg, want) {
    const reply = new Promise((ok, fail) => {
      this.waiting = { want, ok, fail };
      this.worker.postMessage(msg);
    });
    this.inflight = reply.catch(() => {});
    return reply;
  }

  poll() {
    if (this.waiting || this.stopping || this.crashed || !this.worker) return;
    this.ask({ type: 'stats' }, 'stats').then((r) => this.on.stats(r.stats), () => {});
  }

  stop() {
    this.stopping ??= (async () => {
      await this.inflight;
      const final = this.crashed ? null : await this.ask({ type: 'stop' }, 'stopped').then((r) => r.stats, () => null);
      this.on.thread('simulator', 0, 'stopped');
      this.close();
      return final;
    })();
    return this.stopping;
  }

  close() {
    this.worker?.terminate();
  }
}
