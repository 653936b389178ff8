// The broker view's levels of the course (lessons/broker_*.level, rabbitmq_*.level), played in
// a real Chromium by clicking as a learner would: open the level by its link, publish, kill
// consumer 1 while its lane shows messages, see the goal reached; switch the ack mode in the
// settings, apply, do it again, see the fix hold. In English and in Chinese on the in-browser
// broker, and against a real RabbitMQ (scripts/rabbitmq.sh). A kill that meets empty hands, or
// no kill at all, must not count as the fix. axe-core checks the view with its panel at desktop
// width and at 375 px. Every wait is on what the page shows, never on time.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { start } from './harness.mjs';
import { ledger, waitLedger, lostNamed } from './broker-harness.mjs';
import en from '../../www/broker/strings/en.js';
import zh from '../../www/broker/strings/zh.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const AXE = resolve(ROOT, 'node_modules/axe-core/axe.min.js');
const RABBITMQ = 'ws://127.0.0.1:15674/ws';
const STRINGS = { en, zh };
// Words that would tell a learner something failed; none may show in the panel once it is won.
// ("The same failure, three ways" heads the twins: the failure the level shows, not the learner's.)
const FAILURE = { en: /\bfailed\b|\berror\b|\bwrong\b|not reached|try again/i, zh: /失败|错误|未达成|再试/ };

let env;
before(async () => {
  // RabbitMQ for the last level: installs (once) and starts it unless it runs.
  await promisify(execFile)(resolve(ROOT, 'scripts/rabbitmq.sh'), [], { timeout: 240000 });
  env = await start();
});
after(async () => { await env?.close(); });

/** axe-core's serious and critical violations on the page as it is now. */
async function axe(page) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

/** The level panel's level and state. */
const panel = (page) => page.$eval('#level-panel', (s) => ({ level: s.dataset.level, state: s.dataset.state }));

/** Waits for the panel to show `level` and the view's broker and consumers to be ready. */
async function ready(page, level) {
  await page.waitForSelector(`#level-panel[data-level="${level}"]`);
  await page.waitForFunction(() => window.__qpBroker && document.querySelector('#broker-ledger')?.dataset.state === 'ready'
    && window.__qpBroker.slots().every((s) => s.ready));
}

/** A fresh learner (own storage) on `url`; console errors and page errors are collected. */
async function learner(url) {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console: ${msg.text()}`); });
  await page.goto(env.base + url);
  return { context, page, problems };
}

/** Publishes the count the level put in place, and kills consumer 1 once its lane shows
 * messages it holds, as a person watching the lane would. */
async function publishAndKill(page) {
  await page.click('#publish');
  await page.waitForSelector('#lane-1 .chips .msg');
  await page.click('#kill-consumer-1');
  await page.waitForSelector('#lane-1[data-state=killed]');
}

/** Switches the ack mode in the settings and applies it: the view restarts on the same level. */
async function switchAck(page, mode, level) {
  await page.selectOption('#set-ack', mode);
  await Promise.all([page.waitForURL((u) => u.searchParams.get('ack') === mode), page.click('#broker-apply')]);
  await ready(page, level);
}

/**
 * Plays an auto-ack level to its win and through its fix. `engine` is the fact the level
 * names; `query` is what the level's link adds (the language).
 */
async function playAutoAck(level, { lang, engine }) {
  const t = STRINGS[lang];
  const { context, page, problems } = await learner(`/index.html?level=${level}${lang === 'zh' ? '&lang=zh' : ''}`);
  await ready(page, level);
  const d = await ledger(page);
  assert.equal(d.broker, engine, 'the level runs against its engine');
  assert.deepEqual(await panel(page), { level, state: 'playing' });
  // The level's setup: 2 s of work per message (with the default 50 ms a kill a second after
  // publishing finds nothing to lose), 10 to publish, auto ack.
  assert.equal(await page.inputValue('#work-consumer-1'), '2000');
  assert.equal(await page.inputValue('#set-work'), '2000', 'the settings keep the work time for the fix');
  assert.equal(await page.inputValue('#publish-count'), '10');
  assert.equal(await page.inputValue('#set-ack'), 'auto');
  // Doing nothing wins nothing; neither does killing a consumer that holds no message.
  await page.click('#kill-consumer-2');
  await page.waitForSelector('#lane-2[data-state=killed]');
  assert.equal((await panel(page)).state, 'playing', 'a kill that met empty hands is no win');
  await page.click('#restart-consumer-2');
  await page.waitForFunction(() => window.__qpBroker.slots()[1].ready);

  await publishAndKill(page);
  await page.waitForSelector('#level-panel[data-state=won]');
  const l = await ledger(page);
  assert.ok(l.lost > 0, 'messages were lost');
  const lost = await lostNamed(page);
  assert.equal(lost.length, l.lost);
  assert.ok(lost.every((x) => x.reason === 'consumer_died_auto_ack'));
  // Consumers are named by their lane everywhere: the lane says "consumer 1", so does the list.
  const lane = t['broker.consumer'].replace('{n}', '1');
  assert.equal(await page.textContent('#lane-1 b'), lane);
  assert.ok(lost.every((x) => x.text.includes(lane)), `every loss names ${lane}: ${lost[0].text}`);
  // The lost count leads: highlighted tile, a line that starts with it, no green tick.
  assert.equal(await page.getAttribute('#broker-ledger [data-k=lost]', 'data-bad'), 'true');
  const balance = await page.textContent('#broker-balance');
  assert.ok(balance.startsWith('✗'), balance);
  assert.ok(!balance.includes('✓'), balance);
  assert.equal(await page.getAttribute('#broker-why', 'data-why'), 'broker.whyLost');
  assert.equal(await page.textContent('#broker-why'), t['broker.whyLost']);
  const won = await page.textContent('#level-panel');
  assert.doesNotMatch(won, FAILURE[lang], 'no failure wording once won');
  assert.equal(await page.isHidden('#broker-alarm'), true, 'the ledger is trusted: no alarm');
  if (nextOf(level)) assert.equal(await page.getAttribute('#level-next', 'data-level'), nextOf(level));
  else assert.equal(await page.$('#level-next'), null, 'the last level of the path has no next');
  // A hint, revealed: it takes the focus.
  await page.click('#level-panel .level-hint');
  assert.equal(await page.evaluate(() => document.activeElement?.closest('.level-hints li') !== null), true);

  // The fix: manual ack. The view restarts on the same level, now asking for the fix.
  await switchAck(page, 'manual', level);
  assert.equal((await panel(page)).state, 'won');
  assert.equal(await page.inputValue('#work-consumer-1'), '2000', 'the work time came through the restart');
  // A kill with empty hands under manual ack is no fix.
  await page.click('#kill-consumer-1');
  await page.waitForSelector('#lane-1[data-state=killed]');
  assert.equal((await panel(page)).state, 'won', 'a kill that met empty hands is no fix');
  await page.click('#restart-consumer-1');
  await page.waitForFunction(() => window.__qpBroker.slots()[0].ready);
  await publishAndKill(page);
  await page.waitForSelector('#level-panel[data-state=fixed]');
  const f = await ledger(page);
  assert.equal(f.lost, 0);
  assert.ok(f.redelivered > 0, 'consumer 1\'s messages were redelivered');
  assert.equal(await page.getAttribute('#broker-ledger [data-k=lost]', 'data-bad'), 'false');
  assert.ok((await page.textContent('#broker-balance')).startsWith('✓'));
  assert.equal(await page.textContent('#broker-why'), t['broker.whyRedelivered']);
  assert.doesNotMatch(await page.textContent('#level-panel'), FAILURE[lang]);
  if (nextOf(level)) assert.equal(await page.getAttribute('#level-next', 'class'), 'level-next primary');
  assert.deepEqual(problems, []);
  return { context, page };
}

const PATH = ['broker_auto_ack', 'broker_redelivery_twice', 'broker_durable', 'rabbitmq_auto_ack'];
const nextOf = (level) => PATH[PATH.indexOf(level) + 1] ?? null;

describe('the broker view\'s levels, played by clicking', () => {
  for (const lang of ['en', 'zh']) {
    test(`broker_auto_ack (${lang}): lose messages under auto ack, then lose none under manual ack`, async () => {
      const { context, page } = await playAutoAck('broker_auto_ack', { lang, engine: 'local' });
      if (lang === 'zh') {
        assert.match(await page.textContent('#level-panel h2'), /^原子性：/);
        assert.equal(await page.getAttribute('html', 'lang'), 'zh');
      }
      // The view with its panel, won and fixed, at desktop width and at 375 px.
      assert.deepEqual(await axe(page), [], `${lang}, desktop`);
      await page.setViewportSize({ width: 375, height: 800 });
      assert.deepEqual(await axe(page), [], `${lang}, 375 px`);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(wide <= 375, `nothing overflows 375 px (${wide})`);
      await context.close();
    });
  }

  test('broker_redelivery_twice: work done twice after a crash before the ack, then skipped by idempotent consumers', async () => {
    const level = 'broker_redelivery_twice';
    const { context, page, problems } = await learner(`/index.html?level=${level}`);
    // The level needs manual ack: the view restarts with its settings, on the same level.
    await page.waitForURL((u) => u.searchParams.get('ack') === 'manual' && u.searchParams.get('level') === level);
    await ready(page, level);
    const crash = async () => {
      await page.fill('#crash-consumer-1', '1');
      await page.dispatchEvent('#crash-consumer-1', 'change');
      await page.waitForFunction(() => window.__qpBroker.slots()[0].applied?.crash === 1);
    };
    await crash();
    await page.click('#publish');
    await page.waitForSelector('#level-panel[data-state=won]');
    assert.ok((await ledger(page)).duplicates > 0);
    await page.check('#set-idempotent');
    await Promise.all([page.waitForURL((u) => u.searchParams.get('idempotent') === '1'), page.click('#broker-apply')]);
    await ready(page, level);
    assert.equal((await panel(page)).state, 'won', 'idempotent consumers alone are no fix: nothing was redelivered yet');
    await crash();
    await page.click('#publish');
    await page.waitForSelector('#level-panel[data-state=fixed]');
    const l = await ledger(page);
    assert.deepEqual([l.duplicates, l.lost], [0, 0]);
    assert.ok(l.skipped > 0 && l.redelivered > 0);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('broker_durable: a broker kill loses a non-durable queue, and a durable one survives it', async () => {
    const level = 'broker_durable';
    const { context, page, problems } = await learner(`/index.html?level=${level}`);
    await page.waitForURL((u) => u.searchParams.get('prefetch') === '1' && u.searchParams.get('level') === level);
    await ready(page, level);
    await page.click('#publish');
    await waitLedger(page, (l) => l.confirmed === 10 && l.queued > 0);
    await page.click('#kill-broker');
    await page.waitForSelector('#level-panel[data-state=won]');
    assert.equal((await ledger(page)).lost, 10, 'every queued and unacked message went with the broker');
    await page.check('#set-durable');
    await Promise.all([page.waitForURL((u) => u.searchParams.get('durable') === '1'), page.click('#broker-apply')]);
    await ready(page, level);
    // A kill with an empty queue meets nothing: no fix.
    await page.click('#kill-broker');
    await waitLedger(page, (l) => l.kills === 1 && l.state === 'ready');
    assert.equal((await panel(page)).state, 'won', 'a broker killed with nothing in it proves nothing');
    await page.click('#publish');
    await waitLedger(page, (l) => l.confirmed === 10 && l.queued > 0);
    await page.click('#kill-broker');
    await page.waitForSelector('#level-panel[data-state=fixed]');
    const l = await ledger(page);
    assert.deepEqual([l.lost, l.kills, l.state], [0, 2, 'ready']);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('rabbitmq_auto_ack: the same level against a real RabbitMQ', async () => {
    const { context } = await playAutoAck('rabbitmq_auto_ack', { lang: 'en', engine: 'rabbitmq' });
    await context.close();
  });

  test('rabbitmq_auto_ack where no RabbitMQ answers: the view says so, and nothing is won', async () => {
    // Nothing listens on port 9 of this machine: the level's engine cannot be reached.
    const url = 'ws://127.0.0.1:9/ws';
    const { context, page } = await learner(`/index.html?level=rabbitmq_auto_ack&broker=${encodeURIComponent(url)}&work=2000`);
    await page.waitForSelector('#level-panel[data-level=rabbitmq_auto_ack]');
    await page.waitForSelector('#broker-engine-note:not([hidden])');
    assert.equal(await page.textContent('#broker-engine-note'), en['broker.engine.unreachable'].replace('{url}', url));
    assert.equal((await ledger(page)).state, 'unreachable');
    await page.click('#publish');
    await page.click('#kill-consumer-1');
    await waitLedger(page, (l) => l.published === 0 && l.lost === 0);
    assert.equal((await panel(page)).state, 'playing', 'nothing pretends: no win without a broker');
    assert.deepEqual(await axe(page), []);
    await context.close();
  });
});
