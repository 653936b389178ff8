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
/** Each failure the page explains, the count that shows it, and the lab lesson replaying it. */
export const FAILURES = [
  { key: 'lost', count: (s) => s.lost, lesson: 'counter_lost_update' },
  { key: 'duplicated', count: (s) => s.duplicated, lesson: 'check_then_act' },
  { key: 'reordered', count: (s) => s.reordered, lesson: 'counter_lost_update' },
  // Live, the two counts are read one after the other while each consumer may be between its
  // two increments: up to one apart per consumer without any race. Settled, they are exact.
  { key: 'counter', count: (s, sc) => (s.settled || s.trueCount - s.counter > sc.consumers ? s.trueCount - s.counter : 0), lesson: 'counter_lost_update' },
  { key: 'emptyFailures', count: (s) => s.emptyFailures, lesson: 'check_then_act' },
  { key: 'stalls', count: (s) => s.stalls, lesson: 'check_then_act' },
  { key: 'guard', count: (s, sc) => (sc.guard !== 'none' && s.consumersStarted > 1 ? s.consumersStarted : 0), lesson: 'check_then_act' },
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
export function renderLedger(t, ledger, s, isolated, throughput, final) {
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
  const vars = { ...s, gap: s.produced - s.consumed - s.lost - s.queued };
  // Unsettled after the run: a thread was terminated inside its loop and never left it.
  if (!s.settled) bal.dataset.ok = final ? 'unsettled' : 'live';
  else bal.dataset.ok = String(s.produced === s.consumed + s.lost + s.queued);
  const key = { live: 'balance.live', unsettled: 'balance.unsettled', true: 'balance.ok', false: 'balance.bad' }[bal.dataset.ok];
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

/** One explanation per failure that has happened, each with its lab link. */
export function renderFailures(t, list, s, scenario) {
  list.replaceChildren();
  for (const f of FAILURES) {
    const n = f.count(s, scenario);
    if (!(n > 0)) continue;
    const text = h('span');
    fill(text, t(`fail.${f.key}`, { n: fmt(n), counter: fmt(s.counter), trueCount: fmt(s.trueCount) }));
    list.append(h('li', { 'data-failure': f.key }, text, ' ',
      h('a', { href: new URL(`../../lab.html#p=${f.lesson}`, import.meta.url).href, text: t('fail.lab') })));
  }
  if (!list.children.length) list.append(h('li', { class: 'hint', text: t('failures.none') }));
  // What it takes for the chosen unsafe switch to fail, while it has not yet.
  const hints = [];
  if (scenario.queue === 'unlocked' && scenario.producers === 1 && scenario.consumers === 1) hints.push('hint.ringOneOne');
  if (scenario.consumer.startsWith('check-then-act') && !(s.emptyFailures + s.stalls)) hints.push('hint.checkThenAct');
  if (scenario.guard === 'racy' && s.consumersStarted < 2) hints.push('hint.guard');
  for (const key of hints) {
    const text = h('span');
    fill(text, t(key));
    list.append(h('li', { class: 'hint', 'data-hint': key }, text));
  }
}
