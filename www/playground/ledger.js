// The page's accounting: it counts what the worker reports and what the batches carry, so
// every message can be accounted for. It decides nothing about the queue.

/** A growable bitmap of message ids (ids are consecutive from 1). */
class Bits {
  a = new Uint8Array(1024);
  has(id) {
    return (id >> 3) < this.a.length && (this.a[id >> 3] >> (id & 7)) & 1;
  }
  add(id) {
    const j = id >> 3;
    if (j >= this.a.length) {
      const b = new Uint8Array(Math.max(j + 1, this.a.length * 2));
      b.set(this.a);
      this.a = b;
    }
    this.a[j] |= 1 << (id & 7);
  }
}

/**
 * Every message the page posted is, at any moment, in exactly one place, and the page can say
 * which: in flight (posted, not yet answered), queued, removed by the consumer, refused (the
 * queue was full: the producer was told), or lost (in flight or queued in a worker that died).
 * posted = inflight + queued + removed + refused + lost is checked live; it is only claimed
 * while the worker answers (see `balance` in render.js).
 */
export class Ledger {
  constructor() {
    this.reset();
  }

  reset() {
    this.seen = new Bits(); // delivered in any batch
    this.taken = new Bits(); // delivered by a removing batch (drain, one-by-one)
    this.pending = new Map(); // put request id -> messages it carries, until its ack
    Object.assign(this, {
      inflight: 0, received: 0, queued: 0, removed: 0, refused: 0, lost: 0,
      delivered: 0, dupes: 0, repeats: 0, batches: 0,
      removedBefore: 0, // removed by workers that have since died
      lastFull: null, // the latest `full` reply
      lastLoss: null, // { inflight, queued } lost with the latest worker that died
    });
  }

  /** Counts a put posted as request `id`, carrying `n` messages. */
  posted(id, n) {
    this.pending.set(id, n);
    this.inflight += n;
  }

  /** Some of put `r.id`'s messages were refused: the queue was full (`queue.Full`). */
  full(r) {
    this.refused += r.refused;
    this.lastFull = r;
  }

  ack(r) {
    const n = this.pending.get(r.id);
    if (n !== undefined) {
      this.pending.delete(r.id);
      this.inflight -= n;
    }
    this.received = r.received;
    this.queued = r.queue_len;
  }

  /** The worker refused put `id` whole (an error reply): none of it went in. */
  refusedWhole(id) {
    const n = this.pending.get(id);
    if (n === undefined) return;
    this.pending.delete(id);
    this.inflight -= n;
    this.refused += n;
  }

  /**
   * The worker died: what was in flight to it and in its queue is lost. Its counts are closed
   * (what it removed stays removed) and the next worker counts from zero.
   */
  workerDied() {
    const loss = { inflight: this.inflight, queued: this.queued };
    this.lost += loss.inflight + loss.queued;
    this.lastLoss = loss;
    this.pending.clear();
    this.removedBefore += this.removed;
    Object.assign(this, { inflight: 0, received: 0, queued: 0, removed: 0 });
    return loss;
  }

  /** Messages removed by every worker so far. */
  get removedAll() {
    return this.removedBefore + this.removed;
  }

  /**
   * Counts a batch. Returns a mark for each of its first `keep` messages: 'dupe' (removed
   * before: a bug), 'repeat' (copied again by a snapshot round, as expected there), or ''.
   */
  batch(b, keep) {
    const removing = b.mode !== 'snapshot';
    const marks = [];
    for (let i = 0; i < b.ids.length; i++) {
      const id = b.ids[i];
      let mark = '';
      if (removing && this.taken.has(id)) {
        this.dupes++;
        mark = 'dupe';
      } else if (this.seen.has(id)) {
        if (!removing) {
          this.repeats++;
          mark = 'repeat';
        }
      } else {
        this.seen.add(id);
        this.delivered++;
      }
      if (removing) this.taken.add(id);
      if (i < keep) marks.push(mark);
    }
    this.batches++;
    this.queued = b.queue_len;
    this.removed = b.removed_total;
    return marks;
  }
}
