// The threads view's side of the course (docs/COURSE.md): its facts, read from the view's own
// state object (view.js) — the settings of the run the ledger shows and its exact counts — and
// the level's setup put in the controls. The names are the core's list (THREADS_FACTS and
// THREADS_SETUP in src/course.rs), which `lab check` holds every lessons/threads_*.level to.
// No fact comes from a timer: a run that was stopped early has its own, smaller counts.
import { PARAMS, parseValue } from './params.js';

/** The switches that make a run unsafe, and their unsafe values. */
const UNSAFE = {
  queue: ['unlocked'],
  consumer: ['check-then-act', 'check-then-act-blocking'],
  counter: ['racy'],
  guard: ['racy'],
};

const yes = (b) => (b ? 'yes' : 'no');

/**
 * The facts of the run the ledger shows (before any run: the controls' settings and zero
 * counts). `final` is yes once the counts are settled (the run stopped or finished and every
 * thread left), `finished` only when every thread returned by itself: every producer put all
 * its items and the consumers emptied the queue. While a run is live, `lost` may still be
 * taken back (a consumer that held the item records it) and the two counters are read one
 * after the other, so `lost_updates` is counted only beyond what that skew can explain.
 */
export function facts(S) {
  const sc = S.runScenario ?? S.scenario;
  const s = S.stats;
  const settled = Boolean(s.settled);
  const skew = s.trueCount - s.counter;
  const variant = Object.entries(UNSAFE).some(([k, bad]) => bad.includes(sc[k])) ? 'unsafe' : 'safe';
  return {
    real: yes(S.mode === 'real'),
    queue: sc.queue,
    consumer: sc.consumer,
    counter: sc.counter,
    guard: sc.guard,
    variant,
    producers: sc.producers,
    consumers: sc.consumers,
    items: sc.items,
    finished: yes(S.runState === 'ended' && settled),
    final: yes(settled),
    put: s.produced,
    taken: s.consumed,
    lost: s.lost,
    duplicated: s.duplicated,
    reordered: s.reordered,
    empty_after_check: s.emptyFailures,
    stalled_after_check: s.stalls,
    processed: s.trueCount,
    counted: s.counter,
    lost_updates: settled ? Math.max(0, skew) : Math.max(0, skew - sc.consumers),
    consumers_started: s.consumersStarted,
  };
}

/**
 * The level's settings, `{ NAME: 'text' }` with names from PARAMS: every setting the level
 * names is put in place, every other one goes back to its default, so that what an earlier
 * level or the learner left behind does not decide this one. Returns the scenario.
 */
export function scenarioFor(setup) {
  const scenario = Object.fromEntries(Object.entries(PARAMS).map(([k, p]) => [k, p.def]));
  for (const [name, text] of Object.entries(setup ?? {})) {
    if (!Object.hasOwn(PARAMS, name)) continue;
    const v = parseValue(name, String(text));
    if (v !== undefined) scenario[name] = v;
  }
  return scenario;
}
