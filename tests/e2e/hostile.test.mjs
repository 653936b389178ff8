// Hostile input never kills a worker or the tab. Every case of the corpus
// (tests/hostile/cases.json, also checked natively by tests/fuzz_lab.rs) opens as a link and
// gets its message within a bounded wait, without a page error, and a trivial program then runs
// correctly in the same page. The explorer's worker, killed mid-run or idle, or throwing, is
// noticed by its supervisor, named in the page and replaced; a long exploration is never taken
// for a death; and a real trap in the page's own wasm replaces that instance instead of
// poisoning every later call.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { start } from './harness.mjs';
import { encodeSrc } from '../../www/lab/url.js';
import { STRINGS, openLab as open } from './lab-page.mjs';

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

const openLab = (path) => open(env, path, WAIT);

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
    assert.deepEqual(await page.evaluate(() => window.__lab.deaths()), { engine: 0, explorer: 0 }, 'no input needed a restart');
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

/** A program whose exhaustive exploration runs for a long while (four threads, 60 rounds each). */
const BIG = `shared x = 0\n${[1, 2, 3, 4].map((n) => `thread T${n} {\n  i = 0\n  while i < 60 {\n    x = x + 1\n    i = i + 1\n  }\n}\n`).join('')}`;

/** Starts exploring BIG (up to `maxStates` states) and waits for its first progress. */
async function startBig(page, maxStates) {
  await page.fill('#editor', BIG);
  await page.waitForFunction((s) => window.__lab.src() === s, BIG, WAIT);
  await page.fill('#max-states', String(maxStates));
  await page.click('#run-exhaustive');
  await page.waitForFunction(() => Number(document.getElementById('progress').dataset.states) > 0, null, WAIT);
}

/** How long the supervisor may take to see a death: about a second of silence, and slack for a
 * loaded machine (a bound, not a measurement). */
const NOTICED = { timeout: 10_000 };

test('the explorer killed mid-run is noticed, named, counted and replaced', { timeout: 120_000 }, async () => {
  const { page, problems } = await openLab();
  await startBig(page, 2_000_000);
  // Nothing the page does: the worker just ends, as a browser may end it. No event says so.
  await page.evaluate(() => window.__lab.worker().terminate());
  await page.waitForFunction(() => document.documentElement.dataset.explorerDeaths === '1', null, NOTICED);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.explore), 'error');
  assert.equal(await page.getAttribute('#progress', 'data-key'), 'death.silent');
  const said = await page.textContent('#progress');
  const [tail] = STRINGS.en['explorer.diedRunning'].split('{death}').slice(1);
  assert.ok(said.startsWith(`${STRINGS.en['explorer.name']}: it stopped answering: no reply for `), said);
  assert.ok(said.endsWith(tail), said);
  // The state line counts it, and a fresh worker comes up and explores.
  await page.waitForFunction(() => document.documentElement.dataset.explorer === 'alive', null, WAIT);
  assert.equal(await page.textContent('#explorer-state'), 'explorer: running · deaths so far: 1');
  assert.equal(await page.isEnabled('#run-exhaustive'), true);
  await trivialRuns(page);
  // An idle worker's death is noticed too.
  await page.evaluate(() => window.__lab.worker().terminate());
  await page.waitForFunction(() => document.documentElement.dataset.explorerDeaths === '2', null, NOTICED);
  assert.ok((await page.textContent('#progress')).endsWith(STRINGS.en['explorer.diedIdle'].split('{death}')[1]));
  await page.waitForFunction(() => document.documentElement.dataset.explorer === 'alive', null, WAIT);
  await trivialRuns(page);
  assert.deepEqual(await page.evaluate(() => window.__lab.deaths()), { engine: 0, explorer: 2 });
  assert.deepEqual(problems, []);
  await page.close();
});

test('an explorer that throws is noticed at once, named in Chinese, and replaced', { timeout: 120_000 }, async () => {
  const { page, problems } = await openLab('/lab.html?lang=zh');
  await page.waitForFunction(() => document.documentElement.dataset.explorer === 'alive', null, WAIT);
  // An exception that escapes the worker's event loop, as a trap outside a caught call would.
  const [worker] = page.workers();
  await worker.evaluate(() => { setTimeout(() => { throw new Error('boom'); }); });
  await page.waitForFunction(() => document.documentElement.dataset.explorerDeaths === '1', null, NOTICED);
  assert.equal(await page.getAttribute('#progress', 'data-key'), 'death.error');
  assert.match(await page.textContent('#progress'), /^探索器的 Worker：它崩溃了：.*boom.*。正在启动新的 Worker。$/);
  await page.waitForFunction(() => document.documentElement.dataset.explorer === 'alive', null, WAIT);
  assert.equal(await page.textContent('#explorer-state'), '探索器：运行中 · 已死亡 1 次');
  await trivialRuns(page);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a long exploration is never taken for a death', { timeout: 180_000 }, async () => {
  const { page, problems } = await openLab();
  // Every state the explorer's supervisor shows, as it changes.
  await page.evaluate(() => {
    window.__states = [];
    new MutationObserver(() => window.__states.push(document.documentElement.dataset.explorer))
      .observe(document.documentElement, { attributes: true, attributeFilter: ['data-explorer'] });
  });
  await startBig(page, 400_000);
  await page.waitForFunction(() => ['done', 'error'].includes(document.documentElement.dataset.explore), null, { timeout: 150_000 });
  // The report after the last state is written in one wasm call: the worker declared it.
  assert.ok((await page.evaluate(() => window.__states)).includes('busy'), 'the report was declared as blocking work');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.explore), 'done', await page.textContent('#progress'));
  assert.match(await page.textContent('#result-notes'), /400,000/, 'it ran to its state limit');
  assert.deepEqual(await page.evaluate(() => window.__lab.deaths()), { engine: 0, explorer: 0 });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a link that fails to open says what failed and why, and the lab goes on', { timeout: 60_000 }, async () => {
  const page = await env.browser.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  // Safari refuses history.replaceState after 100 calls in 30 s: here the first call is refused.
  await page.addInitScript(() => {
    const replace = history.replaceState.bind(history);
    let refused = false;
    history.replaceState = (...args) => {
      if (!refused) {
        refused = true;
        throw new DOMException('Attempt to use history.replaceState() more than 100 times per 30 seconds', 'SecurityError');
      }
      return replace(...args);
    };
  });
  await page.goto(`${env.base}/lab.html#p=store_buffering`);
  await page.waitForFunction(() => document.documentElement.dataset.lab === 'ready', null, WAIT);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.link), 'failed');
  assert.equal(await page.isVisible('#lab-status'), true, 'the learner is told');
  assert.equal(await page.getAttribute('#lab-status', 'data-key'), 'link.failed');
  assert.equal(await page.textContent('#lab-status'),
    STRINGS.en['link.failed'].replace('{e}', 'Attempt to use history.replaceState() more than 100 times per 30 seconds'));
  assert.equal(await page.getAttribute('#level-panel', 'data-level'), 'counter_lost_update', 'the first lesson instead');
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
  assert.deepEqual(await page.evaluate(() => window.__lab.deaths()), { engine: 1, explorer: 0 });
  assert.deepEqual(problems, []);
  await page.close();
});
