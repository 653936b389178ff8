// The course in the lab, in Chromium: a learner plays two lab levels to the win by stepping,
// through the fix, and `#level-next` leads along the whole path (into another view); a won
// level says so in its own words, with nothing red; the explorer's "K of N interleavings" is
// recorded; progress and the learner's fixed programs survive a reload, in English and Chinese;
// on a 375 px phone the goal sits above the stepper, the path is folded and the success panel is
// in view after the winning tap; the Python twin is read when opened; keyboard-only stepping
// keeps the focus; and axe-core finds no serious or critical accessibility violation.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { start } from './harness.mjs';
import { LAB_LEVELS, PATH, STRINGS, axe, openLab as open } from './lab-page.mjs';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

const openLab = (path, viewport) => open(env, path, { viewport });

const thread = (i) => `.thread[data-thread="${i}"]`;
/** The lab's own stage (goal, won, fix, fixed) and the course's state (playing, won, fixed). */
const stage = (page) => page.getAttribute('#level-panel', 'data-stage');
const state = (page) => page.getAttribute('#level-panel', 'data-state');
const fill = (s, vars) => s.replace(/\{(\w+)\}/g, (_, k) => String(vars[k]));
/** A level's place on the whole path, from 1. */
const placeOf = (name) => PATH.findIndex((s) => s.name === name) + 1;

/** Steps whole statements of `ti`, `n` times (or until it is done). */
async function statements(page, ti, n = Infinity) {
  for (let k = 0; k < n; k++) {
    if (await page.isDisabled(`${thread(ti)} button.stmt`)) return;
    await page.click(`${thread(ti)} button.stmt`);
  }
}

/** Explores every interleaving and waits for the result. */
async function exploreAll(page) {
  await page.click('#run-exhaustive');
  await page.waitForFunction(() => document.documentElement.dataset.explore === 'done');
}

/** Replaces the program with a fixed one, explores it, and waits for the verdict; returns the
 * program. */
async function fixWith(page, file) {
  const fixed = await readFile(resolve(ROOT, 'lessons', file), 'utf8');
  await page.click('#level-done button.start-fix');
  assert.equal(await stage(page), 'fix');
  assert.equal(await state(page), 'won', 'the course calls the fix stage won');
  await page.fill('#editor', fixed);
  await page.waitForFunction((s) => window.__lab.src() === s, fixed);
  await exploreAll(page);
  await page.waitForFunction(() => document.getElementById('level-panel').dataset.state === 'fixed');
  return fixed;
}

/** `#level-next` leads to the level after `name` on the whole path, by its link. */
async function assertNext(page, name) {
  const next = PATH[placeOf(name)];
  const href = new URL(await page.getAttribute('#level-next', 'href'), env.base);
  if (next.view === 'lab') {
    assert.equal(href.pathname, '/lab.html');
    assert.equal(href.hash, `#p=${next.name}`);
  } else {
    assert.equal(href.pathname, '/index.html', `${name}: the next level is in another view`);
    assert.equal(href.searchParams.get('level'), next.name);
  }
  assert.equal(await page.getAttribute('#level-next', 'data-view'), next.view);
}

/** Nothing on the page says the won run failed: the status line leads with the level's title
 * and is not marked failed, and the explorer's bars and list show the goal, not a failure. */
async function assertNoFailureWording(page, lang, title) {
  const S = STRINGS[lang];
  assert.equal(await page.getAttribute('#run-status', 'data-status'), 'goal');
  const status = await page.textContent('#run-status');
  assert.ok(status.startsWith(`✓ ${title}`), status);
  for (const word of [S['fail.assert'], '✗']) assert.ok(!status.includes(word), `the status line says ${word}: ${status}`);
  const results = await page.evaluate(() => ({
    failedBars: document.querySelectorAll('#histogram li.failed').length,
    goalBars: [...document.querySelectorAll('#histogram li[data-goal]')].map((li) => li.dataset.outcome),
    text: document.getElementById('results').innerText,
    heads: [...document.querySelectorAll('#failures li.failure .head b')].map((b) => b.textContent),
  }));
  assert.equal(results.failedBars, 0, 'no outcome is painted as a failure');
  assert.deepEqual(results.goalBars, ['count=1'], 'the goal outcome is marked as the goal');
  assert.deepEqual(results.heads, [S['failures.goal']]);
  assert.ok(!results.text.includes(S['fail.assert']), `the results say ${S['fail.assert']}`);
  assert.equal(await page.textContent('#failures-title'), S['failures.titleGoal']);
}

for (const lang of ['en', 'zh']) {
  test(`a learner plays two lab levels, fixes each, and the next level follows the whole path (${lang}); progress and fixed programs survive a reload`, { timeout: 120_000 }, async () => {
    const { page, problems } = await openLab(`/lab.html?lang=${lang}`);
    const S = STRINGS[lang];
    const title = () => page.textContent('#level-title');
    assert.equal(await page.getAttribute('#level-panel', 'data-level'), 'counter_lost_update');
    assert.equal(await page.textContent('#level-concept'), fill(S['course.where'], {
      n: placeOf('counter_lost_update'), total: PATH.length, view: S['course.view.lab'], concept: S['concept.atomicity'],
    }));
    assert.equal(await stage(page), 'goal');
    assert.equal(await state(page), 'playing');
    // The explorer waits for a first try.
    assert.equal(await page.isDisabled('#run-exhaustive'), true);
    assert.equal(await page.isVisible('#explore-lock'), true);
    // A loads, B loads, A stores, B stores: count ends at 1, the goal.
    for (const ti of [0, 1, 0, 1]) await page.click(`${thread(ti)} button.step`);
    assert.equal(await stage(page), 'won');
    assert.equal(await state(page), 'won');
    assert.equal(await page.textContent('#level-done h3'), S['level.won']);
    assert.equal(await page.getAttribute('#path li[data-level="counter_lost_update"]', 'data-stage'), 'won');
    assert.equal(await page.isDisabled('#run-exhaustive'), false);
    // Every interleaving of the level's own program: the goal is the goal, and its share is
    // recorded as the course's "K of N interleavings".
    await exploreAll(page);
    await assertNoFailureWording(page, lang, await title());
    const seen = fill(S['course.seenOf.lab'], { n: 4, of: 6 });
    assert.match(await page.textContent('#level-twins li[data-level="counter_lost_update"]'), new RegExp(seen));
    assert.deepEqual(await page.evaluate(() => JSON.parse(localStorage.getItem('queue-playground-lab-progress')).counter_lost_update.seen), { n: 4, of: 6 });
    // A fix that deletes the check is refused; the real one is accepted.
    await page.click('#level-done button.start-fix');
    await page.fill('#editor', 'shared count = 0\nthread A { count = count + 1 }\nthread B { count = count + 1 }\n');
    await page.waitForFunction(() => !window.__lab.src().includes('final'));
    await exploreAll(page);
    assert.equal(await stage(page), 'fix');
    assert.match(await page.textContent('#level-note'), /final assert count == 2/);
    const fix1 = await readFile(resolve(ROOT, 'lessons/counter_mutex.lab'), 'utf8');
    await page.fill('#editor', fix1);
    await page.waitForFunction((s) => window.__lab.src() === s, fix1);
    await exploreAll(page);
    await page.waitForFunction(() => document.getElementById('level-panel').dataset.state === 'fixed');
    assert.equal(await page.textContent('#level-done h3'), S['level.fixed']);
    // The way on is in the success panel: the next level on the path, in the threads view.
    assert.equal(await page.isVisible('#level-done #level-next'), true);
    await assertNext(page, 'counter_lost_update');

    // Level 2 of the lab, opened from the path in this page: the reference program's id guard.
    await page.click('#path li[data-level="check_then_act"] a');
    await page.waitForFunction(() => document.getElementById('level-panel').dataset.level === 'check_then_act' && window.__lab.view()?.schedule === '');
    assert.equal(await state(page), 'playing');
    await statements(page, 0, 1); // stored_id = 1
    await statements(page, 1); // C1 checks 1 and consumes
    await statements(page, 0); // stored_id = 2
    await statements(page, 2); // C2 checks 2 and consumes
    assert.equal(await page.textContent('#memory [data-var="consuming"] .value'), '2');
    assert.equal(await state(page), 'won');
    const fix2 = await fixWith(page, 'check_then_act_fixed.lab');
    await assertNext(page, 'check_then_act');
    if (lang === 'zh') {
      // The level's texts come from the lesson file's Chinese lines.
      assert.match(await title(), /[\u4e00-\u9fff]/);
      assert.match(await page.textContent('#level-done h3'), /已修复/);
    }

    await page.reload();
    await page.waitForFunction(() => document.documentElement.dataset.lab === 'ready');
    const stages = await page.$$eval('#path li[data-view="lab"]', (lis) => lis.slice(0, 3).map((li) => li.dataset.stage));
    assert.deepEqual(stages, ['fixed', 'fixed', 'new']);
    assert.equal(await page.getAttribute('#level-panel', 'data-level'), 'check_then_act', 'the link keeps the level');
    // A fixed level opens at its fixed panel with the learner's fixed program, not the
    // lesson's buggy one: from the path, and from a link that names only the level.
    await page.click('#path li[data-level="counter_lost_update"] a');
    await page.waitForFunction(() => document.getElementById('level-panel').dataset.level === 'counter_lost_update');
    assert.equal(await state(page), 'fixed');
    assert.equal(await page.inputValue('#editor'), fix1);
    await page.goto(`${env.base}/lab.html?lang=${lang}#p=check_then_act`);
    await page.waitForFunction(() => document.documentElement.dataset.lab === 'ready' && document.getElementById('level-panel').dataset.level === 'check_then_act');
    assert.equal(await state(page), 'fixed');
    assert.equal(await page.inputValue('#editor'), fix2);
    assert.equal(await page.getAttribute('#run-status', 'data-status'), 'running', 'nothing failed on the fixed program');
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test('on a 375 px phone: the goal above the stepper, the path folded, the success panel in view after the winning tap', { timeout: 90_000 }, async () => {
  const { page, problems } = await openLab('/lab.html', { width: 375, height: 812 });
  const S = STRINGS.en;
  const inView = (sel) => page.$eval(sel, (e) => {
    const r = e.getBoundingClientRect();
    return r.height > 0 && r.top >= 0 && r.bottom <= innerHeight;
  });
  // The path is folded, and unfolds on a tap.
  assert.equal(await page.getAttribute('#path-box', 'open'), null);
  assert.equal(await page.isVisible('#path'), false);
  // The goal sits just above the stepper's threads.
  const goal = await page.$eval('#level-goal', (e) => e.textContent);
  assert.equal(await page.isVisible('#stepper-goal'), true);
  assert.equal(await page.textContent('#stepper-goal'), goal);
  const [goalBox, threads] = await Promise.all(['#stepper-goal', '#threads'].map((s) => page.$eval(s, (e) => e.getBoundingClientRect().toJSON())));
  assert.ok(goalBox.bottom <= threads.top && threads.top - goalBox.bottom < 200, `the goal ends at ${goalBox.bottom}, the threads start at ${threads.top}`);
  // The winning tap is in the stepper; the success panel is then where the eyes are.
  for (const ti of [0, 1, 0, 1]) await page.click(`${thread(ti)} button.step`);
  assert.equal(await state(page), 'won');
  assert.equal(await inView('#level-done'), true, 'the success panel is in the viewport after the winning tap');
  assert.equal(await page.textContent('#level-done h3'), S['level.won']);
  // And after the fix's check, which the explorer's button starts.
  const fixed = await readFile(resolve(ROOT, 'lessons/counter_mutex.lab'), 'utf8');
  await page.click('#level-done button.start-fix');
  await page.fill('#editor', fixed);
  await page.waitForFunction((s) => window.__lab.src() === s, fixed);
  await exploreAll(page);
  await page.waitForFunction(() => document.getElementById('level-panel').dataset.state === 'fixed');
  assert.equal(await inView('#level-done'), true, 'the fixed panel is in the viewport after the exploration');
  await page.click('#path-box summary');
  await page.waitForSelector('#path li[data-level="counter_lost_update"][data-stage="fixed"]');
  assert.deepEqual(problems, []);
  await page.close();
});

for (const lang of ['en', 'zh']) {
  test(`the program in Python is read when opened, the fix's twin once fixing, and a missing one is said (${lang})`, { timeout: 60_000 }, async () => {
    const page = await env.browser.newPage();
    const S = STRINGS[lang];
    const problems = [];
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console: ${msg.text()}`); });
    // The Python helper writes these files; here the page's side is checked on a twin served as
    // the test says, one that holds markup (shown as text), and a fix twin that is missing.
    const twin = 'import threading\ncount = 0  # <b>not markup</b>\n';
    const asked = [];
    await page.route('**/lessons/python/*.py', (route) => {
      const file = new URL(route.request().url()).pathname;
      asked.push(file);
      if (file.endsWith('/counter_lost_update.py')) return route.fulfill({ status: 200, contentType: 'text/plain', body: twin });
      return route.fulfill({ status: 404, body: 'not found' });
    });
    await page.goto(`${env.base}/lab.html?lang=${lang}`);
    await page.waitForFunction(() => document.documentElement.dataset.lab === 'ready');
    assert.equal(await page.isVisible('#python summary'), true);
    assert.equal(await page.textContent('#python summary'), S['course.python']);
    assert.deepEqual(asked, [], 'nothing is read before the learner opens it');
    await page.click('#python summary');
    await page.waitForFunction(() => document.getElementById('python-code').dataset.state === 'shown');
    assert.equal(await page.textContent('#python-file'), 'lessons/python/counter_lost_update.py');
    assert.equal(await page.textContent('#python-code'), twin);
    assert.equal(await page.$$eval('#python-code *', (es) => es.length), 0, 'the file is text, never markup');
    // Won, then fixing: the twin is the fix file's (counter_mutex.lab's), which is not there.
    for (const ti of [0, 1, 0, 1]) await page.click(`${thread(ti)} button.step`);
    await page.click('#level-done button.start-fix');
    await page.waitForFunction(() => document.getElementById('python-code').dataset.state === 'missing');
    assert.equal(await page.textContent('#python-file'), 'lessons/python/counter_mutex.py');
    assert.equal(await page.textContent('#python-code'), fill(S['python.missing'], { file: 'lessons/python/counter_mutex.py' }));
    assert.deepEqual(asked, ['/lessons/python/counter_lost_update.py', '/lessons/python/counter_mutex.py']);
    // The missing file's 404 is the browser's own console line; nothing else went wrong.
    assert.deepEqual(problems.filter((p) => !/status of 404/.test(p)), []);
    await page.close();
  });
}

test('?level=NAME opens a lab level as #p=NAME does; without one, the level last opened; ?level=free opens none; an unknown name is said', { timeout: 60_000 }, async () => {
  const { page, problems } = await openLab('/lab.html?level=deadlock&lang=en');
  assert.equal(await page.getAttribute('#level-panel', 'data-level'), 'deadlock');
  // Its Python twin, as lessons/python holds it.
  await page.click('#python summary');
  await page.waitForFunction(() => document.getElementById('python-code').dataset.state === 'shown');
  assert.equal(await page.textContent('#python-code'), await readFile(resolve(ROOT, 'lessons/python/deadlock.py'), 'utf8'));
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('level'), null, 'the query gives way to the hash');
  assert.match(url.hash, /[#&]p=deadlock(&|$)/);
  // The level last opened in the lab is where a bare lab.html opens.
  await page.goto(`${env.base}/lab.html`);
  await page.waitForFunction(() => document.documentElement.dataset.lab === 'ready');
  assert.equal(await page.getAttribute('#level-panel', 'data-level'), 'deadlock');
  // Free play: a program, no level, and the way back.
  await page.goto(`${env.base}/lab.html?level=free`);
  await page.waitForFunction(() => document.documentElement.dataset.lab === 'ready');
  assert.equal(await page.getAttribute('#level-panel', 'data-state'), 'free');
  assert.equal(await page.getAttribute('#level-panel', 'data-level'), null);
  assert.equal(await page.textContent('#level-free'), `${STRINGS.en['course.freePlay']} ${STRINGS.en['course.backToCourse']}`);
  assert.equal(await page.inputValue('#preset'), '');
  assert.equal(await page.isDisabled('#run-exhaustive'), false, 'nothing waits for a try');
  await page.click('#level-free a');
  await page.waitForFunction(() => document.documentElement.dataset.lab === 'ready' && document.getElementById('level-panel').dataset.level === 'deadlock');
  // A name that is no level at all: said, and the lab opens as it would without it.
  await page.goto(`${env.base}/lab.html?level=no_such_level`);
  await page.waitForFunction(() => document.documentElement.dataset.lab === 'ready');
  assert.equal(await page.getAttribute('#lab-status', 'data-key'), 'course.noSuchLevel');
  assert.match(await page.textContent('#lab-status'), /no_such_level/);
  assert.equal(await page.getAttribute('#level-panel', 'data-level'), 'deadlock');
  assert.deepEqual(problems, []);
  await page.close();
});

test('the same failure three ways: a lab level links its twins in other views, each with the number it recorded', { timeout: 60_000 }, async () => {
  // The levels whose block names twins (`#| twin: NAME ...`), as the lesson files say.
  const withTwins = [];
  for (const name of LAB_LEVELS) {
    const m = /^#\| twin: (.+)$/m.exec(await readFile(resolve(ROOT, `lessons/${name}.lab`), 'utf8'));
    if (m) withTwins.push({ name, twins: m[1].trim().split(/\s+/) });
  }
  assert.ok(withTwins.length > 0, 'some lab level names its twins');
  const { name, twins } = withTwins[0];
  const S = STRINGS.en;
  const { page, problems } = await openLab(`/lab.html#p=${name}`);
  // A twin's number, as its view records it (through the course's progress), then the level again.
  const stop = PATH.find((s) => s.name === twins[0]);
  await page.evaluate(async (twin) => (await import('/www/common/course.js')).record(twin, 'won', { n: 3, of: 1000 }), twins[0]);
  await page.reload();
  await page.waitForFunction(() => document.documentElement.dataset.lab === 'ready');
  assert.equal(await page.textContent('#level-twins h3'), S['course.sameFailure']);
  const rows = await page.$$eval('#level-twins li', (lis) => lis.map((li) => ({
    level: li.dataset.level, href: li.querySelector('a')?.getAttribute('href') ?? null, text: li.textContent,
  })));
  assert.deepEqual(rows.map((r) => r.level), [name, ...twins], 'the level itself, then each twin');
  assert.equal(rows[0].href, null, 'the level itself is not a link');
  assert.ok(rows[0].text.endsWith(S['level.notCounted']), rows[0].text);
  for (const [i, twin] of twins.entries()) {
    const href = new URL(rows[i + 1].href, env.base);
    assert.equal(href.searchParams.get('level'), twin, `${twin} is linked in its own view`);
  }
  const twinTitle = /^#\| title\.en: (.+)$/m.exec(await readFile(resolve(ROOT, `lessons/${twins[0]}.level`), 'utf8'))[1];
  await page.waitForFunction((t) => document.querySelector('#level-twins li:nth-child(2)').textContent.includes(t), twinTitle.replace(/`/g, ''));
  assert.equal(await page.textContent('#level-twins li:nth-child(2)'),
    `${fill(S['course.twinWhere'], { view: S[`course.view.${stop.view}`], title: twinTitle.replace(/`/g, '') })}${S['course.twinSep']}${fill(S[`course.seenOf.${stop.view}`], { n: '3', of: '1,000' })}`);
  // Every interleaving of the level's own program counts this level's number.
  if (await page.isVisible('#explore-lock')) await page.click('#hint-next');
  await page.click('#run-exhaustive');
  await page.waitForFunction(() => document.documentElement.dataset.explore === 'done');
  const seen = await page.evaluate((n) => JSON.parse(localStorage.getItem('queue-playground-lab-progress'))[n]?.seen ?? null, name);
  assert.equal(seen, null, 'a number measured before the goal is reached waits for the win');
  assert.match(await page.textContent(`#level-twins li[data-level="${name}"]`), /reachable in [\d,]+ of [\d,]+ interleavings$/);
  assert.deepEqual(problems, []);
  await page.close();
});

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
  test(`axe-core: no serious or critical violations on a level (${lang}, ${viewport.width} px)`, { timeout: 60_000 }, async () => {
    const { page, problems } = await openLab(`/lab.html?lang=${lang}`, viewport);
    // With the goal reached, the success panel, the results and the measured number showing,
    // the path and the Python twin unfolded, too.
    for (const ti of [0, 1, 0, 1]) await page.click(`${thread(ti)} button.step`);
    await exploreAll(page);
    await page.waitForSelector('#level-twins li');
    if (await page.getAttribute('#path-box', 'open') === null) await page.click('#path-box summary');
    await page.waitForSelector('#path li');
    assert.deepEqual(await axe(page), []);
    assert.deepEqual(problems, []);
    await page.close();
  });
}
