// The site's one entry point. Every page (index.html, lab.html) loads this module and nothing
// else: it picks the view — the page's `data-view` on <html> (lab.html says "lab"), else
// `?view=` (queue, threads, broker, lab), else the queue playground — and loads only that view's
// module, so a visit never downloads another view's code, strings or wasm.
//
// A view is a folder, www/<view>/, whose view.js exports `start(shell)`; `shell` carries what
// the view needs to know of the page around it (its name, whether it is embedded). Every view
// exports it: a view without one fails here, loudly, rather than showing an empty page.

/** The views, by the name `?view=` uses. Each module is imported only when chosen. */
export const VIEWS = {
  queue: () => import('../playground/view.js'),
  lab: () => import('../lab/view.js'),
  threads: () => import('../threads/view.js'),
  broker: () => import('../broker/view.js'),
};

/** The chosen view's name: the page's own, then `?view=`, then the playground. An unknown
 * name opens the playground, as the site always has (nothing reports the name it ignored). */
export function chosenView(doc = document, search = location.search) {
  const own = doc.documentElement.dataset.view;
  if (own && Object.hasOwn(VIEWS, own)) return own;
  const asked = new URLSearchParams(search).get('view');
  return asked && Object.hasOwn(VIEWS, asked) ? asked : 'queue';
}

const name = chosenView();
document.documentElement.dataset.view = name;
const view = await VIEWS[name]();
await view.start({ view: name, embedded: document.documentElement.dataset.embed === '1' });
