// The one course across the views, in a real Chromium: a view opened without a level shows its
// first level on the path; `#level-next` leads along the path, across views; progress made in
// one view shows in the overview of another and survives a reload; `?level=NAME` opens a level
// in its own view wherever it is asked; a level embeds with one attribute.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { start } from './harness.mjs';
import { startHost } from './host.mjs';
import { parsePath } from '../../www/common/course.js';

const ROOT = resolve(import.meta.dirname, '../..');
const PATH = parsePath(await readFile(resolve(ROOT, 'lessons/path.txt'), 'utf8'));
const first = (view) => PATH.find((s) => s.view === view).name;
let env;
let host;

before(async () => {
  env = await start();
  host = await startHost(env.base);
});
after(async () => {
  await host?.close();
  await env?.close();
});

/** The level panel's level and state, once the panel shows a level. */
async function panel(page) {
  await page.waitForSelector('#level-panel[data-level]');
  return page.$eval('#level-panel', (s) => ({ level: s.dataset.level, state: s.dataset.state }));
}

test('each view opens on its first level of the path, with a way to free play', async () => {
  const ctx = await env.browser.newContext();
  const page = await ctx.newPage();
  for (const [url, view] of [['/index.html', 'queue'], ['/index.html?view=threads', 'threads'], ['/index.html?view=broker', 'broker'], ['/lab.html', 'lab']]) {
    await page.goto(env.base + url);
    assert.deepEqual(await panel(page), { level: first(view), state: 'playing' }, url);
  }
  await page.goto(`${env.base}/index.html?level=free`);
  await page.waitForSelector('#level-panel[data-state=free]');
  assert.equal(await page.$('#level-panel[data-level]'), null, 'free play checks no level');
  await ctx.close();
});

test('#level-next follows the path across views, and the overview shows progress made elsewhere', async () => {
  const ctx = await env.browser.newContext();
  const page = await ctx.newPage();
  // Walk the first stretch of the path by its links alone.
  await page.goto(`${env.base}/index.html`);
  const walked = [];
  for (let i = 0; i < 4; i++) {
    const { level } = await panel(page);
    walked.push(level);
    await Promise.all([page.waitForURL((u) => u.href.includes(PATH[i + 1].name)), page.click('#level-next')]);
  }
  assert.deepEqual(walked, PATH.slice(0, 4).map((s) => s.name), 'one level after another, as lessons/path.txt orders them');
  // Progress recorded in the lab's page (as the lab records a win) shows in the threads view.
  await page.goto(`${env.base}/lab.html#p=${first('lab')}`);
  await panel(page);
  await page.evaluate(async (name) => (await import('/www/common/course.js')).record(name, 'won', { n: 4, of: 6 }), first('lab'));
  await page.goto(`${env.base}/index.html?view=threads`);
  await panel(page);
  await page.click('#level-panel .course-overview summary');
  const row = page.locator(`.course-overview li[data-level="${first('lab')}"]`);
  await row.waitFor();
  assert.equal(await row.getAttribute('data-stage'), 'won');
  await page.reload();
  await panel(page);
  await page.click('#level-panel .course-overview summary');
  assert.equal(await page.locator(`.course-overview li[data-level="${first('lab')}"]`).getAttribute('data-stage'), 'won', 'progress survives a reload');
  assert.equal(await page.locator('.course-overview [aria-current=step]').count(), 1, 'the overview marks where the learner is');
  await ctx.close();
});

test('?level=NAME opens a level in its own view, from any page; an unknown name is said', async () => {
  const ctx = await env.browser.newContext();
  const page = await ctx.newPage();
  const lab = first('lab');
  await page.goto(`${env.base}/index.html?level=${lab}`);
  await page.waitForURL((u) => u.pathname.endsWith('/lab.html'));
  assert.equal((await panel(page)).level, lab, 'a lab level asked of index.html opens in the lab');
  const threads = first('threads');
  await page.goto(`${env.base}/lab.html?level=${threads}`);
  await page.waitForURL((u) => u.pathname.endsWith('/index.html'));
  assert.equal((await panel(page)).level, threads, 'a threads level asked of lab.html opens in the threads view');
  await page.goto(`${env.base}/index.html?level=no_such_level`);
  assert.equal((await panel(page)).level, first('queue'), 'an unknown name opens the view on its own level');
  assert.match(await page.textContent('#level-panel .level-note'), /no_such_level/, 'and says which name it did not find');
  await ctx.close();
});

test('<queue-playground level> embeds a level in its view, compact', async () => {
  const page = await env.browser.newPage();
  const name = first('broker');
  host.pages.set('/level.html', `<!doctype html><html lang="en"><title>a level</title><body>
    <script src="${env.base}/www/embed.js"></script>
    <queue-playground level="${name}" lang="zh"></queue-playground></body></html>`);
  await page.goto(`${host.base}/level.html`);
  const frame = await (await page.waitForSelector('queue-playground >> iframe')).contentFrame();
  await frame.waitForSelector(`#level-panel[data-level="${name}"]`);
  assert.equal(await frame.$('#level-panel .course-overview'), null, 'an embedded level is compact: no course overview');
  assert.equal(await frame.evaluate(() => document.documentElement.lang.startsWith('zh')), true);
  await page.close();
});
