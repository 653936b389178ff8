// The panels drawn from the view's state at most once a frame: the stats and their balance, the
// two threads, the supervisor's line, the queue-full notice and the errors. Each is worded at
// render time, in the page's language, from keys and numbers kept in the state.
import { renderStats } from './render.js';

const $ = (id) => document.getElementById(id);
/** The errors kept on the page, newest first. */
const MAX_ERRORS = 20;

/** Changes a thread's row (merged over what it had). */
export function setThread(state, name, row) {
  state.threads[name] = { ...state.threads[name], ...row };
  state.dirty = true;
}

/** Counts and keeps an error: `{ key, vars }`, or a worker's `{ error, request }`, worded when shown. */
export function noteError(state, entry) {
  const e = state.errors;
  e.count++;
  e.log = [entry, ...e.log.slice(0, MAX_ERRORS - 1)];
  e.dirty = state.dirty = true;
}

/** The numbers the accounting shows, by the key of their tile. */
export function stats({ outbox, ledger, errors }) {
  const { posted, size } = outbox;
  const { inflight, queued, removedAll: removed, refused, lost, delivered, dupes, repeats, batches } = ledger;
  return { posted, outbox: size, inflight, queued, removed, refused, lost, delivered, dupes, repeats, errors: errors.count, batches };
}

/** Draws whatever changed since the last render. */
export function render(state) {
  state.dirty = false;
  renderStats(stats(state), state.shown, health(state), state.i18n.t);
  renderThreads(state);
  renderHealth(state);
  renderFull(state);
  if (state.errors.dirty) renderErrors(state);
}

/** 'answering', 'starting' or 'silent' (not answering its heartbeat, or dead). */
function health({ sup }) {
  return sup.answering ? 'answering' : sup.state === 'starting' ? 'starting' : 'silent';
}

/** The worker's row while it is silent but not yet dead, over what it last said; else null. */
function lateRow({ sup }) {
  return sup.state === 'late' && { state: 'late', key: 'worker.late', detailKey: 'thread.lateDetail', vars: { ms: sup.o.silenceMs } };
}

/** The supervisor's line under the threads: what it knows, and after a death what was lost. */
function renderHealth(state) {
  const { sup, lastDeath } = state;
  const vars = {
    interval: sup.o.intervalMs, silence: sup.o.silenceMs, deaths: sup.deaths, restarts: sup.restarts,
    mb: (state.memoryBytes / 2 ** 20).toFixed(1), ...lastDeath,
  };
  let key = `health.${sup.state}`;
  if (sup.state === 'dead') {
    key = lastDeath?.restartInMs != null ? 'health.deadRestarting' : lastDeath?.gaveUp ? 'health.deadGaveUp' : 'health.deadPressRestart';
  }
  const text = state.i18n.t(key, { ...vars, ms: lastDeath?.restartInMs, n: sup.earlyDeaths });
  const el = $('worker-health');
  if (el.textContent !== text) el.textContent = text;
  el.dataset.state = sup.state;
  // aria-disabled, not disabled: a disabled button drops the keyboard focus to <body>.
  $('restart-worker').setAttribute('aria-disabled', sup.state === 'starting');
}

function renderThreads(state) {
  const { t } = state.i18n;
  // Silence that is not yet death shows on the worker's row over what it last said.
  for (const [name, th] of [['page', state.threads.page], ['worker', lateRow(state) || state.threads.worker]]) {
    const row = $(`thread-${name}`);
    row.dataset.state = th.state;
    row.classList.toggle('was-blocked', th.key === 'thread.blockedFor');
    row.querySelector('.state').textContent = t(th.key, th.vars);
    row.querySelector('.detail').textContent = th.detailKey ? t(th.detailKey, th.vars) : '';
  }
}

/** The producer's notice after a put the full queue refused (Python's `queue.Full`). */
function renderFull(state) {
  const full = state.ledger.lastFull;
  const notice = full ? state.i18n.t(`full.${full.bound}`, { ...full, last: full.first_refused + full.refused - 1 }) : '';
  const el = $('full-notice');
  if (el.dataset.text !== notice) {
    el.dataset.text = notice;
    state.i18n.fill(el, notice);
  }
}

function renderErrors(state) {
  const { i18n, refusals } = state;
  // A worker's refusal is worded by refusals/words.js, loaded with its strings the first time.
  if (!refusals.words && state.errors.log.some((entry) => entry.error)) return loadRefusals(state);
  state.errors.dirty = false;
  $('errors').replaceChildren(...state.errors.log.map((entry) => {
    // Worded now, in the language now: a worker's error is a key and fields until shown.
    const { key, vars } = entry.error ? refusals.words.workerError(entry.error, i18n) : entry;
    const li = document.createElement('li');
    const text = document.createElement('span');
    text.className = 'error-text';
    i18n.fill(text, i18n.t(key, vars));
    const req = document.createElement('span');
    if (entry.request) req.textContent = i18n.t('errors.request', { r: entry.request });
    li.append(text, req);
    return li;
  }));
}

/** Loads the refusals' wording and strings once; the errors are drawn in the frame after. */
function loadRefusals(state) {
  const { refusals } = state;
  refusals.loading ??= import('./refusals/words.js')
    .then(async (words) => {
      await state.i18n.extend(words.loadStrings);
      refusals.words = words;
    })
    .catch((e) => {
      // Not loaded (the network failed): the refusal is shown as its key and fields.
      refusals.words = { workerError: (err) => ({ key: 'errors.unworded', vars: { e: String(e), json: JSON.stringify(err) } }) };
    })
    .finally(() => { state.errors.dirty = state.dirty = true; });
}
