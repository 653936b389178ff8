// The course as the lab sees it: the whole path (lessons/path.txt, read by www/common/course.js:
// `VIEW NAME` per line, every view's levels), of which the `lab` lines are the lab's levels, each
// read from its lesson file by the core (`level_json`, src/sim/level.rs); the learner's progress
// and the programs the learner wrote, in localStorage; and the path drawn as the course's
// overview. It decides nothing about winning (www/lab/level.js asks the core); it loads,
// remembers and draws.
import { loadPath, renderOverview } from '../common/course.js';
import { getLang, t } from './i18n.js';

export { levelHref, nextStop, progress, record, seenOf, stageOf } from '../common/course.js';

/**
 * The whole path ([{ view, name }]) and the lab's levels on it, in order:
 * [{ name, text, level, program, n, twins }], where `level` is the core's JSON (texts as
 * {en, zh}), `program` the text the editor shows, `n` the level's place on the whole path (from
 * 1) and `twins` the levels of other views that show the same failure (the block's `twin:`).
 * A lesson that cannot be read or whose level block is wrong is left out and reported in
 * `problems`.
 */
export async function loadLevels(wasm) {
  const path = await loadPath();
  const problems = [];
  const levels = await Promise.all(path.map(async ({ view, name }, i) => {
    if (view !== 'lab') return null;
    try {
      const r = await fetch(`lessons/${name}.lab`);
      if (!r.ok) throw new Error(String(r.status));
      const text = await r.text();
      const parsed = JSON.parse(wasm.level_json(text));
      if (parsed.error) throw new Error(t('level.invalid', { line: parsed.error.line }));
      return { name, text, level: parsed.level, program: parsed.program, n: i + 1, twins: parsed.level.twins ?? [] };
    } catch (err) {
      problems.push(`${name}: ${err.message ?? err}`);
      return null;
    }
  }));
  return { path, levels: levels.filter(Boolean), problems };
}

/** A level text in the page's language. */
export const tr = (text) => (text ? text[getLang()] || text.en : '');

/** A title without the backticks that mark code (a select's option shows them literally). */
export const plain = (text) => tr(text).replace(/`/g, '');

// ---- The learner's own programs -------------------------------------------------------------

const PROGRAMS = 'queue-playground-lab-programs';

function programs() {
  try {
    const p = JSON.parse(localStorage.getItem(PROGRAMS) ?? '{}');
    return p && typeof p === 'object' && !Array.isArray(p) ? p : {};
  } catch {
    return {};
  }
}

/** The program the learner kept for level `name` ({ src, model }), or null. */
export function keptProgram(name) {
  const e = programs()[name];
  return e && typeof e.src === 'string' && ['sc', 'tso', 'ra'].includes(e.model) ? e : null;
}

/** Keeps `src` (under `model`) as the learner's program for level `name`; null forgets it. */
export function keepProgram(name, src, model) {
  const p = programs();
  if (src === null) delete p[name];
  else p[name] = { src, model };
  try { localStorage.setItem(PROGRAMS, JSON.stringify(p)); } catch { /* storage blocked: kept this visit only */ }
}

// ---- The path, drawn -----------------------------------------------------------------------

/**
 * Draws the whole course into `ol` (www/common/course.js's overview: every level of every view,
 * its state, the current one marked), then makes the lab's own levels open in this page:
 * `open(name)`. Resolves once drawn.
 */
export async function renderPath(ol, path, current, open) {
  await renderOverview(ol, path, current, t, getLang());
  for (const li of ol.querySelectorAll('li[data-level]')) {
    const stop = path.find((s) => s.name === li.dataset.level);
    li.dataset.view = stop?.view ?? '';
    if (stop?.view !== 'lab') continue;
    li.querySelector('a')?.addEventListener('click', (e) => {
      if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return; // a new tab or window
      e.preventDefault();
      open(stop.name);
    });
  }
}
