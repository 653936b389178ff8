// A minimal W3C WebDriver client, enough to drive Debian's Firefox ESR through geckodriver
// (playwright-core cannot: it needs its own patched Firefox). Sessions, navigation, scripts,
// elements and keys: nothing else. https://www.w3.org/TR/webdriver2/
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where scripts/setup.sh puts geckodriver (cargo install), unless GECKODRIVER says otherwise. */
export const GECKODRIVER = process.env.GECKODRIVER ?? join(homedir(), '.cargo/bin/geckodriver');
export const FIREFOX = process.env.FIREFOX ?? '/usr/bin/firefox-esr';
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';
/** WebDriver's key code for Enter. */
export const ENTER = '\uE007';

const freePort = () => new Promise((ok, fail) => {
  const s = createServer();
  s.on('error', fail);
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => ok(port)); });
});

/** Starts geckodriver and a headless Firefox session; returns the session's commands. */
export async function firefox() {
  const port = await freePort();
  const driver = spawn(GECKODRIVER, ['--port', String(port), '--host', '127.0.0.1'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let driverLog = '';
  driver.stderr.on('data', (d) => { driverLog = (driverLog + d).slice(-4000); });
  const exited = new Promise((ok) => driver.on('exit', (code) => ok(code)));
  const base = `http://127.0.0.1:${port}`;

  async function call(method, path, body) {
    const res = await fetch(base + path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`WebDriver ${method} ${path}: ${json.value?.error}: ${json.value?.message}`);
    return json.value;
  }

  // geckodriver takes a moment to listen: retry the connection, not the session.
  let session;
  for (let i = 0; ; i++) {
    try {
      session = await call('POST', '/session', {
        capabilities: { alwaysMatch: { browserName: 'firefox', 'moz:firefoxOptions': { binary: FIREFOX, args: ['-headless'] } } },
      });
      break;
    } catch (err) {
      if (i >= 50 || !/fetch failed|ECONNREFUSED/.test(String(err.cause ?? err.message))) {
        driver.kill();
        throw new Error(`${err.message}\ngeckodriver said:\n${driverLog}`);
      }
      await new Promise((ok) => setTimeout(ok, 100));
    }
  }
  const s = `/session/${session.sessionId}`;
  const el = (value) => value[ELEMENT];

  return {
    version: session.capabilities.browserVersion,
    goto: (url) => call('POST', `${s}/url`, { url }),
    /** Runs `body` (a function body; `arguments` holds args) in the page and returns its value. */
    run: (body, ...args) => call('POST', `${s}/execute/sync`, { script: body, args }),
    /** Polls `body` in the page until it returns something truthy; fails after `timeoutMs`. */
    async waitFor(body, { timeoutMs = 30000, what = body } = {}, ...args) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const v = await call('POST', `${s}/execute/sync`, { script: body, args });
        if (v) return v;
        if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
        await new Promise((ok) => setTimeout(ok, 50));
      }
    },
    /** Types `text` into the element matching `css`, as real key presses. */
    async type(css, text) {
      const found = await call('POST', `${s}/element`, { using: 'css selector', value: css });
      await call('POST', `${s}/element/${el(found)}/value`, { text });
    },
    async click(css) {
      const found = await call('POST', `${s}/element`, { using: 'css selector', value: css });
      await call('POST', `${s}/element/${el(found)}/click`, {});
    },
    async close() {
      await call('DELETE', s).catch(() => {});
      driver.kill();
      await exited;
    },
  };
}
