// The broker view's URL: index.html?view=broker&consumers=3&ack=auto|manual|reject&prefetch=1
// &work=50&durable=0|1&idempotent=0|1&broker=local|ws://127.0.0.1:15674/ws
// Every value is checked; an unknown key or a value out of range is reported (as a message
// key and its fields, worded by the page) and replaced by its default.

export const DEFAULTS = Object.freeze({
  consumers: 3, ack: 'auto', prefetch: 0, work: 50, durable: false, idempotent: false, broker: 'local',
});
export const RABBITMQ_URL = 'ws://127.0.0.1:15674/ws';
// view, lang, embed and level (the course's, www/common/course.js) are read elsewhere.
const KNOWN = new Set(['view', 'lang', 'embed', 'level', ...Object.keys(DEFAULTS)]);

const int = (lo, hi) => (v) => (/^\d+$/.test(v) && Number(v) >= lo && Number(v) <= hi ? Number(v) : undefined);
const flag = (v) => (v === '1' ? true : v === '0' ? false : undefined);
const READERS = {
  consumers: int(1, 8),
  ack: (v) => (['auto', 'manual', 'reject'].includes(v) ? v : undefined),
  prefetch: int(0, 1000),
  work: int(0, 600000),
  durable: flag,
  idempotent: flag,
  broker: (v) => {
    if (v === 'local') return v;
    try {
      const u = new URL(v);
      return (u.protocol === 'ws:' || u.protocol === 'wss:') && v.length <= 2000 ? u.href : undefined;
    } catch { return undefined; }
  },
};
export const LIMITS = { consumers: '1–8', ack: 'auto | manual | reject', prefetch: '0–1000', work: '0–600000',
  durable: '0 | 1', idempotent: '0 | 1', broker: `local | ${RABBITMQ_URL}` };

/** Reads `search`: returns { settings, problems: [{ key, vars }] }. */
export function readParams(search) {
  const q = new URLSearchParams(search);
  const settings = { ...DEFAULTS };
  const problems = [];
  for (const [k, v] of q) {
    if (!KNOWN.has(k)) { problems.push({ key: 'broker.url.unknown', vars: { k: k.slice(0, 40) } }); continue; }
    if (!(k in READERS)) continue;
    const got = READERS[k](v);
    if (got === undefined) problems.push({ key: 'broker.url.bad', vars: { k, v: v.slice(0, 60), range: LIMITS[k], d: String(DEFAULTS[k]) } });
    else settings[k] = got;
  }
  return { settings, problems };
}

/** The URL of the view with `settings`. */
export function writeParams(settings) {
  const q = new URLSearchParams({ view: 'broker' });
  for (const k of Object.keys(DEFAULTS)) {
    const v = settings[k];
    q.set(k, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
  }
  return `?${q}`;
}
