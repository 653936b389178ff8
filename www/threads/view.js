// The threads view (issue 8), index.html?view=threads: N producer and M consumer threads on one
// shared memory (real.js) or, where memory cannot be shared, simulated on one worker
// (simulated.js), with the scenario's switches, the live ledger, the thread list, and every
// failure explained with a link to the lab lesson that replays it. The page forwards settings
// and renders; every count comes from the core (src/threads) through its workers.
import { t, fill, getLang, setLang, onLang } from './strings.js';
import { readParams, writeParams, parseValue, PARAMS } from './params.js';
import { build, applyStrings, renderLedger, renderThreads, renderFailures, h } from './dom.js';
import { isolate } from './isolation.js';
import { RealRun } from './real.js';
import { SimulatedRun } from './simulated.js';

const $ = (id) => document.getElementById(id);
const ZERO = { produced: 0, consumed: 0, queued: 0, lost: 0, duplicated: 0, reordered: 0, counter: 0, trueCount: 0,
  consumersStarted: 0, contention: 0, emptyFailures: 0, stalls: 0, settled: false, threads: [] };

document.head.append(h('link', { rel: 'stylesheet', href: new URL('./threads.css', import.meta.url).href }));
// This view owns the page: the playground's own parts go (its script never starts them).
for (const el of document.querySelectorAll('body > .intro, body > main')) el.remove();
// The header's links (their text comes from this view's strings): the lab, and back.
const labLink = $('lab-link');
if (labLink) labLink.dataset.tt = 'lab';
const backLink = $('threads-link');
if (backLink) { backLink.dataset.tt = 'back'; backLink.href = 'index.html'; }
const { view, ledger } = build(document.body);

const { scenario: fromUrl, run: autoRun, problems } = readParams(location.search);
let scenario = fromUrl;
let mode = null; // 'real' | 'simulated'
let why = null; // { reason, detail } when simulated
let run = null; // the RealRun or SimulatedRun in progress
let runState = 'idle';
let stats = ZERO;
let helper = { role: 'observer', id: 0, state: 'not-started' };
const workerStates = new Map(); // `${role} ${id}` -> crashed | terminated
const errors = []; // [key, vars]
const coreErrors = [];
let allRunningMs = null;
let runningSince = 0;
let dirty = true;
let rate = { t: 0, consumed: 0, perSec: 0 };

// ---- language

const langSelect = $('lang');
if (langSelect) {
  langSelect.value = getLang();
  langSelect.onchange = () => setLang(langSelect.value);
}
onLang(() => { applyStrings(document.body); dirty = true; });
applyStrings(document.body);
document.title = t('title');
const h1 = document.querySelector('header h1');
if (h1) { h1.dataset.tt = 'title'; h1.textContent = t('title'); }
for (const el of document.querySelectorAll('header [data-i18n="tagline"]')) el.hidden = true;
for (const el of document.querySelectorAll('header [data-i18n="lang.label"]')) { el.dataset.tt = 'lang.label'; el.textContent = t('lang.label'); }

// ---- controls

function showScenario() {
  for (const name of Object.keys(PARAMS)) $(`tc-${name}`).value = String(scenario[name]);
}
showScenario();

for (const name of Object.keys(PARAMS)) {
  $(`tc-${name}`).addEventListener('change', (e) => {
    const v = parseValue(name, String(e.target.value).trim());
    if (v === undefined) { showScenario(); return; } // out of range: keep what is in force
    scenario = { ...scenario, [name]: v };
    history.replaceState(null, '', writeParams(scenario, false));
    if (run) restart();
  });
}
$('threads-start').onclick = () => start();
$('threads-stop').onclick = () => stop();

// ---- runs

/** What a run tells the view (RealRun and SimulatedRun alike). */
const on = {
  thread(role, id, state) {
    if (role === 'observer' || role === 'simulator') helper = { role, id, state };
    else if (state === 'crashed' || state === 'terminated') workerStates.set(`${role} ${id}`, state);
    dirty = true;
  },
  stats(json) {
    try {
      stats = JSON.parse(json);
    } catch {
      return;
    }
    const now = performance.now();
    if (now - rate.t >= 500) {
      rate = { t: now, consumed: stats.consumed, perSec: rate.t ? ((stats.consumed - rate.consumed) * 1000) / (now - rate.t) : 0 };
    }
    dirty = true;
  },
  error(key, vars) {
    errors.push([key, vars]);
    if (errors.length > 100) errors.shift(); // the page shows the last 20
    dirty = true;
  },
  ended() {
    finish('ended');
  },
};

async function start() {
  if (run || !mode) return;
  setRun('starting');
  workerStates.clear();
  coreErrors.length = 0;
  stats = ZERO;
  rate = { t: 0, consumed: 0, perSec: 0 };
  allRunningMs = null;
  const query = writeParams(scenario, false);
  const seed = (Math.random() * 2 ** 32) >>> 0;
  const Run = mode === 'real' ? RealRun : SimulatedRun;
  const mine = new Run(scenario, query, on, seed);
  run = mine;
  try {
    const { ms, created } = await mine.start();
    if (run !== mine) return;
    allRunningMs = Math.round(ms);
    view.dataset.allRunningMs = String(allRunningMs);
    runningSince = performance.now();
    coreErrors.push(...(created.errors ?? []));
    // The core parses the same query (Scenario::from_query): both readings must agree.
    const mineQuery = `${writeParams(scenario, false).replace(/^\?view=threads&/, '')}&run=0`;
    if (created.scenario && created.scenario !== mineQuery) coreErrors.push(created.scenario);
    if (runState === 'starting') setRun('running');
  } catch (err) {
    if (run !== mine) return;
    errors.push(['error.start', { e: String(err?.message ?? err) }]);
    mine.close();
    run = null;
    setRun('idle');
  }
}

async function stop() {
  if (!run || runState === 'stopping') return;
  setRun('stopping');
  await finish('stopped');
}

/** Ends the run (stopped by the learner, or ended by itself) and shows its final counts. */
async function finish(end) {
  const mine = run;
  if (!mine) return;
  if (end === 'ended') setRun('stopping');
  // How long the threads ran (all running → the last one returned): the benchmark's clock.
  if (end === 'ended') view.dataset.runMs = String(performance.now() - runningSince);
  const final = await mine.stop();
  if (final) on.stats(final);
  if (run === mine) run = null;
  setRun(end);
}

async function restart() {
  await stop();
  await start();
}

function setRun(state) {
  runState = state;
  dirty = true; // shown with the counts of the same moment, in the next frame
}

// ---- rendering: at most once per animation frame

function frame() {
  requestAnimationFrame(frame);
  if (run && runState === 'running') run.poll();
  if (dirty) render();
}

function render() {
  dirty = false;
  view.dataset.run = runState;
  const isolated = mode === 'real';
  renderLedger(ledger, stats, isolated, rate.perSec, ['stopped', 'ended'].includes(runState));
  const threads = stats.threads ?? [];
  renderThreads($('threads-list'), helper, threads, workerStates);
  if (renderedFailures !== failureKey()) {
    renderedFailures = failureKey();
    renderFailures($('threads-failures'), stats, scenario);
  }
  const runText = [t(`run.${runState}`)];
  if (allRunningMs !== null && runState === 'running') runText.push(t('run.allRunning', { n: scenario.producers + scenario.consumers, ms: allRunningMs }));
  $('threads-run').textContent = runText.join(' — ');
  $('threads-start').disabled = Boolean(run) || !mode;
  $('threads-stop').disabled = !run || runState === 'stopping';
  renderMode();
  renderProblems();
  const list = $('threads-errors');
  list.replaceChildren(...errors.slice(-20).map(([key, vars]) => h('li', { text: t(key, { ...vars, thread: label(vars) }) })));
  if (!errors.length) list.append(h('li', { class: 'hint', text: t('errors.none') }));
}

let renderedFailures = null;
const failureKey = () => `${getLang()} ${stats.lost} ${stats.duplicated} ${stats.reordered} ${stats.trueCount - stats.counter} `
  + `${stats.emptyFailures} ${stats.stalls} ${stats.consumersStarted} ${writeParams(scenario, false)}`;

const label = (vars) => (vars.role === 'observer' || vars.role === 'simulator' ? t(`threads.${vars.role}`)
  : vars.role ? t(`role.${vars.role}`, { id: vars.id }) : '');

function renderMode() {
  const el = $('threads-mode');
  el.dataset.mode = mode ?? '';
  if (mode === 'real') el.textContent = t('mode.real', { n: scenario.producers + scenario.consumers });
  else if (mode === 'simulated') el.textContent = t('mode.simulated');
  else el.textContent = t('iso.reloading');
  const whyEl = $('threads-why');
  whyEl.replaceChildren();
  if (why) {
    const text = h('span');
    whyEl.append(text);
    fill(text, t(`iso.${why.reason}`, { e: why.detail ?? '' }));
    if (why.reason === 'iframe') {
      whyEl.append(' ', h('a', { href: location.href, target: '_blank', rel: 'noopener', text: t('iso.openTab') }));
    }
  }
}

function renderProblems() {
  const list = $('threads-params');
  list.replaceChildren(
    ...problems.map((p) => h('li', {
      text: p.expected === null ? t('param.unknown', p)
        : t('param.bad', { ...p, used: PARAMS[p.param] ? String(PARAMS[p.param].def) : '0' }),
    })),
    ...coreErrors.map((e) => h('li', { text: t('error.core', { e }) })));
}

// ---- start

document.documentElement.dataset.view = 'threads';
requestAnimationFrame(frame);
const iso = await isolate();
if (iso.mode !== 'reloading') {
  mode = iso.mode;
  if (iso.mode === 'simulated') {
    why = { reason: iso.reason, detail: iso.detail };
    helper = { role: 'simulator', id: 0, state: 'not-started' };
  }
  dirty = true;
  if (autoRun) start();
}
addEventListener('pagehide', () => run?.close());
