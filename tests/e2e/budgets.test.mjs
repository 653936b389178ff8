// Size budgets (issue 3), deterministic so they belong in tests: the release wasm at most 60 KB
// gzipped, everything a first visit downloads at most 120 KB gzipped, each view's own wasm (the
// lab's, the threads view's two, the broker's; loaded only by that view) within its budget, and
// every served wasm is the wasm-opt build.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { start } from './harness.mjs';

const KB = 1000;
const WASM_OPT = resolve(fileURLToPath(import.meta.url), '../../../node_modules/.bin/wasm-opt');
let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

test('a first visit downloads at most 120 KB gzipped, the wasm at most 60 KB', async () => {
  const page = await env.browser.newPage();
  const bodies = [];
  page.on('response', (res) => bodies.push(res.body().then((b) => ({ url: res.url(), body: b })).catch(() => null)));
  await page.goto(env.base + '/index.html');
  await page.waitForFunction(() => document.documentElement.dataset.worker === 'ready');
  // Worker scripts and the wasm are fetched by the worker: wait for the network to go quiet.
  await page.waitForLoadState('networkidle');
  const files = (await Promise.all(bodies)).filter(Boolean);
  const sizes = files.map(({ url, body }) => ({ url: new URL(url).pathname, raw: body.length, gz: gzipSync(body, { level: 9 }).length }));
  const total = sizes.reduce((sum, f) => sum + f.gz, 0);
  const wasm = sizes.filter((f) => f.url.endsWith('.wasm'));
  console.log(sizes.map((f) => `${f.url}: ${f.raw} B, ${f.gz} B gzipped`).join('\n'));
  console.log(`first visit: ${files.length} files, ${total} B gzipped`);
  assert.deepEqual(wasm.map((f) => f.url), ['/pkg/queue_playground_bg.wasm'], 'one wasm, fetched once; the lab loads on demand');
  assert.ok(wasm[0].gz <= 60 * KB, `the wasm is ${wasm[0].gz} B gzipped`);
  assert.ok(total <= 120 * KB, `a first visit is ${total} B gzipped`);
  await page.close();
});

// Measured on the served files, not read back from build.json: each wasm is re-optimised here
// with npm's wasm-opt -Oz; an optimised build barely shrinks again (measured: under 1%), an
// unoptimised one shrinks by a third or more.
test('every served wasm is the wasm-opt build, within its budget', async () => {
  const build = await (await fetch(env.base + '/pkg/build.json')).json();
  assert.match(build.wasm_opt, /version 1[2-9]\d/, 'npm binaryen (Debian\'s 108 corrupts wasm-bindgen output)');
  const dir = mkdtempSync(join(tmpdir(), 'qp-budget-'));
  try {
    // The first visit's wasm, then each view's own, loaded only by that view.
    const budgets = [
      ['queue_playground_bg.wasm', 60 * KB],
      ['lab_bg.wasm', 105 * KB],
      ['threads_bg.wasm', 40 * KB],
      ['threads_sim_bg.wasm', 40 * KB],
      ['broker_bg.wasm', 95 * KB],
    ];
    for (const [name, gzBudget] of budgets) {
      const served = Buffer.from(await (await fetch(`${env.base}/pkg/${name}`)).arrayBuffer());
      const gz = gzipSync(served, { level: 9 }).length;
      console.log(`${name}: ${served.length} B, ${gz} B gzipped`);
      assert.ok(gz <= gzBudget, `${name} is ${gz} B gzipped, budget ${gzBudget}`);
      const input = join(dir, name);
      const output = join(dir, `again-${name}`);
      writeFileSync(input, served);
      await promisify(execFile)(WASM_OPT, ['-Oz', '--all-features', input, '-o', output]);
      const again = readFileSync(output).length;
      assert.ok(again >= served.length * 0.97,
        `${name}: wasm-opt -Oz shrinks the served file from ${served.length} to ${again} B: it was not optimised`);
      const recorded = Object.values(build).find((part) => part?.wasm === name);
      assert.equal(createHash('sha256').update(served).digest('hex'), recorded?.sha256, `${name} is the build build.json records`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
