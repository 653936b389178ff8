// A profiling wrapper around a consumer worker, for the benchmark's "where the time goes" table:
// `timed-worker.js?target=wasm` runs www/playground/queue-worker.js (the Rust queue and consumer),
// `?target=echo` runs bench/echo-worker.js, each unchanged. Before the worker's own code loads,
// this wraps what it calls so that its time can be split without touching it:
// - onmessage: one request handled (for a put: the string handed to wasm, decoded, validated,
//   enqueued, and the ack posted);
// - setTimeout callbacks: one round (drain, build the batch, encode it to JSON, hand the string
//   back to JavaScript, post it);
// - postMessage: the post itself (the structured clone of the reply string).
// The text `"__timings"` is answered here, never forwarded: it returns the totals and resets them.
const target = new URL(location.href).searchParams.get('target') || 'wasm';
const T = { handle: 0, handles: 0, round: 0, rounds: 0, post: 0, posts: 0, postBytes: 0, maxHandle: 0, maxRound: 0, glueIn: 0, glueOut: 0 };
const nativePost = self.postMessage.bind(self);
self.postMessage = (data, ...rest) => {
  const t0 = performance.now();
  nativePost(data, ...rest);
  T.post += performance.now() - t0;
  T.posts++;
  if (typeof data === 'string') T.postBytes += data.length;
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

// The wasm-bindgen glue's own string copies, timed where they happen (inside handle and round):
// TextDecoder.decode turns each reply into a JS string; TextEncoder.encodeInto is used for
// strings that are not all ASCII (ASCII is copied by a loop in the glue, not timed here).
for (const [cls, method, key] of [[TextDecoder, 'decode', 'glueOut'], [TextEncoder, 'encodeInto', 'glueIn']]) {
  const native = cls.prototype[method];
  cls.prototype[method] = function (...a) {
    const t0 = performance.now();
    try {
      return native.apply(this, a);
    } finally {
      T[key] += performance.now() - t0;
    }
  };
}

// Messages that arrive before the worker's own handler is in place are handed over in order.
const early = [];
self.onmessage = (e) => early.push(e);
await import(target === 'echo' ? './echo-worker.js' : '../www/playground/queue-worker.js');
// The wasm's memory, to see it grow (the glue hands back the instance it already made).
const exports = target === 'echo' ? null : await (await import('../pkg/queue_playground.js')).default();
const inner = self.onmessage;
self.onmessage = (e) => {
  if (e.data === '"__timings"') {
    nativePost(JSON.stringify({ type: 'timings', ...T, wasmMemory: exports ? exports.memory.buffer.byteLength : 0 }));
    for (const k of Object.keys(T)) T[k] = 0;
    return;
  }
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
