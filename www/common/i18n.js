// One language switch for every page of the playground: the same choice everywhere (one
// localStorage key, or ?lang=), lookup with {name} placeholders, and static text filled from
// data attributes — over the shared strings and the view's own, one language at a time.

const KEY = 'queue-playground-lang';

/** Sets `el`'s text, turning `backticked` parts into <code> elements (as text, never HTML). */
export function fill(el, text) {
  el.replaceChildren();
  text.split('`').forEach((part, i) => {
    if (!part) return;
    if (i % 2) {
      const code = document.createElement('code');
      code.textContent = part;
      el.append(code);
    } else el.append(part);
  });
}

/** The languages every view is written in. */
export const LANGS = ['en', 'zh'];

/** The language a visit starts in: `?lang=`, else the stored choice, else the browser's. */
export function chosenLang() {
  const valid = (l) => (LANGS.includes(l) ? l : null);
  let stored = null;
  try { stored = localStorage.getItem(KEY); } catch { /* storage may be blocked in iframes */ }
  return valid(new URLSearchParams(location.search).get('lang')) || valid(stored)
    || (navigator.language?.startsWith('zh') ? 'zh' : 'en');
}

/**
 * Each language's table, merged and kept once loaded: the shared strings (./strings/LANG.js),
 * the view's (`loadView(lang)`), and the tables added later with `add(load)`; `version` counts
 * the additions (a table merged before one was added is merged again).
 */
function tableCache(loadView) {
  const cache = new Map();
  const more = [];
  return {
    version: 0,
    get(l) {
      if (!cache.has(l)) {
        cache.set(l, Promise.all([import(`./strings/${l}.js`), loadView(l), ...more.map((load) => load(l))])
          .then((parts) => Object.assign({}, ...parts.map((m) => m.default))));
      }
      return cache.get(l);
    },
    add(load) {
      more.push(load);
      this.version++;
      cache.clear(); // modules already imported are not fetched again: only the merge is redone
    },
  };
}

/**
 * A view's language functions, loading only the chosen language's strings: the shared ones
 * (./strings/LANG.js) and the view's own, `loadView(lang)` (the view's
 * `(lang) => import(\`./strings/${lang}.js\`)`, so the import resolves next to the view).
 * Switching language loads the other tables once, then fills the page and tells the listeners.
 * A key missing from a table shows as the key itself (tests/e2e/strings.test.mjs checks that
 * both languages have the same keys), so English is never downloaded for a Chinese visit.
 */
export async function loadI18n(loadView, attr = 'i18n') {
  const tables = tableCache(loadView);
  let lang = chosenLang();
  let table = await tables.get(lang);
  const listeners = [];
  const data = (suffix) => attr + suffix.replace(/-(\w)/g, (m, c) => c.toUpperCase());

  /** The string for `key` in the current language, with `{name}` filled from `vars`. */
  function t(key, vars) {
    const s = table[key] ?? key;
    return vars ? s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m)) : s;
  }

  /** Fills every element marked for translation under `root`, and the page's language. */
  function applyStatic(root = document) {
    document.documentElement.lang = lang;
    if (Object.hasOwn(table, 'title')) document.title = t('title');
    for (const el of root.querySelectorAll(`[data-${attr}]`)) fill(el, t(el.dataset[data('')]));
    for (const el of root.querySelectorAll(`[data-${attr}-ph]`)) el.placeholder = t(el.dataset[data('-ph')]);
    for (const el of root.querySelectorAll(`[data-${attr}-tip]`)) el.title = t(el.dataset[data('-tip')]);
  }

  /** Switches language (loading its strings), remembers it if the user chose it, tells every listener. */
  async function setLang(next, remember = true) {
    if (!LANGS.includes(next)) return;
    let loaded;
    for (let v = -1; v !== tables.version;) {
      v = tables.version;
      loaded = await tables.get(next); // again if a table was added while this one loaded
    }
    lang = next;
    table = loaded;
    try { if (remember) localStorage.setItem(KEY, next); } catch { /* storage may be blocked */ }
    applyStatic();
    for (const f of listeners) f();
  }

  /**
   * Adds a table the view loads only when it first needs it (`load(lang)`, like `loadView`),
   * in this language now and in any language switched to later. Resolves once its keys are in.
   */
  async function extend(load) {
    tables.add(load);
    for (;;) {
      const [v, l] = [tables.version, lang];
      const loaded = await tables.get(l);
      // Switched language or added another table while loading: merge again.
      if (v === tables.version && l === lang) return void (table = loaded);
    }
  }

  return { t, getLang: () => lang, setLang, onLang: (f) => listeners.push(f), applyStatic, fill, extend, has: (key) => Object.hasOwn(table, key) };
}
