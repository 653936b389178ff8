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
  return new LevelPanel(els, levels, hooks);
}

class LevelPanel {
  constructor(els, levels, hooks) {
    Object.assign(this, { els, levels, hooks });
    /** The level shown ({ name, text, level, program }), or null for the learner's own program. */
    this.current = null;
    this.stage = 'goal';
    /** Hints shown so far; whether the learner has tried (a run that ended in the stepper). */
    this.shown = 0;
    this.tried = false;
    /** A message under the goal ({key, ...fields}), or null. */
    this.note = null;
    /** The editor holds a program other than the lesson's own: then the explorer is free. */
    this.edited = false;
    els.hintBtn.addEventListener('click', () => this.nextHint());
  }

  /** The level shown, or null. */
  entry() {
    return this.current;
  }

  open(e) {
    Object.assign(this, { current: e, shown: 0, tried: false, edited: false, note: null });
    const s = e ? stageOf(e.name) : 'new';
    this.stage = s === 'fixed' ? 'fixed' : s === 'won' ? 'fix' : 'goal';
    this.render();
  }

  /** After every move in the stepper: has the goal been reached? */
  onView(view, { src, model, goalMet }) {
    const e = this.current;
    if (!e) return;
    if (view.status.status !== 'running') this.tried = true;
    this.edited = src !== e.program;
    this.note = null;
    if (this.stage === 'goal') {
      if (src !== e.program) this.note = { key: 'level.edited' };
      else if (model !== e.level.model) this.note = { key: 'level.otherModel', model: t(`model.${e.level.model}`) };
      else if (goalMet()) this.reach('won');
    }
    this.render();
  }

  /** After an exploration: in the fix stage, does the learner's program make the failure
   * unreachable? `missing` is text the fix must keep and the program lacks (or ''). */
  onResult(r, { src, model, missing }) {
    const e = this.current;
    if (!e || this.stage !== 'fix' || r.kind !== 'exhaustive') return;
    if (model !== e.level.model) this.note = { key: 'fix.otherModel', model: t(`model.${e.level.model}`) };
    else if (!r.complete) this.note = { key: 'fix.incomplete' };
    else if (missing) this.note = { key: 'fix.keep', text: missing };
    else if (src === e.program || !neverHolds(e.level.fix_win, r)) this.note = { key: 'fix.still' };
    else {
      this.note = null;
      this.reach('fixed');
    }
    this.render();
  }

  /** The level reached `stage` ('won' or 'fixed'): remembered, and the page told. */
  reach(stage) {
    this.stage = stage;
    record(this.current.name, stage);
    this.hooks.changed();
  }

  nextHint() {
    if (this.current && this.shown < this.current.level.hints.length) this.shown++;
    this.render();
    this.hooks.changed();
    this.els.hints.lastElementChild?.setAttribute('tabindex', '-1');
    this.els.hints.lastElementChild?.focus();
  }

  nextEntry() {
    const i = this.levels.findIndex((l) => l.name === this.current?.name);
    return i >= 0 ? this.levels[i + 1] ?? null : null;
  }

  /** The explorer waits for a first try or a hint on the lesson's own program, so that it
   * does not solve the goal before the learner has tried. */
  locked() {
    return this.current !== null && this.stage === 'goal' && !this.tried && this.shown === 0 && !this.edited;
  }

  render() {
    const { els, current: e, stage } = this;
    els.section.hidden = !e;
    els.lock.hidden = !this.locked();
    if (!e) return;
    const { level } = e;
    els.section.dataset.stage = stage;
    els.section.dataset.level = e.name;
    const n = this.levels.indexOf(e) + 1;
    els.concept.textContent = t('level.chapter', { n, total: this.levels.length, concept: t(`concept.${level.concept}`) });
    fill(els.title, tr(level.title));
    els.model.textContent = t('level.model', { model: t(`model.${level.model}`) });
    const goal = stage === 'goal' || stage === 'won';
    const goalText = el('span');
    fill(goalText, goal ? tr(level.goal) : tr(level.fix));
    els.goal.replaceChildren(el('b', '', goal ? t('level.goal') : t('level.fixGoal')), ' ', goalText);
    this.renderNote();
    els.hints.replaceChildren();
    level.hints.slice(0, this.shown).forEach((h) => {
      const li = el('li');
      fill(li, tr(h));
      els.hints.append(li);
    });
    els.hintBtn.textContent = this.shown < level.hints.length
      ? t('level.hint', { k: this.shown + 1, n: level.hints.length })
      : t('level.noMoreHints');
    els.hintBtn.disabled = this.shown >= level.hints.length;
    this.renderDone();
  }

  renderNote() {
    const { els, note } = this;
    els.note.hidden = !note;
    if (!note) return;
    fill(els.note, t(note.key, note));
    if (note.key === 'level.edited') {
      const b = el('button', 'restore', t('level.restore'));
      b.addEventListener('click', () => this.hooks.restore());
      els.note.append(' ', b);
    }
  }

  /** The success panel: what happened and the fix to make, or the fix's success and the way on. */
  renderDone() {
    const { stage } = this;
    const box = this.els.done;
    box.replaceChildren();
    box.dataset.stage = stage;
    box.hidden = stage !== 'won' && stage !== 'fixed';
    if (box.hidden) return;
    const { level } = this.current;
    const p = (text) => { const e = el('p'); fill(e, text); return e; };
    if (stage === 'won') {
      const go = el('button', 'primary start-fix', t('level.startFix'));
      go.addEventListener('click', () => { this.stage = 'fix'; this.note = null; this.render(); this.hooks.startFix(); });
      box.append(el('h3', '', t('level.won')), p(tr(level.won)), p(t('level.nextFix', { fix: tr(level.fix) })), go);
    } else {
      box.append(el('h3', '', t('level.fixed')), p(tr(level.fixed)));
      const next = this.nextEntry();
      const go = el('button', 'primary next-level', next ? t('level.next', { title: plain(next.level.title) }) : t('level.pathDone'));
      go.disabled = !next;
      if (next) go.addEventListener('click', () => this.hooks.next(next.name));
      box.append(go);
    }
  }
}
