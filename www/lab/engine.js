// The page's own wasm (pkg/lab.js, the stepper's LabSession): every call goes through `engine`,
// and a trap replaces the instance instead of poisoning every later call. Also the checks made
// before the core is called at all.
import { t } from './i18n.js';
import { $ } from './page.js';
import { countLines } from './url.js';

/**
 * Runs `f`, which calls the page's wasm. Rust answers every refusal as data, so anything
 * thrown is a trap (RuntimeError) or a stack overflow (RangeError) inside the wasm, after which
 * the instance cannot be trusted (its stack pointer may be left mid-frame: every later call
 * failed with "memory access out of bounds"). Then the instance is replaced; returns null.
 */
export function engine(lab, f) {
  try {
    return f();
  } catch (err) {
    engineFailed(lab, err);
    return null;
  }
}

/** Replaces the page's wasm instance with a fresh one of the same compiled module, drops the
 * stepper's session (it lived in the old instance) and says so. Returns false. */
export function engineFailed(lab, err) {
  const n = ++lab.engineRestarts;
  document.documentElement.dataset.engine = 'restarting';
  // Unregister the old session from its finaliser: freeing it would run the broken instance.
  lab.session?.__destroy_into_raw?.();
  lab.session = null;
  lab.view = null;
  $('stepper-section').classList.add('stale');
  const status = $('lab-status');
  status.hidden = false;
  status.dataset.key = 'engine.restarted';
  status.textContent = t('engine.restarted', { e: String(err?.message ?? err) });
  // A new module record (the query makes it one) gives a new instance and new JS glue.
  import(`../../pkg/lab.js?instance=${n}`)
    .then(async (fresh) => {
      await fresh.default({ module_or_path: lab.compiled });
      lab.wasm = fresh;
      document.documentElement.dataset.engine = `restarted:${n}`;
    })
    .catch((e) => {
      status.textContent = t('loadFailed', { e });
      document.documentElement.dataset.lab = 'failed';
    });
  return false;
}

/** The core's refusal `{error, line?, col?}`, or a JavaScript error wrapped as one. */
export function parseError(err) {
  try {
    const e = JSON.parse(String(err));
    if (e && typeof e.error === 'object' && e.error !== null) return e;
  } catch { /* not JSON: a JavaScript error */ }
  return { error: { key: 'err.internal', e: String(err) } };
}

/** Why `text` is refused before it reaches the core or the editor's lines, or null. */
export function oversize(lab, text) {
  const { max_source: maxSource, max_lines: maxLines } = lab.limits;
  const bytes = text.length > maxSource / 3 ? new TextEncoder().encode(text).length : text.length;
  if (bytes > maxSource) return { key: 'err.too_large', bytes, max: maxSource };
  if (countLines(text) > maxLines) return { key: 'parse.too_many_lines', max: maxLines };
  return null;
}

/** pkg/lab_bg.wasm, compiled once: the page and every explorer worker instantiate it. */
export async function compileWasm() {
  const url = new URL('../../pkg/lab_bg.wasm', import.meta.url);
  try {
    return await WebAssembly.compileStreaming(fetch(url));
  } catch {
    // A host that serves .wasm without application/wasm: compile from the bytes instead.
    const res = await fetch(url);
    if (!res.ok) throw new Error(`${url.pathname}: ${res.status}`);
    return WebAssembly.compile(await res.arrayBuffer());
  }
}

/** Loads the page's wasm and the core's limits into `lab`. */
export async function loadEngine(lab) {
  lab.wasm = await import('../../pkg/lab.js');
  lab.compiled = await compileWasm();
  await lab.wasm.default({ module_or_path: lab.compiled });
  lab.limits = JSON.parse(lab.wasm.lab_limits());
}
