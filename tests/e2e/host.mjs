// A documentation site on a second origin, for the embedding tests and benchmark: a static
// server on another port (127.0.0.1 on two ports is two origins) serving docs/embed-example.html
// with its script's relative path replaced by the playground's full URL, as an author on another
// site writes it, and any page a test adds to `pages`.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const TAG = 'src="../www/embed.js"';

/** Starts the host for the playground at `playground` (its origin and path, no trailing slash). */
export async function startHost(playground) {
  const example = await readFile(resolve(ROOT, 'docs/embed-example.html'), 'utf8');
  if (example.split(TAG).length !== 2) throw new Error(`docs/embed-example.html must include www/embed.js once, as ${TAG}`);
  const pages = new Map([['/embed-example.html', example.replace(TAG, `src="${playground}/www/embed.js"`)]]);
  const server = createServer((req, res) => {
    const html = pages.get(new URL(req.url, 'http://x').pathname);
    res.writeHead(html === undefined ? 404 : 200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
    res.end(html ?? 'not found');
  });
  await new Promise((ok, fail) => { server.once('error', fail); server.listen(0, '127.0.0.1', ok); });
  return { base: `http://127.0.0.1:${server.address().port}`, pages, close: () => new Promise((ok) => server.close(ok)) };
}
