// The explorer: the exhaustive, random and PCT explorations run in a Web Worker
// (explore-worker.js), supervised by www/common/supervisor.js like every worker of the site. The
// worker answers pings when idle and posts progress every 100 ms or so while it explores, and
// declares the one stretch it cannot speak in (the explorer's report) as blocking work, so a
// live explorer is never taken for dead; a worker that stops answering (terminated, killed by
// the browser), throws, or traps is noticed within about a second, counted, named in the page
// and replaced by a fresh one. Cancelling replaces the worker too (an exploration is one wasm
// call that cannot read a message), without counting a death.
import { Supervisor } from '../common/supervisor.js';
import { fill, say, t } from './i18n.js';
import { $, levelOf, syncRunButtons } from './page.js';
import { renderResults } from './results.js';
import { namedSchedule } from './stepper.js';

const fmt = (n) => Number(n).toLocaleString('en-US');

/** Starts the supervised explorer worker. */
export function startExplorer(lab) {
  const url = new URL('./explore-worker.js', import.meta.url);
  lab.explorer.sup = new Supervisor({
    // A worker named 'lab:module' waits for the page's compiled wasm instead of fetching it.
    create: () => new Worker(url, { type: 'module', name: lab.compiled ? 'lab:module' : 'lab' }),
    onStart: (w) => { if (lab.compiled) w.postMessage({ type: 'module', module: lab.compiled }); },
    ping: (w) => w.postMessage({ type: 'ping' }),
    onMessage: (e) => onWorker(lab, e.data),
    onDeath: (death) => onDeath(lab, death),
    onState: (state) => showState(lab, state),
    autoRestart: true,
  });
  lab.explorer.sup.start();
}

/** The worker's state beside the cancel button, in the words every view uses. */
function showState(lab, state) {
  const deaths = lab.explorer.sup?.deaths ?? 0;
  const box = $('explorer-state');
  box.dataset.state = state;
  box.textContent = deaths
    ? t('explorer.stateDeaths', { state: t(`worker.${state}`), n: deaths })
    : t('explorer.state', { state: t(`worker.${state}`) });
  document.documentElement.dataset.explorer = state;
}

/** A death the supervisor saw (or the page told it of): the run it had is lost, and why is said. */
function onDeath(lab, death) {
  const { sup, running } = lab.explorer;
  const why = t(`death.${death.cause}`, { ...death, silentMs: fmt(death.silentMs) });
  const named = t('death.named', { name: t('explorer.name'), why });
  const key = death.gaveUp ? 'explorer.gaveUp' : running ? 'explorer.diedRunning' : 'explorer.diedIdle';
  const progress = $('progress');
  progress.textContent = t(key, { death: named, n: sup.earlyDeaths });
  progress.dataset.key = `death.${death.cause}`;
  if (running) finish(lab, 'error');
  document.documentElement.dataset.explorerDeaths = String(sup.deaths);
  showState(lab, sup.state);
}

/** Starts an exploration of the stepper's program with the options in the page. */
export function explore(lab, kind) {
  const ex = lab.explorer;
  if (!lab.session || ex.running || lab.editorError || lab.course?.locked()) return;
  const num = (id, dflt) => { const n = Number($(id).value); return Number.isFinite(n) && n >= 0 ? Math.floor(n) : dflt; };
  let options;
  if (kind === 'exhaustive') options = { max_states: num('max-states', 200000) };
  else if (kind === 'random') options = { runs: num('random-runs', 1000), seed: num('random-seed', 1) };
  else options = { runs: num('pct-runs', 1000), seed: num('pct-seed', 1), depth: num('pct-depth', 2) };
  ex.running = { id: ex.nextId++, kind, src: lab.src, model: lab.model, started: performance.now() };
  document.documentElement.dataset.explore = 'running';
  $('progress').textContent = t('explore.starting');
  delete $('progress').dataset.key;
  setRunning(lab, true);
  ex.sup.worker.postMessage({ id: ex.running.id, kind, src: lab.src, model: lab.model, options });
}

function setRunning(lab, on) {
  syncRunButtons(lab);
  $('cancel').disabled = !on;
}

function finish(lab, state = 'done') {
  lab.explorer.running = null;
  setRunning(lab, false);
  document.documentElement.dataset.explore = state;
}

/** Stops the run under way: a fresh worker replaces the busy one (not a death). */
export function cancel(lab) {
  const ex = lab.explorer;
  if (!ex.running) return;
  const secs = ((performance.now() - ex.running.started) / 1000).toFixed(1);
  ex.sup.stop();
  ex.sup.start();
  $('progress').textContent = t('explore.cancelled', { secs });
  finish(lab, 'cancelled');
}

/** A message from the current worker (the supervisor drops a dead one's). */
function onWorker(lab, msg) {
  const ex = lab.explorer;
  if (!msg || typeof msg !== 'object' || msg.type === 'pong') return;
  if (msg.type === 'ready') return ex.sup.ready();
  if (msg.type === 'error' && msg.error?.key === 'worker.load_failed') return ex.sup.fail('start', msg.error.e);
  // A trap inside the worker's wasm: its instance may be corrupt, so the worker is replaced.
  if (msg.type === 'error' && msg.fatal) return ex.sup.fail('error', msg.error?.e ?? say(msg.error));
  if (!ex.running || msg.id !== ex.running.id) {
    if (msg.type === 'error' && msg.id === null) fill($('progress'), t('explore.workerError', { e: say(msg.error) }));
    return;
  }
  if (msg.type === 'progress') {
    if (msg.quiet_ms > 0) ex.sup.busy(msg.quiet_ms); // the report ahead: silence, but not a death
    showProgress(msg);
  } else if (msg.type === 'result') {
    ex.sup.busy(0);
    onResult(lab, msg.result);
  } else if (msg.type === 'error') {
    ex.sup.busy(0);
    fill($('progress'), t('explore.error', { message: say(msg.error) }));
    $('progress').dataset.key = msg.error?.key ?? '';
    finish(lab, 'error');
  }
}

function showProgress(msg) {
  const secs = (msg.elapsed_ms / 1000).toFixed(1);
  const text = msg.states !== undefined
    ? t('explore.progressStates', { states: fmt(msg.states), rate: fmt(msg.rate), secs })
    : t('explore.progressRuns', { runs: fmt(msg.runs), total: fmt(msg.total), rate: fmt(msg.rate), secs });
  $('progress').textContent = text;
  $('progress').dataset.states = String(msg.states ?? msg.runs ?? 0);
}

function onResult(lab, result) {
  const { running } = lab.explorer;
  lab.explorer.lastResult = { result, src: running.src, model: running.model };
  $('progress').textContent = '';
  const entry = levelOf(lab, lab.preset);
  if (entry) lab.course?.onResult(result, { src: running.src, model: running.model, missing: lab.wasm.level_missing_keep(entry.text, running.src) });
  finish(lab);
  showResults(lab);
}

/** Draws the last result (or hides the results): stale once the program or model changed. */
export function showResults(lab) {
  const last = lab.explorer.lastResult;
  const box = $('results');
  box.hidden = !last;
  if (!last) return;
  const stale = last.src !== lab.src || last.model !== lab.model;
  // A result of the level's own program, under its model: what reaches the goal is the goal.
  const entry = levelOf(lab, lab.preset);
  const win = entry && last.src === entry.program && last.model === entry.level.model ? entry.level.win : null;
  renderResults({
    summary: $('result-summary'), notes: $('result-notes'), histogram: $('histogram'), failures: $('failures'), failuresTitle: $('failures-title'),
  }, last.result, lab.explorer.replay, stale, (s) => namedSchedule(lab.program, s), win);
}

export function clearResults(lab) {
  lab.explorer.lastResult = null;
  showResults(lab);
}

/** Re-words what the explorer shows, after a change of language. */
export function relabelExplorer(lab) {
  showResults(lab);
  if (lab.explorer.sup) showState(lab, lab.explorer.sup.state);
}
