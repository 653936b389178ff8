// The interleaving lab (lab.html): an editor, a stepper where the learner is the scheduler, the
// explorers in a supervised Web Worker, and the course's lessons. This controller makes the
// lab's one state object (page.js), wires the page to the parts that act on it (session.js the
// stepper, editor.js, lessons.js the lessons and links, explorer.js, engine.js the page's wasm),
// and loads the lab's Rust (pkg/lab.js, built with `--features lab`): only here, so the
// playground's first visit never fetches it. www/common/shell.js calls `start`.
//
// Embedded (`?embed=1`) with a lesson, the page is that lesson only: its title, goal and hints,
// the program, the stepper, the explorer and its results, and a link to the full course; the
// course's introduction, path, pickers and glossary are not shown (lab.css).
import { applyStatic, getLang, onLang, setLang, t } from './i18n.js';
import { $, createLab, levelOf, saveHash, syncRunButtons } from './page.js';
import { loadEngine } from './engine.js';
import { showEditorError, syncScroll } from './editor.js';
import { move, open, render, replayEnd, replayNext, replayStop, startReplay } from './session.js';
import { cancel, explore, relabelExplorer, startExplorer } from './explorer.js';
import { drawPath, fillPresets, loadHash, loadPreset, onEdit, openLink, syncPresetSelect } from './lessons.js';
import { loadLevels as readLevels } from './path.js';
import { levelPanel } from './level.js';
import { showPython } from './python.js';

/** Starts the lab; `shell` is www/common/shell.js's { view, embedded }. */
export async function start(shell = {}) {
  const lab = createLab({ embedded: Boolean(shell.embedded) });
  lab.explorer.replay = (schedule, label) => startReplay(lab, schedule, label);
  exposeForTests(lab);
  applyStatic();
  // The path is unfolded on a wide screen and folded on a phone, above the level it leads to.
  $('path-box').open = !lab.embedded && matchMedia('(min-width: 701px)').matches;
  if (lab.embedded) import('../common/embed-frame.js').then((m) => m.startEmbed({ t, getLang, onLang }));
  fillPresets(lab);
  wire(lab);
  try {
    await loadEngine(lab);
  } catch (err) {
    $('lab-status').textContent = t('loadFailed', { e: err });
    document.documentElement.dataset.lab = 'failed';
    return;
  }
  $('lab-status').hidden = true;
  startExplorer(lab);
  await loadLevels(lab);
  lab.course = coursePanel(lab);
  fillPresets(lab);
  openLink(lab);
  await lab.pathDrawn;
  document.documentElement.dataset.lab = 'ready';
}

/** The course's levels (lessons/path.txt), and what could not be read of them. */
async function loadLevels(lab) {
  try {
    const { path, levels, problems } = await readLevels(lab.wasm);
    lab.path = path;
    lab.levels = levels;
    if (problems.length) {
      $('lab-status').hidden = false;
      $('lab-status').textContent = t('presetFailed', { e: problems.join('; ') });
    }
  } catch (err) {
    $('lab-status').hidden = false;
    $('lab-status').textContent = t('presetFailed', { e: err.message ?? err });
  }
}

/** The level panel (level.js) over the page's elements, acting on the lab. */
function coursePanel(lab) {
  return levelPanel({
    section: $('level-panel'), concept: $('level-concept'), title: $('level-title'), model: $('level-model'), goal: $('level-goal'),
    note: $('level-note'), hintBtn: $('hint-next'), hints: $('hints'), done: $('level-done'), twins: $('level-twins'),
    actions: $('level-actions'), lock: $('explore-lock'), stepperGoal: $('stepper-goal'), free: $('level-free'),
  }, lab.levels, lab.path, {
    embedded: lab.embedded,
    next: (name) => { loadPreset(lab, name); $('level-panel').scrollIntoView({ block: 'start' }); $('level-title').focus(); },
    startFix: () => { syncRunButtons(lab); $('editor').focus(); },
    changed: () => { syncRunButtons(lab); syncPresetSelect(lab); },
    python: () => showPython(lab),
    restore: () => {
      const e = levelOf(lab, lab.preset);
      if (!e) return;
      $('editor').value = e.program;
      lab.plan = null;
      open(lab, e.program, lab.model);
      lab.course.onEdit(e.program, lab.model);
    },
  });
}

/** Every control of the page, to what it does. */
function wire(lab) {
  const on = (id, type, f) => $(id).addEventListener(type, f);
  $('lang').value = getLang();
  on('lang', 'change', (e) => setLang(e.target.value));
  onLang(() => relabel(lab));
  on('preset', 'change', (e) => loadPreset(lab, e.target.value));
  for (const b of document.querySelectorAll('button.break')) b.addEventListener('click', () => loadPreset(lab, b.dataset.level));
  on('model', 'change', (e) => {
    lab.plan = null;
    if (!open(lab, $('editor').value, e.target.value)) { lab.model = e.target.value; saveHash(lab); }
  });
  on('editor', 'input', () => onEdit(lab));
  on('editor', 'scroll', syncScroll);
  on('undo', 'click', () => move(lab, (s) => s.undo()));
  on('reset', 'click', () => move(lab, (s) => s.reset()));
  on('show-steps', 'change', () => render(lab));
  on('replay-next', 'click', () => replayNext(lab));
  on('replay-end', 'click', () => replayEnd(lab));
  on('replay-stop', 'click', () => replayStop(lab));
  for (const b of document.querySelectorAll('button.run')) b.addEventListener('click', () => explore(lab, b.dataset.kind));
  on('cancel', 'click', () => cancel(lab));
  on('copy-link', 'click', () => copyLink(lab));
  on('path-box', 'toggle', () => { if ($('path-box').open && lab.pathStale) drawPath(lab); });
  on('python', 'toggle', () => showPython(lab));
  window.addEventListener('hashchange', () => loadHash(lab));
}

/** Everything worded, again, in the language just chosen. */
function relabel(lab) {
  $('lang').value = getLang();
  fillPresets(lab);
  render(lab);
  showEditorError(lab, lab.editorError);
  relabelExplorer(lab);
  lab.course?.render();
  showPython(lab, { again: true });
}

async function copyLink(lab) {
  saveHash(lab);
  try {
    await navigator.clipboard.writeText(location.href);
    $('copy-note').textContent = t('link.copied');
  } catch {
    $('copy-note').textContent = t('link.copyFailed');
  }
}

/** For tests and the curious: the lab's state as the core reports it. */
function exposeForTests(lab) {
  window.__lab = {
    view: () => lab.view,
    program: () => lab.program,
    src: () => lab.src,
    model: () => lab.model,
    schedule: () => lab.session?.schedule() ?? '',
    result: () => lab.explorer.lastResult?.result ?? null,
    limits: () => lab.limits,
    levels: () => lab.levels.map((l) => l.name),
    // For the hostile-input tests: the worker to kill and the session whose wasm to break.
    worker: () => lab.explorer.sup?.worker ?? null,
    session: () => lab.session,
    deaths: () => ({ engine: lab.engineRestarts, explorer: lab.explorer.sup?.deaths ?? 0 }),
  };
}
