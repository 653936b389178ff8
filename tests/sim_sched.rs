#![cfg(not(target_arch = "wasm32"))]
//! The schedulers: manual stepping with undo, random with a seed, and PCT.

use queue_playground::sim::ast::Order;
use queue_playground::sim::english;
use queue_playground::sim::{
    parse, run_pct, run_random, sample, AltText, Choice, ChoiceText, FailureKind, Limits, Machine,
    Model, Refusal, RunStatus, StepText, Strategy, ToJson,
};

const LOST_UPDATE: &str = "shared count = 0
thread A {
  count = count + 1
}
thread B {
  count = count + 1
}
final assert count == 2";

#[test]
fn manual_stepping_reaches_a_lost_update_and_undo_goes_back() {
    let prog = parse(LOST_UPDATE).unwrap();
    let mut m = Machine::new(&prog, Model::Sc);
    assert_eq!(m.enabled(), vec![Choice::step(0), Choice::step(1)]);
    m.step(Choice::step(0)).unwrap(); // A loads 0
    m.step(Choice::step(1)).unwrap(); // B loads 0
    let v = m.view();
    assert_eq!(v.threads[0].temps, vec![("tmp1".to_string(), 0)]);
    assert_eq!(
        v.threads[0].next,
        Some(StepText::Store {
            var: "count".into(),
            value: "tmp1 + 1".into(),
            order: Order::Plain
        })
    );
    assert_eq!(v.threads[0].line, Some(3));
    m.step(Choice::step(0)).unwrap();
    m.step(Choice::step(1)).unwrap();
    assert_eq!(m.outcome().to_string(), "count=1");
    assert_eq!(m.status(), RunStatus::FinalFailed { check: 0 });
    assert_eq!(m.view().schedule, "0,1,0,1");
    assert_eq!(m.undo(), Some(Choice::step(1)));
    assert_eq!(m.view().shared[0].value, 1);
    m.reset();
    assert!(m.schedule().is_empty());
    assert_eq!(m.undo(), None);
}

#[test]
fn stepping_whole_statements_and_refusing_blocked_steps() {
    let prog = parse(
        "shared x = 0\nmutex m\nthread A {\n  m.lock()\n  x = x + 1\n  m.unlock()\n}\n\
         thread B {\n  m.lock()\n  m.unlock()\n}",
    )
    .unwrap();
    let mut m = Machine::new(&prog, Model::Sc);
    assert_eq!(m.step_statement(0), Ok(1)); // lock
    assert_eq!(m.step_statement(0), Ok(2)); // load and store
    let err = m.step(Choice::step(1)).unwrap_err();
    assert_eq!(
        err.reason,
        Refusal::WaitsForMutex {
            thread: "B".into(),
            mutex: "m".into(),
            holder: "A".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "cannot take step `1`: B waits for m, held by A"
    );
    assert!(m.step_statement(1).is_err());
    assert_eq!(
        m.step(Choice::Flush { thread: 0 }).unwrap_err().reason,
        Refusal::BufferEmpty { thread: "A".into() }
    );
    m.step_statement(0).unwrap();
    m.step_statement(1).unwrap();
    m.step_statement(1).unwrap();
    assert_eq!(m.status(), RunStatus::Finished);
}

#[test]
fn the_tso_view_shows_store_buffers_and_flushes_are_choices() {
    let prog = parse("shared x = 0, y = 0\nthread A { x = 1\n r = y }\nthread B { y = 1\n s = x }")
        .unwrap();
    let mut m = Machine::new(&prog, Model::Tso);
    for c in ["0", "1", "0", "1"] {
        m.step(c.parse().unwrap()).unwrap();
    }
    let v = m.view();
    assert_eq!(v.threads[0].store_buffer, vec![("x".to_string(), 1)]);
    assert_eq!(v.shared[0].value, 0);
    assert!(m.enabled().contains(&Choice::Flush { thread: 0 }));
    assert!(v.enabled.iter().any(|c| c.text
        == ChoiceText::Flush {
            thread: "A".into(),
            var: "x".into(),
            value: 1
        }));
    m.step(Choice::Flush { thread: 0 }).unwrap();
    m.step(Choice::Flush { thread: 1 }).unwrap();
    assert_eq!(m.outcome().to_string(), "x=1 y=1 A.r=0 B.s=0");
    let json = m.view().to_json();
    assert!(json.contains("\"store_buffer\""));
}

#[test]
fn release_acquire_loads_offer_every_visible_write() {
    let prog =
        parse("shared x = 0\nthread A { x.store(1, relaxed) }\nthread B { r = x.load(relaxed) }")
            .unwrap();
    let mut m = Machine::new(&prog, Model::Ra);
    m.step(Choice::Step { thread: 0, alt: 1 }).unwrap();
    assert_eq!(
        m.enabled(),
        vec![
            Choice::Step { thread: 1, alt: 0 },
            Choice::Step { thread: 1, alt: 1 }
        ]
    );
    let read = m.describe(Choice::Step { thread: 1, alt: 0 }).unwrap();
    let load = StepText::Load {
        var: "x".into(),
        dst: "r".into(),
        order: Order::Relaxed,
    };
    let reads = AltText::Reads {
        write: 0,
        var: "x".into(),
        value: 0,
    };
    assert_eq!(
        read,
        ChoiceText::Step {
            thread: "B".into(),
            step: load,
            alt: Some(reads)
        }
    );
    assert_eq!(
        english::choice(&read),
        "B: load x into r (relaxed) — reads write #0 (x = 0)"
    );
    m.step(Choice::Step { thread: 1, alt: 0 }).unwrap();
    assert_eq!(m.outcome().to_string(), "x=1 B.r=0");
}

#[test]
fn random_runs_are_reproducible_from_their_seed() {
    let prog = parse(LOST_UPDATE).unwrap();
    for model in Model::ALL {
        let a = run_random(&prog, model, 42, 1000);
        let b = run_random(&prog, model, 42, 1000);
        assert_eq!(a, b);
        let again = Machine::replay(&prog, model, &a.schedule).unwrap();
        assert_eq!(again.outcome(), a.outcome);
    }
    let schedules: std::collections::HashSet<Vec<Choice>> = (0..50)
        .map(|seed| run_random(&prog, Model::Sc, seed, 1000).schedule)
        .collect();
    assert!(
        schedules.len() > 3,
        "different seeds should give different schedules"
    );
}

#[test]
fn random_sampling_finds_both_outcomes_of_the_lost_update() {
    let prog = parse(LOST_UPDATE).unwrap();
    let s = sample(
        &prog,
        Model::Sc,
        Strategy::Random,
        200,
        7,
        &Limits::default(),
        &mut |_| true,
    );
    assert_eq!(s.runs, 200);
    let outcomes: Vec<String> = s.outcomes.iter().map(|o| o.outcome.to_string()).collect();
    assert_eq!(outcomes, ["count=1", "count=2"]);
    assert_eq!(s.outcomes.iter().map(|o| o.count).sum::<u64>(), 200);
    assert_eq!(s.failures[0].kind, FailureKind::Assert);
    assert_eq!(s.failures[0].schedule.len(), 4);
}

#[test]
fn pct_finds_a_depth_one_ordering_bug_quickly() {
    // B must not run before A: one ordering constraint.
    let prog =
        parse("shared x = 0\nthread A { x = 1 }\nthread B { r = x\n assert r == 1 }").unwrap();
    let first =
        (0..10).find(|&seed| run_pct(&prog, Model::Sc, seed, 1, 100).status != RunStatus::Finished);
    assert!(first.is_some(), "PCT depth 1 should find it within 10 runs");
    // With depth 1 PCT never preempts: every run is one thread then the other.
    for seed in 0..20 {
        let run = run_pct(&prog, Model::Sc, seed, 1, 100);
        let switches = run
            .schedule
            .windows(2)
            .filter(|w| w[0].thread() != w[1].thread());
        assert!(switches.count() <= 1);
    }
}

#[test]
fn pct_finds_a_depth_two_lost_update_within_a_bounded_number_of_runs() {
    // A must be preempted between its load and its store: two ordering constraints.
    let prog = parse(LOST_UPDATE).unwrap();
    let found = (0..50).filter(|&seed| {
        matches!(
            run_pct(&prog, Model::Sc, seed, 2, 100).status,
            RunStatus::FinalFailed { .. }
        )
    });
    assert!(
        found.count() >= 5,
        "PCT depth 2 should hit the lost update often"
    );
    let s = sample(
        &prog,
        Model::Sc,
        Strategy::Pct { depth: 2 },
        50,
        0,
        &Limits::default(),
        &mut |_| true,
    );
    assert_eq!(s.failures.len(), 1);
    // A depth-1 PCT run never preempts, so it can never lose the update.
    let s = sample(
        &prog,
        Model::Sc,
        Strategy::Pct { depth: 1 },
        50,
        0,
        &Limits::default(),
        &mut |_| true,
    );
    assert!(s.failures.is_empty());
}

#[test]
fn absurd_parameters_are_harmless() {
    let prog = parse(LOST_UPDATE).unwrap();
    let r = run_pct(&prog, Model::Sc, u64::MAX, usize::MAX, 100);
    assert_ne!(r.status, RunStatus::Running);
    assert_eq!(run_random(&prog, Model::Tso, 3, 0).schedule.len(), 0);
    let none = Limits {
        max_states: 0,
        max_run_steps: 0,
        ..Limits::default()
    };
    let r = queue_playground::sim::explore(&prog, Model::Ra, &none, &mut |_| true);
    assert!(!r.complete);
}

#[test]
fn runs_stop_at_the_step_limit() {
    let prog = parse("shared f = 0\nthread A { while f == 0 { } }").unwrap();
    let r = run_random(&prog, Model::Sc, 1, 50);
    assert_eq!(r.status, RunStatus::Running);
    assert!(r.schedule.len() <= 51);
    let s = sample(
        &prog,
        Model::Sc,
        Strategy::Random,
        3,
        1,
        &Limits {
            max_states: 10,
            max_run_steps: 20,
            ..Limits::default()
        },
        &mut |_| true,
    );
    assert_eq!(s.unfinished, 3);
}
