// Rendering of the batch log and the stats; called at most once per animation frame. Each part
// is given the view's `t` (www/common/i18n.js), so it words what it shows in the page's language.

// Each kept batch costs layout and paint in every frame the log changes (about 0.6 ms a
// batch on a 2-CPU machine): 12 are about a screenful and keep a frame within budget.
export const KEEP_BATCHES = 12;
export const SHOW_MESSAGES = 20;

const el = (tag, cls, text) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.textContent = text;
  return e;
};
const ms = (x) => Math.max(0, Math.round(x));

/** The newest batches, newest first, each showing at most SHOW_MESSAGES messages. */
export class BatchLog {
  constructor(list, empty, t) {
    this.list = list;
    this.empty = empty;
    this.t = t;
    this.kept = []; // summaries of the rendered batches, oldest first
    this.fresh = []; // summaries not yet rendered
  }

  /** Keeps what the log needs of a batch; `marks` are the ledger's marks for the first few. */
  add(b, marks) {
    const n = b.ids.length;
    this.fresh.push({
      seq: b.seq, size: n, mode: b.mode, work: b.work_ms, marks,
      ids: b.ids.slice(0, SHOW_MESSAGES), texts: b.texts.slice(0, SHOW_MESSAGES),
      oldest: b.put_at[0], newest: b.put_at[n - 1], shownAt: 0,
    });
    if (this.fresh.length > KEEP_BATCHES) this.fresh.splice(0, this.fresh.length - KEEP_BATCHES);
  }

  clear() {
    this.kept = [];
    this.fresh = [];
    this.list.replaceChildren();
    this.empty.hidden = false;
  }

  /** Renders the batches that arrived since the last frame. Returns whether anything changed. */
  render() {
    if (!this.fresh.length) return false;
    const at = performance.timeOrigin + performance.now();
    const frag = document.createDocumentFragment();
    for (let i = this.fresh.length - 1; i >= 0; i--) {
      this.fresh[i].shownAt = at;
      frag.append(item(this.fresh[i], this.t));
    }
    this.list.prepend(frag);
    this.kept.push(...this.fresh);
    this.fresh = [];
    const extra = this.kept.length - KEEP_BATCHES;
    if (extra > 0) {
      this.kept.splice(0, extra);
      for (let i = 0; i < extra; i++) this.list.lastElementChild?.remove();
    }
    this.empty.hidden = true;
    return true;
  }

  /** Rebuilds the kept batches, for a language change. */
  redraw() {
    this.list.replaceChildren(...this.kept.map((s) => item(s, this.t)).reverse());
  }
}

function item(s, t) {
  const li = el('li', 'batch');
  li.dataset.seq = s.seq;
  li.dataset.size = s.size;
  li.dataset.mode = s.mode;
  let head = t('batch.head', { seq: s.seq, size: s.size, mode: t(`mode.${s.mode}`), work: ms(s.work) });
  if (s.size) {
    const a = ms(s.shownAt - s.oldest);
    const b = ms(s.shownAt - s.newest);
    head += s.size === 1 ? t('batch.latency1', { a }) : t('batch.latency', { a, b });
  }
  const msgs = el('div', 'msgs');
  if (!s.size) msgs.append(el('span', 'none', t('batch.none')));
  s.ids.forEach((id, i) => {
    const m = el('span', 'msg', s.texts[i]);
    m.dataset.id = id;
    if (s.marks[i]) m.classList.add(s.marks[i]);
    msgs.append(m);
  });
  if (s.size > s.ids.length) msgs.append(el('span', 'more', t('batch.more', { n: s.size - s.ids.length })));
  li.append(el('div', 'head', head), msgs);
  return li;
}

/** Builds a tile per stat: <div><dt>label</dt><dd id="stat-KEY">. */
export function statTiles(dl, keys) {
  for (const k of keys) {
    const dt = el('dt');
    dt.dataset.i18n = `stats.${k}`;
    const dd = el('dd', '', '0');
    dd.id = `stat-${k}`;
    const div = el('div');
    div.append(dt, dd);
    dl.append(div);
  }
}

/**
 * Writes each stat whose value changed since the last call, and the balance. The balance is
 * claimed only while the worker answers (`health` 'answering'): counts from a worker that is
 * starting, silent or dead cannot be checked, and the page says so instead.
 */
export function renderStats(values, last, health, t) {
  for (const k in values) {
    if (values[k] === last[k]) continue;
    last[k] = values[k];
    const e = document.getElementById(`stat-${k}`);
    if (e) e.textContent = values[k];
  }
  const { posted, inflight, queued, removed, refused, lost } = values;
  let ok = String(posted === inflight + queued + removed + refused + lost);
  let key = ok === 'true' ? (lost ? 'stats.balancedLost' : 'stats.balanced') : 'stats.unbalanced';
  if (health !== 'answering') {
    ok = 'unknown';
    key = health === 'starting' ? 'stats.unknownStarting' : lost ? 'stats.unknownLost' : 'stats.unknown';
  }
  const bal = document.getElementById('stat-balance');
  const text = t(key, values);
  if (bal.textContent !== text) bal.textContent = text;
  bal.dataset.ok = ok;
}

/** The shortest time between two announcements of the live region. */
export const ANNOUNCE_MS = 4000;
// The supervisor's states worth telling a screen-reader user about, as the thread row words them
// (alive and busy are both "it answers": a change between them is not news).
const HEALTH = { starting: 'worker.starting', alive: 'thread.ready', busy: 'thread.ready', late: 'worker.late', dead: 'worker.dead' };

/**
 * Announces results politely (aria-live) without flooding: what the batches since the last
 * announcement delivered, and the worker's health when it changed, at most every ANNOUNCE_MS.
 * Worded when spoken, in the page's language; `relabel` rewords the last one.
 */
export class Announcer {
  constructor(el, ledger, t) {
    this.el = el;
    this.ledger = ledger;
    this.t = t;
    this.last = -Infinity; // when the region last changed
    this.health = HEALTH.starting; // as last announced
    this.newHealth = null;
    this.said = null; // { key, vars } of each part announced last
    this.reset();
  }

  /** Forgets the batches not yet announced (the page's counts were reset). */
  reset() {
    this.pending = null;
    this.base = { delivered: 0, repeats: 0, dupes: 0 };
  }

  /** Notes a batch the ledger has just counted. */
  batch(b) {
    this.pending ??= { from: b.seq, messages: 0 };
    this.pending.to = b.seq;
    this.pending.messages += b.ids.length;
    this.pending.queued = b.queue_len;
  }

  /** Called every frame: announces what is new if the last announcement is old enough. */
  tick(now, supState) {
    const health = HEALTH[supState] ?? supState;
    this.newHealth = health !== this.health ? health : null;
    if (!this.pending && !this.newHealth) return;
    if (now - this.last < ANNOUNCE_MS) return;
    const parts = [];
    if (this.newHealth) parts.push({ key: 'announce.worker', vars: { state: this.newHealth } });
    if (this.pending) {
      const { delivered, repeats, dupes } = this.ledger;
      const p = this.pending;
      parts.push({
        key: p.from === p.to ? 'announce.batch' : 'announce.batches',
        vars: {
          from: p.from, to: p.to, messages: p.messages, queued: p.queued,
          fresh: delivered - this.base.delivered, repeats: repeats - this.base.repeats, dupes: dupes - this.base.dupes,
        },
      });
      this.base = { delivered, repeats, dupes };
      this.pending = null;
    }
    if (this.newHealth) this.health = this.newHealth;
    this.last = now;
    this.said = parts;
    this.relabel();
  }

  /** Writes the last announcement in the page's language now. */
  relabel() {
    if (!this.said) return;
    this.el.textContent = this.said
      .map(({ key, vars }) => this.t(key, vars.state ? { state: this.t(vars.state) } : vars))
      .join(' ');
  }
}
