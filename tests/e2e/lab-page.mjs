// Shared by the lab's end-to-end tests (lab, course, hostile, lab-embed): opening the lab, the
// strings it shows, the course's path, and axe-core's verdict on it.
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { parsePath } from '../../www/common/course.js';
import sharedEn from '../../www/common/strings/en.js';
import sharedZh from '../../www/common/strings/zh.js';
import labEn from '../../www/lab/strings/en.js';
import labZh from '../../www/lab/strings/zh.js';

/** Every string the lab page can show, per language: the shared ones and the lab's own, as
 * www/common/i18n.js's loadI18n merges them. */
export const STRINGS = { en: { ...sharedEn, ...labEn }, zh: { ...sharedZh, ...labZh } };
/** The lab's own tables, and the shared ones, as their files hold them. */
export const LAB_TABLES = { en: labEn, zh: labZh };
export const SHARED_TABLES = { en: sharedEn, zh: sharedZh };

/** The course's path (lessons/path.txt, `VIEW NAME` per line): every level of every view, in
 * order ([{ view, name }]), and the names of the lab's levels among them. */
export const PATH = parsePath(readFileSync(resolve(fileURLToPath(import.meta.url), '../../../lessons/path.txt'), 'utf8'));
export const LAB_LEVELS = PATH.filter((s) => s.view === 'lab').map((s) => s.name);

/**
 * Opens `path` (default the lab) in a fresh page of `env`'s browser and waits until the lab's
 * wasm and program are loaded (`html[data-lab=ready]`). Every page error, crash and console
 * error is collected in `problems`, which each test expects empty at its end.
 * Options: `viewport` ({ width, height }, default 1280 x 900), `timeout` (ms, for the load).
 */
export async function openLab(env, path = '/lab.html', { viewport = { width: 1280, height: 900 }, timeout } = {}) {
  const page = await env.browser.newPage({ viewport });
  const problems = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('crash', () => problems.push('the page crashed'));
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console: ${msg.text()}`); });
  await page.goto(env.base + path);
  await page.waitForFunction(() => document.documentElement.dataset.lab === 'ready', null, timeout ? { timeout } : {});
  return { page, problems };
}

const AXE = resolve(fileURLToPath(import.meta.url), '../../../node_modules/axe-core/axe.min.js');

/** axe-core's serious and critical violations on the page as it is now. */
export async function axe(page) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}
