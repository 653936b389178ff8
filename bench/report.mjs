// The benchmark's report (bench/run.mjs measures, this writes): one markdown table of every
// measurement beside its baseline, the goals (reported, never enforced), and where the time goes.

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
export const medianBy = (runs, key) => median(runs.map((r) => key(r)));

const f0 = (x) => (x == null || Number.isNaN(x) ? '–' : Math.round(x).toLocaleString('en-US'));
const f1 = (x) => (x == null || Number.isNaN(x) ? '–' : x.toFixed(1));
const f2 = (x) => (x == null || Number.isNaN(x) ? '–' : x.toFixed(2));
const kb = (b) => `${(b / 1000).toFixed(1)} KB`;
const worstOf = (runs) => (key) => Math.max(...runs.map(key));

/** 1: the pipeline's throughput; returns the medians and ratio for each message size. */
function throughputRows(R, row) {
  const tp = {};
  for (const [size, r] of Object.entries(R.throughput)) {
    const w = medianBy(r.wasm, (x) => x.rate);
    const e = medianBy(r.echo, (x) => x.rate);
    // The ratio of each adjacent (interleaved) pair, then their median: robust to drifting load.
    const ratio = median(r.wasm.map((x, i) => x.rate / r.echo[i].rate));
    tp[size] = { w, e, ratio };
    const s = r.wasm[0];
    row('1', `pipeline throughput, ${size === '16' ? '16 B' : '1 KiB'} messages (msgs/s)`, f0(w), f0(e), f2(ratio),
      `${f0(s.total)} msgs, ${f0(s.perPost)} a post, ≤3 posts in flight; median of ${r.wasm.length}`);
  }
  return tp;
}

/** 2: latency on the pipeline page, then on the real page up to the rendered frame. */
function latencyRows(R, row) {
  for (const rate of Object.keys(R.latency)) {
    const r = R.latency[rate];
    for (const p of ['p50', 'p99']) {
      const w = medianBy(r.wasm, (x) => x[p]);
      const e = medianBy(r.echo, (x) => x[p]);
      row('2', `put → batch received, ${p}, ${f0(Number(rate))} msgs/s (ms)`, f1(w), f1(e), f2(w / e),
        p === 'p50' ? `pipeline page, one put a frame; ${f0(medianBy(r.wasm, (x) => x.sent))} msgs a run` : '');
    }
  }
  const kinds = [['recv', 'put → batch received on the page'], ['painted', 'put → rendered'], ['vsyncs', 'put → rendered, in frames']];
  for (const rate of Object.keys(R.rendered)) {
    const r = R.rendered[rate];
    for (const [k, label] of kinds) {
      for (const p of ['p50', 'p99']) {
        const w = medianBy(r.wasm, (x) => x[k][p]);
        const e = medianBy(r.echo, (x) => x[k][p]);
        const unit = k === 'vsyncs' ? '' : ' (ms)';
        const fmt = k === 'vsyncs' ? f0 : f1;
        row('2', `${label}, ${p}, ${f0(Number(rate))} msgs/s${unit}`, fmt(w), fmt(e), f2(w / e),
          k === 'recv' && p === 'p50' ? `index.html, its auto producer; ${f0(medianBy(r.wasm, (x) => x.achieved))} msgs/s achieved; median of ${r.wasm.length}`
            : k === 'vsyncs' && p === 'p50' ? '60 Hz frames from the put to the frame that renders it; 1 is the floor' : '');
      }
    }
  }
}

/** 3: the page thread during a burst, against the same page idle. */
function burstRows(R, row) {
  const b = R.burst;
  const n = R.params.burst;
  const worst = worstOf(b);
  row('3', `${f0(n)}-message burst: long tasks (> 50 ms)`, f0(median(b.map((x) => x.busy.longTasks))), f0(median(b.map((x) => x.idle.longTasks))), '',
    `index.html, interval 0, work 0, max batch 100,000; baseline: the page idle as long; median of ${b.length}`);
  row('3', 'burst: longest task (ms)', f0(worst((x) => x.busy.longestTask)), f0(worst((x) => x.idle.longestTask)), '', 'worst of the runs');
  row('3', 'burst: longest gap between animation frames (ms)', f0(worst((x) => x.busy.maxFrameGap)), f0(worst((x) => x.idle.maxFrameGap)),
    f2(worst((x) => x.busy.maxFrameGap) / worst((x) => x.idle.maxFrameGap)), 'worst of the runs');
  row('3', 'burst: from the click to the last message rendered (ms)', f0(median(b.map((x) => x.busy.ms))), '', '',
    `${f0(n / (median(b.map((x) => x.busy.ms)) / 1000))} msgs/s through the whole page`);
}

/** 4 and 5: start-up, and the sizes of the wasm files and of a first visit. */
function startupAndSizeRows(R, row) {
  for (const when of ['cold', 'warm']) {
    const r = R.startup[when];
    const w = medianBy(r.wasm, (x) => x.roundTrip);
    const e = medianBy(r.echo, (x) => x.roundTrip);
    row('4', `start-up, ${when}: navigation → first round trip (ms)`, f0(w), f0(e), f2(w / e),
      `index.html vs the same page with the echo worker; → worker ready: ${f0(medianBy(r.wasm, (x) => x.ready))} vs ${f0(medianBy(r.echo, (x) => x.ready))} ms; median of ${r.wasm.length}`);
  }
  // pkg/build.json: one wasm at the top level, or one entry per wasm (`queue`, `lab`, ...).
  const wasms = R.build.bytes ? { queue: R.build } : Object.fromEntries(Object.entries(R.build).filter(([, x]) => x && x.bytes));
  const bj = wasms.queue;
  row('5', `wasm (${bj.wasm}), raw`, kb(bj.bytes), '', '', `${kb(bj.bytes_before_wasm_opt)} before wasm-opt (${R.build.wasm_opt ?? bj.wasm_opt})`);
  row('5', `wasm (${bj.wasm}), gzipped`, kb(bj.gzip_bytes), '60 KB budget', f2(bj.gzip_bytes / 60000), 'gzip -9 (pkg/build.json)');
  for (const [name, x] of Object.entries(wasms)) {
    if (name !== 'queue') row('5', `other wasm (${x.wasm}): raw / gzipped`, `${kb(x.bytes)} / ${kb(x.gzip_bytes)}`, '', '', 'not loaded by index.html');
  }
  const v = R.visit;
  row('5', 'first visit to index.html, gzipped', kb(v.wasm.gz), kb(v.echo.gz), f2(v.wasm.gz / v.echo.gz),
    `${v.wasm.files.length} files, ${kb(v.wasm.raw)} raw; baseline: the page with the echo worker (no wasm); budget 120 KB`);
  return bj;
}

/** 6: the native queue benchmark (examples/queue_bench), when its JSON was given. */
function nativeRows(R, row) {
  for (const n of R.native?.rows ?? []) {
    row('6', `native ${n.producers}/${n.consumers}: ${n.name} (items/s)`, f0(n.items_per_s), n.ratio === 1 ? '(baseline)' : '', f2(n.ratio),
      `range ${f2(n.min_items_per_s / 1e6)}–${f2(n.max_items_per_s / 1e6)} M`);
  }
}

/** 7: the threads view; returns its ratios to the pipeline and to the native queues. */
function threadRows(R, row, tp) {
  const ratios = {};
  if (!R.threads) return ratios;
  for (const [n, runs] of Object.entries(R.threads.shapes)) {
    const rate = medianBy(runs, (x) => x.rate);
    const nativeQ = R.native?.rows.find((x) => x.producers === Number(n) && x.name.startsWith('Queue::new(0): put/get'));
    const nativeShared = R.native?.rows.find((x) => x.producers === Number(n) && x.name.startsWith('threads::Shared'));
    ratios[n] = { pipeline: rate / tp[16].w, native: nativeQ ? rate / nativeQ.items_per_s : NaN, shared: nativeShared ? rate / nativeShared.items_per_s : NaN };
    row('7', `threads view, ${n}/${n}: shared-memory queue across workers (items/s)`, f0(rate), f0(tp[16].w), f2(ratios[n].pipeline),
      `baseline: the postMessage pipeline (16 B, row 1); ${f0(R.params.threadItems)} items, every one checked; `
      + `÷ native Queue ${n}/${n}: ${f2(ratios[n].native)}, ÷ native threads::Shared ${n}/${n}: ${f2(ratios[n].shared)}; median of ${runs.length}`);
  }
  row('7', 'threads view, 4/4: click → all 8 threads running (ms)', f0(median(R.threads.startup)), '', '',
    `a fresh page each time: fetch + compile the threads wasm, one shared memory, 9 workers; median of ${R.threads.startup.length}`);
  return ratios;
}

/** 8: the explorer (bench/explore): ours against today's, frozen beside it. */
function explorerRows(R, row) {
  const states = (s) => `${f0(s.states)}${s.complete ? '' : ' (cut)'}`;
  for (const x of R.explorer?.rows ?? []) {
    const plain = x.plain ? `; without symmetry ${states(x.plain)} states, ${x.plain.secs.toFixed(3)} s, ratio ${f2(x.plain_ratio)}, ${f0(x.plain.bytes_per_state)} B/state` : '';
    row('8', `explorer, ${x.case}, ${x.model}: time (s)`, x.ours.secs.toFixed(3), x.baseline.secs.toFixed(3), f2(x.ratio),
      `states ${states(x.ours)} / ${states(x.baseline)}; ${f0(x.ours.states_per_s)} / ${f0(x.baseline.states_per_s)} states/s; ` +
      `${f0(x.ours.bytes_per_state)} / ${f0(x.baseline.bytes_per_state)} B/state${plain}; counts ${x.comparable ? (x.same ? 'same' : 'DIFFER') : 'not both complete'}`);
  }
}

/** The goals of the pipeline, the page, the native queue and the threads view. */
function pageGoals(R, goal, tp, threadRatios) {
  goal('pipeline throughput ≥ 0.9 of the plain-JS baseline (16 B)', tp[16].ratio >= 0.9, f2(tp[16].ratio));
  goal('pipeline throughput ≥ 0.9 of the plain-JS baseline (1 KiB)', tp[1024].ratio >= 0.9, f2(tp[1024].ratio));
  goal('≥ 1,000,000 msgs/s end to end, 16 B, batched', tp[16].w >= 1e6, `${f0(tp[16].w)} msgs/s`);
  const p99r = medianBy(R.rendered[10000].wasm, (x) => x.painted.p99);
  const p99f = medianBy(R.rendered[10000].wasm, (x) => x.vsyncs.p99);
  goal('p99 put → rendered ≤ 17 ms at 10,000 msgs/s', p99r <= 17,
    `${f1(p99r)} ms; in frames: p99 ${f0(p99f)} (1 = rendered in the very next frame, the floor for the page's frame-paced producer)`);
  const worst = worstOf(R.burst);
  const lt = worst((x) => x.busy.longTasks);
  goal(`no long task over 50 ms during the ${f0(R.params.burst)}-message burst`, lt === 0,
    `${lt} long task${lt === 1 ? '' : 's'} in the worst run, the longest ${f0(worst((x) => x.busy.longestTask))} ms`);
  if (R.native) {
    const q = R.native.rows.find((n) => n.producers === 1 && n.name.startsWith('Queue::new(0): put/get'));
    goal('native Queue within 2x of std::sync::mpsc at 1/1 (ratio ≥ 0.5)', q.ratio >= 0.5, f2(q.ratio));
  }
  for (const [n, r] of Object.entries(threadRatios)) {
    goal(`threads ${n}/${n}: ≥ 3× the postMessage pipeline`, r.pipeline >= 3, f2(r.pipeline));
    goal(`threads ${n}/${n}: ≥ 0.5 of the native Queue at ${n}/${n}`, r.native >= 0.5, f2(r.native));
  }
}

/** The explorer's goals and the size budgets. */
function explorerAndSizeGoals(R, goal, bj) {
  if (R.explorer) {
    const find = (c, m) => R.explorer.rows.find((x) => x.case.startsWith(c) && x.model === m);
    const tso = find('3x8', 'tso');
    if (tso) goal('explorer: TSO 3×8 under 1 s (CPU)', tso.ours.secs < 1, `${tso.ours.secs.toFixed(3)} s, ${f2(tso.ratio)} of today's ${tso.baseline.secs.toFixed(3)} s`);
    const ra4 = R.explorer.rows.filter((x) => x.case.includes('x4') && x.model === 'ra');
    if (ra4.length) {
      const slowest = ra4.reduce((a, b) => (a.ours.secs > b.ours.secs ? a : b));
      const mb = Math.max(...ra4.map((x) => x.ours.peak_bytes)) / 1e6;
      goal('explorer: RA, 4-thread programs under 5 s and 300 MB, complete', ra4.every((x) => x.ours.complete && x.ours.secs < 5) && mb < 300,
        `slowest ${slowest.case} ${slowest.ours.secs.toFixed(3)} s; peak ${f0(mb)} MB; complete: ${ra4.map((x) => x.ours.complete).join(', ')}`);
    }
    for (const m of ['tso', 'ra']) {
      const xs = R.explorer.rows.filter((x) => x.model === m && x.ours.states >= 10000);
      const r = median(xs.map((x) => (x.plain ?? x.ours).bytes_per_state / x.baseline.bytes_per_state));
      goal(`explorer: bytes per state halved under ${m} (programs of ≥ 10,000 states, without symmetry)`, r <= 0.5, `median ratio ${f2(r)}`);
    }
  }
  goal('release wasm ≤ 60 KB gzipped (budget, tested)', bj.gzip_bytes <= 60000, kb(bj.gzip_bytes));
  goal('first visit ≤ 120 KB gzipped (budget, tested)', R.visit.wasm.gz <= 120000, kb(R.visit.wasm.gz));
}

/** Where the time goes: one put alone, phase by phase, from the timed workers. */
function profileTable(R) {
  const prof = [
    '| put of | worker | page: stringify | page: postMessage | post → round start | round start → batch on page | page: parse | total | worker: handle the put | worker: the round | worker: postMessage | of which glue TextEncoder / TextDecoder | wasm memory |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const [size, r] of Object.entries(R.profile)) {
    for (const kind of ['wasm', 'echo']) {
      const m = (k) => f1(medianBy(r[kind], (x) => x[k]));
      const mw = (k) => f1(medianBy(r[kind], (x) => x.worker[k]));
      prof.push(`| ${f0(r[kind][0].n)} × ${size} B (${kb(r[kind][0].putBytes)}) | ${kind} | ${m('stringify')} | ${m('postMessage')} | ${m('postToDrain')} | ${m('drainToArrive')} | ${m('parse')} | ${m('total')} | ${mw('handle')} | ${mw('round')} | ${mw('post')} | ${kind === 'wasm' ? `${mw('glueIn')} / ${mw('glueOut')}` : ''} | ${kind === 'wasm' ? `${f0(medianBy(r[kind], (x) => x.worker.wasmMemory) / 1e6)} MB` : ''} |`);
    }
  }
  return prof;
}

/** The whole report. `goals: false` (the smoke run) leaves the goals out: too few runs to judge. */
export function format(R, { goals: withGoals = true } = {}) {
  const rows = [];
  const row = (n, what, ours, base, ratio, note = '') => rows.push(`| ${n} | ${what} | ${ours} | ${base} | ${ratio} | ${note} |`);
  const goals = [];
  const goal = (text, met, value) => goals.push(`- [${met ? 'met' : 'MISSED'}] ${text}: ${value}`);

  const tp = throughputRows(R, row);
  latencyRows(R, row);
  burstRows(R, row);
  const bj = startupAndSizeRows(R, row);
  nativeRows(R, row);
  const threadRatios = threadRows(R, row, tp);
  explorerRows(R, row);
  if (withGoals) {
    pageGoals(R, goal, tp, threadRatios);
    explorerAndSizeGoals(R, goal, bj);
  }

  const burstLoafs = R.burst.flatMap((x) => x.busy.loafs).sort((a, c) => c.duration - a.duration).slice(0, 3)
    .map((l) => `${f0(l.duration)} ms (rendering ${f0(l.render)} ms; scripts: ${l.scripts.map((s) => `${s.invoker || '?'}${s.fn ? ` ${s.fn}` : ''} ${s.duration} ms`).join(', ') || 'none'})`);
  const m = R.machine;
  const v = R.visit;
  return [
    `Queue Playground benchmark — ${new Date().toISOString()}, ${f0(R.seconds)} s${withGoals ? '' : ' (smoke run: a few small runs, no goals)'}`,
    `machine: ${m.nproc} CPUs (${m.model}), load average ${m.load}; Chromium ${m.chromium}; node ${m.node}`,
    '',
    '| # | measurement | ours | baseline | ratio | how |',
    '| --- | --- | ---: | ---: | ---: | --- |',
    ...rows,
    '',
    'Ratios are ours / baseline: above 1 is better for throughput, worse for times. Baselines: the plain-JS echo worker (1, 2, 4), the page idle (3), the budget (5), std::sync::mpsc::channel (6), the postMessage pipeline (7), today\'s explorer frozen in bench/explore/baseline (8; CPU seconds of the exploring thread, natively, release profile).',
    '',
    ...(withGoals ? ['Goals:', ...goals, ''] : []),
    'Where the time goes: one put alone, waited for (ms, median; the worker is wrapped by bench/timed-worker.js):',
    '',
    ...profileTable(R),
    '',
    `Longest animation frames during the bursts: ${burstLoafs.join('; ') || 'none over 50 ms'}`,
    '',
    `First visit to index.html (${v.wasm.files.length} files, gzip -9): ${v.wasm.files.map((x) => `${x.path} ${kb(x.gz)}`).join(', ')}`,
  ].join('\n');
}
