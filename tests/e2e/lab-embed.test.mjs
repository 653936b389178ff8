// The lab embedded (`?embed=1` with a lesson): the lesson only — its title, goal and hints, the
// program, the stepper, the explorer and a link to the full course — compact enough for a
// documentation page (at most 1,100 px tall at 760 px wide before any interaction, in English
// and Chinese), its next level a link to a new tab; every lab level of the path steps and explores embedded; and without `embed=1` the
// full lab keeps its course, path, pickers and glossary.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './harness.mjs';
import { LAB_LEVELS, PATH, STRINGS, axe, openLab } from './lab-page.mjs';

/** The tallest an embedded lesson may be at 760 px wide, before any interaction. */
const MAX_HEIGHT = 1100;
const NARROW = { width: 760, height: 900 };

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

/** The document's height, as the embed frame reports it to its host. */
const height = (page) => page.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));

/** Which of the page's parts are shown (laid out with a size), by selector. */
const shown = (page, selectors) => page.evaluate((sels) => Object.fromEntries(sels.map((s) => {
  const e = document.querySelector(s);
  return [s, Boolean(e && e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')];
})), selectors);

const LESSON_PARTS = ['#level-title', '#level-goal', '#hint-next', '#course-link', '#editor', '#threads .thread', '#memory', '#run-exhaustive', '#run-random', '#run-pct', '#explorer-state'];
const SITE_PARTS = ['#course', '#course .claims', '#path', '#preset', '#model', '#terms-section', 'header h1', '#lang', '#python'];

for (const lang of ['en', 'zh']) {
  test(`the embedded lesson is that lesson only, at most ${MAX_HEIGHT} px tall at 760 px (${lang})`, { timeout: 60_000 }, async (t) => {
    const { page, problems } = await openLab(env, `/lab.html?embed=1&lang=${lang}#p=counter_lost_update`, { viewport: NARROW });
    await page.waitForFunction(() => window.__lab.view()?.schedule === '' && document.querySelector('.embed-bar'));
    const h = await height(page);
    t.diagnostic(`embedded counter_lost_update at 760 px (${lang}): ${h} px`);
    assert.ok(h <= MAX_HEIGHT, `${h} px tall, at most ${MAX_HEIGHT}`);
    assert.deepEqual(await shown(page, LESSON_PARTS), Object.fromEntries(LESSON_PARTS.map((s) => [s, true])));
    assert.deepEqual(await shown(page, SITE_PARTS), Object.fromEntries(SITE_PARTS.map((s) => [s, false])));
    assert.equal(await page.textContent('#course-link'), STRINGS[lang]['courseLink.text']);
    const link = await page.evaluate(() => {
      const a = document.getElementById('course-link');
      return { href: a.href, target: a.target, rel: a.rel };
    });
    assert.deepEqual(link, { href: `${env.base}/lab.html?lang=${lang}#p=counter_lost_update`, target: '_blank', rel: 'noopener' });
    // The next level on the path leaves the frame too: a new tab, never the host's frame.
    assert.deepEqual(await page.$eval('#level-next', (a) => [a.target, new URL(a.href).searchParams.get('level')]), ['_blank', 'threads_lost_update']);
    // The course link opens the full course, in a new tab, at this lesson.
    const [tab] = await Promise.all([page.context().waitForEvent('page'), page.click('#course-link')]);
    await tab.waitForFunction(() => document.documentElement.dataset.lab === 'ready');
    assert.equal(await tab.getAttribute('#level-panel', 'data-level'), 'counter_lost_update');
    assert.equal(await tab.isVisible('#path'), true, 'the full course shows its path');
    await tab.close();
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test('every lab level of the path steps and explores embedded', { timeout: 300_000 }, async (t) => {
  const heights = [];
  for (const lesson of LAB_LEVELS) {
    const { page, problems } = await openLab(env, `/lab.html?embed=1#p=${lesson}`, { viewport: NARROW });
    await page.waitForFunction(() => window.__lab.view()?.schedule === '');
    assert.equal(await page.getAttribute('#level-panel', 'data-level'), lesson);
    assert.equal(await page.isVisible('#level-title'), true, lesson);
    heights.push(`${lesson} ${await height(page)}`);
    // Step: the first thread that can take a statement takes one.
    const stepper = page.locator('.thread button.stmt:not([disabled])').first();
    await stepper.click();
    await page.waitForFunction(() => window.__lab.view().schedule !== '');
    if (await page.isVisible('#explore-lock')) await page.click('#hint-next');
    await page.click('#run-exhaustive');
    await page.waitForFunction(() => ['done', 'error'].includes(document.documentElement.dataset.explore));
    assert.equal(await page.evaluate(() => document.documentElement.dataset.explore), 'done', `${lesson}: ${await page.textContent('#progress')}`);
    assert.ok(await page.locator('#histogram li').count() >= 1, `${lesson}: the explorer shows its outcomes`);
    assert.equal(await page.isVisible('#results'), true, lesson);
    assert.deepEqual(problems, [], lesson);
    await page.close();
  }
  t.diagnostic(`embedded heights at 760 px, before any interaction: ${heights.join(', ')}`);
});

test('without embed=1 the full lab keeps its course, path, pickers, glossary and help', async () => {
  const { page, problems } = await openLab(env, '/lab.html#p=counter_lost_update', { viewport: NARROW });
  assert.deepEqual(await shown(page, SITE_PARTS), Object.fromEntries(SITE_PARTS.map((s) => [s, true])));
  assert.equal(await page.$$eval('#path li', (lis) => lis.length), PATH.length, 'the path shows every level of every view');
  assert.equal(await page.isVisible('#course-link'), false, 'the course link is the embed’s');
  assert.equal(await page.isVisible('[data-t="stepper.help"]'), true);
  assert.equal(await page.isVisible('.embed-bar'), false);
  // The sections in the order the eye meets them, as they always were.
  const order = await page.evaluate(() => [...document.querySelectorAll('main > section')].filter((s) => s.getClientRects().length)
    .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top).map((s) => s.id || s.className));
  assert.deepEqual(order, ['course', 'level-panel', 'controls wide', 'editor-section', 'stepper-section', 'explore-section', 'terms-section']);
  assert.deepEqual(problems, []);
  await page.close();
});

for (const [lang, width] of [['en', 760], ['zh', 760], ['en', 375], ['zh', 375]]) {
  test(`axe-core: the embedded lesson has no serious or critical violations (${lang}, ${width} px)`, { timeout: 60_000 }, async () => {
    const { page, problems } = await openLab(env, `/lab.html?embed=1&lang=${lang}#p=counter_lost_update`, { viewport: { width, height: 800 } });
    // With the goal reached, a hint shown and results showing, too.
    for (const ti of [0, 1, 0, 1]) await page.click(`.thread[data-thread="${ti}"] button.step`);
    await page.click('#hint-next');
    await page.click('#run-exhaustive');
    await page.waitForFunction(() => document.documentElement.dataset.explore === 'done');
    assert.deepEqual(await axe(page), []);
    assert.deepEqual(problems, []);
    await page.close();
  });
}
