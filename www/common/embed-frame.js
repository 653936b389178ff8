// Embed mode, for every page of the playground: a page opened with `?embed=1` inside a frame
// shows only its view (www/common/embed.css hides the site chrome under html[data-embed]), tells its
// host how tall its content is, opens every link in a new tab, and offers "open in the
// playground" and "copy link" for the full page. The host side is www/embed.js; the whole
// contract is in docs/EMBED.md. Outside embed mode nothing here runs.

/** True when the page was opened as an embed (`?embed=1`). */
export const EMBEDDED = new URLSearchParams(location.search).get('embed') === '1';

/**
 * The URL the frame was opened at, whatever the page did to its own hash since (the lab rewrites
 * it; the navigation entry keeps the original): hosts that handle the Embedly message find their
 * iframe by comparing `src` with its `src` attribute.
 */
const OPENED_AT = performance.getEntriesByType?.('navigation')[0]?.name || location.href;

/** The message hosts already understand (Embedly's form, used by Flourish and Observable). */
export const resizeMessage = (height) => JSON.stringify({ src: OPENED_AT, context: 'iframe.resize', height });

/** The full page for what this page shows now, in `lang`: this URL without `embed=1`. */
export function playgroundLink(lang) {
  const url = new URL(location.href);
  url.searchParams.delete('embed');
  if (lang) url.searchParams.set('lang', lang);
  return url.href;
}

/**
 * Writes `link` to the clipboard and says so in `note`; where the clipboard is refused (a frame
 * whose host did not allow clipboard-write, a browser without the API), shows the link in a
 * selected text field to copy by hand. The note is a live region, so either result is announced.
 */
export async function copyLink(note, t, link) {
  try {
    // Where the browser can tell that the frame's permissions policy refuses the clipboard
    // (Chromium), do not ask: asking only logs a policy violation before failing.
    if (document.featurePolicy && !document.featurePolicy.allowsFeature('clipboard-write')) throw new Error('refused');
    await navigator.clipboard.writeText(link);
    note.replaceChildren(t('embed.copied'));
  } catch {
    const label = document.createElement('label');
    label.className = 'embed-field';
    const field = document.createElement('input');
    field.type = 'text';
    field.readOnly = true;
    field.value = link;
    label.append(t('embed.copyByHand'), ' ', field);
    note.replaceChildren(label);
    field.focus();
    field.select();
  }
}

/**
 * Turns the page into its embedded form. `i18n` is the page's own language functions
 * ({ t, getLang, onLang }), so each page keeps its own string table.
 */
export function startEmbed({ t, getLang, onLang }) {
  if (!EMBEDDED) return;
  const root = document.documentElement;
  root.dataset.embed = '1';

  // Every link leaves the frame for a new tab, the ones added later included.
  const base = document.createElement('base');
  base.target = '_blank';
  document.head.append(base);

  const bar = document.createElement('nav');
  bar.className = 'embed-bar';
  const open = document.createElement('a');
  open.className = 'embed-open';
  open.target = '_blank';
  open.rel = 'noopener';
  const copy = document.createElement('button');
  copy.type = 'button';
  copy.className = 'embed-copy';
  const note = document.createElement('span');
  note.className = 'embed-note';
  note.setAttribute('aria-live', 'polite');
  bar.append(open, copy, note);
  document.body.prepend(bar);

  // The page's state (the lab's hash) changes without events: refresh the link before use.
  const refresh = () => { open.href = playgroundLink(getLang()); };
  for (const type of ['pointerdown', 'focus', 'keydown', 'contextmenu']) open.addEventListener(type, refresh);
  copy.addEventListener('click', () => copyLink(note, t, playgroundLink(getLang())));
  const label = () => {
    bar.setAttribute('aria-label', t('embed.bar'));
    open.textContent = t('embed.open');
    open.title = t('embed.newTab');
    copy.textContent = t('embed.copyLink');
    refresh();
  };
  onLang(label);
  label();

  if (window.parent === window) return;
  // The height goes to the parent only. Target origin '*' because the host may be any origin and
  // the message carries nothing it does not already know: the URL it opened the frame at and a
  // height in pixels. The root's box is the content's height whatever the frame's height is
  // (scrollHeight would never shrink below the frame), and a ResizeObserver reports at most once
  // per frame, after layout, so each change is posted in the frame it happens.
  let last = -1;
  new ResizeObserver(() => {
    const height = Math.ceil(root.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage(resizeMessage(height), '*');
    refresh();
  }).observe(root);
}
