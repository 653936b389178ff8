// The level panel: the goal of the lesson in the editor, its hints one at a time, the
// success panel once the goal is reached (asked of the core: LabSession.goal_met), the fix
// to make next, and the fix's check on an exhaustive exploration of the learner's program.
// Stages: 'goal' -> 'won' (the panel shows what happened) -> 'fix' -> 'fixed' (-> next level).
// The panel shows the course's interface (docs/COURSE.md): `#level-panel` with `data-level` and
// `data-state` (playing, won, fixed), and the path's next level as the link `#level-next`.
// Progress and the measured numbers go through www/common/course.js (path.js re-exports it).
import { loadLevel, sameFailureList } from '../common/course.js';
import { fill, getLang, has, t } from './i18n.js';
import { el } from './stepper.js';
import { keepProgram, levelHref, nextStop, plain, record, seenOf, stageOf, tr } from './path.js';

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

/** Whether an explorer's outcome (the core's [[name, value], ...]) or failure kind is what the
 * level's goal asks for: `Win::met_by` in src/sim/level.rs, for one bar of the results. */
export function isGoal(win, { outcome, kind }) {
  if (win.kind === 'outcome') return Boolean(outcome) && shows(outcome, win.values);
  return kind === win.failure;
}

/**
 * How many of an exhaustive exploration's schedules reach the level's goal, and of how many:
 * { n, of } (the course's "K of N interleavings"). Every schedule is counted once: the finished
 * outcomes (a false final assert among them) and the runs that failed before the end.
 */
export function measure(win, r) {
  const runs = [
    ...r.outcomes.map((o) => ({ outcome: o.outcome, count: o.count })),
    ...r.failures.filter((f) => f.detail?.key !== 'detail.final_assert').map((f) => ({ kind: f.kind, count: f.count })),
  ];
  const of = runs.reduce((s, x) => s + x.count, 0);
  let n = runs.filter((x) => isGoal(win, x)).reduce((s, x) => s + x.count, 0);
  // A failure-kind goal met by a false final assert: counted by the failures, which the
  // outcomes above already hold as outcomes.
  if (win.kind === 'failure' && win.failure === 'assert') {
    n = r.failures.filter((f) => f.kind === 'assert').reduce((s, f) => s + f.count, 0);
  }
  return { n, of };
}

/** A template's text with its `{name}` placeholders replaced by `parts` (nodes or text), as
 * nodes: the strings say how a label and its text are joined in each language. */
export function compose(template, parts) {
  return template.split(/(\{\w+\})/).filter(Boolean).map((bit) => {
    const m = /^\{(\w+)\}$/.exec(bit);
    return m && Object.hasOwn(parts, m[1]) ? parts[m[1]] : bit;
  });
}

/** The panel's `data-state`, the course's word for the lab's stage. */
export const courseState = (stage) => ({ goal: 'playing', won: 'won', fix: 'won', fixed: 'fixed' })[stage];

/**
 * The panel over `els` ({ section, concept, title, model, goal, note, hintBtn, hints, done,
 * twins, actions, lock, stepperGoal }). `path` is the whole course ([{ view, name }]);
 * `hooks.next(name)` opens a lab level; `hooks.startFix()` is called when the learner turns to
 * the fix; `hooks.restore()` puts the lesson's own program back; `hooks.changed()` when a hint
 * or a win changed the explorer's lock or the path; `hooks.python()` on every render (the
 * Python twin follows the stage); `hooks.embedded` in an embed.
 */
export function levelPanel(els, levels, path, hooks) {
  return new LevelPanel(els, levels, path, hooks);
}

class LevelPanel {
  constructor(els, levels, path, hooks) {
    Object.assign(this, { els, levels, path, hooks });
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
    /** A number measured before the goal was reached, recorded with the win. */
    this.pendingSeen = null;
    /** The levels of other views read for the "same failure" list, by name (null: unreadable). */
    this.twinLevels = new Map();
    els.hintBtn.addEventListener('click', () => this.nextHint());
  }

  /** The level shown, or null. */
  entry() {
    return this.current;
  }

  open(e) {
    Object.assign(this, { current: e, shown: 0, tried: false, edited: false, note: null, pendingSeen: null });
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

  /** After an edit of the program: in the fix stage the learner's program is kept for the level
   * (the fixed one stays as it was verified). */
  onEdit(src, model) {
    const e = this.current;
    if (e && this.stage === 'fix') keepProgram(e.name, src === e.program ? null : src, model);
  }

  /** After an exploration: an exhaustive one of the lesson's own program measures how many
   * interleavings reach the goal; in the fix stage, does the learner's program make the
   * failure unreachable? `missing` is text the fix must keep and the program lacks (or ''). */
  onResult(r, { src, model, missing }) {
    const e = this.current;
    if (!e || r.kind !== 'exhaustive') return;
    if (r.complete && src === e.program && model === e.level.model) this.measured(measure(e.level.win, r));
    if (this.stage !== 'fix') return;
    if (model !== e.level.model) this.note = { key: 'fix.otherModel', model: t(`model.${e.level.model}`) };
    else if (!r.complete) this.note = { key: 'fix.incomplete' };
    else if (missing) this.note = { key: 'fix.keep', text: missing };
    else if (src === e.program || !neverHolds(e.level.fix_win, r)) this.note = { key: 'fix.still' };
    else {
      this.note = null;
      keepProgram(e.name, src, model);
      this.reach('fixed');
    }
    this.render();
  }

  /** "K of N interleavings" for this level: recorded with the level's progress (once the goal
   * is reached; before that it waits for the win). */
  measured(seen) {
    if (this.stage === 'goal') this.pendingSeen = seen;
    else record(this.current.name, this.stage === 'fixed' ? 'fixed' : 'won', seen);
    this.render();
  }

  /** The level reached `stage` ('won' or 'fixed'): remembered, the page told, and the success
   * panel brought into view where the learner is looking (a phone's screen holds the stepper or
   * the explorer, not the panel above them). */
  reach(stage) {
    this.stage = stage;
    record(this.current.name, stage, stage === 'won' ? this.pendingSeen ?? undefined : undefined);
    this.pendingSeen = null;
    this.hooks.changed();
    this.render();
    if (!this.hooks.embedded) this.els.done.scrollIntoView?.({ block: 'nearest', behavior: 'instant' });
  }

  nextHint() {
    if (this.current && this.shown < this.current.level.hints.length) this.shown++;
    this.render();
    this.hooks.changed();
    this.els.hints.lastElementChild?.setAttribute('tabindex', '-1');
    this.els.hints.lastElementChild?.focus();
  }

  /** The explorer waits for a first try or a hint on the lesson's own program, so that it
   * does not solve the goal before the learner has tried. */
  locked() {
    return this.current !== null && this.stage === 'goal' && !this.tried && this.shown === 0 && !this.edited;
  }

  /** The name of the lesson whose Python twin goes with the program shown: the level's own, or
   * once the learner turns to the fix, the fix file's. */
  pythonName() {
    const e = this.current;
    if (!e) return null;
    return this.stage === 'fix' || this.stage === 'fixed' ? e.level.fix_file.replace(/\.lab$/, '') : e.name;
  }

  render() {
    const { els, current: e, stage } = this;
    // No level (the learner's own program, or `?level=free`): one line and the way back to the
    // course; an embed shows nothing.
    els.section.hidden = !e && Boolean(this.hooks.embedded);
    els.lock.hidden = !this.locked();
    els.stepperGoal.hidden = !e;
    els.free.hidden = Boolean(e);
    this.hooks.python?.();
    if (!e) {
      delete els.section.dataset.level;
      delete els.section.dataset.stage;
      els.section.dataset.state = 'free';
      const back = el('a', '', t('course.backToCourse'));
      back.href = `lab.html${location.search}`;
      els.free.replaceChildren(...compose(t('level.labelled'), { label: t('course.freePlay'), text: back }));
      return;
    }
    const { level } = e;
    els.section.dataset.stage = stage;
    els.section.dataset.state = courseState(stage);
    els.section.dataset.level = e.name;
    els.concept.textContent = t('course.where', {
      n: e.n, total: this.path.length, view: t('course.view.lab'), concept: t(`concept.${level.concept}`),
    });
    fill(els.title, tr(level.title));
    els.model.textContent = t('level.model', { model: t(`model.${level.model}`) });
    const goal = stage === 'goal' || stage === 'won';
    for (const box of [els.goal, els.stepperGoal]) {
      const goalText = el('span');
      fill(goalText, goal ? tr(level.goal) : tr(level.fix));
      box.replaceChildren(...compose(t('level.labelled'), { label: el('b', '', goal ? t('level.goal') : t('level.fixGoal')), text: goalText }));
    }
    els.stepperGoal.hidden = stage === 'fixed';
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
    this.renderTwins();
    this.renderNext();
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

  /** The success panel: what happened and the fix to make, or the fix's success. */
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
    }
  }

  /** The same failure in the other views (the block's `twin:`), each with the number it
   * recorded there, and this level's own "K of N interleavings". */
  renderTwins() {
    const box = this.els.twins;
    const e = this.current;
    const lang = getLang();
    box.replaceChildren();
    const own = seenOf(e.name) ?? this.pendingSeen;
    const twins = e.twins.map((name) => this.path.find((s) => s.name === name)).filter(Boolean);
    box.hidden = !own && !twins.length;
    if (box.hidden) return;
    box.append(el('h3', '', t(twins.length ? 'course.sameFailure' : 'level.measuredTitle')));
    // This level's own number is the explorer's to count: say how.
    const rows = [{ name: e.name, view: 'lab', title: plain(e.level.title), seen: own, href: null, none: t('level.notCounted') }];
    for (const stop of twins) {
      const level = this.twinLevels.get(stop.name);
      if (level === undefined) this.readTwin(stop);
      const title = level ? level.title[lang] || level.title.en : stop.name;
      rows.push({ name: stop.name, view: stop.view, title: title.replace(/`/g, ''), seen: seenOf(stop.name), href: levelHref(stop) });
    }
    box.append(sameFailureList(t, has, lang, rows));
  }

  /** Reads a twin's level file for its title, once, and draws the list again. */
  readTwin(stop) {
    this.twinLevels.set(stop.name, null);
    loadLevel(stop).then((level) => {
      this.twinLevels.set(stop.name, level);
      if (this.current?.twins.includes(stop.name)) this.renderTwins();
    }, () => {});
  }

  /** The path's next level, as the link `#level-next`: in the success panel once the level is
   * fixed, else under the panel. A lab level opens in this page; another view's in its own. */
  renderNext() {
    const { els } = this;
    els.actions.replaceChildren();
    const next = nextStop(this.path, this.current.name);
    const where = this.stage === 'fixed' ? els.done : els.actions;
    if (!next) {
      where.append(el('p', 'level-end', t('course.end')));
      return;
    }
    const a = el('a', this.stage === 'fixed' ? 'next-level primary' : 'next-level');
    a.id = 'level-next';
    a.href = levelHref(next);
    a.dataset.level = next.name;
    a.dataset.view = next.view;
    const entry = this.levels.find((l) => l.name === next.name);
    const label = (title) => t('course.nextTitled', { title, view: t(`course.view.${next.view}`) });
    a.textContent = label(entry ? plain(entry.level.title) : next.name);
    if (!entry) {
      const level = this.twinLevels.get(next.name);
      if (level) a.textContent = label((level.title[getLang()] || level.title.en).replace(/`/g, ''));
      else if (level === undefined) this.readNext(next);
    }
    if (this.hooks.embedded) {
      a.target = '_blank';
      a.rel = 'noopener';
    } else if (entry) {
      a.addEventListener('click', (ev) => {
        if (ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) return;
        ev.preventDefault();
        this.hooks.next(next.name);
      });
    }
    where.append(a);
  }

  /** Reads the next level's file (another view's) for its title, once. */
  readNext(stop) {
    this.twinLevels.set(stop.name, null);
    loadLevel(stop).then((level) => {
      this.twinLevels.set(stop.name, level);
      if (this.current && nextStop(this.path, this.current.name)?.name === stop.name) this.renderNext();
    }, () => {});
  }
}
