// Hostile input never kills a worker or the tab (issue 9, section 4). Every case of the corpus
// (tests/hostile/cases.json, also checked natively by tests/fuzz_lab.rs) opens as a link and
// gets its message within a bounded wait, without a page error, and a trivial program then runs
// correctly in the same page. A lab worker killed mid-run is noticed and replaced, and a real
// trap in the page's own wasm replaces that instance instead of poisoning every later call.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { start } from './harness.mjs';
import { encodeSrc } from '../../www/lab/url.js';
import { LAB_STRINGS } from '../../www/lab/strings.js';

const CASES = JSON.parse(await readFile(new URL('../hostile/cases.json', import.meta.url), 'utf8')).cases;
/** How long a hostile link may take to show its message (a bound, not a measurement). */
const WAIT = { timeout: 20_000 };

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

// The corpus's generators, as tests/fuzz_lab.rs writes them (bounds from src/sim/compile.rs).
const name3 = (i) => [0, 1, 2].map((k) => 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'[Math.floor(i / 52 ** k) % 52]).join('');
const registersProgram = (n) => `shared x\nthread A {\n${Array.from({ length: n }, (_, i) => `${name3(i)}=0;`).join('')}\nwhile x < 60000 { x = x + 1 }\n}\nthread B { x = 5 }\n`;
function widestProgram() {
  const vars = Array.from({ length: 32 }, (_, i) => `v${i}`);
  let src = `shared ${vars.join(', ')}\n`;
  for (let t = 0; t < 4; t++) src += `thread T${t} {\n${vars.map((v, r) => `r${r} = ${v}\n`).join('')}}\n`;
  return src;
}
const expand = (parts) => parts.map((p) => (typeof p === 'string' ? p : p[0].repeat(p[1]))).join('');
function source(c) {
  if (c.generate === 'registers') return registersProgram(c.count);
  if (c.generate === 'widest') return widestProgram();
  return expand(c.src);
}

async function openLab(path = '/lab.html') {
  const page = await env.browser.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('crash', () => problems.push('the page crashed'));
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console: ${msg.text()}`); });
  await page.goto(env.base + path);
  await page.waitForFunction(() => document.documentElement.dataset.lab === 'ready', null, WAIT);
  return { page, problems };
}

const TRIVIAL = 'shared x = 0\nthread A { x = x + 1 }\nthread B { x = x + 1 }';

/** Types the trivial program, steps it by hand and explores it: the lab works. */
async function trivialRuns(page) {
  await page.selectOption('#model', 'sc');
  await page.fill('#editor', TRIVIAL);
  await page.waitForFunction((s) => window.__lab.src() === s && window.__lab.view()?.schedule === '', TRIVIAL, WAIT);
  await page.click('.thread[data-thread="0"] button.stmt');
  await page.waitForFunction(() => window.__lab.view()?.schedule === '0,0', null, WAIT);
  await page.fill('#max-states', '200000');
  await page.click('#run-exhaustive');
  await page.waitForFunction(() => ['done', 'error'].includes(document.documentElement.dataset.explore), null, WAIT);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.explore), 'done', await page.textContent('#progress'));
  const outcomes = await page.$$eval('#histogram li.outcome', (lis) => lis.map((li) => [li.dataset.outcome, Number(li.dataset.count)]));
  assert.deepEqual(outcomes, [['x=1', 4], ['x=2', 2]]);
}

for (const c of CASES) {
  test(`hostile link ${c.name}: ${c.expect}, then the lab still works`, { timeout: 120_000 }, async () => {
    const src = source(c);
    const schedule = c.schedule ? expand(c.schedule) : '';
    const { page, problems } = await openLab(`/lab.html#m=${c.model}&s=${schedule}&src=${encodeSrc(src)}`);
    if (c.expect === 'err.over_budget') {
      // The program itself is fine; exploring it with 2,000,000 states is refused up front.
      await page.fill('#max-states', String(c.max_states));
      await page.click('#run-exhaustive');
      await page.waitForFunction(() => document.documentElement.dataset.explore === 'error', null, WAIT);
      assert.equal(await page.getAttribute('#progress', 'data-key'), c.expect);
      assert.match(await page.textContent('#progress'), /allow at most [\d,]+ states/);
    } else if (c.expect === 'err.schedule_too_long') {
      // The program opens at its start; the note says why the schedule was not taken.
      await page.waitForSelector(`#replay-note[data-key="${c.expect}"]`, WAIT);
      assert.equal(await page.isVisible('#replay-note'), true);
      assert.match(await page.textContent('#replay-note'), /the schedule has 300001 choices; at most 10000 are accepted/);
      assert.equal(await page.evaluate(() => window.__lab.view().schedule), '');
    } else {
      await page.waitForSelector(`#editor-msg[data-key="${c.expect}"]`, WAIT);
      const text = await page.textContent('#editor-msg');
      assert.ok(text.length > 10 && !/undefined|\{\w+\}/.test(text), text);
      if (['err.too_large', 'parse.too_many_lines'].includes(c.expect)) {
        // Refused before the editor was built: no million lines behind the textarea.
        assert.equal(await page.inputValue('#editor'), '');
        assert.ok(await page.$$eval('#editor-backdrop div', (ds) => ds.length) <= 2);
      }
      assert.equal(await page.isDisabled('#run-exhaustive'), true);
    }
    await trivialRuns(page);
    assert.deepEqual(await page.evaluate(() => window.__lab.restarts()), { engine: 0, worker: 0 }, 'no input needed a restart');
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test('a pasted program too large for the lab is refused without building its lines', { timeout: 60_000 }, async () => {
  const { page, problems } = await openLab();
  // As a paste: the whole text at once, then one input event.
  await page.evaluate((text) => {
    const editor = document.getElementById('editor');
    editor.value = text;
    editor.dispatchEvent(new Event('input'));
  }, `shared x\n${'\n'.repeat(300_000)}thread A { x = 1 }`);
  await page.waitForSelector('#editor-msg[data-key="err.too_large"]', WAIT);
  assert.ok(await page.$$eval('#editor-backdrop div', (ds) => ds.length) <= 2);
  await trivialRuns(page);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a lab worker killed mid-run is noticed, replaced and told', { timeout: 120_000 }, async () => {
  const { page, problems } = await openLab();
  const body = (n) => `thread T${n} {\n  i = 0\n  while i < 60 {\n    x = x + 1\n    i = i + 1\n  }\n}\n`;
  const big = `shared x = 0\n${[1, 2, 3, 4].map(body).join('')}`;
  await page.fill('#editor', big);
  await page.waitForFunction((s) => window.__lab.src() === s, big, WAIT);
  await page.fill('#max-states', '2000000');
  await page.click('#run-exhaustive');
  await page.waitForFunction(() => Number(document.getElementById('progress').dataset.states) > 0, null, WAIT);
  // Nothing the page does: the worker just dies, as a browser may end it.
  await page.evaluate(() => window.__lab.worker().terminate());
  await page.waitForFunction(() => document.documentElement.dataset.worker === 'restarted:1', null, WAIT);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.explore), 'error');
  assert.equal(await page.textContent('#progress'), LAB_STRINGS.en['explore.workerDied']);
  assert.equal(await page.isEnabled('#run-exhaustive'), true);
  await trivialRuns(page);
  // An idle worker's death is noticed too.
  await page.evaluate(() => window.__lab.worker().terminate());
  await page.waitForFunction(() => document.documentElement.dataset.worker === 'restarted:2', null, WAIT);
  await trivialRuns(page);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a real trap in the page\'s wasm replaces the instance instead of poisoning the next run', { timeout: 120_000 }, async () => {
  const { page, problems } = await openLab();
  await page.waitForFunction(() => window.__lab.view()?.schedule === '', null, WAIT);
  // Point the session at memory the instance does not have: the next call traps for real
  // (RuntimeError: memory access out of bounds), as the stack overflow once did.
  await page.evaluate(() => { window.__lab.session().__wbg_ptr = 0x7ffffff0; });
  await page.click('.thread[data-thread="0"] button.stmt');
  await page.waitForFunction(() => document.documentElement.dataset.engine === 'restarted:1', null, WAIT);
  assert.equal(await page.getAttribute('#lab-status', 'data-key'), 'engine.restarted');
  assert.match(await page.textContent('#lab-status'), /engine \(wasm\) failed \(.*(memory access out of bounds|unreachable).*\) and was restarted/);
  await trivialRuns(page);
  assert.deepEqual(await page.evaluate(() => window.__lab.restarts()), { engine: 1, worker: 0 });
  assert.deepEqual(problems, []);
  await page.close();
});
