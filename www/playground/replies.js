// The consumer worker's replies (src/pipeline/protocol.rs), one handler per type. Replies to
// requests carry the request's id back, which is how a refused config or bound is told from an
// accepted one, and how replies about a queue that a reset emptied are told from new ones.
import { noteError, setThread } from './panels.js';
import { busyDone, reflect } from './controls.js';
import { SHOW_MESSAGES } from './render.js';

const HANDLERS = {
  ready(state, r) {
    state.sup.ready();
    document.documentElement.dataset.worker = 'ready';
    setThread(state, 'worker', { state: 'ready', key: 'thread.ready', detailKey: 'thread.readyDetail' });
    // What this worker has; a restarted one gets the last settings re-sent, confirmed next.
    state.settings = r.settings;
    state.bound = { maxsize: r.maxsize, max_bytes: r.max_bytes };
    reflect(state);
    // A level's setup asked for before the worker was ready (www/playground/course.js).
    if (state.setupWhenReady) {
      const setup = state.setupWhenReady;
      state.setupWhenReady = null;
      import('./course.js').then((m) => m.apply(state, setup));
    }
  },
  pong(state, r) {
    state.memoryBytes = r.memory_bytes ?? state.memoryBytes;
  },
  config(state, r) {
    state.req.configs.delete(r.id);
    state.settings = r.settings;
    reflect(state);
  },
  maxsize(state, r) {
    state.req.bounds.delete(r.id);
    state.bound = { maxsize: r.maxsize, max_bytes: r.max_bytes };
    reflect(state);
  },
  full(state, r) {
    if (state.req.resetId === null) state.ledger.full(r);
  },
  ack(state, r) {
    // Replies to puts made before the latest reset describe a queue that is gone.
    if (state.req.resetId !== null) {
      if (r.id !== state.req.resetId) return;
      state.req.resetId = null;
    }
    state.ledger.ack(r);
    state.chart.add(r.queue_len);
  },
  batch(state, r) {
    if (state.req.resetId !== null) return;
    state.log.add(r, state.ledger.batch(r, SHOW_MESSAGES));
    state.announcer.batch(r);
    state.chart.add(r.queue_len);
  },
  state(state, r) {
    // Blocking work is declared before it starts: the supervisor waits that long for answers.
    state.sup.busy(r.state === 'working' ? r.work_ms : 0);
    // The activity is a key with numbers (src/pipeline/types.rs `Activity`), shown in the page's language.
    setThread(state, 'worker', { state: r.state, key: `thread.${r.state}`, detailKey: `detail.${r.activity}`, vars: r });
    // The page's busy work in the worker: it began with its own activity, and ended at the next.
    const run = state.busy.pending[0];
    if (r.activity === 'page_work' && run && !run.began) run.began = true;
    else if (r.activity !== 'page_work' && run?.began) {
      state.busy.pending.shift();
      busyDone(state, { on: 'worker', ms: run.ms, pageBlocked: run.pageBlocked });
    }
  },
  error(state, r) {
    if (r.error?.key === 'worker_start') return state.sup.fail('start', r.error.detail);
    noteError(state, { error: r.error ?? {}, request: r.request });
    state.ledger.refusedWhole(r.id);
    // A refused config or bound changed nothing: show the settings in force again.
    if (state.req.configs.delete(r.id) || state.req.bounds.delete(r.id)) reflect(state);
  },
};

/** Handles one message from the current worker (a JSON string). */
export function onReply(state, data) {
  let r;
  try {
    r = JSON.parse(data);
  } catch {
    return noteError(state, { key: 'errors.garbled', vars: { text: String(data).slice(0, 200) } });
  }
  state.dirty = true;
  if (Object.hasOwn(HANDLERS, r?.type)) HANDLERS[r.type](state, r);
}
