// The program editor: a textarea over a layer that marks the line of a parse error and each
// thread's current line, and the message under it (the error with its line, column and an
// excerpt, or what the program holds).
import { fill, say, t } from './i18n.js';
import { $, syncRunButtons } from './page.js';
import { el } from './stepper.js';
import { countLines } from './url.js';

/** Shows `err` (the core's refusal {error, line?, col?}, or null) under the editor. */
export function showEditorError(lab, err) {
  lab.editorError = err;
  const box = $('editor-msg');
  box.replaceChildren();
  delete box.dataset.line;
  delete box.dataset.col;
  box.className = err ? 'error' : 'ok';
  if (err) box.dataset.key = err.error.key;
  else delete box.dataset.key;
  if (!err) {
    if (lab.program) {
      const steps = lab.program.threads.reduce((n, th) => n + th.steps.length, 0);
      box.textContent = t('editor.ok', { threads: lab.program.threads.length, steps });
    }
  } else if (err.line) {
    box.append(...errorAt(err));
  } else {
    const span = el('span');
    fill(span, t('editor.errorNoPos', { message: say(err.error) })); // `code` as code
    box.append(span);
  }
  $('stepper-section').classList.toggle('stale', err !== null);
  syncRunButtons(lab);
  renderBackdrop(lab);
}

/** An error with a position: a button that puts the caret there, and the line with a caret. */
function errorAt(err) {
  const box = $('editor-msg');
  box.dataset.line = String(err.line);
  box.dataset.col = String(err.col);
  const head = el('button', 'where');
  fill(head, t('editor.error', { line: err.line, col: err.col, message: say(err.error) })); // `code` as code
  head.dataset.key = err.error.key;
  head.addEventListener('click', () => selectAt(err.line, err.col));
  const lineText = $('editor').value.split('\n')[err.line - 1] ?? '';
  const excerpt = el('pre', 'excerpt');
  excerpt.append(el('span', 'ln', `${err.line} | `), lineText, '\n', el('span', 'ln', `${' '.repeat(String(err.line).length)} | `),
    el('span', 'caret', `${' '.repeat(Math.max(0, err.col - 1))}^`));
  return [head, excerpt];
}

/** Puts the caret at line:col (1-based, in characters). */
function selectAt(line, col) {
  const editor = $('editor');
  const lines = editor.value.split('\n');
  let at = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) at += lines[i].length + 1;
  at += Array.from(lines[line - 1] ?? '').slice(0, col - 1).join('').length;
  editor.focus();
  editor.setSelectionRange(at, at + 1);
}

/** The layer behind the textarea: marks the error line, and each thread's current line. */
export function renderBackdrop(lab) {
  const editor = $('editor');
  const back = $('editor-backdrop');
  // A pasted text the core will refuse gets no line layer: it could be a million lines.
  const lines = countLines(editor.value);
  if (lines > lab.limits.max_lines) {
    back.replaceChildren();
    return;
  }
  // One row more than the program has (at least ten), at most thirty; embedded, the rows the
  // program uses, without the blank lines at its end, to keep the lesson compact.
  const rows = lab.embedded ? Math.max(6, countLines(editor.value.trimEnd()) + 1) : Math.max(10, lines + 1);
  editor.parentElement.style.height = `calc(${Math.min(30, rows) * 1.45}em + 14px)`;
  const current = new Set();
  if (!lab.editorError && lab.view && editor.value === lab.src) for (const th of lab.view.threads) if (th.line) current.add(th.line);
  back.replaceChildren();
  editor.value.split('\n').forEach((line, i) => {
    const cls = lab.editorError?.line === i + 1 ? 'err' : current.has(i + 1) ? 'pc' : '';
    back.append(el('div', cls, line || ' '));
  });
  back.append(el('div', '', ' '));
  syncScroll();
}

/** Keeps the line layer under the text as the textarea scrolls. */
export function syncScroll() {
  const editor = $('editor');
  const back = $('editor-backdrop');
  back.scrollTop = editor.scrollTop;
  back.scrollLeft = editor.scrollLeft;
}
