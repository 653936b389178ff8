// Wiring: the worker, the controls, and one animation-frame loop that posts and renders.
// The queue and its consumer live in the worker; this page only forwards and renders.
import { t, getLang, setLang, onLang, fill } from './strings.js';
import { Outbox, AutoProducer } from './producer.js';
import { Ledger } from './ledger.js';
import { BatchLog, renderStats, statTiles, SHOW_MESSAGES } from './render.js';
import { Chart } from './chart.js';
import { FrameMeter, busyOnPage } from './demo.js';
import { workerError } from './errors.js';

// Another view, loaded on demand: its module replaces this page's content, and the rest of this
// module (the playground's own wiring and worker) never runs.
if (new URLSearchParams(location.search).get('view') === 'broker') {
  await (await import('./broker/view.js')).start();
  await new Promise(() => {});
}

const $ = (id) => document.getElementById(id);
/** `Settings::REFERENCE` in src/pipeline/types.rs: the Python loop exactly. */
const REFERENCE = { mode: 'snapshot', interval_ms: 0, work_ms: 5000, max_batch: 4294967295 };
const CONTROLS = { mode: 'mode', interval_ms: 'interval', work_ms: 'work', max_batch: 'max-batch' };
const MAX_ERRORS = 20;

const worker = new Worker(new URL('./consumer-worker.js', import.meta.url), { type: 'module' });
// Every request carries an id; the replies that answer it (ack, config, error) carry it back,
// so replies are matched to requests by number.
let lastId = 0;
const sentConfigs = new Set(); // ids of config requests not yet answered
let resetId = null; // the latest reset, until its ack says the old queue is gone
const send = (msg) => {
  const id = ++lastId;
  worker.postMessage(JSON.stringify({ v: 1, id, ...msg }));
  return id;
};
const outbox = new Outbox(send);
const auto = new AutoProducer(outbox);
const ledger = new Ledger();
const log = new BatchLog($('batches'), $('batches-empty'));
const chart = new Chart($('chart'));
const meter = new FrameMeter($('anim'), $('frame-gap'));

let settings = null; // as the worker last confirmed them
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

worker.onmessage = (e) => {
  let r;
  try {
    r = JSON.parse(e.data);
  } catch {
    return error({ key: 'errors.garbled', vars: { text: String(e.data).slice(0, 200) } });
  }
  dirty = true;
  switch (r.type) {
    case 'ready':
      document.documentElement.dataset.worker = 'ready';
      setThread('worker', { state: 'ready', key: 'thread.ready', detailKey: 'thread.readyDetail' });
      settings = r.settings;
      return reflect();
    case 'config':
      sentConfigs.delete(r.id);
      settings = r.settings;
      return reflect();
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
      return chart.add(r.queue_len);
    case 'state':
      // The activity is a key with numbers (src/pipeline/types.rs `Activity`), shown in the page's language.
      return setThread('worker', { state: r.state, key: `thread.${r.state}`, detailKey: `detail.${r.activity}`, vars: r });
    case 'error':
      error({ error: r.error ?? {}, request: r.request });
      // A refused config changed nothing: show the settings in force again.
      if (sentConfigs.delete(r.id)) reflect();
  }
};
worker.onerror = (e) => {
  document.documentElement.dataset.worker ||= 'failed';
  error({ key: 'errors.workerCrash', vars: { e: e.message || e.type } });
};

// ---- the frame loop: at most one put and one render per frame

function frame(now) {
  requestAnimationFrame(frame);
  auto.tick(now);
  if (outbox.size) {
    outbox.flush();
    dirty = true;
  }
  meter.frame(now);
  log.render();
  chart.draw(now);
  if (dirty) render();
}

function stats() {
  const { posted, size } = outbox;
  const { received, queued, removed, delivered, dupes, repeats, batches } = ledger;
  return { posted, outbox: size, inflight: posted - received, queued, removed, delivered, dupes, repeats, errors, batches };
}

function render() {
  dirty = false;
  renderStats(stats(), shown);
  for (const [name, th] of Object.entries(threads)) {
    const row = $(`thread-${name}`);
    row.dataset.state = th.state;
    row.classList.toggle('was-blocked', th.key === 'thread.blockedFor');
    row.querySelector('.state').textContent = t(th.key, th.vars);
    row.querySelector('.detail').textContent = th.detailKey ? t(th.detailKey, th.vars) : '';
  }
  if (errorsDirty) renderErrors();
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
    for (const [k, i] of Object.entries(CONTROLS)) s[k] = k === 'mode' ? $(i).value : Number($(i).value);
    sendConfig(s);
  };
}
const sendConfig = (s) => sentConfigs.add(send({ type: 'config', ...s }));
$('reference-btn').onclick = () => sendConfig(REFERENCE);

function reflect() {
  if (!settings) return;
  for (const [k, id] of Object.entries(CONTROLS)) if (!$(id).dataset.editing) $(id).value = settings[k];
  for (const li of $('modes').children) li.classList.toggle('on', li.dataset.mode === settings.mode);
  const ref = Object.keys(REFERENCE).every((k) => settings[k] === REFERENCE[k]);
  $('reference-btn').setAttribute('aria-pressed', ref);
}

$('reset-btn').onclick = () => {
  resetId = send({ type: 'reset' });
  outbox.reset();
  ledger.reset();
  log.clear();
  chart.clear();
  errors = 0;
  errorLog = [];
  errorsDirty = dirty = true;
};

// ---- the blocking-work demo

const busyMs = () => Math.min(60000, Math.max(0, Number($('busy-ms').value) || 0));
let backToRunning = 0;
$('busy-page-btn').onclick = async () => {
  $('busy-page-btn').disabled = true;
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
  $('busy-page-btn').disabled = false;
};
$('busy-worker-btn').onclick = () => send({ type: 'work', ms: busyMs() });

// ---- language

$('lang').value = getLang();
$('lang').onchange = () => setLang($('lang').value);
onLang(() => {
  $('burst-count').oninput();
  labelAuto();
  log.redraw();
  meter.render();
  chart.draw(performance.now(), true);
  errorsDirty = dirty = true;
});

statTiles($('stats'), Object.keys(stats()));
setLang(getLang(), false);
requestAnimationFrame(frame);

// For end-to-end tests: the numbers as rendered, the settings the worker confirmed, its state.
window.__qp = {
  worker,
  stats: () => ({ ...shown }),
  settings: () => settings && { ...settings },
  workerState: () => threads.worker.state,
};
