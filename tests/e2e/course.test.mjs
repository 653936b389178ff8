// The course in Chromium: a learner plays two levels to the win by stepping,
// through the fix, to the next level, in English and in Chinese; progress survives a reload;
// keyboard-only stepping keeps the focus; and axe-core finds no serious or critical
// accessibility violation on the lab in either language or on a 375 px phone.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { start } from './harness.mjs';
import { STRINGS, axe, openLab as open } from './lab-page.mjs';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

const openLab = (path, viewport) => open(env, path, { viewport });

const thread = (i) => `.thread[data-thread="${i}"]`;
const stage = (page) => page.getAttribute('#level', 'data-stage');

/** Steps whole statements of `ti`, `n` times (or until it is done). */
async function statements(page, ti, n = Infinity) {
  for (let k = 0; k < n; k++) {
    if (await page.isDisabled(`${thread(ti)} button.stmt`)) return;
    await page.click(`${thread(ti)} button.stmt`);
  }
}

/** Replaces the program with a fixed one, explores it, and waits for the verdict. */
async function fixWith(page, file) {
  const fixed = await readFile(resolve(ROOT, 'lessons', file), 'utf8');
  await page.click('#level-done button.start-fix');
  assert.equal(await stage(page), 'fix');
  await page.fill('#editor', fixed);
  await page.waitForFunction((s) => window.__lab.src() === s, fixed);
  await page.click('#run-exhaustive');
  await page.waitForFunction(() => document.documentElement.dataset.explore === 'done');
  await page.waitForFunction(() => document.getElementById('level').dataset.stage === 'fixed');
}

/** Plays levels 1 and 2 by stepping, fixes each, and arrives at level 3. */
async function playTwoLevels(page, lang) {
  const S = STRINGS[lang];
  assert.equal(await page.getAttribute('#level', 'data-level'), 'counter_lost_update');
  assert.equal(await stage(page), 'goal');
  // The explorer waits for a first try.
  assert.equal(await page.isDisabled('#run-exhaustive'), true);
  assert.equal(await page.isVisible('#explore-lock'), true);
  // A loads, B loads, A stores, B stores: count ends at 1, the goal.
  for (const ti of [0, 1, 0, 1]) await page.click(`${thread(ti)} button.step`);
  assert.equal(await stage(page), 'won');
  assert.equal(await page.textContent('#level-done h3'), S['level.won']);
  assert.equal(await page.getAttribute('#path li[data-level="counter_lost_update"]', 'data-stage'), 'won');
  assert.equal(await page.isDisabled('#run-exhaustive'), false);
  // A fix that deletes the check is refused; the real one is accepted.
  await page.click('#level-done button.start-fix');
  await page.fill('#editor', 'shared count = 0\nthread A { count = count + 1 }\nthread B { count = count + 1 }\n');
  await page.waitForFunction(() => !window.__lab.src().includes('final'));
  await page.click('#run-exhaustive');
  await page.waitForFunction(() => document.documentElement.dataset.explore === 'done');
  assert.equal(await stage(page), 'fix');
  assert.match(await page.textContent('#level-note'), /final assert count == 2/);
  // The real fix: a mutex around each increment.
  const fixed = await readFile(resolve(ROOT, 'lessons/counter_mutex.lab'), 'utf8');
  await page.fill('#editor', fixed);
  await page.waitForFunction((s) => window.__lab.src() === s, fixed);
  await page.click('#run-exhaustive');
  await page.waitForFunction(() => document.getElementById('level').dataset.stage === 'fixed');
  assert.equal(await page.textContent('#level-done h3'), S['level.fixed']);
  await page.click('#level-done button.next-level');

  // Level 2, the reference program's id guard: both consumers consume.
  await page.waitForFunction(() => document.getElementById('level').dataset.level === 'check_then_act' && window.__lab.view()?.schedule === '');
  assert.equal(await stage(page), 'goal');
  await statements(page, 0, 1); // stored_id = 1
  await statements(page, 1); // C1 checks 1 and consumes
  await statements(page, 0); // stored_id = 2
  await statements(page, 2); // C2 checks 2 and consumes
  assert.equal(await page.textContent('#memory [data-var="consuming"] .value'), '2');
  assert.equal(await stage(page), 'won');
  await fixWith(page, 'check_then_act_fixed.lab');
  await page.click('#level-done button.next-level');
  await page.waitForFunction(() => document.getElementById('level').dataset.level === 'mutex_missing');
  assert.equal(await page.inputValue('#preset'), 'mutex_missing');
}

for (const lang of ['en', 'zh']) {
  test(`a learner plays two levels, fixes each and moves on (${lang}); progress survives a reload`, { timeout: 120_000 }, async () => {
    const { page, problems } = await openLab(`/lab.html?lang=${lang}`);
    const S = STRINGS[lang];
    assert.equal(await page.textContent('#level-concept'), S['level.chapter'].replace('{n}', '1').replace('{total}', String(await page.$$eval('#path li', (l) => l.length))).replace('{concept}', S['concept.atomicity']));
    await playTwoLevels(page, lang);
    if (lang === 'zh') {
      // The level's texts come from the lesson file's Chinese lines.
      assert.match(await page.textContent('#level-title'), /[\u4e00-\u9fff]/);
      assert.match(await page.textContent('#level-goal'), /^目标：/);
    }
    await page.reload();
    await page.waitForFunction(() => document.documentElement.dataset.lab === 'ready');
    const stages = await page.$$eval('#path li', (lis) => lis.slice(0, 3).map((li) => li.dataset.stage));
    assert.deepEqual(stages, ['fixed', 'fixed', 'new']);
    assert.equal(await page.getAttribute('#level', 'data-level'), 'mutex_missing', 'the link keeps the level');
    // A fixed level opens at its fixed panel, with the way on.
    await page.click('#path li[data-level="counter_lost_update"] button');
    assert.equal(await stage(page), 'fixed');
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test('editing a line of a lesson keeps the lesson, its goal and its hints', async () => {
  const { page, problems } = await openLab();
  await page.click('#hint-next');
  const hint = await page.textContent('#hints li');
  const text = await page.inputValue('#editor');
  await page.fill('#editor', text.replace('count = count + 1\n}\n\nthread B', 'count = count + 2\n}\n\nthread B'));
  await page.waitForFunction(() => window.__lab.src().includes('count + 2'));
  assert.equal(await page.inputValue('#preset'), 'counter_lost_update');
  assert.equal(await page.textContent('#hints li'), hint);
  assert.equal(await page.isVisible('#level-note'), true, 'the goal says it counts on the lesson’s own program');
  await page.click('#level-note button.restore');
  await page.waitForFunction((t) => window.__lab.src() === t, text);
  assert.deepEqual(problems, []);
  await page.close();
});

test('keyboard-only stepping keeps the focus in the thread’s column', async () => {
  const { page, problems } = await openLab();
  const focused = () => page.evaluate(() => {
    const a = document.activeElement;
    return { thread: a.closest('.thread')?.dataset.thread ?? null, tag: a.tagName, cls: a.className, label: a.getAttribute('aria-label') };
  });
  // A single step leaves A with more to do: the focus stays on the same button.
  await page.focus(`${thread(0)} button.step`);
  await page.keyboard.press('Space');
  assert.deepEqual(await focused(), { thread: '0', tag: 'BUTTON', cls: 'step', label: 'single step (A)' });
  await page.keyboard.press('Enter');
  assert.equal(await page.getAttribute('#schedule', 'data-schedule'), '0,0');
  // A is done now and its buttons are disabled: the focus stays in A's column, on its heading.
  assert.deepEqual(await focused(), { thread: '0', tag: 'H3', cls: '', label: null });
  // "step statement" on B, by keyboard, keeps the focus there too.
  await page.focus(`${thread(1)} button.stmt`);
  await page.keyboard.press('Enter');
  assert.equal(await page.getAttribute('#schedule', 'data-schedule'), '0,0,1,1');
  assert.equal((await focused()).thread, '1');
  assert.notEqual((await focused()).tag, 'BODY');
  assert.deepEqual(problems, []);
  await page.close();
});

for (const [lang, viewport] of [['en', { width: 1280, height: 900 }], ['zh', { width: 1280, height: 900 }], ['en', { width: 375, height: 812 }], ['zh', { width: 375, height: 812 }]]) {
  test(`axe-core: no serious or critical violations (${lang}, ${viewport.width} px)`, { timeout: 60_000 }, async () => {
    const { page, problems } = await openLab(`/lab.html?lang=${lang}`, viewport);
    // With a run under way and the success panel and results showing, too.
    for (const ti of [0, 1, 0, 1]) await page.click(`${thread(ti)} button.step`);
    await page.click('#run-exhaustive');
    await page.waitForFunction(() => document.documentElement.dataset.explore === 'done');
    assert.deepEqual(await axe(page), []);
    assert.deepEqual(problems, []);
    await page.close();
  });
}
