// A consumer worker of the broker view: one competing consumer, in its own thread. It takes
// deliveries, works on them one at a time (a timer: the worker stays responsive), reports the
// work done and acks, nacks or, with probability `crash`, dies between the work and the ack.
// Plain JavaScript against the in-browser broker; against RabbitMQ it loads the broker wasm
// for the STOMP codec and owns its own WebSocket (killing the worker closes it).
//
// Page -> worker:  { type: 'start', broker: 'local' | 'rabbitmq', mode, work, crash, ... }
//                    local:    port (a MessageChannel port to the broker worker, transferred)
//                    rabbitmq: module, url, queue, consumer (its id in the page's ledger),
//                              prefetch
//                  both: lifeline (the name of the lock it holds for its life,
//                  www/common/supervisor.js)
//                  { type: 'rebind', port }  (local: the broker was killed and restarted)
//                  { type: 'settings', work, crash }   { type: 'ping', n }
// Worker -> page:  { type: 'pong', n }   { type: 'ready' }
//                  { type: 'crashing', id }  (it is about to crash on purpose after its work
//                    on message `id`: the error event follows)
//                  { type: 'seen', items: [{ k: 'delivered'|'processed'|'ack'|'nack', id, re?, requeue? }] }
//                    (rabbitmq only: the page's ledger is folded from these)
//                  { type: 'applied', work, crash }  (the answer to 'settings')
//                  { type: 'error', error: { key, text } }
//
// Ack modes: auto (acked on delivery: report the work only), manual (ack after the work),
// reject (reject with requeue a message not yet redelivered, then work and ack it when it
// comes back: every message is rejected once).
import { holdLifeline } from '../common/supervisor.js';

/** The worker's state. */
const me = {
  s: { mode: 'auto', work: 50, crash: 0 },
  port: null, // local: to the broker
  consumer: null, // local: the broker's id for this consumer
  held: [], // deliveries not yet worked on, in order
  working: false,
  rabbit: null, // rabbitmq: { ws, reader, codec }
  outbox: [], // reports of this task, sent in one post
};

const post = (msg) => self.postMessage(msg);
const fail = (key, text) => post({ type: 'error', error: { key, text: String(text) } });

self.onmessage = (event) => {
  const msg = event.data;
  if (!msg || typeof msg !== 'object') return fail('broker.err.bad_request', typeof msg);
  switch (msg.type) {
    case 'ping': return post({ type: 'pong', n: msg.n });
    case 'settings':
      settings(msg);
      return post({ type: 'applied', work: me.s.work, crash: me.s.crash });
    case 'start':
      holdLifeline(msg.lifeline);
      settings(msg);
      me.s.mode = ['auto', 'manual', 'reject'].includes(msg.mode) ? msg.mode : 'auto';
      if (msg.broker === 'rabbitmq') return startRabbit(msg);
      // Without a port the broker is not ready yet: a 'rebind' brings one.
      return msg.port ? bind(msg.port) : undefined;
    case 'rebind':
      // The broker died: what this consumer held under manual ack belonged to its connection
      // and cannot be acked any more (the new broker requeued or lost it). Auto-ack messages
      // are already acked: their work goes on and is reported under their old consumer id.
      me.held = me.held.filter((d) => d.auto);
      return bind(msg.port);
    default:
      return fail('broker.err.bad_request', JSON.stringify(msg.type) ?? 'undefined');
  }
};

function settings(msg) {
  if (Number.isFinite(msg.work)) me.s.work = Math.min(600000, Math.max(0, msg.work));
  if (Number.isFinite(msg.crash)) me.s.crash = Math.min(1, Math.max(0, msg.crash));
}

// ---- the in-browser broker

function bind(p) {
  if (!(p instanceof MessagePort)) return fail('broker.err.bad_request', 'no port');
  me.port?.close();
  me.port = p;
  me.port.onmessage = (e) => {
    const m = e.data;
    if (m?.type === 'welcome') { me.consumer = m.consumer; return post({ type: 'ready', consumer: me.consumer }); }
    if (m?.type !== 'deliver' || !Array.isArray(m.items)) return;
    for (const d of m.items) me.held.push({ c: d.c, tag: d.tag, id: d.id, re: d.re, done: d.done, auto: me.s.mode === 'auto' });
    next();
  };
}

// Reports of one task go in one post.
function report(item) {
  if (!me.outbox.length) queueMicrotask(sendReports);
  me.outbox.push(item);
}
function sendReports() {
  const items = me.outbox;
  me.outbox = [];
  if (me.rabbit) post({ type: 'seen', items });
  else me.port?.postMessage({ type: 'report', items });
}

/** Works through the held deliveries one at a time; with no work time, all in this task. */
function next() {
  if (me.working) return;
  while (me.held.length) {
    const d = me.held.shift();
    if (me.s.mode === 'reject' && !d.re) {
      settle(d, 'nack');
      continue;
    }
    if (d.done) {
      // The shared store says this message's work was done: skip the work. The report still
      // goes through the store, which counts the skip, and the message is acked.
      report({ k: 'processed', c: d.c, n: d.id, id: d.id });
      settle(d, 'ack');
      continue;
    }
    if (me.s.work > 0) {
      me.working = true;
      setTimeout(() => {
        me.working = false;
        finish(d);
        next();
      }, me.s.work);
      return;
    }
    finish(d);
  }
}

function finish(d) {
  report({ k: 'processed', c: d.c, n: d.id, id: d.id });
  if (me.s.crash > 0 && Math.random() < me.s.crash) {
    // Between the work and the ack: the at-least-once window. The page sees the error event
    // and ends this worker; the broker redelivers what it held (manual ack).
    sendReports();
    post({ type: 'crashing', id: d.id });
    throw new Error(`consumer crashed after its work on message ${d.id}, before its ack`);
  }
  // A delivery from a broker that died since cannot be acked: its connection is gone.
  if (!d.auto && (me.rabbit || d.c === me.consumer)) settle(d, 'ack');
}

function settle(d, k) {
  if (me.rabbit) {
    me.rabbit.ws.send(k === 'ack' ? me.rabbit.codec.stomp_ack(d.ack) : me.rabbit.codec.stomp_nack(d.ack, true));
    report({ k, id: d.id, requeue: true });
  } else {
    report({ k, c: d.c, n: d.tag, requeue: true });
  }
}

// ---- RabbitMQ over Web-STOMP

async function startRabbit(msg) {
  let codec;
  try {
    codec = await import('../../pkg/broker.js');
    await codec.default(msg.module instanceof WebAssembly.Module ? { module_or_path: msg.module } : undefined);
  } catch (err) {
    return fail('broker.err.start', err);
  }
  const reader = new codec.StompReader();
  const ws = new WebSocket(String(msg.url), ['v12.stomp']);
  ws.binaryType = 'arraybuffer';
  me.rabbit = { ws, reader, codec };
  const encoder = new TextEncoder();
  const dest = `/queue/${msg.queue}`;
  ws.onopen = () => ws.send(codec.stomp_connect('/', 'guest', 'guest'));
  ws.onerror = () => fail('broker.err.ws', String(msg.url));
  ws.onclose = (e) => fail('broker.err.ws_closed', `${e.code} ${e.reason}`);
  ws.onmessage = (e) => {
    const bytes = typeof e.data === 'string' ? encoder.encode(e.data) : new Uint8Array(e.data);
    for (const f of JSON.parse(reader.push(bytes))) {
      if (f.type === 'connected') {
        const ack = me.s.mode === 'auto' ? 'auto' : 'manual';
        ws.send(codec.stomp_subscribe('sub-0', dest, ack, me.s.mode === 'auto' ? 0 : msg.prefetch, 'subscribed'));
      } else if (f.type === 'receipt' && f.id === 'subscribed') {
        post({ type: 'ready', consumer: msg.consumer });
      } else if (f.type === 'message') {
        if (f.qp_id === null) { fail('broker.err.foreign', f.body.slice(0, 80)); continue; }
        report({ k: 'delivered', id: f.qp_id, re: f.redelivered });
        me.held.push({ c: msg.consumer, ack: f.ack, id: f.qp_id, re: f.redelivered, auto: me.s.mode === 'auto' });
      } else if (f.type === 'error' || f.type === 'broken') {
        fail('broker.err.stomp', `${f.message ?? ''} ${f.body ?? f.text ?? ''}`);
      }
    }
    next();
  };
}
