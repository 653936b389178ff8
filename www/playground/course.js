// The playground's side of the course (docs/COURSE.md): its facts, read from the view's own
// state (the ledger's counts, the settings the worker confirmed, the blocking work it recorded),
// and the way a level's settings are put in place, through the controls as a user would set
// them. Loaded after the first paint, with the shared panel (www/common/course.js).
import { isReference, UNLIMITED } from './controls.js';

const $ = (id) => document.getElementById(id);
const yes = (b) => (b ? 'yes' : 'no');

/**
 * The facts, as src/course.rs lists them (QUEUE_FACTS). The ledger's: `sent` (messages the
 * producer posted), `delivered` (different messages delivered at least once), `repeats`
 * (deliveries of a message delivered before, by a snapshot round), `duplicates` (a message
 * removed twice), `lost`, `balanced` (the ledger's balance, claimed only while the worker
 * answers). The settings the worker confirmed: `mode`, `interval`, `work`, `max_batch`,
 * `reference`. The latest blocking work that ran to its end (controls.js records it):
 * `busy_on` (`page`, `worker` or `none`), `busy_ms` (how long it was asked to run) and
 * `page_blocked_ms` (how long the page thread was blocked by busy work while it ran).
 */
export function facts(state) {
  const { outbox, ledger, settings: s, busy } = state;
  const removed = ledger.removedAll;
  const { inflight, queued, refused, lost } = ledger;
  const balanced = state.sup.answering && outbox.posted === inflight + queued + removed + refused + lost;
  const last = busy.last;
  return {
    sent: outbox.posted,
    delivered: ledger.delivered,
    repeats: ledger.repeats,
    duplicates: ledger.dupes,
    lost,
    balanced: yes(balanced),
    mode: s?.mode,
    interval: s?.interval_ms,
    work: s?.work_ms,
    max_batch: s?.max_batch,
    reference: s ? yes(isReference(s)) : undefined,
    busy_on: last?.on ?? 'none',
    busy_ms: last?.ms ?? 0,
    page_blocked_ms: last?.pageBlocked ?? 0,
  };
}

/** The setup keys (src/course.rs QUEUE_SETUP) and the controls they set. */
const CONTROLS = { mode: 'mode', interval: 'interval', work: 'work', max_batch: 'max-batch', busy_ms: 'busy-ms' };

/**
 * Puts a level's settings in place as a user would: each value into its control, then the
 * control's `change` (which sends the consumer's settings to the worker), and `reference=on` or
 * `off` by pressing the reference switch if it is not already so. The switch needs the settings
 * the worker confirmed: before its `ready`, the setup waits for it (replies.js).
 */
export function apply(state, setup) {
  if (!state.settings) {
    state.setupWhenReady = setup;
    return;
  }
  for (const [k, id] of Object.entries(CONTROLS)) {
    if (!(k in setup)) continue;
    const v = k === 'max_batch' && (setup[k] === 'unlimited' || Number(setup[k]) === UNLIMITED) ? '' : setup[k];
    $(id).value = v;
    $(id).dispatchEvent(new Event('change'));
  }
  if ('reference' in setup && (setup.reference === 'on') !== isReference(state.settings)) $('reference-btn').click();
}

/**
 * Opens the level panel above the view's controls; `state.course` is set once it is open. An
 * embed shows it only when it embeds a level (`?level=`): a host that embedded the playground
 * itself gets the playground.
 */
export async function openPanel(state, shell) {
  if (shell.embedded && !new URLSearchParams(location.search).has('level')) return;
  const { openCourse } = await import('../common/course.js');
  state.course = await openCourse({
    view: 'queue',
    i18n: state.i18n,
    before: $('intro'),
    facts: () => facts(state),
    apply: (setup) => apply(state, setup),
    embedded: shell.embedded,
  });
}
