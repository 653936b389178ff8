// End-to-end: the real page, the real Web Worker running the Rust queue, in headless Chromium,
// served as plain static files without COOP/COEP headers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { configure, openPlayground, renderedMessages, send, start, stats } from './harness.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

describe('the playground page', () => {
  test('is served without cross-origin isolation, as a static host serves it', async () => {
    const { page, problems } = await openPlayground(env);
    assert.equal(await page.evaluate(() => window.crossOriginIsolated), false);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('is bilingual: every string has both languages, and ?lang=zh shows no raw key', async () => {
    const { page, problems } = await openPlayground(env, '/index.html?lang=zh');
    const { en, zh } = await page.evaluate(async () => {
      const { STRINGS } = await import('./www/strings.js');
      return { en: Object.keys(STRINGS.en).sort(), zh: Object.keys(STRINGS.zh).sort() };
    });
    assert.deepEqual(zh, en, 'the same keys in English and Chinese');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh');
    const raw = await page.evaluate((keys) => [...document.querySelectorAll('[data-i18n]')]
      .filter((el) => !el.textContent.trim() || keys.includes(el.textContent.trim())).map((el) => el.dataset.i18n), en);
    assert.deepEqual(raw, [], 'every [data-i18n] element shows a translation');
    assert.match(await page.textContent('h1'), /[\u4e00-\u9fff]/, 'the title is in Chinese');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('messages typed and sent appear in a rendered batch, in the order sent', async () => {
    const { page, problems } = await openPlayground(env);
    await configure(page, { mode: 'drain', interval: 50, work: 0, maxBatch: 100 });
    const sent = ['first', 'second', 'third', 'fourth'];
    for (const text of sent) await send(page, text);
    await page.waitForFunction((n) => window.__qp.stats().delivered >= n, sent.length);
    const got = await renderedMessages(page);
    assert.deepEqual(got.map((m) => m.text), sent);
    assert.deepEqual(got.map((m) => m.id), [1, 2, 3, 4]);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('markup and mixed scripts come back exactly, as text', async () => {
    const { page, problems } = await openPlayground(env);
    await configure(page, { mode: 'drain', interval: 50, work: 0, maxBatch: 100 });
    const xss = '<img src=x onerror=alert(1)>';
    const mixed = '中文消息 😀👩‍💻 שלום עולם مرحبا \u202eabc\u202c e\u0301';
    await send(page, xss);
    await send(page, mixed);
    await page.waitForFunction(() => window.__qp.stats().delivered >= 2);
    const got = await renderedMessages(page);
    assert.deepEqual(got.map((m) => m.text), [xss, mixed]);
    assert.equal(await page.locator('#batches img').count(), 0, 'no element was created from the text');
    assert.deepEqual(problems, [], 'no alert dialog, no errors');
    await page.close();
  });

  test('snapshot mode repeats the same messages round after round', async () => {
    const { page } = await openPlayground(env);
    await configure(page, { mode: 'snapshot', interval: 100, work: 0, maxBatch: 100 });
    await send(page, 'again and again');
    await page.waitForFunction(() => document.querySelectorAll('#batches .msg[data-id="1"]').length >= 3);
    const got = await renderedMessages(page);
    const rounds = new Set(got.filter((m) => m.id === 1).map((m) => m.seq));
    assert.ok(rounds.size >= 3, `the message came back in ${rounds.size} rounds`);
    const s = await stats(page);
    assert.equal(s.removed, 0, 'snapshot removes nothing');
    assert.equal(s.queued, 1, 'the message stays in the queue');
    assert.ok(s.repeats >= 2);
    await page.close();
  });

  test('drain mode delivers each message exactly once', async () => {
    const { page } = await openPlayground(env);
    await configure(page, { mode: 'drain', interval: 100, work: 0, maxBatch: 3 });
    for (let i = 1; i <= 10; i++) await send(page, `m${i}`);
    await page.waitForFunction(() => window.__qp.stats().delivered === 10 && window.__qp.stats().queued === 0);
    // Wait two more rounds: nothing may come back.
    await page.waitForTimeout(300);
    const got = await renderedMessages(page);
    assert.deepEqual(got.map((m) => m.id), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.ok(got.every((m, i) => m.text === `m${i + 1}`));
    const s = await stats(page);
    assert.equal(s.dupes, 0);
    assert.equal(s.removed, 10);
    assert.equal(await page.getAttribute('#stat-balance', 'data-ok'), 'true');
    await page.close();
  });

  test('one-by-one mode takes one message per round, each exactly once', async () => {
    const { page } = await openPlayground(env);
    await configure(page, { mode: 'one-by-one', interval: 1000, work: 0, maxBatch: 100 });
    await page.fill('#burst-count', '2000');
    await page.click('#burst-btn');
    await page.waitForFunction(() => window.__qp.stats().delivered === 2000, null, { timeout: 30_000 });
    const sizes = await page.evaluate(() => [...document.querySelectorAll('#batches li.batch')].map((li) => Number(li.dataset.size)));
    assert.ok(sizes.length > 0 && sizes.every((n) => n === 1), `batch sizes ${sizes}`);
    const s = await stats(page);
    assert.equal(s.batches, 2000);
    assert.equal(s.dupes, 0);
    assert.equal(s.removed, 2000);
    await page.close();
  });

  test('busy work on the page thread freezes the page; in the worker it does not', async () => {
    const { page } = await openPlayground(env);
    await configure(page, { mode: 'drain', interval: 500, work: 0, maxBatch: 100 });
    const BUSY = 1500;
    await page.fill('#busy-ms', String(BUSY));
    // An independent frame-gap recorder, so the test does not trust the page's own meter.
    await page.evaluate(() => {
      window.__gap = { last: performance.now(), max: 0 };
      const tick = (t) => { window.__gap.max = Math.max(window.__gap.max, t - window.__gap.last); window.__gap.last = t; requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
    });
    const resetGap = () => page.evaluate(() => { window.__gap.max = 0; window.__gap.last = performance.now(); });
    const maxGap = () => page.evaluate(() => window.__gap.max);

    await page.waitForTimeout(200);
    await resetGap();
    await page.click('#busy-page-btn');
    await page.waitForFunction(() => /\d/.test(document.querySelector('#thread-page .state').textContent) && window.__gap.max > 0);
    await page.waitForTimeout(200);
    const pageGap = await maxGap();

    await resetGap();
    await page.click('#busy-worker-btn');
    await page.waitForFunction(() => window.__qp.workerState?.() === 'working');
    await page.waitForFunction(() => window.__qp.workerState?.() !== 'working', null, { timeout: BUSY * 10 });
    const workerGap = await maxGap();
    const shown = Number(await page.getAttribute('#frame-gap', 'data-max-gap-ms'));

    assert.ok(pageGap >= BUSY * 0.9, `page busy work froze frames for ${pageGap} ms`);
    assert.ok(workerGap < BUSY / 3, `worker busy work left the longest frame gap at ${workerGap} ms`);
    assert.ok(Number.isFinite(shown), 'the page shows its frame-gap meter');
    await page.close();
  });

  test('a 100,000-message burst drains completely, none lost or duplicated, no long task', async () => {
    const { page, problems } = await openPlayground(env);
    await configure(page, { mode: 'drain', interval: 0, work: 0, maxBatch: 10000 });
    await page.evaluate(() => {
      window.__long = [];
      new PerformanceObserver((list) => window.__long.push(...list.getEntries().map((e) => e.duration)))
        .observe({ type: 'longtask' });
    });
    const N = 100_000;
    await page.fill('#burst-count', String(N));
    await page.click('#burst-btn');
    await page.waitForFunction((n) => {
      const s = window.__qp.stats();
      return s.delivered === n && s.queued === 0 && s.inflight === 0 && s.outbox === 0;
    }, N, { timeout: 60_000 });
    const s = await stats(page);
    assert.equal(s.posted, N);
    assert.equal(s.removed, N);
    assert.equal(s.dupes, 0);
    assert.equal(await page.getAttribute('#stat-balance', 'data-ok'), 'true');
    const longTasks = await page.evaluate(() => window.__long);
    assert.ok(longTasks.every((d) => d <= 200), `long tasks: ${longTasks.map(Math.round).join(', ')} ms`);
    assert.ok(await page.locator('#batches li.batch').count() <= 60, 'the batch log stays capped');
    assert.ok(await page.locator('#batches .msg').count() <= 60 * 25, 'the rendered messages stay capped');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('a malformed post gets an error reply and the worker keeps serving', async () => {
    const { page } = await openPlayground(env);
    await configure(page, { mode: 'drain', interval: 50, work: 0, maxBatch: 100 });
    await page.evaluate(() => {
      const w = window.__qp.worker;
      w.postMessage('nonsense');
      w.postMessage(JSON.stringify({ v: 1, type: 'put', first_id: 1, texts: ['a'] }));
      w.postMessage({ v: 99, type: 'reset' });
      w.postMessage(JSON.stringify({ v: 1, type: 'config', mode: 'sideways', interval_ms: 0, work_ms: 0, max_batch: 1 }));
    });
    await page.waitForFunction(() => window.__qp.stats().errors >= 4);
    const errors = await page.locator('#errors').textContent();
    for (const expected of ['not a JSON object', 'put_at', 'unsupported protocol version 99', 'sideways']) {
      assert.ok(errors.includes(expected), `errors mention ${expected}: ${errors}`);
    }
    await send(page, 'still here');
    await page.waitForFunction(() => window.__qp.stats().delivered === 1);
    assert.deepEqual((await renderedMessages(page)).map((m) => m.text), ['still here']);
    assert.equal((await stats(page)).errors, 4);
    await page.close();
  });
});
