// The threads view, index.html?view=threads: N producer and M consumer threads on one shared
// memory (real.js) or, where memory cannot be shared, simulated on one worker (simulated.js),
// with the scenario's switches, the live ledger, the thread list, and every failure explained
// with a link to the lab lesson that replays it. The page forwards settings and renders; every
// count comes from the core (src/threads) through its workers. Every worker is supervised
// (www/common/supervisor.js): a death is told, counted and named, and cuts the run short; the
// learner starts a fresh run (fresh workers, fresh memory) with the start button.
//
// All of the view's state is the one object `S` that start() makes; the modules it uses hold none.
import { loadI18n } from '../common/i18n.js';
import { readParams, writeParams, parseValue, PARAMS } from './params.js';
import { build, applyStrings } from './dom.js';
import { render } from './render.js';
import { isolate } from './isolation.js';
import { RealRun } from './real.js';
import { SimulatedRun } from './simulated.js';
import { openCourse } from '../common/course.js';
import { facts, scenarioFor } from './course.js';

const ZERO = { produced: 0, consumed: 0, queued: 0, lost: 0, duplicated: 0, reordered: 0, counter: 0, trueCount: 0,
  consumersStarted: 0, contention: 0, emptyFailures: 0, stalls: 0, settled: false, threads: [] };
/** Errors and deaths kept for the page (it shows the last 20). */
const KEEP = 100;

/** Starts the view in place of the playground (called by www/common/shell.js). */
export async function start(shell = {}) {
  // The isolation shim (coi-sw.js) isolates navigations that say `view=threads`; a level's link
  // (index.html?level=NAME) does not. Where the shim already runs, go to the address that says
  // it (isolated at once); otherwise the address says it before isolate() reloads through it.
  const here = new URLSearchParams(location.search);
  if (here.get('view') !== 'threads') {
    here.set('view', 'threads');
    if (!window.crossOriginIsolated && navigator.serviceWorker?.controller && window.top === window.self) {
      location.replace(`?${here}${location.hash}`);
      return;
    }
    history.replaceState(null, '', `?${here}${location.hash}`);
  }
  const i18n = await loadI18n((lang) => import(`./strings/${lang}.js`), 'tt');
  const { scenario, run: autoRun, problems } = readParams(location.search);
  const S = {
    i18n, scenario, problems,
    runScenario: null, // the settings of the run the ledger shows (the course's facts read them)
    course: null, // the course's panel (www/common/course.js), once open
    mode: null, // 'real' | 'simulated'
    why: null, // { reason, detail } when simulated
    run: null, // the RealRun or SimulatedRun in progress
    runState: 'idle', // idle | starting | running | stopping | stopped | ended | cut
    runs: 0, // runs started on this page (shown as data-runs, with data-run, in one frame)
    cutBy: null, // { role, id } of the worker whose death cut the run short
    stats: ZERO,
    rate: { t: 0, consumed: 0, perSec: 0 },
    helper: { role: 'observer', id: 0, state: 'not-started' },
    workerStates: new Map(), // `${role} ${id}` -> dead | terminated
    errors: [], // { key, vars } worded at render time, in the language then chosen
    deaths: 0,
    coreErrors: [],
    allRunningMs: null,
    runningSince: 0,
    dirty: true,
    renderedFailures: null,
    el: null,
    wasm: {}, // the threads wasm, compiled once per page (real.js loadModule)
  };
  setUpPage(S);
  wireControls(S);
  const frame = () => {
    requestAnimationFrame(frame);
    if (S.run && S.runState === 'running') S.run.poll();
    if (!S.dirty) return;
    render(S);
    S.course?.update(); // a fact may have changed with what was rendered
  };
  requestAnimationFrame(frame);
  if (shell.embedded) (await import('../common/embed-frame.js')).startEmbed(i18n);
  window.__qpThreads = testHooks(S);
  addEventListener('pagehide', () => S.run?.close());
  // A link that names its settings keeps them: the level's setup is not put over them when the
  // panel opens (the panel's "set up the level again" puts it in place).
  const named = [...new URLSearchParams(location.search).keys()].some((k) => Object.hasOwn(PARAMS, k));
  let opening = true;
  const coursing = openCourse({
    view: 'threads',
    i18n,
    before: S.el.view,
    facts: () => facts(S),
    apply: (setup) => { if (!(opening && named)) applySetup(S, setup); },
    embedded: Boolean(shell.embedded),
  }).finally(() => { opening = false; });
  const iso = await isolate();
  if (iso.mode === 'reloading') return;
  // The level's settings are in place before the view says it can run (tests wait for that).
  S.course = await coursing;
  S.mode = iso.mode;
  if (iso.mode === 'simulated') {
    S.why = { reason: iso.reason, detail: iso.detail };
    S.helper = { role: 'simulator', id: 0, state: 'not-started' };
  }
  S.dirty = true;
  if (autoRun) startRun(S);
}

/** The page around the view: its stylesheet, the header's links and language, the view's DOM. */
function setUpPage(S) {
  const { i18n } = S;
  const css = document.createElement('link');
  css.rel = 'stylesheet';
  css.href = new URL('./threads.css', import.meta.url).href;
  document.head.append(css);
  // This view owns the page: the playground's own parts go (its script never starts them).
  for (const el of document.querySelectorAll('body > .intro, body > main')) el.remove();
  // The header's texts come from this view's strings (marked data-tt, filled by applyStatic).
  const tag = (sel, key) => { const el = document.querySelector(sel); if (el) { delete el.dataset.i18n; el.dataset.tt = key; } return el; };
  tag('header h1', 'title');
  tag('#lab-link', 'lab');
  const back = tag('#threads-link', 'back');
  if (back) back.href = 'index.html';
  tag('#broker-link', 'nav.broker');
  tag('header [data-i18n="lang.label"]', 'lang.label');
  for (const el of document.querySelectorAll('header [data-i18n="tagline"]')) el.hidden = true;
  const { view, ledger } = build(document.body);
  S.el = { view, ledger };
  const relabel = () => { applyStrings(document.body, i18n.t); S.dirty = true; };
  i18n.onLang(relabel);
  i18n.applyStatic();
  relabel();
  const langSelect = document.getElementById('lang');
  if (langSelect) {
    langSelect.value = i18n.getLang();
    langSelect.onchange = () => i18n.setLang(langSelect.value);
  }
}

/**
 * Puts a level's settings in place (the course's `apply`): any run is stopped and the ledger
 * starts empty, so that no count of an earlier run counts for this level.
 */
async function applySetup(S, setup) {
  const scenario = scenarioFor(setup);
  if (S.run) await stopRun(S);
  Object.assign(S, { scenario, runScenario: null, stats: ZERO, cutBy: null, rate: { t: 0, consumed: 0, perSec: 0 } });
  setRun(S, 'idle');
  S.showControls();
  history.replaceState(null, '', address(S.scenario));
}

function wireControls(S) {
  const $ = (id) => document.getElementById(id);
  const show = () => { for (const name of Object.keys(PARAMS)) $(`tc-${name}`).value = String(S.scenario[name]); };
  S.showControls = show;
  show();
  for (const name of Object.keys(PARAMS)) {
    $(`tc-${name}`).addEventListener('change', (e) => {
      const v = parseValue(name, String(e.target.value).trim());
      if (v === undefined) { show(); return; } // out of range: keep what is in force
      S.scenario = { ...S.scenario, [name]: v };
      history.replaceState(null, '', address(S.scenario));
      if (S.run) restartRun(S);
    });
  }
  $('threads-start').onclick = () => startRun(S);
  $('threads-stop').onclick = () => stopRun(S);
}

/** The address for `scenario`, keeping the page's language and embed mode. */
function address(scenario) {
  const q = new URLSearchParams(writeParams(scenario, false));
  const now = new URLSearchParams(location.search);
  for (const k of ['lang', 'embed', 'level']) if (now.has(k)) q.set(k, now.get(k));
  return `?${q}`;
}

/** What a run tells the view (RealRun and SimulatedRun alike). */
function listener(S, mine) {
  const current = () => S.run === mine;
  return {
    thread(role, id, state) {
      if (!current()) return;
      if (role === 'observer' || role === 'simulator') S.helper = { role, id, state };
      else if (state === 'dead' || state === 'terminated') S.workerStates.set(`${role} ${id}`, state);
      S.dirty = true;
    },
    stats(json) {
      if (current()) takeStats(S, json);
    },
    error(key, vars) {
      if (current()) note(S, key, vars);
    },
    death(role, id, death) {
      if (!current()) return;
      S.deaths++;
      note(S, 'death.named', { role, id, death, at: performance.now() });
      // A worker gone mid-run: the run cannot go on without it, and its counts cannot be seen.
      if (S.runState === 'running') {
        S.cutBy = { role, id };
        finish(S, 'cut');
      }
    },
    ended() {
      if (current()) finish(S, 'ended');
    },
  };
}

function note(S, key, vars) {
  S.errors.push({ key, vars });
  if (S.errors.length > KEEP) S.errors.shift();
  S.dirty = true;
}

function takeStats(S, json) {
  try {
    S.stats = JSON.parse(json);
  } catch {
    return;
  }
  const now = performance.now();
  const r = S.rate;
  if (now - r.t >= 500) {
    S.rate = { t: now, consumed: S.stats.consumed, perSec: r.t ? ((S.stats.consumed - r.consumed) * 1000) / (now - r.t) : 0 };
  }
  S.dirty = true;
}

async function startRun(S) {
  if (S.run || !S.mode) return;
  setRun(S, 'starting');
  S.runs++;
  Object.assign(S, { cutBy: null, stats: ZERO, rate: { t: 0, consumed: 0, perSec: 0 }, allRunningMs: null, runScenario: S.scenario });
  S.workerStates.clear();
  S.coreErrors.length = 0;
  const query = writeParams(S.scenario, false);
  const seed = (Math.random() * 2 ** 32) >>> 0; // the simulated scheduler's random seed
  const Run = S.mode === 'real' ? RealRun : SimulatedRun;
  const mine = new Run(S.scenario, query, null, seed, S.wasm);
  mine.on = listener(S, mine);
  S.run = mine;
  try {
    const { ms, created } = await mine.start();
    if (S.run !== mine || S.runState !== 'starting') return;
    S.allRunningMs = Math.round(ms);
    S.el.view.dataset.allRunningMs = String(S.allRunningMs);
    S.runningSince = performance.now();
    S.coreErrors.push(...(created.errors ?? []));
    // The core parses the same query (Scenario::from_query): both readings must agree.
    const ours = `${query.replace(/^\?view=threads&/, '')}&run=0`;
    if (created.scenario && created.scenario !== ours) S.coreErrors.push({ key: 'error.core', e: created.scenario });
    setRun(S, 'running');
  } catch (err) {
    if (S.run !== mine) return;
    note(S, 'error.start', { err: err?.key ? err : { key: 'js.error', e: String(err?.message ?? err) } });
    mine.close();
    S.run = null;
    setRun(S, 'idle');
  }
}

async function stopRun(S) {
  if (!S.run || S.runState === 'stopping') return;
  await finish(S, 'stopped');
}

/** Ends the run (stopped by the learner, ended by itself, or cut short by a death) and shows its final counts. */
async function finish(S, end) {
  const mine = S.run;
  if (!mine || S.runState === 'stopping') return;
  setRun(S, 'stopping');
  // How long the threads ran (all running → the last one returned): the benchmark's clock.
  if (end === 'ended') S.el.view.dataset.runMs = String(performance.now() - S.runningSince);
  const final = await mine.stop();
  if (final) takeStats(S, final);
  if (S.run === mine) S.run = null;
  setRun(S, end);
}

async function restartRun(S) {
  await stopRun(S);
  await startRun(S);
}

function setRun(S, state) {
  S.runState = state;
  S.dirty = true; // shown with the counts of the same moment, in the next frame
}

/**
 * For the end-to-end tests: end a worker of the run as anyone on the page could (`terminate`),
 * or behind its supervisor's back (`vanish`: the Worker method itself, unseen by the
 * supervisor's wrapper, as a thread torn down by the browser); each returns the time it did.
 */
function testHooks(S) {
  const end = (role, id, how) => {
    const w = S.run?.worker(role, id);
    if (!w) return null;
    const at = performance.now();
    how(w);
    return at;
  };
  return {
    terminate: (role, id = 0) => end(role, id, (w) => w.terminate()),
    vanish: (role, id = 0) => end(role, id, (w) => Worker.prototype.terminate.call(w)),
    deaths: () => S.deaths,
  };
}
