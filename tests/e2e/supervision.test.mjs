// End-to-end: the page supervises its consumer worker (www/common/supervisor.js). A worker that
// is terminated, fails to load, or goes silent without having declared blocking work is seen
// dead within about a second, the page says so, counts what was in flight or queued in it as
// lost, never claims balance over it, and restarts it; a bounded queue refuses what does not
// fit, counted; a huge post is refused before it reaches wasm memory. Real Chromium, real
// workers; where a worker must misbehave, the page is served a broken or blocking worker
// script through page.route (no hook in the product).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseLang, configure, openPlayground, renderedMessages, send, start, stats } from './harness.mjs';
import { MAX_PER_POST, Outbox } from '../../www/playground/producer.js';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

/** The cap on noticing a death: 1 s of silence, one 250 ms heartbeat, and slack for a loaded machine. */
const NOTICE_MS = 3000;

const supervisor = (page) => page.evaluate(() => window.__qp.supervisor());
const balance = async (page) => ({
  ok: await page.getAttribute('#stat-balance', 'data-ok'),
  text: await page.textContent('#stat-balance'),
});
const text = (page, sel) => page.textContent(sel);

/** Opens the playground with the worker script (or anything else) served by `routes` first. */
async function openWith(routes, path = '/index.html') {
  const page = await env.browser.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  for (const [url, handler] of routes) await page.route(url, handler);
  await page.goto(env.base + path);
  await page.waitForFunction(() => window.__qp);
  return { page, problems };
}

async function setMaxsize(page, n) {
  await page.fill('#maxsize', String(n));
  await page.dispatchEvent('#maxsize', 'change');
  await page.waitForFunction((m) => window.__qp.bound()?.maxsize === m, n);
}

async function burst(page, n) {
  await page.fill('#burst-count', String(n));
  await page.click('#burst-btn');
}

describe('supervision of the consumer worker', () => {
  test('terminate(): seen dead within a second, told, in-flight and queued counted lost, restarted, balanced again', async () => {
    const { page, problems } = await openPlayground(env);
    // The reproduction: messages sit queued (snapshot, a ten-minute interval)...
    await configure(page, { mode: 'snapshot', interval: 600000, work: 0, maxBatch: 100 });
    for (let i = 1; i <= 5; i++) await send(page, `typed ${i}`);
    await page.waitForFunction(() => window.__qp.stats().queued === 5 && window.__qp.stats().inflight === 0);
    // ...then the worker is terminated and a burst of 1000 goes out before anyone can notice.
    await page.evaluate(() => {
      window.__qp.worker.terminate();
      document.querySelector('#burst-count').value = '1000';
      document.querySelector('#burst-btn').click();
    });
    await page.waitForFunction(() => window.__qp.stats().inflight === 1000);
    assert.equal((await supervisor(page)).state !== 'dead', true, 'not yet noticed: the burst went out to it');
    await page.waitForFunction(() => window.__qp.supervisor().state === 'dead', null, { timeout: NOTICE_MS });

    const sup = await supervisor(page);
    assert.equal(sup.lastDeath.cause, 'silent');
    assert.deepEqual([sup.lastDeath.inflight, sup.lastDeath.queued, sup.lastDeath.lost], [1000, 5, 1005]);
    await page.waitForFunction(() => window.__qp.stats().lost === 1005);
    const s = await stats(page);
    assert.deepEqual([s.posted, s.inflight, s.queued, s.lost], [1005, 0, 0, 1005]);
    const bal = await balance(page);
    assert.equal(bal.ok, 'unknown', 'no balance is claimed over a dead worker');
    assert.doesNotMatch(bal.text, /✓|balanced/);
    assert.match(bal.text, /not answering; 1005 messages lost when it died/);
    assert.equal(await page.getAttribute('#thread-worker', 'data-state'), 'dead');
    assert.match(await text(page, '#thread-worker .detail'), /^it stopped answering: no reply for \d+ ms beyond any blocking work it declared$/);
    assert.equal(await text(page, '#worker-health'),
      '1005 messages lost with the worker: 1000 in flight, 5 queued. Press “restart the worker” to start a new one.');
    assert.match(await text(page, '#errors .error-text'), /^it stopped answering/);
    // In Chinese too, with no key or placeholder left.
    await chooseLang(page, 'zh');
    for (const sel of ['#stat-balance', '#thread-worker .state', '#thread-worker .detail', '#worker-health']) {
      const zh = await text(page, sel);
      assert.match(zh, /[\u4e00-\u9fff]/, `${sel} is in Chinese: ${zh}`);
      assert.doesNotMatch(zh, /\{\w+\}|\b(death|health|stats|thread)\.\w+/, `${sel}: ${zh}`);
    }
    assert.match(await text(page, '#stat-balance'), /1005/);
    await chooseLang(page, 'en');

    // Typed while it is dead: kept on the page (the outbox), not posted into the void.
    await send(page, 'while dead');
    await page.waitForFunction(() => window.__qp.stats().outbox === 1);
    assert.equal((await stats(page)).posted, 1005);
    assert.equal((await balance(page)).ok, 'unknown');

    await page.click('#restart-worker');
    await page.waitForFunction(() => document.documentElement.dataset.worker === 'ready');
    // The new worker carries on with the confirmed settings (it starts with the defaults, and
    // confirms the ones re-sent); drain now, to see messages flow.
    await page.waitForFunction(() => window.__qp.settings().interval_ms === 600000);
    await configure(page, { mode: 'drain', interval: 50, work: 0, maxBatch: 100 });
    await send(page, 'after restart');
    await page.waitForFunction(() => window.__qp.stats().removed === 2 && window.__qp.stats().outbox === 0);
    assert.deepEqual((await renderedMessages(page)).slice(-2).map((m) => m.text), ['while dead', 'after restart']);
    await page.waitForFunction(() => document.querySelector('#stat-balance').dataset.ok === 'true');
    const end = await stats(page);
    assert.deepEqual([end.posted, end.inflight, end.queued, end.removed, end.refused, end.lost], [1007, 0, 0, 2, 0, 1005]);
    assert.equal(await text(page, '#stat-balance'),
      '✓ balanced: posted = in flight + queued + removed + refused + lost — 1005 lost when a worker died');
    assert.deepEqual((({ deaths, restarts }) => [deaths, restarts])(await supervisor(page)), [1, 1]);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('restarts by itself when "restart automatically" is on', async () => {
    const { page } = await openPlayground(env);
    await page.check('#auto-restart');
    await configure(page, { mode: 'drain', interval: 50, work: 0, maxBatch: 100 });
    const first = await page.evaluate(() => { window.__first = window.__qp.worker; return true; });
    assert.ok(first);
    await page.evaluate(() => window.__qp.worker.terminate());
    await page.waitForFunction(() => window.__qp.supervisor().deaths === 1, null, { timeout: NOTICE_MS });
    await page.waitForFunction(() => window.__qp.supervisor().restarts === 1 && document.documentElement.dataset.worker === 'ready');
    assert.equal(await page.evaluate(() => window.__qp.worker !== window.__first), true, 'a fresh worker');
    await send(page, 'on the new worker');
    await page.waitForFunction(() => window.__qp.stats().delivered === 1);
    await page.waitForFunction(() => document.querySelector('#stat-balance').dataset.ok === 'true');
    assert.equal((await stats(page)).lost, 0, 'nothing was in flight or queued when it died');
    await page.close();
  });

  test('a worker whose script throws at load is seen at once; automatic restarts give up, a restart by hand works', async () => {
    const broken = (route) => route.fulfill({ contentType: 'text/javascript', body: 'throw new Error("broken on purpose");' });
    const { page, problems } = await openWith([['**/www/playground/queue-worker.js', broken]]);
    await page.waitForFunction(() => window.__qp.supervisor().state === 'dead', null, { timeout: NOTICE_MS });
    let sup = await supervisor(page);
    assert.equal(sup.lastDeath.cause, 'error');
    assert.match(sup.lastDeath.detail, /broken on purpose/);
    assert.match(await text(page, '#thread-worker .detail'), /^it crashed: .*broken on purpose/);
    assert.equal((await balance(page)).ok, 'unknown');
    // Automatic restarts: each dies before it is ready; after three in a row it stops and says so.
    await page.check('#auto-restart');
    await page.waitForFunction(() => window.__qp.supervisor().deaths === 3, null, { timeout: 10_000 });
    await page.waitForFunction(() => /3 times in a row/.test(document.querySelector('#worker-health').textContent));
    sup = await supervisor(page);
    assert.deepEqual([sup.deaths, sup.restarts, sup.lastDeath.gaveUp], [3, 2, true]);
    // Fixed (the script is served again), a restart by hand brings it up.
    await page.unroute('**/www/playground/queue-worker.js');
    await page.click('#restart-worker');
    await page.waitForFunction(() => document.documentElement.dataset.worker === 'ready');
    await configure(page, { mode: 'drain', interval: 50, work: 0, maxBatch: 100 });
    await send(page, 'up at last');
    await page.waitForFunction(() => window.__qp.stats().delivered === 1);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('a wasm that fails to load: the worker says so, and it is counted dead', async () => {
    const { page } = await openWith([['**/pkg/queue_playground_bg.wasm', (route) => route.fulfill({ status: 404, body: 'gone' })]]);
    await page.waitForFunction(() => window.__qp.supervisor().state === 'dead', null, { timeout: NOTICE_MS });
    const sup = await supervisor(page);
    assert.equal(sup.lastDeath.cause, 'start');
    assert.match(await text(page, '#thread-worker .detail'), /^it failed to start: /);
    assert.equal((await balance(page)).ok, 'unknown');
    await page.close();
  });

  // The real worker script, and one more listener for the tests below: a post of "freeze"
  // blocks the thread for 3 s with the same Rust busy loop, without declaring it, as a worker
  // stuck in a loop would; a post of "throw" throws out of the handler while the worker runs,
  // the way a wasm trap (`RuntimeError: unreachable`) escapes one.
  const misbehaving = (route) => route.fulfill({
    contentType: 'text/javascript',
    body: `import init, { start_consumer_worker, busy_work } from '../../pkg/queue_playground.js';
const early = [];
self.onmessage = (e) => early.push(e.data);
await init();
start_consumer_worker(early);
self.addEventListener('message', (e) => {
  if (e.data === 'freeze') busy_work(3000);
  if (e.data === 'throw') throw new RangeError('thrown while running');
});`,
  });

  test('an exception escaping the worker while it runs is seen at once, and what it held is lost', async () => {
    const { page } = await openWith([['**/www/playground/queue-worker.js', misbehaving]]);
    await page.waitForFunction(() => document.documentElement.dataset.worker === 'ready');
    await configure(page, { mode: 'snapshot', interval: 600000, work: 0, maxBatch: 100 });
    await send(page, 'held');
    await page.waitForFunction(() => window.__qp.stats().queued === 1);
    await page.evaluate(() => window.__qp.worker.postMessage('throw'));
    await page.waitForFunction(() => window.__qp.supervisor().state === 'dead', null, { timeout: NOTICE_MS });
    const sup = await supervisor(page);
    assert.equal(sup.lastDeath.cause, 'error');
    assert.match(sup.lastDeath.detail, /RangeError: thrown while running/);
    assert.ok(sup.lastDeath.silentMs < 1000, 'seen from the error event, not from the silence after it');
    // The page renders its counts once per frame: wait for the frame after the death, with a cap.
    await page.waitForFunction(() => window.__qp.stats().lost >= 1, null, { timeout: NOTICE_MS }).catch(() => {});
    assert.equal((await stats(page)).lost, 1);
    assert.match(await text(page, '#thread-worker .detail'), /^it crashed: .*thrown while running/);
    await page.close();
  });

  test('declared blocking work longer than the silence bound is not a death; an undeclared block is', async () => {
    const { page } = await openWith([['**/www/playground/queue-worker.js', misbehaving]]);
    await page.waitForFunction(() => document.documentElement.dataset.worker === 'ready');
    await configure(page, { mode: 'drain', interval: 50, work: 0, maxBatch: 100 });
    // Declared: 3 s of work in the worker, three times the silence bound.
    await page.evaluate(() => {
      window.__states = [];
      const watch = () => { const s = window.__qp.supervisor().state; if (window.__states.at(-1) !== s) window.__states.push(s); };
      setInterval(watch, 20);
    });
    await page.fill('#busy-ms', '3000');
    await page.click('#busy-worker-btn');
    await page.waitForFunction(() => window.__states.includes('busy'));
    await page.waitForFunction(() => window.__qp.workerState() !== 'working' && window.__states.at(-1) === 'alive', null, { timeout: 15_000 });
    assert.equal((await supervisor(page)).deaths, 0, `declared work is no death: ${await page.evaluate(() => window.__states)}`);
    await send(page, 'still alive');
    await page.waitForFunction(() => window.__qp.stats().delivered === 1);

    // Undeclared: the same 3 s, and nobody was told.
    await page.evaluate(() => window.__qp.worker.postMessage('freeze'));
    await page.waitForFunction(() => window.__qp.supervisor().state === 'dead', null, { timeout: NOTICE_MS });
    const sup = await supervisor(page);
    assert.equal(sup.lastDeath.cause, 'silent');
    assert.ok(sup.lastDeath.silentMs < 3000, `seen dead after ${sup.lastDeath.silentMs} ms of silence, before the block ended`);
    assert.ok((await page.evaluate(() => window.__states)).includes('late'), 'it was shown not answering before it was counted dead');
    assert.equal((await balance(page)).ok, 'unknown');
    await page.close();
  });

  test('a page thread frozen for longer than the silence bound does not count the worker dead', async () => {
    const { page } = await openPlayground(env);
    await page.fill('#busy-ms', '2500');
    await page.click('#busy-page-btn');
    await page.waitForFunction(() => /\d/.test(document.querySelector('#thread-page .state').textContent));
    // Four heartbeats answered after the freeze, and never counted dead on the way.
    await page.evaluate(() => {
      window.__pongs = 0;
      window.__qp.worker.addEventListener('message', (e) => { if (JSON.parse(e.data).type === 'pong') window.__pongs++; });
    });
    await page.waitForFunction(() => window.__pongs >= 4 || window.__qp.supervisor().deaths > 0, null, { timeout: NOTICE_MS });
    const sup = await supervisor(page);
    assert.deepEqual([sup.state, sup.deaths], ['alive', 0]);
    await page.close();
  });

  test('a bounded queue: bursts into a full queue are refused as queue.Full, counted exactly, and the page says so', async () => {
    const { page, problems } = await openPlayground(env);
    // The second reproduction, small: snapshot mode never removes, bursts clicked again and again.
    await configure(page, { mode: 'snapshot', interval: 600000, work: 0, maxBatch: 100 });
    await setMaxsize(page, 50);
    for (let i = 0; i < 3; i++) await burst(page, 1000);
    await page.waitForFunction(() => { const s = window.__qp.stats(); return s.outbox === 0 && s.inflight === 0 && s.refused === 2950; });
    const s = await stats(page);
    assert.deepEqual([s.posted, s.queued, s.removed, s.refused, s.lost], [3000, 50, 0, 2950, 0]);
    await page.waitForFunction(() => document.querySelector('#stat-balance').dataset.ok === 'true');
    assert.equal(await text(page, '#full-notice'),
      'queue.Full: the last put had 1000 of its messages refused (ids 2001–3000): the queue holds 50, its maxsize.');
    assert.equal(await page.inputValue('#maxsize'), '50');
    // Lowered below what it holds: nothing is dropped, and every put is refused.
    await setMaxsize(page, 10);
    await send(page, 'one more');
    await page.waitForFunction(() => window.__qp.stats().refused === 2951);
    assert.equal((await stats(page)).queued, 50);
    // Out of range: refused with a typed error, and the control shows the bound in force.
    await page.fill('#maxsize', '0');
    await page.dispatchEvent('#maxsize', 'change');
    await page.waitForFunction(() => document.querySelector('#maxsize').value === '10');
    assert.match(await text(page, '#errors .error-text'), /^maxsize must be from 1 to 250000, got 0$/);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('a 50 MB post is refused unread, with a typed error, and the worker memory does not grow', async () => {
    const { page, problems } = await openPlayground(env);
    const result = await page.evaluate(async () => {
      const w = window.__qp.worker;
      const next = (type) => new Promise((ok) => {
        const on = (e) => {
          const r = JSON.parse(e.data);
          if (r.type === type) { w.removeEventListener('message', on); ok(r); }
        };
        w.addEventListener('message', on);
      });
      const pong = async () => { const p = next('pong'); w.postMessage(JSON.stringify({ v: 1, id: 1e9, type: 'ping' })); return p; };
      const before = (await pong()).memory_bytes;
      const text = 'x'.repeat(50 << 20);
      const refused = next('error');
      const post = JSON.stringify({ v: 1, id: 5, type: 'put', first_id: 1, texts: [text], put_at: [0] });
      w.postMessage(post);
      const error = (await refused).error;
      const afterBytes = (await pong()).memory_bytes;
      return { before, error, after: afterBytes, units: post.length };
    });
    assert.deepEqual(result.error, { key: 'post_too_large', units: result.units, max_units: 2097152 });
    assert.ok(result.units > 50 << 20);
    assert.equal(result.after, result.before, `wasm memory ${result.before} -> ${result.after} bytes`);
    await page.waitForFunction(() => /is longer than 2097152: refused unread/.test(document.querySelector('#errors .error-text')?.textContent));
    await configure(page, { mode: 'drain', interval: 50, work: 0, maxBatch: 100 });
    await send(page, 'still serving');
    await page.waitForFunction(() => window.__qp.stats().delivered === 1);
    assert.equal((await supervisor(page)).deaths, 0);
    assert.deepEqual(problems, []);
    await page.close();
  });
});

describe('the producer (www/playground/producer.js, in node)', () => {
  test('never posts more than the worker reads: every post is under its 2 Mi-unit cap, and each message goes once', () => {
    const posts = [];
    const outbox = new Outbox((msg) => posts.push(JSON.stringify({ v: 1, id: posts.length + 1, ...msg })));
    // The worst text for JSON: control characters, each written as \u00XX (6 units for 1).
    const nasty = '\u0001'.repeat(20000);
    outbox.putMany(300, () => nasty);
    outbox.putMany(MAX_PER_POST, (i) => `burst ${i}`);
    outbox.put('last');
    while (outbox.size) assert.ok(outbox.flush() > 0, 'every flush posts something');
    const CAP = 2 << 20; // MAX_POST_UNITS in src/pipeline/protocol/mod.rs
    for (const p of posts) assert.ok(p.length <= CAP, `a post of ${p.length} units`);
    const puts = posts.map((p) => JSON.parse(p));
    const ids = puts.flatMap((m) => m.texts.map((_, i) => m.first_id + i));
    assert.deepEqual(ids, Array.from({ length: 300 + MAX_PER_POST + 1 }, (_, i) => i + 1));
    assert.equal(puts.at(-1).texts.at(-1), 'last');
    assert.ok(posts.length > 3, `split into ${posts.length} posts`);
    // Asked for fewer (the in-flight window), it posts no more than that.
    const small = new Outbox((msg) => assert.equal(msg.texts.length, 7));
    small.putMany(100, (i) => `m${i}`);
    assert.equal(small.flush(7), 7);
  });
});
