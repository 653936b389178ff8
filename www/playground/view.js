// Wiring: the worker, the controls, and one animation-frame loop that posts and renders.
// The queue and its consumer live in the worker; this page only forwards and renders.
import { t, getLang, setLang, onLang, fill } from './strings.js';
import { Outbox, AutoProducer, MAX_IN_FLIGHT } from './producer.js';
import { Ledger } from './ledger.js';
import { BatchLog, Announcer, renderStats, statTiles, SHOW_MESSAGES } from './render.js';
import { Chart } from './chart.js';
import { FrameMeter, busyOnPage } from './demo.js';
import { workerError } from './errors.js';
import { Supervisor } from '../common/supervisor.js';

const $ = (id) => document.getElementById(id);
/** "No limit" on a batch: u32::MAX, as `Settings::REFERENCE` has it; shown as an empty box. */
const UNLIMITED = 4294967295;
/**
 * What the reference switch sets: `Settings::REFERENCE` in src/pipeline/types.rs (the Python
 * loop) except for the work, 1 s a round where the post burns 5 s, so that the first repeat
 * shows within seconds of a message. The page says so next to the switch.
 */
const REFERENCE = { mode: 'snapshot', interval_ms: 0, work_ms: 1000, max_batch: UNLIMITED };
/** `Settings::default()`: what switching the reference off restores if nothing came before. */
const DEFAULTS = { mode: 'drain', interval_ms: 500, work_ms: 100, max_batch: 100 };
const CONTROLS = { mode: 'mode', interval_ms: 'interval', work_ms: 'work', max_batch: 'max-batch' };
const MAX_ERRORS = 20;

// The consumer worker, supervised (www/common/supervisor.js): its death is noticed, told,
// counted and survived. Every request carries an id; the replies that answer it (ack, full,
// config, maxsize, pong, error) carry it back, so replies are matched to requests by number.
let lastId = 0;
const sentConfigs = new Set(); // ids of config requests not yet answered
const sentBounds = new Set(); // ids of maxsize requests not yet answered
let resetId = null; // the latest reset, until its ack says the old queue is gone
/** Posts a request to the worker; nothing goes to a dead one (it returns null). */
const send = (msg) => {
  if (sup.state === 'dead') return null;
  const id = ++lastId;
  sup.worker.postMessage(JSON.stringify({ v: 1, id, ...msg }));
  return id;
};
const sup = new Supervisor({
  create: () => new Worker(new URL('./queue-worker.js', import.meta.url), { type: 'module' }),
  ping: () => send({ type: 'ping' }),
  onMessage: (e) => onReply(e.data),
  onStart: () => {
    document.documentElement.dataset.worker = 'starting';
    setThread('worker', { state: 'starting', key: 'thread.starting', detailKey: 'thread.loading', vars: {} });
    // A restarted worker carries on with the settings the last one confirmed.
    if (settings) sendConfig(settings);
    if (bound) sentBounds.add(send({ type: 'maxsize', maxsize: bound.maxsize }));
  },
  onDeath: (death) => died(death),
  onState: () => { dirty = true; },
});
const outbox = new Outbox((msg) => ledger.posted(send(msg), msg.texts.length));
const auto = new AutoProducer(outbox);
const ledger = new Ledger();
const log = new BatchLog($('batches'), $('batches-empty'));
const chart = new Chart($('chart'));
const meter = new FrameMeter($('anim'), $('frame-gap'));
const announcer = new Announcer($('announce'), ledger);

let settings = null; // as the worker last confirmed them
let beforeReference = null; // the confirmed settings the reference switch replaced, to restore
let bound = null; // the queue's bound as the worker last confirmed it: { maxsize, max_bytes }
let memoryBytes = 0; // the worker's wasm memory, from its latest pong
let lastDeath = null; // the latest death, with what was lost
let errors = 0;
let errorLog = []; // newest first: { key, vars } or a worker's { error }, worded at render time
let errorsDirty = false;
let dirty = true;
const shown = {}; // the stats as last rendered
// Each row: `state` for styling, `key`/`vars` for its label, `detailKey` for its second line.
const threads = {
  page: { state: 'running', key: 'thread.running' },
  worker: { state: 'starting', key: 'thread.starting', detailKey: 'thread.loading' },
};
const setThread = (name, row) => {
  threads[name] = { ...threads[name], ...row };
  dirty = true;
};

function error(entry) {
  errors++;
  errorLog = [entry, ...errorLog.slice(0, MAX_ERRORS - 1)];
  errorsDirty = dirty = true;
}

function onReply(data) {
  let r;
  try {
    r = JSON.parse(data);
  } catch {
    return error({ key: 'errors.garbled', vars: { text: String(data).slice(0, 200) } });
  }
  dirty = true;
  switch (r.type) {
    case 'ready':
      sup.ready();
      document.documentElement.dataset.worker = 'ready';
      setThread('worker', { state: 'ready', key: 'thread.ready', detailKey: 'thread.readyDetail' });
      // What this worker has; a restarted one gets the last settings re-sent, confirmed next.
      settings = r.settings;
      bound = { maxsize: r.maxsize, max_bytes: r.max_bytes };
      return reflect();
    case 'pong':
      memoryBytes = r.memory_bytes ?? memoryBytes;
      return;
    case 'config':
      sentConfigs.delete(r.id);
      settings = r.settings;
      return reflect();
    case 'maxsize':
      sentBounds.delete(r.id);
      bound = { maxsize: r.maxsize, max_bytes: r.max_bytes };
      return reflect();
    case 'full':
      if (resetId !== null) return;
      return ledger.full(r);
    case 'ack':
      // Replies to puts made before the latest reset describe a queue that is gone.
      if (resetId !== null) {
        if (r.id !== resetId) return;
        resetId = null;
      }
      ledger.ack(r);
      return chart.add(r.queue_len);
    case 'batch':
      if (resetId !== null) return;
      log.add(r, ledger.batch(r, SHOW_MESSAGES));
      announcer.batch(r);
      return chart.add(r.queue_len);
    case 'state':
      // Blocking work is declared before it starts: the supervisor waits that long for answers.
      sup.busy(r.state === 'working' ? r.work_ms : 0);
      // The activity is a key with numbers (src/pipeline/types.rs `Activity`), shown in the page's language.
      return setThread('worker', { state: r.state, key: `thread.${r.state}`, detailKey: `detail.${r.activity}`, vars: r });
    case 'error':
      if (r.error?.key === 'worker_start') return sup.fail('start', r.error.detail);
      error({ error: r.error ?? {}, request: r.request });
      ledger.refusedWhole(r.id);
      // A refused config or bound changed nothing: show the settings in force again.
      if (sentConfigs.delete(r.id) || sentBounds.delete(r.id)) reflect();
  }
}

/** The worker died: say why, count what died with it, and restart it if asked to. */
function died(death) {
  const loss = ledger.workerDied();
  sentConfigs.clear();
  sentBounds.clear();
  resetId = null;
  lastDeath = { ...death, ...loss, lost: loss.inflight + loss.queued };
  document.documentElement.dataset.worker = 'dead';
  setThread('worker', { state: 'dead', key: 'thread.dead', detailKey: `death.${death.cause}`, vars: lastDeath });
  error({ key: `death.${death.cause}`, vars: lastDeath });
}

// ---- the frame loop: at most one put and one render per frame

function frame(now) {
  requestAnimationFrame(frame);
  auto.tick(now);
  // Puts go only to a worker that answers, and at most MAX_IN_FLIGHT wait unread in its event
  // loop; the rest wait here, in the outbox, until it catches up or is restarted.
  if (outbox.size && sup.answering && ledger.inflight < MAX_IN_FLIGHT) {
    outbox.flush(MAX_IN_FLIGHT - ledger.inflight);
    dirty = true;
  }
  meter.frame(now);
  announcer.tick(now, sup.state);
  log.render();
  chart.draw(now);
  if (dirty) render();
}

function stats() {
  const { posted, size } = outbox;
  const { inflight, queued, removedAll: removed, refused, lost, delivered, dupes, repeats, batches } = ledger;
  return { posted, outbox: size, inflight, queued, removed, refused, lost, delivered, dupes, repeats, errors, batches };
}

/** 'answering', 'starting' or 'silent' (not answering its heartbeat, or dead). */
const health = () => (sup.answering ? 'answering' : sup.state === 'starting' ? 'starting' : 'silent');

function render() {
  dirty = false;
  renderStats(stats(), shown, health());
  // Silence that is not yet death shows on the worker's row over what it last said.
  const late = sup.state === 'late' && { state: 'late', key: 'thread.late', detailKey: 'thread.lateDetail', vars: { ms: sup.o.silenceMs } };
  for (const [name, th] of [['page', threads.page], ['worker', late || threads.worker]]) {
    const row = $(`thread-${name}`);
    row.dataset.state = th.state;
    row.classList.toggle('was-blocked', th.key === 'thread.blockedFor');
    row.querySelector('.state').textContent = t(th.key, th.vars);
    row.querySelector('.detail').textContent = th.detailKey ? t(th.detailKey, th.vars) : '';
  }
  renderHealth();
  if (errorsDirty) renderErrors();
}

/** The supervisor's line under the threads: what it knows, and after a death what was lost. */
function renderHealth() {
  const vars = {
    interval: sup.o.intervalMs, silence: sup.o.silenceMs, deaths: sup.deaths, restarts: sup.restarts,
    mb: (memoryBytes / 2 ** 20).toFixed(1), ...lastDeath,
  };
  let key = `health.${sup.state}`;
  if (sup.state === 'dead') {
    key = lastDeath?.restartInMs != null ? 'health.deadRestarting' : lastDeath?.gaveUp ? 'health.deadGaveUp' : 'health.deadPressRestart';
  }
  const text = t(key, { ...vars, ms: lastDeath?.restartInMs, n: sup.earlyDeaths });
  const el = $('worker-health');
  if (el.textContent !== text) el.textContent = text;
  el.dataset.state = sup.state;
  // aria-disabled, not disabled: a disabled button drops the keyboard focus to <body>.
  $('restart-worker').setAttribute('aria-disabled', sup.state === 'starting');
  const full = ledger.lastFull;
  const notice = full ? t(`full.${full.bound}`, { ...full, last: full.first_refused + full.refused - 1 }) : '';
  if ($('full-notice').dataset.text !== notice) {
    $('full-notice').dataset.text = notice;
    fill($('full-notice'), notice);
  }
}

function renderErrors() {
  errorsDirty = false;
  $('errors').replaceChildren(...errorLog.map((entry) => {
    // Worded now, in the language now: a worker's error is a key and fields until shown.
    const { key, vars } = entry.error ? workerError(entry.error) : entry;
    const request = entry.request;
    const li = document.createElement('li');
    const text = document.createElement('span');
    text.className = 'error-text';
    fill(text, t(key, vars));
    const req = document.createElement('span');
    if (request) req.textContent = t('errors.request', { r: request });
    li.append(text, req);
    return li;
  }));
}

// ---- producer

function sendText() {
  const input = $('msg-input');
  if (input.value === '') return;
  outbox.put(input.value);
  input.value = '';
  dirty = true;
}
$('msg-input').onkeydown = (e) => {
  if (e.key === 'Enter' && !e.isComposing) sendText(); // not while an IME is composing
};
$('send-btn').onclick = sendText;

const burstCount = () => Math.min(1e6, Math.max(1, Math.floor($('burst-count').value) || 1));
$('burst-count').oninput = () => { $('burst-btn').textContent = t('producer.burst', { n: burstCount() }); };
$('burst-btn').onclick = () => {
  outbox.putMany(burstCount(), (i) => `burst ${i}`);
  dirty = true;
};

const autoRate = () => auto.setRate(Number($('auto-rate').value));
$('auto-rate').onchange = autoRate;
$('auto-toggle').onclick = () => {
  autoRate();
  auto.toggle();
  labelAuto();
};
function labelAuto() {
  $('auto-toggle').textContent = t(auto.on ? 'producer.autoOn' : 'producer.autoOff');
  $('auto-toggle').setAttribute('aria-pressed', auto.on);
}

// ---- consumer settings: changes go to the worker at once; the controls show what it confirms

for (const id of Object.values(CONTROLS)) {
  // An edit not yet committed is not overwritten by the reply to an earlier change.
  $(id).oninput = () => { $(id).dataset.editing = 1; };
  $(id).onchange = () => {
    delete $(id).dataset.editing;
    const s = {};
    for (const [k, i] of Object.entries(CONTROLS)) s[k] = readControl(k, $(i).value);
    sendConfig(s);
  };
}
/** A control's value as the worker takes it: an empty max batch means no limit. */
const readControl = (k, v) => (k === 'mode' ? v : k === 'max_batch' && v.trim() === '' ? UNLIMITED : Number(v));
/** A setting as a user would type it: no limit is an empty box (its placeholder says so). */
const showControl = (k, v) => (k === 'max_batch' && v === UNLIMITED ? '' : String(v));
const sendConfig = (s) => {
  const id = send({ type: 'config', ...s });
  if (id !== null) sentConfigs.add(id);
};
// The queue's bound: Python's `q.maxsize = n`, from the next put on.
$('maxsize').oninput = () => { $('maxsize').dataset.editing = 1; };
$('maxsize').onchange = () => {
  delete $('maxsize').dataset.editing;
  const id = send({ type: 'maxsize', maxsize: Number($('maxsize').value) });
  if (id !== null) sentBounds.add(id);
  else reflect();
};
// The reference switch is a toggle: on, it remembers the settings in force and sets the
// reference's; off, it puts back exactly those (or the defaults, if it was on from the start).
const isReference = (s) => s && Object.keys(REFERENCE).every((k) => s[k] === REFERENCE[k]);
$('reference-btn').onclick = () => {
  if (!settings) return;
  if (isReference(settings)) {
    sendConfig(beforeReference ?? DEFAULTS);
    beforeReference = null;
  } else {
    beforeReference = { ...settings };
    sendConfig(REFERENCE);
  }
};

function reflect() {
  if (!settings) return;
  for (const [k, id] of Object.entries(CONTROLS)) if (!$(id).dataset.editing) $(id).value = showControl(k, settings[k]);
  for (const li of $('modes').children) li.classList.toggle('on', li.dataset.mode === settings.mode);
  $('reference-btn').setAttribute('aria-pressed', isReference(settings));
  labelReference();
  if (bound && !$('maxsize').dataset.editing) $('maxsize').value = bound.maxsize;
}

/** The line under the switch: what it sets and how that differs from the post, or what it restores. */
function labelReference() {
  if (!settings) return;
  let text = t('consumer.referenceOff');
  if (isReference(settings)) {
    const b = beforeReference ?? DEFAULTS;
    const max = b.max_batch === UNLIMITED ? t('consumer.unlimited') : b.max_batch;
    text = t('consumer.referenceOn', { mode: t(`mode.${b.mode}`), interval: b.interval_ms, work: b.work_ms, max });
  }
  if ($('reference-note').dataset.text !== text) {
    $('reference-note').dataset.text = text;
    fill($('reference-note'), text);
  }
}

$('reset-btn').onclick = () => {
  resetId = send({ type: 'reset' });
  outbox.reset();
  ledger.reset();
  announcer.reset();
  log.clear();
  chart.clear();
  errors = 0;
  errorLog = [];
  errorsDirty = dirty = true;
};

// ---- the blocking-work demo

const busyMs = () => Math.min(60000, Math.max(0, Number($('busy-ms').value) || 0));
let backToRunning = 0;
let pageBusy = false;
$('busy-page-btn').onclick = async () => {
  // Clicks made while the page is frozen arrive after it thaws: they start nothing.
  if (pageBusy) return;
  pageBusy = true;
  $('busy-page-btn').setAttribute('aria-disabled', true);
  try {
    const ms = Math.round(await busyOnPage(busyMs(), () => {
      // Rendered now, not in the frame loop, so that it is on screen while the page is frozen.
      setThread('page', { state: 'blocked', key: 'thread.blocked' });
      render();
    }));
    setThread('page', { state: 'running', key: 'thread.blockedFor', vars: { ms }, detailKey: 'thread.lastBlocked' });
    clearTimeout(backToRunning);
    backToRunning = setTimeout(() => setThread('page', { key: 'thread.running' }), 5000);
  } catch (e) {
    setThread('page', { state: 'running', key: 'thread.running' });
    error({ key: 'errors.wasm', vars: { e: String(e) } });
  }
  $('busy-page-btn').setAttribute('aria-disabled', false);
  // Clicks queued during the freeze run after this task: they must find it still busy.
  setTimeout(() => { pageBusy = false; }, 0);
};
$('busy-worker-btn').onclick = () => send({ type: 'work', ms: busyMs() });

// ---- supervision: restart by hand, or automatically

$('restart-worker').onclick = () => {
  if (sup.state !== 'starting') sup.restart();
};
$('auto-restart').onchange = () => sup.setAuto($('auto-restart').checked);

// ---- language

$('lang').value = getLang();
$('lang').onchange = () => setLang($('lang').value);
onLang(() => {
  $('burst-count').oninput();
  labelAuto();
  labelReference();
  announcer.relabel();
  log.redraw();
  meter.render();
  chart.draw(performance.now(), true);
  errorsDirty = dirty = true;
});

// On a phone the long introduction starts folded (its summary line still says what it is).
if (matchMedia('(max-width: 600px)').matches) $('intro').open = false;
statTiles($('stats'), Object.keys(stats()));
setLang(getLang(), false);
// Embed mode (?embed=1, set in the page's head): loaded only in a frame, so a visit pays nothing for it.
if (document.documentElement.dataset.embed) import('../common/embed-frame.js').then((m) => m.startEmbed({ t, getLang, onLang }));
sup.setAuto($('auto-restart').checked);
sup.start();
requestAnimationFrame(frame);

// For end-to-end tests: the numbers as rendered, the settings the worker confirmed, its state,
// and the supervisor's view of it (the worker is whichever one runs now).
window.__qp = {
  get worker() { return sup.worker; },
  stats: () => ({ ...shown }),
  settings: () => settings && { ...settings },
  bound: () => bound && { ...bound },
  workerState: () => threads.worker.state,
  supervisor: () => ({ state: sup.state, deaths: sup.deaths, restarts: sup.restarts, memoryBytes, lastDeath }),
};
