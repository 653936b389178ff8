// The producer: an outbox of put messages, posted to the worker at most once per frame.

/** Messages put in one frame go out in one `put`; a bigger outbox is split across frames. */
export const MAX_PER_POST = 20000;

/**
 * The worker reads no post longer than 2 Mi UTF-16 units (`MAX_POST_UNITS` in
 * src/pipeline/protocol/mod.rs): it refuses them unread, so that none can grow its memory. A
 * post here stays under that for any text: JSON writes a text in at most 6 units a unit (a
 * control character as `\u0000`), and its quotes, comma and time stamp in under 32 more.
 */
export const POST_BUDGET_UNITS = (2 << 20) - 1024;
const postUnits = (text) => 6 * text.length + 32;

/**
 * At most this many messages are posted and not yet answered: the rest wait in the outbox
 * (on the page) rather than in the worker's event loop, where a busy worker cannot read them
 * and where they would grow its memory without bound.
 */
export const MAX_IN_FLIGHT = 100_000;

const now = () => performance.timeOrigin + performance.now();
// JSON.stringify writes a lone surrogate as a `\ud800` escape, which the worker's JSON reader
// refuses (no UTF-8 text holds one), and that would lose the whole put: send well-formed text.
const clean = (s) => (s.toWellFormed ? s.toWellFormed() : s);

export class Outbox {
  constructor(post) {
    this.post = post; // (request) => void: posts one `put` request object
    this.reset();
  }

  reset() {
    this.nextId = 1; // id of the next message put
    this.headId = 1; // id of texts[head]
    this.texts = [];
    this.putAt = [];
    this.head = 0;
    this.posted = 0;
    // Runs put but not yet made into texts, oldest first: [{ n, make, at, i }]. A burst of a
    // million costs nothing when it is put; each frame makes only the texts it posts.
    this.runs = [];
    this.pending = 0;
  }

  get size() {
    return this.texts.length - this.head + this.pending;
  }

  put(text, at = now()) {
    // Behind a pending run, a single text waits its turn as a run of one.
    if (this.pending) return this.putMany(1, () => text, at);
    this.texts.push(clean(text));
    this.putAt.push(at);
    this.nextId++;
  }

  /** Puts `n` messages whose texts come from `make(i)`, i from 1, all stamped now. */
  putMany(n, make, at = now()) {
    this.runs.push({ n, make, at, i: 1 });
    this.pending += n;
    this.nextId += n;
  }

  /** Makes texts from the pending runs, in order, until `want` are ready to post. */
  make(want) {
    while (this.runs.length && this.texts.length - this.head < want) {
      const r = this.runs[0];
      const take = Math.min(r.n - r.i + 1, want - (this.texts.length - this.head));
      for (let k = 0; k < take; k++, r.i++) {
        this.texts.push(clean(r.make(r.i)));
        this.putAt.push(r.at);
      }
      this.pending -= take;
      if (r.i > r.n) this.runs.shift();
    }
  }

  /**
   * Posts up to `max` (at most MAX_PER_POST) messages as one `put`, within the worker's post
   * cap; called once per animation frame. Returns how many it posted.
   */
  flush(max = MAX_PER_POST) {
    const want = Math.min(max, MAX_PER_POST);
    this.make(want);
    let n = 0;
    for (let units = 0; n < Math.min(this.texts.length - this.head, want); n++) {
      units += postUnits(this.texts[this.head + n]);
      if (units > POST_BUDGET_UNITS && n > 0) break;
    }
    if (!n) return 0;
    const end = this.head + n;
    const msg = {
      type: 'put', first_id: this.headId,
      texts: this.texts.slice(this.head, end), put_at: this.putAt.slice(this.head, end),
    };
    this.head = end;
    this.headId += n;
    if (this.head === this.texts.length) {
      this.texts = [];
      this.putAt = [];
      this.head = 0;
    }
    this.posted += n;
    this.post(msg);
    return n;
  }
}

/** Puts `rate` messages a second, a frame's worth at a time, texts `auto 1`, `auto 2`… */
export class AutoProducer {
  constructor(outbox) {
    this.outbox = outbox;
    this.rate = 5;
    this.on = false;
    this.count = 0;
  }

  toggle() {
    this.on = !this.on;
    this.setRate(this.rate);
    return this.on;
  }

  setRate(rate) {
    this.rate = rate;
    this.start = performance.now();
    this.done = 0;
  }

  /** Called every frame: puts however many messages are due since it was switched on. */
  tick(t) {
    if (!this.on || !(this.rate > 0)) return;
    // After a stall (hidden tab, page busy work) catch up at most one second's worth.
    const due = Math.floor(((t - this.start) / 1000) * this.rate) - this.done;
    const n = Math.min(due, Math.ceil(this.rate));
    if (due > n) this.done += due - n;
    for (let i = 0; i < n; i++) this.outbox.put(`auto ${++this.count}`);
    this.done += Math.max(n, 0);
  }
}
