// Shared steps for the broker view's end-to-end tests (broker.test.mjs, rabbitmq.test.mjs).

const NUMBERS = ['published', 'confirmed', 'acked', 'unacked', 'queued', 'lost', 'redelivered', 'duplicates',
  'inFlight', 'skipped', 'kills', 'processed', 'resurrected'];

/** Opens the broker view with `query` and waits until the broker and every consumer are ready. */
export async function openBroker(env, query, { problemsOk = false } = {}) {
  const page = await env.browser.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console: ${msg.text()}`); });
  page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); d.dismiss(); });
  await page.goto(`${env.base}/index.html?view=broker&${query}`);
  await page.waitForFunction(() => window.__qpBroker && document.querySelector('#broker-ledger')?.dataset.state === 'ready'
    && window.__qpBroker.slots().every((s) => s.ready));
  if (!problemsOk) {
    const shown = await page.$$eval('#broker-url-problems li', (lis) => lis.map((li) => li.textContent));
    if (shown.length) throw new Error(`the URL was refused: ${shown.join('; ')}`);
  }
  return { page, problems };
}

/** The ledger element's data-* attributes, numbers as numbers. */
export const ledger = (page) => page.evaluate((numbers) => {
  const d = { ...document.querySelector('#broker-ledger').dataset };
  for (const k of numbers) if (k in d) d[k] = Number(d[k]);
  return d;
}, NUMBERS);

/** Waits until `pred(ledger, arg)` holds (pred is serialised into the page: it sees only its
 * arguments). */
export async function waitLedger(page, pred, arg = null, timeout = 20000) {
  try {
    await page.waitForFunction(([src, numbers, arg]) => {
      const d = { ...document.querySelector('#broker-ledger').dataset };
      for (const k of numbers) if (k in d) d[k] = Number(d[k]);
      return (0, eval)(src)(d, arg);
    }, [pred.toString(), NUMBERS, arg], { timeout });
  } catch (err) {
    throw new Error(`waiting for ${pred}: the ledger is ${JSON.stringify(await ledger(page))}\n${err.message}`);
  }
}

/** Types `n` into publish-count and presses publish. */
export async function publish(page, n) {
  await page.fill('#publish-count', String(n));
  await page.click('#publish');
}

/** Sets a consumer lane's work (ms) and crash probability; they apply at once. */
export async function setLane(page, n, { work, crash }) {
  for (const [id, v] of [[`#work-consumer-${n}`, work], [`#crash-consumer-${n}`, crash]]) {
    if (v === undefined) continue;
    await page.fill(id, String(v));
    await page.dispatchEvent(id, 'change');
  }
  // The consumer worker answers each change with what it now applies.
  await page.waitForFunction(([n, work, crash]) => {
    const a = window.__qpBroker.slots()[n - 1].applied;
    return a && (work === null || a.work === work) && (crash === null || a.crash === crash);
  }, [n, work ?? null, crash ?? null]);
}

/** The messages a consumer's lane holds, in delivery order: [{ id, re, auto }]. */
export const laneHeld = (page, n) => page.evaluate((n) => window.__qpBroker.held(n), n);

/** The lost list as rendered: [{ id, reason, text }]. */
export const lostNamed = (page) => page.$$eval('#broker-lost li', (lis) =>
  lis.map((li) => ({ id: Number(li.dataset.id), reason: li.dataset.reason, text: li.textContent })));

/**
 * Ends a worker through the view's test hook (`hook`: terminateBroker, vanishBroker,
 * terminateConsumer or vanishConsumer, with `n` for a consumer) and waits for the page to name
 * its death; returns { cause, text, afterMs } (afterMs: from the end to the death shown, on
 * the page's own clock).
 */
export async function killWorker(page, hook, worker, n) {
  const at = await page.evaluate(([h, n]) => window.__qpBroker[h](n), [hook, n]);
  if (typeof at !== 'number') throw new Error(`${hook}(${n ?? ''}): no such worker`);
  const sel = `#broker-errors li[data-worker="${worker}"]`;
  await page.waitForSelector(sel, { timeout: 10000 });
  const death = await page.$eval(sel, (li) => ({ cause: li.dataset.death, at: Number(li.dataset.at), text: li.textContent }));
  return { cause: death.cause, text: death.text, afterMs: death.at - at };
}
