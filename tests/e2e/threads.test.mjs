// The threads view end to end in Debian's Chromium, in the three serving modes:
// 1. with COOP/COEP headers: real threads on one shared memory;
// 2. plain static serving (no headers): the service-worker shim (coi-sw.js) makes the page
//    isolated after one reload, and the threads are real;
// 3. in a cross-origin iframe: isolation is impossible, and the view says so and runs the same
//    scenarios on simulated threads.
// Every check reads the page's ledger (`#threads-ledger` data attributes) and waits on state
// with a generous cap, never on a fixed sleep. Every worker is supervised: a worker ended
// mid-run is seen within about a second, named, counted, and the run is cut short.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { serve } from '../../scripts/serve.mjs';
import { CHROMIUM_ARGS } from './harness.mjs';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const ISOLATION = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
const CAP = 60_000; // a generous cap on every wait; the waits end as soon as the state is reached

let browser;
const servers = {};
before(async () => {
  servers.isolated = await serve(ROOT, 0, ISOLATION);
  servers.plain = await serve(ROOT, 0);
  servers.other = await serve(ROOT, 0); // another port: another origin, for the embedding page
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
});
after(async () => {
  await browser?.close();
  await Promise.all(Object.values(servers).map((s) => new Promise((ok) => s.close(ok))));
});

const base = (name) => `http://127.0.0.1:${servers[name].address().port}`;

/**
 * A fresh browser context on `url`; collects page errors and every failed response (only a
 * missing /favicon.ico is not one: the console's "Failed to load resource" line names no URL,
 * so failed responses are checked by URL here instead).
 */
async function open(url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('response', (res) => {
    if (res.status() >= 400 && new URL(res.url()).pathname !== '/favicon.ico') problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/^Failed to load resource: the server responded with a status of 404/.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });
  await page.goto(url);
  return { page, context, problems };
}

/** The embedded view's frame inside the embedding page; fails the test if it never appears. */
async function embeddedFrame(page) {
  for (let i = 0; i < 400; i++) {
    const frame = page.frames().find((f) => f.url().includes('view=threads'));
    if (frame) return frame;
    await page.waitForTimeout(25);
  }
  throw new Error(`the embedded threads view never appeared: frames ${page.frames().map((f) => f.url()).join(', ')}`);
}

/** The ledger's numbers, the run state, the mode and the balance line. */
const ledger = (frame) => frame.evaluate(() => {
  const d = document.getElementById('threads-ledger').dataset;
  const bal = document.getElementById('threads-balance');
  const n = (k) => Number(d[k]);
  return {
    isolated: d.isolated,
    produced: n('produced'), consumed: n('consumed'), lost: n('lost'), duplicated: n('duplicated'),
    reordered: n('reordered'), counter: n('counter'), consumersStarted: n('consumersStarted'),
    queued: Number(bal.dataset.queued), settled: bal.dataset.settled, balanced: bal.dataset.ok,
    run: document.getElementById('threads-view').dataset.run,
    mode: document.getElementById('threads-mode').dataset.mode,
    failures: [...document.querySelectorAll('#threads-failures li[data-failure]')].map((li) => li.dataset.failure),
    errors: [...document.querySelectorAll('#threads-errors li:not(.hint)')].map((li) => li.textContent),
  };
});

const waitFor = (frame, fn, arg) => frame.waitForFunction(fn, arg, { timeout: CAP, polling: 50 });
const waitRun = (frame, states) => waitFor(frame, (s) => s.includes(document.getElementById('threads-view')?.dataset.run), states);
const waitMode = (frame) => waitFor(frame, () => ['real', 'simulated'].includes(document.getElementById('threads-mode')?.dataset.mode));

/** Exact conservation once stopped: produced = consumed + lost + queued, duplicates apart. */
function assertConserved(l) {
  assert.equal(l.settled, 'true', 'the counts are final');
  assert.equal(l.produced, l.consumed + l.lost + l.queued, JSON.stringify(l));
  assert.equal(l.balanced, 'true');
}

/** Stops the run with the stop button and waits until it has stopped; returns the ledger. */
async function stopRun(frame) {
  await frame.click('#threads-stop');
  await waitRun(frame, ['stopped', 'ended']);
  return ledger(frame);
}

/** Runs a scenario that loses or duplicates, waits until it does, stops, checks conservation. */
async function unsafeRing(frame) {
  await waitFor(frame, () => {
    const d = document.getElementById('threads-ledger')?.dataset;
    return Number(d?.lost) + Number(d?.duplicated) > 0;
  });
  const l = await stopRun(frame);
  assert.ok(l.lost + l.duplicated > 0, JSON.stringify(l));
  assert.ok(l.failures.includes('lost') || l.failures.includes('duplicated'), 'the failure is explained on the page');
  assertConserved(l);
  return l;
}


/**
 * Ends `role` `id` mid-run through the view's test hook (`how`: 'terminate' as anyone on the
 * page could, or 'vanish' behind its supervisor's back); returns the death the page shows, with
 * how long after the end it was seen (the page's own clock, on both sides).
 */
async function killMidRun(frame, role, id, how = 'terminate') {
  await waitRun(frame, ['running']);
  await waitFor(frame, () => Number(document.getElementById('threads-ledger')?.dataset.consumed) > 0);
  const at = await frame.evaluate(([r, i, h]) => window.__qpThreads[h](r, i), [role, id, how]);
  assert.equal(typeof at, 'number', `the run has a ${role} ${id}`);
  const sel = `#threads-errors li[data-worker="${role} ${id}"]`;
  await waitFor(frame, (s) => Boolean(document.querySelector(s)), sel);
  const death = await frame.$eval(sel, (li) => ({ cause: li.dataset.death, at: Number(li.dataset.at), text: li.textContent }));
  return { ...death, afterMs: death.at - at };
}

/** After a death: the run is cut short, and the ledger claims no balance it cannot see. */
async function assertCut(frame, name) {
  await waitRun(frame, ['cut']);
  const l = await ledger(frame);
  assert.equal(await frame.getAttribute('#threads-deaths', 'data-deaths'), '1', 'the death is counted');
  assert.ok((await frame.textContent('#threads-run')).includes(name), 'the run line names the dead worker');
  if (l.settled === 'true') assert.equal(l.balanced, 'true', JSON.stringify(l));
  else {
    assert.equal(l.balanced, 'unsettled', JSON.stringify(l));
    assert.doesNotMatch(await frame.textContent('#threads-balance'), /✓/);
  }
  assert.equal(await frame.isEnabled('#threads-start'), true, 'a fresh run can start');
  return l;
}

describe('with COOP/COEP headers: real threads', () => {
  test('the safe queue moves every item exactly once and ends by itself', async () => {
    const { page, context, problems } = await open(`${base('isolated')}/index.html?view=threads&producers=2&consumers=2&items=200000&run=1`);
    await waitRun(page, ['ended']);
    const l = await ledger(page);
    assert.equal(l.isolated, 'true');
    assert.equal(l.mode, 'real');
    assertConserved(l);
    assert.deepEqual([l.produced, l.consumed, l.lost, l.duplicated, l.reordered, l.queued], [400000, 400000, 0, 0, 0, 0]);
    assert.equal(l.counter, 400000);
    assert.equal(l.consumersStarted, 2);
    assert.deepEqual(l.failures, []);
    assert.deepEqual(l.errors, []);
    const states = await page.$$eval('#threads-list li', (lis) => lis.map((li) => `${li.dataset.role}:${li.dataset.state}`));
    assert.deepEqual(states, ['observer:stopped', 'producer:finished', 'producer:finished', 'consumer:stopped', 'consumer:stopped']);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('no lock: two producers and two consumers lose and duplicate items, counted exactly', async () => {
    const { page, context, problems } = await open(`${base('isolated')}/index.html?view=threads&producers=2&consumers=2&queue=unlocked&items=16777216&run=1`);
    const l = await unsafeRing(page);
    assert.equal(l.isolated, 'true');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('the atomic counter counts every item', async () => {
    const { page, context } = await open(`${base('isolated')}/index.html?view=threads&producers=2&consumers=4&consumer=drain&items=250000&run=1`);
    await waitRun(page, ['ended']);
    const l = await ledger(page);
    assertConserved(l);
    assert.deepEqual([l.consumed, l.counter], [500000, 500000]);
    assert.ok(!l.failures.includes('counter'));
    await context.close();
  });

  test('the racy counter loses increments, shown live and exact after stopping', async () => {
    const { page, context, problems } = await open(`${base('isolated')}/index.html?view=threads&producers=2&consumers=4&consumer=drain&counter=racy&items=16777216&run=1`);
    await waitFor(page, () => Boolean(document.querySelector('#threads-failures li[data-failure=counter]')));
    const l = await stopRun(page);
    assertConserved(l);
    assert.equal(l.lost + l.duplicated, 0, 'the locked queue itself stays safe');
    assert.ok(l.counter < l.consumed, `racy counter ${l.counter} of ${l.consumed} items processed`);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a producer blocks on a full bounded queue, and wakes when a consumer takes', async () => {
    const { page, context, problems } = await open(`${base('isolated')}/index.html?view=threads&producers=3&consumers=1&maxsize=1&work=2000&items=16777216&run=1`);
    // The consumer spends 2 ms an item: the producers fill the one slot and sleep on not_full.
    await waitFor(page, () => document.querySelector('#threads-list li[data-role=producer][data-state=waiting-not-full]'));
    const before = await page.$$eval('#threads-list li[data-role=producer] .detail', (ds) => ds.map((d) => d.textContent).join());
    // Each take frees the slot and wakes a producer: the producers' counts keep moving.
    await waitFor(page, (b) => [...document.querySelectorAll('#threads-list li[data-role=producer] .detail')].map((d) => d.textContent).join() !== b, before);
    const l = await stopRun(page);
    assertConserved(l);
    assert.equal(l.lost + l.duplicated, 0);
    assert.ok(l.queued <= 1, `maxsize 1 holds at most one item: ${l.queued}`);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('check-then-act finds the queue empty after checking it was not', async () => {
    const { page, context, problems } = await open(`${base('isolated')}/index.html?view=threads&producers=1&consumers=2&consumer=check-then-act&rate=20000&items=16777216&run=1`);
    await waitFor(page, () => Boolean(document.querySelector('#threads-failures li[data-failure=emptyFailures]')));
    const l = await stopRun(page);
    assertConserved(l);
    assert.equal(l.lost + l.duplicated, 0, 'the queue itself stays safe');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('the racy start guard starts a second consumer in some run; compare-exchange never does', async () => {
    const started = async (guard) => {
      const { page, context } = await open(`${base('isolated')}/index.html?view=threads&producers=1&consumers=2&guard=${guard}&rate=2000&items=200&run=1`);
      await waitRun(page, ['ended']);
      const l = await ledger(page);
      const declined = await page.$$eval('#threads-list li[data-state=declined]', (lis) => lis.length);
      await context.close();
      assertConserved(l);
      assert.equal(l.consumed, 200);
      assert.equal(l.consumersStarted + declined, 2, 'a consumer the guard did not start says so');
      return l;
    };
    for (let i = 0; i < 3; i++) assert.equal((await started('once')).consumersStarted, 1);
    let twice = null;
    for (let i = 0; i < 20 && !twice; i++) {
      const l = await started('racy');
      if (l.consumersStarted === 2) twice = l;
    }
    assert.ok(twice, 'two consumers started in one of 20 racy runs');
    assert.ok(twice.failures.includes('guard'), 'and the page explains it');
  });

  test('bad URL parameters are shown and replaced by defaults', async () => {
    const { page, context, problems } = await open(`${base('isolated')}/index.html?view=threads&producers=99&queue=bogus&frob=1`);
    await waitMode(page);
    const items = await page.$$eval('#threads-params li', (lis) => lis.map((li) => li.textContent));
    assert.equal(items.length, 3, items.join('\n'));
    assert.match(items.join('\n'), /producers=99.*1–8.*using 2/);
    assert.match(items.join('\n'), /queue=bogus/);
    assert.match(items.join('\n'), /frob=1/);
    assert.equal(await page.inputValue('#tc-producers'), '2');
    assert.equal(await page.inputValue('#tc-queue'), 'locked');
    assert.equal((await ledger(page)).run, 'idle', 'no run=1: nothing starts');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('the playground links to the view, and the view starts on a click', async () => {
    const { page, context, problems } = await open(`${base('isolated')}/index.html`);
    await page.click('#threads-link');
    await waitMode(page);
    await page.fill('#tc-items', '50000');
    await page.dispatchEvent('#tc-items', 'change');
    await page.click('#threads-start');
    await waitRun(page, ['ended']);
    const l = await ledger(page);
    assertConserved(l);
    assert.deepEqual([l.produced, l.consumed, l.lost, l.duplicated], [100000, 100000, 0, 0]);
    const ms = await page.getAttribute('#threads-view', 'data-all-running-ms');
    assert.match(String(ms), /^\d+$/, 'click-to-all-threads-running time is recorded, in whole ms');
    assert.deepEqual(problems, []);
    await context.close();
  });
  test('a producer terminated mid-run is seen within 1.5 s, named, counted; the run is cut short, then runs again', async () => {
    const { page, context, problems } = await open(`${base('isolated')}/index.html?view=threads&producers=2&consumers=2&items=16777216&run=1`);
    const death = await killMidRun(page, 'producer', 1);
    assert.equal(death.cause, 'terminated');
    assert.ok(death.afterMs <= 1500, `seen ${death.afterMs} ms after terminate()`);
    assert.match(death.text, /^producer 1: it was terminated/);
    await assertCut(page, 'producer 1');
    assert.equal(await page.getAttribute('#threads-list li[data-role=producer]:nth-child(3)', 'data-state'), 'dead');
    // The learner starts again: fresh workers, a fresh memory, and a run that conserves.
    await page.click('#threads-start');
    await waitRun(page, ['running']);
    await waitFor(page, () => Number(document.getElementById('threads-ledger')?.dataset.consumed) > 0);
    assertConserved(await stopRun(page));
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('in Chinese: a consumer terminated mid-run is named in Chinese', async () => {
    const { page, context, problems } = await open(`${base('isolated')}/index.html?view=threads&producers=2&consumers=2&items=16777216&run=1&lang=zh`);
    await waitFor(page, () => document.documentElement.lang === 'zh' && document.title.includes('真实线程'));
    const death = await killMidRun(page, 'consumer', 0);
    assert.equal(death.cause, 'terminated');
    assert.ok(death.afterMs <= 1500, `seen ${death.afterMs} ms after terminate()`);
    assert.match(death.text, /^消费者 0：它被终止了/);
    await assertCut(page, '消费者 0');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('the observer ended behind its supervisor\'s back is seen through its lifeline', async () => {
    const { page, context, problems } = await open(`${base('isolated')}/index.html?view=threads&producers=1&consumers=1&items=16777216&run=1`);
    const death = await killMidRun(page, 'observer', 0, 'vanish');
    assert.equal(death.cause, 'vanished', 'not the ping\'s silence: the lifeline lock, at once');
    assert.ok(death.afterMs <= 1500, `seen ${death.afterMs} ms after the thread ended`);
    assert.match(death.text, /^observer .*: it ended without a word/);
    const l = await assertCut(page, 'observer');
    assert.equal(l.settled, 'false', 'with the observer gone nothing can be settled or read');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a thread that dies is noticed and told, and the view does not hang', async () => {
    const context = await browser.newContext();
    let served = 0;
    // The observer's script loads; every later thread's script throws as it starts.
    await context.route('**/www/threads/thread-worker.js', async (route) => {
      if (served++ === 0) return route.continue();
      await route.fulfill({ contentType: 'text/javascript', body: 'throw new Error("injected failure");' });
    });
    const page = await context.newPage();
    await page.goto(`${base('isolated')}/index.html?view=threads&producers=1&consumers=1&run=1`);
    await waitFor(page, () => document.querySelectorAll('#threads-errors li:not(.hint)').length >= 2
      && document.getElementById('threads-view').dataset.run === 'idle');
    const l = await ledger(page);
    assert.match(l.errors.join('\n'), /producer 0: it crashed: its script threw as it loaded/);
    assert.match(l.errors.join('\n'), /could not start: producer 0 died as it started/);
    assert.equal(await page.isEnabled('#threads-start'), true, 'the learner can start again');
    await context.close();
  });
});

describe('plain static serving: the service worker makes the page isolated', () => {
  test('one reload, then real threads', async () => {
    const { page, context, problems } = await open(`${base('plain')}/index.html?view=threads&producers=2&consumers=2&items=100000&run=1`);
    await waitRun(page, ['ended']);
    const l = await ledger(page);
    assert.equal(l.isolated, 'true');
    assert.equal(l.mode, 'real');
    assert.ok(await page.evaluate(() => crossOriginIsolated && Boolean(navigator.serviceWorker.controller)));
    assertConserved(l);
    assert.deepEqual([l.produced, l.consumed, l.lost, l.duplicated], [200000, 200000, 0, 0]);
    assert.deepEqual(problems, []);
    // Other pages of the site stay as they were: not isolated.
    await page.goto(`${base('plain')}/index.html`);
    await page.waitForFunction(() => document.documentElement.dataset.worker === 'ready', null, { timeout: CAP });
    assert.equal(await page.evaluate(() => crossOriginIsolated), false);
    await context.close();
  });
});

describe('in a cross-origin iframe: simulated threads, said plainly', () => {
  const embed = (query) => {
    const src = `${base('plain')}/index.html?view=threads&${query}`;
    return open(`${base('other')}/tests/e2e/threads-embed.html?src=${encodeURIComponent(src)}`);
  };

  test('the view says why it cannot isolate and what would, and its unsafe ring loses items', async () => {
    const { page, context, problems } = await embed('producers=2&consumers=2&queue=unlocked&run=1');
    const frame = await embeddedFrame(page);
    await waitMode(frame);
    const l0 = await ledger(frame);
    assert.equal(l0.mode, 'simulated');
    assert.equal(l0.isolated, 'false');
    const why = await frame.textContent('#threads-why');
    assert.match(why, /Cross-Origin-Opener-Policy: same-origin/);
    assert.match(why, /allow="cross-origin-isolated"/);
    assert.match(await frame.textContent('#threads-mode'), /SIMULATED/);
    await unsafeRing(frame);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('simulated safe switches lose nothing', async () => {
    const { page, context } = await embed('producers=3&consumers=2&consumer=drain&maxsize=8&items=20000&run=1');
    const frame = await embeddedFrame(page);
    await waitRun(frame, ['ended']);
    const l = await ledger(frame);
    assert.equal(l.mode, 'simulated');
    assertConserved(l);
    assert.deepEqual([l.produced, l.consumed, l.lost, l.duplicated, l.reordered, l.counter], [60000, 60000, 0, 0, 0, 60000]);
    await context.close();
  });

  test('embedded with embed=1 and lang=zh: the view only, no warning about either, its height posted to the host', async () => {
    const { page, context, problems } = await embed('producers=1&consumers=1&embed=1&lang=zh');
    const frame = await embeddedFrame(page);
    await waitMode(frame);
    await waitFor(frame, () => document.documentElement.lang === 'zh' && Boolean(document.querySelector('.embed-bar')));
    assert.equal(await frame.isVisible('body > header'), false, 'the site header is hidden');
    assert.equal(await frame.isVisible('#threads-view'), true);
    assert.deepEqual(await frame.$$eval('#threads-params li', (lis) => lis.map((li) => li.textContent)), [], 'no parameter reported');
    assert.match(await frame.textContent('.embed-open'), /在队列演练场中打开/);
    await page.waitForFunction(() => window.messages.some((m) => m?.context === 'iframe.resize' && m.height > 0 && m.src.includes('view=threads')), null, { timeout: CAP });
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('the simulator terminated mid-run is seen, named, and the run cut short', async () => {
    const { page, context, problems } = await embed('producers=2&consumers=2&items=16777216&run=1');
    const frame = await embeddedFrame(page);
    await waitMode(frame);
    const death = await killMidRun(frame, 'simulator', 0);
    assert.equal(death.cause, 'terminated');
    assert.ok(death.afterMs <= 1500, `seen ${death.afterMs} ms after terminate()`);
    assert.match(death.text, /^simulator worker .*: it was terminated/);
    await assertCut(frame, 'simulator worker');
    assert.deepEqual(problems, []);
    await context.close();
  });
});

describe('words', () => {
  test('each view\'s strings have the same keys in English and Chinese, and word every key src/web/threads.rs throws', async () => {
    for (const view of ['threads', 'broker']) {
      const en = (await import(`../../www/${view}/strings/en.js`)).default;
      const zh = (await import(`../../www/${view}/strings/zh.js`)).default;
      assert.deepEqual(Object.keys(zh).sort(), Object.keys(en).sort(), view);
    }
    const en = (await import('../../www/threads/strings/en.js')).default;
    const rust = readFileSync(resolve(ROOT, 'src/web/threads.rs'), 'utf8');
    const keys = [...new Set(rust.match(/"core\.[A-Za-z.]+"/g).map((k) => k.slice(1, -1)))];
    assert.ok(keys.length >= 11, keys.join());
    assert.deepEqual(keys.filter((k) => !(k in en)), [], 'every typed error has its words');
  });

  test('the threads wasm throws typed errors: a key and its fields, worded by the page', async () => {
    const { page, context } = await open(`${base('isolated')}/index.html?view=threads`);
    await waitMode(page);
    const got = await page.evaluate(async () => {
      const { loadModule } = await import('/www/threads/real.js');
      const { module, limits } = await loadModule({});
      const memory = new WebAssembly.Memory({ initial: limits.initial, maximum: limits.maximum, shared: true });
      const ask = (msg) => new Promise((ok) => {
        const w = new Worker('/www/threads/thread-worker.js', { type: 'module' });
        w.onmessage = ({ data }) => { if (data.type === 'error' || data.type === 'created') { w.terminate(); ok(data); } };
        w.postMessage(msg);
      });
      const noRun = await ask({ type: 'start', role: 'producer', id: 0, module, memory, ptr: 8 });
      const created = await ask({ type: 'start', role: 'observer', id: 0, module, memory, query: 'producers=x&consumers=1' });
      const noSuch = await ask({ type: 'start', role: 'consumer', id: 5, module, memory, ptr: created.ptr });
      return { noRun: noRun.error, errors: created.errors, noSuch: noSuch.error };
    });
    assert.deepEqual(got.noRun, { key: 'core.noRun' });
    assert.deepEqual(got.errors, [{ key: 'core.param.notANumber', param: 'producers', value: 'x', used: 2 }]);
    assert.deepEqual(got.noSuch, { key: 'core.noSuchThread', role: 'consumer', id: 5, count: 1 });
    await context.close();
  });
});
