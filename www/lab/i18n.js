// The lab's language switch: the same choice as the playground's (./i18n.js), with the lab's
// own strings, so that the lab never loads the main page's string table.
import { LAB_STRINGS } from './strings.js';
import { createI18n } from '../common/i18n.js';

export { fill } from '../common/i18n.js';

export const { t, getLang, setLang, onLang, applyStatic } = createI18n(LAB_STRINGS, 't');

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
