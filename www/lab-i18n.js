// The lab's language switch: the same choice as the playground's (one localStorage key), with
// the lab's own strings, so that the lab never depends on the main page's string table.
import { LAB_STRINGS } from './lab-strings.js';

const KEY = 'queue-playground-lang';
let lang = pick();
const listeners = [];

function pick() {
  const valid = (l) => (l && Object.hasOwn(LAB_STRINGS, l) ? l : null);
  let stored = null;
  try { stored = localStorage.getItem(KEY); } catch { /* storage may be blocked in iframes */ }
  return valid(new URLSearchParams(location.search).get('lang')) || valid(stored)
    || (navigator.language?.startsWith('zh') ? 'zh' : 'en');
}

/** The string for `key` in the current language, with `{name}` filled from `vars`. */
export function t(key, vars) {
  const s = LAB_STRINGS[lang][key] ?? LAB_STRINGS.en[key] ?? key;
  return vars ? s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m)) : s;
}

export const getLang = () => lang;
export const onLang = (f) => listeners.push(f);

/** Switches language, remembers it, refills the static text and tells every listener. */
export function setLang(next) {
  if (!Object.hasOwn(LAB_STRINGS, next)) return;
  lang = next;
  try { localStorage.setItem(KEY, next); } catch { /* storage may be blocked */ }
  applyStatic();
  for (const f of listeners) f();
}

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

/** Fills every [data-t] (text) and [data-t-tip] (title) under `root`. */
export function applyStatic(root = document) {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.title = t('title');
  for (const el of root.querySelectorAll('[data-t]')) fill(el, t(el.dataset.t));
  for (const el of root.querySelectorAll('[data-t-tip]')) el.title = t(el.dataset.tTip);
}
