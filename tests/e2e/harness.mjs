// Shared set-up for the end-to-end tests: the playground served as plain static files (no
// COOP/COEP headers, as a static host serves it) and Debian's Chromium driven by playwright-core.
import { chromium } from 'playwright-core';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { serve } from '../../scripts/serve.mjs';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  // Keep timers and frames running at full rate for a page nobody is looking at.
  '--disable-background-timer-throttling', '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

/** Starts the static server and the browser; returns { browser, base, close }. */
export async function start() {
  const server = await serve(ROOT, 0);
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
  return {
    browser,
    base,
    async close() {
      await browser.close();
      await new Promise((ok) => server.close(ok));
    },
  };
}

/** Opens the playground in a fresh page and waits for the worker's `ready`. */
export async function openPlayground(env, path = '/index.html') {
  const page = await env.browser.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console: ${msg.text()}`); });
  page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); d.dismiss(); });
  await page.goto(env.base + path);
  await page.waitForFunction(() => window.__qp && document.documentElement.dataset.worker === 'ready');
  return { page, problems };
}

/** Sets the consumer controls and waits until the worker confirms them. */
export async function configure(page, { mode, interval, work, maxBatch }) {
  if (mode !== undefined) await page.selectOption('#mode', mode);
  for (const [sel, value] of [['#interval', interval], ['#work', work], ['#max-batch', maxBatch]]) {
    if (value !== undefined) {
      await page.fill(sel, String(value));
      await page.dispatchEvent(sel, 'change');
    }
  }
  await page.waitForFunction(
    (want) => {
      const s = window.__qp.settings?.();
      return s && (want.mode === undefined || s.mode === want.mode)
        && (want.interval === undefined || s.interval_ms === want.interval)
        && (want.work === undefined || s.work_ms === want.work)
        && (want.maxBatch === undefined || s.max_batch === want.maxBatch);
    },
    { mode, interval, work, maxBatch },
  );
}

/** The page's own accounting, as rendered. */
export const stats = (page) => page.evaluate(() => window.__qp.stats());

/** Types a message into the producer's text box and presses Enter. */
export async function send(page, text) {
  await page.fill('#msg-input', text);
  await page.press('#msg-input', 'Enter');
}

/** The rendered messages, oldest batch first, each as { id, text, seq }. */
export const renderedMessages = (page) => page.evaluate(() =>
  [...document.querySelectorAll('#batches li.batch')].reverse().flatMap((li) =>
    [...li.querySelectorAll('.msg')].map((m) => ({ id: Number(m.dataset.id), text: m.textContent, seq: Number(li.dataset.seq) }))));

/** Picks a language and waits until the page shows it (its strings load on the switch). */
export async function chooseLang(page, lang) {
  await page.selectOption('#lang', lang);
  await page.waitForFunction((l) => document.documentElement.lang === l, lang);
}
