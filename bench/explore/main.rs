//! The explorer benchmark: the crate's explorer against today's, frozen in `baseline/` (see its
//! `mod.rs`), on the same programs in the same process, interleaved. A package of its own
//! (`bench/explore/Cargo.toml`), so the main crate's tests and lints never compile the frozen copy.
//!
//! ```sh
//! cd bench/explore
//! cargo run --release                                  # a markdown table
//! cargo run --release -- --json                        # the same numbers for scripts/bench.sh
//! cargo run --release -- --quick                       # one repetition
//! cargo run --release -- --only 3x8 --model tso --which ours   # for callgrind
//! cargo run --release -- --only "counter x4" --model ra --which ours,plain --cap 40000000
//! ```
//!
//! For each program and model: states stored, time (median of the repetitions, ours and the baseline
//! alternating), states per second, and bytes per stored state: the peak of the heap during the
//! exploration (a counting global allocator) over the states stored. Every case also checks that
//! both explorers report the same outcomes, failures and counts, so a speed-up that changed a
//! number a learner sees would show here as a MISMATCH row (and exit status 1).
//!
//! Built with the crate's release profile (`opt-level = "z"`, as the wasm is; repeated in this
//! package's `Cargo.toml`), as `scripts/bench.sh` runs it.

mod baseline;

use std::alloc::{GlobalAlloc, Layout, System};
// Every counter below is Relaxed: the benchmark explores on one thread, and the counts order
// no other memory (they are only read back by that thread).
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

use queue_playground::sim::symmetry::Symmetry;
use queue_playground::sim::{explore, explore_unreduced, parse, Limits, Model, Program, Report};

/// Counts the bytes the heap holds, and the most it has held since the last [`reset_peak`].
struct Counting;

static NOW: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards every call to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            let now = NOW.fetch_add(layout.size(), Relaxed) + layout.size();
            PEAK.fetch_max(now, Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        NOW.fetch_sub(layout.size(), Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            if new_size >= layout.size() {
                let now =
                    NOW.fetch_add(new_size - layout.size(), Relaxed) + new_size - layout.size();
                PEAK.fetch_max(now, Relaxed);
            } else {
                NOW.fetch_sub(layout.size() - new_size, Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn reset_peak() -> usize {
    let now = NOW.load(Relaxed);
    PEAK.store(now, Relaxed);
    now
}

/// The page's largest bound (`src/sim/request.rs`), so that every program but one completes.
const CAP: usize = 2_000_000;

/// Three threads of eight steps, each a different order of increments (tests/sim_explore.rs).
const THREE_BY_EIGHT: &str = "
shared x = 0, y = 0, z = 0
thread A {
  x = x + 1
  y = y + 1
  z = z + 1
  x = x + 1
}
thread B {
  y = y + 1
  z = z + 1
  x = x + 1
  y = y + 1
}
thread C {
  z = z + 1
  x = x + 1
  y = y + 1
  z = z + 1
}";

/// The lost update with four threads, each incrementing twice in a loop.
const COUNTER4: &str = "
shared count = 0
thread A {
  i = 0
  while i < 2 {
    count = count + 1
    i = i + 1
  }
}
thread B {
  i = 0
  while i < 2 {
    count = count + 1
    i = i + 1
  }
}
thread C {
  i = 0
  while i < 2 {
    count = count + 1
    i = i + 1
  }
}
thread D {
  i = 0
  while i < 2 {
    count = count + 1
    i = i + 1
  }
}
observe count";

/// Store buffering around a ring of four threads, fenced.
const SB4_FENCED: &str = "
shared w = 0, x = 0, y = 0, z = 0
observe A.a, B.b, C.c, D.d
thread A {
  w.store(1, relaxed)
  fence(seq_cst)
  a = x.load(relaxed)
}
thread B {
  x.store(1, relaxed)
  fence(seq_cst)
  b = y.load(relaxed)
}
thread C {
  y.store(1, relaxed)
  fence(seq_cst)
  c = z.load(relaxed)
}
thread D {
  z.store(1, relaxed)
  fence(seq_cst)
  d = w.load(relaxed)
}
final assert A.a + B.b + C.c + D.d >= 1";

fn lesson(name: &str) -> String {
    let path = format!("{}/../../lessons/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A lesson with one more copy of its thread `copy` (renamed `name`) and `edit` applied: the
/// path's lessons have at most three threads, and these are their four-thread versions.
fn four_threads(file: &str, copy: &str, name: &str, edit: (&str, &str)) -> String {
    let src = lesson(file);
    let src: String = src
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    let at = src
        .find(&format!("thread {copy} {{"))
        .unwrap_or_else(|| panic!("{file}: no thread {copy}"));
    let len = src[at..]
        .find("\n}\n")
        .map(|e| e + 3)
        .unwrap_or(src.len() - at);
    let body = src[at..at + len].replacen(copy, name, 1);
    let mut out = src.clone();
    out.insert_str(at + len, &format!("\n{body}"));
    out.replace(edit.0, edit.1)
}

struct Case {
    name: &'static str,
    src: String,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "3x8",
            src: THREE_BY_EIGHT.into(),
        },
        Case {
            name: "counter x4 (loops)",
            src: COUNTER4.into(),
        },
        Case {
            name: "mutex x4 (mutex.lab + D)",
            src: four_threads("mutex.lab", "C", "D", ("entered == 3", "entered == 4")),
        },
        Case {
            name: "queue x4 (queue_put_get.lab + P3)",
            src: four_threads("queue_put_get.lab", "P2", "P3", ("n < 2", "n < 3")),
        },
        Case {
            name: "store_buffering_fence.lab",
            src: lesson("store_buffering_fence.lab"),
        },
        Case {
            name: "SB x4, fenced",
            src: SB4_FENCED.into(),
        },
    ]
}

/// Seconds of CPU this thread has run, from `/proc/thread-self/schedstat` (nanoseconds on a
/// CPU): unlike the wall clock it does not count the time other processes held the CPU, which on
/// a shared machine is most of the noise. `None` where the file is missing.
fn cpu_secs() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(ns as f64 / 1e9)
}

/// One exploration: its report, seconds (of CPU where the system says, else of the wall clock),
/// and peak heap bytes above what was held before. A run shorter than 50 ms is repeated until
/// the repetitions add up to 50 ms, and the time is their mean.
fn measure(f: impl Fn() -> Report) -> (Report, f64, usize) {
    let before = reset_peak();
    let now = || cpu_secs().unwrap_or_else(|| START.with(|s| s.elapsed().as_secs_f64()));
    let t0 = now();
    let r = f();
    let peak = PEAK.load(Relaxed).saturating_sub(before);
    let mut runs = 1;
    while now() - t0 < 0.05 {
        std::hint::black_box(f());
        runs += 1;
    }
    (r, (now() - t0) / f64::from(runs), peak)
}

thread_local! {
    static START: Instant = Instant::now();
}

/// What a learner sees of a report: outcomes and failures with their counts, and the sizes
/// (with symmetry, those of the states stood for, not stored).
fn numbers(r: &Report) -> String {
    let mut s = String::new();
    for o in &r.outcomes {
        s += &format!("{} {}; ", o.outcome, o.count);
    }
    for f in &r.failures {
        s += &format!("{} {:?} {}; ", f.kind.name(), f.detail, f.count);
    }
    s += &format!(
        "complete={} cyclic={} states={} transitions={} max_depth={}",
        r.complete, r.cyclic, r.states, r.transitions, r.max_depth
    );
    s
}

fn median(xs: &mut [f64]) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

struct Row {
    case: &'static str,
    model: Model,
    ours: Side,
    /// Ours without the symmetry reduction, where the program has threads alike.
    plain: Option<Side>,
    base: Side,
    ratio: f64,
    plain_ratio: Option<f64>,
    same: bool,
    comparable: bool,
}

#[derive(Default)]
struct Side {
    states: usize,
    complete: bool,
    secs: f64,
    peak: usize,
    numbers: String,
    times: Vec<f64>,
}

impl Side {
    fn bytes_per_state(&self) -> f64 {
        self.peak as f64 / self.states.max(1) as f64
    }

    fn run(&mut self, f: impl Fn() -> Report) -> f64 {
        let (r, secs, peak) = measure(f);
        (self.states, self.complete, self.peak) = (r.stored, r.complete, peak);
        self.numbers = numbers(&r);
        self.times.push(secs);
        self.secs = median(&mut self.times.clone());
        secs
    }
}

/// Which explorers to run: `--which ours`, `--which plain`, `--which baseline`, or a list
/// such as `--which ours,plain`.
fn wanted(which: &Option<String>, name: &str) -> bool {
    which
        .as_deref()
        .is_none_or(|w| w.split(',').any(|w| w == name))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |f: &str| args.iter().any(|a| a == f);
    let value = |f: &str| {
        args.iter()
            .position(|a| a == f)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let reps = if flag("--quick") { 1 } else { 3 };
    let only = value("--only");
    let which = value("--which");
    let cap = value("--cap").and_then(|c| c.parse().ok()).unwrap_or(CAP);
    let limits = Limits {
        max_states: cap,
        ..Limits::default()
    };
    let mut rows = Vec::new();
    for case in cases() {
        if only.as_deref().is_some_and(|o| !case.name.contains(o)) {
            continue;
        }
        let prog: Program = parse(&case.src).unwrap_or_else(|e| panic!("{}: {e}", case.name));
        let alike = Symmetry::of(&prog).is_some();
        for model in Model::ALL {
            if value("--model").is_some_and(|m| m != model.name()) {
                continue;
            }
            let (mut ours, mut plain, mut base) =
                (Side::default(), Side::default(), Side::default());
            let (mut ratios, mut plain_ratios) = (Vec::new(), Vec::new());
            for rep in 0..reps {
                // One repetition of what takes seconds: its noise is small beside its length.
                if rep > 0 && base.secs.max(ours.secs).max(plain.secs) > 3.0 {
                    break;
                }
                let mut t = [0.0; 3];
                if wanted(&which, "ours") {
                    t[0] = ours.run(|| explore(&prog, model, &limits, &mut |_| true));
                }
                if alike && wanted(&which, "plain") {
                    t[1] = plain.run(|| explore_unreduced(&prog, model, &limits, &mut |_| true));
                }
                if wanted(&which, "baseline") {
                    t[2] = base
                        .run(|| baseline::explore::explore(&prog, model, &limits, &mut |_| true));
                }
                if t[2] > 0.0 {
                    if t[0] > 0.0 {
                        ratios.push(t[0] / t[2]);
                    }
                    if t[1] > 0.0 {
                        plain_ratios.push(t[1] / t[2]);
                    }
                }
            }
            let ratio = if ratios.is_empty() {
                0.0
            } else {
                median(&mut ratios)
            };
            let plain_ratio = (!plain_ratios.is_empty()).then(|| median(&mut plain_ratios));
            // Only complete explorations say the same thing; one cut short says nothing yet.
            let mut comparable = false;
            let mut same = true;
            for side in [&ours, &plain] {
                if side.complete && base.complete {
                    comparable = true;
                    if side.numbers != base.numbers {
                        same = false;
                        eprintln!(
                            "MISMATCH {} {}:\n ours: {}\n base: {}",
                            case.name,
                            model.name(),
                            side.numbers,
                            base.numbers
                        );
                    }
                }
            }
            if ours.complete && plain.complete && ours.numbers != plain.numbers {
                same = false;
                eprintln!(
                    "MISMATCH {} {}: with and without symmetry",
                    case.name,
                    model.name()
                );
            }
            rows.push(Row {
                case: case.name,
                model,
                ours,
                plain: alike.then_some(plain),
                base,
                ratio,
                plain_ratio,
                same,
                comparable,
            });
        }
    }
    if flag("--json") {
        print_json(&rows, reps, cap);
    } else {
        print_table(&rows, reps, cap);
    }
    if rows.iter().any(|r| !r.same) {
        std::process::exit(1);
    }
}

fn per_s(s: &Side) -> f64 {
    if s.secs > 0.0 {
        s.states as f64 / s.secs
    } else {
        0.0
    }
}

fn print_table(rows: &[Row], reps: usize, cap: usize) {
    let clock = if cpu_secs().is_some() {
        "CPU seconds of the exploring thread"
    } else {
        "wall-clock seconds"
    };
    println!("Explorer: ours (with symmetry; and without it, where threads are alike) against today's (bench/explore/baseline), same run, cap {cap} states, {clock}, median of {reps} (1 where a run takes over 3 s)");
    println!();
    println!("| program | model | states: ours / no symmetry / today | time s: ours / no symmetry / today | ratio to today: ours / no symmetry | states/s: ours / today | bytes/state: ours / no symmetry / today | same counts |");
    println!("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |");
    for r in rows {
        let cut = |s: &Side| if s.complete { "" } else { " (cut)" };
        let or_dash = |s: Option<String>| s.unwrap_or_else(|| "-".into());
        let p = r.plain.as_ref();
        println!(
            "| {} | {} | {}{} / {} / {}{} | {:.3} / {} / {:.3} | {:.2} / {} | {:.0} / {:.0} | {:.0} / {} / {:.0} | {} |",
            r.case,
            r.model.name(),
            r.ours.states,
            cut(&r.ours),
            or_dash(p.map(|s| format!("{}{}", s.states, cut(s)))),
            r.base.states,
            cut(&r.base),
            r.ours.secs,
            or_dash(p.map(|s| format!("{:.3}", s.secs))),
            r.base.secs,
            r.ratio,
            or_dash(r.plain_ratio.map(|x| format!("{x:.2}"))),
            per_s(&r.ours),
            per_s(&r.base),
            r.ours.bytes_per_state(),
            or_dash(p.map(|s| format!("{:.0}", s.bytes_per_state()))),
            r.base.bytes_per_state(),
            match (r.comparable, r.same) {
                (false, _) => "(none complete)",
                (true, true) => "yes",
                (true, false) => "MISMATCH",
            },
        );
    }
}

fn print_json(rows: &[Row], reps: usize, cap: usize) {
    let side = |s: &Side| {
        format!(
            "{{\"states\":{},\"complete\":{},\"secs\":{},\"states_per_s\":{},\"peak_bytes\":{},\"bytes_per_state\":{}}}",
            s.states,
            s.complete,
            s.secs,
            per_s(s),
            s.peak,
            s.bytes_per_state()
        )
    };
    let items: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "{{\"case\":\"{}\",\"model\":\"{}\",\"ours\":{},\"plain\":{},\"baseline\":{},\"ratio\":{},\"plain_ratio\":{},\"same\":{},\"comparable\":{}}}",
                r.case,
                r.model.name(),
                side(&r.ours),
                r.plain.as_ref().map(side).unwrap_or_else(|| "null".into()),
                side(&r.base),
                r.ratio,
                r.plain_ratio.map(|x| x.to_string()).unwrap_or_else(|| "null".into()),
                r.same,
                r.comparable
            )
        })
        .collect();
    println!(
        "{{\"cap\":{cap},\"reps\":{reps},\"rows\":[{}]}}",
        items.join(",")
    );
}
