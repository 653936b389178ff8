// The interleaving lab page: an editor, a stepper where the learner is the scheduler, and the
// explorers, which run in a Web Worker (www/lab/explore-worker.js). The lab's Rust (pkg/lab.js, built
// with `--features lab`) is loaded here only, so the playground's first visit never fetches it.
// The program, model and schedule live in the URL's hash (www/lab/url.js).
import { applyStatic, fill, getLang, onLang, say, setLang, t } from './i18n.js';
import { countChoices, countLines, readHash, writeHash } from './url.js';
import { el, namedChoice, namedSchedule, renderStepper, statusKind, statusText } from './stepper.js';
import { renderResults } from './results.js';
import { loadPath, plain, renderPath } from './path.js';
import { levelPanel } from './level.js';

/** The course's levels in path order ({ name, text, level, program }, see lab-path.js). */
export let LEVELS = [];
/** The level panel (lab-level.js), once the levels are loaded. */
let course = null;
const levelOf = (name) => LEVELS.find((l) => l.name === name) ?? null;

const $ = (id) => document.getElementById(id);
const editor = $('editor');

let wasm = null;
/** The sizes the core accepts (`lab_limits()` in src/web/lab.rs): the page checks a link or an
 * edit against them before building the editor or calling the core. */
let limits = { max_source: 65536, max_lines: 1000, max_schedule: 10000 };
/** The stepper: a LabSession for the last program that parsed, and what it was made from. */
let session = null;
let program = null;
let view = null;
let src = '';
let model = 'sc';
/** The lesson (level) in the editor, edited or not. */
let preset = null;
/** A schedule being replayed (array of choices), and what it leads to (an outcome's text or
 * a failure's message, worded when shown). */
let plan = null;
let planLabel = '';
/** The editor's parse error, if its text does not parse. */
let editorError = null;

// ---------------------------------------------------------------- the stepper

/** Starts a session for `text` under `m`, taking `schedule`; false (and the error shown in
 * the editor) if the text does not parse. */
function open(text, m, schedule = '', { quiet = false } = {}) {
  const tooBig = oversize(text);
  if (tooBig) {
    showEditorError({ error: tooBig });
    return false;
  }
  let s;
  try {
    s = new wasm.LabSession(text, m);
  } catch (err) {
    if (typeof err !== 'string') return engineFailed(err);
    showEditorError(parseError(err));
    return false;
  }
  session?.free();
  session = s;
  src = text;
  model = m;
  const opened = engine(() => {
    program = JSON.parse(s.program());
    let v = JSON.parse(schedule ? s.replay(schedule) : s.view());
    let refused = null;
    // A schedule the core refuses as a whole (too long): open at the start and say why.
    if (v.error !== undefined) [refused, v] = [v.error, JSON.parse(s.view())];
    return { v, refused };
  });
  if (!opened) return false;
  showEditorError(null);
  if (quiet) delete opened.v.replay_error;
  setView(opened.v);
  if (opened.refused && !quiet) showNote(opened.refused);
  clearResults();
  return true;
}

/** Why `text` is refused before it reaches the core or the editor's lines, or null. */
function oversize(text) {
  const bytes = text.length > limits.max_source / 3 ? new TextEncoder().encode(text).length : text.length;
  if (bytes > limits.max_source) return { key: 'err.too_large', bytes, max: limits.max_source };
  if (countLines(text) > limits.max_lines) return { key: 'parse.too_many_lines', max: limits.max_lines };
  return null;
}

/** Shows a message from the core under the stepper until the next move. */
function showNote(msg) {
  const note = $('replay-note');
  note.hidden = false;
  note.textContent = say(msg);
  note.dataset.key = msg.key;
}

// ---------------------------------------------------------------- the page's own wasm

/** How many times the page's wasm instance was replaced after a trap. */
let engineRestarts = 0;

/**
 * Runs `f`, which calls the page's wasm. Rust answers every refusal as data, so anything
 * thrown is a trap (RuntimeError) or a stack overflow (RangeError) inside the wasm, after which
 * the instance cannot be trusted (its stack pointer may be left mid-frame: every later call
 * failed with "memory access out of bounds"). Then the instance is replaced; returns null.
 */
function engine(f) {
  try {
    return f();
  } catch (err) {
    engineFailed(err);
    return null;
  }
}

/** Replaces the page's wasm instance with a fresh one of the same compiled module, drops the
 * stepper's session (it lived in the old instance) and says so. Returns false. */
function engineFailed(err) {
  engineRestarts++;
  document.documentElement.dataset.engine = 'restarting';
  // Unregister the old session from its finaliser: freeing it would run the broken instance.
  session?.__destroy_into_raw?.();
  session = null;
  view = null;
  $('stepper-section').classList.add('stale');
  const status = $('lab-status');
  status.hidden = false;
  status.dataset.key = 'engine.restarted';
  status.textContent = t('engine.restarted', { e: String(err?.message ?? err) });
  // A new module record (the query makes it one) gives a new instance and new JS glue.
  import(`../../pkg/lab.js?instance=${engineRestarts}`)
    .then(async (fresh) => {
      await fresh.default({ module_or_path: compiled });
      wasm = fresh;
      document.documentElement.dataset.engine = `restarted:${engineRestarts}`;
    })
    .catch((e) => {
      status.textContent = t('loadFailed', { e });
      document.documentElement.dataset.lab = 'failed';
    });
  return false;
}

/** The core's refusal `{error, line?, col?}`, or a JavaScript error wrapped as one. */
function parseError(err) {
  try {
    const e = JSON.parse(String(err));
    if (e && typeof e.error === 'object' && e.error !== null) return e;
  } catch { /* not JSON: a JavaScript error */ }
  return { error: { key: 'err.internal', e: String(err) } };
}

function setView(v) {
  if (!v || v.error !== undefined) return; // a refused choice leaves the state as it was
  view = v;
  // Only a replayed link's refused step is reported, until the next move.
  const note = $('replay-note');
  note.hidden = !v.replay_error;
  note.textContent = v.replay_error ? t('replay.refused', { index: v.replay_error.index + 1, error: say(v.replay_error.error) }) : '';
  render();
  saveHash();
  const entry = levelOf(preset);
  course?.onView(v, { src, model, goalMet: () => Boolean(entry && session.goal_met(entry.text)) });
  syncRunButtons();
}

/** The explorer's buttons: off while running, while the program does not parse, and while a
 * level waits for a first try or a hint. */
function syncRunButtons() {
  for (const b of document.querySelectorAll('button.run')) b.disabled = editorError !== null || running !== null || Boolean(course?.locked());
}

const act = (f) => () => { if (session) setView(JSON.parse(engine(f))); };

function render() {
  if (!session || !view) return;
  $('stepper-section').classList.toggle('stale', editorError !== null);
  renderStepper($('threads'), $('memory'), { program, view, src, showSteps: $('show-steps').checked }, {
    statement: (ti) => setView(JSON.parse(engine(() => session.step_statement(ti)))),
    choose: (c) => setView(JSON.parse(engine(() => session.step(c)))),
  });
  const status = $('run-status');
  status.dataset.status = statusKind(view);
  status.textContent = statusText(view);
  $('schedule').textContent = namedSchedule(program, view.schedule) || '—';
  $('schedule').dataset.schedule = view.schedule;
  $('undo').disabled = !view.schedule;
  renderReplay();
  renderBackdrop();
}

function renderReplay() {
  const bar = $('replay-bar');
  const taken = view.schedule ? view.schedule.split(',') : [];
  const onPlan = plan && taken.length <= plan.length && taken.every((c, i) => c === plan[i]);
  bar.hidden = !plan;
  if (!plan) return;
  bar.classList.toggle('diverged', !onPlan);
  $('replay-title').textContent = onPlan
    ? t('replay.title', { k: taken.length, n: plan.length }) + (planLabel ? t('replay.label', { label: say(planLabel) }) : '')
    : t('replay.diverged');
  $('replay-next').disabled = !onPlan || taken.length >= plan.length;
  const ol = $('replay-steps');
  ol.replaceChildren();
  plan.forEach((c, i) => {
    const li = el('li', onPlan && i < taken.length ? 'done' : onPlan && i === taken.length ? 'now' : '', namedChoice(program, c));
    li.dataset.choice = c;
    ol.append(li);
  });
}

/** Loads a schedule from the explorer into the stepper, at its start, to be stepped. */
function startReplay(schedule, label) {
  if (!session) return;
  plan = schedule ? schedule.split(',') : [];
  planLabel = label;
  setView(JSON.parse(engine(() => session.replay(''))));
  $('stepper-section').scrollIntoView({ behavior: 'smooth', block: 'start' });
}

function replayNext() {
  const taken = view.schedule ? view.schedule.split(',').length : 0;
  if (plan && taken < plan.length) setView(JSON.parse(engine(() => session.step(plan[taken]))));
}

function replayEnd() {
  if (plan && session) setView(JSON.parse(engine(() => session.replay(plan.join(',')))));
}

// ---------------------------------------------------------------- the editor

function showEditorError(err) {
  editorError = err;
  const box = $('editor-msg');
  box.replaceChildren();
  delete box.dataset.line;
  delete box.dataset.col;
  box.className = err ? 'error' : 'ok';
  if (err) box.dataset.key = err.error.key;
  else delete box.dataset.key;
  if (!err) {
    if (program) {
      const steps = program.threads.reduce((n, th) => n + th.steps.length, 0);
      box.textContent = t('editor.ok', { threads: program.threads.length, steps });
    }
  } else if (err.line) {
    box.dataset.line = String(err.line);
    box.dataset.col = String(err.col);
    const head = el('button', 'where', t('editor.error', { line: err.line, col: err.col, message: say(err.error) }));
    head.dataset.key = err.error.key;
    head.addEventListener('click', () => selectAt(err.line, err.col));
    const lineText = editor.value.split('\n')[err.line - 1] ?? '';
    const excerpt = el('pre', 'excerpt');
    excerpt.append(el('span', 'ln', `${err.line} | `), lineText, '\n', el('span', 'ln', `${' '.repeat(String(err.line).length)} | `),
      el('span', 'caret', `${' '.repeat(Math.max(0, err.col - 1))}^`));
    box.append(head, excerpt);
  } else {
    box.append(el('span', '', t('editor.errorNoPos', { message: say(err.error) })));
  }
  $('stepper-section').classList.toggle('stale', err !== null);
  syncRunButtons();
  renderBackdrop();
}

/** Puts the caret at line:col (1-based, in characters). */
function selectAt(line, col) {
  const lines = editor.value.split('\n');
  let at = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) at += lines[i].length + 1;
  at += Array.from(lines[line - 1] ?? '').slice(0, col - 1).join('').length;
  editor.focus();
  editor.setSelectionRange(at, at + 1);
}

/** The layer behind the textarea: marks the error line, and each thread's current line. */
function renderBackdrop() {
  const back = $('editor-backdrop');
  // A pasted text the core will refuse gets no line layer: it could be a million lines.
  const lines = countLines(editor.value);
  if (lines > limits.max_lines) {
    back.replaceChildren();
    return;
  }
  editor.parentElement.style.height = `calc(${Math.min(30, Math.max(10, lines + 1)) * 1.45}em + 14px)`;
  const current = new Set();
  if (!editorError && view && editor.value === src) for (const th of view.threads) if (th.line) current.add(th.line);
  back.replaceChildren();
  editor.value.split('\n').forEach((line, i) => {
    const cls = editorError?.line === i + 1 ? 'err' : current.has(i + 1) ? 'pc' : '';
    const d = el('div', cls, line || ' ');
    back.append(d);
  });
  back.append(el('div', '', ' '));
  syncScroll();
}

function syncScroll() {
  const back = $('editor-backdrop');
  back.scrollTop = editor.scrollTop;
  back.scrollLeft = editor.scrollLeft;
}

let editTimer = 0;
function onEdit() {
  clearTimeout(editTimer);
  editTimer = setTimeout(() => {
    plan = null;
    // Keep as much of the schedule as still applies, so that editing a comment or a later
    // line does not lose the learner's place.
    const keep = session && !editorError ? view.schedule : '';
    if (open(editor.value, model, keep, { quiet: true })) return;
    saveHash();
  }, 250);
  renderBackdrop();
}

// ---------------------------------------------------------------- lessons and the URL

function fillPresets() {
  const sel = $('preset');
  sel.replaceChildren();
  const custom = el('option', '', t('preset.custom'));
  custom.value = '';
  sel.append(custom);
  LEVELS.forEach(({ name, level }, i) => {
    const o = el('option', '', `${i + 1}. ${plain(level.title)}`);
    o.value = name;
    sel.append(o);
  });
  syncPresetSelect();
}

function syncPresetSelect() {
  $('preset').value = levelOf(preset) ? preset : '';
  renderPath($('path'), LEVELS, preset, (name) => loadPreset(name));
}

/** Opens level `name` at its own program, under its own model. */
async function loadPreset(name) {
  const entry = levelOf(name);
  if (!entry) return;
  $('lab-status').hidden = true;
  preset = name;
  plan = null;
  editor.value = entry.program;
  $('model').value = entry.level.model;
  course?.open(entry);
  syncPresetSelect();
  if (!open(entry.program, entry.level.model)) saveHash();
}

function saveHash() {
  writeHash({
    model: session && !editorError ? model : $('model').value,
    schedule: view && !editorError ? view.schedule : '',
    preset,
    plan: plan ? plan.join(',') : '',
    src: editor.value,
  });
}

/** Restores the program, model, schedule and replay from the hash; false if it has none. */
async function loadHash() {
  const h = readHash(location.hash, limits.max_source);
  if (h.srcBytes > limits.max_source) return refuseLink({ key: 'err.too_large', bytes: h.srcBytes, max: limits.max_source });
  if (h.src === null && h.preset === null) return false;
  const entry = levelOf(h.preset);
  const text = h.src ?? entry?.program ?? null;
  if (text === null) return false;
  // The lesson stays with its (possibly edited) program, and so do its goal and hints.
  preset = entry ? h.preset : null;
  if (countLines(text) > limits.max_lines) return refuseLink({ key: 'parse.too_many_lines', max: limits.max_lines });
  if (course?.entry()?.name !== preset) course?.open(entry);
  // A schedule too long to take: the program opens at its start, and the note says why.
  const long = [h.schedule, h.plan].map((x) => countChoices(x ?? '')).find((n) => n > limits.max_schedule);
  plan = h.plan && !long ? h.plan.split(',') : null;
  planLabel = '';
  editor.value = text;
  const m = h.model ?? entry?.level.model ?? 'sc'; // a lesson's own model
  $('model').value = m;
  model = m;
  syncPresetSelect();
  if (!open(text, m, long ? '' : h.schedule ?? '')) saveHash();
  else if (long) showNote({ key: 'err.schedule_too_long', choices: long, max: limits.max_schedule });
  return true;
}

/** A link whose program is refused before the editor is built: the editor stays empty and the
 * message says why. Returns true (the link was read). */
function refuseLink(error) {
  session?.free();
  session = null;
  view = null;
  preset = null;
  plan = null;
  editor.value = '';
  syncPresetSelect();
  showEditorError({ error });
  renderBackdrop();
  document.documentElement.dataset.link = 'refused';
  return true;
}

// ---------------------------------------------------------------- the explorer, in a worker

let worker = null;
let running = null;
let nextId = 1;
let lastResult = null;

/** How many lab workers were replaced because one died or trapped. */
let workerRestarts = 0;

function startWorker() {
  const url = new URL('./explore-worker.js', import.meta.url);
  const w = new Worker(url, { type: 'module', name: compiled ? 'lab:module' : 'lab' });
  worker = w;
  if (compiled) w.postMessage({ type: 'module', module: compiled });
  w.onmessage = (e) => { if (w === worker) onWorker(e.data); };
  w.onerror = (e) => {
    e.preventDefault?.();
    if (w !== worker) return;
    if (running) finish();
    $('progress').textContent = t('explore.workerError', { e: e.message ?? 'error' });
  };
  // Death watch: the worker holds a Web Lock for life and the page queues behind it, so the
  // page is granted the lock exactly when the worker is gone (terminated, crashed, killed by
  // the browser), running or idle. Without Web Locks (an insecure context) only its errors
  // and traps are seen.
  if (navigator.locks) {
    w.lock = `lab-worker:${crypto.randomUUID?.() ?? Math.random()}`;
    w.retired = new AbortController();
    w.postMessage({ type: 'hold', lock: w.lock });
  }
}

/** Ends a worker on purpose (cancel, replacement): its death is then no news. */
function retire(w) {
  w.retired?.abort();
  w.terminate();
}

/** Replaces the worker after it died or trapped, ends the run it had, and says so. */
function replaceWorker(message) {
  workerRestarts++;
  retire(worker);
  startWorker();
  if (running) finish('error');
  $('progress').textContent = message;
  document.documentElement.dataset.worker = `restarted:${workerRestarts}`;
}

function explore(kind) {
  if (!session || running || editorError || course?.locked()) return;
  const num = (id, dflt) => { const n = Number($(id).value); return Number.isFinite(n) && n >= 0 ? Math.floor(n) : dflt; };
  let options;
  if (kind === 'exhaustive') options = { max_states: num('max-states', 200000) };
  else if (kind === 'random') options = { runs: num('random-runs', 1000), seed: num('random-seed', 1) };
  else options = { runs: num('pct-runs', 1000), seed: num('pct-seed', 1), depth: num('pct-depth', 2) };
  running = { id: nextId++, kind, src, model, started: performance.now() };
  document.documentElement.dataset.explore = 'running';
  $('progress').textContent = t('explore.starting');
  setRunning(true);
  worker.postMessage({ id: running.id, kind, src, model, options });
}

function setRunning(on) {
  syncRunButtons();
  $('cancel').disabled = !on;
}

function finish(state = 'done') {
  running = null;
  setRunning(false);
  document.documentElement.dataset.explore = state;
}

const fmt = (n) => Number(n).toLocaleString('en-US');

function onWorker(msg) {
  if (!msg || typeof msg !== 'object') return;
  if (msg.type === 'ready') return;
  if (msg.type === 'held') {
    const w = worker;
    if (msg.lock !== w.lock) return;
    navigator.locks.request(w.lock, { signal: w.retired.signal }, () => {
      if (w === worker) replaceWorker(t('explore.workerDied'));
    }).catch(() => { /* retired on purpose */ });
    return;
  }
  if (msg.type === 'error' && msg.fatal) {
    replaceWorker(t('explore.workerRestarted', { message: say(msg.error) }));
    return;
  }
  if (!running || msg.id !== running.id) {
    if (msg.type === 'error' && msg.id === null) $('progress').textContent = t('explore.workerError', { e: say(msg.error) });
    return;
  }
  const secs = (msg.elapsed_ms / 1000).toFixed(1);
  if (msg.type === 'progress') {
    const text = msg.states !== undefined
      ? t('explore.progressStates', { states: fmt(msg.states), rate: fmt(msg.rate), secs })
      : t('explore.progressRuns', { runs: fmt(msg.runs), total: fmt(msg.total), rate: fmt(msg.rate), secs });
    $('progress').textContent = text;
    $('progress').dataset.states = String(msg.states ?? msg.runs ?? 0);
  } else if (msg.type === 'result') {
    lastResult = { result: msg.result, src: running.src, model: running.model };
    $('progress').textContent = '';
    const entry = levelOf(preset);
    if (entry) course?.onResult(msg.result, { src: running.src, model: running.model, missing: wasm.level_missing_keep(entry.text, running.src) });
    finish();
    showResults();
  } else if (msg.type === 'error') {
    $('progress').textContent = t('explore.error', { message: say(msg.error) });
    $('progress').dataset.key = msg.error?.key ?? '';
    finish('error');
  }
}

function cancel() {
  if (!running) return;
  const secs = ((performance.now() - running.started) / 1000).toFixed(1);
  retire(worker);
  startWorker();
  $('progress').textContent = t('explore.cancelled', { secs });
  finish('cancelled');
}

function showResults() {
  const box = $('results');
  box.hidden = !lastResult;
  if (!lastResult) return;
  const stale = lastResult.src !== src || lastResult.model !== model;
  renderResults({
    summary: $('result-summary'), notes: $('result-notes'), histogram: $('histogram'), failures: $('failures'),
  }, lastResult.result, (schedule, label) => startReplay(schedule, label), stale, (s) => namedSchedule(program, s));
}

function clearResults() {
  lastResult = null;
  showResults();
}

// ---------------------------------------------------------------- start

function wire() {
  $('lang').value = getLang();
  $('lang').addEventListener('change', (e) => setLang(e.target.value));
  onLang(() => { fillPresets(); render(); showEditorError(editorError); showResults(); course?.render(); });
  $('preset').addEventListener('change', (e) => loadPreset(e.target.value));
  for (const b of document.querySelectorAll('button.break')) b.addEventListener('click', () => loadPreset(b.dataset.level));
  $('model').addEventListener('change', (e) => {
    plan = null;
    if (!open(editor.value, e.target.value)) { model = e.target.value; saveHash(); }
  });
  editor.addEventListener('input', onEdit);
  editor.addEventListener('scroll', syncScroll);
  $('undo').addEventListener('click', act(() => session.undo()));
  $('reset').addEventListener('click', act(() => session.reset()));
  $('show-steps').addEventListener('change', render);
  $('replay-next').addEventListener('click', replayNext);
  $('replay-end').addEventListener('click', replayEnd);
  $('replay-stop').addEventListener('click', () => { plan = null; render(); saveHash(); });
  for (const b of document.querySelectorAll('button.run')) b.addEventListener('click', () => explore(b.dataset.kind));
  $('cancel').addEventListener('click', cancel);
  $('copy-link').addEventListener('click', async () => {
    saveHash();
    try {
      await navigator.clipboard.writeText(location.href);
      $('copy-note').textContent = t('link.copied');
    } catch {
      $('copy-note').textContent = t('link.copyFailed');
    }
  });
  window.addEventListener('hashchange', () => { loadHash(); });
}

/** pkg/lab_bg.wasm, compiled once: the page and every lab worker instantiate the same module. */
let compiled = null;
async function compileWasm() {
  const url = new URL('../../pkg/lab_bg.wasm', import.meta.url);
  try {
    return await WebAssembly.compileStreaming(fetch(url));
  } catch {
    // A host that serves .wasm without application/wasm: compile from the bytes instead.
    const res = await fetch(url);
    if (!res.ok) throw new Error(`${url.pathname}: ${res.status}`);
    return WebAssembly.compile(await res.arrayBuffer());
  }
}

async function main() {
  applyStatic();
  fillPresets();
  wire();
  try {
    wasm = await import('../../pkg/lab.js');
    compiled = await compileWasm();
    await wasm.default({ module_or_path: compiled });
    limits = JSON.parse(wasm.lab_limits());
  } catch (err) {
    $('lab-status').textContent = t('loadFailed', { e: err });
    document.documentElement.dataset.lab = 'failed';
    return;
  }
  $('lab-status').hidden = true;
  startWorker();
  try {
    const { levels, problems } = await loadPath(wasm);
    LEVELS = levels;
    if (problems.length) {
      $('lab-status').hidden = false;
      $('lab-status').textContent = t('presetFailed', { e: problems.join('; ') });
    }
  } catch (err) {
    $('lab-status').hidden = false;
    $('lab-status').textContent = t('presetFailed', { e: err.message ?? err });
  }
  course = levelPanel({
    section: $('level'), concept: $('level-concept'), title: $('level-title'), model: $('level-model'), goal: $('level-goal'),
    note: $('level-note'), hintBtn: $('hint-next'), hints: $('hints'), done: $('level-done'), lock: $('explore-lock'),
  }, LEVELS, {
    next: (name) => { loadPreset(name); $('level').scrollIntoView({ block: 'start' }); $('level-title').focus(); },
    startFix: () => { syncRunButtons(); editor.focus(); },
    changed: () => { syncRunButtons(); syncPresetSelect(); },
    restore: () => { const e = levelOf(preset); if (e) { editor.value = e.program; plan = null; open(e.program, model); } },
  });
  fillPresets();
  if (!(await loadHash().catch(() => false)) && LEVELS.length) await loadPreset(LEVELS[0].name);
  document.documentElement.dataset.lab = 'ready';
}

// For tests and the curious: the stepper's state as the core reports it.
window.__lab = {
  view: () => view,
  program: () => program,
  src: () => src,
  model: () => model,
  schedule: () => session?.schedule() ?? '',
  result: () => lastResult?.result ?? null,
  limits: () => limits,
  // For the hostile-input tests: the worker to kill and the session whose wasm to break.
  worker: () => worker,
  session: () => session,
  restarts: () => ({ engine: engineRestarts, worker: workerRestarts }),
};

// Embed mode (?embed=1, set in the page's head): loaded only in a frame, so a visit pays nothing for it.
if (document.documentElement.dataset.embed) import('../common/embed-frame.js').then((m) => m.startEmbed({ t, getLang, onLang }));
main();
