// End-to-end, the playground's levels of the course (lessons/queue_*.level, www/playground/course.js)
// played as a learner plays them, in English and in Chinese: the page opens on the first level
// with its goal, the reference program's repeat wins it with nothing on the page calling the
// repeat a failure, 10,000 messages each delivered once fix it, the next level is linked, and
// the progress survives a reload. The blocking-work level is won and fixed from what the view
// recorded of its busy work, and running busy work on the page during the worker's does not
// count as the fix. axe-core finds no serious or critical violation with the panel open.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { start } from './harness.mjs';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const DESKTOP = { width: 1200, height: 900 };
const PHONE = { width: 375, height: 812 };
/** The page's red, for errors and failures (www/playground/style.css). */
const RED = 'rgb(179, 38, 30)';
/** Words that would call what the level asked for a failure. */
const FAILURE = { en: /\b(error|fail\w*|wrong|broken)\b/i, zh: /错误|失败|出错/ };
let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

/** A fresh visitor (no progress) on `path`, its worker ready and the level panel drawn. */
async function open(path, viewport = DESKTOP) {
  const page = await env.browser.newPage({ viewport });
  const problems = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console: ${msg.text()}`); });
  await page.goto(env.base + path);
  await page.waitForFunction(() => document.documentElement.dataset.worker === 'ready'
    && document.querySelector('#level-panel[data-state]'));
  return { page, problems };
}

const panel = (page) => page.evaluate(() => {
  const p = document.querySelector('#level-panel');
  return { level: p.dataset.level, state: p.dataset.state, text: p.textContent };
});
const waitState = (page, state, timeout = 20_000) =>
  page.waitForFunction((s) => document.querySelector('#level-panel').dataset.state === s, state, { timeout });

/** Types a value into a control and leaves it, as a person does (the control's change). */
async function setField(page, sel, value) {
  await page.fill(sel, String(value));
  await page.press(sel, 'Tab');
}

/** The visible elements drawn in the page's red, by id, class or tag, with their text. */
const redOnPage = (page) => page.evaluate((red) => [...document.querySelectorAll('body *')]
  .filter((e) => e.checkVisibility() && e.textContent.trim() && getComputedStyle(e).color === red)
  .map((e) => `${e.id || e.className || e.tagName}: ${e.textContent.trim().slice(0, 60)}`), RED);

/** axe-core's serious and critical violations on the page as it is now. */
async function axe(page) {
  await page.addScriptTag({ path: resolve(ROOT, 'node_modules/axe-core/axe.min.js') });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

describe('the playground’s levels', () => {
  for (const lang of ['en', 'zh']) {
    test(`queue_snapshot_repeat (${lang}): won by the reference program's repeat, fixed by 10,000 messages each delivered once`, { timeout: 60_000 }, async () => {
      const { page, problems } = await open(`/index.html?lang=${lang}`);
      // No ?level=: the playground's first level on the path, its goal shown.
      let p = await panel(page);
      assert.deepEqual([p.level, p.state], ['queue_snapshot_repeat', 'playing']);
      assert.match(p.text, lang === 'en' ? /Goal: Press “reference program”/ : /目标.*点“原程序”/);
      const next = await page.evaluate(() => ({ href: document.querySelector('#level-next').href, level: document.querySelector('#level-next').dataset.level }));
      assert.equal(new URL(next.href).searchParams.get('level'), 'queue_blocking_page', next.href);
      assert.equal(next.level, 'queue_blocking_page');

      // Messages delivered once each, in the default drain mode, are not the goal.
      await page.fill('#msg-input', 'first');
      await page.press('#msg-input', 'Enter');
      await page.waitForFunction(() => window.__qp.stats().delivered === 1);
      assert.equal((await panel(page)).state, 'playing');

      // The reference program: a snapshot round copies the queue and removes nothing.
      await page.click('#reference-btn');
      await page.waitForFunction(() => window.__qp.settings().mode === 'snapshot');
      await page.fill('#msg-input', lang === 'en' ? 'hello' : '你好');
      await page.press('#msg-input', 'Enter');
      await waitState(page, 'won');
      const shown = await page.evaluate(() => ({ ...window.__qp.stats(), ok: document.querySelector('#stat-balance').dataset.ok, errors: document.querySelectorAll('#errors li').length, dupes: document.querySelectorAll('.msg.dupe').length, repeats: document.querySelectorAll('.msg.repeat').length }));
      assert.ok(shown.repeats > 0 && shown.dupes === 0 && shown.errors === 0 && shown.ok === 'true', JSON.stringify(shown));
      // Won: the panel says so, and nothing on the page calls the repeat a failure.
      p = await panel(page);
      assert.doesNotMatch(p.text, FAILURE[lang]);
      assert.match(p.text, lang === 'en' ? /Goal reached/ : /目标达成/);
      assert.deepEqual(await redOnPage(page), [], 'nothing in the page’s red while the level is won');

      // The fix: back to drain, a fresh ledger, no batch limit, no pause, 10,000 messages.
      await page.click('#reference-btn');
      await page.waitForFunction(() => window.__qp.settings().mode === 'drain');
      await page.click('#reset-btn');
      await page.waitForFunction(() => window.__qp.stats().posted === 0 && window.__qp.stats().repeats === 0);
      await setField(page, '#max-batch', '');
      await setField(page, '#interval', 0);
      await page.waitForFunction(() => window.__qp.settings().max_batch === 4294967295 && window.__qp.settings().interval_ms === 0);
      assert.equal((await panel(page)).state, 'won', 'a reset alone fixes nothing');
      await page.fill('#burst-count', '10000');
      await page.click('#burst-btn');
      await waitState(page, 'fixed', 40_000);
      const done = await page.evaluate(() => window.__qp.stats());
      assert.ok(done.delivered >= 10000 && done.repeats === 0 && done.dupes === 0 && done.lost === 0, JSON.stringify(done));
      assert.match((await panel(page)).text, lang === 'en' ? /Fixed/ : /已修复/);

      // The progress is kept: a reload opens the same level, fixed.
      await page.reload();
      await page.waitForFunction(() => document.querySelector('#level-panel[data-state]'));
      p = await panel(page);
      assert.deepEqual([p.level, p.state], ['queue_snapshot_repeat', 'fixed']);
      assert.deepEqual(problems, []);
      await page.close();
    });
  }

  test('queue_blocking_page: won by busy work on the page thread, fixed only by the same work in the worker with the page unblocked', { timeout: 60_000 }, async () => {
    const { page, problems } = await open('/index.html?level=queue_blocking_page');
    assert.deepEqual(Object.values(await panel(page)).slice(0, 2), ['queue_blocking_page', 'playing']);
    // Its setup put 2,000 ms of busy work in the demo's box.
    assert.equal(await page.inputValue('#busy-ms'), '2000');
    // The same work in the worker before the goal is reached wins nothing.
    await page.click('#busy-worker-btn');
    await page.waitForFunction(() => window.__qp.busy()?.on === 'worker', null, { timeout: 20_000 });
    assert.equal((await panel(page)).state, 'playing');
    await page.click('#busy-page-btn');
    await waitState(page, 'won');
    assert.deepEqual(await page.evaluate(() => window.__qp.busy()), { on: 'page', ms: 2000, pageBlocked: 2000 });
    // Work in the worker while the page runs its own: the page was blocked during it, no fix.
    await page.click('#busy-worker-btn');
    await page.waitForFunction(() => document.querySelector('#thread-worker').dataset.state === 'working');
    await page.click('#busy-page-btn');
    await page.waitForFunction(() => window.__qp.busy()?.on === 'worker', null, { timeout: 20_000 });
    assert.equal((await page.evaluate(() => window.__qp.busy())).pageBlocked, 2000);
    assert.equal((await panel(page)).state, 'won');
    // Shorter work in the worker is not the same work.
    await setField(page, '#busy-ms', 500);
    await page.click('#busy-worker-btn');
    await page.waitForFunction(() => window.__qp.busy()?.ms === 500 && window.__qp.busy()?.on === 'worker', null, { timeout: 20_000 });
    assert.equal((await panel(page)).state, 'won');
    // The same 2,000 ms in the worker, the page left alone: fixed.
    await page.click('#level-panel .level-actions button'); // set up the level again: 2000 ms
    assert.equal(await page.inputValue('#busy-ms'), '2000');
    await page.click('#busy-worker-btn');
    await waitState(page, 'fixed');
    assert.deepEqual(await page.evaluate(() => window.__qp.busy()), { on: 'worker', ms: 2000, pageBlocked: 0 });
    assert.deepEqual(problems, []);
    await page.close();
  });

  for (const [viewport, name] of [[DESKTOP, 'desktop'], [PHONE, '375 px']]) {
    test(`axe-core with the level panel (${name}): no serious or critical violations; the goal on the first screen`, { timeout: 60_000 }, async () => {
      const { page, problems } = await open('/index.html', viewport);
      const goal = await page.evaluate(() => document.querySelector('#level-panel .level-goal').getBoundingClientRect().toJSON());
      assert.ok(goal.bottom <= viewport.height, `the goal ends ${goal.bottom} px down, on the first screen`);
      await page.click('#level-panel .level-hint'); // a hint shown
      assert.deepEqual(await axe(page), []);
      // And won, with its news.
      await page.click('#reference-btn');
      await page.waitForFunction(() => window.__qp.settings().mode === 'snapshot');
      await page.fill('#msg-input', 'again');
      await page.press('#msg-input', 'Enter');
      await waitState(page, 'won');
      assert.deepEqual(await axe(page), []);
      assert.deepEqual(problems, []);
      await page.close();
    });
  }
});
