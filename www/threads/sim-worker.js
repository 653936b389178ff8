// Simulated threads: where the page cannot share memory, this one plain worker runs every
// producer and consumer of the scenario as step machines interleaved by a seeded scheduler
// (SimulatedRun, src/threads/simulated.rs), from the stable wasm without atomics. It runs in
// slices on timers so that it always answers the page: `stats` and `stop` come between slices.
import init, { SimulatedRun } from '../../pkg/threads_sim.js';

const STEPS_PER_SLICE = 20000;
const post = (msg) => self.postMessage(msg);
let sim = null;
let timer = 0;
const ready = init();

function slice() {
  timer = 0;
  if (!sim) return;
  if (sim.run(STEPS_PER_SLICE)) timer = setTimeout(slice, 0);
  else post({ type: 'ended', stats: sim.stats() });
}

self.onmessage = async ({ data }) => {
  try {
    await ready;
    if (!data || typeof data !== 'object') throw new Error('expected an object');
    if (data.type === 'start' && !sim) {
      sim = new SimulatedRun(String(data.query), data.seed >>> 0);
      post({ type: 'running' });
      return slice();
    }
    if (data.type === 'stats' && sim) return post({ type: 'stats', stats: sim.stats() });
    if (data.type === 'stop' && sim) {
      clearTimeout(timer);
      sim.stop();
      return post({ type: 'stopped', stats: sim.stats() });
    }
    throw new Error(`unexpected message ${JSON.stringify(data).slice(0, 200)}`);
  } catch (err) {
    post({ type: 'error', error: String(err?.message ?? err) });
  }
};
