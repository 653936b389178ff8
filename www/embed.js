// <queue-playground>: one lesson or view of the playground in a documentation page, from any
// origin, with one line:
//   <script src="https://HOST/PATH/www/embed.js" defer></script>
//   <queue-playground lesson="counter_lost_update" lang="zh"></queue-playground>
// Attributes: level (any level of the course, in its own view: docs/COURSE.md), lesson, view (queue, lab, threads, broker), lang (en, zh),
// model (sc, tso, ra), src (a lab program's text), params (extra URL parameters for a view),
// height (the starting height), title (the frame's accessible name). docs/EMBED.md has the rest.
//
// A classic script, not a module, on purpose: a module from another origin loads only if the
// playground's host sends CORS headers, and a classic script loads from any static host. It
// still works when loaded as a module (document.currentScript is then null: it finds its own tag).
(() => {
  'use strict';
  if (customElements.get('queue-playground')) return; // included twice

  const self = document.currentScript
    || [...document.querySelectorAll('script[src]')].find((s) => /\/www\/embed\.js([?#]|$)/.test(s.src));
  /** The playground's root: the folder above www/, wherever the docs page itself lives. */
  const BASE = new URL('..', self ? self.src : location.href);

  const NAME = /^[a-z][a-z0-9_-]*$/;
  const MODELS = ['sc', 'tso', 'ra'];
  const LANGS = ['en', 'zh'];
  const DEFAULT_HEIGHT = { lab: 640, queue: 720 };
  const live = new Set();

  /** UTF-8 text as base64url without padding: the lab's own encoding (www/lab/url.js). */
  function encodeSrc(text) {
    const bytes = new TextEncoder().encode(text);
    let bin = '';
    for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  /** A CSS length from the height attribute: a bare number is pixels. */
  function cssHeight(value, view) {
    const v = (value ?? '').trim();
    if (/^\d+(\.\d+)?$/.test(v)) return `${v}px`;
    if (/^\d+(\.\d+)?(px|em|rem|vh)$/.test(v)) return v;
    return `${DEFAULT_HEIGHT[view] ?? DEFAULT_HEIGHT.queue}px`;
  }

  /** The embedded page's URL for the element's attributes, or { error } naming the bad one. */
  function frameUrl(el) {
    const get = (name) => {
      const v = el.getAttribute(name);
      return v === null || v.trim() === '' ? null : v.trim();
    };
    const lang = get('lang');
    const level = get('level');
    if (level !== null) {
      // A level of the course, in whichever view the path puts it (the shell reads the path).
      if (!/^[a-z][a-z0-9_]*$/.test(level)) return { error: `level="${level}": a level's name, such as queue_snapshot_repeat` };
      if (['lesson', 'view', 'model', 'src'].some((a) => get(a) !== null)) return { error: 'level cannot be combined with lesson, view, model or src' };
      if (lang !== null && !LANGS.includes(lang)) return { error: `lang="${lang}": one of ${LANGS.join(', ')}` };
      const url = new URL('index.html', BASE);
      url.searchParams.set('level', level);
      url.searchParams.set('embed', '1');
      if (lang) url.searchParams.set('lang', lang);
      return { url: url.href, view: 'queue' };
    }
    const lesson = get('lesson');
    const model = get('model');
    const src = el.getAttribute('src');
    const view = get('view') ?? (lesson || model || src ? 'lab' : 'queue');
    if (!NAME.test(view)) return { error: `view="${view}": a view's name, such as queue or lab` };
    if (lesson !== null && !/^[a-z0-9_]+$/.test(lesson)) return { error: `lesson="${lesson}": a lesson's name, such as counter_lost_update` };
    if (model !== null && !MODELS.includes(model)) return { error: `model="${model}": one of ${MODELS.join(', ')}` };
    if (lang !== null && !LANGS.includes(lang)) return { error: `lang="${lang}": one of ${LANGS.join(', ')}` };
    if (view !== 'lab' && (lesson || model || src)) return { error: 'lesson, model and src are for view="lab"' };

    const url = new URL(view === 'lab' ? 'lab.html' : 'index.html', BASE);
    if (view !== 'lab' && view !== 'queue') url.searchParams.set('view', view);
    for (const [k, v] of new URLSearchParams(get('params') ?? '')) {
      if (k !== 'embed' && k !== 'lang' && k !== 'view') url.searchParams.set(k, v);
    }
    url.searchParams.set('embed', '1');
    if (lang) url.searchParams.set('lang', lang);
    if (view === 'lab') {
      const hash = [];
      if (model) hash.push(`m=${model}`);
      if (lesson) hash.push(`p=${lesson}`);
      if (src !== null) hash.push(`src=${encodeSrc(src)}`);
      if (!lesson && src === null) hash.push('p=counter_lost_update');
      url.hash = hash.join('&');
    }
    return { url: url.href, view };
  }

  const STYLE = `
    :host { display: block; margin: 1em 0; max-width: 100%; }
    :host([hidden]) { display: none; }
    /* An outline, not a border: the frame's height is exactly its content's, with no inner scrollbar. */
    iframe, .placeholder { display: block; box-sizing: border-box; width: 100%; border: 0; outline: 1px solid #dde1e7; border-radius: 8px; background: #f6f7f9; }
    .error { color: #b3261e; font: 14px/1.45 system-ui, sans-serif; border: 1px solid #f1b8b3; border-radius: 8px; padding: 8px 10px; margin: 0; }
  `;

  class QueuePlayground extends HTMLElement {
    static get observedAttributes() { return ['level', 'lesson', 'view', 'lang', 'model', 'src', 'params', 'height', 'title']; }

    constructor() {
      super();
      this.attachShadow({ mode: 'open' });
      this.frame = null;
      this.seen = null;
    }

    connectedCallback() {
      live.add(this);
      this.render();
    }

    disconnectedCallback() {
      live.delete(this);
      this.seen?.disconnect();
      this.seen = null;
    }

    attributeChangedCallback() {
      if (this.isConnected) this.render();
    }

    /** Draws the placeholder (until the element nears the viewport), the frame, or the error. */
    render() {
      const target = frameUrl(this);
      const style = document.createElement('style');
      style.textContent = STYLE;
      if (target.error) {
        const p = document.createElement('p');
        p.className = 'error';
        p.setAttribute('role', 'alert');
        p.textContent = `<queue-playground> ${target.error}`;
        this.frame = null;
        this.shadowRoot.replaceChildren(style, p);
        return;
      }
      const height = cssHeight(this.getAttribute('height'), target.view);
      const title = this.getAttribute('title') || `Queue Playground: ${this.getAttribute('lesson') || target.view}`;
      if (this.frame) {
        // Attributes changed after loading: load the new page in the same frame.
        this.frame.title = title;
        if (this.frame.src !== target.url) this.frame.src = target.url;
        return;
      }
      const placeholder = document.createElement('div');
      placeholder.className = 'placeholder';
      placeholder.style.height = height;
      this.shadowRoot.replaceChildren(style, placeholder);
      const load = (lazy) => {
        const frame = document.createElement('iframe');
        frame.title = title;
        frame.src = target.url;
        // cross-origin-isolated: a view that needs shared memory gets it where the host page is
        // isolated; clipboard-write: "copy link" may write the clipboard from inside the frame.
        frame.allow = 'cross-origin-isolated; clipboard-write';
        // The browser's own lazy loading only where there is no IntersectionObserver to do it:
        // after ours it would wait again, and cost the learner about half a second.
        if (lazy) frame.loading = 'lazy';
        frame.style.height = height;
        this.frame = frame;
        this.shadowRoot.replaceChildren(style, frame);
      };
      this.seen?.disconnect();
      if (!('IntersectionObserver' in window)) return load(true);
      // Load when the element comes within a quarter screen of the viewport, not with the page:
      // lessons further down would compete with the first one for the CPU.
      this.seen = new IntersectionObserver((entries) => {
        if (!entries.some((e) => e.isIntersecting)) return;
        this.seen.disconnect();
        this.seen = null;
        load(false);
      }, { rootMargin: '25% 0px' });
      this.seen.observe(this);
    }

    /** Applies a height the frame reported. */
    resize(height) {
      if (this.frame) this.frame.style.height = `${Math.min(100000, Math.max(60, Math.ceil(height)))}px`;
    }
  }

  // Auto-height: the frames post {src, context: "iframe.resize", height} to their parent. Only
  // messages from the playground's origin and from one of these frames are applied.
  window.addEventListener('message', (e) => {
    if (e.origin !== BASE.origin) return;
    let data = e.data;
    if (typeof data === 'string') {
      try { data = JSON.parse(data); } catch { return; }
    }
    if (!data || data.context !== 'iframe.resize' || !Number.isFinite(data.height)) return;
    for (const el of live) if (el.frame && el.frame.contentWindow === e.source) el.resize(data.height);
  });

  customElements.define('queue-playground', QueuePlayground);
})();
