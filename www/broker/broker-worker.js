// The broker worker: the in-browser broker (Rust, pkg/broker_bg.wasm: BrokerCore) in its own
// thread. Consumers talk to it over MessageChannel ports the page hands over; the page talks
// to it over the worker's own channel. It never touches the DOM.
//
// Page -> worker:  { type: 'init', module, queue, durable, idempotent, snapshot, lifeline }  (first)
//                  { type: 'attach', slot, port, mode, prefetch }  (port transferred)
//                  { type: 'publish', n }      { type: 'died', consumers: [id] }
//                  { type: 'ping', n }
// Worker -> page:  { type: 'ready', snapshot, recovered }   { type: 'attached', slot, consumer }
//                  { type: 'batch', events, counts, errors }  (one per task that changed something)
//                  { type: 'pong', n }   { type: 'error', error: { key, text } }
// Port <- consumer: { type: 'report', items: [{ k: 'processed'|'ack'|'nack', c, n, requeue }] }
// Port -> consumer: { type: 'welcome', consumer }   { type: 'deliver', items: [delivery] }
//
// Durable: the log records go to IndexedDB (database qp-broker, store `log`, key = sequence
// number) in order, one transaction per batch; when a transaction completes the broker is told
// (`persisted`), which confirms the publishes in it.
//
// It holds its lifeline (www/common/supervisor.js) from 'init' on, so the page hears when it
// is gone even without an event.
import init, { BrokerCore } from '../../pkg/broker.js';
import { holdLifeline } from '../common/supervisor.js';

/** The worker's state: the core once started, the durable log, the consumers' ports. */
const me = { core: null, durable: false, db: null, starting: false, flushing: false, ports: new Map(), early: [] };

const post = (msg) => self.postMessage(msg);
const fail = (key, text) => post({ type: 'error', error: { key, text: String(text) } });
/** A refusal from the core is JSON text {key, text}; anything else is worded as is. */
const refusal = (err) => {
  try { return JSON.parse(err); } catch { return { key: 'broker.err.crashed', text: String(err) }; }
};

self.onmessage = (event) => {
  const msg = event.data;
  if (msg?.type === 'ping') return post({ type: 'pong', n: msg.n });
  if (msg?.type === 'init' && me.core === null && !me.starting) return start(msg);
  if (me.core === null) return me.early.push(msg);
  handle(msg);
};

async function start(msg) {
  me.starting = true;
  holdLifeline(msg.lifeline);
  try {
    await init(msg.module instanceof WebAssembly.Module ? { module_or_path: msg.module } : undefined);
    me.durable = msg.durable === true;
    let records = [];
    if (me.durable) {
      me.db = await openLog();
      records = await readLog(me.db);
    }
    const snapshot = typeof msg.snapshot === 'string' ? msg.snapshot : undefined;
    me.core = new BrokerCore(String(msg.queue), me.durable, msg.idempotent === true, records, snapshot);
    post({ type: 'ready', snapshot: me.core.snapshot(), recovered: snapshot !== undefined || records.length > 0, records: records.length });
  } catch (err) {
    const r = refusal(err);
    return fail(r.key === 'broker.err.crashed' ? 'broker.err.start' : r.key, r.text);
  }
  for (const m of me.early.splice(0)) handle(m);
  flush();
}

function handle(msg) {
  if (!msg || typeof msg !== 'object') return fail('broker.err.bad_request', typeof msg);
  switch (msg.type) {
    case 'attach': {
      if (!(msg.port instanceof MessagePort)) return fail('broker.err.bad_request', 'attach without a port');
      let consumer;
      try {
        consumer = me.core.attach(String(msg.mode), clampInt(msg.prefetch, 0, 65535));
      } catch (err) {
        const r = refusal(err);
        return fail(r.key, r.text);
      }
      me.ports.set(consumer, msg.port);
      msg.port.onmessage = (e) => fromConsumer(e.data);
      msg.port.postMessage({ type: 'welcome', consumer });
      post({ type: 'attached', slot: msg.slot, consumer });
      break;
    }
    case 'publish':
      me.core.publish(clampInt(msg.n, 0, 100000), 'msg ');
      break;
    case 'died':
      for (const c of Array.isArray(msg.consumers) ? msg.consumers : []) {
        if (Number.isInteger(c) && c >= 0) me.core.died(c);
        me.ports.get(c)?.close();
        me.ports.delete(c);
      }
      break;
    default:
      return fail('broker.err.bad_request', JSON.stringify(msg.type) ?? 'undefined');
  }
  flush();
}

function fromConsumer(msg) {
  if (!me.core) return;
  if (msg?.type !== 'report' || !Array.isArray(msg.items)) return fail('broker.err.bad_request', 'port: ' + (JSON.stringify(msg?.type) ?? 'undefined'));
  for (const it of msg.items) {
    if (!it || !Number.isInteger(it.c) || it.c < 0 || typeof it.n !== 'number') {
      fail('broker.err.bad_request', 'report item');
      continue;
    }
    me.core.report(it.c, String(it.k), it.n, it.requeue === true);
  }
  flush();
}

/** Drains the core once per task: deliveries to their consumers (one post each), events and
 * counts to the page (one post), records to storage. */
function flush() {
  if (me.flushing || !me.core) return;
  me.flushing = true;
  queueMicrotask(() => {
    me.flushing = false;
    const out = JSON.parse(me.core.drain());
    const byConsumer = new Map();
    for (const d of out.deliveries) {
      if (!byConsumer.has(d.c)) byConsumer.set(d.c, []);
      byConsumer.get(d.c).push(d);
    }
    for (const [c, items] of byConsumer) me.ports.get(c)?.postMessage({ type: 'deliver', items });
    if (out.events.length || out.errors.length) post({ type: 'batch', events: out.events, counts: out.counts, errors: out.errors });
    if (me.durable) persist(me.core.take_records());
  });
}

// ---- the durable log in IndexedDB

function openLog() {
  return new Promise((ok, bad) => {
    const req = indexedDB.open('qp-broker', 1);
    req.onupgradeneeded = () => req.result.createObjectStore('log');
    req.onsuccess = () => ok(req.result);
    req.onerror = () => bad(req.error);
  });
}

function readLog(db) {
  return new Promise((ok, bad) => {
    const req = db.transaction('log', 'readonly').objectStore('log').getAll();
    req.onsuccess = () => ok(req.result.map(String));
    req.onerror = () => bad(req.error);
  });
}

function persist(records) {
  if (!records.length) return;
  const tx = me.db.transaction('log', 'readwrite');
  const store = tx.objectStore('log');
  let last = -1;
  for (const r of records) {
    last = JSON.parse(r).seq;
    store.put(r, last);
  }
  // Transactions on one store complete in the order they were created: confirming up to this
  // batch's last record confirms nothing that is not on disk.
  tx.oncomplete = () => { me.core.persisted(last); flush(); };
  tx.onerror = () => fail('broker.err.storage', tx.error);
}

function clampInt(v, lo, hi) {
  const n = Math.floor(Number(v));
  return Number.isFinite(n) ? Math.min(hi, Math.max(lo, n)) : lo;
}
