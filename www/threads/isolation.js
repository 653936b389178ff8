// Whether this page can run real threads, and if not, why and what would enable it. Shared
// WebAssembly memory needs cross-origin isolation; on a static host the page gets it from the
// service-worker shim (/coi-sw.js) and one reload. Where that cannot work the view runs the
// same scenarios on simulated threads and says so.

const RELOAD_KEY = 'queue-playground-coi-reload';
const SW = new URL('../../coi-sw.js', import.meta.url);

function storage() {
  try {
    return window.sessionStorage;
  } catch {
    return null; // blocked (some iframes, some privacy settings)
  }
}

/**
 * Resolves to { mode: 'real' }, { mode: 'reloading' } (the page is about to reload once), or
 * { mode: 'simulated', reason: 'iframe' | 'noSw' | 'swFailed', detail } (detail: { key, … }, worded
 * by the view).
 */
export async function isolate() {
  const store = storage();
  if (window.crossOriginIsolated) {
    store?.removeItem(RELOAD_KEY);
    return { mode: 'real' };
  }
  // Embedded: isolation would need the embedding page's own headers, and reloading a frame
  // inside someone else's page to try is not ours to do.
  if (window.top !== window.self) return { mode: 'simulated', reason: 'iframe' };
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return { mode: 'simulated', reason: 'noSw' };
  if (!store) return { mode: 'simulated', reason: 'swFailed', detail: { key: 'iso.detail.noStorage' } };
  if (store.getItem(RELOAD_KEY)) {
    store.removeItem(RELOAD_KEY); // a later visit may try again
    const detail = { key: navigator.serviceWorker.controller ? 'iso.detail.active' : 'iso.detail.notControlling' };
    return { mode: 'simulated', reason: 'swFailed', detail };
  }
  try {
    await navigator.serviceWorker.register(SW, { scope: new URL('../../', import.meta.url).pathname });
    await navigator.serviceWorker.ready;
  } catch (err) {
    return { mode: 'simulated', reason: 'swFailed', detail: { key: 'js.error', e: String(err?.message ?? err) } };
  }
  store.setItem(RELOAD_KEY, '1');
  location.reload();
  return { mode: 'reloading' };
}
