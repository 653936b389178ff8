#![cfg(not(target_arch = "wasm32"))]
//! The lab language's parser: good programs compile to the expected steps, every error names
//! the right line and column, and no input at all makes it panic.

use queue_playground::sim::ast::{ObjKind, Order};
use queue_playground::sim::english;
use queue_playground::sim::sched::Rng;
use queue_playground::sim::{
    explore, parse, run_random, Choice, Expected, Found, Limits, Machine, Model, NameRole,
    ParseError, ParseErrorKind, Program, StepText,
};

const FULL: &str = "
# every construct once
shared x = 0, y = -2
shared count
mutex m
semaphore empty = 2, full = 0
condvar c
option spurious_wakeups
observe x, A.r

thread A {
  x = x + 1; y = 3
  r = x.load(acquire)
  x.store(r * 2 + (1 - y) % 3, release)
  r = x.swap(5, acq_rel)
  r = x.fetch_add(1, relaxed)
  x.fetch_sub(1)
  r = x.compare_exchange(0, 1, seq_cst)
  fence(seq_cst)
  fence
  m.lock()
  while !(r == 1) && r < 10 || r >= 100 {
    c.wait(m)
    r = r + 1
  }
  m.unlock()
  if r != 0 { c.notify_one() } else if r > 1 {
    c.notify_all()
  }
  else {
    empty.wait()
  }
  full.signal()
  assert x.load(relaxed) <= 5
}
thread B {
}
";

#[test]
fn a_program_using_every_construct_compiles() {
    let p = parse(FULL).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        p.vars,
        vec![("x".into(), 0), ("y".into(), -2), ("count".into(), 0)]
    );
    assert_eq!(p.semaphores, vec![("empty".into(), 2), ("full".into(), 0)]);
    assert!(p.spurious_wakeups);
    assert_eq!(p.threads.len(), 2);
    assert!(p.threads[1].steps.is_empty());
    let labels: Vec<&str> = p.observe.iter().map(|o| o.0.as_str()).collect();
    assert_eq!(labels, ["x", "A.r"]);
    let texts: Vec<&StepText> = p.threads[0].steps.iter().map(|s| &s.text).collect();
    let load = |var: &str, dst: &str, order| StepText::Load {
        var: var.into(),
        dst: dst.into(),
        order,
    };
    let store = |var: &str, value: &str| StepText::Store {
        var: var.into(),
        value: value.into(),
        order: Order::Plain,
    };
    assert_eq!(*texts[0], load("x", "tmp1", Order::Plain));
    assert_eq!(*texts[1], store("x", "tmp1 + 1"));
    assert_eq!(*texts[2], store("y", "3"));
    assert_eq!(*texts[3], load("x", "r", Order::Acquire));
    let english: Vec<String> = texts[..4].iter().map(|t| english::step(t)).collect();
    assert_eq!(
        english,
        [
            "load x into tmp1",
            "store tmp1 + 1 into x",
            "store 3 into y",
            "load x into r (acquire)"
        ]
    );
}

#[test]
fn braces_and_else_may_start_a_new_line() {
    let p = parse(
        "shared x\nthread A\n{\n  if x == 0\n  {\n    x = 1\n  }\n  else\n  {\n    x = 2\n  }\n}",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(p.threads[0].statements.len(), 3);
}

#[test]
fn a_non_atomic_increment_is_two_steps_and_an_atomic_one_is_one() {
    let p = parse("shared x = 0\nthread A {\n  x = x + 1\n  x.fetch_add(1)\n}").unwrap();
    let steps = &p.threads[0].steps;
    assert_eq!(steps.len(), 3);
    assert_eq!(steps.iter().map(|s| s.stmt).collect::<Vec<_>>(), [0, 0, 1]);
    assert_eq!(p.threads[0].statements[1].line, 4);
}

fn err(src: &str) -> ParseError {
    match parse(src) {
        Ok(_) => panic!("expected an error for:\n{src}"),
        Err(e) => e,
    }
}

fn s(text: &str) -> String {
    text.to_string()
}

fn found_word(w: &str) -> Found {
    Found::Word(w.to_string())
}

#[test]
fn every_error_names_its_line_column_and_kind() {
    use ParseErrorKind as K;
    let expected = |what, found| K::Expected { what, found };
    let cases: Vec<(&str, u32, u32, K)> = vec![
        (
            "shared x = 0\nthread A {\n  x = y\n}",
            3,
            7,
            K::UnknownName { name: s("y") },
        ),
        (
            "shared x = 0\nthread A {\n  x = x +\n}",
            3,
            10,
            expected(Expected::Value, Found::EndOfLine),
        ),
        (
            "shared x = 0\nthread A {\n  x = 1\n",
            4,
            1,
            expected(Expected::Punct("}"), Found::EndOfText),
        ),
        (
            "shared x = 0\nx = 1",
            2,
            1,
            K::OutsideThread { word: s("x") },
        ),
        (
            "shared x = 0\nshared x = 1\nthread A {}",
            2,
            8,
            K::DeclaredTwice { name: s("x") },
        ),
        (
            "shared x = 0\nthread A { r = x.load(release) }",
            2,
            18,
            K::LoadOrder {
                order: Order::Release,
            },
        ),
        (
            "shared x = 0\nthread A { x.store(1, acquire) }",
            2,
            14,
            K::StoreOrder {
                order: Order::Acquire,
            },
        ),
        (
            "shared x = 0\nthread A { x.store(1, fast) }",
            2,
            23,
            expected(Expected::MemoryOrder, found_word("fast")),
        ),
        (
            "mutex m\nthread A { m.wait() }",
            2,
            12,
            K::NoSuchMethod {
                obj: s("m"),
                kind: ObjKind::Mutex,
            },
        ),
        (
            "condvar c\nmutex m\nthread A { c.wait() }",
            3,
            12,
            K::WaitNeedsMutex { obj: s("c") },
        ),
        (
            "shared x\nthread A { x = 1 2 }",
            2,
            18,
            expected(Expected::EndOfStatement, Found::Int(2)),
        ),
        (
            "thread A { r = 1 }\nthread A { r = 2 }",
            2,
            1,
            K::DuplicateThread { name: s("A") },
        ),
        (
            "thread A {}\nthread B {}\nthread C {}\nthread D {}\nthread E {}",
            5,
            1,
            K::TooManyThreads { max: 4 },
        ),
        ("shared x\n", 1, 1, K::NoThreads),
        (
            "shared x\nthread A { x = 1 $ 2 }",
            2,
            18,
            K::UnexpectedChar { ch: '$' },
        ),
        (
            "shared x\nthread A { x = 99999999999999999999 }",
            2,
            16,
            K::NumberTooLarge,
        ),
        (
            "shared x\nthread A { x = 1 < 2 < 3 }",
            2,
            22,
            K::ChainedComparison,
        ),
        (
            "shared x\nthread A { x = 1 & 2 }",
            2,
            18,
            K::HalfOperator { op: "&&" },
        ),
        (
            "option fast\nthread A {}",
            1,
            8,
            K::UnknownOption { name: s("fast") },
        ),
        (
            "observe A.q\nthread A { r = 1 }",
            1,
            9,
            K::NoSuchRegister {
                thread: s("A"),
                reg: s("q"),
            },
        ),
        (
            "observe z\nthread A { r = 1 }",
            1,
            9,
            K::ObserveNotShared { name: s("z") },
        ),
        (
            "semaphore s = -1\nthread A {}",
            1,
            11,
            K::SemaphoreBelowZero,
        ),
        (
            "shared x\nthread A { r = x.fetch_add(1) + 1 }",
            2,
            31,
            expected(Expected::EndOfStatement, Found::Punct("+")),
        ),
        (
            "shared x\nthread A { r = 1 + x.swap(2) }",
            2,
            22,
            K::OnlyLoadInExpression {
                var: s("x"),
                method: s("swap"),
                rmw: true,
            },
        ),
        (
            "shared if = 1\nthread A {}",
            1,
            8,
            K::Keyword {
                word: s("if"),
                role: NameRole::ObjectName(ObjKind::Shared),
            },
        ),
        (
            "shared x\nthread A { x.load() }",
            2,
            14,
            K::UnusedLoad { var: s("x") },
        ),
        (
            "mutex m\nthread A { m = 1 }",
            2,
            12,
            K::NotAVariable {
                name: s("m"),
                kind: ObjKind::Mutex,
            },
        ),
        (
            "shared x\nthread A { fence(relaxed) }",
            2,
            12,
            K::RelaxedFence,
        ),
        (
            "shared x\nthread A {\n  if x { }\n  else x = 1\n}",
            4,
            8,
            expected(Expected::Punct("{"), found_word("x")),
        ),
        (
            "shared x\nthread A { r = q }",
            2,
            16,
            K::UnknownName { name: s("q") },
        ),
        (
            "thread A {\n  r = 1 # note",
            2,
            15,
            expected(Expected::Punct("}"), Found::EndOfText),
        ),
        (
            "shared x, y\nthread A {\n  y = x.swap(1)\n}",
            3,
            3,
            K::OldValueIntoShared {
                reg: s("y"),
                var: s("x"),
                method: "swap",
            },
        ),
        // Every keyword is reserved, `observe` and the memory orders included.
        (
            "shared observe = 1\nthread A {}",
            1,
            8,
            K::Keyword {
                word: s("observe"),
                role: NameRole::ObjectName(ObjKind::Shared),
            },
        ),
        (
            "shared x\nthread A {\n  observe = 1\n}",
            3,
            3,
            K::Keyword {
                word: s("observe"),
                role: NameRole::Statement,
            },
        ),
        (
            "shared x\nthread A {\n  x = observe + 1\n}",
            3,
            7,
            K::Keyword {
                word: s("observe"),
                role: NameRole::Value,
            },
        ),
        (
            "mutex acquire\nthread A {}",
            1,
            7,
            K::Keyword {
                word: s("acquire"),
                role: NameRole::ObjectName(ObjKind::Mutex),
            },
        ),
        (
            "shared x\nthread seq_cst { x = 1 }",
            2,
            8,
            K::Keyword {
                word: s("seq_cst"),
                role: NameRole::ThreadName,
            },
        ),
        (
            "shared x\nthread A {\n  relaxed = x\n}",
            3,
            3,
            K::Keyword {
                word: s("relaxed"),
                role: NameRole::Statement,
            },
        ),
    ];
    for (src, line, col, kind) in cases {
        let e = err(src);
        assert_eq!(
            (e.line, e.col, &e.kind),
            (line, col, &kind),
            "{src:?} gave {e}"
        );
        // The English sentence is one rendering of it, after the place.
        let english = e.to_string();
        let place = format!("{line}:{col}: ");
        assert!(english.starts_with(&place) && english.len() > place.len() + 10);
    }
}

#[test]
fn english_renders_errors_with_what_they_name() {
    // A few spot checks of the one English rendering; the page's own is checked end to end.
    let e = err("shared x = 0\nthread A {\n  x = y\n}");
    assert_eq!(
        e.to_string(),
        "3:7: unknown name `y`: declare it with `shared y = 0`, or assign it in this thread to \
         make it a register"
    );
    let e = err("shared x\nthread A {\n  observe = 1\n}");
    assert_eq!(
        e.to_string(),
        "3:3: `observe` is a keyword and cannot be used as a statement"
    );
    let e = err("shared x = 0\nthread A { x.store(1, fast) }");
    assert_eq!(
        e.to_string(),
        "2:23: expected a memory order (relaxed, acquire, release, acq_rel, seq_cst), found `fast`"
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let too_deep = ParseErrorKind::TooDeep { max: 48 };
    let deep = format!(
        "shared x\nthread A {{ x = {}1{} }}",
        "(".repeat(5000),
        ")".repeat(5000)
    );
    assert_eq!(err(&deep).kind, too_deep);
    let blocks = format!("thread A {{ {} }}", "while 1 { ".repeat(5000));
    assert_eq!(err(&blocks).kind, too_deep);
    let neg = format!("thread A {{ r = {}1 }}", "-!".repeat(5000));
    assert_eq!(err(&neg).kind, too_deep);
}

/// Drives a machine with random, often invalid, choices, as a page or a bad link might.
fn poke(prog: &Program, model: Model, rng: &mut Rng) {
    let mut m = Machine::new(prog, model);
    for _ in 0..30 {
        let t = rng.below(6);
        let c = match rng.below(5) {
            0 => Choice::Flush { thread: t },
            1 => Choice::Wake { thread: t },
            2 => Choice::Step {
                thread: t,
                alt: rng.below(4),
            },
            _ => match m.enabled() {
                e if e.is_empty() => Choice::step(t),
                e => e[rng.below(e.len())],
            },
        };
        let _ = m.step(c);
        if rng.below(8) == 0 {
            let _ = m.step_statement(t);
        }
        if rng.below(10) == 0 {
            m.undo();
        }
        let _ = m.view();
        let _ = m.describe(c);
    }
    let schedule = m.schedule();
    let again = Machine::replay(prog, model, &schedule).expect("a schedule taken replays");
    assert_eq!(again.state(), m.state());
}

const ALPHABET: &[&str] = &[
    "thread",
    "A",
    "B",
    "shared",
    "x",
    "y",
    "r",
    "=",
    "==",
    "{",
    "}",
    "(",
    ")",
    ".",
    ",",
    ";",
    "\n",
    " ",
    "1",
    "-",
    "+",
    "*",
    "/",
    "%",
    "!",
    "&&",
    "||",
    "<",
    "if",
    "else",
    "while",
    "assert",
    "fence",
    "load",
    "store",
    "fetch_add",
    "compare_exchange",
    "swap",
    "lock",
    "unlock",
    "wait",
    "signal",
    "notify_one",
    "mutex",
    "m",
    "condvar",
    "c",
    "semaphore",
    "s",
    "relaxed",
    "acquire",
    "release",
    "seq_cst",
    "option",
    "observe",
    "acq_rel",
    "#",
    "é",
    "\t",
    "9",
    "99999999999999999999",
    "$",
    "'",
    "\"",
    "_",
    "0x1",
    "\u{0}",
    "🦀",
];

#[test]
fn random_and_mutated_inputs_never_panic() {
    let mut rng = Rng::new(0x5eed);
    let seeds = [
        FULL,
        "shared x = 0\nthread A { x = x + 1 }\nthread B { x = x + 1 }",
    ];
    let mut ok = 0;
    for i in 0..20_000 {
        let src: String = if i % 2 == 0 {
            // Random token soup.
            let n = rng.below(60);
            (0..n)
                .map(|_| ALPHABET[rng.below(ALPHABET.len())])
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            // A good program with a few characters deleted, duplicated or replaced.
            let mut chars: Vec<char> = seeds[rng.below(seeds.len())].chars().collect();
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(chars.len());
                match rng.below(3) {
                    0 => {
                        chars.remove(at);
                    }
                    1 => {
                        let c = chars[at];
                        chars.insert(at, c);
                    }
                    _ => {
                        let tok = ALPHABET[rng.below(ALPHABET.len())];
                        chars.splice(at..at + 1, tok.chars());
                    }
                }
            }
            chars.into_iter().collect()
        };
        match parse(&src) {
            Ok(prog) => {
                ok += 1;
                // Whatever parses must also run without panicking, under every model.
                let limits = Limits {
                    max_states: 300,
                    max_run_steps: 200,
                    ..Limits::default()
                };
                for m in Model::ALL {
                    let _ = explore(&prog, m, &limits, &mut |_| true);
                    let _ = run_random(&prog, m, i, limits.max_run_steps);
                    poke(&prog, m, &mut rng);
                }
            }
            Err(e) => {
                let lines = src.split('\n').count() as u32;
                assert!(e.line >= 1 && e.line <= lines, "{e} for {src:?}");
                assert!(e.col >= 1, "{e} for {src:?}");
            }
        }
    }
    assert!(
        ok > 100,
        "mutations should leave some programs valid, got {ok}"
    );
}
