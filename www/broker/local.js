// The in-browser broker (www/broker/broker-worker.js), supervised (www/common/supervisor.js):
// pings, its lifeline, its error event and terminate() on it. A dead broker is told, counted,
// named, and restarted by the supervisor, from the page's ledger and (durable) the stored log.
// Every function takes the view's state object `S` (view.js).
import { Supervisor } from '../common/supervisor.js';
import { note, noteDeath, raise } from './notes.js';

const WORKER = new URL('./broker-worker.js', import.meta.url);

export function startBroker(S) {
  const b = S.broker;
  b.sup = new Supervisor({
    create: () => new Worker(WORKER, { type: 'module', name: 'broker' }),
    ping: (w) => w.postMessage({ type: 'ping' }),
    lifeline: true,
    hearTerminate: true,
    autoRestart: true, // 250 ms after a death; it gives up after 3 deaths in a row before ready
    onStart: (w) => {
      const recovering = b.sup.deaths > 0;
      b.state = recovering ? 'recovering' : 'starting';
      S.dirty = true;
      w.postMessage({
        type: 'init', module: S.module, queue: S.queue, durable: S.s.durable, idempotent: S.s.idempotent,
        snapshot: recovering ? S.mirror.snapshot() : null, lifeline: b.sup.lifeline,
      });
      for (const msg of b.outbox.splice(0)) w.postMessage(msg);
    },
    onMessage: ({ data }) => fromBroker(S, data),
    onDeath: (death) => brokerDied(S, death),
  });
  b.sup.start();
}

/** Posts to the broker; kept for the next broker while none is running. */
export function toBroker(S, msg) {
  const sup = S.broker.sup;
  if (sup?.state === 'dead') S.broker.outbox.push(msg);
  else sup?.worker.postMessage(msg);
}

export function fromBroker(S, msg) {
  const b = S.broker;
  switch (msg?.type) {
    case 'pong': return;
    case 'ready':
      b.sup.ready();
      // The new broker's ledger is the truth (after a recovery it names losses no event told).
      try { S.mirror.replace(msg.snapshot); } catch (err) { raise(S, 'broker.alarm.snapshot', { e: String(err) }); }
      S.lanes.afterRecovery(S.mirror);
      b.state = 'ready';
      for (const slot of S.slots) if (slot.sup && slot.sup.state !== 'dead') attach(S, slot, true);
      S.dirty = true;
      return;
    case 'attached': {
      const slot = S.slots[msg.slot - 1];
      if (!slot) return;
      S.owner.set(msg.consumer, slot);
      slot.ids.push(msg.consumer);
      slot.current = msg.consumer;
      S.dirty = true;
      return;
    }
    case 'batch':
      applyEvents(S, msg.events);
      b.counts = msg.counts;
      for (const e of msg.errors) note(S, e.key, { text: e.text });
      return;
    case 'error':
      return note(S, msg.error?.key ?? 'broker.err.crashed', { text: msg.error?.text ?? '' });
  }
}

function applyEvents(S, events) {
  const refused = S.mirror.apply(JSON.stringify(events));
  if (refused) raise(S, 'broker.alarm.mirror', { e: JSON.parse(refused).text });
  for (const e of events) S.lanes.event(e, S.owner);
  S.dirty = true;
}

/** Connects a consumer to the broker: a fresh channel, one port each. */
export function attach(S, slot, rebind) {
  const ch = new MessageChannel();
  const settings = S.consumerSettings(slot.n);
  const mode = S.s.ack === 'auto' ? 'auto' : 'manual';
  slot.sup.worker.postMessage(rebind ? { type: 'rebind', port: ch.port1 }
    : { type: 'start', broker: 'local', port: ch.port1, mode: S.s.ack, lifeline: slot.sup.lifeline, ...settings }, [ch.port1]);
  S.broker.sup.worker.postMessage({ type: 'attach', slot: slot.n, port: ch.port2, mode, prefetch: settings.prefetch }, [ch.port2]);
}

/** The learner's "kill the broker": its worker ends at once, mid-whatever. */
export function killBroker(S) {
  if (S.remote) return;
  S.broker.sup?.fail('killed');
}

function brokerDied(S, death) {
  const b = S.broker;
  // What this death met, for the course: the messages still in the broker's hands.
  const held = JSON.parse(S.mirror.counts());
  S.exposure.brokerHeld += held.queued + held.unacked;
  b.state = death.restartInMs === null ? 'dead' : 'recovering';
  S.skippedBefore = S.skipped;
  b.counts = null;
  S.lanes.brokerDied();
  noteDeath(S, death, 'broker', (t) => t('broker.theBroker'));
  if (death.gaveUp) note(S, 'broker.gaveUp', { n: b.sup.deaths });
}
