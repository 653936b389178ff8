// The playground view's one state object, and the two changes to it that every part makes (a
// thread's row, an error). Nothing else in the view holds mutable state at module level: each
// module gets this object and reads or changes it, and the frame loop draws it (panels.js).

/** The errors kept on the page, newest first. */
export const MAX_ERRORS = 20;

/** A fresh state for the view; `i18n` is its language functions (www/common/i18n.js). */
export function createState(i18n) {
  return {
    i18n,
    // The parts, set by start(): the supervisor and its worker's `send`, the producer (outbox,
    // auto), the page's ledger, and the renderers (log, chart, meter, announcer).
    sup: null, send: null, outbox: null, auto: null, ledger: null, log: null, chart: null, meter: null, announcer: null,
    settings: null, // as the worker last confirmed them
    beforeReference: null, // the confirmed settings the reference switch replaced, to restore
    bound: null, // the queue's bound as the worker last confirmed it: { maxsize, max_bytes }
    memoryBytes: 0, // the worker's wasm memory, from its latest pong
    lastDeath: null, // the latest death, with what was lost
    // Requests not yet answered, by id: configs and bounds (a refusal puts the controls back),
    // and the latest reset (until its ack says the old queue is gone).
    req: { lastId: 0, configs: new Set(), bounds: new Set(), resetId: null },
    errors: { count: 0, log: [], dirty: false }, // log: newest first, worded at render time
    refusals: { loading: null, words: null }, // refusals/words.js, loaded at the first refusal
    dirty: true, // something to draw in the next frame
    shown: {}, // the stats as last rendered
    // Each row: `state` for styling, `key`/`vars` for its label, `detailKey` for its second line.
    threads: {
      page: { state: 'running', key: 'thread.running' },
      worker: { state: 'starting', key: 'worker.starting', detailKey: 'thread.loading' },
    },
    // The page thread's own busy work (the demo): running now, and the timer that relabels it.
    page: { busy: false, backToRunning: 0, work: null },
  };
}

/** Changes a thread's row (merged over what it had). */
export function setThread(state, name, row) {
  state.threads[name] = { ...state.threads[name], ...row };
  state.dirty = true;
}

/** Counts and keeps an error: `{ key, vars }`, or a worker's `{ error, request }`, worded when shown. */
export function noteError(state, entry) {
  const e = state.errors;
  e.count++;
  e.log = [entry, ...e.log.slice(0, MAX_ERRORS - 1)];
  e.dirty = state.dirty = true;
}
