// The broker view against a real RabbitMQ over Web-STOMP: the publisher's connection is the
// page's; each consumer worker owns its own. The page's ledger (LedgerMirror, Rust) is folded
// from what the publisher and the consumers saw. Every function takes the view's state `S`.
import { note } from './notes.js';

export function connectPublisher(S) {
  const { mod } = S;
  const reader = new mod.StompReader();
  const ws = new WebSocket(S.s.broker, ['v12.stomp']);
  ws.binaryType = 'arraybuffer';
  S.ws = ws;
  S.pending = [];
  const encoder = new TextEncoder();
  ws.onopen = () => ws.send(mod.stomp_connect('/', 'guest', 'guest'));
  ws.onerror = () => { S.broker.state = 'unreachable'; note(S, 'broker.err.ws', { text: S.s.broker }); };
  ws.onclose = () => { if (S.broker.state === 'ready') S.broker.state = 'closed'; S.dirty = true; };
  ws.onmessage = (e) => {
    const bytes = typeof e.data === 'string' ? encoder.encode(e.data) : new Uint8Array(e.data);
    for (const f of JSON.parse(reader.push(bytes))) {
      if (f.type === 'connected') {
        S.broker.state = 'ready';
        for (const n of S.pending.splice(0)) publishRemote(S, n);
      } else if (f.type === 'receipt' && f.id.startsWith('p')) {
        observe(S, S.mirror.rabbit_confirmed(Number(f.id.slice(1))));
      } else if (f.type === 'error' || f.type === 'broken') {
        note(S, 'broker.err.stomp', { text: `${f.message ?? ''} ${f.body ?? f.text ?? ''}` });
      }
    }
    drainRemote(S);
  };
}

export function publishRemote(S, n) {
  if (S.broker.state !== 'ready') return S.pending.push(n);
  const dest = `/queue/${S.queue}`;
  for (let i = 0; i < n; i++) {
    const id = S.mirror.rabbit_published(S.s.durable);
    S.ws.send(S.mod.stomp_send(dest, `msg ${id}`, S.s.durable, id, `p${id}`));
  }
  drainRemote(S);
}

/** What a consumer saw (deliveries, work, acks, nacks), folded into the page's ledger. */
export function seen(S, slot, items) {
  const c = slot.ids[0];
  if (c === undefined || !Array.isArray(items)) return;
  const { mirror } = S;
  for (const it of items) {
    if (!Number.isInteger(it?.id)) continue;
    if (it.k === 'delivered') observe(S, mirror.rabbit_delivered(c, it.id, it.re === true));
    else if (it.k === 'processed') observe(S, mirror.rabbit_processed(c, it.id, S.s.idempotent));
    else if (it.k === 'ack') observe(S, mirror.rabbit_settled(c, it.id, false, false));
    else if (it.k === 'nack') observe(S, mirror.rabbit_settled(c, it.id, true, it.requeue === true));
  }
  drainRemote(S);
}

function observe(S, result) {
  if (result && result !== 'skipped') note(S, 'broker.err.mirror', { text: JSON.parse(result).text });
}

export function drainRemote(S) {
  const events = JSON.parse(S.mirror.take_events());
  for (const e of events) S.lanes.event(e, S.owner);
  if (events.length) S.dirty = true;
}
