// The blocking-work demonstration: a dot that JavaScript moves every frame (a CSS animation
// would keep running on the compositor and hide the stall), a meter of the longest gap between
// frames, and the same Rust busy loop the worker runs, here on the page thread.

const WINDOW = 5000; // ms of frame gaps the meter looks back over

export class FrameMeter {
  /** `t` words the meter in the page's language (www/common/i18n.js). */
  constructor(track, out, t) {
    const dot = (this.dot = track.firstElementChild);
    this.out = out;
    this.t = t;
    this.gaps = []; // [time, gap] of recent frames, oldest first
    this.prev = 0;
    this.shown = -1;
    this.width = 0;
    new ResizeObserver(() => { this.width = track.clientWidth - dot.offsetWidth; }).observe(track);
  }

  /** Called every animation frame with its timestamp. */
  frame(now) {
    if (this.prev) this.gaps.push([now, now - this.prev]);
    this.prev = now;
    while (this.gaps.length && this.gaps[0][0] < now - WINDOW) this.gaps.shift();
    let max = 0;
    for (const g of this.gaps) max = Math.max(max, g[1]);
    max = Math.round(max);
    if (max !== this.shown) {
      this.shown = max;
      this.render();
    }
    const p = (now % 3000) / 1500; // there and back every 3 s
    this.dot.style.transform = `translateX(${(p < 1 ? p : 2 - p) * this.width}px)`;
  }

  render() {
    this.out.dataset.maxGapMs = this.shown;
    this.out.textContent = this.t('demo.gap', { ms: this.shown });
  }
}

/**
 * The page thread's busy work: `run(ms, before)` loads the wasm on first use, lets `before`
 * paint, then blocks the page for `ms` and returns how long it was blocked. Each instance keeps
 * its own load (the wasm is fetched only when the demo is first used, never on a first visit).
 */
export function pageWork() {
  let wasm = null;
  return async function run(ms, before) {
    wasm ??= import('../../pkg/queue_playground.js').then(async (m) => {
      await m.default();
      return m;
    });
    const m = await wasm.catch((e) => {
      wasm = null;
      throw e;
    });
    before();
    // Wait for a frame to be painted, so the page shows its state before it freezes.
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    const start = performance.now();
    m.busy_work(ms);
    return performance.now() - start;
  };
}
