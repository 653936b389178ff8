// An exploration's results: a summary, the outcomes as a histogram of plain DOM bars (in the
// core's sorted order, as the native command prints them), and the failures, each with a
// button that replays its shortest schedule in the stepper.
// Every run is counted: a run that ends in a deadlock, a failed assertion in a thread, a
// runtime error, a lost wakeup or a loop is a bar of its own beside the finished outcomes
// (a false `final assert` is already an outcome, marked failed), and random runs cut off at
// the step limit are a bar too. An exploration cut short never says "no failures found".
import { fill, say, t } from './i18n.js';
import { el, sayPlain } from './stepper.js';
import { isGoal } from './level.js';

const fmt = (n) => Number(n).toLocaleString('en-US');

/** The bars: every outcome, then every failure that is not a final outcome, then the runs
 * that did not finish. Each is { cls, label, count, key, schedule, replayLabel }. With `win`
 * (the level's goal, when the result is of the level's own program), the bars that reach it
 * are the goal, not a failure. */
function bars(r, win) {
  const list = r.outcomes.map((o) => {
    const goal = Boolean(win) && isGoal(win, { outcome: o.outcome });
    return {
      cls: goal ? 'outcome goal' : o.failed ? 'outcome failed' : 'outcome', label: o.text || '—', count: o.count, outcome: o.text, schedule: o.schedule, replayLabel: o.text, failed: o.failed && !goal, goal,
    };
  });
  for (const f of r.failures) {
    if (f.detail?.key === 'detail.final_assert') continue; // already an outcome bar
    const goal = Boolean(win) && isGoal(win, { kind: f.kind });
    list.push({ cls: goal ? 'outcome failure goal' : 'outcome failure', label: t(`fail.${f.kind}`), count: f.count, kind: f.kind, schedule: f.schedule_text, replayLabel: f.detail, tip: sayPlain(f.detail), goal });
  }
  if (r.unfinished) list.push({ cls: 'outcome unfinished', label: t('outcomes.unfinished'), count: r.unfinished, kind: 'unfinished', schedule: null });
  return list;
}

/** Renders `r` (the worker's result) into the result elements; `replay(schedule, label)` loads
 * one (the label is an outcome's text or a failure's message);
 * `stale` when the program or model changed since, so its schedules no longer apply;
 * `names(schedule)` writes a schedule with thread names. */
export function renderResults(els, r, replay, stale = false, names = (s) => s, win = null) {
  const exhaustive = r.kind === 'exhaustive';
  const cutShort = exhaustive ? !r.complete : Boolean(r.cancelled);
  renderSummary(els, r, stale);
  renderHistogram(els.histogram, r, replay, stale, win);
  renderFailures(els.failures, r, { replay, stale, names, cutShort, win });
  // When every failure found is the level's goal, the list is of the goal's schedules.
  const allGoal = Boolean(win) && r.failures.length > 0 && r.failures.every((f) => failureIsGoal(win, f));
  els.failuresTitle.textContent = t(allGoal ? 'failures.titleGoal' : 'failures.title');
}

/** Whether a failure of the explorer's report is the level's goal (a false final assert is,
 * when the goal is its outcome: the outcome's bar says which values). */
function failureIsGoal(win, f) {
  if (win.kind === 'failure') return f.kind === win.failure;
  return f.detail?.key === 'detail.final_assert';
}

/** The one-line summary, and what limits what it says (a limit hit, a cut short run, a stale result). */
function renderSummary(els, r, stale) {
  const kind = t(`kind.${r.kind?.kind ?? r.kind}`);
  const exhaustive = r.kind === 'exhaustive';
  // Under a millisecond the clock says nothing, and a rate computed from it would be made up.
  const fast = !(r.elapsed_ms >= 1);
  const ms = fmt(Math.round(r.elapsed_ms));
  if (exhaustive) {
    els.summary.textContent = t(fast ? 'explore.doneStatesFast' : 'explore.doneStates', {
      kind, states: fmt(r.states), transitions: fmt(r.transitions), ms, rate: fmt(r.states_per_second),
    });
  } else {
    const one = r.runs === 1 ? '1' : '';
    els.summary.textContent = t(`${fast ? 'explore.doneRunsFast' : 'explore.doneRuns'}${one}`, {
      kind, runs: fmt(r.runs), ms, rate: fmt(r.runs_per_second), seed: r.seed,
    });
  }
  const notes = [];
  if (r.stopped?.reason === 'state_limit') notes.push(t('explore.stateLimit', { limit: fmt(r.stopped.limit) }));
  if (r.stopped?.reason === 'cancelled' || r.cancelled) notes.push(t('explore.cancelledNote'));
  if (exhaustive && !r.complete && !r.stopped) notes.push(t('explore.incomplete'));
  if (r.stopped?.reason === 'memory_budget') notes.push(t('explore.memoryBudget', { mib: fmt(r.stopped.bytes / 1048576) }));
  if (r.unfinished) notes.push(t('explore.unfinished', { n: fmt(r.unfinished) }));
  if (r.cyclic) notes.push(t('explore.cyclic'));
  if (stale) notes.push(t('explore.stale'));
  els.notes.textContent = notes.join(' · ');
  els.notes.hidden = notes.length === 0;
}

/** One bar per outcome, failure and unfinished runs, each with its count and share and a button
 * that replays its schedule. */
function renderHistogram(ol, r, replay, stale, win) {
  const all = bars(r, win);
  const total = all.reduce((s, b) => s + b.count, 0);
  const max = Math.max(1, ...all.map((b) => b.count));
  ol.replaceChildren();
  for (const b of all) {
    const li = el('li', b.cls);
    if (b.outcome !== undefined) li.dataset.outcome = b.outcome;
    if (b.kind) li.dataset.kind = b.kind;
    li.dataset.count = String(b.count);
    if (b.failed) li.title = t('outcomes.failedTip');
    if (b.tip) li.title = b.tip;
    if (b.goal) {
      li.dataset.goal = 'true';
      li.title = t('outcomes.goalTip');
    }
    const bar = el('span', 'bar');
    bar.append(el('i'));
    bar.firstChild.style.width = `${(100 * b.count) / max}%`;
    const pct = total ? ((100 * b.count) / total).toFixed(b.count === total ? 0 : 1) : '0';
    li.append(el('code', 'label', b.label), bar, el('span', 'count', t('outcomes.count', { count: fmt(b.count), pct })));
    if (b.schedule !== null) {
      const btn = el('button', 'replay', t('outcome.replay'));
      btn.dataset.schedule = b.schedule;
      btn.setAttribute('aria-label', t('outcome.replayOf', { what: b.label }));
      btn.disabled = stale;
      btn.addEventListener('click', () => replay(b.schedule, b.replayLabel));
      li.append(btn);
    }
    ol.append(li);
  }
}

/** The failures, each with its message, its shortest schedule and a button to replay it; or
 * that none was found (and whether that is for every schedule or only those tried). */
function renderFailures(ul, r, { replay, stale, names, cutShort, win }) {
  ul.replaceChildren();
  if (!r.failures.length) {
    const none = cutShort ? 'failures.noneSoFar' : r.kind === 'exhaustive' ? 'failures.none' : 'failures.noneSampled';
    ul.append(el('li', `hint none ${cutShort ? 'incomplete' : ''}`, t(none, { runs: fmt(r.runs ?? 0) })));
  }
  for (const f of r.failures) {
    const goal = Boolean(win) && failureIsGoal(win, f);
    const li = el('li', goal ? 'failure goal' : 'failure');
    li.dataset.kind = f.kind;
    if (goal) li.dataset.goal = 'true';
    const head = el('div', 'head');
    const name = goal ? t('failures.goal') : t(`fail.${f.kind}`);
    head.append(el('b', '', name), ' · ', el('span', 'count', t(f.count === 1 ? 'failures.count1' : 'failures.count', { count: fmt(f.count) })));
    const btn = el('button', 'replay', t('failures.replay'));
    btn.dataset.schedule = f.schedule_text;
    btn.setAttribute('aria-label', t('outcome.replayOf', { what: name }));
    btn.disabled = stale;
    head.append(' ', btn);
    const text = el('div', 'message');
    const worded = goal && f.detail.key === 'detail.final_assert'
      ? t('failures.goalAssert', { cond: f.detail.cond })
      : goal ? t('failures.goalFailure', { kind: t(`fail.${f.kind}`), message: say(f.detail) }) : say(f.detail);
    fill(text, worded);
    // A replay is labelled as the list words it: the goal's schedule as the goal.
    btn.addEventListener('click', () => replay(f.schedule_text, goal ? worded.replace(/`/g, '') : f.detail));
    text.dataset.key = f.detail.key;
    const sched = el('code', 'sched', names(f.schedule_text) || '—');
    sched.dataset.schedule = f.schedule_text;
    li.append(head, text, sched);
    ul.append(li);
  }
}
