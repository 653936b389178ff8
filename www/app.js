// Wiring: the worker, the controls, and one animation-frame loop that posts and renders.
// The queue and its consumer live in the worker; this page only forwards and renders.
import { t, getLang, setLang, onLang, applyStatic } from './strings.js';
import { Outbox, AutoProducer } from './producer.js';
import { Ledger } from './ledger.js';
import { BatchLog, renderStats, SHOW_MESSAGES } from './render.js';
import { Chart } from './chart.js';
import { FrameMeter, busyOnPage } from './demo.js';

const $ = (id) => document.getElementById(id);
/** `Settings::REFERENCE` in consumer.rs: the Python loop exactly. */
const REFERENCE = { mode: 'snapshot', interval_ms: 0, work_ms: 5000, max_batch: 4294967295 };
const MAX_ERRORS = 20;

const worker = new Worker(new URL('./consumer-worker.js', import.meta.url), { type: 'module' });
const outbox = new Outbox((json) => worker.postMessage(json));
const auto = new AutoProducer(outbox);
const ledger = new Ledger();
const log = new BatchLog($('batches'), $('batches-empty'));
const chart = new Chart($('chart'));
const meter = new FrameMeter($('anim'), $('anim').firstElementChild, $('frame-gap'));

let settings = null; // as the worker last confirmed them
let resetting = 0; // resets posted whose replies have not come back yet
let errors = 0;
let newErrors = [];
let dirty = true;
const shown = {}; // the stats as last rendered
const threads = {
  page: { state: 'running', label: 'thread.running', detail: '' },
  worker: { state: 'starting', label: 'thread.starting', detail: t('thread.loading') },
};

const send = (msg) => worker.postMessage(JSON.stringify({ v: 1, ...msg }));

function error(text, request = '') {
  errors++;
  newErrors.push([text, request]);
  dirty = true;
}

worker.onmessage = (e) => {
  let r;
  try {
    r = JSON.parse(e.data);
  } catch {
    return error(String(e.data));
  }
  dirty = true;
  switch (r.type) {
    case 'ready':
      Object.assign(threads.worker, { state: 'ready', label: 'thread.ready', detail: t('thread.readyDetail') });
    // falls through
    case 'config':
      settings = r.settings;
      return reflect();
    case 'ack':
      // Replies to posts made before a reset describe a queue that is gone.
      if (resetting && r.received !== 0) return;
      if (resetting) resetting--;
      ledger.ack(r);
      return chart.add(r.queue_len);
    case 'batch':
      if (resetting) return;
      log.add(r, ledger.batch(r, SHOW_MESSAGES));
      return chart.add(r.queue_len);
    case 'state':
      return Object.assign(threads.worker, { state: r.state, label: `thread.${r.state}`, detail: r.detail });
    case 'error':
      error(r.error, r.request);
      if (r.request.includes('"config"')) reflect(); // nothing changed: show what is in force
  }
};
worker.onerror = (e) => {
  error(t('errors.workerCrash', { e: e.message || e.type }));
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
  const posted = outbox.posted;
  const { received, queued, removed, delivered, dupes, repeats, batches } = ledger;
  return { posted, outbox: outbox.size, inflight: posted - received, queued, removed, delivered, dupes, repeats, errors, batches };
}

function render() {
  dirty = false;
  renderStats(stats(), shown);
  for (const [name, th] of Object.entries(threads)) {
    const row = $(`thread-${name}`);
    row.dataset.state = th.state;
    row.classList.toggle('was-blocked', th.label === 'thread.blockedFor');
    row.querySelector('.state').textContent = t(th.label, th);
    row.querySelector('.detail').textContent = th.detail;
  }
  if (newErrors.length) {
    const list = $('errors');
    for (const [text, request] of newErrors.slice(-MAX_ERRORS)) {
      const li = document.createElement('li');
      const req = document.createElement('span');
      req.className = 'request';
      if (request) req.textContent = t('errors.request', { r: request });
      li.append(text, req);
      list.prepend(li);
    }
    while (list.children.length > MAX_ERRORS) list.lastElementChild.remove();
    newErrors = [];
  }
}

// ---- producer

function sendText() {
  const input = $('msg-input');
  if (input.value === '') return;
  outbox.put(input.value);
  input.value = '';
  dirty = true;
}
$('msg-input').addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.isComposing) sendText();
});
$('send-btn').onclick = sendText;

const burstCount = () => Math.min(1e6, Math.max(1, Math.floor(Number($('burst-count').value)) || 1));
const labelBurst = () => { $('burst-btn').textContent = t('producer.burst', { n: burstCount() }); };
$('burst-count').oninput = labelBurst;
$('burst-btn').onclick = () => {
  outbox.putMany(burstCount(), (i) => `burst ${i}`);
  dirty = true;
};

const labelAuto = () => {
  $('auto-toggle').textContent = t(auto.on ? 'producer.autoOn' : 'producer.autoOff');
  $('auto-toggle').setAttribute('aria-pressed', auto.on);
};
$('auto-rate').onchange = () => auto.setRate(Number($('auto-rate').value));
$('auto-toggle').onclick = () => {
  auto.setRate(Number($('auto-rate').value));
  auto.toggle();
  labelAuto();
};

// ---- consumer settings: changes go to the worker at once; the controls show what it confirms

const CONTROLS = { mode: 'mode', interval_ms: 'interval', work_ms: 'work', max_batch: 'max-batch' };

function postConfig(s) {
  send({ type: 'config', ...s });
}
for (const id of Object.values(CONTROLS)) {
  // An edit not yet committed is not overwritten by a reply to an earlier change.
  $(id).oninput = () => { $(id).dataset.editing = 1; };
  $(id).onchange = () => {
    delete $(id).dataset.editing;
    const s = {};
    for (const [k, i] of Object.entries(CONTROLS)) s[k] = k === 'mode' ? $(i).value : Number($(i).value);
    postConfig(s);
  };
}
$('reference-btn').onclick = () => postConfig(REFERENCE);

function reflect() {
  if (!settings) return;
  for (const [k, id] of Object.entries(CONTROLS)) if (!$(id).dataset.editing) $(id).value = settings[k];
  for (const li of document.querySelectorAll('#modes li')) li.classList.toggle('on', li.dataset.mode === settings.mode);
  const ref = Object.keys(REFERENCE).every((k) => settings[k] === REFERENCE[k]);
  $('reference-btn').setAttribute('aria-pressed', ref);
}

$('reset-btn').onclick = () => {
  send({ type: 'reset' });
  resetting++;
  outbox.reset();
  ledger.reset();
  log.clear();
  chart.clear();
  errors = 0;
  newErrors = [];
  $('errors').replaceChildren();
  dirty = true;
};

// ---- the blocking-work demo

const busyMs = () => Math.min(60000, Math.max(0, Number($('busy-ms').value) || 0));
let blockedTimer = 0;
$('busy-page-btn').onclick = async () => {
  const btn = $('busy-page-btn');
  btn.disabled = true;
  try {
    const took = Math.round(await busyOnPage(busyMs(), () => {
      // Written now, outside the frame loop, so that it is on screen while the page is frozen.
      Object.assign(threads.page, { state: 'blocked', label: 'thread.blocked' });
      render();
    }));
    Object.assign(threads.page, { state: 'running', label: 'thread.blockedFor', ms: took, detail: t('thread.lastBlocked', { ms: took }) });
    clearTimeout(blockedTimer);
    blockedTimer = setTimeout(() => {
      threads.page.label = 'thread.running';
      dirty = true;
    }, 5000);
  } catch (e) {
    error(t('errors.wasm', { e }));
  }
  btn.disabled = false;
  dirty = true;
};
$('busy-worker-btn').onclick = () => send({ type: 'work', ms: busyMs() });

// ---- language

$('lang').value = getLang();
$('lang').onchange = () => setLang($('lang').value);
function relabel() {
  labelBurst();
  labelAuto();
  log.redraw();
  meter.render();
  chart.draw(performance.now(), true);
  if (threads.page.ms != null) threads.page.detail = t('thread.lastBlocked', threads.page);
  if (threads.worker.state === 'starting') threads.worker.detail = t('thread.loading');
  if (threads.worker.state === 'ready') threads.worker.detail = t('thread.readyDetail');
  dirty = true;
}
onLang(relabel);
applyStatic();
relabel();
requestAnimationFrame(frame);

window.__qp = { worker, stats: () => ({ ...shown }) };
