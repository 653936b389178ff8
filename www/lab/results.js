// An exploration's results: a summary, the outcomes as a histogram of plain DOM bars (in the
// core's sorted order, as the native command prints them), and the failures, each with a
// button that replays its shortest schedule in the stepper.
// Every run is counted: a run that ends in a deadlock, a failed assertion in a thread, a
// runtime error, a lost wakeup or a loop is a bar of its own beside the finished outcomes
// (a false `final assert` is already an outcome, marked failed), and random runs cut off at
// the step limit are a bar too. An exploration cut short never says "no failures found".
import { say, t } from './i18n.js';
import { el } from './stepper.js';

const fmt = (n) => Number(n).toLocaleString('en-US');

/** The bars: every outcome, then every failure that is not a final outcome, then the runs
 * that did not finish. Each is { cls, label, count, key, schedule, replayLabel }. */
function bars(r) {
  const list = r.outcomes.map((o) => ({
    cls: o.failed ? 'outcome failed' : 'outcome', label: o.text || '—', count: o.count, outcome: o.text, schedule: o.schedule, replayLabel: o.text, failed: o.failed,
  }));
  for (const f of r.failures) {
    if (f.detail?.key === 'detail.final_assert') continue; // already an outcome bar
    list.push({ cls: 'outcome failure', label: t(`fail.${f.kind}`), count: f.count, kind: f.kind, schedule: f.schedule_text, replayLabel: f.detail, tip: say(f.detail) });
  }
  if (r.unfinished) list.push({ cls: 'outcome unfinished', label: t('outcomes.unfinished'), count: r.unfinished, kind: 'unfinished', schedule: null });
  return list;
}

/** Renders `r` (the worker's result) into the result elements; `replay(schedule, label)` loads
 * one (the label is an outcome's text or a failure's message);
 * `stale` when the program or model changed since, so its schedules no longer apply;
 * `names(schedule)` writes a schedule with thread names. */
export function renderResults(els, r, replay, stale = false, names = (s) => s) {
  const exhaustive = r.kind === 'exhaustive';
  const cutShort = exhaustive ? !r.complete : Boolean(r.cancelled);
  renderSummary(els, r, stale);
  renderHistogram(els.histogram, r, replay, stale);
  renderFailures(els.failures, r, { replay, stale, names, cutShort });
}

/** The one-line summary, and what limits what it says (a limit hit, a cut short run, a stale result). */
function renderSummary(els, r, stale) {
  const kind = t(`kind.${r.kind?.kind ?? r.kind}`);
  const exhaustive = r.kind === 'exhaustive';
  if (exhaustive) {
    els.summary.textContent = t('explore.doneStates', {
      kind, states: fmt(r.states), transitions: fmt(r.transitions), ms: fmt(Math.round(r.elapsed_ms)), rate: fmt(r.states_per_second),
    });
  } else {
    els.summary.textContent = t('explore.doneRuns', {
      kind, runs: fmt(r.runs), ms: fmt(Math.round(r.elapsed_ms)), rate: fmt(r.runs_per_second), seed: r.seed,
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
function renderHistogram(ol, r, replay, stale) {
  const all = bars(r);
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
function renderFailures(ul, r, { replay, stale, names, cutShort }) {
  ul.replaceChildren();
  if (!r.failures.length) {
    const none = cutShort ? 'failures.noneSoFar' : r.kind === 'exhaustive' ? 'failures.none' : 'failures.noneSampled';
    ul.append(el('li', `hint none ${cutShort ? 'incomplete' : ''}`, t(none, { runs: fmt(r.runs ?? 0) })));
  }
  for (const f of r.failures) {
    const li = el('li', 'failure');
    li.dataset.kind = f.kind;
    const head = el('div', 'head');
    head.append(el('b', '', t(`fail.${f.kind}`)), ' · ', el('span', 'count', t('failures.count', { count: fmt(f.count) })));
    const btn = el('button', 'replay', t('failures.replay'));
    btn.dataset.schedule = f.schedule_text;
    btn.setAttribute('aria-label', t('outcome.replayOf', { what: t(`fail.${f.kind}`) }));
    btn.disabled = stale;
    btn.addEventListener('click', () => replay(f.schedule_text, f.detail));
    head.append(' ', btn);
    const text = el('div', 'message', say(f.detail));
    text.dataset.key = f.detail.key;
    const sched = el('code', 'sched', names(f.schedule_text) || '—');
    sched.dataset.schedule = f.schedule_text;
    li.append(head, text, sched);
    ul.append(li);
  }
}
