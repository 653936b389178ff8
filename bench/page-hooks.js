// Injected into the real page (index.html) before its own scripts run (playwright's
// addInitScript), so that the benchmark can watch the page without the page knowing:
// - the consumer worker the page creates, caught by wrapping the Worker constructor;
// - whether it is ready, and the settings it last confirmed;
// - long tasks (PerformanceObserver 'longtask': main-thread tasks over 50 ms), long animation
//   frames (with the scripts that made them long), and the gaps between animation frames;
// - per message, put → batch received on the page, and put → rendered: the frame after the
//   batch arrived has run its callbacks (the page's render among them) and then finished its
//   rendering update (style, layout, paint), which is when a task queued from that frame runs;
// - start-up: with `?bench-startup` in the URL, a config and one message are posted to the
//   worker the moment it is created, and the time of the first round trip is recorded.
(() => {
  const now = () => performance.timeOrigin + performance.now();
  const B = (window.__bench = {
    worker: null, ready: false, settings: null,
    longtasks: [], loafs: [], maxGap: 0, frames: 0, lastFrame: 0,
    lat: { on: false, recv: [], frame: [], painted: [], vsyncs: [], pending: [], raf: 0, batches: 0 },
    startup: null,
    resetPerf() {
      B.longtasks = [];
      B.loafs = [];
      B.maxGap = 0;
      B.frames = 0;
      B.lastFrame = 0;
      B.perfFrom = performance.now();
    },
    readPerf() {
      const lt = B.longtasks.map((e) => e.duration);
      const top = [...B.loafs].sort((a, b) => b.duration - a.duration).slice(0, 3);
      return {
        ms: performance.now() - B.perfFrom,
        frames: B.frames,
        longTasks: lt.length,
        longestTask: lt.length ? Math.max(...lt) : 0,
        maxFrameGap: B.maxGap,
        // What made the longest animation frames long, for the profile.
        loafs: top.map((f) => ({
          duration: f.duration,
          blocking: f.blockingDuration,
          render: f.renderStart ? f.startTime + f.duration - f.renderStart : 0,
          scripts: (f.scripts || []).map((s) => ({ invoker: s.invoker, fn: s.sourceFunctionName, src: (s.sourceURL || '').split('/').pop(), duration: Math.round(s.duration) })),
        })),
      };
    },
  });
  B.resetPerf();

  try {
    new PerformanceObserver((list) => B.longtasks.push(...list.getEntries())).observe({ type: 'longtask' });
  } catch { /* not supported: reported as zero */ }
  try {
    new PerformanceObserver((list) => B.loafs.push(...list.getEntries())).observe({ type: 'long-animation-frame' });
  } catch { /* older Chromium */ }
  const frame = (t) => {
    if (B.lastFrame) B.maxGap = Math.max(B.maxGap, t - B.lastFrame);
    B.lastFrame = t;
    B.frames++;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);

  const startup = new URLSearchParams(location.search).has('bench-startup');
  const hook = (worker) => {
    B.worker = worker;
    if (startup) {
      B.startup = { created: performance.now(), ready: 0, roundTrip: 0 };
      const post = (o) => worker.postMessage(JSON.stringify({ v: 1, ...o }));
      post({ type: 'config', mode: 'drain', interval_ms: 0, work_ms: 0, max_batch: 100 });
      post({ type: 'put', first_id: 1, texts: ['hello'], put_at: [now()] });
    }
    worker.addEventListener('message', (e) => {
      const d = typeof e.data === 'string' ? e.data : '';
      if (d.startsWith('{"type":"batch"')) {
        if (startup && !B.startup.roundTrip) B.startup.roundTrip = performance.now();
        const L = B.lat;
        if (!L.on) return;
        const t = now();
        // Only put_at is needed: parse that array alone, to add little work to the page.
        const i = d.indexOf('"put_at":[');
        const putAt = JSON.parse(d.slice(i + 9, d.indexOf(']', i) + 1));
        L.pending.push([t, putAt]);
        L.batches++;
        if (!L.raf) {
          L.raf = requestAnimationFrame((frameStart) => {
            const frameAt = now();
            const vsync = performance.timeOrigin + frameStart;
            const done = L.pending;
            L.pending = [];
            L.raf = 0;
            const ch = new MessageChannel();
            ch.port1.onmessage = () => {
              const painted = now();
              for (const [at, pa] of done) {
                for (const p of pa) {
                  L.recv.push(at - p);
                  L.frame.push(frameAt - p);
                  L.painted.push(painted - p);
                  // Display refreshes (60 Hz) from the put to the start of the rendering frame:
                  // 1 means the very next frame, the floor for a put made in a frame callback.
                  L.vsyncs.push(Math.ceil((vsync - p) / (1000 / 60)));
                }
              }
            };
            ch.port2.postMessage(0);
          });
        }
      } else if (d.startsWith('{"type":"ready"')) {
        B.ready = true;
        if (startup && !B.startup.ready) B.startup.ready = performance.now();
        B.settings = JSON.parse(d).settings;
      } else if (d.startsWith('{"type":"config"')) {
        B.settings = JSON.parse(d).settings;
      }
    });
  };

  const Native = window.Worker;
  window.Worker = class extends Native {
    constructor(url, opts) {
      super(url, opts);
      if (String(url).includes('queue-worker')) hook(this);
    }
  };

  B.latStart = () => Object.assign(B.lat, { on: true, recv: [], frame: [], painted: [], vsyncs: [], pending: [], batches: 0 });
  B.latStop = () => {
    B.lat.on = false;
    const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.max(0, Math.ceil((p / 100) * xs.length) - 1))];
    const out = { n: B.lat.recv.length, batches: B.lat.batches };
    for (const k of ['recv', 'frame', 'painted', 'vsyncs']) {
      const xs = Float64Array.from(B.lat[k]).sort();
      out[k] = { p50: pct(xs, 50), p99: pct(xs, 99), max: xs[xs.length - 1] };
    }
    return out;
  };
})();
