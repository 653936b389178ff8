// The lab's state in the URL's hash, so that any moment can be shared as a link:
//   #m=tso&s=0,1,f0&p=store_buffering&plan=0,1,0,1&src=<program, UTF-8, base64url>
// m: model; s: the schedule taken so far; p: the lesson, while its text is unedited; plan: a
// schedule being replayed; src: the program text.

/** UTF-8 text as base64url (no padding). */
export function encodeSrc(text) {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The text written by encodeSrc, or null if `b64` is not one. */
export function decodeSrc(b64) {
  try {
    const bin = atob(b64.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

const SCHEDULE = /^[0-9fw.,]*$/;

/**
 * Reads the hash: { model, schedule, preset, plan, src, srcBytes } with null for what is
 * missing or bad. `srcBytes` is the program's size in bytes, known from the base64 length
 * without decoding it; a program longer than `maxBytes` is not decoded (src is null).
 */
export function readHash(hash = location.hash, maxBytes = Infinity) {
  const q = new URLSearchParams(hash.replace(/^#/, ''));
  const sched = (k) => { const v = q.get(k); return v !== null && SCHEDULE.test(v) ? v : null; };
  const src = q.get('src');
  const srcBytes = src === null ? 0 : Math.floor((src.length * 3) / 4);
  return {
    model: ['sc', 'tso', 'ra'].includes(q.get('m')) ? q.get('m') : null,
    schedule: sched('s'),
    plan: sched('plan'),
    preset: /^[a-z0-9_]+$/.test(q.get('p') ?? '') ? q.get('p') : null,
    src: src === null || srcBytes > maxBytes ? null : decodeSrc(src),
    srcBytes,
  };
}

/** How many times `ch` occurs in `text`, without splitting it. */
function count(text, ch) {
  let n = 0;
  for (let i = text.indexOf(ch); i !== -1; i = text.indexOf(ch, i + 1)) n++;
  return n;
}

/** How many lines `text` has. */
export const countLines = (text) => count(text, '\n') + 1;

/** How many choices a schedule's text has. */
export const countChoices = (text) => (text ? count(text, ',') + 1 : 0);

/** The hash for a state; commas and dots stay readable. */
export function makeHash({ model, schedule, preset, plan, src }) {
  const parts = [`m=${model}`, `s=${schedule}`];
  if (preset) parts.push(`p=${preset}`);
  if (plan) parts.push(`plan=${plan}`);
  parts.push(`src=${encodeSrc(src)}`);
  return '#' + parts.join('&');
}

/** Replaces the current URL's hash without adding a history entry or firing hashchange. */
export function writeHash(state) {
  const hash = makeHash(state);
  if (hash !== location.hash) history.replaceState(null, '', hash);
}
