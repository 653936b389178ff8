// The level panel: the goal of the lesson in the editor, its hints one at a time, the
// success panel once the goal is reached (asked of the core: LabSession.goal_met), the fix
// to make next, and the fix's check on an exhaustive exploration of the learner's program.
// Stages: 'goal' -> 'won' (the panel shows what happened) -> 'fix' -> 'fixed' (-> next level).
import { fill, t } from './i18n.js';
import { el } from './stepper.js';
import { plain, record, stageOf, tr } from './path.js';

/** True if an outcome (the core's [[name, value], ...]) shows every wanted value. */
const shows = (outcome, want) => want.every(([k, v]) => outcome.some(([k2, v2]) => k2 === k && v2 === v));

/** Whether an exhaustive result satisfies a fix's `never` condition: the same rule as
 * `Never::holds` in src/sim/level.rs (complete, and the forbidden thing never reached). */
export function neverHolds(never, r) {
  if (!r.complete) return false;
  if (never.values) return !r.outcomes.some((o) => shows(o.outcome, never.values));
  if (never.failure) return !r.failures.some((f) => f.kind === never.failure);
  return r.failures.length === 0;
}

/**
 * The panel over `els` ({ section, concept, title, model, goal, note, hintBtn, hints, done,
 * lock }). `hooks.next(name)` opens a level; `hooks.startFix()` is called when the learner
 * turns to the fix; `hooks.restore()` puts the lesson's own program back; `hooks.changed()`
 * when a hint or a win changed the explorer's lock or the path.
 */
export function levelPanel(els, levels, hooks) {
  let entry = null;
  let stage = 'goal';
  let shown = 0;
  let tried = false;
  let note = null;
  /** The editor holds a program other than the lesson's own: then the explorer is free. */
  let edited = false;

  function open(e) {
    entry = e;
    shown = 0;
    tried = false;
    edited = false;
    note = null;
    const s = e ? stageOf(e.name) : 'new';
    stage = s === 'fixed' ? 'fixed' : s === 'won' ? 'fix' : 'goal';
    render();
  }

  /** After every move in the stepper: has the goal been reached? */
  function onView(view, { src, model, goalMet }) {
    if (!entry) return;
    if (view.status.status !== 'running') tried = true;
    edited = src !== entry.program;
    note = null;
    if (stage === 'goal') {
      if (src !== entry.program) note = { key: 'level.edited' };
      else if (model !== entry.level.model) note = { key: 'level.otherModel', model: t(`model.${entry.level.model}`) };
      else if (goalMet()) {
        stage = 'won';
        record(entry.name, 'won');
        hooks.changed();
      }
    }
    render();
  }

  /** After an exploration: in the fix stage, does the learner's program make the failure
   * unreachable? `missing` is text the fix must keep and the program lacks (or ''). */
  function onResult(r, { src, model, missing }) {
    if (!entry || stage !== 'fix' || r.kind !== 'exhaustive') return;
    const fixWin = entry.level.fix_win;
    if (model !== entry.level.model) note = { key: 'fix.otherModel', model: t(`model.${entry.level.model}`) };
    else if (!r.complete) note = { key: 'fix.incomplete' };
    else if (missing) note = { key: 'fix.keep', text: missing };
    else if (src === entry.program || !neverHolds(fixWin, r)) note = { key: 'fix.still' };
    else {
      note = null;
      stage = 'fixed';
      record(entry.name, 'fixed');
      hooks.changed();
    }
    render();
  }

  function nextEntry() {
    const i = levels.findIndex((l) => l.name === entry?.name);
    return i >= 0 ? levels[i + 1] ?? null : null;
  }

  function render() {
    els.section.hidden = !entry;
    els.lock.hidden = !locked();
    if (!entry) return;
    const { level } = entry;
    els.section.dataset.stage = stage;
    els.section.dataset.level = entry.name;
    const n = levels.indexOf(entry) + 1;
    els.concept.textContent = t('level.chapter', { n, total: levels.length, concept: t(`concept.${level.concept}`) });
    fill(els.title, tr(level.title));
    els.model.textContent = t('level.model', { model: t(`model.${level.model}`) });
    els.goal.replaceChildren();
    const goalHead = el('b', '', stage === 'goal' || stage === 'won' ? t('level.goal') : t('level.fixGoal'));
    const goalText = el('span');
    fill(goalText, stage === 'goal' || stage === 'won' ? tr(level.goal) : tr(level.fix));
    els.goal.append(goalHead, ' ', goalText);
    els.note.hidden = !note;
    if (note) {
      fill(els.note, t(note.key, note));
      if (note.key === 'level.edited') {
        const b = el('button', 'restore', t('level.restore'));
        b.addEventListener('click', () => hooks.restore());
        els.note.append(' ', b);
      }
    }
    els.hints.replaceChildren();
    level.hints.slice(0, shown).forEach((h) => {
      const li = el('li');
      fill(li, tr(h));
      els.hints.append(li);
    });
    els.hintBtn.textContent = shown < level.hints.length
      ? t('level.hint', { k: shown + 1, n: level.hints.length })
      : t('level.noMoreHints');
    els.hintBtn.disabled = shown >= level.hints.length;
    renderDone();
  }

  /** The success panel: what happened and the fix to make, or the fix's success and the way on. */
  function renderDone() {
    const box = els.done;
    box.replaceChildren();
    box.dataset.stage = stage;
    box.hidden = stage !== 'won' && stage !== 'fixed';
    if (box.hidden) return;
    const { level } = entry;
    const p = (text) => { const e = el('p'); fill(e, text); return e; };
    if (stage === 'won') {
      const go = el('button', 'primary start-fix', t('level.startFix'));
      go.addEventListener('click', () => { stage = 'fix'; note = null; render(); hooks.startFix(); });
      box.append(el('h3', '', t('level.won')), p(tr(level.won)), p(t('level.nextFix', { fix: tr(level.fix) })), go);
    } else {
      box.append(el('h3', '', t('level.fixed')), p(tr(level.fixed)));
      const next = nextEntry();
      const go = el('button', 'primary next-level', next ? t('level.next', { title: plain(next.level.title) }) : t('level.pathDone'));
      go.disabled = !next;
      if (next) go.addEventListener('click', () => hooks.next(next.name));
      box.append(go);
    }
  }

  els.hintBtn.addEventListener('click', () => {
    if (entry && shown < entry.level.hints.length) shown++;
    render();
    hooks.changed();
    els.hints.lastElementChild?.setAttribute('tabindex', '-1');
    els.hints.lastElementChild?.focus();
  });

  /** The explorer waits for a first try or a hint on the lesson's own program, so that it
   * does not solve the goal before the learner has tried. */
  function locked() {
    return entry !== null && stage === 'goal' && !tried && shown === 0 && !edited;
  }

  return { open, onView, onResult, render, locked, entry: () => entry, stage: () => stage };
}
