// The same program in Python, beside the lab's: a folded section under the editor that shows
// lessons/python/NAME.py, where NAME is the level's lesson file (or, once the learner turns to
// the fix, the fix file's), read only when the learner opens it. The text goes in a <pre> as
// text; a file that is not there is said plainly.
import { t } from './i18n.js';
import { $ } from './page.js';
import { pythonFile, readPython } from '../common/course.js';

/** Shows the Python twin of the program the level is about, if the section is open; `again`
 * re-words what is shown (a change of language). */
export function showPython(lab, { again = false } = {}) {
  const box = $('python');
  const name = lab.course?.pythonName() ?? null;
  box.hidden = !name;
  if (!name) return;
  const file = pythonFile(name);
  $('python-file').textContent = file;
  const pre = $('python-code');
  if (!box.open || (pre.dataset.file === file && !(again && pre.dataset.state === 'missing'))) return;
  pre.dataset.file = file;
  pre.dataset.state = 'loading';
  pre.textContent = t('python.loading');
  readPython(file).then((text) => {
    if (pre.dataset.file !== file) return;
    pre.dataset.state = 'shown';
    pre.textContent = text;
  }, () => {
    if (pre.dataset.file !== file) return;
    pre.dataset.state = 'missing';
    pre.textContent = t('python.missing', { file });
  });
}
