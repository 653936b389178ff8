// The blocking-work demonstration: a dot that JavaScript moves every frame (a CSS animation
// would keep running on the compositor and hide the stall), a meter of the longest gap between
// frames, and the same Rust busy loop the worker runs, here on the page thread.
import { t } from './strings.js';

const WINDOW = 5000; // ms of frame gaps the meter looks back over

export class FrameMeter {
  constructor(track, out) {
    const dot = (this.dot = track.firstElementChild);
    this.out = out;
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
    this.out.textContent = t('demo.gap', { ms: this.shown });
  }
}

let wasm = null;

/** Loads the wasm on first use, lets `before` paint, then blocks the page for `ms`. */
export async function busyOnPage(ms, before) {
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
}
