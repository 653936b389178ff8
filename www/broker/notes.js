// The broker view's notes, errors, deaths and alarms, kept in the view's state object `S` and
// worded at render time in the language chosen then.

const MAX_NOTES = 30;

/** A note or error for the list (newest first): a string key and its fields. */
export function note(S, key, vars) {
  keep(S, { key, vars });
}

/** A note from a named worker ("consumer 2: …"); `name(t)` words the name. */
export function noteFrom(S, name, key, vars) {
  keep(S, { word: (t) => t('broker.from', { name: name(t), text: t(key, vars) }) });
}

/**
 * A worker's death (a Supervisor's `death`): counted, and named in the list with why, in the
 * common words (www/common/strings: death.*). `worker` marks it for the tests ("broker",
 * "consumer 2"); `name(t)` words it; `why(t)` may word the cause better than the common words.
 */
export function noteDeath(S, death, worker, name, why = null) {
  S.deaths++;
  // An error event without a message: a script that threw at load, or did not load at all.
  const cause = death.cause === 'error' && (!death.detail || death.detail === 'error') ? 'errorUnknown' : death.cause;
  keep(S, {
    death, worker, at: performance.now(),
    word: (t) => t('death.named', { name: name(t), why: why?.(t) ?? t(`death.${cause}`, death) }),
  });
}

/** A visible alarm: the ledger cannot be trusted as shown. */
export function raise(S, key, vars) {
  S.alarm = { key, vars };
  S.dirty = true;
}

function keep(S, entry) {
  S.errors = [entry, ...S.errors.slice(0, MAX_NOTES - 1)];
  S.errorSeq++;
  S.dirty = true;
}
