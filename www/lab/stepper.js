// The stepper's view: a code column per thread with its program counter, registers, store
// buffer or view, and its buttons; then shared memory and the synchronisation objects.
// It renders what the core's MachineView says (src/sim/machine.rs) and decides nothing: every
// description, choice and reason arrives as a message (a key plus fields) that `say` words in
// the page's language. Every text goes through textContent.
import { fill, say, t } from './i18n.js';

/** A message for an attribute (a title, a label), where backticks cannot become code. */
export const sayPlain = (msg) => say(msg).replace(/`/g, '');

/** An element with a class and text. */
export function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** The source text of each statement of a thread: its line from its column, up to the next
 * statement on the same line, without comments and trailing braces or semicolons. */
export function statementTexts(lines, statements) {
  const firstOnLine = new Map();
  for (const s of statements) if (!firstOnLine.has(s.line) || firstOnLine.get(s.line) > s.col) firstOnLine.set(s.line, s.col);
  const minCol = Math.min(...firstOnLine.values());
  return statements.map((s) => {
    const chars = Array.from(lines[s.line - 1] ?? '');
    let end = chars.length;
    for (const o of statements) if (o.line === s.line && o.col > s.col) end = Math.min(end, o.col - 1);
    let text = chars.slice(s.col - 1, end).join('');
    const comment = text.search(/#|\/\//);
    if (comment >= 0) text = text.slice(0, comment);
    text = text.replace(/[\s{};]+$/, '').trim();
    const indent = firstOnLine.get(s.line) === s.col ? Math.max(0, s.col - minCol) : 0;
    return { text, indent };
  });
}

/** A short label for a choice other than the plain next step; the full description goes in
 * the button's title. */
function choiceLabel(c) {
  const { text } = c;
  if (text.key === 'choice.flush') return t('btn.flush', { text: `${text.var} = ${text.value}` });
  if (text.key === 'choice.wake') return t('btn.wake');
  const alt = text.alt;
  if (alt?.key === 'alt.reads') return t('btn.read', { k: alt.write, what: `${alt.var} = ${alt.value}` });
  if (alt?.key === 'alt.before') return t('btn.placeBefore', { k: alt.write, name: alt.var });
  if (alt?.key === 'alt.last') return t('btn.placeLast', { name: alt.var });
  return say(text);
}

const FAILED = new Set(['failed', 'final_failed', 'deadlock', 'lost_wakeup']);

/** The one-line status of the run; `goal` ({ title }) when the run reached the level's goal,
 * which then leads, in the level's words. Backticks mark code (rendered with fill()). */
export function statusText(view, goal = null) {
  const st = view.status.status;
  if (goal) {
    const f = view.failure;
    const what = f?.detail?.key === 'detail.final_assert'
      ? t('status.goalAssert', { outcome: view.outcome || '—', cond: f.detail.cond })
      : f ? t('status.goalFailure', { kind: t(`fail.${f.kind}`), message: say(f.detail) })
        : view.outcome || '—';
    return t('status.goal', { title: goal.title, what });
  }
  if (view.failure) return t('status.failed', { kind: t(`fail.${view.failure.kind}`), message: say(view.failure.detail) });
  if (st === 'finished') return t('status.finished', { outcome: view.outcome || '—' });
  const n = view.schedule ? view.schedule.split(',').length : 0;
  if (n === 1) return t('status.running1');
  return n ? t('status.running', { n }) : t('status.noneYet');
}

export const statusKind = (view) => (FAILED.has(view.status.status) ? 'failed' : view.status.status);

function pairs(list, cls) {
  const dl = el('dl', cls);
  for (const [name, value] of list) {
    const d = el('div');
    d.dataset.name = name;
    d.append(el('dt', '', name), el('dd', '', String(value)));
    dl.append(d);
  }
  return dl;
}

/**
 * Renders the thread columns into `threadsEl` and memory into `memoryEl`.
 * `on.statement(thread)`, `on.choose(choice)` run when a button is pressed.
 */
export function renderStepper(threadsEl, memoryEl, { program, view, src, showSteps }, on) {
  // Re-rendering replaces the buttons: remember which one had the focus, to give it back.
  const had = threadsEl.contains(document.activeElement) ? document.activeElement : null;
  const focusThread = had?.closest('.thread')?.dataset.thread;
  const focusClass = had?.classList.contains('stmt') ? 'stmt' : had?.classList.contains('step') ? 'step' : had?.dataset.choice ? 'choice' : null;
  const lines = src.split('\n');
  const byThread = program.threads.map(() => []);
  for (const c of view.enabled) byThread[c.thread]?.push(c);
  threadsEl.replaceChildren();
  threadsEl.style.setProperty('--threads', String(program.threads.length));
  program.threads.forEach((code, ti) => {
    const tv = view.threads[ti];
    const col = el('div', 'thread');
    col.dataset.thread = String(ti);
    col.dataset.run = tv.run;
    const head = el('h3', '', code.name + ' ');
    head.append(el('span', 'badge', t(`thread.${tv.run}`)));
    const { btns, extra, reads } = threadButtons(code, ti, byThread[ti], on);
    col.append(head, codeList(lines, code, tv, showSteps), btns);
    if (reads) col.append(reads);
    const why = view.why?.[ti];
    if (why && tv.run !== 'done') {
      const p = el('p', 'why');
      fill(p, say(why));
      p.dataset.why = why.key;
      col.append(p);
    }
    if (extra) col.append(extra);
    col.append(...threadState(view, code, tv));
    threadsEl.append(col);
  });
  if (focusThread !== undefined) refocus(threadsEl, focusThread, focusClass);
  renderMemory(memoryEl, program, view);
}

/** A thread's code, one row per statement; the current one carries the ▶ and its atomic steps
 * (every statement's, with `showSteps`). */
function codeList(lines, code, tv, showSteps) {
  const texts = statementTexts(lines, code.statements);
  const ol = el('ol', 'code');
  code.statements.forEach((s, si) => {
    const li = el('li', 'stmt');
    li.dataset.stmt = String(si);
    li.dataset.line = String(s.line);
    const current = tv.stmt === si;
    if (current) {
      li.classList.add('current');
      li.setAttribute('aria-current', 'step');
    }
    const row = el('div', 'src');
    row.style.paddingLeft = `${texts[si].indent}ch`;
    row.append(el('span', 'pc', current ? '▶' : ''), el('code', '', texts[si].text || '…'));
    li.append(row);
    const steps = code.steps.map((st, i) => ({ ...st, i })).filter((st) => st.stmt === si);
    if (showSteps || (current && steps.length > 1)) {
      const sl = el('ol', 'steps');
      for (const st of steps) {
        const sli = el('li', st.i === tv.pc ? 'step now' : 'step');
        fill(sli, say(st.text));
        sli.dataset.step = String(st.i);
        sl.append(sli);
      }
      li.append(sl);
    }
    ol.append(li);
  });
  const end = el('li', tv.run === 'done' ? 'end current' : 'end');
  const endRow = el('div', 'src');
  endRow.append(el('span', 'pc', tv.run === 'done' ? '▶' : ''), el('span', 'hint', t('code.done')));
  end.append(endRow);
  ol.append(end);
  return ol;
}

/** A thread's buttons: the whole statement, one step (the newest value, as the core's
 * statement step does), the thread to its end, and whatever else the model allows (`mine`,
 * the thread's enabled choices): other writes to read, flushes, wakeups. When the next step is
 * a load that could read an older write, `reads` says which write the plain buttons read and
 * where the others are. */
function threadButtons(code, ti, mine, on) {
  const steps = mine.filter((c) => c.kind === 'step');
  const btns = el('div', 'btns');
  const stmtBtn = el('button', 'stmt', t('btn.statement'));
  stmtBtn.setAttribute('aria-label', t('btn.statementFor', { thread: code.name }));
  stmtBtn.disabled = steps.length === 0;
  stmtBtn.addEventListener('click', () => on.statement(ti));
  const stepBtn = el('button', 'step', t('btn.step'));
  stepBtn.setAttribute('aria-label', t('btn.stepFor', { thread: code.name }));
  stepBtn.disabled = steps.length === 0;
  const last = steps[steps.length - 1];
  if (last) {
    stepBtn.dataset.choice = last.choice;
    stepBtn.title = sayPlain(last.text);
    stepBtn.addEventListener('click', () => on.choose(last.choice));
  }
  const endBtn = el('button', 'to-end', t('btn.toEnd'));
  endBtn.setAttribute('aria-label', t('btn.toEndFor', { thread: code.name }));
  endBtn.disabled = steps.length === 0;
  endBtn.addEventListener('click', () => on.toEnd(ti));
  btns.append(stmtBtn, stepBtn, endBtn);
  let reads = null;
  const alt = last?.text?.alt;
  if (steps.length > 1 && alt?.key === 'alt.reads') {
    reads = el('p', 'reads');
    reads.dataset.write = String(alt.write);
    fill(reads, t('stepper.readsNewest', { k: alt.write, what: `${alt.var} = ${alt.value}`, n: steps.length - 1 }));
  }
  const extra = [...(steps.length > 1 ? steps.slice(0, -1) : []), ...mine.filter((c) => c.kind !== 'step')];
  if (!extra.length) return { btns, extra: null, reads };
  const box = el('div', 'extra');
  box.append(el('span', 'hint', t('label.extra')));
  for (const c of extra) {
    const b = el('button', `choice ${c.kind}`, choiceLabel(c));
    b.setAttribute('aria-label', t('btn.choiceFor', { thread: code.name, label: choiceLabel(c) }));
    b.dataset.choice = c.choice;
    b.title = sayPlain(c.text);
    b.addEventListener('click', () => on.choose(c.choice));
    box.append(b);
  }
  return { btns, extra: box, reads };
}

/** What a thread holds: its registers, its temporaries mid-statement, its store buffer (tso)
 * or its view of each variable's writes (ra). */
function threadState(view, code, tv) {
  const out = [];
  if (tv.registers.length) out.push(el('h4', '', t('label.registers')), pairs(tv.registers, 'regs'));
  if (tv.temps.some(([, v]) => v !== 0) || (tv.stmt !== null && code.steps[tv.pc]?.stmt === tv.stmt && tv.pc > (code.statements[tv.stmt]?.first_step ?? 0))) {
    out.push(el('h4', '', t('label.temps')), pairs(tv.temps, 'temps'));
  }
  if (view.model === 'tso') {
    const buf = el('ol', 'buffer');
    if (!tv.store_buffer.length) buf.append(el('li', 'hint', t('label.empty')));
    for (const [name, value] of tv.store_buffer) buf.append(el('li', '', `${name} = ${value}`));
    out.push(el('h4', '', t('label.buffer')), buf);
  }
  if (view.model === 'ra' && tv.view) {
    const seen = tv.view.map((pos, vi) => {
      const v = view.shared[vi];
      return [`${v?.name ?? vi}`, `#${pos} (${v?.writes?.[pos] ?? '?'})`];
    });
    out.push(el('h4', '', t('label.view')), pairs(seen, 'seen'));
  }
  return out;
}

/** Shared memory (with every write, under ra) and the synchronisation objects. */
function renderMemory(memoryEl, program, view) {
  memoryEl.replaceChildren(el('h3', '', t('label.shared')));
  const vars = el('dl', 'vars');
  for (const v of view.shared) {
    const d = el('div');
    d.dataset.var = v.name;
    const dd = el('dd');
    dd.append(el('span', 'value', String(v.value)));
    if (view.model === 'ra' && v.writes.length) {
      dd.append(el('span', 'writes', ' ' + t('label.writes', { list: v.writes.map((w, i) => `#${i}:${w}`).join(' ') })));
    }
    d.append(el('dt', '', v.name), dd);
    vars.append(d);
  }
  memoryEl.append(vars);
  const sync = syncObjects(program, view);
  if (sync.children.length) memoryEl.append(sync);
}

/** The mutexes and who holds each, the semaphores' counts, the condition variables' sleepers. */
function syncObjects(program, view) {
  const sync = el('ul', 'sync');
  const name = (i) => program.threads[i]?.name ?? String(i);
  for (const [m, holder] of view.mutexes) {
    const li = el('li', holder === null ? 'free' : 'held', t('label.mutex', { name: m }));
    li.dataset.mutex = m;
    li.append(el('b', '', holder === null ? t('label.free') : t('label.heldBy', { name: name(holder) })));
    sync.append(li);
  }
  for (const [s, n] of view.semaphores) {
    const li = el('li', '', t('label.sem', { name: s, n }));
    li.dataset.sem = s;
    sync.append(li);
  }
  for (const [c, sleepers] of view.condvars) {
    const li = el('li', '', t('label.condvar', { name: c }));
    li.dataset.condvar = c;
    li.append(el('b', '', sleepers.length ? t('label.sleepers', { names: sleepers.map(name).join(', ') }) : t('label.noSleepers')));
    sync.append(li);
  }
  return sync;
}

/** Puts the focus back in thread `ti`'s column after a re-render: on the same kind of button
 * if it is still enabled, else on the first enabled button there, else on the column's
 * heading, so that a keyboard user stays where they were. */
function refocus(threadsEl, ti, cls) {
  const col = threadsEl.querySelector(`.thread[data-thread="${ti}"]`);
  if (!col) return;
  const same = cls === 'choice' ? col.querySelector('button.choice:not(:disabled)') : col.querySelector(`button.${cls}:not(:disabled)`);
  const target = same ?? col.querySelector('button:not(:disabled)') ?? col.querySelector('h3');
  if (target.tagName === 'H3') target.tabIndex = -1;
  target.focus();
}

/** A schedule (`0,1.2,f0,w1`) with thread names instead of numbers: `A, B (#2), flush A,
 * wake B`. */
export function namedSchedule(program, schedule) {
  if (!schedule) return '';
  return schedule.split(',').map((c) => namedChoice(program, c)).join(t('sched.sep'));
}

/** One choice of a schedule, naming its thread. */
export function namedChoice(program, choice) {
  const m = /^([fw]?)(\d+)(?:\.(\d+))?$/.exec(choice);
  if (!m) return choice;
  const thread = program?.threads?.[Number(m[2])]?.name ?? m[2];
  if (m[1] === 'f') return t('sched.flush', { thread });
  if (m[1] === 'w') return t('sched.wake', { thread });
  return m[3] !== undefined ? t('sched.alt', { thread, alt: m[3] }) : thread;
}
