// The consumer worker under supervision (www/common/supervisor.js): its death is noticed, told,
// counted and survived. Every request carries an id; the replies that answer it (ack, full,
// config, maxsize, pong, error) carry it back, so replies are matched to requests by number
// (www/playground/replies.js). On a death, what the worker held (in flight, queued) is counted
// lost, and no balance is claimed over it until a new worker answers.
import { Supervisor } from '../common/supervisor.js';
import { noteError, setThread } from './panels.js';

const $ = (id) => document.getElementById(id);

/**
 * Starts supervising the consumer worker: sets `state.sup` and returns `send(msg)`, which posts
 * a request with a fresh id and returns it, or null (nothing goes to a dead worker). `onReply`
 * gets each message of the current worker, never one of a dead worker.
 */
export function superviseConsumer(state, onReply) {
  const { req } = state;
  const send = (msg) => {
    if (state.sup.state === 'dead') return null;
    const id = ++req.lastId;
    state.sup.worker.postMessage(JSON.stringify({ v: 1, id, ...msg }));
    return id;
  };
  state.sup = new Supervisor({
    create: () => new Worker(new URL('./queue-worker.js', import.meta.url), { type: 'module' }),
    ping: () => send({ type: 'ping' }),
    onMessage: (e) => onReply(e.data),
    onStart: () => {
      document.documentElement.dataset.worker = 'starting';
      setThread(state, 'worker', { state: 'starting', key: 'worker.starting', detailKey: 'thread.loading', vars: {} });
      // A restarted worker carries on with the settings the last one confirmed.
      if (state.settings) sendConfig(state, send, state.settings);
      if (state.bound) sendBound(state, send, state.bound.maxsize);
    },
    onDeath: (death) => died(state, death),
    onState: () => { state.dirty = true; },
  });
  return send;
}

/** Asks the worker for new consumer settings; the reply (config or error) is matched by id. */
export function sendConfig(state, send, settings) {
  const id = send({ type: 'config', ...settings });
  if (id !== null) state.req.configs.add(id);
  return id;
}

/** Asks the worker for a new bound (Python's `q.maxsize = n`, from the next put on). */
export function sendBound(state, send, maxsize) {
  const id = send({ type: 'maxsize', maxsize });
  if (id !== null) state.req.bounds.add(id);
  return id;
}

/** The worker died: say why, count what died with it (lost), forget the requests it held. */
function died(state, death) {
  const loss = state.ledger.workerDied();
  state.req.configs.clear();
  state.req.bounds.clear();
  state.req.resetId = null;
  state.busy.pending = []; // busy work sent to it did not run to its end
  state.lastDeath = { ...death, ...loss, lost: loss.inflight + loss.queued };
  document.documentElement.dataset.worker = 'dead';
  setThread(state, 'worker', { state: 'dead', key: 'worker.dead', detailKey: `death.${death.cause}`, vars: state.lastDeath });
  noteError(state, { key: `death.${death.cause}`, vars: state.lastDeath });
}

/** The restart button and the automatic-restart box. */
export function wireSupervision(state) {
  const { sup } = state;
  $('restart-worker').onclick = () => {
    if (sup.state !== 'starting') sup.restart();
  };
  $('auto-restart').onchange = () => sup.setAuto($('auto-restart').checked);
  sup.setAuto($('auto-restart').checked);
}
