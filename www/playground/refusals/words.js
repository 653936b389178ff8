// The worker's refusals, worded in the page's language. An error reply carries a key and fields
// (src/pipeline/protocol.rs `ProtocolError`), never a sentence: this turns them into the
// arguments of the `error.KEY` string, translating the fields that are words (kinds of JSON
// value, why text is not JSON) and leaving code (field names, values sent) as it came. This
// module and its strings load when the first refusal arrives (www/playground/panels.js).

/** This module's strings in `lang`, for the view's i18n.extend. */
export const loadStrings = (lang) => import(`./strings/${lang}.js`);

/** The string key and variables for the `error` object of an error reply; `i18n` is the view's. */
export function workerError(err, { t, has }) {
  const vars = { ...err };
  if (err.key === 'wrong_type' || err.key === 'not_an_object') {
    for (const k of ['expected', 'got']) if (k in err) vars[k] = t(`kind.${err[k]}`);
  }
  if (err.key === 'not_json') {
    vars.problem = t(`json.${err.problem}`);
    vars.ended = err.ended ? t('json.ended') : '';
  }
  const key = `error.${err.key}`;
  return has(key) ? { key, vars } : { key: 'error.unknown', vars: { key: String(err.key) } };
}
