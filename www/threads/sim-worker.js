// Simulated threads: where the page cannot share memory, this one plain worker runs every
// producer and consumer of the scenario as step machines interleaved by a seeded scheduler
// (SimulatedRun, src/threads/simulated.rs), from the stable wasm without atomics. It runs in
// slices on timers so that it always answers the page: `stats`, `stop` and the supervisor's
// `ping` come between slices. It holds its lifeline (www/common/supervisor.js) from the start.
import init, { SimulatedRun } from '../../pkg/threads_sim.js';
import { holdLifeline } from '../common/supervisor.js';

const STEPS_PER_SLICE = 20000;
const post = (msg) => self.postMessage(msg);
const me = { sim: null, timer: 0, ready: init() };

function slice() {
  me.timer = 0;
  if (!me.sim) return;
  if (me.sim.run(STEPS_PER_SLICE)) me.timer = setTimeout(slice, 0);
  else post({ type: 'ended', stats: me.sim.stats() });
}

self.onmessage = async ({ data }) => {
  try {
    if (data?.type === 'ping') return post({ type: 'pong' });
    await me.ready;
    if (!data || typeof data !== 'object') throw new Error('expected an object');
    if (data.type === 'start' && !me.sim) {
      await holdLifeline(data.lifeline);
      me.sim = new SimulatedRun(String(data.query), data.seed >>> 0);
      post({ type: 'running' });
      return slice();
    }
    if (data.type === 'stats' && me.sim) return post({ type: 'stats', stats: me.sim.stats() });
    if (data.type === 'stop' && me.sim) {
      clearTimeout(me.timer);
      me.sim.stop();
      return post({ type: 'stopped', stats: me.sim.stats() });
    }
    throw new Error(`unexpected message ${JSON.stringify(data).slice(0, 200)}`);
  } catch (err) {
    post({ type: 'error', error: { key: 'js.error', e: String(err?.message ?? err) } });
  }
};
