// The broker view's DOM: built once, then updated at most once per animation frame. Every
// text from a message, a URL or a worker goes in as textContent.

const LANE_CHIPS = 40; // chips drawn per lane; the rest are counted
const LOST_SHOWN = 200; // lost messages named in the list; the rest are counted

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'i18n') e.dataset.i18n = v;
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k in e) e[k] = v;
    else e.setAttribute(k, v);
  }
  e.append(...children);
  return e;
}
const labelled = (key, input) => el('label', {}, el('span', { i18n: key }), input);

/** The settings section (applied by reloading the view with them); its inputs' values. */
function settingsSection(s, problems) {
  const consumers = el('input', { id: 'set-consumers', type: 'number', min: 1, max: 8, value: s.consumers });
  const ack = el('select', { id: 'set-ack' },
    ...['auto', 'manual', 'reject'].map((v) => el('option', { value: v, i18n: `broker.ack.${v}`, selected: s.ack === v })));
  const prefetch = el('input', { id: 'set-prefetch', type: 'number', min: 0, max: 1000, value: s.prefetch });
  const work = el('input', { id: 'set-work', type: 'number', min: 0, max: 600000, value: s.work });
  const durable = el('input', { id: 'set-durable', type: 'checkbox', checked: s.durable });
  const idempotent = el('input', { id: 'set-idempotent', type: 'checkbox', checked: s.idempotent });
  const broker = el('input', { id: 'set-broker', type: 'text', value: s.broker, size: 28 });
  const apply = el('button', { id: 'broker-apply', i18n: 'broker.apply' });
  const urlProblems = el('ul', { id: 'broker-url-problems', className: 'problems' });
  const section = el('section', { className: 'wide' },
    el('h2', { i18n: 'broker.title' }),
    el('p', { i18n: 'broker.intro' }),
    urlProblems,
    el('div', { className: 'row' }, labelled('broker.set.consumers', consumers), labelled('broker.set.ack', ack),
      labelled('broker.set.prefetch', prefetch), labelled('broker.set.work', work)),
    el('div', { className: 'row' }, labelled('broker.set.durable', durable), labelled('broker.set.idempotent', idempotent),
      labelled('broker.set.broker', broker), apply),
    el('p', { className: 'hint', i18n: 'broker.set.hint' }));
  return {
    section, apply,
    renderProblems: (t) => urlProblems.replaceChildren(...problems.map((p) => el('li', { textContent: t(p.key, p.vars) }))),
    setWork: (ms) => { work.value = ms; },
    readSettings: () => ({
      consumers: consumers.value, ack: ack.value, prefetch: prefetch.value, work: work.value,
      durable: durable.checked, idempotent: idempotent.checked, broker: broker.value.trim() || 'local',
    }),
  };
}

/** Replaces the playground with the broker view; returns its elements. */
export function buildView(doc, s, problems, t) {
  // This view owns the page: the playground's own parts go (its script never starts them).
  for (const old of doc.querySelectorAll('body > .intro, body > main')) old.remove();
  doc.head.append(el('link', { rel: 'stylesheet', href: new URL('./broker.css', import.meta.url).href }));
  const settings = settingsSection(s, problems);
  const ui = {
    count: el('input', { id: 'publish-count', type: 'number', min: 1, max: 100000, value: 10 }),
    publish: el('button', { id: 'publish', i18n: 'broker.publish' }),
    killBroker: el('button', { id: 'kill-broker', className: 'danger', i18n: 'broker.killBroker' }),
    brokerState: el('p', { id: 'broker-state' }),
    ledger: el('dl', { id: 'broker-ledger' }),
    alarm: el('p', { id: 'broker-alarm', hidden: true, role: 'alert' }),
    balance: el('p', { id: 'broker-balance' }),
    lost: el('ol', { id: 'broker-lost' }),
    lostMore: el('p', { id: 'broker-lost-more', className: 'hint' }),
    lanes: el('ol', { id: 'broker-lanes' }),
    errors: el('ul', { id: 'broker-errors' }),
    deaths: el('p', { id: 'broker-deaths', dataset: { deaths: '0' } }),
    why: el('p', { id: 'broker-why', hidden: true }),
    engineNote: el('p', { id: 'broker-engine-note', hidden: true, role: 'status' }),
    apply: settings.apply, readSettings: settings.readSettings, renderProblems: settings.renderProblems,
    setWork: settings.setWork,
  };
  doc.body.append(el('main', { id: 'broker-view' },
    ui.engineNote,
    settings.section,
    el('section', {},
      el('h2', { i18n: 'broker.producer' }),
      el('div', { className: 'row' }, labelled('broker.count', ui.count), ui.publish),
      el('div', { className: 'row' }, ui.killBroker),
      ui.brokerState,
      el('p', { className: 'hint', i18n: 'broker.killHint' })),
    el('section', {},
      el('h2', { i18n: 'broker.ledger' }),
      ui.ledger, ui.balance, ui.why, ui.alarm,
      el('h3', { i18n: 'broker.lostTitle' }), ui.lost, ui.lostMore),
    el('section', { className: 'wide' },
      el('h2', { i18n: 'broker.consumers' }),
      el('p', { className: 'hint', i18n: 'broker.lanesHint' }),
      ui.lanes),
    el('section', { className: 'wide' },
      el('h2', { i18n: 'broker.errors' }), ui.deaths, ui.errors)));
  ui.renderProblems(t);
  return ui;
}

const LEDGER_KEYS = [
  ['published', 'published'], ['confirmed', 'confirmed'], ['acked', 'acked'], ['unacked', 'unacked'],
  ['queued', 'queued'], ['lost', 'lost_count'], ['redelivered', 'redelivered'], ['duplicates', 'duplicates'],
  ['inFlight', 'in_flight'], ['skipped', 'skipped'],
];

/** The ledger tiles and their data-* attributes, the balance line, the alarm. */
export function renderLedger(ui, c, info, t) {
  const d = ui.ledger.dataset;
  if (!ui.ledger.children.length) {
    for (const [name] of LEDGER_KEYS) {
      ui.ledger.append(el('div', { dataset: { k: name } }, el('dt', { i18n: `broker.count.${name}` }), el('dd')));
    }
  }
  for (const [name, key] of LEDGER_KEYS) {
    const tile = ui.ledger.querySelector(`[data-k="${name}"]`);
    tile.querySelector('dt').textContent = t(`broker.count.${name}`);
    tile.querySelector('dd').textContent = String(c[key]);
    d[name] = String(c[key]);
  }
  d.broker = info.broker;
  d.state = info.state;
  d.kills = String(info.kills);
  d.resurrected = String(c.resurrected);
  d.processed = String(c.processed_count);
  const ok = c.acked + c.lost_count + c.queued + c.unacked === c.published;
  d.balanced = String(ok && !info.alarm);
  ui.balance.dataset.ok = String(ok);
  // Lost messages lead: a ledger that adds up is no good news when it adds up to losses.
  const lost = c.lost_count > 0;
  ui.balance.dataset.lost = String(lost);
  ui.ledger.querySelector('[data-k="lost"]').dataset.bad = String(lost);
  ui.balance.textContent = t(!ok ? 'broker.unbalanced' : lost ? 'broker.balancedLost' : 'broker.balanced', c);
  ui.alarm.hidden = !info.alarm;
  if (info.alarm) ui.alarm.textContent = t(info.alarm.key, info.alarm.vars);
  ui.brokerState.dataset.state = info.state;
  ui.brokerState.textContent = t(`broker.state.${info.state}`, { kills: info.kills, queue: info.queue })
    + (info.kills ? ' ' + t('broker.kills', { n: info.kills }) : '');
}

/**
 * Why the ledger reads as it does, in one sentence, once a consumer died holding messages:
 * under auto ack they were lost (acked when handed over), under manual ack they came back.
 * `key` is null when there is nothing to explain.
 */
export function renderWhy(p, key, t) {
  p.hidden = key === null;
  p.dataset.why = key ?? '';
  p.textContent = key === null ? '' : t(key);
}

/** The note above the view when the broker it runs against cannot be reached (`key` or null). */
export function renderEngineNote(p, key, vars, t) {
  p.hidden = key === null;
  p.textContent = key === null ? '' : t(key, vars);
}

/**
 * Appends lost messages not yet shown (named, capped); returns how many are shown. `lane(c)`
 * is the lane number of the broker's consumer `c`: consumers are named by their lane
 * everywhere ("consumer 1"), whatever id the broker gave their current connection.
 */
export function renderLost(list, mirror, total, shown, t, lane) {
  if (total < shown) { list.replaceChildren(); shown = 0; }
  if (shown < LOST_SHOWN && total > shown) {
    for (const x of JSON.parse(mirror.lost(shown, LOST_SHOWN - shown))) {
      list.append(el('li', { dataset: { id: x.id, reason: x.reason }, textContent: t('broker.lostItem', { id: x.id, why: t(`broker.why.${x.reason}`, { c: lane(x.consumer) ?? '?' }) }) }));
    }
    shown = list.children.length;
  }
  list.nextElementSibling.textContent = total > shown ? t('broker.lostMore', { n: total - shown }) : '';
  return shown;
}

/**
 * The notes and errors, newest first (`stamp` changes when they or the language do); a death
 * is worded by its own `word(t)` and marked with the worker and when it was seen.
 */
export function renderErrors(list, errors, t, stamp) {
  if (list.dataset.stamp === stamp) return;
  list.dataset.stamp = stamp;
  list.replaceChildren(...errors.map((e) => {
    const li = el('li', { textContent: e.word ? e.word(t) : t(e.key, e.vars) });
    if (e.death) Object.assign(li.dataset, { death: e.death.cause, worker: e.worker, at: String(e.at) });
    return li;
  }));
}

/** Each consumer's lane: its state, its controls, and the messages it holds. */
export class Lanes {
  constructor(root, n) {
    this.root = root;
    this.held = new Map(); // slot n -> Map(message id -> { re, auto })
    this.holder = new Map(); // message id -> slot n
    this.dirty = new Set();
    this.items = [];
    this.delivered = 0; // deliveries seen, redeliveries included (a fact of the course)
    for (let i = 1; i <= n; i++) {
      this.held.set(i, new Map());
      const num = (id, min, max, step) => el('input', { id, type: 'number', min, max, step });
      const c = {
        work: num(`work-consumer-${i}`, 0, 600000, 1),
        prefetch: num(`prefetch-consumer-${i}`, 0, 1000, 1),
        crash: num(`crash-consumer-${i}`, 0, 1, 0.05),
        kill: el('button', { id: `kill-consumer-${i}`, className: 'danger', i18n: 'broker.kill' }),
        restart: el('button', { id: `restart-consumer-${i}`, i18n: 'broker.restart' }),
      };
      const li = el('li', { id: `lane-${i}`, className: 'lane' },
        el('div', { className: 'row' },
          el('b'), el('span', { className: 'state' }), el('span', { className: 'detail' }),
          labelled('broker.lane.work', c.work), labelled('broker.lane.prefetch', c.prefetch), labelled('broker.lane.crash', c.crash),
          c.kill, c.restart),
        el('div', { className: 'chips' }));
      this.items.push({ li, c });
      root.append(li);
    }
  }

  controls(n) { return this.items[n - 1].c; }

  /** The language changed: every lane's chips are worded again. */
  relabel() { for (let n = 1; n <= this.items.length; n++) this.dirty.add(n); }

  heldBy(n) { return [...this.held.get(n)].map(([id, h]) => ({ id, ...h })); }

  event(e, owner) {
    switch (e.e) {
      case 'delivered': {
        this.delivered++;
        const slot = owner.get(e.c);
        if (!slot) return;
        this.held.get(slot.n).set(e.id, { re: e.re, auto: e.auto });
        this.holder.set(e.id, slot.n);
        this.dirty.add(slot.n);
        return;
      }
      case 'processed': {
        const n = this.holder.get(e.id);
        if (n !== undefined && this.held.get(n).get(e.id)?.auto) this.drop(e.id);
        return;
      }
      case 'acked': case 'requeued': case 'lost':
        return this.drop(e.id);
    }
  }

  drop(id) {
    const n = this.holder.get(id);
    if (n === undefined) return;
    this.holder.delete(id);
    this.held.get(n).delete(id);
    this.dirty.add(n);
  }

  /** The broker died: a manual consumer's holdings went with its connection. */
  brokerDied() {
    for (const [id, n] of [...this.holder]) if (!this.held.get(n).get(id)?.auto) this.drop(id);
  }

  /** After a recovery, keep only what the new ledger still has in flight. */
  afterRecovery(mirror) {
    for (const id of [...this.holder.keys()]) if (!mirror.place(id).startsWith('f:')) this.drop(id);
  }

  render(slots, t) {
    for (const slot of slots) {
      const { li } = this.items[slot.n - 1];
      li.dataset.state = slot.state;
      li.dataset.ready = String(slot.ready);
      li.dataset.consumer = slot.current ?? '';
      li.querySelector('b').textContent = t('broker.consumer', { n: slot.n });
      // The common words of a supervised worker where they say it; the lane's own for a kill or a crash.
      const common = { starting: 'worker.starting', running: 'worker.alive', dead: 'worker.dead', silent: 'worker.dead' }[slot.state];
      li.querySelector('.state').textContent = t(common ?? `broker.lane.${slot.state}`);
      li.querySelector('.detail').textContent = slot.detail ? slot.detail(t) : '';
      const held = this.held.get(slot.n);
      li.dataset.held = String(held.size);
      if (!this.dirty.has(slot.n)) continue;
      this.dirty.delete(slot.n);
      const chips = [];
      for (const [id, h] of held) {
        if (chips.length === LANE_CHIPS) break;
        const chip = el('span', { className: `msg${h.re ? ' re' : ''}${h.auto ? ' auto' : ''}`, dataset: { id }, textContent: String(id) });
        chip.title = t(h.re ? 'broker.chip.re' : h.auto ? 'broker.chip.auto' : 'broker.chip.unacked', { id });
        chips.push(chip);
      }
      if (held.size > LANE_CHIPS) chips.push(el('span', { className: 'more', textContent: t('broker.more', { n: held.size - LANE_CHIPS }) }));
      li.querySelector('.chips').replaceChildren(...chips);
    }
  }
}

