// The panels drawn from the view's state at most once a frame: the stats and their balance, the
// two threads, the supervisor's line, the queue-full notice and the errors. Each is worded at
// render time, in the page's language, from keys and numbers kept in the state.
import { renderStats } from './render.js';
import { health, lateRow, renderHealth } from './consumer.js';

const $ = (id) => document.getElementById(id);

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
