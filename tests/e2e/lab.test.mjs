// The interleaving lab in Chromium: stepping a preset by hand to a lost update, the
// worker's exhaustive explorer agreeing with the native command, a shared link restoring the
// same state, parse errors in place, cancelling, and a worker that survives bad messages.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { readFile, readdir } from 'node:fs/promises';
import { start } from './harness.mjs';
import { LAB_LEVELS, LAB_TABLES, PATH, SHARED_TABLES, STRINGS, openLab as open } from './lab-page.mjs';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

/** Opens the lab (optionally at a URL suffix) and waits until its wasm and program are loaded. */
const openLab = (path) => open(env, path);

async function choosePreset(page, name, model) {
  await page.selectOption('#preset', name);
  await page.waitForFunction((n) => location.hash.includes(`p=${n}`) && window.__lab.view()?.schedule === '', name);
  // A level's explorer waits for a first try or a hint: take the hint.
  if (await page.isVisible('#explore-lock')) await page.click('#hint-next');
  if (model) {
    await page.selectOption('#model', model);
    await page.waitForFunction((m) => window.__lab.model() === m, model);
  }
}

const thread = (i) => `.thread[data-thread="${i}"]`;
const shared = (page, name) => page.textContent(`#memory [data-var="${name}"] .value`);
const schedule = (page) => page.getAttribute('#schedule', 'data-schedule');
const temp = (page, i, name) => page.textContent(`${thread(i)} .temps [data-name="${name}"] dd`);

async function explore(page) {
  await page.click('#run-exhaustive');
  await page.waitForFunction(() => ['done', 'error'].includes(document.documentElement.dataset.explore));
  assert.equal(await page.evaluate(() => document.documentElement.dataset.explore), 'done', await page.textContent('#progress'));
  return page.evaluate(() => ({
    outcomes: [...document.querySelectorAll('#histogram li.outcome[data-outcome]')].map((li) => [li.dataset.outcome, Number(li.dataset.count)]),
    failureBars: [...document.querySelectorAll('#histogram li.failure')].map((li) => [li.dataset.kind.replace(/_/g, '-'), Number(li.dataset.count)]),
    failures: [...document.querySelectorAll('#failures li.failure')].map((li) => ({
      kind: li.dataset.kind.replace(/_/g, '-'),
      count: Number(li.querySelector('.head .count').textContent.replace(/\D/g, '')),
      message: li.querySelector('.message').textContent,
      schedule: li.querySelector('.sched').dataset.schedule,
      goal: li.dataset.goal === 'true',
    })),
  }));
}

/** What `cargo run --bin lab -- FILE MODEL` prints: outcomes with counts, then failures. */
async function native(file, model) {
  let stdout;
  try {
    ({ stdout } = await promisify(execFile)('cargo', ['run', '--quiet', '--bin', 'lab', '--', file, model], { cwd: ROOT, maxBuffer: 1 << 24 }));
  } catch (err) {
    if (typeof err.stdout !== 'string' || err.code !== 1) throw err; // exit code 1: failures found
    stdout = err.stdout;
  }
  const outcomes = [];
  const failures = [];
  const lines = stdout.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let m = /^\s*(\d+)  (.*)$/.exec(lines[i]);
    if (m) { outcomes.push([m[2], Number(m[1])]); continue; }
    m = /^FAIL (\S+) \((\d+) schedules?\): (.*)$/.exec(lines[i]);
    if (m) {
      const sched = /^\s+shortest schedule: (.*)$/.exec(lines[i + 1] ?? '');
      failures.push({ kind: m[1], count: Number(m[2]), message: m[3], schedule: sched ? sched[1] : '' });
    }
  }
  return { outcomes, failures };
}

test('stepping the counter preset by hand to a lost update', async () => {
  const { page, problems } = await openLab();
  await choosePreset(page, 'counter_lost_update', 'sc');
  // A loads, B loads: both hold 0 in a temporary and count is still 0.
  await page.click(`${thread(0)} button.step`);
  await page.click(`${thread(1)} button.step`);
  assert.equal(await shared(page, 'count'), '0');
  assert.equal(await temp(page, 0, 'tmp1'), '0');
  assert.equal(await temp(page, 1, 'tmp1'), '0');
  assert.match(await page.textContent(`${thread(0)} .steps .step.now`), /store/);
  // A stores 1, then B stores 1 over it: one increment is lost.
  await page.click(`${thread(0)} button.step`);
  assert.equal(await shared(page, 'count'), '1');
  await page.click(`${thread(1)} button.step`);
  assert.equal(await shared(page, 'count'), '1');
  assert.equal(await schedule(page), '0,1,0,1');
  // The lost update is this level's goal: the status line says so first, in the level's words.
  assert.equal(await page.getAttribute('#run-status', 'data-status'), 'goal');
  assert.match(await page.textContent('#run-status'), /^✓ Atomicity: a lost update — the goal is reached: count=1, so final assert count == 2 does not hold/);
  assert.equal(await page.textContent('#schedule'), 'A → B → A → B');
  for (const i of [0, 1]) {
    assert.equal(await page.getAttribute(thread(i), 'data-run'), 'done');
    assert.equal(await page.isDisabled(`${thread(i)} button.stmt`), true);
  }
  // Undo takes back B's store.
  await page.click('#undo');
  assert.equal(await schedule(page), '0,1,0');
  assert.equal(await page.getAttribute(thread(1), 'data-run'), 'ready');
  // The same lost update in a program of the learner's own is a failure, said as one.
  const own = (await page.inputValue('#editor')).replace('count = count + 1\n}\n\nthread B', 'count = count + 1 # mine\n}\n\nthread B');
  await page.fill('#editor', own);
  await page.waitForFunction((s) => window.__lab.src() === s, own);
  await page.click('#reset');
  for (const ti of [0, 1, 0, 1]) await page.click(`${thread(ti)} button.step`);
  assert.equal(await page.getAttribute('#run-status', 'data-status'), 'failed');
  assert.match(await page.textContent('#run-status'), /^✗ assertion failed: line 11: final assert count == 2 failed$/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the exhaustive explorer in the worker finds what the native command prints', { timeout: 300_000 }, async () => {
  const { page, problems } = await openLab();
  for (const [file, model] of [
    ['counter_lost_update', 'sc'],
    ['store_buffering', 'tso'],
    ['message_passing_relaxed', 'ra'],
    ['deadlock', 'sc'],
    ['condvar_lost_wakeup', 'sc'],
    ['peterson', 'tso'],
    ['queue_put_if', 'ra'],
  ]) {
    await choosePreset(page, file, model);
    const web = await explore(page);
    const cli = await native(`lessons/${file}.lab`, model);
    assert.ok(cli.outcomes.length > 0, `${file}: the native command printed outcomes`);
    assert.deepEqual(web.outcomes, cli.outcomes, `${file} under ${model}: outcomes`);
    // The level's own program: what reaches its goal is worded as the goal, not as the
    // native command's failure; everything else is word for word.
    const own = /^#\| model: (\w+)$/m.exec(await readFile(resolve(ROOT, `lessons/${file}.lab`), 'utf8'))[1] === model;
    assert.equal(web.failures.some((f) => f.goal), own, `${file}: the goal's schedules are marked under the level's model, only`);
    const worded = (list) => list.map(({ goal, ...f }, i) => (web.failures[i]?.goal ? { ...f, message: null } : f));
    assert.deepEqual(worded(web.failures), worded(cli.failures), `${file} under ${model}: failures`);
    // Every run is a bar: each failure that is not a false final assertion (those are
    // outcomes already) has its own, with its count.
    const notFinal = cli.failures.filter((f) => !/final assert/.test(f.message)).map((f) => [f.kind, f.count]);
    assert.deepEqual(web.failureBars, notFinal, `${file} under ${model}: failure bars`);
  }
  await choosePreset(page, 'deadlock', 'sc');
  assert.deepEqual((await explore(page)).failureBars, [['deadlock', 2]], 'the deadlocked runs are a bar beside moved=2');
  assert.deepEqual(await page.$$eval('#histogram li', (lis) => lis.map((li) => li.querySelector('.count').textContent)), ['4 (66.7%)', '2 (33.3%)']);
  // A failure's replay loads its shortest schedule into the stepper, to be stepped.
  await choosePreset(page, 'counter_lost_update', 'sc');
  await explore(page);
  await page.click('#failures li.failure button.replay');
  assert.equal(await page.isVisible('#replay-bar'), true);
  assert.equal(await schedule(page), '');
  for (let i = 0; i < 4; i++) await page.click('#replay-next');
  assert.equal(await schedule(page), '0,1,0,1');
  assert.equal(await shared(page, 'count'), '1');
  assert.equal(await page.isDisabled('#replay-next'), true);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a shared link restores the same program, model and schedule', async () => {
  const { page, problems } = await openLab();
  await choosePreset(page, 'store_buffering', 'tso');
  // Both stores wait in the store buffers; A's load reads 0 from memory; then A's buffer drains.
  await page.click(`${thread(0)} button.stmt`);
  await page.click(`${thread(1)} button.stmt`);
  await page.click(`${thread(0)} button.stmt`);
  await page.click(`${thread(0)} button.choice.flush`);
  const url = page.url();
  const before = await page.evaluate(() => ({ view: window.__lab.view(), src: document.getElementById('editor').value, model: document.getElementById('model').value }));
  assert.equal(before.model, 'tso');
  assert.match(before.view.schedule, /f0/);
  assert.deepEqual(before.view.threads[1].store_buffer, [['y', 1]]);
  assert.match(url, /#m=tso&s=/);

  const { page: again, problems: problems2 } = await openLab(url.slice(env.base.length));
  const after = await again.evaluate(() => ({ view: window.__lab.view(), src: document.getElementById('editor').value, model: document.getElementById('model').value }));
  assert.deepEqual(after, before);
  assert.equal(await schedule(again), before.view.schedule);
  assert.equal(await again.textContent(`${thread(1)} .buffer li`), 'y = 1');
  assert.equal(await again.inputValue('#preset'), 'store_buffering');
  assert.deepEqual([...problems, ...problems2], []);
  await page.close();
  await again.close();
});

test('a parse error shows its line and column in place', async () => {
  const { page, problems } = await openLab();
  await page.fill('#editor', 'shared x = 0\nthread A {\n  x = y\n}\n');
  await page.waitForSelector('#editor-msg.error');
  assert.equal(await page.getAttribute('#editor-msg', 'data-line'), '3');
  assert.equal(await page.getAttribute('#editor-msg', 'data-col'), '7');
  assert.match(await page.textContent('#editor-msg .where'), /^line 3, column 7: /);
  assert.equal(await page.textContent('#editor-msg .excerpt'), '3 |   x = y\n  |       ^');
  const marked = await page.$$eval('#editor-backdrop div', (ds) => ds.map((d, i) => (d.className === 'err' ? i + 1 : 0)).filter(Boolean));
  assert.deepEqual(marked, [3]);
  assert.equal(await page.isDisabled('#run-exhaustive'), true);
  // Fixing it brings the stepper back with the new program.
  await page.fill('#editor', 'shared x = 0, y = 0\nthread A {\n  x = y\n}\n');
  await page.waitForSelector('#editor-msg.ok');
  await page.waitForFunction(() => window.__lab.program().threads.length === 1);
  assert.equal(await page.isDisabled('#run-exhaustive'), false);
  assert.deepEqual(problems, []);
  await page.close();
});

test('cancel stops a big exploration and the lab keeps working', { timeout: 120_000 }, async () => {
  const { page, problems } = await openLab();
  const fetched = [];
  page.on('request', (req) => { if (req.url().endsWith('.wasm')) fetched.push(req.url()); });
  const body = (n) => `thread T${n} {\n  i = 0\n  while i < 60 {\n    x = x + 1\n    i = i + 1\n  }\n}\n`;
  const big = `shared x = 0\n${[1, 2, 3, 4].map(body).join('')}`;
  await page.fill('#editor', big);
  await page.waitForFunction((s) => window.__lab.src() === s, big);
  await page.fill('#max-states', '2000000');
  await page.click('#run-exhaustive');
  await page.waitForFunction(() => Number(document.getElementById('progress').dataset.states) > 0);
  assert.equal(await page.isEnabled('#cancel'), true);
  await page.click('#cancel');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.explore), 'cancelled');
  assert.match(await page.textContent('#progress'), /^cancelled after/);
  assert.equal(await page.isHidden('#results'), true);
  // The page thread was never blocked, the stepper still steps, and a fresh worker explores.
  await page.click(`${thread(0)} button.stmt`);
  assert.equal(await schedule(page), '0');
  await choosePreset(page, 'counter_lost_update', 'sc');
  const r = await explore(page);
  assert.deepEqual(r.outcomes, [['count=1', 4], ['count=2', 2]]);
  assert.deepEqual(fetched, [], 'the fresh worker got the compiled wasm from the page');
  assert.deepEqual(problems, []);
  await page.close();
});

test('the lab worker answers a malformed message with an error and keeps working', async () => {
  const { page, problems } = await openLab();
  const replies = await page.evaluate(async () => {
    const w = new Worker(new URL('www/lab/explore-worker.js', location.href), { type: 'module' });
    const got = [];
    const next = (pred) => new Promise((ok) => {
      const on = (e) => { if (pred(e.data)) { w.removeEventListener('message', on); ok(e.data); } };
      w.addEventListener('message', on);
    });
    const ready = next((m) => m.type === 'ready');
    await ready;
    for (const bad of ['hello', 42, null, { id: 1, kind: 'nope' }, { id: 2, kind: 'exhaustive' }, { id: 3, kind: 'exhaustive', src: 'thread {', model: 'sc' }, { id: 4, kind: 'random', src: 'shared x = 0\nthread A { x = 1 }', model: 'xyz' }]) {
      const reply = next((m) => m.type === 'error');
      w.postMessage(bad);
      got.push(await reply);
    }
    const done = next((m) => m.type === 'result');
    w.postMessage({ id: 5, kind: 'pct', src: 'shared x = 0\nthread A { x = x + 1 }\nthread B { x = x + 1 }', model: 'sc', options: { runs: 200, seed: 7, depth: 2 } });
    got.push(await done);
    w.terminate();
    return got;
  });
  assert.equal(replies.length, 8);
  for (const r of replies.slice(0, 7)) assert.equal(r.type, 'error');
  // Each reply answers its request by id (null when none could be read), and says what was
  // wrong as a message the page words in its language.
  assert.deepEqual(replies.map((r) => r.id), [null, null, null, 1, 2, 3, 4, 5]);
  assert.deepEqual(replies.slice(0, 7).map((r) => r.error.key),
    ['worker.not_object', 'worker.not_object', 'worker.not_object', 'worker.unknown_kind', 'worker.no_src', 'parse.expected', 'err.unknown_model']);
  assert.equal(typeof replies[5].line, 'number', 'a parse error carries its line');
  assert.equal(typeof replies[5].col, 'number', 'and its column');
  const result = replies[7].result;
  assert.equal(result.runs, 200);
  assert.deepEqual(result.outcomes.map((o) => o.text), ['x=1', 'x=2']);
  assert.equal(result.outcomes.reduce((s, o) => s + o.count, 0), 200);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the explorer declares its report, the one stretch it cannot post in, as blocking work', async () => {
  const { page, problems } = await openLab();
  const progress = await page.evaluate(async () => {
    const w = new Worker(new URL('www/lab/explore-worker.js', location.href), { type: 'module' });
    const got = [];
    const done = new Promise((ok) => w.addEventListener('message', (e) => {
      if (e.data.type === 'progress') got.push(e.data);
      if (e.data.type === 'result' || e.data.type === 'error') ok(e.data.type);
    }));
    const body = (n) => `thread T${n} {\n  i = 0\n  while i < 20 {\n    x = x + 1\n    i = i + 1\n  }\n}\n`;
    w.postMessage({ id: 1, kind: 'exhaustive', src: `shared x = 0\n${[1, 2, 3].map(body).join('')}`, model: 'sc', options: { max_states: 50_000 } });
    const end = await done;
    w.terminate();
    return { end, quiet: got.map((p) => p.quiet_ms ?? null), states: got.map((p) => p.states) };
  });
  assert.equal(progress.end, 'result');
  // The last progress, before the report, says how long the worker may be silent; none before.
  const last = progress.quiet.at(-1);
  assert.ok(last > 250, `the last progress declares ${last} ms`);
  assert.deepEqual(progress.quiet.slice(0, -1).filter((q) => q !== null), []);
  assert.ok(progress.states.at(-1) >= 50_000, 'it ran to its bound');
  assert.deepEqual(problems, []);
  await page.close();
});

test('random and PCT runs count every run; a replay survives a shared link', async () => {
  const { page, problems } = await openLab();
  await choosePreset(page, 'counter_lost_update', 'sc');
  for (const [button, runs] of [['#run-random', '#random-runs'], ['#run-pct', '#pct-runs']]) {
    await page.fill(runs, '500');
    await page.click(button);
    await page.waitForFunction(() => document.documentElement.dataset.explore === 'done' && !document.getElementById('results').hidden);
    const counts = await page.$$eval('#histogram li.outcome', (lis) => lis.map((li) => [li.dataset.outcome, Number(li.dataset.count)]));
    assert.deepEqual(counts.map(([o]) => o), ['count=1', 'count=2'], button);
    assert.equal(counts.reduce((n, [, c]) => n + c, 0), 500, button);
    assert.match(await page.textContent('#result-summary'), /500 runs/);
  }
  // Replaying the lost update's outcome, two steps in, then opening the link elsewhere.
  await page.click('#histogram li.outcome[data-outcome="count=1"] button.replay');
  await page.click('#replay-next');
  await page.click('#replay-next');
  const url = page.url();
  assert.match(url, /&plan=/);
  const { page: again, problems: problems2 } = await openLab(url.slice(env.base.length));
  assert.equal(await again.isVisible('#replay-bar'), true);
  assert.equal(await schedule(again), await schedule(page));
  await again.click('#replay-end');
  assert.equal(await shared(again, 'count'), '1');
  assert.equal(await again.getAttribute('#run-status', 'data-status'), 'goal', 'the level’s goal, replayed');
  assert.deepEqual([...problems, ...problems2], []);
  await page.close();
  await again.close();
});

test('every level on the path is listed, and every string exists in English and Chinese', async () => {
  const { page, problems } = await openLab();
  const levels = await page.evaluate(() => window.__lab.levels());
  assert.deepEqual(levels, LAB_LEVELS, 'one lab level per `lab` line of lessons/path.txt, in order');
  assert.deepEqual(await page.$$eval('#preset option', (os) => os.map((o) => o.value).filter(Boolean)), LAB_LEVELS);
  // The path shows the whole course: every level of every view, the lab's among them.
  assert.deepEqual(await page.$$eval('#path li', (lis) => lis.map((li) => [li.dataset.view, li.dataset.level])), PATH.map((s) => [s.view, s.name]));
  for (const text of await page.$$eval('#preset option', (os) => os.map((o) => o.textContent))) assert.ok(!text.includes('`'), `no backticks: ${text}`);
  // A level is numbered by its place on the whole path.
  assert.equal(await page.textContent('#preset option[value="check_then_act"]'), `${PATH.findIndex((s) => s.name === 'check_then_act') + 1}. Race condition: check-then-act (the reference program’s id guard)`);
  const en = Object.keys(STRINGS.en).sort();
  assert.deepEqual(Object.keys(LAB_TABLES.zh).sort(), Object.keys(LAB_TABLES.en).sort(), 'the same keys in both of the lab\'s files');
  assert.deepEqual(Object.keys(SHARED_TABLES.zh).sort(), Object.keys(SHARED_TABLES.en).sort(), 'the same keys in both shared files');
  for (const key of Object.keys(LAB_TABLES.en)) assert.ok(!Object.hasOwn(SHARED_TABLES.en, key), `${key} is the lab's or shared, not both`);
  const html = await readFile(resolve(ROOT, 'lab.html'), 'utf8');
  for (const [, key] of html.matchAll(/data-t="([^"]+)"/g)) assert.ok(en.includes(key), `lab.html uses ${key}`);
  // Every message key the core writes (src/sim/messages.rs) and the worker sends has a string.
  const rust = await readFile(resolve(ROOT, 'src/sim/messages.rs'), 'utf8');
  const worker = await readFile(resolve(ROOT, 'www/lab/explore-worker.js'), 'utf8');
  const keys = new Set([
    ...[...rust.matchAll(/"((?:step|choice|alt|why|detail|err|parse|expect|found|role|obj|methods)\.[a-z_]+)"/g)].map((m) => m[1]),
    ...[...worker.matchAll(/'(worker\.[a-z_]+)'/g)].map((m) => m[1]),
  ]);
  assert.ok(keys.size > 100, `found ${keys.size} message keys`);
  for (const key of keys) assert.ok(en.includes(key), `a string for the core's message ${key}`);
  // Switching to Chinese relabels the page and the stepper, and is remembered.
  await page.selectOption('#lang', 'zh');
  await page.waitForFunction(() => document.documentElement.lang === 'zh'); // its strings load first
  assert.equal(await page.textContent('h1'), STRINGS.zh.heading);
  assert.equal(await page.textContent(`${thread(0)} button.stmt`), STRINGS.zh['btn.statement']);
  assert.deepEqual(problems, []);
  await page.close();
});

test('in Chinese, the stepper, its blocked reasons, failures and parse errors are Chinese', { timeout: 120_000 }, async () => {
  const { page, problems } = await openLab('/lab.html?lang=zh');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh');
  await choosePreset(page, 'deadlock', 'sc');
  await page.check('#show-steps');
  // The atomic steps of A's first statement, worded from the core's data.
  assert.equal(await page.textContent(`${thread(0)} .stmt[data-stmt="0"] .step`), '对 m1 加锁');
  assert.equal(await page.getAttribute(`${thread(0)} button.step`, 'title'), 'A：对 m1 加锁');
  // A takes m1, B takes m2: each now waits for the lock the other holds.
  await page.click(`${thread(0)} button.stmt`);
  await page.click(`${thread(1)} button.stmt`);
  assert.equal(await page.textContent(`${thread(0)} p.why`), 'A 在等待 m2，它由 B 持有');
  assert.equal(await page.textContent(`${thread(1)} p.why`), 'B 在等待 m1，它由 A 持有');
  assert.equal(await page.getAttribute(`${thread(0)} p.why`, 'data-why'), 'why.mutex');
  assert.equal(await page.textContent('#memory li[data-mutex="m1"]'), '互斥锁 m1：由 A 持有');
  // The deadlock is this level's goal: said first in the level's own words.
  assert.equal(await page.getAttribute('#run-status', 'data-status'), 'goal');
  assert.equal(await page.textContent('#run-status'),
    '✓ 同步机制：死锁，以相反顺序获取两把锁 — 目标达成：死锁，正是本关要求的结果（A 第 6 行阻塞在“对 m2 加锁”；B 第 14 行阻塞在“对 m1 加锁”）');
  // The explorer's failures, in the same words.
  await page.click('#run-exhaustive');
  await page.waitForFunction(() => document.documentElement.dataset.explore === 'done');
  const failure = await page.$eval('#failures li.failure', (li) => ({
    kind: li.querySelector('.head b').textContent, key: li.querySelector('.message').dataset.key, message: li.querySelector('.message').textContent,
  }));
  assert.deepEqual(failure, { kind: '✓ 本关目标', key: 'detail.stuck', message: '死锁，正是本关要求的：A 第 6 行阻塞在“对 m2 加锁”；B 第 14 行阻塞在“对 m1 加锁”' });
  assert.equal(await page.textContent('#histogram li.failure[data-goal] .label'), '死锁');
  // A parse error, with its line and column, and what it names.
  await page.fill('#editor', 'shared x = 0\nthread A {\n  observe = 1\n}\n');
  await page.waitForSelector('#editor-msg.error');
  assert.equal(await page.getAttribute('#editor-msg .where', 'data-key'), 'parse.keyword');
  assert.equal(await page.textContent('#editor-msg .where'), '第 3 行，第 3 列：observe 是关键字，不能用作语句');
  assert.equal(await page.textContent('#editor-msg .where code'), 'observe', 'code in a message is shown as code');
  // Switching back to English rewords the same data.
  await page.selectOption('#lang', 'en');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  assert.equal(await page.textContent('#editor-msg .where'), 'line 3, column 3: observe is a keyword and cannot be used as a statement');
  assert.deepEqual(problems, []);
  await page.close();
});

test('the Chinese strings follow the glossary: one name for the lab, levels are 关卡, full-width punctuation', async () => {
  const zh = LAB_TABLES.zh;
  assert.equal(zh.heading, '交错实验室');
  assert.match(zh.title, /^交错实验室/);
  assert.equal(zh['preset.label'], '关卡', 'the level picker names levels');
  assert.match(zh['preset.option'], /^第 \{n\} 关/);
  for (const [key, text] of Object.entries({ ...zh, ...SHARED_TABLES.zh })) {
    assert.ok(!text.includes('交错执行实验室'), `${key}: the lab has one name`);
  }
  // Outside code (`…`, and the method lists and the worker's object, which are code) and
  // placeholders, Chinese text has no ASCII colon, semicolon, comma or parenthesis.
  const code = new Set(['methods.mutex', 'methods.semaphore', 'methods.condvar', 'worker.not_object']);
  for (const [key, text] of Object.entries(zh)) {
    const prose = text.replace(/`[^`]*`/g, '').replace(/\{\w+\}/g, '');
    if (code.has(key) || !/[\u4e00-\u9fff]/.test(prose)) continue;
    assert.doesNotMatch(prose, /[:;,()]/, `${key}: ${text}`);
  }
  // On the page: the schedule's label carries its full-width colon, the picker its levels.
  const { page, problems } = await openLab('/lab.html?lang=zh');
  for (const ti of [0, 1, 0, 1]) await page.click(`${thread(ti)} button.step`);
  assert.equal(await page.textContent('p.schedule'), '目前的调度序列：A → B → A → B');
  const n = PATH.findIndex((s) => s.name === 'counter_lost_update') + 1;
  assert.equal(await page.textContent('#preset option[value="counter_lost_update"]'), `第 ${n} 关 · 原子性：丢失更新`);
  assert.equal(await page.textContent('label:has(#preset) span'), '关卡');
  assert.match(await page.textContent('#level-goal'), /^目标：让/, 'no space after a full-width colon');
  // The glossary's terms end in a full-width colon too (drawn by the style sheet).
  assert.equal(await page.$eval('#terms dt', (dt) => getComputedStyle(dt, '::after').content), '"："');
  assert.deepEqual(problems, []);
  await page.close();
});

test('“run to the end” runs a thread in one press; under release/acquire the stepper says which write a load reads', async () => {
  const { page, problems } = await openLab();
  await choosePreset(page, 'visibility_stale_flag');
  // The Writer to its end in one press: every statement it has.
  await page.click(`${thread(0)} button.to-end`);
  assert.equal(await page.getAttribute(thread(0), 'data-run'), 'done');
  assert.equal(await page.isDisabled(`${thread(0)} button.to-end`), true);
  // The Reader up to its loop's load of ready: two writes to read, and the plain buttons take
  // the newest; the page says so, and offers the old one.
  await page.click(`${thread(1)} button.stmt`);
  await page.click(`${thread(1)} button.stmt`);
  assert.equal(await page.getAttribute(`${thread(1)} .reads`, 'data-write'), '1');
  assert.equal(await page.textContent(`${thread(1)} .reads`), STRINGS.en['stepper.readsNewest'].replace('{k}', '1').replace('{what}', 'ready = 1'));
  const older = page.locator(`${thread(1)} .extra button.choice`);
  assert.equal(await older.textContent(), 'read write #0 (ready = 0)');
  await older.click();
  assert.equal(await page.textContent(`${thread(1)} .temps [data-name="tmp1"] dd`), '0', 'the old write was read');
  // Back before the load, the plain button reads the newest write, and the page says so after.
  await page.click('#undo');
  assert.equal(await page.getAttribute(`${thread(1)} .reads`, 'data-write'), '1');
  await page.click(`${thread(1)} button.stmt`);
  assert.equal(await page.getAttribute('#replay-note', 'data-key'), 'stepper.readNewest');
  assert.match(await page.textContent('#replay-note'), /^Reader read the newest write, #1 \(ready = 1\)\. To read an older one/);
  // A thread spinning on a flag only another thread sets: "run to the end" stops and says so.
  const spin = 'shared f = 0\nthread A {\n  while f == 0 {\n  }\n}\nthread B {\n  f = 1\n}\n';
  await page.fill('#editor', spin);
  await page.waitForFunction((s) => window.__lab.src() === s, spin);
  await page.selectOption('#model', 'sc');
  await page.waitForFunction(() => window.__lab.model() === 'sc');
  await page.click(`${thread(0)} button.to-end`);
  assert.equal(await page.getAttribute(thread(0), 'data-run'), 'ready');
  assert.equal(await page.getAttribute('#replay-note', 'data-key'), 'stepper.toEndLimit');
  await page.click(`${thread(1)} button.to-end`);
  await page.click(`${thread(0)} button.to-end`);
  assert.equal(await page.getAttribute('#run-status', 'data-status'), 'finished');
  assert.deepEqual(problems, []);
  await page.close();
});

test('counts, times and code in messages read as written: “1 schedule”, “under 1 ms”, `lock m2` as code', async () => {
  const { page, problems } = await openLab();
  // One schedule only, and it fails.
  const one = 'shared x = 0\nthread A {\n  x = 1\n}\nfinal assert x == 0\n';
  await page.fill('#editor', one);
  await page.waitForFunction((s) => window.__lab.src() === s, one);
  await page.click('#run-exhaustive');
  await page.waitForFunction(() => document.documentElement.dataset.explore === 'done');
  assert.equal(await page.textContent('#failures li.failure .head .count'), '1 schedule');
  // The time: a whole number of milliseconds with its rate, or “under 1 ms” and no rate.
  assert.match(await page.textContent('#result-summary'), /^every interleaving: \d+ states?, \d+ transitions? in (under 1 ms|[1-9][\d,]* ms \([\d,]+ states\/s\))$/);
  // A deadlock's message names the blocked statements as code, not with backticks.
  await choosePreset(page, 'deadlock');
  await page.click(`${thread(0)} button.stmt`);
  await page.click(`${thread(1)} button.stmt`);
  assert.deepEqual(await page.$$eval('#run-status code', (cs) => cs.map((c) => c.textContent)), ['lock m2', 'lock m1']);
  assert.ok(!(await page.textContent('#run-status')).includes('`'));
  await page.click('#run-exhaustive');
  await page.waitForFunction(() => document.documentElement.dataset.explore === 'done');
  assert.deepEqual(await page.$$eval('#failures li.failure .message code', (cs) => cs.map((c) => c.textContent)), ['lock m2', 'lock m1']);
  assert.deepEqual(problems, []);
  await page.close();
});
