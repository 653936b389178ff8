// End-to-end, the playground for keyboard, screen-reader and phone users: axe-core
// finds no serious or critical violation in English or Chinese, at 1200 px or on a 375 px phone;
// focus stays where the user was after every action; results are announced politely, at most
// every few seconds, and every delivered message is counted in exactly one announcement; on a
// phone the batches sit right under the producer, above the fold, and nothing overflows.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { chooseLang, configure, send, start, stats } from './harness.mjs';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const DESKTOP = { width: 1200, height: 900 };
const PHONE = { width: 375, height: 812 };
let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

/** The playground in a fresh page of this size, its worker ready. */
async function open(lang, viewport) {
  const page = await env.browser.newPage({ viewport });
  const problems = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console: ${msg.text()}`); });
  await page.goto(`${env.base}/index.html?lang=${lang}`);
  await page.waitForFunction(() => window.__qp && document.documentElement.dataset.worker === 'ready');
  return { page, problems };
}

/** axe-core's serious and critical violations on the page as it is now. */
async function axe(page) {
  await page.addScriptTag({ path: resolve(ROOT, 'node_modules/axe-core/axe.min.js') });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

const activeId = (page) => page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName);

describe('the playground, accessible and phone-sized', () => {
  for (const lang of ['en', 'zh']) {
    for (const viewport of [DESKTOP, PHONE]) {
      test(`axe-core: no serious or critical violations (${lang}, ${viewport.width} px)`, { timeout: 60_000 }, async () => {
        const { page, problems } = await open(lang, viewport);
        // With batches, the reference switch on (its note and pressed state) and a refused
        // setting in the error log, too.
        await configure(page, { mode: 'drain', interval: 50, work: 0, maxBatch: 100 });
        for (const text of ['one', 'two', '<b>three</b>']) await send(page, text);
        await page.waitForFunction(() => window.__qp.stats().delivered === 3);
        await page.fill('#max-batch', '0');
        await page.dispatchEvent('#max-batch', 'change');
        await page.waitForFunction(() => document.querySelectorAll('#errors li').length === 1);
        await page.click('#reference-btn');
        await page.waitForFunction(() => document.querySelector('#reference-btn').getAttribute('aria-pressed') === 'true');
        assert.deepEqual(await axe(page), []);
        assert.deepEqual(problems, []);
        await page.close();
      });
    }
  }

  for (const lang of ['en', 'zh']) {
    test(`375 px phone (${lang}): nothing overflows, the batches sit right under the producer, above the fold`, async () => {
      const { page, problems } = await open(lang, PHONE);
      await configure(page, { mode: 'drain', interval: 50, work: 0, maxBatch: 100 });
      // Long words and a long unbroken message are the likeliest to push the page sideways.
      await send(page, 'x'.repeat(300));
      await send(page, '长消息'.repeat(60));
      await page.waitForFunction(() => window.__qp.stats().delivered === 2);
      const box = await page.evaluate(() => {
        window.scrollTo(0, 0); // typing scrolled the box into view: measure the page as it opens
        const r = (id) => document.getElementById(id).getBoundingClientRect();
        const wide = [...document.querySelectorAll('body *')]
          .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5
            && !e.closest('.sr-only') && getComputedStyle(e).position !== 'absolute')
          .map((e) => e.id || e.className || e.tagName);
        return {
          scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth,
          wide, producer: r('producer-box'), batches: r('batches-box'), consumer: r('consumer-box'),
        };
      });
      assert.equal(box.scrollWidth, box.clientWidth, 'no horizontal scrolling');
      assert.deepEqual(box.wide, [], 'no element reaches past the right edge');
      // Next to the producer (only the grid's gap between them), before the consumer's settings.
      const gap = box.batches.top - box.producer.bottom;
      assert.ok(gap >= 0 && gap <= 16, `the batches start ${gap} px below the producer`);
      assert.ok(box.batches.top + 60 <= PHONE.height, `the batches' heading and first batch show above the fold (top ${box.batches.top} px)`);
      assert.ok(box.consumer.top > box.batches.top, 'the consumer settings come after the batches on a phone');
      // The DOM, and so the reading and tab order, is unchanged: producer, consumer, …, batches.
      const order = await page.evaluate(() => [...document.querySelectorAll('main > section')].map((s) => s.id));
      assert.deepEqual(order, ['producer-box', 'consumer-box', 'stats-box', 'threads-box', 'batches-box', 'errors-box']);
      assert.deepEqual(problems, []);
      await page.close();
    });
  }

  test('1200 px: nothing overflows, and the desktop keeps its two-column order', async () => {
    const { page } = await open('en', DESKTOP);
    const box = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth,
      producer: document.getElementById('producer-box').getBoundingClientRect().toJSON(),
      consumer: document.getElementById('consumer-box').getBoundingClientRect().toJSON(),
    }));
    assert.equal(box.scrollWidth, box.clientWidth);
    assert.equal(box.producer.top, box.consumer.top, 'producer and consumer side by side');
    await page.close();
  });

  test('focus stays where the user was after send, burst, auto, the reference toggle, busy work and restart', { timeout: 60_000 }, async () => {
    const { page, problems } = await open('en', DESKTOP);
    await configure(page, { mode: 'drain', interval: 50, work: 0, maxBatch: 100 });
    // Enter in the text box sends and leaves the caret there, the box emptied for the next one.
    await page.focus('#msg-input');
    await page.keyboard.type('by keyboard');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.__qp.stats().delivered === 1);
    assert.equal(await activeId(page), 'msg-input');
    assert.equal(await page.inputValue('#msg-input'), '');
    // Every button pressed from the keyboard keeps the focus once its action is done.
    await page.fill('#msg-input', 'by button');
    await page.focus('#send-btn');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.__qp.stats().delivered === 2);
    assert.equal(await activeId(page), 'send-btn');
    await page.fill('#burst-count', '50');
    await page.focus('#burst-btn');
    await page.keyboard.press('Space');
    await page.waitForFunction(() => window.__qp.stats().delivered === 52);
    assert.equal(await activeId(page), 'burst-btn');
    await page.focus('#auto-toggle');
    await page.keyboard.press('Enter');
    assert.equal(await page.getAttribute('#auto-toggle', 'aria-pressed'), 'true');
    await page.keyboard.press('Enter');
    assert.equal(await page.getAttribute('#auto-toggle', 'aria-pressed'), 'false');
    assert.equal(await activeId(page), 'auto-toggle');
    await page.focus('#reference-btn');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.__qp.settings().mode === 'snapshot');
    await page.keyboard.press('Space');
    await page.waitForFunction(() => window.__qp.settings().mode === 'drain');
    assert.equal(await activeId(page), 'reference-btn');
    // The page-thread busy work and a restart both make their button unusable for a while: it
    // stays focused (aria-disabled, not disabled, which would drop the focus to <body>).
    await page.fill('#busy-ms', '300');
    await page.focus('#busy-page-btn');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /\d/.test(document.querySelector('#thread-page .state').textContent));
    assert.equal(await activeId(page), 'busy-page-btn');
    await page.focus('#restart-worker');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.__qp.supervisor().restarts === 1 && document.documentElement.dataset.worker === 'ready');
    assert.equal(await activeId(page), 'restart-worker');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('results are announced politely, at most every few seconds, each delivery in exactly one summary', { timeout: 60_000 }, async () => {
    const { page, problems } = await open('en', DESKTOP);
    const { ANNOUNCE_MS } = await page.evaluate(async () => ({ ANNOUNCE_MS: (await import('./www/playground/render.js')).ANNOUNCE_MS }));
    assert.equal(await page.getAttribute('#announce', 'aria-live'), 'polite');
    // Nothing else on the page is live but the queue.Full notice: the worker's health line
    // changes with every heartbeat and would flood a screen reader.
    assert.deepEqual(await page.evaluate(() => [...document.querySelectorAll('[aria-live]')].map((e) => e.id).sort()), ['announce', 'full-notice']);
    await configure(page, { mode: 'drain', interval: 100, work: 0, maxBatch: 1 });
    await page.evaluate(() => {
      window.__said = [];
      new MutationObserver(() => window.__said.push({ at: performance.now(), text: document.querySelector('#announce').textContent }))
        .observe(document.querySelector('#announce'), { childList: true, characterData: true, subtree: true });
    });
    const N = 40;
    await page.fill('#burst-count', String(N));
    await page.click('#burst-btn');
    // One batch a message, one every 100 ms: some 4 s of batches, announced in a few summaries.
    await page.waitForFunction((n) => window.__qp.stats().delivered === n, N, { timeout: 30_000 });
    const total = (said) => said.reduce((sum, s) => sum + Number(/(\d+) new/.exec(s.text)?.[1] ?? 0), 0);
    await page.waitForFunction(([n, f]) => new Function('said', `return (${f})(said)`)(window.__said) === n, [N, total.toString()], { timeout: 3 * ANNOUNCE_MS });
    const said = await page.evaluate(() => window.__said);
    const batches = (await stats(page)).batches;
    assert.equal(batches, N);
    assert.ok(said.length >= 2 && said.length < batches / 4, `${said.length} announcements for ${batches} batches`);
    for (let i = 1; i < said.length; i++) {
      assert.ok(said[i].at - said[i - 1].at >= ANNOUNCE_MS - 20, `announcements ${i - 1} and ${i} are ${Math.round(said[i].at - said[i - 1].at)} ms apart`);
    }
    assert.equal(total(said), N, 'every delivered message counted once across the summaries');
    assert.match(said.at(-1).text, /^Batch(es)? #\d+(–#40)?: .* 0 duplicates; queue length 0\.$/);
    // Worded in the page's language when it changes.
    await chooseLang(page, 'zh');
    assert.match(await page.textContent('#announce'), /^批次 #.*重复消费 0 条；队列长度 0。$/);
    assert.deepEqual(problems, []);
    await page.close();
  });
});
