#![cfg(not(target_arch = "wasm32"))]
//! The lab's front end against hostile input: the corpus of cases that once crashed
//! or froze the page (`tests/hostile/cases.json`), each limit at its edge, the explorer's memory
//! budget, compile work that grows linearly, and a seeded fuzz run over lex + parse + compile +
//! a short exploration. More cases: `FUZZ_CASES=200000 cargo test --test fuzz_lab` (or
//! `scripts/fuzz.sh`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use queue_playground::json::{self, Value};
use queue_playground::sim::compile::{compile_within, Bounds};
use queue_playground::sim::lexer::{lex, MAX_LINES};
use queue_playground::sim::parser::{parse_tokens, MAX_TERMS};
use queue_playground::sim::request::{self, OptionValue, RequestError};
use queue_playground::sim::request::{MAX_SCHEDULE, MAX_SOURCE};
use queue_playground::sim::{
    explore, parse, run_random, Choice, Limits, Machine, Model, ParseErrorKind as K, Stop, ToJson,
};

// ------------------------------------------------------------------ counting allocations

/// Counts the bytes this thread allocates (a deterministic measure of work that copies), the
/// bytes it holds, and the most it has held since [`peak_held_by`] started.
struct Counting;

thread_local! {
    static ALLOCATED: Cell<u64> = const { Cell::new(0) };
    static HELD: Cell<u64> = const { Cell::new(0) };
    static PEAK: Cell<u64> = const { Cell::new(0) };
}

fn hold(more: u64, less: u64) {
    let _ = HELD.try_with(|h| {
        h.set((h.get() + more).saturating_sub(less));
        let _ = PEAK.try_with(|p| p.set(p.get().max(h.get())));
    });
}

// SAFETY: forwards every call to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATED.try_with(|a| a.set(a.get() + layout.size() as u64));
        hold(layout.size() as u64, 0);
        System.alloc(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        hold(0, layout.size() as u64);
        System.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new: usize) -> *mut u8 {
        let _ = ALLOCATED.try_with(|a| a.set(a.get() + new as u64));
        hold(new as u64, layout.size() as u64);
        System.realloc(ptr, layout, new)
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

fn allocated_by(f: impl FnOnce()) -> u64 {
    let before = ALLOCATED.with(Cell::get);
    f();
    ALLOCATED.with(Cell::get) - before
}

/// What `f` returns, and the most heap this thread held while it ran, above what it held before.
fn peak_held_by<T>(f: impl FnOnce() -> T) -> (T, u64) {
    let before = HELD.with(Cell::get);
    PEAK.with(|p| p.set(before));
    let out = f();
    (out, PEAK.with(Cell::get) - before)
}

// ------------------------------------------------------------------ the corpus

/// Three letters in base 52: a register name that is never a keyword.
fn name3(i: usize) -> String {
    const A: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    (0..3)
        .map(|k| A[(i / 52usize.pow(k)) % 52] as char)
        .collect()
}

/// `count` registers in one thread, then a long loop (the corpus's `registers` generator).
fn registers_program(count: usize) -> String {
    let mut src = String::from("shared x\nthread A {\n");
    for i in 0..count {
        src.push_str(&name3(i));
        src.push_str("=0;");
    }
    src + "\nwhile x < 60000 { x = x + 1 }\n}\nthread B { x = 5 }\n"
}

/// The largest program within every bound (the corpus's `widest` generator).
fn widest_program() -> String {
    let vars: Vec<String> = (0..Bounds::LAB.objects).map(|i| format!("v{i}")).collect();
    let mut src = format!("shared {}\n", vars.join(", "));
    for t in 0..Bounds::LAB.threads {
        src += &format!("thread T{t} {{\n");
        for r in 0..Bounds::LAB.registers {
            src += &format!("r{r} = v{r}\n");
        }
        src += "}\n";
    }
    src
}

/// A recipe's text: its parts concatenated, `[text, times]` repeated.
fn expand(parts: &Value) -> String {
    let Value::Array(parts) = parts else {
        panic!("parts must be an array")
    };
    parts
        .iter()
        .map(|p| match p {
            Value::String(s) => s.clone(),
            Value::Array(pair) => {
                let text = pair[0].as_str().expect("text");
                text.repeat(pair[1].as_f64().expect("times") as usize)
            }
            _ => panic!("bad part {p:?}"),
        })
        .collect()
}

fn corpus() -> Vec<Value> {
    let text = include_str!("hostile/cases.json");
    match json::parse(text).expect("cases.json").get("cases") {
        Some(Value::Array(cases)) => cases.clone(),
        _ => panic!("cases.json has no cases"),
    }
}

fn key_of(e: &RequestError) -> String {
    let v = json::parse(&e.to_json()).expect("an error is JSON");
    v.get("key")
        .and_then(Value::as_str)
        .expect("a key")
        .to_string()
}

/// What the page's worker or stepper answers for a case: the key of its refusal, if any.
fn refusal(case: &Value) -> Option<String> {
    let model = case.get("model").and_then(Value::as_str).unwrap_or("sc");
    let src = match case.get("generate").and_then(Value::as_str) {
        Some("registers") => {
            registers_program(case.get("count").and_then(Value::as_f64).expect("count") as usize)
        }
        Some("widest") => widest_program(),
        Some(other) => panic!("unknown generator {other}"),
        None => expand(case.get("src").expect("src")),
    };
    let (prog, model) = match request::load(&src, model) {
        Ok(p) => p,
        Err(e) => return Some(key_of(&e)),
    };
    if let Some(parts) = case.get("schedule") {
        if let Err(e) = request::schedule(&expand(parts)) {
            return Some(key_of(&e));
        }
    }
    let max_states = case.get("max_states").and_then(Value::as_f64);
    let options = request::options(|k| match (k, max_states) {
        ("max_states", Some(n)) => Some(OptionValue::Number(n)),
        _ => None,
    })
    .expect("options");
    if let Err(e) = request::check_budget(&prog, model, &options.limits) {
        return Some(key_of(&e));
    }
    None
}

#[test]
fn every_hostile_case_is_refused_with_its_message() {
    let cases = corpus();
    assert!(cases.len() >= 10, "the corpus lost cases");
    for case in &cases {
        let name = case.get("name").and_then(Value::as_str).expect("name");
        let expect = case.get("expect").and_then(Value::as_str).expect("expect");
        assert_eq!(refusal(case).as_deref(), Some(expect), "case {name}");
    }
}

#[test]
fn the_generators_build_what_the_corpus_says() {
    // 7000 registers and a loop: about 47 KB, under the size cap, so that the register cap is
    // what refuses it; the widest program must itself be accepted.
    let src = registers_program(7000);
    assert!(
        src.len() > 40_000 && src.len() < MAX_SOURCE,
        "{}",
        src.len()
    );
    let prog = parse(&widest_program()).expect("the widest program is within bounds");
    assert_eq!(prog.threads.len(), Bounds::LAB.threads);
    assert_eq!(prog.vars.len(), Bounds::LAB.objects);
    assert!(prog
        .threads
        .iter()
        .all(|t| t.registers == Bounds::LAB.registers));
}

// ------------------------------------------------------------------ each limit at its edge

fn chain(terms: u32) -> String {
    format!(
        "shared x\nthread A {{ x = 1{} }}",
        "+1".repeat(terms as usize - 1)
    )
}

#[test]
fn expressions_stop_at_max_terms() {
    assert!(parse(&chain(MAX_TERMS)).is_ok());
    let e = parse(&chain(MAX_TERMS + 1)).unwrap_err();
    assert_eq!(e.kind, K::ExpressionTooLong { max: MAX_TERMS });
    assert_eq!(e.line, 2);
    // Terms inside parentheses count towards the whole expression, and so do the parentheses
    // and unary operators: here 2 x (1 + 49) terms.
    let half = format!("({})", "1+".repeat(48) + "1");
    let two = format!("shared x\nthread A {{ x = {half} + {half} }}");
    assert!(parse(&two).is_ok(), "{:?}", parse(&two).err());
    let over = format!("shared x\nthread A {{ x = {half} + {half} + -1 }}");
    assert_eq!(
        parse(&over).unwrap_err().kind,
        K::ExpressionTooLong { max: MAX_TERMS }
    );
    let fin = format!(
        "shared x\nthread A {{ x = 1 }}\nfinal assert x{}",
        "*x".repeat(MAX_TERMS as usize)
    );
    assert_eq!(
        parse(&fin).unwrap_err().kind,
        K::ExpressionTooLong { max: MAX_TERMS }
    );
    // Each statement counts afresh.
    let many = format!(
        "shared x\nthread A {{ {} }}",
        format!("x = {};", chain_expr()).repeat(5)
    );
    assert!(parse(&many).is_ok(), "{:?}", parse(&many).err());
}

fn chain_expr() -> String {
    format!("1{}", "+1".repeat(MAX_TERMS as usize - 1))
}

#[test]
fn thirty_two_thousand_terms_are_an_error_not_an_abort() {
    // This aborted the test process (stack overflow) before expressions were capped.
    for op in ["+", "-", "*", "&&", "||"] {
        let src = format!(
            "shared x\nthread A {{ x = 1{} }}",
            format!("{op}1").repeat(32_000)
        );
        let e = parse(&src).unwrap_err();
        assert_eq!(e.kind, K::ExpressionTooLong { max: MAX_TERMS }, "{op}");
    }
}

#[test]
fn programs_stop_at_max_lines() {
    let ok = format!(
        "shared x{}thread A {{ x = 1 }}",
        "\n".repeat(MAX_LINES as usize - 1)
    );
    assert!(parse(&ok).is_ok());
    let long = format!(
        "shared x{}thread A {{ x = 1 }}",
        "\n".repeat(MAX_LINES as usize)
    );
    let e = parse(&long).unwrap_err();
    assert_eq!(e.kind, K::TooManyLines { max: MAX_LINES });
    assert_eq!(e.line, MAX_LINES + 1);
}

#[test]
fn threads_stop_at_max_registers_steps_names_and_observed() {
    let b = Bounds::LAB;
    let regs = |n: usize| {
        let body: String = (0..n).map(|i| format!("r{i} = 1;")).collect();
        format!("thread A {{ {body} }}")
    };
    assert!(parse(&regs(b.registers)).is_ok());
    let e = parse(&regs(b.registers + 1)).unwrap_err();
    let (thread, max) = ("A".to_string(), b.registers);
    assert_eq!(e.kind, K::TooManyRegisters { thread, max });

    // Steps count over all threads: half in each of two threads is one too many.
    let stores = |n: usize| "x = 1;".repeat(n);
    let two = |a: usize, c: usize| {
        format!(
            "shared x\nthread A {{ {} }}\nthread B {{ {} }}",
            stores(a),
            stores(c)
        )
    };
    assert!(parse(&two(b.steps / 2, b.steps / 2)).is_ok());
    let e = parse(&two(b.steps / 2, b.steps / 2 + 1)).unwrap_err();
    assert_eq!(e.kind, K::TooManySteps { max: b.steps });

    let decls = |n: usize| {
        let names: Vec<String> = (0..n).map(|i| format!("m{i}")).collect();
        format!("mutex {}\nthread A {{ r = 1 }}", names.join(", "))
    };
    assert!(parse(&decls(b.objects)).is_ok());
    let e = parse(&decls(b.objects + 1)).unwrap_err();
    assert_eq!(e.kind, K::TooManyObjects { max: b.objects });

    let observe = |n: usize| {
        let names = vec!["x"; n].join(", ");
        format!("shared x\nobserve {names}\nthread A {{ x = 1 }}")
    };
    assert!(parse(&observe(b.observed)).is_ok());
    let e = parse(&observe(b.observed + 1)).unwrap_err();
    assert_eq!(e.kind, K::TooManyObserved { max: b.observed });
}

#[test]
fn schedules_stop_at_max_schedule_before_they_are_read() {
    let at = vec!["0"; MAX_SCHEDULE].join(",");
    assert_eq!(request::schedule(&at).map(|c| c.len()), Ok(MAX_SCHEDULE));
    let over = format!("{at},0");
    let err = RequestError::ScheduleTooLong {
        choices: MAX_SCHEDULE + 1,
        max: MAX_SCHEDULE,
    };
    assert_eq!(request::schedule(&over), Err(err));
    // A text too long to be a schedule of that many choices is refused unread.
    let junk = "7".repeat(MAX_SCHEDULE * 16 + 1);
    assert!(matches!(
        request::schedule(&junk),
        Err(RequestError::ScheduleTooLong { .. })
    ));
}

#[test]
fn every_limit_has_an_english_and_a_json_message() {
    let errors = [
        RequestError::Parse(parse(&chain(MAX_TERMS + 1)).unwrap_err()),
        RequestError::ScheduleTooLong {
            choices: 300_001,
            max: MAX_SCHEDULE,
        },
        RequestError::HistoryFull { bytes: 64 << 20 },
        RequestError::OverBudget {
            bytes_per_state: 300,
            max_states: 2_000_000,
            budget: 256 << 20,
            fits: 894_784,
        },
    ];
    let english = [
        "an expression may have at most 100 terms",
        "the schedule has 300001 choices; at most 10000 are accepted",
        "undo history is full (64 MiB)",
        "allow at most 894784 states",
    ];
    for (e, words) in errors.iter().zip(english) {
        assert!(e.to_string().contains(words), "{e}");
        assert!(!key_of(e).is_empty());
    }
}

// ------------------------------------------------------------------ the memory budget

/// Under `ra` every store adds a message that the state keeps: states grow along the run.
const GROWING: &str = "shared x\n\
    thread A { while 1 == 1 { x.store(1, relaxed) } }\n\
    thread B { while 1 == 1 { r = x.load(relaxed) } }";

#[test]
fn exploration_stops_at_the_memory_budget_with_a_typed_result() {
    /// The budget: 2 MiB.
    const BUDGET: usize = 2 << 20;
    /// The heap the explorer really holds may pass the budget by the bookkeeping it does not
    /// count (the report built at the end, the search stack), a small part: at most a quarter.
    const MOST: f64 = 1.25;
    /// The budget, not anything else, stopped it: most of the budget was really in use.
    const LEAST: f64 = 0.75;
    let prog = parse(GROWING).unwrap();
    let limits = Limits {
        max_states: usize::MAX,
        max_bytes: BUDGET,
        ..Limits::default()
    };
    let (r, held) = peak_held_by(|| explore(&prog, Model::Ra, &limits, &mut |_| true));
    assert_eq!(r.stopped, Some(Stop::MemoryBudget { bytes: BUDGET }));
    assert!(!r.complete);
    assert!(r.to_string().contains("memory budget of 2 MiB"), "{}", r);
    // Measured by the allocator, not by the explorer's own estimate.
    let used = held as f64 / BUDGET as f64;
    assert!(
        (LEAST..=MOST).contains(&used),
        "{held} bytes held for a budget of {BUDGET} ({used:.2}x), {} states",
        r.states
    );
}

#[test]
fn a_budget_that_cannot_fit_the_state_bound_is_refused_before_work() {
    use queue_playground::sim::request::MAX_STATES;
    /// The default budget, 512 MiB, over the page's largest bound, 2,000,000 states: 268 bytes
    /// a state.
    const ROOM: usize = (512 << 20) / MAX_STATES;
    /// A state of the widest program under `ra` keeps every variable's history of messages,
    /// each with its value, timestamp and view: for 32 variables, well past 512 bytes.
    const RA_AT_LEAST: usize = 512;
    let prog = parse(&widest_program()).unwrap();
    let largest = Limits {
        max_states: MAX_STATES,
        ..Limits::default()
    };
    const { assert!(RA_AT_LEAST > ROOM) };
    // The allocator agrees: a short run holds more than that per stored state.
    let short = Limits {
        max_states: 500,
        ..Limits::default()
    };
    let (r, held) = peak_held_by(|| explore(&prog, Model::Ra, &short, &mut |_| true));
    assert!(
        held as usize > r.stored * RA_AT_LEAST,
        "{held} bytes, {} states",
        r.stored
    );
    // So the largest bound cannot fit under `ra`, and is refused before any work.
    let Err(RequestError::OverBudget { fits, .. }) =
        request::check_budget(&prog, Model::Ra, &largest)
    else {
        panic!("{MAX_STATES} states of over {RA_AT_LEAST} bytes fit in 512 MiB?")
    };
    // The refusal names the edge: one state more is refused, that many are not.
    let at = |max_states| Limits {
        max_states,
        ..Limits::default()
    };
    assert!(fits <= (512 << 20) / RA_AT_LEAST, "{fits}");
    assert!(request::check_budget(&prog, Model::Ra, &at(fits + 1)).is_err());
    assert_eq!(request::check_budget(&prog, Model::Ra, &at(fits)), Ok(()));
    // The default bound fits every program within the lab's bounds.
    for model in Model::ALL {
        assert_eq!(
            request::check_budget(&prog, model, &Limits::default()),
            Ok(()),
            "{model:?}"
        );
    }
}

// ------------------------------------------------------------------ linear work

/// `n` registers in one thread, each assigned once: each assignment is one step.
fn registers_source(n: usize) -> String {
    let body: String = (0..n).map(|i| format!("r{i} = {i};")).collect();
    format!("shared x\nthread A {{ {body} x = r0 }}")
}

#[test]
fn compiling_4n_registers_costs_about_4_times_n() {
    let unbounded = Bounds {
        registers: usize::MAX,
        steps: usize::MAX,
        ..Bounds::LAB
    };
    let cost = |n: usize| {
        let src = registers_source(n);
        let ast = parse_tokens(&lex(&src).unwrap()).unwrap();
        allocated_by(|| {
            let prog = compile_within(&ast, &unbounded).unwrap();
            assert_eq!(prog.threads[0].registers, n);
        })
    };
    let (small, large) = (cost(2000), cost(8000));
    // Copying the slot names per step (the old quadratic) made this ratio about 16.
    let ratio = large as f64 / small as f64;
    assert!(
        (3.0..5.0).contains(&ratio),
        "compile allocated {small} bytes for 2000 registers and {large} for 8000 (x{ratio:.1})"
    );
}

// ------------------------------------------------------------------ fuzzing

// The crate's one SplitMix64: the same cases on every run and every machine.
use queue_playground::rng::SplitMix64 as Rng;

/// How many cases a fuzz test runs: `FUZZ_CASES`, or `default` (a second or two).
pub fn cases(default: usize) -> usize {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

const FRAGMENTS: &[&str] = &[
    "+1",
    "*x",
    "&&",
    "||",
    "(",
    ")",
    "-",
    "!",
    "{",
    "}",
    "\n",
    ";",
    "if x == 0 { ",
    "while ",
    "r = x.fetch_add(1)\n",
    "m.lock()\n",
    "x.store(1, release)\n",
    "fence\n",
    "thread T { ",
    "shared y\n",
    "final assert ",
    "observe x\n",
    "A.r",
    "0,",
    "🦀",
    "\u{0}",
    "99999999999",
];

/// A lesson with pieces repeated (long chains, deep nesting, many statements), deleted or
/// spliced in.
fn mutate(rng: &mut Rng, seed: &str) -> String {
    let mut s: Vec<char> = seed.chars().collect();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(s.len() + 1);
        match rng.below(4) {
            0 => {
                let frag: Vec<char> = FRAGMENTS[rng.below(FRAGMENTS.len())].chars().collect();
                let times = [1, 2, 50, 400][rng.below(4)];
                let piece: Vec<char> = frag
                    .iter()
                    .cycle()
                    .take(frag.len() * times)
                    .copied()
                    .collect();
                s.splice(at..at, piece);
            }
            1 => {
                let end = (at + rng.below(40)).min(s.len());
                s.drain(at..end);
            }
            2 => {
                // Repeat a span of the program itself.
                let end = (at + 1 + rng.below(30)).min(s.len());
                let span: Vec<char> = s[at.min(end)..end].to_vec();
                let times = 1 + rng.below(200);
                for _ in 0..times {
                    s.splice(end..end, span.iter().copied());
                }
            }
            _ => {
                if at < s.len() {
                    s[at] = FRAGMENTS[rng.below(FRAGMENTS.len())]
                        .chars()
                        .next()
                        .unwrap_or('x');
                }
            }
        }
    }
    s.into_iter().collect()
}

fn lessons() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/lessons");
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .expect("lessons/")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "lab"))
        .map(|e| std::fs::read_to_string(e.path()).expect("a lesson"))
        .collect();
    out.sort();
    out
}

#[test]
fn fuzz_the_front_end_and_a_short_exploration() {
    let seeds = lessons();
    assert!(seeds.len() >= 10);
    let mut rng = Rng::new(0x1ab_f00d);
    let (mut parsed, mut refused) = (0, 0);
    let limits = Limits {
        max_states: 200,
        max_run_steps: 200,
        max_bytes: 1 << 20,
    };
    let n = cases(600);
    for i in 0..n {
        let src = mutate(&mut rng, &seeds[i % seeds.len()]);
        match request::load(&src, ["sc", "tso", "ra"][i % 3]) {
            Ok((prog, model)) => {
                parsed += 1;
                let r = explore(&prog, model, &limits, &mut |_| true);
                // It ends, complete or stopped by a bound (one expansion may pass the state
                // bound by its successors).
                let bounded = matches!(
                    r.stopped,
                    Some(Stop::StateLimit { .. } | Stop::MemoryBudget { .. })
                );
                assert!(r.complete != bounded, "{src}");
                let run = run_random(&prog, model, i as u64, limits.max_run_steps);
                // Whatever a run took, the stepper takes again.
                let mut m = Machine::new(&prog, model);
                for &c in run.schedule.iter().take(50) {
                    assert!(m.step(c).is_ok(), "{c} in {src}");
                }
                let bad = Choice::Step {
                    thread: 9,
                    alt: usize::MAX,
                };
                assert!(m.step(bad).is_err());
            }
            Err(e) => {
                refused += 1;
                let lines = src.split('\n').count() as u32;
                if let RequestError::Parse(p) = &e {
                    assert!(p.line >= 1 && p.line <= lines.max(1) + 1, "{e} for {src:?}");
                    assert!(p.col >= 1, "{e}");
                }
                assert!(!key_of(&e).is_empty());
            }
        }
    }
    assert!(
        parsed > n / 20 && refused > n / 20,
        "{parsed} parsed, {refused} refused"
    );
}
