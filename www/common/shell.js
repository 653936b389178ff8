// The site's one entry point. Every page (index.html, lab.html) loads this module and nothing
// else: it picks the view — the page's `data-view` on <html> (lab.html says "lab"), else
// `?view=` (queue, threads, broker, lab), else the queue playground — and loads only that view's
// module, so a visit never downloads another view's code, strings or wasm.
//
// `?level=NAME` opens a level of the course (docs/COURSE.md) in the view the path gives it.
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

/** The view of the level `?level=NAME` names, read from the course's path (one small file,
 * fetched only when a level is asked for); null if there is none or it is not on the path. */
async function levelView(search = location.search) {
  const level = new URLSearchParams(search).get('level');
  if (!level || level === 'free') return null;
  try {
    const { loadPath } = await import('./course.js');
    return (await loadPath()).find((s) => s.name === level)?.view ?? null;
  } catch {
    return null; // the view opens as it would without a level, and its panel says what failed
  }
}

const byLevel = await levelView();
if (byLevel === 'lab' && document.documentElement.dataset.view !== 'lab') {
  // The lab is its own page: go there with the level in the hash it has always read.
  const q = new URLSearchParams(location.search);
  const level = q.get('level');
  q.delete('level');
  q.delete('view');
  location.replace(`lab.html${q.size ? `?${q}` : ''}#p=${encodeURIComponent(level)}`);
} else if (byLevel && byLevel !== 'lab' && document.documentElement.dataset.view === 'lab') {
  // A level of another view asked of the lab's page: open it in its own view.
  location.replace(`index.html${location.search}`);
} else {
  const name = byLevel ?? chosenView();
  document.documentElement.dataset.view = name;
  const view = await VIEWS[name]();
  await view.start({ view: name, embedded: document.documentElement.dataset.embed === '1' });
}
