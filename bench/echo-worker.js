// The benchmark's baseline: a plain-JavaScript consumer worker, no wasm. It speaks the same
// JSON protocol as www/playground/queue-worker.js (src/pipeline/protocol/) and does the same work per message
// that any consumer must: JSON.parse each post, keep the messages in a queue (two arrays and a
// head index), drain them in rounds on the same timers (setTimeout with the round's wait, as the
// Rust shell's gloo Timeout does), build the same columnar batch reply and JSON.stringify it
// back. It posts the same ready/ack/state/config replies, so the page sees the same number of
// posts. It validates only enough to stay well behaved, where the Rust worker validates
// everything: that difference is part of what the ratio measures.
const now = () => performance.timeOrigin + performance.now();
const settings = { mode: 'drain', interval_ms: 500, work_ms: 100, max_batch: 100 };
let ids = [];
let texts = [];
let putAt = [];
let head = 0;
let seq = 0;
let received = 0;
let removed = 0;
let nextDue = -Infinity;
let timer = null;
let lastState = '';

const post = (obj) => self.postMessage(JSON.stringify(obj));
const queueLen = () => ids.length - head;

function busy(ms) {
  const start = Date.now();
  let acc = 0;
  while (Date.now() - start < ms) for (let i = 0; i < 4096; i++) acc = (acc * 31 + i) | 0;
  return acc;
}

function dueIn(t) {
  if (settings.mode !== 'snapshot' && queueLen() === 0) return null;
  return Math.max(settings.mode === 'one-by-one' ? 0 : nextDue - t, 0);
}

function postState(state, activity, fields = {}) {
  const key = JSON.stringify([state, activity, fields]);
  if (key === lastState) return;
  lastState = key;
  post({ type: 'state', v: 1, state, activity, ...fields });
}

function schedule() {
  clearTimeout(timer);
  timer = null;
  const wait = dueIn(now());
  if (wait === null) return postState('waiting', 'waiting_for_messages');
  postState('idle', 'next_round', { in_ms: Math.round(wait) });
  timer = setTimeout(round, Math.ceil(wait));
}

function round() {
  timer = null;
  const t = now();
  if (dueIn(t) === null) return schedule();
  const max = settings.mode === 'one-by-one' ? 1 : settings.max_batch;
  const end = Math.min(ids.length, head + max);
  const batch = {
    type: 'batch', v: 1, seq: ++seq, mode: settings.mode,
    ids: ids.slice(head, end), texts: texts.slice(head, end), put_at: putAt.slice(head, end),
    drained_at: t, work_ms: 0, queue_len: 0, removed_total: 0,
  };
  if (settings.mode !== 'snapshot') {
    head = end;
    removed += batch.ids.length;
    if (head === ids.length) {
      ids = [];
      texts = [];
      putAt = [];
      head = 0;
    }
  }
  if (settings.work_ms > 0) {
    postState('working', 'round_work', { round: seq, work_ms: Math.round(settings.work_ms), messages: batch.ids.length });
    busy(settings.work_ms);
  }
  const done = now();
  batch.work_ms = done - t;
  batch.queue_len = queueLen();
  batch.removed_total = removed;
  nextDue = done + settings.interval_ms;
  post(batch);
  schedule();
}

self.onmessage = (event) => {
  let req;
  try {
    req = JSON.parse(event.data);
  } catch (err) {
    return post({ type: 'error', v: 1, error: { key: 'not_json', detail: err.message }, request: String(event.data).slice(0, 200) });
  }
  let reschedule = timer === null;
  switch (req.type) {
    case 'put': {
      const n = req.texts.length;
      for (let i = 0; i < n; i++) {
        ids.push(req.first_id + i);
        texts.push(req.texts[i]);
        putAt.push(req.put_at[i]);
      }
      received += n;
      post({ type: 'ack', v: 1, id: req.id, received, queue_len: queueLen() });
      break;
    }
    case 'config':
      for (const k of Object.keys(settings)) settings[k] = req[k];
      post({ type: 'config', v: 1, id: req.id, settings });
      reschedule = true;
      break;
    case 'work':
      postState('working', 'page_work', { work_ms: Math.round(req.ms) });
      busy(req.ms);
      reschedule = true;
      break;
    case 'reset':
      ids = [];
      texts = [];
      putAt = [];
      head = 0;
      seq = received = removed = 0;
      nextDue = -Infinity;
      post({ type: 'config', v: 1, id: req.id, settings });
      post({ type: 'ack', v: 1, id: req.id, received, queue_len: 0 });
      reschedule = true;
      break;
    default:
      return post({ type: 'error', v: 1, id: req.id, error: { key: 'unknown_type', got: String(req.type) }, request: String(event.data).slice(0, 200) });
  }
  if (reschedule) schedule();
};

post({ type: 'ready', v: 1, settings });
