// The course's path and level files as the page reads them (www/common/course.js), without a
// browser: every level on the path has its file, its texts in both languages, and wins that the
// page can evaluate; and the page's rules for wins, links and the level a view opens with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parsePath, parseBlock, parseConds, holds, chosenStop, nextStop, levelFile, seenText } from '../../www/common/course.js';
import EN from '../../www/common/strings/en.js';

const ROOT = resolve(import.meta.dirname, '../..');
const path = parsePath(await readFile(resolve(ROOT, 'lessons/path.txt'), 'utf8'));

test('the path spans every view, starts on the playground and names each level once', () => {
  const views = new Set(path.map((s) => s.view));
  for (const v of ['queue', 'lab', 'threads', 'broker']) assert.ok(views.has(v), `the path has a ${v} level`);
  assert.equal(path[0].view, 'queue', 'the course opens on the reference program, in the playground');
  assert.equal(new Set(path.map((s) => s.name)).size, path.length, 'no level twice');
});

test('every level file exists and has its texts in English and Chinese and its wins', async () => {
  for (const stop of path) {
    const file = resolve(ROOT, levelFile(stop));
    await access(file);
    const b = parseBlock(await readFile(file, 'utf8'));
    for (const k of ['title', 'goal', 'won', 'fix', 'fixed']) {
      assert.ok(b[`${k}.en`] && b[`${k}.zh`], `${stop.name}: ${k}.en and ${k}.zh`);
    }
    assert.equal(b['hint.en'].length, b['hint.zh'].length, `${stop.name}: hints in pairs`);
    if (stop.view !== 'lab') {
      assert.equal(b.view, stop.view, `${stop.name}: its view is the path's`);
      for (const c of [...parseConds(b.win), ...parseConds(b['fix.win'])]) {
        assert.notEqual(c.op, '?', `${stop.name}: the condition ${c.fact} reads as FACT OP VALUE`);
      }
    }
  }
});

test('a win holds only when every condition holds of facts the view has', () => {
  const win = parseConds('mode=snapshot repeats>0');
  assert.equal(holds(win, { mode: 'snapshot', repeats: 2 }), true);
  assert.equal(holds(win, { mode: 'drain', repeats: 2 }), false);
  assert.equal(holds(win, { mode: 'snapshot', repeats: 0 }), false);
  assert.equal(holds(win, { mode: 'snapshot' }), false, 'a fact the view lacks never holds');
  assert.equal(holds(parseConds('lost>=1'), { lost: '5' }), false, 'a number compares with numbers only');
  assert.equal(holds([], {}), false, 'no conditions is no win');
});

test('a view opens the asked level, else free play, else the first of its levels', () => {
  const p = [{ view: 'queue', name: 'a' }, { view: 'lab', name: 'b' }, { view: 'queue', name: 'c' }];
  assert.equal(chosenStop('queue', p, '?level=c').stop.name, 'c');
  assert.equal(chosenStop('queue', p, '?level=free').stop, null);
  assert.equal(chosenStop('queue', p, '').stop.name, 'a');
  const other = chosenStop('queue', p, '?level=b');
  assert.equal(other.asked, 'b', 'a level of another view is said, not silently swapped');
  assert.equal(chosenStop('broker', p, '').stop, null, 'a view with no levels opens free');
  assert.equal(nextStop(p, 'a').name, 'b');
  assert.equal(nextStop(p, 'c'), null);
});

test('a measured number is worded by its fact where it has its own words, and simulated threads are not called real', () => {
  const t = (k, v) => EN[k].replace(/\{(\w+)\}/g, (m, x) => v[x]);
  const has = (k) => Object.hasOwn(EN, k);
  assert.equal(seenText(t, has, 'threads', { n: 12, of: 1000000, fact: 'lost', real: true }, 'en'), 'happened 12 times in 1,000,000 items, on real threads');
  assert.equal(seenText(t, has, 'threads', { n: 12, of: 1000000, fact: 'lost', real: false }, 'en'), 'happened 12 times in 1,000,000 items, on simulated threads');
  assert.equal(seenText(t, has, 'broker', { n: 2, of: 10, fact: 'processed_twice' }, 'en'), '2 of 10 messages processed twice');
  assert.equal(seenText(t, has, 'broker', { n: 3, of: 10, fact: 'lost' }, 'en'), '3 of 10 messages lost');
  assert.equal(seenText(t, has, 'lab', { n: 4, of: 6 }, 'en'), 'reachable in 4 of 6 interleavings', 'a record without its fact (the lab\'s) keeps the view\'s words');
});
