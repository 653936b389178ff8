// The threads view's URL parameters: each a known name with a range or a list of
// choices. A bad value is reported (param, value, and what was expected) and replaced by its
// default, so a link always opens a working view and says what it ignored. The names, ranges and
// defaults are the core's (`Scenario::from_query`, src/threads/scenario.rs), which parses the
// same text again in the observer thread; the page checks that both agree.
//   index.html?view=threads&producers=2&consumers=2&queue=locked|unlocked
//     &consumer=get|drain|check-then-act|check-then-act-blocking&counter=atomic|racy
//     &guard=none|once|racy&maxsize=0&rate=0&work=0&items=1048576&run=1

/** Each scenario setting: its default and either integer bounds or its choices. */
export const PARAMS = {
  producers: { def: 2, min: 1, max: 8 },
  consumers: { def: 2, min: 1, max: 8 },
  queue: { def: 'locked', choices: ['locked', 'unlocked'] },
  consumer: { def: 'get', choices: ['get', 'drain', 'check-then-act', 'check-then-act-blocking'] },
  counter: { def: 'atomic', choices: ['atomic', 'racy'] },
  guard: { def: 'none', choices: ['none', 'once', 'racy'] },
  maxsize: { def: 0, min: 0, max: 1048576 },
  rate: { def: 0, min: 0, max: 1000000 },
  work: { def: 0, min: 0, max: 1000000 },
  items: { def: 1048576, min: 1, max: 16777216 },
};
/** Parameters read elsewhere (the page's router, the language switch, embed mode, the course's
 * level) or below. */
const OTHER = { view: null, lang: null, embed: null, level: null, run: null };

/** The defaults, as a scenario. */
export const defaults = () => Object.fromEntries(Object.entries(PARAMS).map(([k, p]) => [k, p.def]));

/** A value for `name` from text, or undefined if `text` is not one. */
export function parseValue(name, text) {
  const p = PARAMS[name];
  if (p.choices) return p.choices.includes(text) ? text : undefined;
  if (!/^\d{1,9}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= p.min && n <= p.max ? n : undefined;
}

/**
 * Reads `search` (location.search): { scenario, run, problems }, where each problem is
 * { param, value, expected } for the page to word in its language; `expected` is a choice list
 * ("a|b"), a range ("1–8"), or null for a parameter the view does not know.
 */
export function readParams(search) {
  const scenario = defaults();
  const problems = [];
  let run = false;
  for (const [name, value] of new URLSearchParams(search)) {
    if (Object.hasOwn(PARAMS, name)) {
      const v = parseValue(name, value);
      if (v === undefined) problems.push({ param: name, value, expected: expected(name) });
      else scenario[name] = v;
    } else if (name === 'run') {
      if (value === '1') run = true;
      else if (value !== '0') problems.push({ param: name, value, expected: '0|1' });
    } else if (!Object.hasOwn(OTHER, name)) {
      problems.push({ param: name, value, expected: null });
    }
  }
  return { scenario, run, problems };
}

function expected(name) {
  const p = PARAMS[name];
  return p.choices ? p.choices.join('|') : `${p.min}–${p.max}`;
}

/** The query string for a scenario (and run flag): what the address bar shows and links share. */
export function writeParams(scenario, run) {
  const q = new URLSearchParams({ view: 'threads' });
  for (const name of Object.keys(PARAMS)) q.set(name, String(scenario[name]));
  if (run) q.set('run', '1');
  return '?' + q.toString();
}
