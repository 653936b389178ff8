// Size budgets (issue 3), deterministic so they belong in tests: the release wasm at most 60 KB
// gzipped, everything a first visit downloads at most 120 KB gzipped, and the page loads the
// wasm-opt build that scripts/build.sh recorded.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { openPlayground, start } from './harness.mjs';

const KB = 1000;
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

test('the page loads the wasm-opt build, not an unoptimised one', async () => {
  const { page } = await openPlayground(env);
  const build = await (await fetch(env.base + '/pkg/build.json')).json();
  assert.match(build.wasm_opt, /version 1[2-9]\d/, 'npm binaryen (Debian\'s 108 corrupts wasm-bindgen output)');
  for (const part of [build.queue, build.lab]) {
    assert.ok(part.bytes < part.bytes_before_wasm_opt, `wasm-opt shrank ${part.wasm}`);
    const served = Buffer.from(await (await fetch(`${env.base}/pkg/${part.wasm}`)).arrayBuffer());
    assert.equal(createHash('sha256').update(served).digest('hex'), part.sha256, part.wasm);
  }
  await page.close();
});
