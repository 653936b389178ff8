// The course across every view (docs/COURSE.md): the path (lessons/path.txt), the level files,
// the learner's progress, and the one level panel that every view shows. A view hands over its
// facts (what its ledger counts, what its settings are) and a way to put a level's settings in
// place; the panel decides nothing else about the view. The lab judges its own programs (its
// wins are about every interleaving, asked of its wasm) and passes `judge` instead of facts.
import { fill } from './i18n.js';

const PROGRESS = 'queue-playground-lab-progress';
const CURRENT = 'queue-playground-course-current';
/** `?level=free`: the view with no level. */
export const FREE = 'free';

// ---- The path and the level files ----------------------------------------------------------

/** Every level on the path, in order: [{ view, name }]. Read once per page. */
let pathPromise = null;
export function loadPath() {
  pathPromise ??= fetch('lessons/path.txt').then((res) => {
    if (!res.ok) throw new Error(`lessons/path.txt: ${res.status}`);
    return res.text();
  }).then(parsePath);
  return pathPromise;
}

/** `VIEW NAME` lines; comments and blank lines skipped, malformed lines left out (the core's
 * `lab check` rejects them before they ship). */
export function parsePath(text) {
  return text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(/\s+/)).filter((w) => w.length === 2).map(([view, name]) => ({ view, name }));
}

/** The file a level lives in. */
export const levelFile = ({ view, name }) => `lessons/${name}.${view === 'lab' ? 'lab' : 'level'}`;

/** A level's link: the lab's levels by the hash the lab has always read, the others by the
 * query the shell reads to pick their view. */
export function levelHref({ view, name }) {
  const lang = new URLSearchParams(location.search).get('lang');
  const q = lang ? `lang=${lang}&` : '';
  return view === 'lab' ? `lab.html${q ? `?${q.slice(0, -1)}` : ''}#p=${name}` : `index.html?${q}level=${name}`;
}

/** The `#| key: value` lines of a level file: { key: value }, with `hint.en`/`hint.zh` as lists. */
export function parseBlock(text) {
  const block = { 'hint.en': [], 'hint.zh': [] };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('#|')) continue;
    const at = line.indexOf(':');
    if (at < 0) continue;
    const key = line.slice(2, at).trim();
    const value = line.slice(at + 1).trim();
    if (Array.isArray(block[key])) block[key].push(value);
    else block[key] = value;
  }
  return block;
}

/** A win's conditions, `FACT OP VALUE` each (the core's `course::parse_cond`). */
export function parseConds(text = '') {
  return text.split(/\s+/).filter(Boolean).map((c) => {
    const m = /^([a-z0-9_-]+)(!=|>=|<=|=|>|<)(.+)$/.exec(c);
    if (!m) return { fact: c, op: '?', value: '' };
    const value = /^\d+$/.test(m[3]) ? Number(m[3]) : m[3];
    return { fact: m[1], op: m[2], value };
  });
}

const OPS = {
  '=': (a, b) => a === b, '!=': (a, b) => a !== b, '>': (a, b) => a > b,
  '>=': (a, b) => a >= b, '<': (a, b) => a < b, '<=': (a, b) => a <= b,
};

/** Whether every condition holds of `facts` (a fact the view does not have never holds). */
export function holds(conds, facts) {
  return conds.length > 0 && conds.every(({ fact, op, value }) => {
    const v = facts[fact];
    if (v === undefined || v === null || !OPS[op]) return false;
    if (typeof value === 'number') return typeof v === 'number' && OPS[op](v, value);
    return (op === '=' || op === '!=') && OPS[op](String(v), value);
  });
}

/** A level read from its file: texts as { en, zh }, wins as conditions, setup as { key: value }. */
const levels = new Map();
export function loadLevel(stop) {
  if (!levels.has(stop.name)) {
    levels.set(stop.name, fetch(levelFile(stop)).then((res) => {
      if (!res.ok) throw new Error(`${levelFile(stop)}: ${res.status}`);
      return res.text();
    }).then((text) => toLevel(stop, parseBlock(text))));
  }
  return levels.get(stop.name);
}

function toLevel(stop, b) {
  const text = (k) => ({ en: b[`${k}.en`] ?? '', zh: b[`${k}.zh`] ?? b[`${k}.en`] ?? '' });
  const [count, of] = (b.measure ?? '').split(' of ').map((s) => s.trim());
  return {
    ...stop,
    title: text('title'), concept: b.concept ?? '', goal: text('goal'), won: text('won'),
    fix: text('fix'), fixed: text('fixed'),
    hints: b['hint.en'].map((en, i) => ({ en, zh: b['hint.zh'][i] ?? en })),
    win: parseConds(b.win), fixWin: parseConds(b['fix.win']),
    setup: Object.fromEntries((b.setup ?? '').split(/\s+/).filter(Boolean).map((p) => p.split('='))),
    measure: count ? { count, of } : null,
    twins: (b.twin ?? '').split(/\s+/).filter(Boolean),
  };
}

// ---- Progress ------------------------------------------------------------------------------

function readJson(key) {
  try {
    const v = JSON.parse(localStorage.getItem(key) ?? '{}');
    return v && typeof v === 'object' && !Array.isArray(v) ? v : {};
  } catch {
    return {};
  }
}

function writeJson(key, value) {
  try { localStorage.setItem(key, JSON.stringify(value)); } catch { /* storage blocked: this visit only */ }
}

/** { name: { won, fixed, seen } } from localStorage; empty if storage is blocked or corrupt. */
export const progress = () => readJson(PROGRESS);

/** Records that `name` reached `stage` ('won' or 'fixed'), and what was measured (`seen`:
 * { n, of }), keeping what was there. */
export function record(name, stage, seen) {
  const p = progress();
  const entry = p[name] && typeof p[name] === 'object' ? p[name] : {};
  entry[stage] = true;
  if (stage === 'fixed') entry.won = true;
  if (seen && Number.isFinite(seen.n)) {
    entry.seen = { n: seen.n, ...(Number.isFinite(seen.of) ? { of: seen.of } : {}) };
    if (typeof seen.fact === 'string') entry.seen.fact = seen.fact;
    if (typeof seen.real === 'boolean') entry.seen.real = seen.real;
  }
  p[name] = entry;
  writeJson(PROGRESS, p);
}

/** Where a level stands: 'fixed', 'won' or 'new'. */
export function stageOf(name) {
  const e = progress()[name];
  return e?.fixed ? 'fixed' : e?.won ? 'won' : 'new';
}

/** The number a level recorded when it was won, or null. */
export function seenOf(name) {
  const s = progress()[name]?.seen;
  return s && Number.isFinite(s.n) ? s : null;
}

/** The level the learner last opened in `view`, or null. */
export const currentOf = (view) => {
  const c = readJson(CURRENT)[view];
  return typeof c === 'string' ? c : null;
};

export function setCurrent(view, name) {
  const c = readJson(CURRENT);
  c[view] = name;
  writeJson(CURRENT, c);
}

/**
 * The level a view opens with: `?level=NAME` (if it is this view's), else `?level=free` (none),
 * else the learner's current level of the view, else its first on the path. Returns
 * { stop, asked } where `asked` is a name that is not a level of this view (to be said).
 */
export function chosenStop(view, path, search = location.search) {
  const asked = new URLSearchParams(search).get('level');
  const mine = path.filter((s) => s.view === view);
  if (asked === FREE) return { stop: null, asked: null };
  const hit = mine.find((s) => s.name === asked);
  if (hit) return { stop: hit, asked: null };
  const cur = mine.find((s) => s.name === currentOf(view));
  return { stop: cur ?? mine[0] ?? null, asked: asked || null };
}

/** The stop after `name` on the path, or null. */
export function nextStop(path, name) {
  const i = path.findIndex((s) => s.name === name);
  return i >= 0 ? path[i + 1] ?? null : null;
}

// ---- Drawing -------------------------------------------------------------------------------

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A level text in the language shown. */
const tr = (text, lang) => (text ? text[lang] || text.en || '' : '');

/** A title without the backticks that mark code (link text shows them literally). */
export const plainTitle = (level, lang) => tr(level.title, lang).replace(/`/g, '');

/** The measured number of a level in words: "4 of 6 interleavings", "96,699 in 2,097,152 items". */
export function seenText(t, has, view, seen, lang) {
  const fmt = (n) => Number(n).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en');
  const of = Number.isFinite(seen.of) ? 'seenOf' : 'seen';
  // The wording of the fact measured if it has its own ("processed twice"), else the view's
  // ("lost"); a number from simulated threads is not said to come from real ones.
  const sim = seen.real === false ? 'Sim' : '';
  const keys = [`course.${of}.${view}.${seen.fact}${sim}`, `course.${of}.${view}.${seen.fact}`, `course.${of}.${view}${sim}`, `course.${of}.${view}`];
  const key = keys.find((k) => has(k)) ?? keys[keys.length - 1];
  return t(key, { n: fmt(seen.n), of: Number.isFinite(seen.of) ? fmt(seen.of) : '' });
}

/** The Python twin of a program: lessons/python/NAME.py, NAME its level's (or lesson file's) name. */
export const pythonFile = (name) => `lessons/python/${name}.py`;

/** The text of a Python twin; rejects if the file is not there. */
export function readPython(file) {
  return fetch(file).then((r) => (r.ok ? r.text() : Promise.reject(new Error(`${file}: ${r.status}`))));
}

/**
 * The list of "the same failure" in every view where the course shows it: one row per level,
 * [{ name, view, title, seen, href, none }], `href` null for the level shown (in bold), `none`
 * what to say when it has no number yet.
 */
export function sameFailureList(t, has, lang, rows) {
  const ul = el('ul');
  for (const r of rows) {
    const li = el('li');
    li.dataset.level = r.name;
    li.dataset.view = r.view;
    const where = el(r.href ? 'a' : 'b', '', t('course.twinWhere', { view: t(`course.view.${r.view}`), title: r.title }));
    if (r.href) where.href = r.href;
    li.append(where, t('course.twinSep'), r.seen ? seenText(t, has, r.view, r.seen, lang) : r.none ?? t('course.notSeen'));
    ul.append(li);
  }
  return ul;
}

let cssAdded = false;
function addCss() {
  if (cssAdded) return;
  cssAdded = true;
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = new URL('./course.css', import.meta.url).href;
  document.head.append(link);
}

/**
 * Draws the course overview into `list` (an <ol>): every level of every view with its state,
 * the current one marked; the levels' titles are read from their files.
 */
export async function renderOverview(list, path, current, t, lang) {
  const all = await Promise.all(path.map((s) => loadLevel(s).catch(() => ({ ...s, title: { en: s.name } }))));
  list.replaceChildren();
  all.forEach((level, i) => {
    const stage = stageOf(level.name);
    const li = el('li', `course-level ${stage}`);
    li.dataset.level = level.name;
    li.dataset.stage = stage;
    const mark = el('span', 'mark', { fixed: '●', won: '◐', new: '○' }[stage]);
    mark.setAttribute('aria-hidden', 'true');
    const a = el('a', '', `${i + 1}. ${plainTitle(level, lang)}`);
    a.href = levelHref(level);
    if (level.name === current) a.setAttribute('aria-current', 'step');
    li.append(mark, ' ', el('span', 'course-view', t(`course.view.${level.view}`)), ' ', a,
      el('span', 'sr-only', t('course.stageSr', { stage: t(`course.stage.${stage}`) })));
    list.append(li);
  });
}

/**
 * The level panel of a view. `opts`: { view, i18n, before (the element the panel goes before),
 * facts() (the view's facts now), apply(setup) (put a level's settings in place), judge
 * (optional: { goal(), fix() } that replace the facts-based wins), embedded }.
 * Resolves to { update(), stop, stage() } once the level is read; with no level (free play,
 * or a view with no levels) the panel is a one-line way back to the course.
 */
export async function openCourse(opts) {
  addCss();
  const panel = new Panel(opts);
  await panel.open();
  return panel;
}

class Panel {
  constructor({ view, i18n, before, facts = () => ({}), apply = () => {}, judge = null, embedded = false }) {
    Object.assign(this, { view, i18n, facts, apply, judge, embedded });
    this.section = el('section');
    this.section.id = 'level-panel';
    this.section.setAttribute('aria-labelledby', 'level-title');
    before.before(this.section);
    this.level = null;
    this.stop = null;
    this.path = [];
    this.shown = 0; // hints revealed
    this.state = 'playing';
    this.missing = null;
    i18n.onLang(() => this.render());
  }

  async open() {
    try {
      this.path = await loadPath();
    } catch (err) {
      this.failure = String(err.message ?? err);
      return this.render();
    }
    const { stop, asked } = chosenStop(this.view, this.path);
    this.missing = asked;
    this.stop = stop;
    if (!stop) return this.render();
    try {
      this.level = await loadLevel(stop);
    } catch (err) {
      this.failure = String(err.message ?? err);
      return this.render();
    }
    setCurrent(this.view, stop.name);
    const s = stageOf(stop.name);
    this.state = s === 'fixed' ? 'fixed' : s === 'won' ? 'won' : 'playing';
    if (this.state === 'playing' && Object.keys(this.level.setup).length) this.apply(this.level.setup);
    // The twins' titles, for the links of the "same failure" row.
    this.twins = await Promise.all(this.level.twins.map((name) => {
      const s2 = this.path.find((p) => p.name === name);
      return s2 ? loadLevel(s2).catch(() => null) : null;
    }));
    this.render();
    this.update();
  }

  /** The state the panel shows: 'playing', 'won' or 'fixed'. */
  stage() {
    return this.state;
  }

  /** Checks the view's state against the level's wins; cheap, call it on every render. */
  update() {
    const { level } = this;
    if (!level || this.state === 'fixed') return;
    const facts = this.judge ? null : this.facts();
    const met = (which) => (this.judge ? this.judge[which]() : holds(which === 'goal' ? level.win : level.fixWin, facts));
    if (this.state === 'playing' && met('goal')) {
      const seen = level.measure && facts
        ? {
          n: facts[level.measure.count],
          of: level.measure.of ? facts[level.measure.of] : undefined,
          fact: level.measure.count,
          real: facts.real === undefined ? undefined : facts.real === 'yes',
        }
        : null;
      this.reach('won', seen);
    } else if (this.state === 'won' && met('fix')) {
      this.reach('fixed');
    }
  }

  /** Records a number measured by the view itself (the lab's "K of N interleavings"). */
  measured(seen) {
    if (this.stop) record(this.stop.name, this.state === 'fixed' ? 'fixed' : 'won', seen);
    this.render();
  }

  reach(state, seen) {
    this.state = state;
    record(this.stop.name, state, seen);
    this.render();
    // Where the learner's eyes are on a phone is on the controls below: bring the news up.
    const news = this.section.querySelector('.level-news');
    if (news && !this.embedded) news.scrollIntoView?.({ block: 'nearest', behavior: 'smooth' });
  }

  render() {
    const { t, getLang } = this.i18n;
    const lang = getLang();
    const s = this.section;
    s.replaceChildren();
    if (this.failure) {
      s.dataset.state = 'error';
      s.append(el('p', 'level-note', t('course.unreadable', { detail: this.failure })));
      return;
    }
    if (!this.level) {
      delete s.dataset.level;
      s.dataset.state = 'free';
      const p = el('p', 'level-free');
      const h = el('h2', 'sr-only', t('course.title'));
      h.id = 'level-title';
      p.append(t(this.missing ? 'course.noSuchLevel' : 'course.freePlay', { name: this.missing ?? '' }), ' ');
      const first = this.path.find((p2) => p2.view === this.view);
      if (first) {
        const back = el('a', '', t('course.backToCourse'));
        back.href = `${location.pathname}?${withoutLevel()}`;
        p.append(back);
      }
      s.append(h, p);
      return;
    }
    const { level, state } = this;
    s.dataset.level = level.name;
    s.dataset.state = state;
    const n = this.path.findIndex((p) => p.name === level.name) + 1;
    const head = el('p', 'level-where', t('course.where', {
      n, total: this.path.length, view: t(`course.view.${this.view}`), concept: t(`concept.${level.concept}`),
    }));
    const title = el('h2');
    title.id = 'level-title';
    fill(title, tr(level.title, lang));
    s.append(head, title);
    if (this.missing) s.append(el('p', 'level-note', t('course.noSuchLevelShown', { name: this.missing })));
    const fixing = state !== 'playing';
    const goal = el('p', 'level-goal');
    const goalText = el('span');
    fill(goalText, tr(fixing ? level.fix : level.goal, lang));
    goal.append(el('b', '', t(fixing ? 'course.fixGoal' : 'course.goal')), ' ', goalText);
    if (state === 'fixed') goal.hidden = true;
    s.append(goal);
    if (state !== 'playing') s.append(this.news());
    s.append(this.hintsBox(lang), this.sameFailure(lang), this.actions(lang));
    if (!this.embedded) s.append(this.python(), this.overview(lang));
  }

  /** The success box: what happened, or that the fix holds. */
  news() {
    const { t, getLang } = this.i18n;
    const box = el('div', 'level-news');
    box.setAttribute('role', 'status');
    box.dataset.stage = this.state;
    const won = this.state === 'won';
    const p = el('p');
    fill(p, tr(won ? this.level.won : this.level.fixed, getLang()));
    box.append(el('h3', '', t(won ? 'course.won' : 'course.fixed')), p);
    return box;
  }

  hintsBox(lang) {
    const { t } = this.i18n;
    const box = el('div', 'level-hints');
    const hints = this.level.hints;
    if (!hints.length || this.state === 'fixed') return box;
    const ol = el('ol');
    hints.slice(0, this.shown).forEach((h) => { const li = el('li'); fill(li, tr(h, lang)); ol.append(li); });
    const more = el('button', 'level-hint', this.shown < hints.length
      ? t('course.hint', { k: this.shown + 1, n: hints.length }) : t('course.noMoreHints'));
    more.type = 'button';
    more.disabled = this.shown >= hints.length;
    more.addEventListener('click', () => {
      this.shown++;
      this.render();
      const last = this.section.querySelector('.level-hints li:last-child');
      last?.setAttribute('tabindex', '-1');
      last?.focus();
    });
    box.append(ol, more);
    return box;
  }

  /** The same failure in the other views, each with the number it showed there. */
  sameFailure(lang) {
    const { t } = this.i18n;
    const box = el('div', 'level-twins');
    const rows = [this.level, ...(this.twins ?? []).filter(Boolean)];
    if (rows.length < 2) return box;
    box.append(el('h3', '', t('course.sameFailure')), sameFailureList(t, this.i18n.has, lang, rows.map((l) => ({
      name: l.name, view: l.view, title: plainTitle(l, lang), seen: seenOf(l.name), href: l === this.level ? null : levelHref(l),
    }))));
    return box;
  }

  actions(lang) {
    const { t } = this.i18n;
    const row = el('p', 'level-actions');
    const next = nextStop(this.path, this.level.name);
    if (next) {
      const a = el('a', this.state === 'fixed' ? 'level-next primary' : 'level-next');
      a.id = 'level-next';
      a.href = levelHref(next);
      a.dataset.level = next.name;
      a.textContent = t('course.next', { view: t(`course.view.${next.view}`) });
      loadLevel(next).then((l) => { a.textContent = t('course.nextTitled', { title: plainTitle(l, lang), view: t(`course.view.${next.view}`) }); }, () => {});
      row.append(a, ' ');
    } else {
      row.append(el('span', 'level-end', t('course.end')), ' ');
    }
    if (Object.keys(this.level.setup).length) {
      const again = el('button', '', t('course.setUpAgain'));
      again.type = 'button';
      again.addEventListener('click', () => this.apply(this.level.setup));
      row.append(again, ' ');
    }
    const free = el('a', 'level-free-link', t('course.freePlayLink'));
    free.href = `${location.pathname}?${withoutLevel({ level: FREE })}`;
    row.append(free);
    return row;
  }

  /** The level's program in Python, read when first opened. */
  python() {
    const { t } = this.i18n;
    const d = el('details', 'level-python');
    d.append(el('summary', '', t('course.python')));
    const pre = el('pre');
    d.append(pre);
    d.addEventListener('toggle', () => {
      if (!d.open || pre.dataset.loaded) return;
      pre.dataset.loaded = '1';
      readPython(pythonFile(this.level.name)).then((text) => { pre.textContent = text; }, () => { pre.textContent = t('course.noPython'); });
    });
    return d;
  }

  overview(lang) {
    const { t } = this.i18n;
    const d = el('details', 'course-overview');
    const done = this.path.filter((p) => stageOf(p.name) === 'fixed').length;
    d.append(el('summary', '', t('course.overview', { done, total: this.path.length })));
    const ol = el('ol');
    d.append(ol);
    d.addEventListener('toggle', () => {
      if (d.open) renderOverview(ol, this.path, this.level?.name, t, lang);
    });
    return d;
  }
}

/** This page's query with `level` replaced (or removed). */
function withoutLevel(set = {}) {
  const q = new URLSearchParams(location.search);
  q.delete('level');
  for (const [k, v] of Object.entries(set)) q.set(k, v);
  return q.toString();
}
