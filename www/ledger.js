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

export class Ledger {
  constructor() {
    this.reset();
  }

  reset() {
    this.seen = new Bits(); // delivered in any batch
    this.taken = new Bits(); // delivered by a removing batch (drain, one-by-one)
    Object.assign(this, { received: 0, queued: 0, removed: 0, delivered: 0, dupes: 0, repeats: 0, batches: 0 });
  }

  ack(r) {
    this.received = r.received;
    this.queued = r.queue_len;
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
