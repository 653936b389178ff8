// Lessons and links: the level picker and the path, opening a level, reading a shared link
// (the URL's hash, url.js, or the course's `?level=NAME`) and refusing one the lab cannot take,
// and the editor's edits.
import { FREE, currentOf, setCurrent } from '../common/course.js';
import { getLang, t } from './i18n.js';
import { $, levelOf, saveHash, showNote } from './page.js';
import { renderBackdrop, showEditorError } from './editor.js';
import { open } from './session.js';
import { keptProgram, plain, renderPath, stageOf } from './path.js';
import { el } from './stepper.js';
import { countChoices, countLines, readHash } from './url.js';

/** The level picker: one option per lab level (numbered on the whole path), after "your own
 * program". */
export function fillPresets(lab) {
  const sel = $('preset');
  sel.replaceChildren();
  const custom = el('option', '', t('preset.custom'));
  custom.value = '';
  sel.append(custom);
  for (const { name, level, n } of lab.levels) {
    const o = el('option', '', t('preset.option', { n, title: plain(level.title) }));
    o.value = name;
    sel.append(o);
  }
  syncPresetSelect(lab);
}

/** The picker, the path and the embedded lesson's course link follow the lesson shown. */
export function syncPresetSelect(lab) {
  const lesson = levelOf(lab, lab.preset) ? lab.preset : '';
  $('preset').value = lesson;
  if (lesson) document.documentElement.dataset.lesson = lesson;
  else delete document.documentElement.dataset.lesson;
  const link = $('course-link');
  link.hidden = !lab.embedded || !lesson;
  link.href = `lab.html?lang=${getLang()}#p=${lesson}`;
  link.title = t('courseLink.tip', { n: lab.path.length });
  drawPath(lab);
}

/** Draws the path (the course's overview) while it is unfolded; folded, it is drawn when opened. */
export function drawPath(lab) {
  const box = $('path-box');
  if (lab.embedded || !box.open) {
    lab.pathStale = true;
    return;
  }
  lab.pathStale = false;
  lab.pathDrawn = renderPath($('path'), lab.path, lab.preset, (name) => loadPreset(lab, name)).catch((err) => {
    // The overview reads every level's file; one it cannot draw is said, not hidden.
    $('lab-status').hidden = false;
    $('lab-status').textContent = t('presetFailed', { e: err?.message ?? err });
  });
}

/** The program level `entry` opens with: the lesson's own until its goal is reached; after,
 * the program the learner kept for it (the fix being written, or the fix that held). */
function programFor(entry) {
  const kept = stageOf(entry.name) !== 'new' ? keptProgram(entry.name) : null;
  return kept ?? { src: entry.program, model: entry.level.model };
}

/** Opens level `name` at its program (the lesson's own, or the learner's once won). */
export function loadPreset(lab, name) {
  const entry = levelOf(lab, name);
  if (!entry) return;
  $('lab-status').hidden = true;
  lab.preset = name;
  lab.plan = null;
  if (!lab.embedded) setCurrent('lab', name);
  const { src, model } = programFor(entry);
  $('editor').value = src;
  $('model').value = model;
  lab.course?.open(entry);
  syncPresetSelect(lab);
  if (!open(lab, src, model)) saveHash(lab);
}

/** Restores the program, model, schedule and replay from the hash; false if it has none. */
export function loadHash(lab) {
  const { limits } = lab;
  const h = readHash(location.hash, limits.max_source);
  if (h.srcBytes > limits.max_source) return refuseLink(lab, { key: 'err.too_large', bytes: h.srcBytes, max: limits.max_source });
  if (h.src === null && h.preset === null) return false;
  const entry = levelOf(lab, h.preset);
  const own = entry && h.src === null ? programFor(entry) : null;
  const text = h.src ?? own?.src ?? null;
  if (text === null) return false;
  // The lesson stays with its (possibly edited) program, and so do its goal and hints.
  lab.preset = entry ? h.preset : null;
  if (entry && !lab.embedded) setCurrent('lab', entry.name);
  if (countLines(text) > limits.max_lines) return refuseLink(lab, { key: 'parse.too_many_lines', max: limits.max_lines });
  if (lab.course?.entry()?.name !== lab.preset) lab.course?.open(entry);
  // A schedule too long to take: the program opens at its start, and the note says why.
  const long = [h.schedule, h.plan].map((x) => countChoices(x ?? '')).find((n) => n > limits.max_schedule);
  lab.plan = h.plan && !long ? h.plan.split(',') : null;
  lab.planLabel = '';
  $('editor').value = text;
  const model = h.model ?? own?.model ?? entry?.level.model ?? 'sc'; // a lesson's own model
  $('model').value = model;
  lab.model = model;
  syncPresetSelect(lab);
  if (!open(lab, text, model, long ? '' : h.schedule ?? '')) saveHash(lab);
  else if (long) showNote({ key: 'err.schedule_too_long', choices: long, max: limits.max_schedule });
  return true;
}

/** A link whose program is refused before the editor is built: the editor stays empty and the
 * message says why. Returns true (the link was read). */
function refuseLink(lab, error) {
  lab.session?.free();
  Object.assign(lab, { session: null, view: null, preset: null, plan: null });
  $('editor').value = '';
  syncPresetSelect(lab);
  showEditorError(lab, { error });
  renderBackdrop(lab);
  document.documentElement.dataset.link = 'refused';
  return true;
}

/** The course's `?level=NAME` (docs/COURSE.md), read as the lab's own `#p=NAME`: the query
 * leaves the address, so that the hash alone says what is shown from here on. Returns the name
 * asked for (FREE for free play), or null. */
function takeLevelQuery(lab) {
  const q = new URLSearchParams(location.search);
  const asked = q.get('level');
  if (asked === null) return null;
  q.delete('level');
  const hash = asked !== FREE && levelOf(lab, asked) ? `#p=${asked}` : location.hash;
  history.replaceState(null, '', `${location.pathname}${q.size ? `?${q}` : ''}${hash}`);
  return asked;
}

/** Opens the link the page was opened at, else the learner's current lab level (the last one
 * opened), else the first; `?level=free` opens the first level's program with no level. A link
 * that fails to open (the browser refused to rewrite the address, a lesson that broke the
 * engine) is reported, with its reason, and the first lesson is shown instead. */
export function openLink(lab) {
  let failure = null;
  let asked = null;
  try {
    asked = takeLevelQuery(lab);
    if (asked === FREE && !location.hash) return openFree(lab);
    if (loadHash(lab)) return;
  } catch (err) {
    failure = err;
  }
  const current = !failure && !lab.embedded ? levelOf(lab, currentOf('lab')) : null;
  if (current) loadPreset(lab, current.name);
  else if (lab.levels.length) loadPreset(lab, lab.levels[0].name);
  const status = $('lab-status');
  if (asked !== null && asked !== FREE && !failure) {
    // A level this page does not have (the shell sends other views' levels to their view).
    status.hidden = false;
    status.dataset.key = 'course.noSuchLevel';
    status.textContent = t('course.noSuchLevel', { name: asked });
  }
  if (!failure) return;
  status.hidden = false;
  status.dataset.key = 'link.failed';
  status.textContent = t('link.failed', { e: String(failure?.message ?? failure) });
  document.documentElement.dataset.link = 'failed';
}

/** Free play: the first level's program in the editor, no level checked. */
function openFree(lab) {
  const first = lab.levels[0];
  if (!first) return;
  lab.preset = null;
  lab.course?.open(null);
  $('editor').value = first.program;
  $('model').value = first.level.model;
  syncPresetSelect(lab);
  if (!open(lab, first.program, first.level.model)) saveHash(lab);
}

/** An edit: the program is re-read a moment after the typing stops. */
export function onEdit(lab) {
  clearTimeout(lab.editTimer);
  lab.editTimer = setTimeout(() => {
    lab.plan = null;
    // Keep as much of the schedule as still applies, so that editing a comment or a later
    // line does not lose the learner's place.
    const keep = lab.session && !lab.editorError ? lab.view.schedule : '';
    if (!open(lab, $('editor').value, lab.model, keep, { quiet: true })) saveHash(lab);
    lab.course?.onEdit($('editor').value, lab.model);
  }, 250);
  renderBackdrop(lab);
}
