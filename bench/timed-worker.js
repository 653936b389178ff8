// A profiling wrapper around a consumer worker, for the benchmark's "where the time goes" table:
// `timed-worker.js?target=wasm` runs www/consumer-worker.js (the Rust queue and consumer),
// `?target=echo` runs bench/echo-worker.js, each unchanged. Before the worker's own code loads,
// this wraps what it calls so that its time can be split without touching it:
// - onmessage: one request handled (for a put: the string handed to wasm, decoded, validated,
//   enqueued, and the ack posted);
// - setTimeout callbacks: one round (drain, build the batch, encode it to JSON, hand the string
//   back to JavaScript, post it);
// - postMessage: the post itself (the structured clone of the reply string).
// The text `"__timings"` is answered here, never forwarded: it returns the totals and resets them.
const target = new URL(location.href).searchParams.get('target') || 'wasm';
const T = { handle: 0, handles: 0, round: 0, rounds: 0, post: 0, posts: 0, postBytes: 0, maxHandle: 0, maxRound: 0, utf8In: 0, utf8Out: 0 };
// For reference, what the wasm-bindgen glue's string copies cost alone: each request's text
// encoded to UTF-8 (JS → wasm), each reply decoded from UTF-8 (wasm → JS). Timed outside the
// handle/round totals, on copies, so that they add nothing to them.
const enc = new TextEncoder();
const dec = new TextDecoder();
const utf8 = (s) => {
  const t0 = performance.now();
  const bytes = enc.encode(s);
  const t1 = performance.now();
  dec.decode(bytes);
  return [t1 - t0, performance.now() - t1];
};
const nativePost = self.postMessage.bind(self);
self.postMessage = (data, ...rest) => {
  const t0 = performance.now();
  nativePost(data, ...rest);
  T.post += performance.now() - t0;
  T.posts++;
  if (typeof data === 'string') {
    T.postBytes += data.length;
    if (target === 'wasm') T.utf8Out += utf8(data)[1];
  }
};
const nativeSetTimeout = self.setTimeout.bind(self);
self.setTimeout = (fn, ms, ...args) => nativeSetTimeout(() => {
  const t0 = performance.now();
  try {
    fn(...args);
  } finally {
    const d = performance.now() - t0;
    T.round += d;
    T.rounds++;
    T.maxRound = Math.max(T.maxRound, d);
  }
}, ms);

// Messages that arrive before the worker's own handler is in place are handed over in order.
const early = [];
self.onmessage = (e) => early.push(e);
await import(target === 'echo' ? './echo-worker.js' : '../www/consumer-worker.js');
const inner = self.onmessage;
self.onmessage = (e) => {
  if (e.data === '"__timings"') {
    nativePost(JSON.stringify({ type: 'timings', ...T }));
    for (const k of Object.keys(T)) T[k] = 0;
    return;
  }
  if (target === 'wasm' && typeof e.data === 'string') T.utf8In += utf8(e.data)[0];
  const t0 = performance.now();
  try {
    inner.call(self, e);
  } finally {
    const d = performance.now() - t0;
    T.handle += d;
    T.handles++;
    T.maxHandle = Math.max(T.maxHandle, d);
  }
};
for (const e of early) self.onmessage(e);
