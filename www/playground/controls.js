// The controls: the producer (one message, a burst, an automatic rate), the consumer's settings
// (changes go to the worker at once; the controls show what it confirms), the reference switch,
// the reset, and the blocking-work demo (the same busy loop on the page thread or in the worker).
import { sendBound, sendConfig } from './consumer.js';
import { noteError, render, setThread } from './panels.js';
import { pageWork } from './demo.js';

const $ = (id) => document.getElementById(id);
/** "No limit" on a batch: u32::MAX, as `Settings::REFERENCE` has it; shown as an empty box. */
export const UNLIMITED = 4294967295;
/**
 * What the reference switch sets: `Settings::REFERENCE` in src/pipeline/types.rs (the Python
 * loop) except for the work, 1 s a round where the post burns 5 s, so that the first repeat
 * shows within seconds of a message. The page says so next to the switch.
 */
const REFERENCE = { mode: 'snapshot', interval_ms: 0, work_ms: 1000, max_batch: UNLIMITED };
/** `Settings::default()`: what switching the reference off restores if nothing came before. */
const DEFAULTS = { mode: 'drain', interval_ms: 500, work_ms: 100, max_batch: 100 };
const CONTROLS = { mode: 'mode', interval_ms: 'interval', work_ms: 'work', max_batch: 'max-batch' };

/** A control's value as the worker takes it: an empty max batch means no limit. */
const readControl = (k, v) => (k === 'mode' ? v : k === 'max_batch' && v.trim() === '' ? UNLIMITED : Number(v));
/** A setting as a user would type it: no limit is an empty box (its placeholder says so). */
const showControl = (k, v) => (k === 'max_batch' && v === UNLIMITED ? '' : String(v));
export const isReference = (s) => s && Object.keys(REFERENCE).every((k) => s[k] === REFERENCE[k]);
const burstCount = () => Math.min(1e6, Math.max(1, Math.floor($('burst-count').value) || 1));
const busyMs = () => Math.min(60000, Math.max(0, Number($('busy-ms').value) || 0));

/** Connects every control to the state. */
export function wireControls(state) {
  wireProducer(state);
  wireSettings(state);
  wireDemo(state);
  $('reset-btn').onclick = () => reset(state);
}

/** Words the controls whose labels carry numbers or state, in the page's language. */
export function relabelControls(state) {
  const { t } = state.i18n;
  $('burst-btn').textContent = t('producer.burst', { n: burstCount() });
  $('auto-toggle').textContent = t(state.auto.on ? 'producer.autoOn' : 'producer.autoOff');
  $('auto-toggle').setAttribute('aria-pressed', state.auto.on);
  labelReference(state);
}

function wireProducer(state) {
  const { outbox, auto } = state;
  const sendText = () => {
    const input = $('msg-input');
    if (input.value === '') return;
    outbox.put(input.value);
    input.value = '';
    state.dirty = true;
  };
  $('msg-input').onkeydown = (e) => {
    if (e.key === 'Enter' && !e.isComposing) sendText(); // not while an IME is composing
  };
  $('send-btn').onclick = sendText;
  $('burst-count').oninput = () => relabelControls(state);
  $('burst-btn').onclick = () => {
    outbox.putMany(burstCount(), (i) => `burst ${i}`);
    state.dirty = true;
  };
  const autoRate = () => auto.setRate(Number($('auto-rate').value));
  $('auto-rate').onchange = autoRate;
  $('auto-toggle').onclick = () => {
    autoRate();
    auto.toggle();
    relabelControls(state);
  };
}

function wireSettings(state) {
  const { send } = state;
  for (const id of Object.values(CONTROLS)) {
    // An edit not yet committed is not overwritten by the reply to an earlier change.
    $(id).oninput = () => { $(id).dataset.editing = 1; };
    $(id).onchange = () => {
      delete $(id).dataset.editing;
      const s = {};
      for (const [k, i] of Object.entries(CONTROLS)) s[k] = readControl(k, $(i).value);
      sendConfig(state, send, s);
    };
  }
  // The queue's bound: Python's `q.maxsize = n`, from the next put on.
  $('maxsize').oninput = () => { $('maxsize').dataset.editing = 1; };
  $('maxsize').onchange = () => {
    delete $('maxsize').dataset.editing;
    if (sendBound(state, send, Number($('maxsize').value)) === null) reflect(state);
  };
  // The reference switch is a toggle: on, it remembers the settings in force and sets the
  // reference's; off, it puts back exactly those (or the defaults, if it was on from the start).
  $('reference-btn').onclick = () => {
    if (!state.settings) return;
    if (isReference(state.settings)) {
      sendConfig(state, send, state.beforeReference ?? DEFAULTS);
      state.beforeReference = null;
    } else {
      state.beforeReference = { ...state.settings };
      sendConfig(state, send, REFERENCE);
    }
  };
}

/** Shows the settings and bound the worker confirmed, except in a control being edited. */
export function reflect(state) {
  const { settings, bound } = state;
  if (!settings) return;
  for (const [k, id] of Object.entries(CONTROLS)) if (!$(id).dataset.editing) $(id).value = showControl(k, settings[k]);
  for (const li of $('modes').children) li.classList.toggle('on', li.dataset.mode === settings.mode);
  $('reference-btn').setAttribute('aria-pressed', isReference(settings));
  labelReference(state);
  if (bound && !$('maxsize').dataset.editing) $('maxsize').value = bound.maxsize;
}

/** The line under the switch: what it sets and how that differs from the post, or what it restores. */
function labelReference(state) {
  const { settings, i18n: { t, fill } } = state;
  if (!settings) return;
  let text = t('consumer.referenceOff');
  if (isReference(settings)) {
    const b = state.beforeReference ?? DEFAULTS;
    const max = b.max_batch === UNLIMITED ? t('consumer.unlimited') : b.max_batch;
    text = t('consumer.referenceOn', { mode: t(`mode.${b.mode}`), interval: b.interval_ms, work: b.work_ms, max });
  }
  if ($('reference-note').dataset.text !== text) {
    $('reference-note').dataset.text = text;
    fill($('reference-note'), text);
  }
}

/** Empties the queue and starts counting again; replies about the old queue are ignored. */
function reset(state) {
  state.req.resetId = state.send({ type: 'reset' });
  for (const part of [state.outbox, state.ledger, state.announcer]) part.reset();
  state.log.clear();
  state.chart.clear();
  state.errors = { count: 0, log: [], dirty: true };
  state.dirty = true;
}

function wireDemo(state) {
  const { page } = state;
  page.work = pageWork();
  $('busy-page-btn').onclick = () => busyPage(state);
  $('busy-worker-btn').onclick = () => {
    const ms = busyMs();
    // Recorded as the worker's when its state says the work began and then that it ended.
    if (state.send({ type: 'work', ms }) !== null) state.busy.pending.push({ ms, pageBlocked: 0, began: false });
  };
}

/**
 * Records busy work that ran to its end (the course's facts, www/playground/course.js): where it
 * ran, how long it was asked to run, and how long the page thread was blocked by busy work while
 * it ran. Counted from what the view did and was told, never from a clock or a frame gap.
 */
export function busyDone(state, run) {
  state.busy.last = run;
  state.dirty = true;
}

/** Blocks the page thread for the chosen time, showing it blocked while it is. */
async function busyPage(state) {
  const { page } = state;
  // Clicks made while the page is frozen arrive after it thaws: they start nothing.
  if (page.busy) return;
  page.busy = true;
  $('busy-page-btn').setAttribute('aria-disabled', true);
  const asked = busyMs();
  try {
    const ms = Math.round(await page.work(asked, () => {
      // Drawn now, not in the frame loop, so that it is on screen while the page is frozen.
      setThread(state, 'page', { state: 'blocked', key: 'thread.blocked' });
      render(state);
    }));
    setThread(state, 'page', { state: 'running', key: 'thread.blockedFor', vars: { ms }, detailKey: 'thread.lastBlocked' });
    // The page was blocked while any busy work it had sent to the worker was still unfinished.
    for (const run of state.busy.pending) run.pageBlocked += asked;
    busyDone(state, { on: 'page', ms: asked, pageBlocked: asked });
    clearTimeout(page.backToRunning);
    page.backToRunning = setTimeout(() => setThread(state, 'page', { key: 'thread.running' }), 5000);
  } catch (e) {
    setThread(state, 'page', { state: 'running', key: 'thread.running' });
    noteError(state, { key: 'errors.wasm', vars: { e: String(e) } });
  }
  $('busy-page-btn').setAttribute('aria-disabled', false);
  // Clicks queued during the freeze run after this task: they must find it still busy.
  setTimeout(() => { page.busy = false; }, 0);
}
