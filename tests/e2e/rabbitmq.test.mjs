// Differential, end to end: the broker view's lessons against a real RabbitMQ (Web-STOMP at
// ws://127.0.0.1:15674/ws, started by scripts/rabbitmq.sh) and against the in-browser broker,
// the same clicks on the same page: the two ledgers must agree, count for count.
// Each RabbitMQ run uses a fresh queue (qp-<time>-<random>), so runs do not see each other.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { start } from './harness.mjs';
import { openBroker, ledger, publish, setLane, waitLedger, laneHeld, lostNamed, killWorker } from './broker-harness.mjs';

const SCRIPT = resolve(fileURLToPath(import.meta.url), '../../../scripts/rabbitmq.sh');
const RABBITMQ = 'ws://127.0.0.1:15674/ws';
const SLOW = 600000;
const BROKERS = [['local', 'local'], ['rabbitmq', RABBITMQ]];
const COUNTS = ['published', 'confirmed', 'acked', 'lost', 'queued', 'unacked', 'inFlight', 'redelivered', 'duplicates', 'processed'];
const pick = (l) => Object.fromEntries(COUNTS.map((k) => [k, l[k]]));

let env;
before(async () => {
  // Installs (once) and starts the server unless it runs; returns once it accepts connections.
  await promisify(execFile)(SCRIPT, [], { timeout: 240000 });
  env = await start();
});
after(async () => { await env?.close(); });

/** Runs `scenario` on each broker; returns { local, rabbitmq } of what each reported. */
async function both(query, scenario) {
  const out = {};
  for (const [name, url] of BROKERS) {
    const { page, problems } = await openBroker(env, `${query}&broker=${encodeURIComponent(url)}`);
    assert.equal((await ledger(page)).broker, name);
    out[name] = await scenario(page);
    assert.deepEqual(problems, [], name);
    await page.close();
  }
  return out;
}

describe('the same lessons on RabbitMQ and on the in-browser broker', () => {
  test('auto ack: a killed consumer loses exactly its in-flight messages on both', async () => {
    const got = await both('consumers=3&ack=auto&work=20', async (page) => {
      await setLane(page, 1, { work: SLOW });
      await publish(page, 9);
      // Everything is delivered at once (no prefetch under auto ack); the fast two finish theirs.
      await waitLedger(page, (l) => l.published === 9 && l.confirmed === 9 && l.processed + l.inFlight === 9);
      await page.waitForFunction(() => window.__qpBroker.held(2).length === 0 && window.__qpBroker.held(3).length === 0);
      const held = (await laneHeld(page, 1)).map((m) => m.id);
      assert.equal(held.length, (await ledger(page)).inFlight, 'consumer 1 holds every in-flight message');
      await page.click('#kill-consumer-1');
      await waitLedger(page, (l, n) => l.lost === n, held.length);
      const lost = await lostNamed(page);
      assert.deepEqual(lost.map((x) => x.id).sort((a, b) => a - b), [...held].sort((a, b) => a - b), 'lost = exactly the killed consumer\'s in-flight');
      assert.ok(lost.every((x) => x.reason === 'consumer_died_auto_ack'));
      return pick(await ledger(page));
    });
    assert.deepEqual(got.rabbitmq, got.local);
    assert.deepEqual([got.local.published, got.local.acked, got.local.lost], [9, 6, 3], 'round-robin: 3 each');
  });

  test('manual ack: none lost, the killed consumer\'s message redelivered to another and flagged, on both', async () => {
    const got = await both('consumers=3&ack=manual&prefetch=1&work=20', async (page) => {
      await setLane(page, 1, { work: SLOW });
      await setLane(page, 2, { work: SLOW });
      await publish(page, 9);
      await waitLedger(page, (l) => l.acked === 7 && l.unacked === 2);
      const held = (await laneHeld(page, 1)).map((m) => m.id);
      assert.equal(held.length, 1);
      await setLane(page, 3, { work: SLOW });
      await page.click('#kill-consumer-1');
      await waitLedger(page, (l) => l.redelivered === 1 && l.unacked === 2);
      assert.deepEqual(await laneHeld(page, 3), [{ id: held[0], re: true, auto: false }], 'redelivered to consumer 3, flagged');
      assert.deepEqual(await lostNamed(page), []);
      return pick(await ledger(page));
    });
    assert.deepEqual(got.rabbitmq, got.local);
    assert.deepEqual([got.local.acked, got.local.unacked, got.local.lost, got.local.redelivered], [7, 2, 0, 1]);
  });

  test('killed after the work, before the ack: one duplicate on both, and none with the idempotent switch', async () => {
    for (const idempotent of [0, 1]) {
      const got = await both(`consumers=2&ack=manual&prefetch=1&work=20&idempotent=${idempotent}`, async (page) => {
        await setLane(page, 1, { crash: 1 });
        await publish(page, 2);
        await waitLedger(page, (l) => l.acked === 2);
        assert.equal(await page.getAttribute('#lane-1', 'data-state'), 'crashed');
        return { ...pick(await ledger(page)), skipped: (await ledger(page)).skipped };
      });
      assert.deepEqual(got.rabbitmq, got.local, `idempotent=${idempotent}`);
      assert.deepEqual([got.local.redelivered, got.local.duplicates, got.local.skipped], idempotent ? [1, 0, 1] : [1, 1, 0]);
    }
  });

  test('a consumer on RabbitMQ ended behind its supervisor\'s back: seen within 1.5 s, named, its in-flight counted lost', async () => {
    const { page, problems } = await openBroker(env, `consumers=2&ack=auto&work=${SLOW}&broker=${encodeURIComponent(RABBITMQ)}`);
    await publish(page, 4);
    await waitLedger(page, (l) => l.confirmed === 4 && l.inFlight === 4);
    const held = (await laneHeld(page, 1)).map((m) => m.id);
    assert.ok(held.length > 0, 'consumer 1 holds messages');
    const death = await killWorker(page, 'vanishConsumer', 'consumer 1', 1);
    assert.equal(death.cause, 'vanished');
    assert.ok(death.afterMs <= 1500, `seen ${death.afterMs} ms after the end`);
    assert.match(death.text, /^consumer 1: it ended without a word/);
    await waitLedger(page, (l, n) => l.lost === n, held.length);
    assert.deepEqual((await lostNamed(page)).map((x) => x.id).sort((a, b) => a - b), [...held].sort((a, b) => a - b));
    assert.equal(await page.getAttribute('#broker-deaths', 'data-deaths'), '1');
    assert.deepEqual(problems, []);
    await page.close();
  });
});
