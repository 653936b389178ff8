// The benchmark orchestrator (scripts/bench.sh runs it): serves the repository as plain static
// files, drives Debian's Chromium with playwright-core, measures the pipeline, the page, the
// threads view and the sizes against a baseline in the same run, and prints one markdown table
// (bench/report.mjs), the goals, and where the time goes. It reports; it does not fail on a goal
// (exit 0 unless something breaks: any page error, any error reply from a worker, a section
// that runs past its time limit).
//
// Usage: node bench/run.mjs [--native FILE] [--explore FILE] [--out FILE] [--json FILE] [--quick | --smoke]
//   --native FILE  the JSON printed by `cargo run --release --example queue_bench -- --json`
//   --explore FILE the JSON printed by `cargo run --release --example explore_bench -- --json`
//   --out FILE     also write the report (markdown) there
//   --json FILE    also write every raw measurement there
//   --quick        fewer repetitions, for trying the harness out
//   --smoke        every section once, small, each within SMOKE.sectionMs, no goals: the test
//                  that the harness still runs (tests/e2e/bench-harness.test.mjs)
//
// Baselines:
// - the pipeline: the same page and measurement with bench/echo-worker.js, a plain-JS worker
//   that speaks the same protocol without wasm, instead of www/playground/queue-worker.js;
// - the real page: the same index.html, served from a second origin where
//   www/playground/queue-worker.js is bench/echo-worker.js (a directory of symlinks; nothing is
//   copied or changed in the repository);
// - the burst: the same page idle for as long as the burst took.
// Timed runs alternate ours and the baseline (A, B, A, B, ...) and report the median.
import { chromium } from 'playwright-core';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { serve } from '../scripts/serve.mjs';
import { CHROMIUM_ARGS } from '../tests/e2e/harness.mjs';
import { POST_BUDGET_UNITS } from '../www/playground/producer.js';
import { format } from './report.mjs';
import {
  ROOT, HOOKS, echoSite, openPage, configure, renderedLatency, burst, startupOnce, firstVisit,
} from './page.mjs';

const args = process.argv.slice(2);
const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };

/**
 * The most `size`-byte ASCII messages one put may carry and stay within the worker's post cap,
 * with the page's own margin (POST_BUDGET_UNITS, www/playground/producer.js): each costs its
 * text and quotes and comma, and a time stamp and comma (under 24 characters); the rest of the
 * put under 256. The worker refuses a longer post unread.
 */
const perPostWithin = (size, want) => Math.min(want, Math.floor((POST_BUDGET_UNITS - 256) / (size + 3 + 24)));

const FULL = {
  reps: 5, // start-up
  tpReps: 11, // throughput: the noisiest, and quick
  profileReps: 3,
  latReps: 3, // latency
  latMs: 1500, // each latency run
  loads: [1000, 10000, 100000],
  sizes: [
    { size: 16, total: 200_000, perPost: perPostWithin(16, 20_000) },
    { size: 1024, total: 40_000, perPost: perPostWithin(1024, 10_000) },
  ],
  threadReps: 3,
  threadItems: 4_000_000,
  burstReps: 2,
  burst: 1_000_000,
  sectionMs: 900_000,
  goals: true,
};
const QUICK = { ...FULL, reps: 2, tpReps: 2, profileReps: 1, latReps: 1, latMs: 1000, threadReps: 1, burstReps: 1 };
/** Every section once and small; the same post sizes as the full run, so its puts are checked too. */
const SMOKE = {
  ...QUICK, reps: 1, tpReps: 1, latMs: 300, loads: [1000, 10000],
  sizes: FULL.sizes.map((s) => ({ ...s, total: 2 * s.perPost })),
  threadItems: 40_000, burst: 20_000, sectionMs: 30_000, goals: false,
};
const P = args.includes('--smoke') ? SMOKE : args.includes('--quick') ? QUICK : FULL;

const log = (...a) => console.error('[bench]', ...a);

/** Runs one section of the benchmark, failing it if it takes longer than P.sectionMs. */
async function section(name, fn) {
  log(name);
  let timer;
  const late = new Promise((_, fail) => {
    timer = setTimeout(() => fail(new Error(`${name}: timed out after ${P.sectionMs / 1000} s`)), P.sectionMs);
  });
  try {
    return await Promise.race([fn(), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Navigation → first round trip, cold (a new context each time) and warm (the same one again). */
async function startup(browser, BASE) {
  // Only the page being measured is open: another page would render its frames meanwhile.
  const out = { cold: { wasm: [], echo: [] }, warm: { wasm: [], echo: [] } };
  const fresh = async () => {
    const ctx = await browser.newContext();
    await ctx.addInitScript({ path: HOOKS });
    return { ctx, page: await ctx.newPage() };
  };
  for (let i = 0; i < P.reps; i++) {
    for (const kind of ['wasm', 'echo']) {
      const { ctx, page } = await fresh();
      out.cold[kind].push(await startupOnce(page, `${BASE[kind]}/index.html?bench-startup`));
      await ctx.close();
    }
  }
  const warm = {};
  for (const kind of ['wasm', 'echo']) {
    warm[kind] = await fresh();
    await startupOnce(warm[kind].page, `${BASE[kind]}/index.html?bench-startup`); // fills the caches
  }
  for (const kind of ['wasm', 'echo']) await warm[kind].page.goto('about:blank');
  for (let i = 0; i < P.reps; i++) {
    for (const kind of ['wasm', 'echo']) {
      out.warm[kind].push(await startupOnce(warm[kind].page, `${BASE[kind]}/index.html?bench-startup`));
      await warm[kind].page.goto('about:blank');
    }
  }
  for (const kind of ['wasm', 'echo']) await warm[kind].ctx.close();
  return out;
}

/** `runs` rounds of `once(kind)` for ours and the baseline, alternating which goes first. */
async function interleaved(runs, once) {
  const out = { wasm: [], echo: [] };
  for (let i = 0; i < runs; i++) {
    for (const kind of i % 2 ? ['echo', 'wasm'] : ['wasm', 'echo']) out[kind].push(await once(kind));
  }
  return out;
}

/** 1 and 2 on the pipeline page (no rendering): throughput, where the time goes, latency. */
async function pipeline(browser, BASE, R) {
  const ctx = await browser.newContext();
  const pp = await ctx.newPage();
  const pipeErrors = [];
  pp.on('pageerror', (e) => pipeErrors.push(e.message));
  await pp.goto(`${BASE.wasm}/bench/pipeline.html`);
  await section('pipeline: start the workers', () => pp.evaluate(() => window.bench.init()));
  R.throughput = {};
  await section('pipeline: throughput', async () => {
    for (const s of P.sizes) {
      // One unmeasured pass each: JIT, wasm memory growth.
      for (const kind of ['wasm', 'echo']) await pp.evaluate(([k, s]) => window.bench.throughput(k, s.size, s.total / 4, s.perPost), [kind, s]);
      R.throughput[s.size] = await interleaved(P.tpReps, (kind) => pp.evaluate(([k, s]) => window.bench.throughput(k, s.size, s.total, s.perPost), [kind, s]));
    }
  });
  R.profile = {};
  await section('pipeline: where the time goes', async () => {
    for (const s of P.sizes) {
      R.profile[s.size] = { wasm: [], echo: [] };
      for (let i = 0; i < P.profileReps; i++) {
        for (const kind of ['wasm', 'echo']) R.profile[s.size][kind].push(await pp.evaluate(([k, s]) => window.bench.profile(k, s.size, s.perPost), [kind, s]));
      }
    }
  });
  R.latency = {};
  await section('pipeline: latency', async () => {
    for (const rate of P.loads) {
      R.latency[rate] = await interleaved(P.latReps, (kind) => pp.evaluate(([k, r, ms]) => window.bench.latency(k, r, ms), [kind, rate, P.latMs]));
    }
  });
  if (pipeErrors.length) throw new Error(`pipeline page: ${pipeErrors.join('; ')}`);
  await ctx.close();
}

/** One run of the threads view at `n` producers and `n` consumers, every item checked. */
async function threadsRun(view, n) {
  const { ctx, page, problems } = await view(`producers=${n}&consumers=${n}&items=${P.threadItems / n}&run=1`);
  await page.waitForFunction(() => document.getElementById('threads-view').dataset.run === 'ended', null, { timeout: 120_000, polling: 50 });
  const r = await page.evaluate(() => ({
    ms: Number(document.getElementById('threads-view').dataset.runMs),
    consumed: Number(document.getElementById('threads-ledger').dataset.consumed),
    lost: Number(document.getElementById('threads-ledger').dataset.lost),
  }));
  if (problems.length || r.consumed !== P.threadItems || r.lost) throw new Error(`threads ${n}/${n}: ${JSON.stringify(r)} ${problems.join('; ')}`);
  await ctx.close();
  return { ...r, rate: (r.consumed / r.ms) * 1000 };
}

/**
 * 7. the threads view: items/s through the shared-memory queue across real workers at 1/1,
 * 2/2 and 4/4 (served with COOP/COEP; each run puts P.threadItems items in all and ends by
 * itself), and click → all threads running.
 */
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
    for (let i = 0; i < P.threadReps; i++) {
      for (const n of [1, 2, 4]) (out.shapes[n] ??= []).push(await threadsRun(view, n));
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

/**
 * 2 (rendered) and 3 on the real page, one page open at a time (an idle page in another tab
 * would still render 60 frames a second on the same two CPUs).
 */
async function realPage(browser, BASE, R) {
  const contexts = {};
  for (const kind of ['wasm', 'echo']) {
    contexts[kind] = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await contexts[kind].addInitScript({ path: HOOKS });
  }
  const problems = [];
  const open = async (kind) => {
    const page = await openPage(contexts[kind], `${BASE[kind]}/index.html`);
    await configure(page, { interval: 0, work: 0, maxBatch: 100000 });
    return page;
  };
  const done = async (page) => {
    problems.push(...page.problems);
    await page.close();
  };
  R.rendered = {};
  await section('page: put → rendered', async () => {
    for (const rate of P.loads) {
      R.rendered[rate] = await interleaved(P.latReps, async (kind) => {
        const page = await open(kind);
        const r = await renderedLatency(page, rate, P.latMs);
        await done(page);
        return r;
      });
    }
  });
  R.burst = [];
  await section(`page: ${P.burst} message burst vs idle`, async () => {
    const bp = await open('wasm');
    for (let i = 0; i < P.burstReps; i++) R.burst.push(await burst(bp, P.burst));
    await done(bp);
  });
  for (const c of Object.values(contexts)) await c.close();
  if (problems.length) throw new Error(`page errors: ${problems.join('; ')}`);
}

function machine(chromiumVersion) {
  const sh = (cmd, a) => { try { return execFileSync(cmd, a, { encoding: 'utf8' }).trim(); } catch { return '?'; } };
  const lscpu = sh('lscpu', []).split('\n');
  const model = lscpu.find((l) => l.startsWith('Model name'))?.split(':')[1]?.trim() ?? '?';
  return { nproc: sh('nproc', []), model, load: sh('cat', ['/proc/loadavg']), chromium: chromiumVersion, node: process.version };
}

async function main() {
  const t0 = Date.now();
  const json = (name) => (opt(name) ? JSON.parse(readFileSync(opt(name), 'utf8')) : null);
  const build = JSON.parse(readFileSync(join(ROOT, 'pkg', 'build.json'), 'utf8'));
  const echoDir = echoSite();
  const servers = [await serve(ROOT, 0), await serve(echoDir, 0)];
  const [wasmPort, echoPort] = servers.map((s) => s.address().port);
  const BASE = { wasm: `http://127.0.0.1:${wasmPort}`, echo: `http://127.0.0.1:${echoPort}` };
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const R = {
    build, native: json('--native'), explorer: json('--explore'), machine: machine(browser.version()),
    params: { burst: P.burst, threadItems: P.threadItems },
  };
  try {
    R.visit = await section('sizes: first visit', async () => ({
      wasm: await firstVisit(browser, `${BASE.wasm}/index.html`), echo: await firstVisit(browser, `${BASE.echo}/index.html`),
    }));
    R.startup = await section('start-up: cold and warm', () => startup(browser, BASE));
    await pipeline(browser, BASE, R);
    R.threads = await section('threads: shared-memory queue throughput, 1/1 2/2 4/4', () => threadsBench(browser));
    await realPage(browser, BASE, R);
  } finally {
    await browser.close();
    for (const s of servers) await new Promise((ok) => s.close(ok));
    rmSync(echoDir, { recursive: true, force: true });
  }
  R.seconds = (Date.now() - t0) / 1000;
  const report = format(R, { goals: P.goals });
  console.log(report);
  if (opt('--out')) writeFileSync(opt('--out'), report + '\n');
  if (opt('--json')) writeFileSync(opt('--json'), JSON.stringify(R, null, 1));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
