// The threads view's levels in Chromium, played as a learner plays them: threads_lost_item
// opened by its link, its setup in the controls, one click on start to lose items between two
// real producers (the panel goes from playing to won), then the fix: the locked queue, a run
// stopped early that does not count, and a full run of a million items with none lost (won →
// fixed). In English and in Chinese. Along the way: the exact ledger of a run that lost items
// leads with the loss, never with a green tick; each failure says how often among how many
// items and links to its lab replay with words; and axe-core finds no serious or critical
// violation on the view with its panel, on a desktop and on a 375 px phone.
// Every wait is on the page's state (a cap, never a sleep); wins are read from the ledger.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { serve } from '../../scripts/serve.mjs';
import { CHROMIUM_ARGS } from './harness.mjs';
import { axe } from './lab-page.mjs';
import en from '../../www/threads/strings/en.js';
import zh from '../../www/threads/strings/zh.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const ISOLATION = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
const CAP = 60_000; // a cap on every wait; each ends as soon as its state is reached
const LEVEL = 'threads_lost_item';
const MILLION = 1_000_000; // the fix's item count (lessons/threads_lost_item.level)

let browser;
let server;
let plain; // no headers, as a static host serves: the service-worker shim isolates the view
before(async () => {
  server = await serve(ROOT, 0, ISOLATION);
  plain = await serve(ROOT, 0);
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
});
after(async () => {
  await browser?.close();
  await Promise.all([server, plain].map((s) => new Promise((ok) => (s ? s.close(ok) : ok()))));
});

const base = (s = server) => `http://127.0.0.1:${s.address().port}`;

/**
 * A fresh browser context (no progress) on `path`, collecting page errors, console errors and
 * failed responses. The panel's row of twins asks for broker_auto_ack.level, which the broker's
 * levels bring: until they are on this branch that one 404 is expected, and only that one.
 */
async function open(path, viewport = { width: 1280, height: 900 }, origin = server) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems = [];
  const expected404 = (url) => /\/lessons\/broker_[a-z_]+\.level$/.test(new URL(url).pathname);
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('response', (res) => {
    if (res.status() >= 400 && !expected404(res.url())) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/^Failed to load resource: the server responded with a status of 404/.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });
  await page.goto(base(origin) + path);
  return { page, context, problems };
}

const waitFor = (page, fn, arg) => page.waitForFunction(fn, arg, { timeout: CAP, polling: 50 });
const panelState = (page) => page.getAttribute('#level-panel', 'data-state');
const waitPanel = (page, state) => waitFor(page, (s) => document.getElementById('level-panel')?.dataset.state === s, state);
const waitRun = (page, states) => waitFor(page, (s) => s.includes(document.getElementById('threads-view')?.dataset.run), states);
const END = ['ended', 'stopped', 'cut'];

/**
 * Clicks start and waits until that run (the page's next, by its count of runs started) is
 * in one of `states`: never the state the previous run left on the page.
 */
async function startRun(page, states = END) {
  const before = Number(await page.getAttribute('#threads-view', 'data-runs'));
  await page.click('#threads-start');
  await waitFor(page, ([n, s]) => {
    const v = document.getElementById('threads-view')?.dataset;
    return Number(v?.runs) === n && s.includes(v.run);
  }, [before + 1, states]);
}

/** What the view shows now: the ledger's counts, its verdict, the run line, the failures. */
const shown = (page) => page.evaluate(() => {
  const d = document.getElementById('threads-ledger').dataset;
  const bal = document.getElementById('threads-balance');
  const n = (k) => Number(d[k]);
  return {
    mode: document.getElementById('threads-mode').dataset.mode,
    produced: n('produced'), consumed: n('consumed'), lost: n('lost'), duplicated: n('duplicated'), reordered: n('reordered'),
    settled: bal.dataset.settled, ok: bal.dataset.ok, verdict: bal.dataset.verdict,
    balance: bal.textContent, balanceColor: getComputedStyle(bal).color,
    run: document.getElementById('threads-run').textContent,
    failures: [...document.querySelectorAll('#threads-failures li[data-failure]')].map((li) => ({
      key: li.dataset.failure,
      times: li.querySelector('.times').textContent,
      href: li.querySelector('a')?.getAttribute('href') ?? '',
      link: li.querySelector('a')?.textContent ?? '',
    })),
  };
});

const GREEN = 'rgb(23, 128, 61)'; // threads.css's colour of a good verdict

/** The whole level, win then fix, in `lang` (its strings `S`). */
async function playLostItem(lang, S) {
  const { page, context, problems } = await open(`/index.html?level=${LEVEL}&lang=${lang}`);
  await waitFor(page, () => document.getElementById('threads-mode')?.dataset.mode === 'real');
  await waitPanel(page, 'playing');
  assert.equal(await page.getAttribute('#level-panel', 'data-level'), LEVEL);
  assert.equal(await page.evaluate(() => document.documentElement.lang), lang);
  // The level's setup is in the controls: two producers, two consumers, the unlocked ring.
  assert.equal(await page.inputValue('#tc-queue'), 'unlocked');
  assert.equal(await page.inputValue('#tc-producers'), '2');
  assert.equal(await page.inputValue('#tc-items'), '500000');

  // The goal: one click on start; the run ends by itself and its exact ledger has lost items.
  await startRun(page);
  const lostRun = await shown(page);
  assert.equal(lostRun.settled, 'true', JSON.stringify(lostRun));
  assert.ok(lostRun.lost > 0, `the unlocked ring lost items: ${JSON.stringify(lostRun)}`);
  await waitPanel(page, 'won');
  // The verdict leads with the loss: no tick, not green, and "finished" does not claim every item.
  assert.equal(lostRun.verdict, 'failed');
  assert.doesNotMatch(lostRun.balance, /✓/);
  assert.notEqual(lostRun.balanceColor, GREEN);
  const fmt = (x) => x.toLocaleString('en-US');
  assert.ok(lostRun.balance.startsWith(S['balance.failed'].split('{lost}')[0] + fmt(lostRun.lost)), lostRun.balance);
  assert.doesNotMatch(lostRun.run, /✓/);
  assert.notEqual(lostRun.run, S['run.ended'], 'the run line does not say every item was taken');
  // The failure: how often among how many, and a worded link to the lab's replay.
  const lost = lostRun.failures.find((f) => f.key === 'lost');
  assert.ok(lost, JSON.stringify(lostRun.failures));
  const times = S[lostRun.lost === 1 ? 'times.one' : 'times.many'].replace('{n}', fmt(lostRun.lost));
  assert.equal(lost.times, S['fail.times.lost'].replace('{times}', times).replace('{of}', fmt(MILLION)));
  assert.match(lost.href, /lab\.html#p=counter_lost_update$/);
  assert.equal(lost.link, S['fail.lab.counter_lost_update']);
  for (const f of lostRun.failures) assert.ok(f.link.trim(), `the ${f.key} failure's link has words`);
  // The panel: the success text, the fix as the goal, and the next level.
  assert.equal(await page.getAttribute('.level-news', 'data-stage'), 'won');
  assert.ok((await page.getAttribute('#level-next', 'href'))?.length, 'the next level is linked');
  assert.ok((await page.textContent('#level-next')).trim().length > 0);

  // The fix, as a learner does it: the locked queue. A run stopped early is no fix…
  await page.selectOption('#tc-queue', 'locked');
  await page.fill('#tc-items', '16777216');
  await page.dispatchEvent('#tc-items', 'change');
  await startRun(page, ['running']);
  await waitFor(page, () => Number(document.getElementById('threads-ledger')?.dataset.consumed) > 0);
  await page.click('#threads-stop');
  await waitRun(page, ['stopped']);
  const stopped = await shown(page);
  assert.ok(stopped.consumed > 0 && stopped.lost + stopped.duplicated === 0, JSON.stringify(stopped));
  assert.equal(await panelState(page), 'won', 'stopping early is no fix, however many items went through');

  // …a full run of a million items is.
  await page.fill('#tc-items', '500000');
  await page.dispatchEvent('#tc-items', 'change');
  await startRun(page);
  const fixedRun = await shown(page);
  assert.deepEqual([fixedRun.produced, fixedRun.consumed, fixedRun.lost, fixedRun.duplicated, fixedRun.reordered], [MILLION, MILLION, 0, 0, 0]);
  await waitPanel(page, 'fixed');
  // No failure wording once fixed: the tick, the clean run line, nothing under "what went wrong".
  assert.equal(fixedRun.verdict, 'clean');
  assert.match(fixedRun.balance, /^✓/);
  assert.equal(fixedRun.balanceColor, GREEN);
  assert.equal(fixedRun.run, S['run.ended']);
  assert.deepEqual(fixedRun.failures, []);
  assert.equal(await page.getAttribute('.level-news', 'data-stage'), 'fixed');
  assert.ok((await page.getAttribute('#level-next', 'href'))?.length);
  // What the level recorded: the items lost among the items put, from the ledger.
  const seen = await page.evaluate((name) => JSON.parse(localStorage.getItem('queue-playground-lab-progress'))[name], LEVEL);
  assert.deepEqual(seen, { won: true, fixed: true, seen: { n: lostRun.lost, of: MILLION, fact: 'lost', real: true } });
  assert.deepEqual(problems, []);
  await context.close();
}

describe('threads_lost_item, played by clicking', () => {
  test('in English: lose items on the unlocked ring, then a million through the locked queue', () => playLostItem('en', en));
  test('in Chinese: the same, worded in Chinese', () => playLostItem('zh', zh));
});

describe('accessibility of the view with its level panel', () => {
  for (const [name, viewport] of [['desktop', { width: 1280, height: 900 }], ['375 px phone', { width: 375, height: 800 }]]) {
    for (const lang of ['en', 'zh']) {
      test(`${name}, ${lang}: no serious or critical axe violation, with a failure shown`, async () => {
        const { page, context, problems } = await open(`/index.html?level=${LEVEL}&lang=${lang}`, viewport);
        await waitFor(page, () => document.getElementById('threads-mode')?.dataset.mode === 'real');
        await waitPanel(page, 'playing');
        await page.click('#threads-start');
        await waitPanel(page, 'won'); // the success text, the failures and their links are on the page
        assert.deepEqual(await axe(page), []);
        // Every tile of the ledger, with its seven-digit counts, inside the ledger and the page.
        const outside = await page.evaluate(() => {
          const box = document.getElementById('threads-ledger').getBoundingClientRect();
          const tiles = [...document.querySelectorAll('#threads-stats > div')].filter((d) => d.getBoundingClientRect().right > box.right + 0.5);
          return { tiles: tiles.map((d) => d.querySelector('dd').id), page: document.documentElement.scrollWidth - innerWidth };
        });
        assert.deepEqual(outside, { tiles: [], page: 0 });
        assert.deepEqual(problems, []);
        await context.close();
      });
    }
  }
});

describe('a level\'s link on a static host (no headers)', () => {
  test('opens real threads through the shim, the first time and after another threads page', async () => {
    const { page, context, problems } = await open(`/index.html?level=${LEVEL}`, undefined, plain);
    const mode = () => waitFor(page, () => ['real', 'simulated'].includes(document.getElementById('threads-mode')?.dataset.mode))
      .then(() => page.getAttribute('#threads-mode', 'data-mode'));
    assert.equal(await mode(), 'real', 'the first visit: the shim installs, the page reloads once, isolated');
    assert.equal(await page.getAttribute('#level-panel', 'data-level'), LEVEL);
    // Then another level by its link, from the isolated page: the shim isolates it at once.
    await page.goto(`${base(plain)}/index.html?level=threads_start_guard`);
    assert.equal(await mode(), 'real');
    assert.equal(await page.getAttribute('#level-panel', 'data-level'), 'threads_start_guard');
    assert.equal(await page.inputValue('#tc-guard'), 'racy', 'its setup is in the controls');
    assert.ok(await page.evaluate(() => crossOriginIsolated));
    assert.deepEqual(problems, []);
    await context.close();
  });
});

describe('threads_start_guard, played by clicking', () => {
  test('the reference program\'s start guard starts two consumers in some run; compare-exchange exactly one', async () => {
    const { page, context, problems } = await open('/index.html?level=threads_start_guard');
    await waitFor(page, () => document.getElementById('threads-mode')?.dataset.mode === 'real');
    await waitPanel(page, 'playing');
    assert.equal(await page.inputValue('#tc-guard'), 'racy');
    // The race is at the start of a run only: a learner presses start again until it shows.
    const started = () => page.getAttribute('#threads-ledger', 'data-consumers-started').then(Number);
    let runs = 0;
    while ((await panelState(page)) === 'playing' && runs < 20) {
      runs++;
      await startRun(page);
      if ((await started()) >= 2) await waitPanel(page, 'won');
      else assert.equal(await panelState(page), 'playing', 'one consumer started: not yet the goal');
    }
    assert.equal(await panelState(page), 'won', `two consumers started in one of ${runs} runs`);
    assert.ok(await started() >= 2);
    assert.ok(await page.$('#threads-failures li[data-failure=guard]'), 'the page explains it');
    // The fix: compare-exchange; one run to the end starts exactly one consumer.
    await page.selectOption('#tc-guard', 'once');
    await startRun(page);
    assert.equal(await started(), 1);
    await waitPanel(page, 'fixed');
    assert.equal(await page.$('#threads-failures li[data-failure]'), null);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
