// End-to-end: the real page, the real Web Worker running the Rust queue, in headless Chromium,
// served as plain static files without COOP/COEP headers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseLang, configure, openPlayground, renderedMessages, send, start, stats } from './harness.mjs';

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
      // The view's strings over the shared ones, as www/common/i18n.js loadI18n merges them.
      const keys = async (l) => Object.keys({
        ...(await import(`./www/common/strings/${l}.js`)).default,
        ...(await import(`./www/playground/strings/${l}.js`)).default,
      }).sort();
      return { en: await keys('en'), zh: await keys('zh') };
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

  test('the reference switch is a toggle: the first repeat within seconds, and off restores the settings exactly', { timeout: 60_000 }, async () => {
    const { page, problems } = await openPlayground(env);
    const before = { mode: 'one-by-one', interval_ms: 250, work_ms: 30, max_batch: 7 };
    await configure(page, { mode: before.mode, interval: before.interval_ms, work: before.work_ms, maxBatch: before.max_batch });
    // Everything the worker says from now on, in order, with the page's clock.
    await page.evaluate(() => {
      window.__log = [];
      window.__qp.worker.addEventListener('message', (e) => window.__log.push({ at: performance.now(), ...JSON.parse(e.data) }));
    });
    const pressed = () => page.getAttribute('#reference-btn', 'aria-pressed');
    assert.equal(await pressed(), 'false');

    await page.click('#reference-btn');
    await page.waitForFunction(() => window.__qp.settings().mode === 'snapshot');
    assert.deepEqual(await page.evaluate(() => window.__qp.settings()), { mode: 'snapshot', interval_ms: 0, work_ms: 1000, max_batch: 4294967295 });
    assert.equal(await pressed(), 'true');
    // What differs from the post is said beside the switch, with what pressing again restores.
    assert.equal(await page.textContent('#reference-note'),
      'On: the post’s loop, with 1 s of work a round where the post burns 5 s (type 5000 in “work per round” for its exact timing). Press it again to go back to one by one, interval 250 ms, work 30 ms, max batch 7.');

    // One message: delivered, then repeated by the next round, within a few seconds.
    const sentAt = await page.evaluate(() => performance.now());
    await send(page, 'echo');
    await page.waitForFunction(() => window.__qp.stats().repeats >= 1, null, { timeout: 4000 });
    const s = await stats(page);
    assert.equal(s.delivered, 1);
    assert.ok(s.repeats >= 1 && s.repeats <= 2, `${s.repeats} repeats`);
    assert.equal(s.removed, 0, 'snapshot removes nothing');
    assert.equal(s.queued, 1);
    assert.equal(s.dupes, 0);
    const firstRepeat = await page.evaluate((t0) => window.__log.filter((r) => r.type === 'batch' && r.ids.includes(1) && r.at > t0), sentAt);
    assert.ok(firstRepeat.length >= 2 && firstRepeat.every((b) => b.mode === 'snapshot'));

    // Off: exactly the settings it replaced, confirmed by the worker.
    const offAt = await page.evaluate(() => performance.now());
    await page.click('#reference-btn');
    await page.waitForFunction((want) => JSON.stringify(window.__qp.settings()) === JSON.stringify(want), before);
    assert.equal(await pressed(), 'false');
    const values = await page.evaluate(() => ['mode', 'interval', 'work', 'max-batch'].map((id) => document.getElementById(id).value));
    assert.deepEqual(values, ['one-by-one', '250', '30', '7']);
    // At most the round already running comes back as a snapshot; none after the worker
    // confirms the switch, and no later round burns the reference's second of work.
    await send(page, 'after');
    await page.waitForFunction(() => window.__qp.stats().removed === 2);
    const log = await page.evaluate((t) => window.__log.filter((r) => r.at > t), offAt);
    const confirmed = log.findIndex((r) => r.type === 'config');
    assert.ok(confirmed >= 0);
    const snapshotsAfterOff = log.filter((r) => r.type === 'batch' && r.mode === 'snapshot');
    assert.ok(snapshotsAfterOff.length <= 1, `${snapshotsAfterOff.length} snapshot batches after switching off`);
    const afterConfirm = log.slice(confirmed + 1).filter((r) => r.type === 'batch');
    assert.ok(afterConfirm.length >= 2);
    assert.ok(afterConfirm.every((b) => b.mode === 'one-by-one' && b.work_ms < 1000), JSON.stringify(afterConfirm.map((b) => [b.mode, Math.round(b.work_ms)])));
    assert.deepEqual(afterConfirm.flatMap((b) => b.ids), [1, 2], 'the queue drained one by one, each message once');

    // On again and off again: it restores the settings in force at the second press.
    await page.click('#reference-btn');
    await page.waitForFunction(() => window.__qp.settings().mode === 'snapshot');
    await page.click('#reference-btn');
    await page.waitForFunction((want) => JSON.stringify(window.__qp.settings()) === JSON.stringify(want), before);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('max batch shows “unlimited” as an empty box with a placeholder, and an empty box means u32::MAX to the worker', async () => {
    const { page, problems } = await openPlayground(env);
    await configure(page, { mode: 'drain', interval: 50, work: 0, maxBatch: 100 });
    // Emptied by the user: no limit.
    await page.fill('#max-batch', '');
    await page.dispatchEvent('#max-batch', 'change');
    await page.waitForFunction(() => window.__qp.settings().max_batch === 4294967295);
    assert.equal(await page.inputValue('#max-batch'), '');
    assert.equal(await page.getAttribute('#max-batch', 'placeholder'), 'unlimited');
    // Set by the reference switch: shown the same way, never as 4294967295.
    await configure(page, { maxBatch: 5 });
    assert.equal(await page.inputValue('#max-batch'), '5');
    await page.click('#reference-btn');
    await page.waitForFunction(() => window.__qp.settings().max_batch === 4294967295);
    assert.equal(await page.inputValue('#max-batch'), '');
    await chooseLang(page, 'zh');
    assert.equal(await page.getAttribute('#max-batch', 'placeholder'), '不限');
    assert.doesNotMatch(await page.evaluate(() => document.body.innerText), /4294967295/, 'the number is shown nowhere');
    await chooseLang(page, 'en');
    // And the worker takes every message in one batch when nothing limits it.
    await page.click('#reference-btn');
    await page.waitForFunction(() => window.__qp.settings().max_batch === 5);
    await page.fill('#max-batch', '');
    await page.dispatchEvent('#max-batch', 'change');
    await page.waitForFunction(() => window.__qp.settings().max_batch === 4294967295);
    await configure(page, { interval: 1000 });
    await page.fill('#burst-count', '300');
    await page.click('#burst-btn');
    await page.waitForFunction(() => window.__qp.stats().delivered === 300);
    assert.ok(await page.evaluate(() => [...document.querySelectorAll('#batches li.batch')].some((li) => Number(li.dataset.size) > 5)),
      'a batch took more than the old limit of 5');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('drain mode delivers each message exactly once', async () => {
    const { page } = await openPlayground(env);
    await configure(page, { mode: 'drain', interval: 100, work: 0, maxBatch: 3 });
    for (let i = 1; i <= 10; i++) await send(page, `m${i}`);
    await page.waitForFunction(() => window.__qp.stats().delivered === 10 && window.__qp.stats().queued === 0);
    // With the queue empty, drain mode parks the worker: no round runs until a message comes.
    await page.waitForFunction(() => window.__qp.workerState() === 'waiting');
    // The next message wakes it, and only that message comes back: nothing delivered before.
    await send(page, 'm11');
    await page.waitForFunction(() => window.__qp.stats().delivered === 11);
    await page.waitForFunction(() => window.__qp.workerState() === 'waiting');
    const got = await renderedMessages(page);
    assert.deepEqual(got.map((m) => m.id), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    assert.ok(got.every((m, i) => m.text === `m${i + 1}`));
    const s = await stats(page);
    assert.equal(s.dupes, 0);
    assert.equal(s.removed, 11);
    // Waited on: the balance is claimed only while the worker answers its heartbeat.
    await page.waitForFunction(() => document.querySelector('#stat-balance').dataset.ok === 'true');
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
      window.__gap = { last: performance.now(), max: 0, frames: 0 };
      const tick = (t) => {
        Object.assign(window.__gap, { max: Math.max(window.__gap.max, t - window.__gap.last), last: t, frames: window.__gap.frames + 1 });
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    const resetGap = () => page.evaluate(() => { window.__gap.max = 0; window.__gap.last = performance.now(); });
    const maxGap = () => page.evaluate(() => window.__gap.max);
    /** Waits until the recorder has seen `n` more frames, so every gap so far is measured. */
    const frames = async (n) => {
      const from = await page.evaluate(() => window.__gap.frames);
      await page.waitForFunction((want) => window.__gap.frames >= want, from + n);
    };

    await frames(3);
    await resetGap();
    await page.click('#busy-page-btn');
    // The page thread says how long it was blocked once the work is over.
    await page.waitForFunction(() => /\d/.test(document.querySelector('#thread-page .state').textContent));
    await frames(2);
    const pageGap = await maxGap();
    // The page's own meter saw the same freeze (its attribute is read, not defaulted).
    const shown = await page.getAttribute('#frame-gap', 'data-max-gap-ms');
    assert.notEqual(shown, null, 'the page shows its frame-gap meter');
    assert.ok(Number(shown) >= BUSY * 0.9, `the meter shows ${shown} ms`);

    await resetGap();
    await page.click('#busy-worker-btn');
    await page.waitForFunction(() => window.__qp.workerState?.() === 'working');
    await page.waitForFunction(() => window.__qp.workerState?.() !== 'working', null, { timeout: BUSY * 10 });
    await frames(2);
    const workerGap = await maxGap();

    assert.ok(pageGap >= BUSY * 0.9, `page busy work froze frames for ${pageGap} ms`);
    assert.ok(workerGap < BUSY / 3, `worker busy work left the longest frame gap at ${workerGap} ms`);
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
    // Waited on: the balance is claimed only while the worker answers its heartbeat.
    await page.waitForFunction(() => document.querySelector('#stat-balance').dataset.ok === 'true');
    const longTasks = await page.evaluate(() => window.__long);
    assert.ok(longTasks.every((d) => d <= 200), `long tasks: ${longTasks.map(Math.round).join(', ')} ms`);
    assert.ok(await page.locator('#batches li.batch').count() <= 60, 'the batch log stays capped');
    assert.ok(await page.locator('#batches .msg').count() <= 60 * 25, 'the rendered messages stay capped');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('every malformed post gets an error reply, worded in English and Chinese, and the worker keeps serving', async () => {
    const { page, problems } = await openPlayground(env);
    await configure(page, { mode: 'drain', interval: 50, work: 0, maxBatch: 100 });
    // One post for each way a request can be wrong, keyed as the worker's error replies are.
    const replies = await page.evaluate(async () => {
      const w = window.__qp.worker;
      const bad = {
        not_text: undefined,
        not_json: 'nonsense',
        not_an_object: '[1]',
        missing: { v: 1, id: 101, type: 'put', first_id: 1, texts: ['a'] },
        wrong_type: { v: 1, id: 102, type: 7 },
        version: { v: 99, id: 103, type: 'reset' },
        unknown_type: { v: 1, id: 104, type: 'explode' },
        unknown_field: { v: 1, id: 105, type: 'reset', extra: true },
        unknown_mode: { v: 1, id: 106, type: 'config', mode: 'sideways', interval_ms: 0, work_ms: 0, max_batch: 1 },
        not_whole: { v: 1, id: 107, type: 'put', first_id: 1.5, texts: [], put_at: [] },
        out_of_range: { v: 1, id: 108, type: 'work', ms: -5 },
        length_mismatch: { v: 1, id: 109, type: 'put', first_id: 1, texts: ['a'], put_at: [1, 2] },
        too_many: { v: 1, id: 110, type: 'put', first_id: 1, texts: Array(100_001).fill(''), put_at: Array(100_001).fill(0) },
        ids_too_large: { v: 1, id: 111, type: 'put', first_id: 2 ** 53, texts: ['a'], put_at: [1] },
        text_too_long: { v: 1, id: 112, type: 'put', first_id: 1, texts: ['x'.repeat(65 * 1024)], put_at: [1] },
      };
      const got = [];
      const all = new Promise((ok) => w.addEventListener('message', (e) => {
        const r = JSON.parse(e.data);
        if (r.type === 'error') got.push(r);
        if (got.length === Object.keys(bad).length) ok();
      }));
      for (const msg of Object.values(bad)) w.postMessage(typeof msg === 'object' ? JSON.stringify(msg) : msg);
      await all;
      return { sent: Object.keys(bad), got };
    });
    assert.deepEqual(replies.got.map((r) => r.error.key), replies.sent, 'one error reply per post, in order');
    assert.deepEqual(replies.got.map((r) => r.id ?? null), [null, null, null, ...replies.sent.slice(3).map((_, i) => 101 + i)],
      'each reply carries the id of the request it refuses');
    assert.deepEqual(replies.got.find((r) => r.error.key === 'unknown_mode').error, { key: 'unknown_mode', got: 'sideways' });
    assert.deepEqual(replies.got[1].error, { key: 'not_json', line: 1, column: 1, problem: 'expected_value', ended: false });

    const errorTexts = () => page.evaluate(() => [...document.querySelectorAll('#errors .error-text')].map((e) => e.textContent));
    await page.waitForFunction((n) => window.__qp.stats().errors === n && document.querySelectorAll('#errors li').length === n, replies.sent.length);
    const STRINGS = await page.evaluate(async () => ({
      en: (await import('./www/playground/refusals/strings/en.js')).default,
      zh: (await import('./www/playground/refusals/strings/zh.js')).default,
    }));
    for (const lang of ['en', 'zh']) {
      await chooseLang(page, lang);
      const texts = (await errorTexts()).reverse(); // oldest first, as sent
      assert.equal(texts.length, replies.sent.length);
      texts.forEach((text, i) => {
        const key = replies.sent[i];
        assert.ok(STRINGS[lang][`error.${key}`], `${lang} has a string for ${key}`);
        assert.doesNotMatch(text, /\{\w+\}|\b(error|kind|json)\.\w+/, `${lang} ${key}: no placeholder or raw key left in "${text}"`);
      });
      const byKey = Object.fromEntries(replies.sent.map((k, i) => [k, texts[i]]));
      if (lang === 'en') {
        assert.equal(byKey.unknown_mode, 'unknown mode sideways (expected snapshot, drain or one-by-one)');
        assert.equal(byKey.not_json, 'not JSON: expected a value at line 1, column 1');
        assert.equal(byKey.wrong_type, 'type must be a string, got a number');
      } else {
        assert.equal(byKey.unknown_mode, '未知的模式 sideways（应为 snapshot、drain 或 one-by-one）');
        assert.equal(byKey.not_json, '不是 JSON：第 1 行第 1 列此处应为一个值');
        assert.equal(byKey.wrong_type, 'type 必须是字符串，收到的是数字');
      }
    }
    await chooseLang(page, 'en');

    await send(page, 'still here');
    await page.waitForFunction(() => window.__qp.stats().delivered === 1);
    assert.deepEqual((await renderedMessages(page)).map((m) => m.text), ['still here']);
    assert.equal((await stats(page)).errors, replies.sent.length);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('a refused setting is reported and the controls show the settings in force again', async () => {
    const { page } = await openPlayground(env);
    await configure(page, { mode: 'drain', interval: 50, work: 0, maxBatch: 100 });
    await page.fill('#max-batch', '0');
    await page.dispatchEvent('#max-batch', 'change');
    // Matched by the request's id, the refusal puts the confirmed value back in the control.
    await page.waitForFunction(() => window.__qp.stats().errors === 1);
    await page.waitForFunction(() => document.querySelector('#max-batch').value === '100');
    assert.equal(await page.textContent('#errors .error-text'), 'max_batch must be from 1 to 4294967295, got 0');
    assert.equal((await page.evaluate(() => window.__qp.settings())).max_batch, 100);
    await page.close();
  });
});
