// Embedding (issue 11), as a documentation author would: docs/embed-example.html served from a
// second origin (another port) with its <script> pointed at the playground's origin. Each
// embedded lesson loads when scrolled to and runs, its frame follows its content's height, the
// links leave for new tabs with the same lesson and language, "copy link" gives the playground's
// link (or a selected field where the clipboard is refused), nothing overflows at 375 px, and
// axe-core finds no serious or critical violation in the embedded pages.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { start } from './harness.mjs';
import { startHost } from './host.mjs';
import { STRINGS as LAB_STRINGS } from './lab-page.mjs';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const AXE = resolve(ROOT, 'node_modules/axe-core/axe.min.js');
/** The example page's embeds, in order, and what each must show. */
const EMBEDS = [
  { view: 'queue' },
  { view: 'lab', lesson: 'counter_lost_update', model: 'sc' },
  { view: 'lab', lesson: 'store_buffering', model: 'tso' },
];
let env;
let host;

before(async () => {
  env = await start();
  host = await startHost(env.base);
  assert.notEqual(new URL(host.base).origin, new URL(env.base).origin);
});
after(async () => {
  await host?.close();
  await env?.close();
});

/** A host page in a fresh context; every console error and uncaught error, in any frame, is kept. */
async function openHost(path, { width = 1000, lang, permissions } = {}) {
  const context = await env.browser.newContext({ viewport: { width, height: 800 } });
  if (permissions) await context.grantPermissions(permissions, { origin: host.base });
  const page = await context.newPage();
  // Every message the top page receives, as a host that handles the Embedly form would see it.
  await page.addInitScript(() => {
    if (window.top !== window) return;
    window.__messages = [];
    addEventListener('message', (e) => window.__messages.push({ origin: e.origin, data: e.data }));
  });
  const problems = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console: ${msg.text()} (${msg.location().url})`); });
  await page.goto(host.base + path + (lang ? `?lang=${lang}` : ''));
  return { context, page, problems };
}

const element = (page, i) => page.locator('queue-playground').nth(i);

/** Scrolls embed `i` into view and waits until its page is interactive; returns its frame. */
async function embedded(page, i) {
  await element(page, i).scrollIntoViewIfNeeded();
  const iframe = element(page, i).locator('iframe');
  await iframe.waitFor();
  const frame = await (await iframe.elementHandle()).contentFrame();
  await frame.waitForURL(/[?&]embed=1/);
  await frame.waitForFunction(() => ['ready', 'failed'].includes(document.documentElement.dataset.lab ?? document.documentElement.dataset.worker));
  const state = await frame.evaluate(() => document.documentElement.dataset.lab ?? document.documentElement.dataset.worker);
  assert.equal(state, 'ready', `embed ${i} (${frame.url()}) did not start`);
  return frame;
}

const contentHeight = (frame) => frame.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
const frameHeight = (page, i) => element(page, i).locator('iframe').evaluate((f) => f.getBoundingClientRect().height);

/** Waits until the host's frame is exactly as tall as the content inside it; returns that height. */
async function heightsAgree(page, i, frame) {
  for (let attempt = 0; ; attempt++) {
    const inner = await contentHeight(frame);
    if (attempt === 10) assert.equal(await frameHeight(page, i), inner, `embed ${i}: the frame never took its content's height`);
    try {
      await page.waitForFunction(([n, h]) => {
        const f = document.querySelectorAll('queue-playground')[n].shadowRoot.querySelector('iframe');
        return f.getBoundingClientRect().height === h;
      }, [i, inner], { timeout: 5000 });
    } catch { /* the content moved on while we waited: measure again */ }
    if (await contentHeight(frame) === inner && await frameHeight(page, i) === inner) return inner;
  }
}

/**
 * Checks the last height message embed `i` sent: a JSON string in the Embedly form from the
 * playground's origin, whose src is the iframe's src attribute (so that hosts that find the frame
 * by `iframe[src="…"]` find it, even after the lab rewrote its own hash), with `height`.
 */
async function lastResize(page, i, height) {
  const src = await element(page, i).locator('iframe').getAttribute('src');
  const sent = (await page.evaluate(() => window.__messages))
    .filter((m) => typeof m.data === 'string' && m.data.includes('iframe.resize'))
    .map((m) => ({ origin: m.origin, ...JSON.parse(m.data) }))
    .filter((m) => m.src === src);
  assert.ok(sent.length >= 2, `embed ${i}: a message at load and after each change (${sent.length})`);
  assert.deepEqual(sent.at(-1), { origin: env.base, src, context: 'iframe.resize', height });
}

/** Runs axe-core in `frame` (a page or a frame) and returns its serious and critical violations. */
async function axe(frame) {
  await frame.addScriptTag({ path: AXE });
  return frame.evaluate(async () => (await window.axe.run(document)).violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`));
}

test('each embedded lesson loads from another origin when scrolled to, runs, and its frame follows its height', async () => {
  const { context, page, problems } = await openHost('/embed-example.html');
  assert.equal(await page.locator('queue-playground').count(), EMBEDS.length);
  // Lazy: the last lesson is far below the first screen, so it has no frame yet.
  assert.equal(await element(page, 2).locator('iframe').count(), 0, 'the third lesson waits until it is scrolled to');

  // The queue view: a message sent is delivered, and the frame grows with the batch shown.
  const queue = await embedded(page, 0);
  assert.equal(new URL(queue.url()).origin, env.base);
  assert.equal(await queue.evaluate(() => document.documentElement.dataset.embed), '1');
  assert.equal(await queue.evaluate(() => getComputedStyle(document.querySelector('body > header')).display), 'none', 'no site chrome');
  const before = await heightsAgree(page, 0, queue);
  await queue.fill('#msg-input', 'hello from the docs');
  await queue.press('#msg-input', 'Enter');
  await queue.waitForFunction(() => window.__qp.stats().delivered >= 1);
  await queue.waitForSelector('#batches .msg');
  const afterBatch = await heightsAgree(page, 0, queue);
  assert.notEqual(afterBatch, before, 'the batch changed the content height');
  await lastResize(page, 0, afterBatch);

  // The lab lessons: the lesson and model the element asked for; step one thread; explore.
  for (const i of [1, 2]) {
    const { lesson, model } = EMBEDS[i];
    const lab = await embedded(page, i);
    const text = await readFile(resolve(ROOT, `lessons/${lesson}.lab`), 'utf8');
    // The editor shows the lesson's program: the file without its `#|` level block.
    const src = await lab.evaluate(() => window.__lab.src());
    assert.ok(src.trim().length > 0 && text.startsWith(src), `${lesson}: the lesson's program`);
    assert.match(text.slice(src.length), /^\s*(#\|[^\n]*\s*)+$/, `${lesson}: only the level block is left out`);
    assert.equal(await lab.evaluate(() => window.__lab.model()), model, `${lesson}: its model`);
    await lab.click('.thread[data-thread="0"] button.stmt');
    await lab.waitForFunction(() => window.__lab.view().schedule !== '');
    // A level's explorer waits for a first try or a hint: take the hint.
    if (await lab.isVisible('#explore-lock')) await lab.click('#hint-next');
    const stepped = await heightsAgree(page, i, lab);
    await lab.click('#run-exhaustive');
    await lab.waitForFunction(() => ['done', 'error'].includes(document.documentElement.dataset.explore));
    assert.equal(await lab.evaluate(() => document.documentElement.dataset.explore), 'done', await lab.textContent('#progress'));
    assert.ok(await lab.locator('#failures li.failure').count() >= 1, `${lesson}: the explorer finds the failure`);
    const explored = await heightsAgree(page, i, lab);
    assert.ok(explored > stepped, `${lesson}: the frame grew with the results (${stepped} -> ${explored} px)`);
    assert.notEqual(lab.url(), await element(page, i).locator('iframe').getAttribute('src'), 'the lab rewrote its hash');
    await lastResize(page, i, explored);
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test('links open in a new tab with the same lesson and language', async () => {
  const { context, page, problems } = await openHost('/embed-example.html', { lang: 'zh' });
  for (const [i, want] of EMBEDS.entries()) {
    const frame = await embedded(page, i);
    const strings = LAB_STRINGS.zh; // the same embed.* texts are in both string tables
    assert.equal(await frame.evaluate(() => document.documentElement.lang), 'zh');
    const link = frame.locator('.embed-open');
    assert.equal(await link.textContent(), strings['embed.open']);
    assert.equal(await link.getAttribute('target'), '_blank');
    assert.equal(await link.getAttribute('rel'), 'noopener');
    const url = new URL(await link.getAttribute('href'));
    assert.equal(url.origin, env.base, 'the playground, not the docs page');
    assert.equal(url.pathname, want.view === 'lab' ? '/lab.html' : '/index.html');
    assert.equal(url.searchParams.get('lang'), 'zh');
    assert.equal(url.searchParams.has('embed'), false, 'the full page, not the embed');
    if (want.lesson) {
      const hash = new URLSearchParams(url.hash.slice(1));
      assert.equal(hash.get('p'), want.lesson);
      assert.equal(hash.get('m'), want.model);
    }
    // Every link in the embed leaves the frame: its own target, or the page's <base target>.
    const targets = await frame.evaluate(() => [...document.querySelectorAll('a[href]')]
      .map((a) => a.target || document.querySelector('base[target]')?.target || ''));
    assert.ok(targets.length >= 1 && targets.every((t) => t === '_blank'), `targets: ${targets}`);
  }

  // Following the lab link opens the full lab, in Chinese, on the same lesson.
  const lab = await embedded(page, 1);
  const [tab] = await Promise.all([context.waitForEvent('page'), lab.click('.embed-open')]);
  await tab.waitForFunction(() => document.documentElement.dataset.lab === 'ready');
  assert.equal(new URL(tab.url()).origin, env.base);
  assert.equal(await tab.evaluate(() => document.documentElement.dataset.embed), undefined);
  assert.equal(await tab.evaluate(() => document.documentElement.lang), 'zh');
  assert.equal(await tab.evaluate(() => new URLSearchParams(location.hash.slice(1)).get('p')), 'counter_lost_update');
  assert.ok(await tab.isVisible('body > header'), 'the full page has its header');
  assert.deepEqual(problems, []);
  await context.close();
});

test('copy link writes the playground link where the clipboard is allowed, and shows it in a selected field where not', async () => {
  const { context, page, problems } = await openHost('/embed-example.html', { permissions: ['clipboard-read', 'clipboard-write'] });
  const lab = await embedded(page, 1);
  await lab.click('.thread[data-thread="1"] button.stmt');
  await lab.waitForFunction(() => window.__lab.view().schedule !== '');
  await lab.click('.embed-copy');
  await lab.waitForFunction((done) => document.querySelector('.embed-note').textContent === done, LAB_STRINGS.en['embed.copied']);
  const copied = new URL(await page.evaluate(() => navigator.clipboard.readText()));
  const here = new URL(await lab.evaluate(() => location.href));
  assert.equal(copied.origin + copied.pathname, `${env.base}/lab.html`);
  assert.equal(copied.searchParams.get('lang'), 'en');
  assert.equal(copied.searchParams.has('embed'), false);
  assert.equal(copied.hash, here.hash, 'the lesson, model and the schedule taken so far');
  assert.notEqual(new URLSearchParams(copied.hash.slice(1)).get('s'), '');
  assert.deepEqual(problems, []);
  await context.close();

  // A plain iframe whose host did not allow clipboard-write: the link is shown, selected.
  host.pages.set('/plain.html', `<!doctype html><html lang="en"><title>plain</title><link rel="icon" href="data:,">
    <iframe title="lesson" src="${env.base}/lab.html?embed=1#p=deadlock" style="width:100%;height:600px"></iframe>`);
  const plain = await openHost('/plain.html');
  const frame = await (await plain.page.locator('iframe').elementHandle()).contentFrame();
  await frame.waitForFunction(() => document.documentElement.dataset.lab === 'ready');
  await frame.click('.embed-copy');
  const field = frame.locator('.embed-note input');
  await field.waitFor();
  const shown = new URL(await field.inputValue());
  assert.equal(shown.origin + shown.pathname, `${env.base}/lab.html`);
  assert.equal(shown.searchParams.has('embed'), false);
  assert.equal(new URLSearchParams(shown.hash.slice(1)).get('p'), 'deadlock');
  assert.equal(await frame.evaluate(() => document.activeElement === document.querySelector('.embed-note input')), true, 'focused');
  assert.deepEqual(await field.evaluate((f) => [f.selectionStart, f.selectionEnd]), [0, shown.href.length], 'all of it selected');
  assert.deepEqual(plain.problems, [], 'the refused clipboard is not an error');
  await plain.context.close();
});

for (const lang of ['en', 'zh']) {
  test(`a 375 px host in ${lang}: nothing overflows and axe-core finds no serious or critical violation`, async () => {
    const { context, page, problems } = await openHost('/embed-example.html', { width: 375, lang });
    const found = [];
    for (const i of EMBEDS.keys()) {
      const frame = await embedded(page, i);
      await heightsAgree(page, i, frame);
      const [scroll, client] = await frame.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
      assert.ok(scroll <= client, `embed ${i}: ${scroll} px of content in a ${client} px frame`);
      found.push(...(await axe(frame)).map((v) => `embed ${i}: ${v}`));
    }
    const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    assert.ok(scroll <= client, `host: ${scroll} px of content in a ${client} px window`);
    found.push(...(await axe(page)).map((v) => `host: ${v}`));
    assert.deepEqual(found, []);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('the element: a program as src, a lesson under its own model, later views, and bad attributes', async () => {
  const { context, page, problems } = await openHost('/embed-example.html');
  const program = 'shared n = 0\n\nthread A {\n  n = n + 1\n}\n\nthread B {\n  n = n + 2\n}\n\nfinal assert n == 3   # 中文注释\n';
  await page.evaluate((src) => {
    const add = (attrs) => {
      const el = document.createElement('queue-playground');
      for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
      document.querySelector('main').prepend(el);
      return el;
    };
    // prepended in reverse: they end up as queue-playground 0..3, above the example's own
    add({ view: 'threads', params: 'producers=2&consumers=2&embed=0' });
    add({ model: 'fast' });
    add({ lesson: 'store_buffering', lang: 'zh' });
    add({ src, model: 'ra' });
  }, program);
  const custom = await embedded(page, 0);
  assert.equal(await custom.evaluate(() => window.__lab.src()), program);
  assert.equal(await custom.evaluate(() => window.__lab.model()), 'ra');

  const sb = await embedded(page, 1);
  assert.equal(await sb.evaluate(() => window.__lab.model()), 'tso', 'a lesson opens under the model it is taught with');
  assert.equal(await sb.evaluate(() => document.documentElement.lang), 'zh');

  const bad = element(page, 2);
  assert.equal(await bad.locator('iframe').count(), 0);
  assert.match(await bad.locator('[role=alert]').textContent(), /model="fast"/);

  // A later view is index.html?view=NAME; embed=1 cannot be overridden by params.
  const later = element(page, 3);
  await later.scrollIntoViewIfNeeded();
  const src = new URL(await later.locator('iframe').getAttribute('src'));
  assert.equal(src.pathname, '/index.html');
  assert.deepEqual(Object.fromEntries(src.searchParams), { view: 'threads', producers: '2', consumers: '2', embed: '1' });
  assert.match(await later.locator('iframe').getAttribute('allow'), /cross-origin-isolated/);
  assert.deepEqual(problems, []);
  await context.close();
});
