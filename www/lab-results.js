// An exploration's results: a summary, the outcomes as a histogram of plain DOM bars (in the
// core's sorted order, as the native command prints them), and the failures, each with a
// button that replays its shortest schedule in the stepper.
import { say, t } from './lab-i18n.js';
import { el } from './lab-view.js';

const fmt = (n) => Number(n).toLocaleString('en-US');

/** Renders `r` (the worker's result) into the result elements; `replay(schedule, label)` loads
 * one (the label is an outcome's text or a failure's message);
 * `stale` when the program or model changed since, so its schedules no longer apply. */
export function renderResults(els, r, replay, stale = false) {
  const kind = t(`kind.${r.kind?.kind ?? r.kind}`);
  if (r.kind === 'exhaustive') {
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
  if (r.stopped?.reason === 'memory_budget') notes.push(t('explore.memoryBudget', { mib: fmt(r.stopped.bytes / 1048576) }));
  if (r.unfinished) notes.push(t('explore.unfinished', { n: fmt(r.unfinished) }));
  if (r.cyclic) notes.push(t('explore.cyclic'));
  if (stale) notes.push(t('explore.stale'));
  els.notes.textContent = notes.join(' · ');
  els.notes.hidden = notes.length === 0;

  const total = r.outcomes.reduce((s, o) => s + o.count, 0);
  const max = Math.max(1, ...r.outcomes.map((o) => o.count));
  els.histogram.replaceChildren();
  for (const o of r.outcomes) {
    const li = el('li', o.failed ? 'outcome failed' : 'outcome');
    li.dataset.outcome = o.text;
    li.dataset.count = String(o.count);
    if (o.failed) li.title = t('outcomes.failedTip');
    const bar = el('span', 'bar');
    bar.append(el('i'));
    bar.firstChild.style.width = `${(100 * o.count) / max}%`;
    const pct = total ? ((100 * o.count) / total).toFixed(o.count === total ? 0 : 1) : '0';
    const btn = el('button', 'replay', t('outcome.replay'));
    btn.dataset.schedule = o.schedule;
    btn.disabled = stale;
    btn.addEventListener('click', () => replay(o.schedule, o.text));
    li.append(el('code', 'label', o.text || '—'), bar, el('span', 'count', t('outcomes.count', { count: fmt(o.count), pct })), btn);
    els.histogram.append(li);
  }

  els.failures.replaceChildren();
  if (!r.failures.length) els.failures.append(el('li', 'hint none', t('failures.none')));
  for (const f of r.failures) {
    const li = el('li', 'failure');
    li.dataset.kind = f.kind;
    const head = el('div', 'head');
    head.append(el('b', '', t(`fail.${f.kind}`)), ' · ', el('span', 'count', t('failures.count', { count: fmt(f.count) })));
    const btn = el('button', 'replay', t('failures.replay'));
    btn.dataset.schedule = f.schedule_text;
    btn.disabled = stale;
    const message = say(f.detail);
    btn.addEventListener('click', () => replay(f.schedule_text, f.detail));
    head.append(' ', btn);
    const text = el('div', 'message', message);
    text.dataset.key = f.detail.key;
    li.append(head, text, el('code', 'sched', f.schedule_text || '—'));
    els.failures.append(li);
  }
}
