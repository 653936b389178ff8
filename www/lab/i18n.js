// The lab's language functions: the same choice as every view's (www/common/i18n.js), over the
// shared strings (www/common/strings/) and the lab's own (./strings/LANG.js), loading only the
// language chosen. `say` words a message from the core.
import { loadI18n } from '../common/i18n.js';

export { fill } from '../common/i18n.js';

const i18n = await loadI18n((lang) => import(`./strings/${lang}.js`), 't');

export const { t, getLang, setLang, onLang, applyStatic, has } = i18n;

/**
 * A message from the core, `{key, ...fields}`, in the current language. A field is a plain
 * value, a nested message, a list of messages (joined with `list.sep`), or null for a part
 * that is absent (an access without a memory order, a store without alternatives). Nothing
 * English is read back: the key says what it is, the fields say what it is about.
 */
export function say(msg) {
  if (msg === null || msg === undefined) return '';
  if (Array.isArray(msg)) return msg.map(say).join(t('list.sep'));
  if (typeof msg !== 'object') return String(msg);
  const vars = {};
  for (const [k, v] of Object.entries(msg)) if (k !== 'key') vars[k] = v !== null && typeof v === 'object' ? say(v) : v ?? '';
  return t(msg.key, vars);
}
