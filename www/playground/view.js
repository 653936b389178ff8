// The queue playground (index.html): the page is the producer, the Rust queue and its consumer
// run in a supervised Web Worker, and one animation-frame loop posts and renders. This page only
// forwards and renders; it holds no queue logic. Everything the view knows is one state object
// (createState), handed to the module that reads or changes it:
//   consumer.js  the worker under supervision: requests, death, what was lost, restarts
//   replies.js   the worker's replies, matched to requests by id
//   controls.js  the producer's and consumer's controls, the reset, the blocking-work demo
//   panels.js    the stats, threads, supervisor line and errors, drawn at most once a frame
import { loadI18n } from '../common/i18n.js';
import { Outbox, AutoProducer, MAX_IN_FLIGHT } from './producer.js';
import { Ledger } from './ledger.js';
import { BatchLog, Announcer, statTiles } from './render.js';
import { Chart } from './chart.js';
import { FrameMeter } from './demo.js';
import { superviseConsumer, wireSupervision } from './consumer.js';
import { onReply } from './replies.js';
import { relabelControls, wireControls } from './controls.js';
import { render, stats } from './panels.js';

const $ = (id) => document.getElementById(id);

/** The view's one state object; the parts (sup, send, outbox, auto, ledger, …) are set by start(). */
function createState(i18n) {
  return {
    i18n,
    settings: null, // as the worker last confirmed them
    beforeReference: null, // the confirmed settings the reference switch replaced, to restore
    bound: null, // the queue's bound as the worker last confirmed it: { maxsize, max_bytes }
    memoryBytes: 0, // the worker's wasm memory, from its latest pong
    lastDeath: null, // the latest death, with what was lost
    // Requests not yet answered, by id (a refusal puts the controls back), and the latest reset.
    req: { lastId: 0, configs: new Set(), bounds: new Set(), resetId: null },
    errors: { count: 0, log: [], dirty: false }, // log: newest first, worded when drawn
    refusals: { loading: null, words: null }, // refusals/words.js, loaded at the first refusal
    dirty: true, // something to draw in the next frame
    shown: {}, // the stats as last drawn
    // Each row: `state` for styling, `key`/`vars` for its label, `detailKey` for its second line.
    threads: {
      page: { state: 'running', key: 'thread.running' },
      worker: { state: 'starting', key: 'worker.starting', detailKey: 'thread.loading' },
    },
    page: { busy: false, backToRunning: 0, work: null }, // the page thread's busy-work demo
    // Busy work of the demo: sent to the worker and not yet ended, and the latest that ended.
    busy: { pending: [], last: null },
    course: null, // the level panel (www/common/course.js), once open
    setupWhenReady: null, // a level's settings waiting for the worker's first `ready`
  };
}

/** Starts the view; `shell` is what www/common/shell.js knows of the page ({ view, embedded }). */
export async function start(shell = {}) {
  const i18n = await loadI18n((lang) => import(`./strings/${lang}.js`));
  const state = createState(i18n);
  const { t } = i18n;
  state.ledger = new Ledger();
  state.send = superviseConsumer(state, (data) => onReply(state, data));
  state.outbox = new Outbox((msg) => state.ledger.posted(state.send(msg), msg.texts.length));
  state.auto = new AutoProducer(state.outbox);
  state.log = new BatchLog($('batches'), $('batches-empty'), t);
  state.chart = new Chart($('chart'), t);
  state.meter = new FrameMeter($('anim'), $('frame-gap'), t);
  state.announcer = new Announcer($('announce'), state.ledger, t);

  wireControls(state);
  wireSupervision(state);
  wireLanguage(state);
  // On a phone the long introduction starts folded (its summary line still says what it is).
  if (matchMedia('(max-width: 600px)').matches) $('intro').open = false;
  statTiles($('stats'), Object.keys(stats(state)));
  i18n.applyStatic();
  relabelControls(state);
  // Embed mode (?embed=1): loaded only in a frame, so a visit pays nothing for it.
  if (shell.embedded) import('../common/embed-frame.js').then((m) => m.startEmbed(i18n));
  state.sup.start();
  requestAnimationFrame((now) => frame(state, now));
  exposeForTests(state);
  // The course's panel: loaded after the first paint (a frame later), so it never delays it.
  requestAnimationFrame(() => setTimeout(() => import('./course.js').then((m) => m.openPanel(state, shell))));
}

/** The language picker; a change rewords everything worded from state, in this frame. */
function wireLanguage(state) {
  const { i18n } = state;
  $('lang').value = i18n.getLang();
  $('lang').onchange = () => i18n.setLang($('lang').value);
  i18n.onLang(() => {
    $('lang').value = i18n.getLang();
    relabelControls(state);
    state.announcer.relabel();
    state.log.redraw();
    state.meter.render();
    state.chart.draw(performance.now(), true);
    state.errors.dirty = true;
    render(state);
  });
}

/** Once a frame: the automatic producer, at most one put, and at most one render. */
function frame(state, now) {
  requestAnimationFrame((next) => frame(state, next));
  const { sup, outbox, ledger } = state;
  state.auto.tick(now);
  // Puts go only to a worker that answers, and at most MAX_IN_FLIGHT wait unread in its event
  // loop; the rest wait here, in the outbox, until it catches up or is restarted.
  if (outbox.size && sup.answering && ledger.inflight < MAX_IN_FLIGHT) {
    outbox.flush(MAX_IN_FLIGHT - ledger.inflight);
    state.dirty = true;
  }
  state.meter.frame(now);
  state.announcer.tick(now, sup.state);
  state.log.render();
  state.chart.draw(now);
  if (state.dirty) {
    render(state);
    state.course?.update();
  }
}

/**
 * For end-to-end tests: the numbers as rendered, the settings the worker confirmed, its state,
 * and the supervisor's view of it (the worker is whichever one runs now).
 */
function exposeForTests(state) {
  const { sup } = state;
  window.__qp = {
    get worker() { return sup.worker; },
    stats: () => ({ ...state.shown }),
    settings: () => state.settings && { ...state.settings },
    bound: () => state.bound && { ...state.bound },
    workerState: () => state.threads.worker.state,
    busy: () => state.busy.last && { ...state.busy.last }, // the latest busy work that ended
    supervisor: () => ({ state: sup.state, deaths: sup.deaths, restarts: sup.restarts, memoryBytes: state.memoryBytes, lastDeath: state.lastDeath }),
  };
}
