// The threads view's rendering, at most once per animation frame: the ledger, the threads, the
// failures, the run line, the mode, the URL's problems and the supervision list, all from the
// view's state object (view.js), in the language chosen now.
import { fill } from '../common/i18n.js';
import { PARAMS } from './params.js';
import { renderLedger, renderThreads, renderFailures, failureShape, h } from './dom.js';

const $ = (id) => document.getElementById(id);

/** A worker's name: "producer 2", "the observer", … */
export function workerName(t, role, id) {
  if (role === 'observer' || role === 'simulator') return t(`threads.${role}`);
  return role ? t(`role.${role}`, { id }) : '';
}

/** A `{ key, …fields }` from the core, a worker or the browser, in words. */
function worded(t, err) {
  if (!err?.key) return String(err ?? '');
  return t(err.key, { ...err, thread: err.role ? workerName(t, err.role, err.id) : '' });
}

/** One entry of the supervision list, in words. */
function entry(t, { key, vars }) {
  const name = workerName(t, vars.role, vars.id);
  if (key === 'death.named') {
    const d = vars.death;
    const detail = d.err ? worded(t, d.err) : d.detail;
    // An error event without a message: a script that threw at load, or did not load at all.
    const cause = d.cause === 'error' && !d.err && (!detail || detail === 'error') ? 'errorUnknown' : d.cause;
    return t(key, { name, why: t(`death.${cause}`, { ...d, detail }) });
  }
  return t(key, { ...vars, thread: name, e: vars.err ? worded(t, vars.err) : vars.e });
}

export function render(S) {
  const { t } = S.i18n;
  S.dirty = false;
  S.el.view.dataset.run = S.runState;
  S.el.view.dataset.runs = String(S.runs);
  const final = ['stopped', 'ended', 'cut'].includes(S.runState);
  renderLedger(t, S.el.ledger, S.stats, S.mode === 'real', S.rate.perSec, final, ['idle', 'starting'].includes(S.runState));
  renderThreads(t, $('threads-list'), S.helper, S.stats.threads ?? [], S.workerStates);
  // The failures of the run the ledger shows, under the settings it ran with.
  const scenario = S.runScenario ?? S.scenario;
  const shape = `${S.i18n.getLang()} ${failureShape(S.stats, scenario)}`;
  renderFailures(t, $('threads-failures'), S.stats, scenario, S.renderedFailures !== shape);
  S.renderedFailures = shape;
  renderRun(S, t);
  renderMode(S, t);
  renderProblems(S, t);
  renderSupervision(S, t);
}

function renderRun(S, t) {
  const s = S.stats;
  // A run that ended by itself moved every item; whether each arrived exactly once is the
  // ledger's to say, and when one did not, that leads.
  const state = S.runState === 'ended' && s.lost + s.duplicated + s.reordered > 0 ? 'endedFailed' : S.runState;
  const n = (k) => Math.round(s[k]).toLocaleString('en-US');
  const text = [t(`run.${state}`, {
    name: S.cutBy ? workerName(t, S.cutBy.role, S.cutBy.id) : '',
    lost: n('lost'), duplicated: n('duplicated'), reordered: n('reordered'), produced: n('produced'),
  })];
  if (S.allRunningMs !== null && S.runState === 'running') {
    text.push(t('run.allRunning', { n: S.scenario.producers + S.scenario.consumers, ms: S.allRunningMs }));
  }
  $('threads-run').textContent = text.join(' — ');
  $('threads-start').disabled = Boolean(S.run) || !S.mode;
  $('threads-stop').disabled = !S.run || S.runState === 'stopping';
}

function renderMode(S, t) {
  const el = $('threads-mode');
  el.dataset.mode = S.mode ?? '';
  if (S.mode === 'real') el.textContent = t('mode.real', { n: S.scenario.producers + S.scenario.consumers });
  else if (S.mode === 'simulated') el.textContent = t('mode.simulated');
  else el.textContent = t('iso.reloading');
  const why = $('threads-why');
  why.replaceChildren();
  if (!S.why) return;
  const text = h('span');
  why.append(text);
  fill(text, t(`iso.${S.why.reason}`, { e: worded(t, S.why.detail) }));
  if (S.why.reason === 'iframe') {
    why.append(' ', h('a', { href: location.href, target: '_blank', rel: 'noopener', text: t('iso.openTab') }));
  }
}

function renderProblems(S, t) {
  $('threads-params').replaceChildren(
    ...S.problems.map((p) => h('li', {
      text: p.expected === null ? t('param.unknown', p)
        : t('param.bad', { ...p, used: PARAMS[p.param] ? String(PARAMS[p.param].def) : '0' }),
    })),
    ...S.coreErrors.map((e) => h('li', { text: e.key === 'error.core' ? t('error.core', e) : t('error.core', { e: worded(t, e) }) })));
}

/** The supervision list (the last 20 errors and deaths) and the count of deaths. */
function renderSupervision(S, t) {
  const deaths = $('threads-deaths');
  deaths.dataset.deaths = String(S.deaths);
  deaths.textContent = t('supervisor.deaths', { n: S.deaths });
  const list = $('threads-errors');
  list.replaceChildren(...S.errors.slice(-20).map((e) => {
    const li = h('li', { 'data-key': e.key, text: entry(t, e) });
    if (e.vars.death) {
      li.dataset.death = e.vars.death.cause;
      li.dataset.worker = `${e.vars.role} ${e.vars.id}`;
      li.dataset.at = String(e.vars.at);
    }
    return li;
  }));
  if (!S.errors.length) list.append(h('li', { class: 'hint', text: t('supervision.none') }));
}
