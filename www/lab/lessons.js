// Lessons and links: the lesson picker and the path, opening a lesson, reading a shared link
// (the URL's hash, url.js) and refusing one the lab cannot take, and the editor's edits.
import { getLang, t } from './i18n.js';
import { $, levelOf, saveHash, showNote } from './page.js';
import { renderBackdrop, showEditorError } from './editor.js';
import { open } from './session.js';
import { plain, renderPath } from './path.js';
import { el } from './stepper.js';
import { countChoices, countLines, readHash } from './url.js';

/** The lesson picker: one option per level, after "your own program". */
export function fillPresets(lab) {
  const sel = $('preset');
  sel.replaceChildren();
  const custom = el('option', '', t('preset.custom'));
  custom.value = '';
  sel.append(custom);
  lab.levels.forEach(({ name, level }, i) => {
    const o = el('option', '', `${i + 1}. ${plain(level.title)}`);
    o.value = name;
    sel.append(o);
  });
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
  link.title = t('course.fullTip', { n: lab.levels.length });
  if (!lab.embedded) renderPath($('path'), lab.levels, lab.preset, (name) => loadPreset(lab, name));
}

/** Opens level `name` at its own program, under its own model. */
export function loadPreset(lab, name) {
  const entry = levelOf(lab, name);
  if (!entry) return;
  $('lab-status').hidden = true;
  lab.preset = name;
  lab.plan = null;
  $('editor').value = entry.program;
  $('model').value = entry.level.model;
  lab.course?.open(entry);
  syncPresetSelect(lab);
  if (!open(lab, entry.program, entry.level.model)) saveHash(lab);
}

/** Restores the program, model, schedule and replay from the hash; false if it has none. */
export function loadHash(lab) {
  const { limits } = lab;
  const h = readHash(location.hash, limits.max_source);
  if (h.srcBytes > limits.max_source) return refuseLink(lab, { key: 'err.too_large', bytes: h.srcBytes, max: limits.max_source });
  if (h.src === null && h.preset === null) return false;
  const entry = levelOf(lab, h.preset);
  const text = h.src ?? entry?.program ?? null;
  if (text === null) return false;
  // The lesson stays with its (possibly edited) program, and so do its goal and hints.
  lab.preset = entry ? h.preset : null;
  if (countLines(text) > limits.max_lines) return refuseLink(lab, { key: 'parse.too_many_lines', max: limits.max_lines });
  if (lab.course?.entry()?.name !== lab.preset) lab.course?.open(entry);
  // A schedule too long to take: the program opens at its start, and the note says why.
  const long = [h.schedule, h.plan].map((x) => countChoices(x ?? '')).find((n) => n > limits.max_schedule);
  lab.plan = h.plan && !long ? h.plan.split(',') : null;
  lab.planLabel = '';
  $('editor').value = text;
  const model = h.model ?? entry?.level.model ?? 'sc'; // a lesson's own model
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

/** Opens the link the page was opened at, else the first lesson. A link that fails to open
 * (the browser refused to rewrite the address, a lesson that broke the engine) is reported,
 * with its reason, and the first lesson is shown instead. */
export function openLink(lab) {
  let failure = null;
  try {
    if (loadHash(lab)) return;
  } catch (err) {
    failure = err;
  }
  if (lab.levels.length) loadPreset(lab, lab.levels[0].name);
  if (!failure) return;
  const status = $('lab-status');
  status.hidden = false;
  status.dataset.key = 'link.failed';
  status.textContent = t('link.failed', { e: String(failure?.message ?? failure) });
  document.documentElement.dataset.link = 'failed';
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
  }, 250);
  renderBackdrop(lab);
}
