// The pipeline benchmark page: the producer side of the playground without its rendering, so
// that what is measured is the pipeline itself — the page's JSON.stringify and postMessage, the
// worker (the Rust queue and consumer in wasm, or the plain-JS echo baseline), the batch reply
// and the page's JSON.parse. scripts/bench.sh drives it through `window.bench`.
//
// Both workers live side by side in this one page and run alternately, so that whatever else
// the machine is doing hits both alike.

const now = () => performance.timeOrigin + performance.now();
const WORKERS = {
  wasm: new URL('../www/playground/queue-worker.js', import.meta.url),
  echo: new URL('./echo-worker.js', import.meta.url),
  // The same two, wrapped to time their phases from inside (bench/timed-worker.js).
  'wasm-timed': new URL('./timed-worker.js?target=wasm', import.meta.url),
  'echo-timed': new URL('./timed-worker.js?target=echo', import.meta.url),
};
/** The consumer's settings for every run: drain, no pause, no simulated work, big batches. */
export const SETTINGS = { mode: 'drain', interval_ms: 0, work_ms: 0, max_batch: 1_000_000 };

/** One worker and the page's end of its protocol. */
class Client {
  constructor(kind) {
    this.kind = kind;
    this.nextId = 1;
    this.onBatch = null; // (batch, arrivedAt, parsedAt) => void
    this.onAck = null; // (ack, at) => void
    this.waiting = new Map(); // reply type -> { ok, fail }
    this.runs = new Set(); // the fail(err) of every measurement running on this worker
    this.errors = [];
    this.worker = new Worker(WORKERS[kind], { type: 'module' });
    this.worker.onmessage = (e) => {
      const arrived = now();
      const r = JSON.parse(e.data);
      const parsed = now();
      if (r.type === 'batch') this.onBatch?.(r, arrived, parsed);
      else if (r.type === 'ack') this.onAck?.(r, arrived);
      else if (r.type === 'error') return this.fail(`refused ${JSON.stringify(r.error)} (request: ${String(r.request).slice(0, 80)})`);
      this.waiting.get(r.type)?.ok(r);
      this.waiting.delete(r.type);
    };
    this.worker.onerror = (e) => this.fail(`worker error: ${e.message}`);
  }

  /**
   * Any error reply, or the worker failing, ends whatever waits on this worker at once with the
   * reason: a refused put is never answered with a batch, so waiting on would only time out.
   */
  fail(reason) {
    const err = new Error(`${this.kind}: ${reason}`);
    this.errors.push(reason);
    for (const w of this.waiting.values()) w.fail(err);
    this.waiting.clear();
    for (const f of this.runs) f(err);
  }

  /** `promise`, rejected as soon as this worker fails, and after `ms` at the latest. */
  guard(promise, ms, what) {
    let fail;
    const failed = new Promise((_, f) => { fail = f; this.runs.add(f); });
    return withTimeout(Promise.race([promise, failed]), ms, what).finally(() => this.runs.delete(fail));
  }

  reply(type) {
    return new Promise((ok, fail) => this.waiting.set(type, { ok, fail }));
  }

  post(obj) {
    this.worker.postMessage(JSON.stringify(obj));
  }

  async configure(settings) {
    const got = this.reply('config');
    this.post({ v: 1, type: 'config', ...settings });
    return got;
  }
}

const clients = {};

/** Starts both workers and waits for each to be ready and configured. */
async function init() {
  for (const kind of Object.keys(WORKERS)) {
    const c = new Client(kind);
    await c.guard(c.reply('ready'), 30_000, `${kind}: ready`);
    await c.guard(c.configure(SETTINGS), 10_000, `${kind}: config`);
    clients[kind] = c;
  }
  return Object.keys(clients);
}

/** `n` distinct ASCII texts of exactly `size` bytes, the message number first. */
function makeTexts(size, n) {
  const pad = 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(Math.ceil(size / 36) + 1);
  const texts = new Array(n);
  for (let i = 0; i < n; i++) {
    const id = String(i);
    texts[i] = id.length >= size ? id.slice(0, size) : id + pad.slice(0, size - id.length);
  }
  return texts;
}

/** Builds, stamps and posts one `put` of `texts`; returns the first id and the stringify time. */
function postPut(c, texts) {
  const at = now();
  const firstId = c.nextId;
  c.nextId += texts.length;
  const t0 = performance.now();
  const json = JSON.stringify({ v: 1, type: 'put', first_id: firstId, texts, put_at: new Array(texts.length).fill(at) });
  const t1 = performance.now();
  c.worker.postMessage(json);
  const t2 = performance.now();
  return { firstId, stringifyMs: t1 - t0, postMs: t2 - t1, bytes: json.length };
}

/** Checks that a batch carries the next ids in order; returns how many it carries. */
function checkBatch(c, b, expect) {
  const n = b.ids.length;
  if (n && (b.ids[0] !== expect || b.ids[n - 1] !== expect + n - 1 || b.texts.length !== n || b.put_at.length !== n)) {
    throw new Error(`${c.kind}: batch ${b.seq} carries ids ${b.ids[0]}..${b.ids[n - 1]}, expected from ${expect}`);
  }
  return n;
}

function withTimeout(promise, ms, what) {
  let t;
  return Promise.race([promise, new Promise((_, fail) => { t = setTimeout(() => fail(new Error(`${what}: timed out after ${ms} ms`)), ms); })])
    .finally(() => clearTimeout(t));
}

/**
 * Throughput: `total` messages of `size` bytes, `perPost` to a put, posted back to back with
 * at most `window` puts in flight, until every id is back. Returns messages per second.
 */
function throughput(kind, size, total, perPost, window = 3) {
  const c = clients[kind];
  const texts = makeTexts(size, total); // built before the clock starts: the producer's own cost
  const first = c.nextId;
  let posted = 0;
  let got = 0;
  let batches = 0;
  let stringifyMs = 0;
  let parseMs = 0;
  let t0 = 0;
  const run = new Promise((ok, fail) => {
    const pump = () => {
      while (posted < total && posted - got < perPost * window) {
        const n = Math.min(perPost, total - posted);
        stringifyMs += postPut(c, texts.slice(posted, posted + n)).stringifyMs;
        posted += n;
      }
    };
    c.onBatch = (b, arrived, parsed) => {
      try {
        got += checkBatch(c, b, first + got);
      } catch (err) {
        return fail(err);
      }
      batches++;
      parseMs += parsed - arrived;
      if (got === total) return ok(performance.now() - t0);
      pump();
    };
    t0 = performance.now();
    pump();
  });
  return c.guard(run, 120_000, `${kind} throughput`).finally(() => { c.onBatch = null; }).then((ms) => ({
    kind, size, total, perPost, ms, rate: (total / ms) * 1000, batches, stringifyMs, parseMs,
  }));
}

function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * Latency at an offered load: for `ms` milliseconds, every animation frame posts one put with
 * the 16-byte messages due by then (`rate` a second), each stamped when it is posted. A
 * message's latency is the time from that stamp to its batch being parsed on this page.
 */
function latency(kind, rate, ms, size = 16) {
  const c = clients[kind];
  const cap = Math.ceil((rate * ms) / 1000) + 1000;
  const lat = new Float64Array(cap);
  const texts = makeTexts(size, cap);
  const first = c.nextId;
  let sent = 0;
  let got = 0;
  let posts = 0;
  let batches = 0;
  let stopped = false;
  const run = new Promise((ok, fail) => {
    c.onBatch = (b, arrived, parsed) => {
      let n;
      try {
        n = checkBatch(c, b, first + got);
      } catch (err) {
        return fail(err);
      }
      for (let i = 0; i < n; i++) lat[got + i] = parsed - b.put_at[i];
      got += n;
      batches++;
      if (stopped && got === sent) ok();
    };
    const start = performance.now();
    const frame = () => {
      const elapsed = performance.now() - start;
      if (elapsed >= ms) {
        stopped = true;
        if (got === sent) ok();
        return;
      }
      const due = Math.min(Math.floor((elapsed * rate) / 1000) - sent, cap - sent);
      if (due > 0) {
        postPut(c, texts.slice(sent, sent + due));
        sent += due;
        posts++;
      }
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
  return c.guard(run, ms + 60_000, `${kind} latency`).finally(() => { c.onBatch = null; }).then(() => {
    const sorted = lat.subarray(0, got).sort();
    return {
      kind, rate, ms, sent, posts, batches,
      achieved: (sent / ms) * 1000,
      p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[got - 1],
    };
  });
}

/**
 * Where the time goes for one put of `n` messages, posted alone and waited for: the page's
 * JSON.stringify and postMessage; post → round start in the worker (the put's structured
 * clone, the worker's decode and enqueue, its ack, the round timer); round start → the batch
 * on the page (drain, encode, the reply's post and clone); the page's JSON.parse. The worker
 * stamps drained_at with timeOrigin + now, the same clock as the page's.
 */
async function phases(kind, size, n) {
  const c = clients[kind];
  const texts = makeTexts(size, n);
  const first = c.nextId;
  let ackAt = 0;
  const gotAck = new Promise((ok) => { c.onAck = (r, at) => { ackAt = at; ok(); }; });
  const gotBatches = new Promise((ok, fail) => {
    let got = 0;
    let firstDrain = 0;
    let arrivedFirst = 0;
    let parseMs = 0;
    c.onBatch = (b, arrived, parsed) => {
      try {
        got += checkBatch(c, b, first + got);
      } catch (err) {
        return fail(err);
      }
      firstDrain ||= b.drained_at;
      arrivedFirst ||= arrived;
      parseMs += parsed - arrived;
      if (got === n) ok({ firstDrain, arrivedFirst, lastParsed: parsed, parseMs });
    };
  });
  const start = now();
  const p = postPut(c, texts);
  const posted = start + p.stringifyMs + p.postMs;
  let b;
  try {
    await c.guard(gotAck, 60_000, `${kind} phases: ack`);
    b = await c.guard(gotBatches, 60_000, `${kind} phases`);
  } finally {
    c.onBatch = c.onAck = null;
  }
  return {
    kind, size, n, putBytes: p.bytes,
    stringify: p.stringifyMs,
    postMessage: p.postMs,
    postToAck: ackAt - posted,
    postToDrain: b.firstDrain - posted,
    drainToArrive: b.arrivedFirst - b.firstDrain,
    parse: b.parseMs,
    total: b.lastParsed - start,
  };
}

/** `phases` through a timed worker, with the worker's own split of its time. */
async function profile(kind, size, n) {
  const c = clients[`${kind}-timed`];
  const drop = c.reply('timings');
  c.worker.postMessage('"__timings"'); // zero the totals
  await c.guard(drop, 10_000, `${kind} timings`);
  const p = await phases(`${kind}-timed`, size, n);
  const got = c.reply('timings');
  c.worker.postMessage('"__timings"');
  const t = await c.guard(got, 10_000, `${kind} timings`);
  return { ...p, kind, worker: t };
}

window.bench = { init, throughput, latency, phases, profile, SETTINGS };
document.getElementById('out').textContent = 'ready: call bench.init()';
