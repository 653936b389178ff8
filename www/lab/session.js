// The stepper's controller: a LabSession (the page's wasm) for the program in the editor, the
// learner's moves, and a schedule from the explorer replayed step by step. It renders through
// stepper.js and keeps the URL's hash in step with what is shown.
import { fill, say, t } from './i18n.js';
import { $, levelOf, saveHash, showNote, syncRunButtons } from './page.js';
import { engine, engineFailed, oversize, parseError } from './engine.js';
import { renderBackdrop, showEditorError } from './editor.js';
import { clearResults } from './explorer.js';
import { el, namedChoice, namedSchedule, renderStepper, statusKind, statusText } from './stepper.js';
import { plain } from './path.js';

/** The most statements "run to the end" takes: a thread spinning in a loop that only another
 * thread can end stops there, and the note says so. */
const TO_END_MAX = 200;

/** Starts a session for `text` under `model`, taking `schedule`; false (and the error shown in
 * the editor) if the text does not parse. */
export function open(lab, text, model, schedule = '', { quiet = false } = {}) {
  const tooBig = oversize(lab, text);
  if (tooBig) {
    showEditorError(lab, { error: tooBig });
    return false;
  }
  let s;
  try {
    s = new lab.wasm.LabSession(text, model);
  } catch (err) {
    if (typeof err !== 'string') return engineFailed(lab, err);
    showEditorError(lab, parseError(err));
    return false;
  }
  lab.session?.free();
  lab.session = s;
  lab.src = text;
  lab.model = model;
  const opened = engine(lab, () => {
    lab.program = JSON.parse(s.program());
    let v = JSON.parse(schedule ? s.replay(schedule) : s.view());
    let refused = null;
    // A schedule the core refuses as a whole (too long): open at the start and say why.
    if (v.error !== undefined) [refused, v] = [v.error, JSON.parse(s.view())];
    return { v, refused };
  });
  if (!opened) return false;
  showEditorError(lab, null);
  if (quiet) delete opened.v.replay_error;
  setView(lab, opened.v);
  if (opened.refused && !quiet) showNote(opened.refused);
  clearResults(lab);
  return true;
}

/** Takes the core's view `v` (after a move) as the stepper's state and shows it. */
export function setView(lab, v) {
  if (!v || v.error !== undefined) return; // a refused choice leaves the state as it was
  lab.view = v;
  // Only a replayed link's refused step is reported, until the next move.
  const note = $('replay-note');
  note.hidden = !v.replay_error;
  fill(note, v.replay_error ? t('replay.refused', { index: v.replay_error.index + 1, error: say(v.replay_error.error) }) : '');
  render(lab);
  saveHash(lab);
  lab.course?.onView(v, { src: lab.src, model: lab.model, goalMet: () => goalReached(lab) });
  syncRunButtons(lab);
}

/** The level whose goal the stepper's run counts for: the level shown, while the editor holds
 * its own program under its own model (as the level panel counts it); else null. */
export function countingLevel(lab) {
  const entry = levelOf(lab, lab.preset);
  return entry && lab.src === entry.program && lab.model === entry.level.model ? entry : null;
}

/** Whether the stepper's run reaches the level's goal (asked of the core). */
function goalReached(lab) {
  const entry = levelOf(lab, lab.preset);
  return Boolean(entry && lab.session?.goal_met(entry.text));
}

/** Runs thread `ti` statement by statement until it finishes, blocks, waits or the run ends;
 * at most TO_END_MAX statements (then the note says it stopped). One move for the page. */
export function runToEnd(lab, ti) {
  if (!lab.session) return;
  const can = (v) => v.enabled.some((c) => c.thread === ti && c.kind === 'step');
  const answer = engine(lab, () => {
    let v = lab.view;
    let last = null;
    let taken = 0;
    while (can(v) && taken < TO_END_MAX) {
      const a = lab.session.step_statement(ti);
      const next = JSON.parse(a);
      if (next.error !== undefined) break;
      [last, v] = [a, next];
      taken++;
    }
    return { last, stopped: taken >= TO_END_MAX && can(v) };
  });
  if (!answer?.last) return;
  setView(lab, JSON.parse(answer.last));
  if (answer.stopped) showNote({ key: 'stepper.toEndLimit', n: TO_END_MAX, thread: lab.program.threads[ti]?.name ?? String(ti) });
}

/** A plain move of thread `ti` (its statement, or its newest step): when that step is a load
 * that could have read an older write, the note says which write it read and how to read
 * another, since the plain buttons choose for the learner. */
function moveSaying(lab, ti, f) {
  const steps = lab.view?.enabled.filter((c) => c.kind === 'step' && c.thread === ti) ?? [];
  const alt = steps.at(-1)?.text?.alt;
  move(lab, f);
  if (steps.length > 1 && alt?.key === 'alt.reads') {
    showNote({ key: 'stepper.readNewest', thread: lab.program.threads[ti]?.name ?? String(ti), k: alt.write, what: `${alt.var} = ${alt.value}` });
  }
}

/** Runs `f(session)`, a move, and shows where it leads; nothing without a session. */
export function move(lab, f) {
  if (!lab.session) return;
  const answer = engine(lab, () => f(lab.session));
  if (answer !== null) setView(lab, JSON.parse(answer));
}

/** Draws the stepper, its status line, the schedule and the replay bar. */
export function render(lab) {
  const { session, view, program } = lab;
  if (!session || !view) return;
  $('stepper-section').classList.toggle('stale', lab.editorError !== null);
  renderStepper($('threads'), $('memory'), { program, view, src: lab.src, showSteps: $('show-steps').checked }, {
    statement: (ti) => moveSaying(lab, ti, (s) => s.step_statement(ti)),
    toEnd: (ti) => runToEnd(lab, ti),
    choose: (c) => {
      const plain = view.enabled.filter((e) => e.kind === 'step' && e.thread === view.enabled.find((x) => x.choice === c)?.thread).at(-1);
      if (plain?.choice === c) moveSaying(lab, plain.thread, (s) => s.step(c));
      else move(lab, (s) => s.step(c));
    },
  });
  // A run that reaches the level's goal is the learner's success, said in the level's words
  // first: the failure it shows is the one the level asks for, not a mistake.
  const level = view.status.status !== 'running' ? countingLevel(lab) : null;
  const goal = level && goalReached(lab) ? { title: plain(level.level.title) } : null;
  const status = $('run-status');
  status.dataset.status = goal ? 'goal' : statusKind(view);
  fill(status, statusText(view, goal));
  $('schedule').textContent = namedSchedule(program, view.schedule) || '—';
  $('schedule').dataset.schedule = view.schedule;
  $('undo').disabled = !view.schedule;
  renderReplay(lab);
  renderBackdrop(lab);
}

/** The replay bar: the plan's steps, the one to take next, or that the learner left it. */
function renderReplay(lab) {
  const { plan, view, program } = lab;
  const bar = $('replay-bar');
  const taken = view.schedule ? view.schedule.split(',') : [];
  const onPlan = plan && taken.length <= plan.length && taken.every((c, i) => c === plan[i]);
  bar.hidden = !plan;
  if (!plan) return;
  bar.classList.toggle('diverged', !onPlan);
  fill($('replay-title'), onPlan
    ? t('replay.title', { k: taken.length, n: plan.length }) + (lab.planLabel ? t('replay.label', { label: say(lab.planLabel) }) : '')
    : t('replay.diverged'));
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
export function startReplay(lab, schedule, label) {
  if (!lab.session) return;
  lab.plan = schedule ? schedule.split(',') : [];
  lab.planLabel = label;
  move(lab, (s) => s.replay(''));
  $('stepper-section').scrollIntoView({ behavior: 'smooth', block: 'start' });
}

/** Takes the plan's next step. */
export function replayNext(lab) {
  const taken = lab.view.schedule ? lab.view.schedule.split(',').length : 0;
  if (lab.plan && taken < lab.plan.length) move(lab, (s) => s.step(lab.plan[taken]));
}

/** Takes the whole plan. */
export function replayEnd(lab) {
  if (lab.plan) move(lab, (s) => s.replay(lab.plan.join(',')));
}

/** Leaves the plan where the stepper is. */
export function replayStop(lab) {
  lab.plan = null;
  render(lab);
  saveHash(lab);
}
