// The course: the levels in lessons/path.txt, each read from its lesson file by the core
// (`level_json`, src/sim/level.rs), the learner's progress in localStorage, and the path
// drawn as a list of buttons. It decides nothing about winning (www/lab/level.js asks the
// core); it loads, remembers and draws.
import { getLang, t } from './i18n.js';
import { el } from './stepper.js';

const KEY = 'queue-playground-lab-progress';

/**
 * Every level on the path, in order: [{ name, level, program }], where `level` is the core's
 * JSON (texts as {en, zh}) and `program` the text the editor shows. A lesson that cannot be
 * read or whose level block is wrong is left out and reported in `problems`.
 */
export async function loadPath(wasm) {
  const res = await fetch('lessons/path.txt');
  if (!res.ok) throw new Error(`lessons/path.txt: ${res.status}`);
  const names = (await res.text()).split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const problems = [];
  const levels = await Promise.all(names.map(async (name) => {
    try {
      const r = await fetch(`lessons/${name}.lab`);
      if (!r.ok) throw new Error(String(r.status));
      const text = await r.text();
      const parsed = JSON.parse(wasm.level_json(text));
      if (parsed.error) throw new Error(t('level.invalid', { line: parsed.error.line }));
      return { name, text, level: parsed.level, program: parsed.program };
    } catch (err) {
      problems.push(`${name}: ${err.message ?? err}`);
      return null;
    }
  }));
  return { levels: levels.filter(Boolean), problems };
}

/** A level text in the page's language. */
export const tr = (text) => (text ? text[getLang()] ?? text.en : '');

/** A title without the backticks that mark code (a select's option shows them literally). */
export const plain = (text) => tr(text).replace(/`/g, '');

/** { name: { won, fixed } } from localStorage; empty if storage is blocked or corrupt. */
export function progress() {
  try {
    const p = JSON.parse(localStorage.getItem(KEY) ?? '{}');
    return p && typeof p === 'object' && !Array.isArray(p) ? p : {};
  } catch {
    return {};
  }
}

/** Records that `name` reached `stage` ('won' or 'fixed'); keeps what was there. */
export function record(name, stage) {
  const p = progress();
  const entry = typeof p[name] === 'object' && p[name] ? p[name] : {};
  entry[stage] = true;
  if (stage === 'fixed') entry.won = true;
  p[name] = entry;
  try { localStorage.setItem(KEY, JSON.stringify(p)); } catch { /* storage blocked: progress lasts this visit */ }
}

/** Where a level stands: 'fixed', 'won' or 'new'. */
export function stageOf(name) {
  const e = progress()[name];
  return e?.fixed ? 'fixed' : e?.won ? 'won' : 'new';
}

/** Draws the path into `ol`: one button per level with its chapter and state; `open(name)`. */
export function renderPath(ol, levels, current, open) {
  ol.replaceChildren();
  levels.forEach(({ name, level }, i) => {
    const stage = stageOf(name);
    const li = el('li', `level ${stage}`);
    li.dataset.level = name;
    li.dataset.stage = stage;
    const b = el('button', 'open');
    // The mark is for the eye; the stage is said in words to a screen reader.
    const mark = el('span', 'mark', { fixed: '●', won: '◐', new: '○' }[stage]);
    mark.setAttribute('aria-hidden', 'true');
    b.append(mark, ` ${i + 1}. ${plain(level.title)}`, el('span', 'sr-only', t('path.stage', { stage: t(`path.${stage}`) })));
    if (name === current) b.setAttribute('aria-current', 'step');
    b.addEventListener('click', () => open(name));
    li.append(el('span', 'concept', t(`concept.${level.concept}`)), b);
    ol.append(li);
  });
}
