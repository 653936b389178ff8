// The queue's length over the last 60 s: buckets of 250 ms holding the largest length seen,
// drawn on a device-pixel-ratio aware canvas at most once per frame, only when it changed.

const STEP = 250;
const N = 240; // 60 s

export class Chart {
  /** `t` words the axis labels in the page's language (www/common/i18n.js). */
  constructor(canvas, t) {
    this.canvas = canvas;
    this.t = t;
    this.vals = new Float64Array(N);
    this.slot = Math.floor(performance.now() / STEP); // the newest bucket
    this.last = 0;
    this.changed = this.slot; // the last bucket whose value differed from the one before
    this.dirty = true;
    new ResizeObserver(() => { this.dirty = true; }).observe(canvas);
  }

  /** Records the queue's length now. */
  add(v) {
    this.advance(performance.now());
    const i = this.slot % N;
    if (v > this.vals[i] || v !== this.last) this.changed = this.slot;
    this.vals[i] = Math.max(this.vals[i], v);
    this.last = v;
    this.dirty = true;
  }

  clear() {
    this.vals.fill(0);
    this.last = 0;
    this.dirty = true;
  }

  advance(now) {
    const s = Math.floor(now / STEP);
    if (s <= this.slot) return;
    for (let k = Math.max(this.slot + 1, s - N + 1); k <= s; k++) this.vals[k % N] = this.last;
    this.slot = s;
    // Scrolling a flat line changes nothing on screen.
    if (s - this.changed <= N) this.dirty = true;
  }

  draw(now, force) {
    this.advance(now);
    if (!this.dirty && !force) return;
    this.dirty = false;
    const c = this.canvas;
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(c.clientWidth * dpr);
    const h = Math.round(c.clientHeight * dpr);
    if (!w || !h) return;
    if (c.width !== w || c.height !== h) Object.assign(c, { width: w, height: h });
    const g = c.getContext('2d');
    let max = 0;
    for (const v of this.vals) max = Math.max(max, v);
    c.dataset.max = max;
    const pad = 16 * dpr;
    const y = (v) => h - 1 - (v / (max || 1)) * (h - pad - 2);
    g.clearRect(0, 0, w, h);
    g.fillStyle = '#dbe7f7';
    g.strokeStyle = '#2563c4';
    g.lineWidth = 1.5 * dpr;
    const line = new Path2D();
    for (let k = 0; k < N; k++) line.lineTo((k / (N - 1)) * w, y(this.vals[(this.slot + 1 + k) % N]));
    const area = new Path2D(line);
    area.lineTo(w, h);
    area.lineTo(0, h);
    g.fill(area);
    g.stroke(line);
    g.fillStyle = '#333';
    g.font = `${11 * dpr}px system-ui, sans-serif`;
    g.textBaseline = 'top';
    g.textAlign = 'left';
    g.fillText(this.t('chart.max', { n: max }), 3 * dpr, 2 * dpr);
    g.textAlign = 'right';
    g.fillText(this.t('chart.now', { n: this.last }), w - 3 * dpr, 2 * dpr);
  }
}
