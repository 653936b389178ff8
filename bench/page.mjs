// The benchmark's measurements on the real page (index.html), for bench/run.mjs: the page is
// watched through bench/page-hooks.js (injected before its own scripts) and driven through its
// controls, as a person would.
import { gzipSync } from 'node:zlib';
import { mkdtempSync, readdirSync, symlinkSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
export const HOOKS = join(ROOT, 'bench', 'page-hooks.js');
const log = (...a) => console.error('[bench]', ...a);
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/** A second site: the repository's page, with the echo worker in place of the Rust one. */
export function echoSite() {
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

export async function openPage(ctx, url) {
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
export async function configure(page, { interval, work, maxBatch }) {
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

export const pageStats = (page) => page.evaluate(() => window.__qp.stats());

export async function resetPage(page) {
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
export async function renderedLatency(page, rate, ms) {
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

/** The page thread during a burst of `n` messages, then the same page idle as long. */
export async function burst(page, n) {
  await resetPage(page);
  await page.fill('#burst-count', String(n));
  await page.dispatchEvent('#burst-count', 'input');
  await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => setTimeout(ok, 100))));
  await page.evaluate(() => { window.__bench.resetPerf(); document.getElementById('burst-btn').click(); });
  await page.waitForFunction((n) => window.__qp.stats().delivered >= n, n, { timeout: 180_000, polling: 200 });
  const busy = await page.evaluate(() => window.__bench.readPerf());
  const s = await pageStats(page);
  await page.evaluate(() => window.__bench.resetPerf());
  await sleep(busy.ms);
  const idle = await page.evaluate(() => window.__bench.readPerf());
  return { busy, idle, stats: s };
}

/** Navigation → the first round trip of a message (and → ready), ms since navigation start. */
export async function startupOnce(page, url) {
  await page.goto(url);
  await page.waitForFunction(() => window.__bench?.startup?.roundTrip, null, { timeout: 30_000 });
  return page.evaluate(() => ({ ...window.__bench.startup, nav: performance.getEntriesByType('navigation')[0]?.toJSON() }));
}

/** Every file a first visit to `url` downloads, raw and gzipped (-9). */
export async function firstVisit(browser, url) {
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

