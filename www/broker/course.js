// The broker view's side of the course (docs/COURSE.md): the facts its levels are judged on,
// read from the view's own state (the settings it runs with and the page's ledger), and a way
// to put a level's settings in place. The panel itself is www/common/course.js.
//
// Facts (src/course.rs BROKER_FACTS lists the same names; `lab check` rejects any other):
//   engine                   local | rabbitmq (the broker the view runs against)
//   ack                      auto | manual | reject
//   idempotent, durable      yes | no
//   published, confirmed, delivered, redelivered, lost   the ledger's counts
//   processed_twice          work done again for a message already done (duplicates)
//   skipped                  redelivered work an idempotent consumer did not do again
//   consumers_killed         consumer workers that died (killed, crashed or ended)
//   held_when_killed         messages those consumers held when they died, summed
//   broker_killed            broker workers that died (the in-browser broker only)
//   held_when_broker_killed  messages queued or unacked when the broker died, summed
//   broker_running           yes | no: the broker is up (after a kill: recovered, its ledger
//                            the page's again, so losses found in recovery are counted)
// The `held_*` facts are the exposure a fix must face: killing a consumer with empty hands, or
// a broker with an empty queue, loses nothing under any setting, so it proves nothing.
import { openCourse } from '../common/course.js';
import { DEFAULTS, RABBITMQ_URL } from './params.js';

const yesNo = (b) => (b ? 'yes' : 'no');

/** The view's facts now. `counts` is the page's ledger (LedgerMirror counts, as rendered). */
export function facts(S, counts = S.counts) {
  const c = counts ?? {};
  return {
    engine: S.remote ? 'rabbitmq' : 'local',
    ack: S.s.ack,
    idempotent: yesNo(S.s.idempotent),
    durable: yesNo(S.s.durable),
    published: c.published ?? 0,
    confirmed: c.confirmed ?? 0,
    delivered: S.lanes.delivered,
    redelivered: c.redelivered ?? 0,
    processed_twice: c.duplicates ?? 0,
    skipped: c.skipped ?? 0,
    lost: c.lost_count ?? 0,
    consumers_killed: S.exposure.consumers,
    held_when_killed: S.exposure.held,
    broker_killed: S.remote ? 0 : S.broker.sup?.deaths ?? 0,
    held_when_broker_killed: S.exposure.brokerHeld,
    broker_running: yesNo(S.broker.state === 'ready'),
  };
}

/**
 * A level's `setup` as the view's settings: { url: the settings the view restarts with (work
 * time included), publish: the count to publish, or null }. Unknown or malformed values keep
 * the view's defaults (`lab check` has already refused any key the view does not have).
 */
export function fromSetup(setup, base = DEFAULTS) {
  const s = { ...base };
  const int = (v, lo, hi) => (/^\d+$/.test(v ?? '') && Number(v) >= lo && Number(v) <= hi ? Number(v) : null);
  if (setup.engine === 'rabbitmq') s.broker = RABBITMQ_URL;
  else if (setup.engine === 'local') s.broker = 'local';
  if (['auto', 'manual', 'reject'].includes(setup.ack)) s.ack = setup.ack;
  for (const k of ['durable', 'idempotent']) if (setup[k] === 'yes' || setup[k] === 'no') s[k] = setup[k] === 'yes';
  if (int(setup.consumers, 1, 8) !== null) s.consumers = int(setup.consumers, 1, 8);
  if (int(setup.prefetch, 0, 1000) !== null) s.prefetch = int(setup.prefetch, 0, 1000);
  if (int(setup.work, 0, 600000) !== null) s.work = int(setup.work, 0, 600000);
  return { url: s, publish: int(setup.publish, 1, 100000) };
}

/** The settings a change of which restarts the view (its workers are started with them). */
const RESTART = ['broker', 'ack', 'durable', 'idempotent', 'consumers', 'prefetch'];

/** Whether the address sets any of the view's settings itself. */
const explicit = (search) => Object.keys(DEFAULTS).some((k) => new URLSearchParams(search).has(k));

/**
 * Puts a level's settings in place. When the level opens with an address that sets the view's
 * settings itself (a shared link, the learner's own "apply", a restart below), those stand;
 * otherwise the view restarts with the level's settings if they differ from the ones it runs
 * with, or else gets the level's work time in every consumer's control and its publish count.
 * "Set up the level again" always restarts: the level's settings and a fresh ledger.
 * `restart(settings, { replace })` reloads the view with `settings` (view.js keeps the level in
 * the address); on opening it replaces the address, so "back" does not land on a link that only
 * restarts the view again.
 */
export function apply(S, setup, { opening, restart }) {
  const want = fromSetup(setup);
  const same = RESTART.every((k) => want.url[k] === S.s[k]);
  if (!opening) return restart(want.url);
  if (explicit(location.search)) {
    if (same && want.url.work === S.s.work && want.publish !== null) S.ui.count.value = want.publish;
    return;
  }
  if (!same) return restart(want.url, { replace: true });
  // The work time is live: every consumer gets it now, and the settings' field keeps it for
  // the next restart (the learner's "apply" for the fix runs with the same work time).
  S.s.work = want.url.work;
  S.ui.setWork(want.url.work);
  for (let n = 1; n <= S.slots.length; n++) {
    const c = S.lanes.controls(n);
    c.work.value = want.url.work;
    c.work.dispatchEvent(new Event('change'));
  }
  if (want.publish !== null) S.ui.count.value = want.publish;
}

/** Opens the level panel before the view's main element; `update()` is called per render. */
export function startCourse(S, restart, embedded = false) {
  let opening = true;
  const course = openCourse({
    view: 'broker',
    i18n: S.i18n,
    before: document.getElementById('broker-view'),
    facts: () => facts(S),
    apply: (setup) => apply(S, setup, { opening, restart }),
    embedded,
  });
  course.then(() => { opening = false; }, () => { opening = false; });
  return course;
}
