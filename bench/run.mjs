// The benchmark orchestrator (scripts/bench.sh runs it): serves the repository as plain static
// files, drives Debian's Chromium with playwright-core, measures everything issue 3 asks for
// against a baseline in the same run, and prints one markdown table, the goals, and where the
// time goes. It reports; it does not fail on a goal (exit 0 unless something breaks).
//
// Usage: node bench/run.mjs [--native FILE] [--out FILE] [--json FILE] [--quick]
//   --native FILE  the JSON printed by `cargo run --release --example queue_bench -- --json`
//   --explore FILE the JSON printed by `cargo run --release --example explore_bench -- --json`
//   --out FILE     also write the report (markdown) there
//   --json FILE    also write every raw measurement there
//   --quick        fewer repetitions, for trying the harness out
//
// Baselines:
// - the pipeline: the same page and measurement with bench/echo-worker.js, a plain-JS worker
//   that speaks the same protocol without wasm, instead of www/playground/queue-worker.js;
// - the real page: the same index.html, served from a second origin where
//   www/playground/queue-worker.js is bench/echo-worker.js (a directory of symlinks; nothing is copied
//   or changed in the repository);
// - the burst: the same page idle for as long as the burst took.
// Timed runs alternate ours and the baseline (A, B, A, B, ...) and report the median.
import { chromium } from 'playwright-core';
import { gzipSync } from 'node:zlib';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../scripts/serve.mjs';
import { CHROMIUM_ARGS } from '../tests/e2e/harness.mjs';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const args = process.argv.slice(2);
const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const QUICK = args.includes('--quick');
const REPS = QUICK ? 2 : 5; // start-up
const TP_REPS = QUICK ? 2 : 11; // throughput: the noisiest, and quick
const LAT_REPS = QUICK ? 1 : 3; // latency
const LAT_MS = QUICK ? 1000 : 1500; // each latency run
const BURST_REPS = QUICK ? 1 : 2;
const BURST = 1_000_000;
const LOADS = [1000, 10000, 100000];

const log = (...a) => console.error('[bench]', ...a);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
const medianBy = (runs, key) => median(runs.map((r) => key(r)));
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/** A second site: the repository's page, with the echo worker in place of the Rust one. */
function echoSite() {
  const dir = mkdtempSync(join(tmpdir(), 'qp-bench-echo-'));
  symlinkSync(join(ROOT, 'index.html'), join(dir, 'index.html'));
  symlinkSync(join(ROOT, 'pkg'), join(dir, 'pkg'));
  mkdirSync(join(dir, 'www', 'playground'), { recursive: true });
  for (const f of readdirSync(join(ROOT, 'www'))) {
    if (f !== 'playground') symlinkSync(join(ROOT, 'www', f), join(dir, 'www', f));
  }
  for (const f of readdirSync(join(ROOT, 'www', 'playground'))) {
    const src = f === 'queue-worker.js' ? join(ROOT, 'bench', 'echo-worker.js') : join(ROOT, 'www', 'playground', f);
    symlinkSync(src, join(dir, 'www', 'playground', f));
  }
  return dir;
}

// ---- the real page

const HOOKS = join(ROOT, 'bench', 'page-hooks.js');

async function openPage(ctx, url) {
  const page = await ctx.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.problems = problems;
  await page.goto(url);
  await page.waitForFunction(() => window.__bench?.ready && window.__qp, null, { timeout: 30_000 });
  return page;
}

async function setControl(page, sel, value) {
  await page.fill(sel, String(value));
  await page.dispatchEvent(sel, 'change');
}

/** Sets the consumer's controls on the page and waits for the worker to confirm them. */
async function configure(page, { interval, work, maxBatch }) {
  await page.selectOption('#mode', 'drain');
  await page.dispatchEvent('#mode', 'change');
  await setControl(page, '#interval', interval);
  await setControl(page, '#work', work);
  await setControl(page, '#max-batch', maxBatch);
  await page.waitForFunction((w) => {
    const s = window.__bench.settings;
    return s && s.mode === 'drain' && s.interval_ms === w.interval && s.work_ms === w.work && s.max_batch === w.maxBatch;
  }, { interval, work, maxBatch }, { timeout: 10_000 });
}

const pageStats = (page) => page.evaluate(() => window.__qp.stats());

async function resetPage(page) {
  await page.click('#reset-btn');
  await page.waitForFunction(() => { const s = window.__qp.stats(); return s.posted === 0 && s.delivered === 0; }, null, { timeout: 10_000 });
}

/** Waits until the page has rendered every message it posted as delivered. */
async function drained(page, timeout = 120_000) {
  await page.waitForFunction(() => {
    const s = window.__qp.stats();
    return s.outbox === 0 && s.posted > 0 && s.delivered === s.posted;
  }, null, { timeout, polling: 100 });
}

/** put → received and put → rendered on the real page, with its own auto producer. */
async function renderedLatency(page, rate, ms) {
  await resetPage(page);
  await setControl(page, '#auto-rate', rate);
  await page.evaluate(() => window.__bench.latStart());
  await page.evaluate(() => document.getElementById('auto-toggle').click());
  await sleep(ms);
  await page.evaluate(() => document.getElementById('auto-toggle').click());
  await drained(page);
  // Let the last batches reach their rendered frame.
  await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(ok, 20)))));
  const r = await page.evaluate(() => window.__bench.latStop());
  const s = await pageStats(page);
  if (r.n !== s.posted) log(`rendered latency at ${rate}/s: ${r.n} samples for ${s.posted} posted`);
  return { ...r, posted: s.posted, achieved: (s.posted / ms) * 1000 };
}

/** The page thread during a burst of BURST messages, then the same page idle as long. */
async function burst(page) {
  await resetPage(page);
  await page.fill('#burst-count', String(BURST));
  await page.dispatchEvent('#burst-count', 'input');
  await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => setTimeout(ok, 100))));
  await page.evaluate(() => { window.__bench.resetPerf(); document.getElementById('burst-btn').click(); });
  await page.waitForFunction((n) => window.__qp.stats().delivered >= n, BURST, { timeout: 180_000, polling: 200 });
  const busy = await page.evaluate(() => window.__bench.readPerf());
  const s = await pageStats(page);
  await page.evaluate(() => window.__bench.resetPerf());
  await sleep(busy.ms);
  const idle = await page.evaluate(() => window.__bench.readPerf());
  return { busy, idle, stats: s };
}

/** Navigation → the first round trip of a message (and → ready), ms since navigation start. */
async function startupOnce(page, url) {
  await page.goto(url);
  await page.waitForFunction(() => window.__bench?.startup?.roundTrip, null, { timeout: 30_000 });
  return page.evaluate(() => ({ ...window.__bench.startup, nav: performance.getEntriesByType('navigation')[0]?.toJSON() }));
}

// ---- the threads view (issue 8)

const THREAD_SHAPES = [1, 2, 4];
const THREAD_ITEMS = 4_000_000;

/** Items/s through the threads view at each shape, and click → all threads running. */
async function threadsBench(browser) {
  const server = await serve(ROOT, 0, { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
  const base = `http://127.0.0.1:${server.address().port}/index.html?view=threads`;
  const out = { shapes: {}, startup: [] };
  const view = async (query) => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${base}&${query}`);
    await page.waitForFunction(() => document.getElementById('threads-mode')?.dataset.mode === 'real', null, { timeout: 30_000 });
    return { ctx, page, problems };
  };
  try {
    for (let i = 0; i < (QUICK ? 1 : 3); i++) {
      for (const n of THREAD_SHAPES) {
        const { ctx, page, problems } = await view(`producers=${n}&consumers=${n}&items=${THREAD_ITEMS / n}&run=1`);
        await page.waitForFunction(() => document.getElementById('threads-view').dataset.run === 'ended', null, { timeout: 120_000, polling: 50 });
        const r = await page.evaluate(() => ({
          ms: Number(document.getElementById('threads-view').dataset.runMs),
          consumed: Number(document.getElementById('threads-ledger').dataset.consumed),
          lost: Number(document.getElementById('threads-ledger').dataset.lost),
        }));
        if (problems.length || r.consumed !== THREAD_ITEMS || r.lost) throw new Error(`threads ${n}/${n}: ${JSON.stringify(r)} ${problems.join('; ')}`);
        (out.shapes[n] ??= []).push({ ...r, rate: (r.consumed / r.ms) * 1000 });
        await ctx.close();
      }
      // Click → all threads running, 4/4 (the module is compiled on the first start of a page).
      const { ctx, page } = await view('producers=4&consumers=4&items=1000');
      await page.click('#threads-start');
      await page.waitForFunction(() => document.getElementById('threads-view').dataset.allRunningMs, null, { timeout: 30_000 });
      out.startup.push(Number(await page.getAttribute('#threads-view', 'data-all-running-ms')));
      await ctx.close();
    }
  } finally {
    await new Promise((ok) => server.close(ok));
  }
  return out;
}

// ---- sizes

async function firstVisit(browser, url) {
  const ctx = await browser.newContext();
  await ctx.addInitScript({ path: HOOKS });
  const page = await ctx.newPage();
  const bodies = [];
  page.on('response', (res) => bodies.push(res.body().then((b) => ({ url: res.url(), body: b })).catch(() => null)));
  await page.goto(url);
  await page.waitForFunction(() => window.__bench?.ready, null, { timeout: 30_000 });
  await page.waitForLoadState('networkidle');
  const files = (await Promise.all(bodies)).filter(Boolean)
    .map(({ url: u, body }) => ({ path: new URL(u).pathname, raw: body.length, gz: gzipSync(body, { level: 9 }).length }));
  await ctx.close();
  return { files, raw: files.reduce((a, f) => a + f.raw, 0), gz: files.reduce((a, f) => a + f.gz, 0) };
}

// ---- main

async function main() {
  const t0 = Date.now();
  const native = opt('--native') ? JSON.parse(readFileSync(opt('--native'), 'utf8')) : null;
  const explorer = opt('--explore') ? JSON.parse(readFileSync(opt('--explore'), 'utf8')) : null;
  const build = JSON.parse(readFileSync(join(ROOT, 'pkg', 'build.json'), 'utf8'));
  const echoDir = echoSite();
  const main = await serve(ROOT, 0);
  const echo = await serve(echoDir, 0);
  const BASE = { wasm: `http://127.0.0.1:${main.address().port}`, echo: `http://127.0.0.1:${echo.address().port}` };
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const R = { build, native, explorer, machine: machine(browser.version()) };
  try {
    // 5. sizes
    log('sizes: first visit');
    R.visit = { wasm: await firstVisit(browser, `${BASE.wasm}/index.html`), echo: await firstVisit(browser, `${BASE.echo}/index.html`) };

    // 4. start-up, cold (a new browser context each time) and warm (the same context again).
    // Only the page being measured is open: another page would render its frames meanwhile.
    log('start-up: cold and warm');
    R.startup = { cold: { wasm: [], echo: [] }, warm: { wasm: [], echo: [] } };
    for (let i = 0; i < REPS; i++) {
      for (const kind of ['wasm', 'echo']) {
        const ctx = await browser.newContext();
        await ctx.addInitScript({ path: HOOKS });
        const page = await ctx.newPage();
        R.startup.cold[kind].push(await startupOnce(page, `${BASE[kind]}/index.html?bench-startup`));
        await ctx.close();
      }
    }
    const warm = {};
    for (const kind of ['wasm', 'echo']) {
      const ctx = await browser.newContext();
      await ctx.addInitScript({ path: HOOKS });
      const page = await ctx.newPage();
      await startupOnce(page, `${BASE[kind]}/index.html?bench-startup`); // fills the caches
      warm[kind] = { ctx, page };
    }
    for (const kind of ['wasm', 'echo']) await warm[kind].page.goto('about:blank');
    for (let i = 0; i < REPS; i++) {
      for (const kind of ['wasm', 'echo']) {
        R.startup.warm[kind].push(await startupOnce(warm[kind].page, `${BASE[kind]}/index.html?bench-startup`));
        await warm[kind].page.goto('about:blank');
      }
    }
    for (const kind of ['wasm', 'echo']) await warm[kind].ctx.close();

    // 1 and 2: the pipeline page (no rendering)
    log('pipeline: throughput');
    const ctx = await browser.newContext();
    const pp = await ctx.newPage();
    const pipeErrors = [];
    pp.on('pageerror', (e) => pipeErrors.push(e.message));
    await pp.goto(`${BASE.wasm}/bench/pipeline.html`);
    await pp.evaluate(() => window.bench.init());
    const SIZES = [
      { size: 16, total: 200_000, perPost: 20_000 },
      { size: 1024, total: 40_000, perPost: 10_000 },
    ];
    R.throughput = {};
    for (const s of SIZES) {
      R.throughput[s.size] = { wasm: [], echo: [] };
      // One unmeasured pass each: JIT, wasm memory growth.
      for (const kind of ['wasm', 'echo']) await pp.evaluate(([k, s]) => window.bench.throughput(k, s.size, s.total / 4, s.perPost), [kind, s]);
      for (let i = 0; i < TP_REPS; i++) {
        for (const kind of i % 2 ? ['echo', 'wasm'] : ['wasm', 'echo']) {
          R.throughput[s.size][kind].push(await pp.evaluate(([k, s]) => window.bench.throughput(k, s.size, s.total, s.perPost), [kind, s]));
        }
      }
    }
    log('pipeline: where the time goes');
    R.profile = {};
    for (const s of SIZES) {
      R.profile[s.size] = { wasm: [], echo: [] };
      for (let i = 0; i < (QUICK ? 1 : 3); i++) {
        for (const kind of ['wasm', 'echo']) R.profile[s.size][kind].push(await pp.evaluate(([k, s]) => window.bench.profile(k, s.size, s.perPost), [kind, s]));
      }
    }
    log('pipeline: latency');
    R.latency = {};
    for (const rate of LOADS) {
      R.latency[rate] = { wasm: [], echo: [] };
      for (let i = 0; i < LAT_REPS; i++) {
        for (const kind of i % 2 ? ['echo', 'wasm'] : ['wasm', 'echo']) {
          R.latency[rate][kind].push(await pp.evaluate(([k, r, ms]) => window.bench.latency(k, r, ms), [kind, rate, LAT_MS]));
        }
      }
    }
    if (pipeErrors.length) throw new Error(`pipeline page: ${pipeErrors.join('; ')}`);
    await ctx.close();

    // 7. the threads view (issue 8): the shared-memory queue across real workers, served with
    // COOP/COEP; each run puts THREAD_ITEMS items in all and ends by itself.
    log('threads: shared-memory queue throughput, 1/1 2/2 4/4');
    R.threads = await threadsBench(browser);

    // 2 (rendered) and 3: the real page, one page open at a time (an idle page in another tab
    // would still render 60 frames a second on the same two CPUs).
    log('page: put → rendered');
    const contexts = {};
    for (const kind of ['wasm', 'echo']) {
      contexts[kind] = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await contexts[kind].addInitScript({ path: HOOKS });
    }
    const problems = [];
    const realPage = async (kind) => {
      const page = await openPage(contexts[kind], `${BASE[kind]}/index.html`);
      await configure(page, { interval: 0, work: 0, maxBatch: 100000 });
      return page;
    };
    const done = async (page) => {
      problems.push(...page.problems);
      await page.close();
    };
    R.rendered = {};
    for (const rate of LOADS) {
      R.rendered[rate] = { wasm: [], echo: [] };
      for (let i = 0; i < LAT_REPS; i++) {
        for (const kind of i % 2 ? ['echo', 'wasm'] : ['wasm', 'echo']) {
          const page = await realPage(kind);
          R.rendered[rate][kind].push(await renderedLatency(page, rate, LAT_MS));
          await done(page);
        }
      }
    }
    log(`page: ${BURST} message burst vs idle`);
    R.burst = [];
    const bp = await realPage('wasm');
    for (let i = 0; i < BURST_REPS; i++) R.burst.push(await burst(bp));
    await done(bp);
    for (const c of Object.values(contexts)) await c.close();
    if (problems.length) throw new Error(`page errors: ${problems.join('; ')}`);
  } finally {
    await browser.close();
    await new Promise((ok) => main.close(ok));
    await new Promise((ok) => echo.close(ok));
    rmSync(echoDir, { recursive: true, force: true });
  }
  R.seconds = (Date.now() - t0) / 1000;
  const report = format(R);
  console.log(report);
  if (opt('--out')) writeFileSync(opt('--out'), report + '\n');
  if (opt('--json')) writeFileSync(opt('--json'), JSON.stringify(R, null, 1));
}

function machine(chromiumVersion) {
  const sh = (cmd, a) => { try { return execFileSync(cmd, a, { encoding: 'utf8' }).trim(); } catch { return '?'; } };
  const lscpu = sh('lscpu', []).split('\n');
  const model = lscpu.find((l) => l.startsWith('Model name'))?.split(':')[1]?.trim() ?? '?';
  return { nproc: sh('nproc', []), model, load: sh('cat', ['/proc/loadavg']), chromium: chromiumVersion, node: process.version };
}

// ---- the report

const f0 = (x) => (x == null || Number.isNaN(x) ? '–' : Math.round(x).toLocaleString('en-US'));
const f1 = (x) => (x == null || Number.isNaN(x) ? '–' : x.toFixed(1));
const f2 = (x) => (x == null || Number.isNaN(x) ? '–' : x.toFixed(2));
const kb = (b) => `${(b / 1000).toFixed(1)} KB`;

function format(R) {
  const rows = [];
  const row = (n, what, ours, base, ratio, note = '') => rows.push(`| ${n} | ${what} | ${ours} | ${base} | ${ratio} | ${note} |`);
  const goals = [];
  const goal = (text, met, value) => goals.push(`- [${met ? 'met' : 'MISSED'}] ${text}: ${value}`);

  // 1. throughput
  const tp = {};
  for (const [size, r] of Object.entries(R.throughput)) {
    const w = medianBy(r.wasm, (x) => x.rate);
    const e = medianBy(r.echo, (x) => x.rate);
    // The ratio of each adjacent (interleaved) pair, then their median: robust to drifting load.
    const ratio = median(r.wasm.map((x, i) => x.rate / r.echo[i].rate));
    tp[size] = { w, e, ratio };
    const s = r.wasm[0];
    row('1', `pipeline throughput, ${size === '16' ? '16 B' : '1 KiB'} messages (msgs/s)`, f0(w), f0(e), f2(ratio),
      `${f0(s.total)} msgs, ${f0(s.perPost)} a post, ≤3 posts in flight; median of ${r.wasm.length}`);
  }
  // 2. latency
  for (const rate of Object.keys(R.latency)) {
    const r = R.latency[rate];
    for (const p of ['p50', 'p99']) {
      const w = medianBy(r.wasm, (x) => x[p]);
      const e = medianBy(r.echo, (x) => x[p]);
      row('2', `put → batch received, ${p}, ${f0(Number(rate))} msgs/s (ms)`, f1(w), f1(e), f2(w / e),
        p === 'p50' ? `pipeline page, one put a frame; ${f0(medianBy(r.wasm, (x) => x.sent))} msgs a run` : '');
    }
  }
  for (const rate of Object.keys(R.rendered)) {
    const r = R.rendered[rate];
    for (const [k, label] of [['recv', 'put → batch received on the page'], ['painted', 'put → rendered'], ['vsyncs', 'put → rendered, in frames']]) {
      for (const p of ['p50', 'p99']) {
        const w = medianBy(r.wasm, (x) => x[k][p]);
        const e = medianBy(r.echo, (x) => x[k][p]);
        const unit = k === 'vsyncs' ? '' : ' (ms)';
        const fmt = k === 'vsyncs' ? f0 : f1;
        row('2', `${label}, ${p}, ${f0(Number(rate))} msgs/s${unit}`, fmt(w), fmt(e), f2(w / e),
          k === 'recv' && p === 'p50' ? `index.html, its auto producer; ${f0(medianBy(r.wasm, (x) => x.achieved))} msgs/s achieved; median of ${r.wasm.length}`
            : k === 'vsyncs' && p === 'p50' ? '60 Hz frames from the put to the frame that renders it; 1 is the floor' : '');
      }
    }
  }
  // 3. burst
  const b = R.burst;
  const worst = (key) => Math.max(...b.map(key));
  row('3', `${f0(BURST)}-message burst: long tasks (> 50 ms)`, f0(median(b.map((x) => x.busy.longTasks))), f0(median(b.map((x) => x.idle.longTasks))), '',
    `index.html, interval 0, work 0, max batch 100,000; baseline: the page idle as long; median of ${b.length}`);
  row('3', 'burst: longest task (ms)', f0(worst((x) => x.busy.longestTask)), f0(worst((x) => x.idle.longestTask)), '', 'worst of the runs');
  row('3', 'burst: longest gap between animation frames (ms)', f0(worst((x) => x.busy.maxFrameGap)), f0(worst((x) => x.idle.maxFrameGap)),
    f2(worst((x) => x.busy.maxFrameGap) / worst((x) => x.idle.maxFrameGap)), 'worst of the runs');
  row('3', 'burst: from the click to the last message rendered (ms)', f0(median(b.map((x) => x.busy.ms))), '', '',
    `${f0(BURST / (median(b.map((x) => x.busy.ms)) / 1000))} msgs/s through the whole page`);
  // 4. start-up
  for (const when of ['cold', 'warm']) {
    const r = R.startup[when];
    const w = medianBy(r.wasm, (x) => x.roundTrip);
    const e = medianBy(r.echo, (x) => x.roundTrip);
    row('4', `start-up, ${when}: navigation → first round trip (ms)`, f0(w), f0(e), f2(w / e),
      `index.html vs the same page with the echo worker; → worker ready: ${f0(medianBy(r.wasm, (x) => x.ready))} vs ${f0(medianBy(r.echo, (x) => x.ready))} ms; median of ${r.wasm.length}`);
  }
  // 5. sizes
  // pkg/build.json: one wasm at the top level, or one entry per wasm (`queue`, `lab`, ...).
  const wasms = R.build.bytes ? { queue: R.build } : Object.fromEntries(Object.entries(R.build).filter(([, x]) => x && x.bytes));
  const bj = wasms.queue;
  row('5', `wasm (${bj.wasm}), raw`, kb(bj.bytes), '', '', `${kb(bj.bytes_before_wasm_opt)} before wasm-opt (${R.build.wasm_opt ?? bj.wasm_opt})`);
  row('5', `wasm (${bj.wasm}), gzipped`, kb(bj.gzip_bytes), '60 KB budget', f2(bj.gzip_bytes / 60000), 'gzip -9 (pkg/build.json)');
  for (const [name, x] of Object.entries(wasms)) {
    if (name !== 'queue') row('5', `other wasm (${x.wasm}): raw / gzipped`, `${kb(x.bytes)} / ${kb(x.gzip_bytes)}`, '', '', 'not loaded by index.html');
  }
  const v = R.visit;
  row('5', 'first visit to index.html, gzipped', kb(v.wasm.gz), kb(v.echo.gz), f2(v.wasm.gz / v.echo.gz),
    `${v.wasm.files.length} files, ${kb(v.wasm.raw)} raw; baseline: the page with the echo worker (no wasm); budget 120 KB`);
  // 6. native
  if (R.native) {
    for (const n of R.native.rows) {
      row('6', `native ${n.producers}/${n.consumers}: ${n.name} (items/s)`, f0(n.items_per_s), n.ratio === 1 ? '(baseline)' : '', f2(n.ratio),
        `range ${f2(n.min_items_per_s / 1e6)}–${f2(n.max_items_per_s / 1e6)} M`);
    }
  }

  // 7. the threads view
  const threadRatios = {};
  if (R.threads) {
    for (const [n, runs] of Object.entries(R.threads.shapes)) {
      const rate = medianBy(runs, (x) => x.rate);
      const nativeQ = R.native?.rows.find((x) => x.producers === Number(n) && x.name.startsWith('Queue::new(0): put/get'));
      const nativeShared = R.native?.rows.find((x) => x.producers === Number(n) && x.name.startsWith('threads::Shared'));
      threadRatios[n] = { pipeline: rate / tp[16].w, native: nativeQ ? rate / nativeQ.items_per_s : NaN, shared: nativeShared ? rate / nativeShared.items_per_s : NaN };
      row('7', `threads view, ${n}/${n}: shared-memory queue across workers (items/s)`, f0(rate), f0(tp[16].w), f2(threadRatios[n].pipeline),
        `baseline: the postMessage pipeline (16 B, row 1); ${THREAD_ITEMS.toLocaleString('en-US')} items, every one checked; `
        + `÷ native Queue ${n}/${n}: ${f2(threadRatios[n].native)}, ÷ native threads::Shared ${n}/${n}: ${f2(threadRatios[n].shared)}; median of ${runs.length}`);
    }
    row('7', 'threads view, 4/4: click → all 8 threads running (ms)', f0(median(R.threads.startup)), '', '',
      `a fresh page each time: fetch + compile the threads wasm, one shared memory, 9 workers; median of ${R.threads.startup.length}`);
  }

  // 8. the explorer (examples/explore_bench): ours against today's explorer, frozen in the example
  if (R.explorer) {
    const states = (s) => `${f0(s.states)}${s.complete ? '' : ' (cut)'}`;
    for (const x of R.explorer.rows) {
      const plain = x.plain ? `; without symmetry ${states(x.plain)} states, ${x.plain.secs.toFixed(3)} s, ratio ${f2(x.plain_ratio)}, ${f0(x.plain.bytes_per_state)} B/state` : '';
      row('8', `explorer, ${x.case}, ${x.model}: time (s)`, x.ours.secs.toFixed(3), x.baseline.secs.toFixed(3), f2(x.ratio),
        `states ${states(x.ours)} / ${states(x.baseline)}; ${f0(x.ours.states_per_s)} / ${f0(x.baseline.states_per_s)} states/s; ` +
        `${f0(x.ours.bytes_per_state)} / ${f0(x.baseline.bytes_per_state)} B/state${plain}; counts ${x.comparable ? (x.same ? 'same' : 'DIFFER') : 'not both complete'}`);
    }
  }

  // goals
  goal('pipeline throughput ≥ 0.9 of the plain-JS baseline (16 B)', tp[16].ratio >= 0.9, f2(tp[16].ratio));
  goal('pipeline throughput ≥ 0.9 of the plain-JS baseline (1 KiB)', tp[1024].ratio >= 0.9, f2(tp[1024].ratio));
  goal('≥ 1,000,000 msgs/s end to end, 16 B, batched', tp[16].w >= 1e6, `${f0(tp[16].w)} msgs/s`);
  const p99r = medianBy(R.rendered[10000].wasm, (x) => x.painted.p99);
  const p99f = medianBy(R.rendered[10000].wasm, (x) => x.vsyncs.p99);
  goal('p99 put → rendered ≤ 17 ms at 10,000 msgs/s', p99r <= 17,
    `${f1(p99r)} ms; in frames: p99 ${f0(p99f)} (1 = rendered in the very next frame, the floor for the page's frame-paced producer)`);
  const lt = Math.max(...b.map((x) => x.busy.longTasks));
  goal('no long task over 50 ms during the 1,000,000-message burst', lt === 0,
    `${lt} long task${lt === 1 ? '' : 's'} in the worst run, the longest ${f0(worst((x) => x.busy.longestTask))} ms`);
  if (R.native) {
    const q = R.native.rows.find((n) => n.producers === 1 && n.name.startsWith('Queue::new(0): put/get'));
    goal('native Queue within 2x of std::sync::mpsc at 1/1 (ratio ≥ 0.5)', q.ratio >= 0.5, f2(q.ratio));
  }
  for (const [n, r] of Object.entries(threadRatios)) {
    goal(`threads ${n}/${n}: ≥ 3× the postMessage pipeline`, r.pipeline >= 3, f2(r.pipeline));
    goal(`threads ${n}/${n}: ≥ 0.5 of the native Queue at ${n}/${n}`, r.native >= 0.5, f2(r.native));
  }
  if (R.explorer) {
    const find = (c, m) => R.explorer.rows.find((x) => x.case.startsWith(c) && x.model === m);
    const tso = find('3x8', 'tso');
    if (tso) goal('explorer: TSO 3×8 under 1 s (CPU)', tso.ours.secs < 1, `${tso.ours.secs.toFixed(3)} s, ${f2(tso.ratio)} of today's ${tso.baseline.secs.toFixed(3)} s`);
    const ra4 = R.explorer.rows.filter((x) => x.case.includes('x4') && x.model === 'ra');
    if (ra4.length) {
      const worst = ra4.reduce((a, b) => (a.ours.secs > b.ours.secs ? a : b));
      const mb = Math.max(...ra4.map((x) => x.ours.peak_bytes)) / 1e6;
      goal('explorer: RA, 4-thread programs under 5 s and 300 MB, complete', ra4.every((x) => x.ours.complete && x.ours.secs < 5) && mb < 300,
        `slowest ${worst.case} ${worst.ours.secs.toFixed(3)} s; peak ${f0(mb)} MB; complete: ${ra4.map((x) => x.ours.complete).join(', ')}`);
    }
    for (const m of ['tso', 'ra']) {
      const xs = R.explorer.rows.filter((x) => x.model === m && x.ours.states >= 10000);
      const r = median(xs.map((x) => (x.plain ?? x.ours).bytes_per_state / x.baseline.bytes_per_state));
      goal(`explorer: bytes per state halved under ${m} (programs of ≥ 10,000 states, without symmetry)`, r <= 0.5, `median ratio ${f2(r)}`);
    }
  }
  goal('release wasm ≤ 60 KB gzipped (budget, tested)', bj.gzip_bytes <= 60000, kb(bj.gzip_bytes));
  goal('first visit ≤ 120 KB gzipped (budget, tested)', v.wasm.gz <= 120000, kb(v.wasm.gz));

  // where the time goes
  const prof = [];
  prof.push('| put of | worker | page: stringify | page: postMessage | post → round start | round start → batch on page | page: parse | total | worker: handle the put | worker: the round | worker: postMessage | of which glue TextEncoder / TextDecoder | wasm memory |');
  prof.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [size, r] of Object.entries(R.profile)) {
    for (const kind of ['wasm', 'echo']) {
      const m = (k) => f1(medianBy(r[kind], (x) => x[k]));
      const mw = (k) => f1(medianBy(r[kind], (x) => x.worker[k]));
      prof.push(`| ${f0(r[kind][0].n)} × ${size} B (${kb(r[kind][0].putBytes)}) | ${kind} | ${m('stringify')} | ${m('postMessage')} | ${m('postToDrain')} | ${m('drainToArrive')} | ${m('parse')} | ${m('total')} | ${mw('handle')} | ${mw('round')} | ${mw('post')} | ${kind === 'wasm' ? `${mw('glueIn')} / ${mw('glueOut')}` : ''} | ${kind === 'wasm' ? `${f0(medianBy(r[kind], (x) => x.worker.wasmMemory) / 1e6)} MB` : ''} |`);
    }
  }
  const burstLoafs = b.flatMap((x) => x.busy.loafs).sort((a, c) => c.duration - a.duration).slice(0, 3)
    .map((l) => `${f0(l.duration)} ms (rendering ${f0(l.render)} ms; scripts: ${l.scripts.map((s) => `${s.invoker || '?'}${s.fn ? ` ${s.fn}` : ''} ${s.duration} ms`).join(', ') || 'none'})`);

  const m = R.machine;
  return [
    `Queue Playground benchmark — ${new Date().toISOString()}, ${f0(R.seconds)} s`,
    `machine: ${m.nproc} CPUs (${m.model}), load average ${m.load}; Chromium ${m.chromium}; node ${m.node}`,
    '',
    '| # | measurement | ours | baseline | ratio | how |',
    '| --- | --- | ---: | ---: | ---: | --- |',
    ...rows,
    '',
    'Ratios are ours / baseline: above 1 is better for throughput, worse for times. Baselines: the plain-JS echo worker (1, 2, 4), the page idle (3), the budget (5), std::sync::mpsc::channel (6), today\'s explorer frozen in examples/explore_bench/baseline (7; CPU seconds of the exploring thread, natively, release profile).',
    '',
    'Goals:',
    ...goals,
    '',
    'Where the time goes: one put alone, waited for (ms, median; the worker is wrapped by bench/timed-worker.js):',
    '',
    ...prof,
    '',
    `Longest animation frames during the bursts: ${burstLoafs.join('; ') || 'none over 50 ms'}`,
    '',
    `First visit to index.html (${v.wasm.files.length} files, gzip -9): ${v.wasm.files.map((x) => `${x.path} ${kb(x.gz)}`).join(', ')}`,
  ].join('\n');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
