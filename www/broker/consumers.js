// The broker view's consumer workers (www/broker/consumer-worker.js), one lane each, each
// supervised (www/common/supervisor.js): pings, its lifeline, its error event (a crash between
// the work and the ack), and terminate() on it. A dead consumer is told, counted and named;
// what it held is the broker's to redeliver or lose; its lane's restart button starts a fresh
// one. Every function takes the view's state object `S` (view.js).
import { Supervisor } from '../common/supervisor.js';
import { attach, toBroker } from './local.js';
import { drainRemote } from './remote.js';
import { noteFrom, noteDeath } from './notes.js';

const WORKER = new URL('./consumer-worker.js', import.meta.url);

/** A lane's state after a death: its own words for a crash and a kill, else "dead". */
const laneState = (cause) => ({ error: 'crashed', killed: 'killed', silent: 'silent' })[cause] ?? 'dead';

export function startConsumer(S, slot) {
  slot.sup ??= new Supervisor({
    create: () => new Worker(WORKER, { type: 'module', name: `consumer ${slot.n}` }),
    ping: (w) => w.postMessage({ type: 'ping' }),
    lifeline: true,
    hearTerminate: true,
    onStart: (w) => started(S, slot, w),
    onMessage: ({ data }) => fromConsumer(S, slot, data),
    onDeath: (death) => consumerDied(S, slot, death),
  });
  if (slot.sup.state === 'dead') slot.sup.worker ? slot.sup.restart() : slot.sup.start();
}

function started(S, slot, w) {
  Object.assign(slot, { state: 'starting', ready: false, detail: null, crashingOn: null });
  const settings = S.consumerSettings(slot.n);
  if (S.remote) {
    const id = S.mirror.rabbit_started(S.s.ack === 'auto', settings.prefetch);
    S.owner.set(id, slot);
    slot.ids = [id];
    slot.current = id;
    drainRemote(S);
    w.postMessage({ type: 'start', broker: 'rabbitmq', module: S.module, url: S.s.broker, queue: S.queue, consumer: id,
      mode: S.s.ack, lifeline: slot.sup.lifeline, ...settings });
  } else if (S.broker.state === 'ready') {
    attach(S, slot, false);
  } else {
    // Attached once the broker is ready (its 'ready' rebinds every live consumer).
    w.postMessage({ type: 'start', broker: 'local', port: null, mode: S.s.ack, lifeline: slot.sup.lifeline, ...settings });
  }
  S.dirty = true;
}

function fromConsumer(S, slot, msg) {
  switch (msg?.type) {
    case 'pong': return;
    case 'ready':
      slot.sup.ready();
      slot.ready = true;
      slot.state = 'running';
      S.dirty = true;
      return;
    case 'applied': slot.applied = { work: msg.work, crash: msg.crash }; return;
    case 'crashing': slot.crashingOn = msg.id; return; // its error event follows
    case 'seen': return S.seen(slot, msg.items);
    case 'error':
      return noteFrom(S, (t) => t('broker.consumer', { n: slot.n }), msg.error?.key ?? 'broker.err.crashed', { text: msg.error?.text ?? '' });
  }
}

/** The learner's "kill": the consumer's worker ends at once, mid-work. */
export function killConsumer(slot) {
  slot.sup?.fail('killed');
}

function consumerDied(S, slot, death) {
  const crashedOn = death.cause === 'error' ? slot.crashingOn : null;
  const name = (t) => t('broker.consumer', { n: slot.n });
  const why = crashedOn === null ? null : (t) => t('broker.crashedAfterWork', { id: crashedOn });
  noteDeath(S, death, `consumer ${slot.n}`, name, why);
  const ids = slot.ids;
  // What this death met, for the course: what the consumer held is what a kill can lose.
  S.exposure.consumers++;
  S.exposure.held += S.lanes.heldBy(slot.n).length;
  Object.assign(slot, { ready: false, state: laneState(death.cause), ids: [], current: null });
  slot.detail = (t) => (why ? why(t) : t(`death.${death.cause === 'error' && !crashedOn ? 'errorUnknown' : death.cause}`, death));
  // Whatever it held is the broker's now: redelivered (manual ack) or lost (auto ack).
  if (S.remote) {
    for (const id of ids) S.mirror.rabbit_died(id);
    drainRemote(S);
  } else {
    toBroker(S, { type: 'died', consumers: ids });
  }
  S.dirty = true;
}
