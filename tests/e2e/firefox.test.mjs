// The same pages in a second engine: Debian's Firefox ESR driven through geckodriver by the
// small WebDriver client in webdriver.mjs (playwright-core cannot drive Debian's Firefox).
// A smoke pass over what differs most between engines: the Rust worker answering posts typed as
// real key presses, its strings loaded per language, and the lab's wasm explorer in its own worker.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { serve } from '../../scripts/serve.mjs';
import { ENTER, firefox } from './webdriver.mjs';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
let server;
let base;
let ff;
before(async () => {
  server = await serve(ROOT, 0);
  base = `http://127.0.0.1:${server.address().port}`;
  ff = await firefox();
  console.log(`Firefox ${ff.version}`);
});
after(async () => {
  await ff?.close();
  await new Promise((ok) => server?.close(ok));
});

test('Firefox: typed messages go through the Rust worker and come back in order, as text', async () => {
  await ff.goto(`${base}/index.html`);
  await ff.waitFor('return document.documentElement.dataset.worker === "ready"', { what: 'the worker is ready' });
  await ff.run(`
    const mode = document.querySelector('#mode');
    mode.value = 'drain';
    mode.dispatchEvent(new Event('change', { bubbles: true }));`);
  await ff.waitFor('return window.__qp.settings()?.mode === "drain"', { what: 'drain mode confirmed by the worker' });
  const sent = ['first', '<b>second</b>', '中文消息'];
  for (const text of sent) await ff.type('#msg-input', text + ENTER);
  await ff.waitFor(`return window.__qp.stats().delivered >= ${sent.length}`, { what: 'three messages delivered' });
  const got = await ff.run(`return [...document.querySelectorAll('#batches li.batch')].reverse()
    .flatMap((li) => [...li.querySelectorAll('.msg')].map((m) => m.textContent))`);
  assert.deepEqual(got, sent);
  assert.equal(await ff.run('return document.querySelectorAll("#batches b").length'), 0, 'markup stays text');
  // The other language's strings load on the switch (one language per visit).
  await ff.run(`
    const lang = document.querySelector('#lang');
    lang.value = 'zh';
    lang.dispatchEvent(new Event('change', { bubbles: true }));`);
  await ff.waitFor('return document.documentElement.lang === "zh"', { what: 'the page switched to Chinese' });
  assert.match(await ff.run('return document.querySelector("h1").textContent'), /[\u4e00-\u9fff]/);
  assert.match(await ff.run('return document.querySelector("#burst-btn").textContent'), /[\u4e00-\u9fff]/);
  await ff.run(`localStorage.removeItem('queue-playground-lang')`); // the next page starts as before
});

test('Firefox: the lab explores every interleaving of the lost update in its worker', async () => {
  await ff.goto(`${base}/lab.html`);
  await ff.waitFor('return document.documentElement.dataset.lab === "ready"', { what: 'the lab is ready' });
  await ff.run(`
    const preset = document.querySelector('#preset');
    preset.value = 'counter_lost_update';
    preset.dispatchEvent(new Event('change', { bubbles: true }));`);
  await ff.waitFor('return location.hash.includes("p=counter_lost_update")', { what: 'the lesson is loaded' });
  // A level's explorer waits for a first try or a hint: take the first hint.
  if (await ff.run('const l = document.querySelector("#explore-lock"); return Boolean(l && l.offsetParent !== null)')) await ff.click('#hint-next');
  await ff.waitFor('return !document.querySelector("#run-exhaustive").disabled', { what: 'the explorer unlocked' });
  await ff.click('#run-exhaustive');
  const state = await ff.waitFor(`const s = document.documentElement.dataset.explore;
    return ['done', 'error'].includes(s) && s`, { what: 'the explorer finished' });
  assert.equal(state, 'done');
  const outcomes = await ff.run(`return [...document.querySelectorAll('#histogram li.outcome')]
    .map((li) => [li.dataset.outcome, Number(li.dataset.count)])`);
  // The lesson's own claim, and what `cargo run --bin lab` prints: 4 of 6 schedules lose an update.
  assert.deepEqual(outcomes, [['count=1', 4], ['count=2', 2]]);
  assert.equal(await ff.run('return document.querySelectorAll("#failures li.failure").length'), 1);
});
