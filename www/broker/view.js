// The broker view (index.html?view=broker, issue 9 §2/§3/§5): a broker with acknowledgements,
// competing consumers, redelivery and durability: the in-browser broker (Rust, in its own
// worker) or a real RabbitMQ over Web-STOMP. This module wires workers to the page and keeps
// the page's ledger (LedgerMirror, Rust); it decides nothing about messages itself.
import { t, onLang, applyStatic, fill } from '../playground/strings.js';
import { readParams, writeParams, RABBITMQ_URL } from './params.js';
import { buildView, Lanes, renderLedger, renderLost, renderErrors } from './render.js';
import { watch } from './watch.js';

const WASM = new URL('../../pkg/broker_bg.wasm', import.meta.url);
const MAX_ERRORS = 30;

/** Starts the view in place of the playground. */
export async function start() {
  const { settings, problems } = readParams(location.search);
  const ui = buildView(document, settings, problems);
  applyStatic();
  const mod = await import('../../pkg/broker.js');
  // Compiled once here and handed to every worker: one download of the wasm.
  const module = await WebAssembly.compileStreaming(fetch(WASM));
  await mod.default({ module_or_path: module });
  const view = new View(ui, settings, mod, module);
  applyStatic(); // the lanes' labels, built with the view
  onLang(() => view.relabel());
  view.begin();
  window.__qpBroker = view.testHooks();
}

class View {
  constructor(ui, settings, mod, module) {
    this.ui = ui;
    this.s = settings;
    this.mod = mod;
    this.module = module;
    this.mirror = new mod.LedgerMirror();
    this.remote = settings.broker !== 'local';
    this.lanes = new Lanes(ui.lanes, settings.consumers);
    this.owner = new Map(); // consumer id -> slot
    this.slots = [];
    this.brokerState = 'starting';
    this.brokerCounts = null; // the broker worker's own counts, with the last batch
    this.alarm = null;
    this.errors = [];
    this.dirty = true;
    this.lostShown = 0;
    this.queue = this.remote ? `qp-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}` : 'my_queue';
  }

  begin() {
    const { ui } = this;
    ui.publish.onclick = () => this.publish(Math.min(100000, Math.max(1, Math.floor(ui.count.value) || 1)));
    ui.killBroker.onclick = () => this.killBroker();
    ui.killBroker.disabled = this.remote;
    ui.apply.onclick = () => { location.search = writeParams(ui.readSettings()); };
    for (let n = 1; n <= this.s.consumers; n++) {
      const slot = { n, worker: null, watcher: null, ids: [], current: null, state: 'starting', ready: false };
      this.slots.push(slot);
      const c = this.lanes.controls(n);
      c.work.value = this.s.work;
      c.prefetch.value = this.s.prefetch;
      c.crash.value = 0;
      c.kill.onclick = () => this.killConsumer(slot, 'killed');
      c.restart.onclick = () => { if (!slot.worker) this.startConsumer(slot); };
      const live = () => slot.worker?.postMessage({ type: 'settings', ...this.consumerSettings(n) });
      c.work.onchange = live;
      c.crash.onchange = live;
    }
    if (this.remote) this.connectPublisher();
    else this.startBroker(null);
    for (const slot of this.slots) this.startConsumer(slot);
    const frame = () => { requestAnimationFrame(frame); if (this.dirty) this.render(); };
    requestAnimationFrame(frame);
  }

  consumerSettings(n) {
    const c = this.lanes.controls(n);
    const num = (el, lo, hi, d) => { const v = Number(el.value); return Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : d; };
    return { work: num(c.work, 0, 600000, this.s.work), crash: num(c.crash, 0, 1, 0), prefetch: Math.floor(num(c.prefetch, 0, 1000, this.s.prefetch)) };
  }

  error(key, vars) {
    this.errors = [{ key, vars }, ...this.errors.slice(0, MAX_ERRORS - 1)];
    this.dirty = true;
  }

  // ---- the in-browser broker

  startBroker(snapshot) {
    const w = new Worker(new URL('./broker-worker.js', import.meta.url), { type: 'module', name: 'broker' });
    this.broker = w;
    this.brokerState = snapshot === null ? 'starting' : 'recovering';
    this.dirty = true;
    const watcher = watch(w, { onDeath: (reason, detail) => this.brokerDied(w, reason, detail) });
    this.brokerWatcher = watcher;
    w.onmessage = (e) => { watcher.pong(); this.fromBroker(w, e.data); };
    w.postMessage({ type: 'init', module: this.module, queue: this.queue, durable: this.s.durable, idempotent: this.s.idempotent, snapshot });
  }

  fromBroker(w, msg) {
    if (w !== this.broker) return; // a dead broker's last words
    switch (msg?.type) {
      case 'pong': return;
      case 'ready':
        // The new broker's ledger is the truth (after a recovery it names losses no event told).
        try { this.mirror.replace(msg.snapshot); } catch (err) { this.raise('broker.alarm.snapshot', { e: String(err) }); }
        this.lanes.afterRecovery(this.mirror);
        this.brokerState = 'ready';
        this.recovered = msg.recovered;
        for (const slot of this.slots) if (slot.worker) this.attach(slot, true);
        this.dirty = true;
        return;
      case 'attached': {
        const slot = this.slots[msg.slot - 1];
        if (!slot) return;
        this.owner.set(msg.consumer, slot);
        slot.ids.push(msg.consumer);
        slot.current = msg.consumer;
        this.dirty = true;
        return;
      }
      case 'batch':
        this.applyEvents(msg.events);
        this.brokerCounts = msg.counts;
        for (const e of msg.errors) this.error(e.key, { text: e.text });
        return;
      case 'error':
        return this.error(msg.error?.key ?? 'broker.err.crashed', { text: msg.error?.text ?? '' });
    }
  }

  applyEvents(events) {
    const refused = this.mirror.apply(JSON.stringify(events));
    if (refused) this.raise('broker.alarm.mirror', { e: JSON.parse(refused).text });
    for (const e of events) this.lanes.event(e, this.owner);
    this.dirty = true;
  }

  /** Connects a consumer to the broker: a fresh channel, one port each. */
  attach(slot, rebind) {
    const ch = new MessageChannel();
    const { prefetch } = this.consumerSettings(slot.n);
    const mode = this.s.ack === 'auto' ? 'auto' : 'manual';
    slot.worker.postMessage(rebind ? { type: 'rebind', port: ch.port1 } : { type: 'start', broker: 'local', port: ch.port1, mode: this.s.ack, ...this.consumerSettings(slot.n) }, [ch.port1]);
    this.broker.postMessage({ type: 'attach', slot: slot.n, port: ch.port2, mode, prefetch }, [ch.port2]);
  }

  publish(n) {
    if (this.remote) return this.publishRemote(n);
    this.broker.postMessage({ type: 'publish', n });
  }

  killBroker() {
    if (this.remote || !this.broker) return;
    this.broker.terminate();
    this.brokerWatcher.stop();
    this.brokerDied(this.broker, 'killed', '');
  }

  brokerDied(w, reason, detail) {
    if (w !== this.broker) return;
    if (reason !== 'killed') w.terminate();
    this.brokerKills = (this.brokerKills ?? 0) + 1;
    this.lastBrokerDeath = { reason, detail };
    this.skippedBefore = this.skipped ?? 0;
    this.brokerCounts = null;
    this.lanes.brokerDied();
    // Supervision: a new broker at once, from the page's ledger and (durable) the stored log.
    this.startBroker(this.mirror.snapshot());
  }

  // ---- consumers

  startConsumer(slot) {
    const w = new Worker(new URL('./consumer-worker.js', import.meta.url), { type: 'module', name: `consumer-${slot.n}` });
    slot.worker = w;
    slot.state = 'starting';
    slot.ready = false;
    slot.watcher = watch(w, { onDeath: (reason, detail) => this.consumerDied(slot, w, reason, detail) });
    w.onmessage = (e) => { slot.watcher.pong(); this.fromConsumer(slot, w, e.data); };
    if (this.remote) {
      const st = this.consumerSettings(slot.n);
      const id = this.mirror.rabbit_started(this.s.ack === 'auto', st.prefetch);
      this.owner.set(id, slot);
      slot.ids = [id];
      slot.current = id;
      this.drainRemote();
      w.postMessage({ type: 'start', broker: 'rabbitmq', module: this.module, url: this.s.broker, queue: this.queue, consumer: id, mode: this.s.ack, ...st });
    } else if (this.brokerState === 'ready') {
      this.attach(slot, false);
    } else {
      // Attached once the broker is ready (fromBroker 'ready' rebinds every live worker).
      w.postMessage({ type: 'start', broker: 'local', port: null, mode: this.s.ack, ...this.consumerSettings(slot.n) });
    }
    this.dirty = true;
  }

  fromConsumer(slot, w, msg) {
    if (w !== slot.worker) return;
    switch (msg?.type) {
      case 'pong': return;
      case 'ready': slot.ready = true; slot.state = 'running'; this.dirty = true; return;
      case 'applied': slot.applied = { work: msg.work, crash: msg.crash }; return;
      case 'seen': return this.seen(slot, msg.items);
      case 'error': return this.error(msg.error?.key ?? 'broker.err.crashed', { text: `${t('broker.consumer', { n: slot.n })}: ${msg.error?.text ?? ''}` });
    }
  }

  killConsumer(slot, reason) {
    if (!slot.worker) return;
    slot.worker.terminate(); // mid-work: whatever it holds is in the broker's hands now
    slot.watcher.stop();
    this.consumerDied(slot, slot.worker, reason, '');
  }

  consumerDied(slot, w, reason, detail) {
    if (w !== slot.worker) return;
    if (reason !== 'killed') w.terminate();
    slot.worker = null;
    slot.ready = false;
    slot.state = reason;
    slot.detail = detail;
    const ids = slot.ids;
    slot.ids = [];
    slot.current = null;
    if (this.remote) {
      for (const id of ids) this.mirror.rabbit_died(id);
      this.drainRemote();
    } else {
      this.broker.postMessage({ type: 'died', consumers: ids });
    }
    this.dirty = true;
  }

  // ---- RabbitMQ: the publisher's connection is the page's; the ledger is folded here

  connectPublisher() {
    const { mod } = this;
    const reader = new mod.StompReader();
    const ws = new WebSocket(this.s.broker, ['v12.stomp']);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    this.pending = [];
    const encoder = new TextEncoder();
    ws.onopen = () => ws.send(mod.stomp_connect('/', 'guest', 'guest'));
    ws.onerror = () => { this.brokerState = 'unreachable'; this.error('broker.err.ws', { text: this.s.broker }); };
    ws.onclose = () => { if (this.brokerState === 'ready') this.brokerState = 'closed'; this.dirty = true; };
    ws.onmessage = (e) => {
      const bytes = typeof e.data === 'string' ? encoder.encode(e.data) : new Uint8Array(e.data);
      for (const f of JSON.parse(reader.push(bytes))) {
        if (f.type === 'connected') {
          this.brokerState = 'ready';
          for (const n of this.pending.splice(0)) this.publishRemote(n);
        } else if (f.type === 'receipt' && f.id.startsWith('p')) {
          this.observe(this.mirror.rabbit_confirmed(Number(f.id.slice(1))));
        } else if (f.type === 'error' || f.type === 'broken') {
          this.error('broker.err.stomp', { text: `${f.message ?? ''} ${f.body ?? f.text ?? ''}` });
        }
      }
      this.drainRemote();
    };
  }

  publishRemote(n) {
    if (this.brokerState !== 'ready') return this.pending.push(n);
    const dest = `/queue/${this.queue}`;
    for (let i = 0; i < n; i++) {
      const id = this.mirror.rabbit_published(this.s.durable);
      this.ws.send(this.mod.stomp_send(dest, `msg ${id}`, this.s.durable, id, `p${id}`));
    }
    this.drainRemote();
  }

  seen(slot, items) {
    const c = slot.ids[0];
    if (c === undefined || !Array.isArray(items)) return;
    for (const it of items) {
      if (!Number.isInteger(it?.id)) continue;
      if (it.k === 'delivered') this.observe(this.mirror.rabbit_delivered(c, it.id, it.re === true));
      else if (it.k === 'processed') this.observe(this.mirror.rabbit_processed(c, it.id, this.s.idempotent));
      else if (it.k === 'ack') this.observe(this.mirror.rabbit_settled(c, it.id, false, false));
      else if (it.k === 'nack') this.observe(this.mirror.rabbit_settled(c, it.id, true, it.requeue === true));
    }
    this.drainRemote();
  }

  observe(result) {
    if (result && result !== 'skipped') this.error('broker.err.mirror', { text: JSON.parse(result).text });
  }

  drainRemote() {
    const events = JSON.parse(this.mirror.take_events());
    for (const e of events) this.lanes.event(e, this.owner);
    if (events.length) this.dirty = true;
  }

  // ---- rendering: once per animation frame, only when something changed

  raise(key, vars) {
    this.alarm = { key, vars };
    this.dirty = true;
  }

  render() {
    this.dirty = false;
    const counts = JSON.parse(this.mirror.counts());
    // Local: the store of done ids is the broker's (it lives where the work is recorded).
    // Its store dies with a killed broker; the count carries on from what was shown.
    if (!this.remote) counts.skipped = (this.skippedBefore ?? 0) + (this.brokerCounts?.skipped ?? 0);
    this.skipped = counts.skipped;
    // The ledger rule, checked on what is shown; and the mirror against the broker's own
    // ledger after the same events: two bookkeepings that must agree.
    const sum = counts.acked + counts.lost_count + counts.queued + counts.unacked;
    if (sum !== counts.published) this.raise('broker.alarm.rule', { ...counts, sum });
    const b = this.brokerCounts;
    if (b && ['published', 'acked', 'lost_count', 'queued', 'unacked', 'redelivered', 'duplicates'].some((k) => b[k] !== counts[k])) {
      this.raise('broker.alarm.disagree', { ours: JSON.stringify(counts), theirs: JSON.stringify(b) });
    }
    renderLedger(this.ui, counts, {
      broker: this.remote ? 'rabbitmq' : 'local', state: this.brokerState, kills: this.brokerKills ?? 0,
      alarm: this.alarm, durable: this.s.durable, queue: this.queue,
    });
    this.lostShown = renderLost(this.ui.lost, this.mirror, counts.lost_count, this.lostShown);
    this.lanes.render(this.slots);
    renderErrors(this.ui.errors, this.errors);
  }

  relabel() {
    this.lostShown = 0;
    this.ui.lost.replaceChildren();
    this.dirty = true;
  }

  testHooks() {
    return {
      counts: () => JSON.parse(this.mirror.counts()),
      lost: () => JSON.parse(this.mirror.lost(0, 1e9)),
      held: (n) => this.lanes.heldBy(n),
      slots: () => this.slots.map((s) => ({ n: s.n, state: s.state, ready: s.ready, ids: [...s.ids], applied: s.applied })),
      brokerState: () => this.brokerState,
      queue: this.queue,
      postToBroker: (msg) => this.broker?.postMessage(msg),
      // As if the broker worker had posted `msg`: to check the page's alarms.
      asIfFromBroker: (msg) => this.fromBroker(this.broker, msg),
      postToConsumer: (n, msg) => this.slots[n - 1]?.worker?.postMessage(msg),
    };
  }
}

export { RABBITMQ_URL, fill };
