// The threads view's isolation shim: a static host (GitHub Pages, a plain file server) cannot
// send the two headers that make a page cross-origin isolated, and shared WebAssembly memory
// needs that isolation. This service worker re-serves the site's own responses with them:
// - a navigation to the threads view (index.html?view=threads) gets
//   `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`;
// - every other same-origin response gets COEP and `Cross-Origin-Resource-Policy: same-origin`,
//   so the isolated view may load it (its workers and wasm included).
// Other pages (the playground, the lab) are not made isolated: their documents pass unchanged.
// www/threads/isolation.js registers it only when the threads view is not isolated, then
// reloads once. Cross-origin requests are never touched.

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const req = event.request;
  // A known Chromium quirk: this combination throws when re-fetched from a service worker.
  if (req.cache === 'only-if-cached' && req.mode !== 'same-origin') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  const navigation = req.mode === 'navigate';
  if (navigation && url.searchParams.get('view') !== 'threads') return;
  event.respondWith(fetch(req).then((res) => {
    if (res.status === 0 || res.type === 'opaqueredirect') return res;
    const headers = new Headers(res.headers);
    headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
    if (navigation) headers.set('Cross-Origin-Opener-Policy', 'same-origin');
    else headers.set('Cross-Origin-Resource-Policy', 'same-origin');
    return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
  }));
});
