// Every view's strings, in Node (no browser): each www/**/strings/ folder holds en.js and zh.js
// with exactly the same keys and, per key, the same {placeholders}. A view loads one language
// only (www/common/i18n.js loadI18n) and shows a key missing from it as the raw key, so a key
// or placeholder present in one language and not the other is a visible defect in the other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const WWW = resolve(ROOT, 'www');
const LANGS = ['en', 'zh'];

/** Every folder named `strings` under www/, relative to the repository (sorted). */
function stringFolders(www = WWW) {
  return readdirSync(www, { recursive: true, withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name === 'strings')
    .map((d) => relative(ROOT, resolve(d.parentPath ?? d.path, d.name)).split(sep).join('/'))
    .sort();
}

/** The {placeholders} of a string, sorted, each once. */
const placeholders = (s) => [...new Set(String(s).match(/\{\w+\}/g) ?? [])].sort();

/** A folder's tables: { en: {...}, zh: {...} } (each file's default export). */
async function tables(folder) {
  const out = {};
  for (const lang of LANGS) out[lang] = (await import(pathToFileURL(resolve(ROOT, folder, `${lang}.js`)).href)).default;
  return out;
}

/** What differs between two tables of one folder: keys in one only, and placeholders per key. */
function differences(en, zh) {
  const problems = [];
  for (const k of Object.keys(en)) if (!Object.hasOwn(zh, k)) problems.push(`${k}: in en, not in zh`);
  for (const k of Object.keys(zh)) if (!Object.hasOwn(en, k)) problems.push(`${k}: in zh, not in en`);
  for (const k of Object.keys(en)) {
    if (!Object.hasOwn(zh, k)) continue;
    const [a, b] = [placeholders(en[k]), placeholders(zh[k])];
    if (a.join() !== b.join()) problems.push(`${k}: en has ${a.join(' ') || 'no placeholder'}, zh has ${b.join(' ') || 'no placeholder'}`);
  }
  for (const [lang, table] of Object.entries({ en, zh })) {
    for (const [k, v] of Object.entries(table)) if (typeof v !== 'string' || !v.trim()) problems.push(`${k}: ${lang} is empty or not text`);
  }
  return problems;
}

const folders = stringFolders();

test('the strings folders are found (the shared ones and the playground\'s at least)', () => {
  for (const must of ['www/common/strings', 'www/playground/strings']) assert.ok(folders.includes(must), `${must} in ${folders.join(', ')}`);
});

for (const folder of folders) {
  test(`${folder}: en.js and zh.js have the same keys and the same {placeholders} per key`, async () => {
    const { en, zh } = await tables(folder);
    assert.ok(Object.keys(en).length > 0, `${folder}/en.js has strings`);
    assert.deepEqual(differences(en, zh), []);
  });
}

// A view's table is merged over the shared one: a view key with a shared key's name would
// silently replace the words every view shares.
test('no view redefines a shared string', async () => {
  const shared = await tables('www/common/strings');
  for (const folder of folders.filter((f) => f !== 'www/common/strings')) {
    const own = await tables(folder);
    for (const lang of LANGS) {
      const again = Object.keys(own[lang]).filter((k) => Object.hasOwn(shared[lang], k));
      assert.deepEqual(again, [], `${folder}/${lang}.js redefines shared keys (use the ones in www/common/strings/)`);
    }
  }
});

test('the checker sees a missing key and a changed placeholder', () => {
  assert.deepEqual(differences({ a: 'x {n}', b: 'y' }, { a: 'x {m}' }), [
    'b: in en, not in zh',
    'a: en has {n}, zh has {m}',
  ]);
});
