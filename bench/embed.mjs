// Start-up of an embedded lesson, beside the full pages' start-up, in one run:
//   - docs pages on a second origin: docs/embed-example.html, from its navigation to its first
//     embed (the queue view) being interactive; a page with one lab lesson, to that lesson;
//   - the full pages: lab.html and index.html, from navigation to interactive.
// Interactive means the page says so: html[data-worker=ready] (the playground's worker answered)
// or html[data-lab=ready] (the lab's wasm is compiled and its lesson loaded). An init script in
// every frame stamps the moment that attribute is set, on the clock shared by all frames of the
// browser (performance.timeOrigin + performance.now()); each run uses a fresh context, so
// nothing is cached. Runs alternate the cases; the report is the median (min–max).
// Usage: node bench/embed.mjs [--quick | --smoke]   (prints a markdown table on stdout; --smoke:
// one run of each case, each frame ready within 20 s, no goal: tests/e2e/bench-harness.test.mjs)
import { chromium } from 'playwright-core';
import { serve } from '../scripts/serve.mjs';
import { CHROMIUM_ARGS } from '../tests/e2e/harness.mjs';
import { startHost } from '../tests/e2e/host.mjs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const SMOKE = process.argv.includes('--smoke');
const REPS = SMOKE ? 1 : process.argv.includes('--quick') ? 2 : 7;
const READY_MS = SMOKE ? 20_000 : 60_000;
const log = (...a) => console.error('[bench embed]', ...a);

/** In every frame: the moment html[data-worker] or html[data-lab] becomes "ready". */
function stampReady() {
  const seen = () => {
    const d = document.documentElement.dataset;
    if ((d.worker === 'ready' || d.lab === 'ready') && !window.__readyAt) {
      window.__readyAt = performance.timeOrigin + performance.now();
      window.top.postMessage({ readyAt: window.__readyAt, url: location.href }, '*');
    }
  };
  // The script runs before <html> exists: watch the document, which will hold it.
  new MutationObserver(seen).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-worker', 'data-lab'] });
}

const playground = await serve(ROOT, 0);
const base = `http://127.0.0.1:${playground.address().port}`;
const host = await startHost(base);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });

/** One run: ms from the top page's navigation to each wanted frame being ready. */
async function run(url, wants) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  await context.addInitScript(stampReady);
  const page = await context.newPage();
  // The top page collects every frame's stamp (frames of other origins cannot be read directly).
  await page.addInitScript(() => {
    if (window.top !== window) return;
    window.__stamps = [];
    addEventListener('message', (e) => { if (e.data && e.data.readyAt) window.__stamps.push(e.data); });
  });
  await page.goto(url);
  const out = {};
  for (const [name, pattern] of Object.entries(wants)) {
    await page.waitForFunction((p) => window.__stamps.some((s) => new RegExp(p).test(s.url)), pattern.source, { timeout: READY_MS });
    out[name] = await page.evaluate((p) => window.__stamps.find((s) => new RegExp(p).test(s.url)).readyAt - performance.timeOrigin, pattern.source);
  }
  await context.close();
  return out;
}

// A second docs page whose first (and only) embed is a lab lesson.
host.pages.set('/one-lesson.html', `<!doctype html><html lang="en"><title>one lesson</title><link rel="icon" href="data:,">
<script src="${base}/www/embed.js" defer></script><h1>A lesson</h1><queue-playground lesson="counter_lost_update"></queue-playground>`);
const CASES = [
  ['embedded: the example page', `${host.base}/embed-example.html`, { first: /index\.html\?embed=1/ }],
  ['embedded: one lab lesson', `${host.base}/one-lesson.html`, { lab: /lab\.html\?embed=1.*p=counter_lost_update/ }],
  ['full page: lab.html', `${base}/lab.html`, { page: /lab\.html/ }],
  ['full page: index.html', `${base}/index.html`, { page: /index\.html/ }],
];
const results = CASES.map(() => []);
for (let r = 0; r < REPS; r++) {
  for (const [i, [name, url, wants]] of CASES.entries()) {
    results[i].push(await run(url, wants));
    log(`run ${r + 1}/${REPS}: ${name}: ${JSON.stringify(results[i].at(-1), (k, v) => (typeof v === 'number' ? Math.round(v) : v))}`);
  }
}
await browser.close();
await host.close();
await new Promise((ok) => playground.close(ok));

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const n = s.length; return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; };
const cell = (xs) => `${Math.round(median(xs))} ms (${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))})`;
const rows = [
  ['example docs page → its first embed interactive (the queue view)', results[0].map((r) => r.first)],
  ['docs page → its embedded lab lesson interactive (counter_lost_update)', results[1].map((r) => r.lab)],
  ['full lab page (lab.html) → interactive', results[2].map((r) => r.page)],
  ['full playground page (index.html) → interactive', results[3].map((r) => r.page)],
];
console.log(`\n### Embedded start-up (bench/embed.mjs, ${REPS} runs each, fresh context, median (min–max))\n`);
console.log('| from navigation to | time |\n| --- | --- |');
for (const [label, xs] of rows) console.log(`| ${label} | ${cell(xs)} |`);
for (const [label, xs] of [['the example page\'s first embed', results[0].map((r) => r.first)], ['an embedded lab lesson', results[1].map((r) => r.lab)]]) {
  const m = median(xs);
  if (SMOKE) break;
  console.log(`\nGoal: ${label} interactive within 1 s: ${m <= 1000 ? 'met' : 'NOT met'} (median ${Math.round(m)} ms).`);
}
