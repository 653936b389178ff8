// One language switch for every page of the playground: the same choice everywhere (one
// localStorage key, or ?lang=), lookup with {name} placeholders, and static text filled from
// data attributes — over whichever string table the page brings.

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

/**
 * The language functions for `table` ({ en: {...}, zh: {...} }). Static text is marked with
 * `data-${attr}` (text), `data-${attr}-ph` (placeholder) and `data-${attr}-tip` (title).
 */
export function createI18n(table, attr) {
  const valid = (l) => (l && Object.hasOwn(table, l) ? l : null);
  let stored = null;
  try { stored = localStorage.getItem(KEY); } catch { /* storage may be blocked in iframes */ }
  let lang = valid(new URLSearchParams(location.search).get('lang')) || valid(stored)
    || (navigator.language?.startsWith('zh') ? 'zh' : 'en');
  const listeners = [];
  const data = (suffix) => attr + suffix.replace(/-(\w)/g, (m, c) => c.toUpperCase());

  /** The string for `key` in the current language, with `{name}` filled from `vars`. */
  function t(key, vars) {
    const s = table[lang][key] ?? table.en[key] ?? key;
    return vars ? s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m)) : s;
  }

  /** Fills every element marked for translation under `root`. */
  function applyStatic(root = document) {
    document.documentElement.lang = lang;
    document.title = t('title');
    for (const el of root.querySelectorAll(`[data-${attr}]`)) fill(el, t(el.dataset[data('')]));
    for (const el of root.querySelectorAll(`[data-${attr}-ph]`)) el.placeholder = t(el.dataset[data('-ph')]);
    for (const el of root.querySelectorAll(`[data-${attr}-tip]`)) el.title = t(el.dataset[data('-tip')]);
  }

  /** Switches language, remembers it if the user chose it, and tells every listener. */
  function setLang(next, remember = true) {
    if (!valid(next)) return;
    lang = next;
    try { if (remember) localStorage.setItem(KEY, next); } catch { /* storage may be blocked */ }
    applyStatic();
    for (const f of listeners) f();
  }

  return { t, getLang: () => lang, setLang, onLang: (f) => listeners.push(f), applyStatic };
}
