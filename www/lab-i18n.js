// The lab's language switch: the same choice as the playground's (./i18n.js), with the lab's
// own strings, so that the lab never loads the main page's string table.
import { LAB_STRINGS } from './lab-strings.js';
import { createI18n } from './i18n.js';

export { fill } from './i18n.js';

export const { t, getLang, setLang, onLang, applyStatic } = createI18n(LAB_STRINGS, 't');
