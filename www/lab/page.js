// The lab page's one state object, and the few things every part of the page does with it.
// Every module of the lab takes this object as its first argument; none keeps state of its own.
import { fill, say } from './i18n.js';
import { writeHash } from './url.js';

/** The lab's state: everything the page knows that changes. */
export function createLab({ embedded = false } = {}) {
  return {
    embedded,
    /** The page's own wasm (pkg/lab.js), and pkg/lab_bg.wasm compiled once: the page and every
     * explorer worker instantiate the same module. */
    wasm: null,
    compiled: null,
    /** How many times the page's wasm instance was replaced after a trap (engine.js). */
    engineRestarts: 0,
    /** The sizes the core accepts (`lab_limits()` in src/web/lab.rs): a link or an edit is
     * checked against them before the editor is built or the core is called. */
    limits: { max_source: 65536, max_lines: 1000, max_schedule: 10000 },
    /** The stepper: a LabSession for the last program that parsed, what it was made from, and
     * the core's MachineView of where it stands. */
    session: null,
    program: null,
    view: null,
    src: '',
    model: 'sc',
    /** The lesson (level) in the editor, edited or not, by name. */
    preset: null,
    /** A schedule being replayed (array of choices), and what it leads to (an outcome's text or
     * a failure's message, worded when shown). */
    plan: null,
    planLabel: '',
    /** The editor's parse error, if its text does not parse; its pending re-read. */
    editorError: null,
    editTimer: 0,
    /** The whole course's path ([{ view, name }], www/common/course.js), the lab's levels on it
     * in order ({ name, text, level, program, n, twins }, see path.js), and the level panel
     * (level.js) once they are loaded; whether the folded path must be drawn when opened. */
    path: [],
    levels: [],
    course: null,
    pathStale: true,
    pathDrawn: null,
    /** The explorer (explorer.js): its supervisor, the run under way, the last result, and
     * what a result's replay button does (the stepper's startReplay). */
    explorer: { sup: null, running: null, nextId: 1, lastResult: null, replay: () => {} },
  };
}

export const $ = (id) => document.getElementById(id);

/** The level named `name`, or null. */
export const levelOf = (lab, name) => lab.levels.find((l) => l.name === name) ?? null;

/** Writes the lab's state into the URL's hash (url.js), so that the moment can be shared. */
export function saveHash(lab) {
  writeHash({
    model: lab.session && !lab.editorError ? lab.model : $('model').value,
    schedule: lab.view && !lab.editorError ? lab.view.schedule : '',
    preset: lab.preset,
    plan: lab.plan ? lab.plan.join(',') : '',
    src: $('editor').value,
  });
}

/** The explorer's buttons: off while running, while the program does not parse, and while a
 * level waits for a first try or a hint. */
export function syncRunButtons(lab) {
  const off = lab.editorError !== null || lab.explorer.running !== null || Boolean(lab.course?.locked());
  for (const b of document.querySelectorAll('button.run')) b.disabled = off;
}

/** Shows a message from the core under the stepper until the next move. */
export function showNote(msg) {
  const note = $('replay-note');
  note.hidden = false;
  fill(note, say(msg));
  note.dataset.key = msg.key;
}
