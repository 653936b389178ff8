// The broker view (index.html?view=broker): a broker with acknowledgements, competing
// consumers, redelivery and durability: the in-browser broker (Rust, in its own worker,
// local.js) or a real RabbitMQ over Web-STOMP (remote.js), feeding 1 to 8 consumer workers
// (consumers.js). Every worker is supervised (www/common/supervisor.js). This module wires
// them to the page and keeps the page's ledger (LedgerMirror, Rust); it decides nothing about
// messages itself. All of the view's state is the one object `S` that start() makes.
import { loadI18n } from '../common/i18n.js';
import { readParams, writeParams } from './params.js';
import { buildView, Lanes, renderLedger, renderLost, renderErrors, renderWhy, renderEngineNote } from './render.js';
import { startBroker, fromBroker, toBroker, killBroker } from './local.js';
import { startConsumer, killConsumer } from './consumers.js';
import { connectPublisher, publishRemote, seen } from './remote.js';
import { raise } from './notes.js';
import { startCourse } from './course.js';

const WASM = new URL('../../pkg/broker_bg.wasm', import.meta.url);

/** Starts the view in place of the playground (called by www/common/shell.js). */
export async function start(shell = {}) {
  const i18n = await loadI18n((lang) => import(`./strings/${lang}.js`));
  const { settings, problems } = readParams(location.search);
  const ui = buildView(document, settings, problems, i18n.t);
  setUpHeader(i18n);
  i18n.applyStatic(); // the page's language and labels before the wasm loads
  const mod = await import('../../pkg/broker.js');
  // Compiled once here and handed to every worker: one download of the wasm.
  const module = await WebAssembly.compileStreaming(fetch(WASM));
  await mod.default({ module_or_path: module });
  const S = state(i18n, ui, settings, mod, module);
  i18n.applyStatic(); // the lanes' labels, built with the view state
  i18n.onLang(() => relabel(S));
  begin(S);
  // The level panel (www/common/course.js): judged on the view's facts at every render.
  const restart = (settings, { replace = false } = {}) => {
    if (replace) location.replace(address(settings));
    else location.search = address(settings);
  };
  S.course = await startCourse(S, restart, shell.embedded === true);
  S.dirty = true;
  if (shell.embedded) (await import('../common/embed-frame.js')).startEmbed(i18n);
  window.__qpBroker = testHooks(S);
}

function state(i18n, ui, settings, mod, module) {
  const remote = settings.broker !== 'local';
  const S = {
    i18n, ui, s: settings, mod, module, remote,
    mirror: new mod.LedgerMirror(),
    lanes: new Lanes(ui.lanes, settings.consumers),
    owner: new Map(), // consumer id -> slot
    slots: [], // { n, sup, ids, current, state, ready, detail, applied, crashingOn }
    broker: { sup: null, state: 'starting', counts: null, outbox: [] }, // counts: the broker's own, with its last batch
    skipped: 0,
    skippedBefore: 0,
    alarm: null,
    errors: [], // newest first: { key, vars } or { word(t), death?, worker?, at? }
    errorSeq: 0,
    deaths: 0,
    dirty: true,
    lostShown: 0,
    queue: remote ? `qp-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}` : 'my_queue',
    ws: null,
    pending: [],
    counts: null, // the ledger's counts as last rendered
    // What the kills met (facts of the course, www/broker/course.js): consumer deaths and the
    // messages they held then; messages queued or unacked when the broker died.
    exposure: { consumers: 0, held: 0, brokerHeld: 0 },
    course: null,
  };
  S.consumerSettings = (n) => consumerSettings(S, n);
  S.seen = (slot, items) => seen(S, slot, items);
  return S;
}

/** The header's texts from this view's strings; the language picker. */
function setUpHeader(i18n) {
  for (const el of document.querySelectorAll('header [data-i18n="tagline"]')) el.hidden = true;
  const pick = document.getElementById('lang');
  if (!pick) return;
  pick.value = i18n.getLang();
  pick.onchange = () => i18n.setLang(pick.value);
}

function begin(S) {
  const { ui } = S;
  ui.publish.onclick = () => publish(S, Math.min(100000, Math.max(1, Math.floor(ui.count.value) || 1)));
  ui.killBroker.onclick = () => killBroker(S);
  ui.killBroker.disabled = S.remote;
  ui.apply.onclick = () => { location.search = address(ui.readSettings()); };
  for (let n = 1; n <= S.s.consumers; n++) {
    const slot = { n, sup: null, ids: [], current: null, state: 'starting', ready: false, detail: null };
    S.slots.push(slot);
    const c = S.lanes.controls(n);
    c.work.value = S.s.work;
    c.prefetch.value = S.s.prefetch;
    c.crash.value = 0;
    c.kill.onclick = () => killConsumer(slot);
    c.restart.onclick = () => { if (slot.sup?.state === 'dead') startConsumer(S, slot); };
    const live = () => { if (slot.sup?.state !== 'dead') slot.sup.worker.postMessage({ type: 'settings', ...consumerSettings(S, n) }); };
    c.work.onchange = live;
    c.crash.onchange = live;
  }
  if (S.remote) connectPublisher(S);
  else startBroker(S);
  for (const slot of S.slots) startConsumer(S, slot);
  const frame = () => { requestAnimationFrame(frame); if (S.dirty) render(S); };
  requestAnimationFrame(frame);
}

/** The address for `settings`, keeping the page's language, embed mode and level. */
function address(settings) {
  const q = new URLSearchParams(writeParams(settings));
  const now = new URLSearchParams(location.search);
  for (const k of ['lang', 'embed', 'level']) if (now.has(k)) q.set(k, now.get(k));
  return `?${q}`;
}

function consumerSettings(S, n) {
  const c = S.lanes.controls(n);
  const num = (el, lo, hi, d) => { const v = Number(el.value); return Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : d; };
  return { work: num(c.work, 0, 600000, S.s.work), crash: num(c.crash, 0, 1, 0), prefetch: Math.floor(num(c.prefetch, 0, 1000, S.s.prefetch)) };
}

function publish(S, n) {
  if (S.remote) return publishRemote(S, n);
  toBroker(S, { type: 'publish', n });
}

// ---- rendering: once per animation frame, only when something changed

function render(S) {
  const { t } = S.i18n;
  S.dirty = false;
  const counts = JSON.parse(S.mirror.counts());
  // Local: the store of done ids is the broker's (it lives where the work is recorded).
  // Its store dies with a killed broker; the count carries on from what was shown.
  if (!S.remote) counts.skipped = S.skippedBefore + (S.broker.counts?.skipped ?? 0);
  S.skipped = counts.skipped;
  S.counts = counts;
  // The ledger rule, checked on what is shown; and the mirror against the broker's own
  // ledger after the same events: two bookkeepings that must agree.
  const sum = counts.acked + counts.lost_count + counts.queued + counts.unacked;
  if (sum !== counts.published) raise(S, 'broker.alarm.rule', { ...counts, sum });
  const b = S.broker.counts;
  if (b && ['published', 'acked', 'lost_count', 'queued', 'unacked', 'redelivered', 'duplicates'].some((k) => b[k] !== counts[k])) {
    raise(S, 'broker.alarm.disagree', { ours: JSON.stringify(counts), theirs: JSON.stringify(b) });
  }
  renderLedger(S.ui, counts, {
    broker: S.remote ? 'rabbitmq' : 'local', state: S.broker.state, kills: S.broker.sup?.deaths ?? 0,
    alarm: S.alarm, durable: S.s.durable, queue: S.queue,
  }, t);
  S.lostShown = renderLost(S.ui.lost, S.mirror, counts.lost_count, S.lostShown, t, (c) => S.owner.get(c)?.n);
  renderWhy(S.ui.why, why(S, counts), t);
  const away = S.remote && ['unreachable', 'closed'].includes(S.broker.state);
  renderEngineNote(S.ui.engineNote, away ? `broker.engine.${S.broker.state}` : null, { url: S.s.broker }, t);
  S.lanes.render(S.slots, t);
  S.ui.deaths.dataset.deaths = String(S.deaths);
  S.ui.deaths.textContent = t('supervisor.deaths', { n: S.deaths });
  renderErrors(S.ui.errors, S.errors, t, `${S.errorSeq} ${S.i18n.getLang()}`);
  S.course?.update();
}

/** The sentence that says why the ledger reads as it does after a consumer died holding
 * messages: lost under auto ack, redelivered under manual ack; null before that. */
function why(S, counts) {
  if (S.exposure.held === 0) return null;
  if (S.s.ack === 'auto') return counts.lost_count > 0 ? 'broker.whyLost' : null;
  return counts.redelivered > 0 ? 'broker.whyRedelivered' : null;
}

function relabel(S) {
  S.lostShown = 0;
  S.ui.lost.replaceChildren();
  S.ui.renderProblems(S.i18n.t);
  S.lanes.relabel();
  S.dirty = true;
}

function testHooks(S) {
  /** Ends a worker behind its supervisor's back (the Worker method itself): the time it did. */
  const vanish = (w) => {
    if (!w) return null;
    const at = performance.now();
    Worker.prototype.terminate.call(w);
    return at;
  };
  const terminate = (w) => {
    if (!w) return null;
    const at = performance.now();
    w.terminate();
    return at;
  };
  return {
    counts: () => JSON.parse(S.mirror.counts()),
    lost: () => JSON.parse(S.mirror.lost(0, 1e9)),
    held: (n) => S.lanes.heldBy(n),
    slots: () => S.slots.map((s) => ({ n: s.n, state: s.state, ready: s.ready, ids: [...s.ids], applied: s.applied })),
    brokerState: () => S.broker.state,
    deaths: () => S.deaths,
    queue: S.queue,
    postToBroker: (msg) => S.broker.sup?.worker.postMessage(msg),
    // As if the broker worker had posted `msg`: to check the page's alarms.
    asIfFromBroker: (msg) => fromBroker(S, msg),
    postToConsumer: (n, msg) => S.slots[n - 1]?.sup?.worker.postMessage(msg),
    // End a worker as anyone on the page could (terminate), or as the browser might (vanish).
    terminateBroker: () => terminate(S.broker.sup?.worker),
    terminateConsumer: (n) => terminate(S.slots[n - 1]?.sup?.worker),
    vanishBroker: () => vanish(S.broker.sup?.worker),
    vanishConsumer: (n) => vanish(S.slots[n - 1]?.sup?.worker),
  };
}
