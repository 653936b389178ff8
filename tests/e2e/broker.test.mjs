// End-to-end: the broker view (index.html?view=broker) in headless Chromium:
// the broker worker running the Rust broker, real consumer Web Workers on MessageChannels,
// IndexedDB for the durable log. Every scenario has exact counts. Setups are deterministic: a
// consumer given a long work time holds a known set of messages when it is killed; every wait
// is on state the page shows, never on time.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './harness.mjs';
import { openBroker, ledger, publish, setLane, waitLedger, laneHeld, lostNamed, killWorker } from './broker-harness.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

const SLOW = 600000; // a consumer this slow holds its messages for the whole test

describe('the broker view, in-browser broker', () => {
  test('auto ack: killing a consumer mid-work loses exactly its in-flight messages, by name', async () => {
    const { page, problems } = await openBroker(env, 'consumers=3&ack=auto&work=20');
    await setLane(page, 1, { work: SLOW });
    await publish(page, 9);
    // Round-robin, and auto-ack consumers take whatever is ready: 3 each. Consumers 2 and 3
    // finish theirs; consumer 1 is still on its first.
    await waitLedger(page, (l) => l.published === 9 && l.processed === 6 && l.inFlight === 3);
    const held = (await laneHeld(page, 1)).map((m) => m.id);
    assert.deepEqual(held, [0, 3, 6]);
    assert.equal((await ledger(page)).acked, 9, 'auto ack: acked on delivery, in flight included');
    await page.click('#kill-consumer-1');
    await waitLedger(page, (l) => l.lost === 3);
    const l = await ledger(page);
    assert.deepEqual([l.published, l.acked, l.lost, l.queued, l.unacked, l.inFlight, l.redelivered], [9, 6, 3, 0, 0, 0, 0]);
    assert.equal(l.balanced, 'true');
    const lost = await lostNamed(page);
    assert.deepEqual(lost.map((x) => x.id), held, 'the lost list names exactly the killed consumer\'s in-flight messages');
    assert.ok(lost.every((x) => x.reason === 'consumer_died_auto_ack'));
    assert.match(lost[0].text, /message 0: consumer 1 died with it under auto ack/);
    assert.equal(await page.getAttribute('#lane-1', 'data-state'), 'killed');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('manual ack: the killed consumer\'s unacked message is redelivered to another, flagged, none lost', async () => {
    const { page, problems } = await openBroker(env, 'consumers=3&ack=manual&prefetch=1&work=20');
    await setLane(page, 1, { work: SLOW });
    await setLane(page, 2, { work: SLOW });
    await publish(page, 9);
    // Prefetch 1: consumers 1 and 2 hold one message each; consumer 3 does the other seven.
    await waitLedger(page, (l) => l.acked === 7 && l.unacked === 2);
    assert.deepEqual((await laneHeld(page, 1)).map((m) => [m.id, m.re]), [[0, false]]);
    // Consumer 3 now works slowly too, so the redelivered message stays in its lane.
    await setLane(page, 3, { work: SLOW });
    await page.click('#kill-consumer-1');
    await waitLedger(page, (l) => l.redelivered === 1 && l.unacked === 2);
    await page.waitForSelector('#lane-3 .chips .msg.re[data-id="0"]');
    assert.deepEqual(await laneHeld(page, 3), [{ id: 0, re: true, auto: false }]);
    const l = await ledger(page);
    assert.deepEqual([l.published, l.acked, l.lost, l.queued, l.unacked, l.redelivered, l.duplicates], [9, 7, 0, 0, 2, 1, 0]);
    assert.deepEqual(await lostNamed(page), []);
    assert.deepEqual(problems, []);
    await page.close();
  });

  for (const idempotent of [false, true]) {
    test(`killed after its work but before its ack: ${idempotent ? 'the idempotent consumer skips the duplicate' : 'a duplicate'}`, async () => {
      const { page, problems } = await openBroker(env, `consumers=2&ack=manual&prefetch=1&work=20&idempotent=${idempotent ? 1 : 0}`);
      await setLane(page, 1, { crash: 1 }); // dies between every work and its ack
      await publish(page, 2);
      await waitLedger(page, (l) => l.acked === 2);
      const l = await ledger(page);
      assert.equal(await page.getAttribute('#lane-1', 'data-state'), 'crashed', 'the crash was seen (an error event)');
      assert.deepEqual([l.published, l.acked, l.lost, l.queued, l.unacked, l.redelivered], [2, 2, 0, 0, 0, 1]);
      assert.equal(l.processed, 2);
      if (idempotent) assert.deepEqual([l.duplicates, l.skipped], [0, 1]);
      else assert.deepEqual([l.duplicates, l.skipped], [1, 0]);
      assert.deepEqual(problems, []);
      await page.close();
    });
  }

  test('reject / requeue: every message is rejected once, redelivered, then acked', async () => {
    const { page, problems } = await openBroker(env, 'consumers=2&ack=reject&prefetch=1&work=10');
    await publish(page, 4);
    await waitLedger(page, (l) => l.acked === 4);
    const l = await ledger(page);
    assert.deepEqual([l.published, l.acked, l.lost, l.queued, l.unacked, l.redelivered, l.duplicates], [4, 4, 0, 0, 0, 4, 0]);
    assert.deepEqual(problems, []);
    await page.close();
  });

  for (const [prefetch, slowHolds] of [[0, 5], [1, 1]]) {
    test(`prefetch ${prefetch} with one slow consumer: it holds ${slowHolds} of 10 (${prefetch ? 'fair dispatch' : 'round-robin'})`, async () => {
      const { page } = await openBroker(env, `consumers=2&ack=manual&prefetch=${prefetch}&work=10`);
      await setLane(page, 1, { work: SLOW });
      await publish(page, 10);
      await waitLedger(page, (l, n) => l.acked === 10 - n && l.unacked === n, slowHolds);
      const held = (await laneHeld(page, 1)).map((m) => m.id);
      assert.deepEqual(held, prefetch ? [0] : [0, 2, 4, 6, 8]);
      assert.equal((await ledger(page)).queued, 0);
      await page.close();
    });
  }

  test('broker kill, in memory: every queued and unacked message is lost, counted and named', async () => {
    const { page, problems } = await openBroker(env, `consumers=2&ack=manual&prefetch=1&work=${SLOW}&durable=0`);
    await publish(page, 6);
    await waitLedger(page, (l) => l.unacked === 2 && l.queued === 4);
    await page.click('#kill-broker');
    await waitLedger(page, (l) => l.kills === 1 && l.state === 'ready' && l.lost === 6);
    let l = await ledger(page);
    assert.deepEqual([l.published, l.acked, l.lost, l.queued, l.unacked], [6, 0, 6, 0, 0]);
    const lost = await lostNamed(page);
    assert.deepEqual(lost.map((x) => x.id), [0, 1, 2, 3, 4, 5]);
    assert.ok(lost.every((x) => x.reason === 'broker_died_not_durable'));
    // The consumers are attached to the new broker and get new messages.
    await page.waitForFunction(() => window.__qpBroker.slots().every((s) => s.ids.length === 2));
    await publish(page, 2);
    await waitLedger(page, (l) => l.published === 8 && l.unacked === 2);
    l = await ledger(page);
    assert.deepEqual([l.lost, l.queued, l.balanced], [6, 0, 'true']);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('broker kill, durable: nothing confirmed is lost, across a broker kill and a page reload', async () => {
    const url = `consumers=2&ack=manual&prefetch=1&work=${SLOW}&durable=1`;
    const { page, problems } = await openBroker(env, url);
    await publish(page, 6);
    await waitLedger(page, (l) => l.confirmed === 6 && l.unacked === 2 && l.queued === 4);
    await page.click('#kill-broker');
    // Recovered from the log: the two unacked come back marked redelivered and go out again.
    await waitLedger(page, (l) => l.kills === 1 && l.state === 'ready' && l.unacked === 2 && l.redelivered === 2);
    let l = await ledger(page);
    assert.deepEqual([l.published, l.confirmed, l.acked, l.lost, l.queued, l.unacked], [6, 6, 0, 0, 4, 2]);
    const redelivered = [...(await laneHeld(page, 1)), ...(await laneHeld(page, 2))];
    assert.deepEqual(redelivered.map((m) => [m.id, m.re]).sort(), [[0, true], [1, true]]);
    // A page reload: nothing survives but IndexedDB; every confirmed message comes back.
    await page.reload();
    await page.waitForFunction(() => window.__qpBroker?.slots().every((s) => s.ready)
      && document.querySelector('#broker-ledger').dataset.state === 'ready');
    await waitLedger(page, (l) => l.published === 6 && l.unacked === 2);
    l = await ledger(page);
    assert.deepEqual([l.published, l.confirmed, l.lost, l.queued, l.unacked, l.redelivered], [6, 6, 0, 4, 2, 2]);
    assert.deepEqual(await lostNamed(page), []);
    assert.deepEqual(problems, []);
    await page.close();
  });
});

describe('the broker view\'s supervision: every worker\'s death is seen within 1.5 s, named, counted', () => {
  for (const hook of ['terminateConsumer', 'vanishConsumer']) {
    test(`a consumer ended mid-work (${hook}): named, counted, its unacked message redelivered`, async () => {
      const { page, problems } = await openBroker(env, `consumers=2&ack=manual&prefetch=1&work=${SLOW}`);
      await setLane(page, 1, { work: 0 }); // consumer 1 works at once; consumer 2 holds its message
      await publish(page, 2);
      await waitLedger(page, (l) => l.acked === 1 && l.unacked === 1);
      assert.equal((await laneHeld(page, 2)).length, 1);
      const death = await killWorker(page, hook, 'consumer 2', 2);
      // terminate() on it is heard at once; ended behind the supervisor's back, the lifeline
      // lock is granted as soon as its (idle) thread is gone.
      assert.equal(death.cause, hook === 'terminateConsumer' ? 'terminated' : 'vanished');
      assert.ok(death.afterMs <= 1500, `seen ${death.afterMs} ms after the end`);
      assert.match(death.text, hook === 'terminateConsumer' ? /^consumer 2: it was terminated/ : /^consumer 2: it ended without a word/);
      assert.equal(await page.getAttribute('#lane-2', 'data-state'), 'dead');
      assert.equal(await page.getAttribute('#broker-deaths', 'data-deaths'), '1');
      await waitLedger(page, (l) => l.acked === 2 && l.redelivered === 1 && l.lost === 0);
      // Its lane's restart button starts a fresh consumer.
      await page.click('#restart-consumer-2');
      await page.waitForFunction(() => window.__qpBroker.slots()[1].ready);
      assert.deepEqual(problems, []);
      await page.close();
    });
  }

  for (const hook of ['terminateBroker', 'vanishBroker']) {
    test(`the broker worker ended (${hook}): named, counted, restarted from the ledger`, async () => {
      const { page, problems } = await openBroker(env, `consumers=1&ack=manual&prefetch=1&work=${SLOW}&durable=0`);
      await publish(page, 3);
      await waitLedger(page, (l) => l.unacked === 1 && l.queued === 2);
      const death = await killWorker(page, hook, 'broker');
      assert.equal(death.cause, hook === 'terminateBroker' ? 'terminated' : 'vanished');
      assert.ok(death.afterMs <= 1500, `seen ${death.afterMs} ms after the end`);
      assert.match(death.text, /^the broker: /);
      // In memory: what it held is lost, named; a new broker runs and takes new messages.
      await waitLedger(page, (l) => l.kills === 1 && l.state === 'ready' && l.lost === 3);
      assert.equal(await page.getAttribute('#broker-deaths', 'data-deaths'), '1');
      await page.waitForFunction(() => window.__qpBroker.slots()[0].ids.length === 2);
      await publish(page, 1);
      await waitLedger(page, (l) => l.published === 4 && l.unacked === 1 && l.balanced === 'true');
      assert.deepEqual(problems, []);
      await page.close();
    });
  }

  test('in Chinese: a dead consumer is named in Chinese', async () => {
    const { page } = await openBroker(env, 'consumers=2&ack=auto&work=0&lang=zh');
    assert.equal(await page.getAttribute('html', 'lang'), 'zh');
    const death = await killWorker(page, 'terminateConsumer', 'consumer 1', 1);
    assert.match(death.text, /^消费者 1：它被终止了/);
    assert.match(await page.textContent('#broker-deaths'), /1 次/);
    await page.close();
  });
});

describe('the broker view\'s interface', () => {
  test('bad URL values are reported and replaced by defaults', async () => {
    const { page } = await openBroker(env, 'consumers=99&ack=maybe&work=-1&durable=2&broker=http://x&foo=1', { problemsOk: true });
    const shown = await page.$$eval('#broker-url-problems li', (lis) => lis.map((li) => li.textContent));
    assert.equal(shown.length, 6, shown.join('\n'));
    assert.ok(shown.some((s) => s.includes('consumers') && s.includes('99') && s.includes('1–8') && s.includes('3')));
    assert.ok(shown.some((s) => s.includes('“foo”')));
    assert.equal(await page.locator('#broker-lanes > li').count(), 3, 'the default: 3 consumers');
    assert.equal((await ledger(page)).broker, 'local');
    await page.close();
  });

  test('a malformed message to a worker gets an error and the worker keeps running', async () => {
    const { page, problems } = await openBroker(env, 'consumers=1&ack=manual&work=0');
    await page.evaluate(() => {
      window.__qpBroker.postToBroker('garbage');
      window.__qpBroker.postToBroker({ type: 'teleport' });
      window.__qpBroker.postToConsumer(1, { type: 'teleport' });
    });
    await page.waitForFunction(() => document.querySelectorAll('#broker-errors li').length >= 3);
    const text = await page.textContent('#broker-errors');
    assert.match(text, /malformed message to a worker was refused: string/);
    assert.match(text, /"teleport"/);
    await publish(page, 3);
    await waitLedger(page, (l) => l.acked === 3);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('a visible alarm when an event does not fit the page\'s ledger or the two ledgers disagree', async () => {
    const { page } = await openBroker(env, 'consumers=1&ack=manual&work=0');
    await publish(page, 2);
    await waitLedger(page, (l) => l.acked === 2);
    assert.equal(await page.isVisible('#broker-alarm'), false);
    // An ack for a message the ledger has settled: refused by the mirror, and alarmed.
    await page.evaluate(() => window.__qpBroker.asIfFromBroker({ type: 'batch', events: [{ e: 'acked', id: 0 }], counts: null, errors: [] }));
    await page.waitForSelector('#broker-alarm', { state: 'visible' });
    assert.match(await page.textContent('#broker-alarm'), /did not fit/);
    assert.equal((await ledger(page)).balanced, 'false');
    // Counts from the broker that the page's ledger does not reproduce.
    const { page: p2 } = await openBroker(env, 'consumers=1&ack=manual&work=0');
    await p2.evaluate(() => window.__qpBroker.asIfFromBroker({ type: 'batch', events: [], counts: { published: 5, acked: 5, lost_count: 0, queued: 0, unacked: 0, redelivered: 0, duplicates: 0 }, errors: [] }));
    await p2.waitForSelector('#broker-alarm', { state: 'visible' });
    assert.match(await p2.textContent('#broker-alarm'), /disagree/);
    await page.close();
    await p2.close();
  });

  test('the broker view fetches its wasm once, for the page and every worker', async () => {
    const page = await env.browser.newPage();
    const wasm = [];
    page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasm.push(new URL(r.url()).pathname); });
    await page.goto(env.base + '/index.html?view=broker&consumers=4');
    await page.waitForFunction(() => window.__qpBroker?.slots().every((s) => s.ready));
    assert.deepEqual(wasm, ['/pkg/broker_bg.wasm'], 'not the queue wasm, and the broker wasm once');
    // The view replaces the playground: its controls are hidden, the view's are labelled.
    assert.equal(await page.isVisible('#send-btn'), false);
    assert.equal(await page.isVisible('#publish'), true);
    for (const sel of ['#publish', '#kill-broker', '#kill-consumer-4', '#restart-consumer-1', '#lane-1 label span']) {
      assert.notEqual((await page.textContent(sel)).trim(), '', `${sel} has a label`);
    }
    await page.close();
  });

  test('in Chinese: the view and its lost list are worded in Chinese', async () => {
    const { page } = await openBroker(env, 'consumers=1&ack=auto&work=600000&lang=zh');
    await publish(page, 2);
    await waitLedger(page, (l) => l.inFlight === 2);
    await page.click('#kill-consumer-1');
    await waitLedger(page, (l) => l.lost === 2);
    assert.match(await page.textContent('#broker-lost li'), /消息 0：消费者 1 在自动确认下带着它挂掉了/);
    assert.match(await page.textContent('#broker-balance'), /^✗ 丢失 2 条。账目仍然平衡/);
    await page.close();
  });

  test('embedded with embed=1 and lang=zh: the view only, no warning about either, its height posted to the host', async () => {
    const page = await env.browser.newPage();
    const src = `${env.base}/index.html?view=broker&consumers=1&embed=1&lang=zh`;
    await page.goto(`${env.base}/tests/e2e/threads-embed.html?src=${encodeURIComponent(src)}`);
    let frame = null;
    for (let i = 0; i < 400 && !frame; i++) {
      frame = page.frames().find((f) => f.url().includes('view=broker')) ?? null;
      if (!frame) await page.waitForTimeout(25);
    }
    assert.ok(frame, 'the embedded broker view appeared');
    await frame.waitForFunction(() => window.__qpBroker?.slots().every((s) => s.ready) && document.querySelector('.embed-bar'));
    assert.equal(await frame.getAttribute('html', 'lang'), 'zh');
    assert.equal(await frame.isVisible('body > header'), false, 'the site header is hidden');
    assert.equal(await frame.isVisible('#broker-view'), true);
    assert.deepEqual(await frame.$$eval('#broker-url-problems li', (lis) => lis.map((li) => li.textContent)), [], 'no setting reported');
    await page.waitForFunction(() => window.messages.some((m) => m?.context === 'iframe.resize' && m.height > 0 && m.src.includes('view=broker')));
    await page.close();
  });
});
