// A worker's death, noticed: an error event (an uncaught exception, a failed load) or no answer
// to a heartbeat within a bound. The broker view's own minimal supervision, behind one small
// interface so that www/common/supervisor.js (issue 9 §1) can replace it:
//   const w = watch(worker, { onDeath(reason, detail) {} });   w.pong(msg);   w.stop();
// The worker answers { type: 'ping', n } with { type: 'pong', n }; the caller routes pongs here.

export const HEARTBEAT_MS = 500;
export const SILENCE_MS = 3000;

export function watch(worker, { onDeath, heartbeatMs = HEARTBEAT_MS, silenceMs = SILENCE_MS }) {
  let last = performance.now();
  let n = 0;
  let dead = false;
  const die = (reason, detail) => {
    if (dead) return;
    dead = true;
    stop();
    onDeath(reason, detail);
  };
  const onError = (e) => {
    e.preventDefault?.(); // handled here: the page's console stays for the page's own errors
    die('crashed', e.message || e.type);
  };
  worker.addEventListener('error', onError);
  worker.addEventListener('messageerror', onError);
  const timer = setInterval(() => {
    if (performance.now() - last > silenceMs) return die('silent', `${silenceMs} ms`);
    worker.postMessage({ type: 'ping', n: ++n });
  }, heartbeatMs);
  function stop() {
    clearInterval(timer);
    worker.removeEventListener('error', onError);
    worker.removeEventListener('messageerror', onError);
  }
  return {
    pong() { last = performance.now(); },
    stop() { dead = true; stop(); },
    get dead() { return dead; },
  };
}
