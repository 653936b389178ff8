// The threads view's DOM: built once from code (text only through textContent and fill()),
// then updated in place by render functions that the view calls at most once per frame.
import { fill } from '../common/i18n.js';
import { PARAMS } from './params.js';

/** An element with attributes (`text` sets textContent, `tt` a string key) and children. */
export function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') e.textContent = v;
    else if (k === 'tt') e.dataset.tt = v;
    else e.setAttribute(k, v);
  }
  e.append(...children);
  return e;
}

const STAT_KEYS = ['produced', 'consumed', 'queued', 'lost', 'duplicated', 'reordered', 'counter',
  'trueCount', 'consumersStarted', 'contention', 'emptyFailures', 'stalls', 'throughput'];
/**
 * Each failure the page explains: the count that shows it, what it is counted among (`of`, for
 * "it happened 12 times in 400,000 items put"), and the lab lesson
 * that replays it step by step.
 */
export const FAILURES = [
  // The ring's `tail` read, then written back: two producers' writes to one slot, one lost.
  { key: 'lost', count: (s) => s.lost, of: (s) => s.produced, lesson: 'counter_lost_update' },
  // Two consumers read one `head` before either wrote it back: check-then-act.
  { key: 'duplicated', count: (s) => s.duplicated, of: (s) => s.taken ?? s.consumed, lesson: 'check_then_act' },
  // A stale `head` or `tail` written back moves the index backwards: a read-modify-write of
  // shared state that nobody locks (a missing critical section). Not a memory-ordering effect:
  // wasm atomics are sequentially consistent, so the lab's ordering lessons do not apply.
  { key: 'reordered', count: (s) => s.reordered, of: (s) => s.consumed, lesson: 'mutex_missing' },
  // Live, the two counts are read one after the other while each consumer may be between its
  // two increments: up to one apart per consumer without any race. Settled, they are exact.
  { key: 'counter', count: (s, sc) => (s.settled || s.trueCount - s.counter > sc.consumers ? s.trueCount - s.counter : 0), of: (s) => s.trueCount, lesson: 'counter_lost_update' },
  { key: 'emptyFailures', count: (s) => s.emptyFailures, of: (s) => s.consumed, lesson: 'check_then_act' },
  { key: 'stalls', count: (s) => s.stalls, of: (s) => s.consumed, lesson: 'check_then_act' },
  { key: 'guard', count: (s, sc) => (sc.guard !== 'none' && s.consumersStarted > 1 ? s.consumersStarted : 0), of: (s, sc) => sc.consumers, lesson: 'check_then_act' },
];

function control(name) {
  const p = PARAMS[name];
  const input = p.choices
    ? h('select', { id: `tc-${name}` }, ...p.choices.map((c) => h('option', { value: c, tt: `opt.${name}.${c}` })))
    : h('input', { id: `tc-${name}`, type: 'number', min: p.min, max: p.max, step: 1 });
  const key = name === 'work' ? 'ctl.work' : `ctl.${name}`;
  return h('label', {}, h('span', { tt: key }), input);
}

/** Builds the view into `root`; returns the elements the view wires and renders. */
export function build(root) {
  const ledger = h('div', { id: 'threads-ledger' });
  const tiles = h('dl', { id: 'threads-stats' });
  for (const k of STAT_KEYS) tiles.append(h('div', {}, h('dt', { tt: `stat.${k}` }), h('dd', { id: `ts-${k}`, text: '0' })));
  ledger.append(tiles);
  const view = h('div', { id: 'threads-view', 'data-run': 'idle' },
    h('section', {},
      h('h2', { tt: 'heading' }),
      h('p', { tt: 'intro' }),
      h('p', { id: 'threads-mode' }),
      h('p', { id: 'threads-why', class: 'hint' }),
      h('ul', { id: 'threads-params', role: 'alert' })),
    h('section', {},
      h('div', { class: 'grid' }, ...Object.keys(PARAMS).map(control)),
      h('div', { class: 'row' },
        h('button', { id: 'threads-start', tt: 'ctl.start' }),
        h('button', { id: 'threads-stop', tt: 'ctl.stop' }),
        h('span', { id: 'threads-run', class: 'hint' })),
      h('p', { class: 'hint', tt: 'ctl.restartNote' })),
    h('section', {},
      h('h2', { tt: 'ledger.title' }),
      ledger,
      h('p', { id: 'threads-balance' })),
    h('section', {},
      h('h2', { tt: 'threads.title' }),
      h('ul', { id: 'threads-list' })),
    h('section', {},
      h('h2', { tt: 'failures.title' }),
      h('ul', { id: 'threads-failures' })),
    h('section', {},
      h('h2', { tt: 'errors.title' }),
      h('p', { id: 'threads-deaths', 'data-deaths': '0' }),
      h('ul', { id: 'threads-errors' })));
  root.append(view);
  return { view, ledger };
}

/** Fills every element marked with a string key, in the current language. */
export function applyStrings(root, t) {
  for (const el of root.querySelectorAll('[data-tt]')) fill(el, t(el.dataset.tt));
}

const fmt = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—');

/** The ledger's numbers and its data attributes (the e2e tests and the benchmark read them). */
export function renderLedger(t, ledger, s, isolated, throughput, final, idle = false) {
  const d = ledger.dataset;
  d.isolated = String(isolated);
  d.produced = s.produced;
  d.consumed = s.consumed;
  d.lost = s.lost;
  d.duplicated = s.duplicated;
  d.reordered = s.reordered;
  d.counter = s.counter;
  d.consumersStarted = s.consumersStarted;
  for (const k of STAT_KEYS) {
    const v = k === 'throughput' ? throughput : s[k];
    const e = document.getElementById(`ts-${k}`);
    const text = fmt(v);
    if (e.textContent !== text) e.textContent = text;
    const bad = ['lost', 'duplicated', 'reordered', 'emptyFailures', 'stalls'].includes(k) ? v > 0
      : k === 'counter' ? s.counter !== s.trueCount : false;
    e.parentElement.classList.toggle('bad', bad);
  }
  const bal = document.getElementById('threads-balance');
  bal.dataset.queued = s.queued; // with the ledger's counts, enough to check conservation
  bal.dataset.settled = String(Boolean(s.settled));
  const vars = Object.fromEntries(['produced', 'consumed', 'lost', 'queued', 'duplicated', 'reordered'].map((k) => [k, fmt(s[k])]));
  vars.gap = fmt(s.produced - s.consumed - s.lost - s.queued);
  // Unsettled after the run: a thread was terminated inside its loop and never left it.
  // Before the first run (or after a level's setup cleared the ledger) there is nothing to claim.
  if (idle) bal.dataset.ok = 'idle';
  else if (!s.settled) bal.dataset.ok = final ? 'unsettled' : 'live';
  else bal.dataset.ok = String(s.produced === s.consumed + s.lost + s.queued);
  // An exact ledger of a run that lost, duplicated or reordered items is no success: the
  // failure leads, and only a run with none of them gets the tick.
  const failed = s.lost + s.duplicated + s.reordered > 0;
  bal.dataset.verdict = failed ? 'failed' : 'clean';
  const key = { idle: 'balance.idle', live: 'balance.live', unsettled: 'balance.unsettled', true: failed ? 'balance.failed' : 'balance.ok', false: 'balance.bad' }[bal.dataset.ok];
  fill(bal, t(key, vars));
}

/** The thread list: the helper worker, then every producer and consumer. */
export function renderThreads(t, list, helper, threads, workerStates) {
  const rows = [helper, ...threads];
  while (list.children.length > rows.length) list.lastElementChild.remove();
  rows.forEach((th, i) => {
    let li = list.children[i];
    if (!li) {
      li = h('li', {}, h('b'), ' ', h('span', { class: 'state' }), ' ', h('span', { class: 'detail' }));
      list.append(li);
    }
    // A worker that died or was terminated overrides what the shared memory last said.
    const state = workerStates.get(`${th.role} ${th.id}`) ?? th.state;
    li.dataset.role = th.role;
    li.dataset.state = state;
    const name = th.role === 'observer' || th.role === 'simulator' ? t(`threads.${th.role}`) : t(`role.${th.role}`, { id: th.id });
    li.children[0].textContent = name;
    li.children[1].textContent = t(state === 'dead' ? 'worker.dead' : `state.${state}`); // a death: the common word
    li.children[2].textContent = th.items === undefined ? '' : t(`items.${th.role}`, { n: fmt(th.items) });
  });
}

/** Which failures and hints the list shows now: it is rebuilt only when this changes. */
export function failureShape(s, scenario) {
  return [...FAILURES.filter((f) => f.count(s, scenario) > 0).map((f) => f.key), '|', ...hintKeys(s, scenario)].join(' ');
}

/** What it takes for the chosen unsafe switch to fail, while it has not yet. */
function hintKeys(s, scenario) {
  const hints = [];
  if (scenario.queue === 'unlocked' && scenario.producers === 1 && scenario.consumers === 1) hints.push('hint.ringOneOne');
  if (scenario.consumer.startsWith('check-then-act') && !(s.emptyFailures + s.stalls)) hints.push('hint.checkThenAct');
  if (scenario.guard === 'racy' && s.consumersStarted < 2) hints.push('hint.guard');
  return hints;
}

/** Sets `el`'s text through fill() only when it changed (live counts change every frame). */
function refill(el, text) {
  if (el.dataset.text === text) return;
  el.dataset.text = text;
  fill(el, text);
}

/**
 * One explanation per failure that has happened: how often among how many, why, and a link
 * to the lab lesson that replays it step by step. `rebuild` (the failures shown, the hints or
 * the language changed) makes the list anew; otherwise only the live numbers are updated in
 * place, so that a link stays where the learner is about to click it.
 */
export function renderFailures(t, list, s, scenario, rebuild) {
  if (rebuild) {
    list.replaceChildren();
    for (const f of FAILURES) {
      if (!(f.count(s, scenario) > 0)) continue;
      const lab = h('a', { href: new URL(`../../lab.html#p=${f.lesson}`, import.meta.url).href, 'data-lesson': f.lesson, text: t(`fail.lab.${f.lesson}`) });
      list.append(h('li', { 'data-failure': f.key }, h('strong', { class: 'times' }), ' ', h('span', { class: 'why' }), ' ', lab));
    }
    if (!list.children.length) list.append(h('li', { class: 'hint', text: t('failures.none') }));
    for (const key of hintKeys(s, scenario)) {
      const text = h('span');
      fill(text, t(key));
      list.append(h('li', { class: 'hint', 'data-hint': key }, text));
    }
  }
  for (const li of list.querySelectorAll('li[data-failure]')) {
    const f = FAILURES.find((x) => x.key === li.dataset.failure);
    const count = f.count(s, scenario);
    const n = fmt(count);
    const times = t(count === 1 ? 'times.one' : 'times.many', { n });
    refill(li.querySelector('.times'), t(`fail.times.${f.key}`, { n, times, of: fmt(f.of(s, scenario)) }));
    refill(li.querySelector('.why'), t(`fail.${f.key}`, { counter: fmt(s.counter), trueCount: fmt(s.trueCount) }));
  }
}
