#![cfg(not(target_arch = "wasm32"))]
//! The JSON the lab page reads about the simulator must keep its shape: `www/lab*.js` and the
//! end-to-end tests read it. A few small documents in `tests/golden/`, each about a program of
//! two or three lines and each checked by hand against what that program does, pin the shape
//! of a view under each model, of a report with a failure, and of the messages (a key plus
//! fields) that the page words in the reader's language.
//!
//! `UPDATE_GOLDEN=1` rewrites the files from the current code: only for a deliberate change of
//! shape, and then read every changed file again by hand, since the test compares the code with
//! what the code wrote.

use queue_playground::sim::request::RequestError;
use queue_playground::sim::{
    explore, parse, sample, Choice, Limits, Machine, Model, Program, Strategy, ToJson,
};
use serde_json::Value;

const LOST_UPDATE: &str = "shared count = 0
thread A {
  count = count + 1
}
thread B {
  count = count + 1
}
final assert count == 2";

/// Compares `ours` with `tests/golden/NAME.json` as JSON values.
fn check(name: &str, ours: &str) {
    let path = format!("{}/tests/golden/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let ours: Value = serde_json::from_str(ours).unwrap_or_else(|e| panic!("{name}: {e}"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let pretty = serde_json::to_string_pretty(&ours).unwrap();
        std::fs::write(&path, pretty + "\n").unwrap();
    }
    let golden = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let golden: Value = serde_json::from_str(&golden).unwrap();
    assert_eq!(ours, golden, "{name}");
}

fn program(src: &str) -> Program {
    parse(src).unwrap_or_else(|e| panic!("{e}"))
}

fn after(prog: &Program, model: Model, schedule: &[Choice]) -> Machine {
    Machine::replay(prog, model, schedule).unwrap_or_else(|(i, e)| panic!("step {i}: {e}"))
}

#[test]
fn a_view_under_sc_mid_lost_update() {
    // Both threads have loaded 0 into tmp1; each one's next step stores tmp1 + 1.
    let m = after(
        &program(LOST_UPDATE),
        Model::Sc,
        &[Choice::step(0), Choice::step(1)],
    );
    check("view_sc_lost_update", &m.view().to_json());
}

#[test]
fn a_view_under_tso_with_a_buffered_store() {
    // A's store waits in its buffer: memory still holds 0, and flushing it is a choice.
    let prog = program("shared x = 0\nthread A { x = 1 }\nthread B { r = x }");
    let m = after(&prog, Model::Tso, &[Choice::step(0)]);
    check("view_tso_buffered_store", &m.view().to_json());
}

#[test]
fn a_view_under_ra_with_two_writes_to_read() {
    // After A's relaxed store, B's relaxed load may read write #0 (x = 0) or #1 (x = 1).
    let prog =
        program("shared x = 0\nthread A { x.store(1, relaxed) }\nthread B { r = x.load(relaxed) }");
    let m = after(&prog, Model::Ra, &[Choice::Step { thread: 0, alt: 1 }]);
    check("view_ra_two_writes", &m.view().to_json());
}

#[test]
fn a_report_with_a_deadlock() {
    let prog =
        program("mutex a, b\nthread A { a.lock()\n b.lock() }\nthread B { b.lock()\n a.lock() }");
    let report = explore(&prog, Model::Sc, &Limits::default(), &mut |_| true);
    check("report_deadlock", &report.to_json());
}

#[test]
fn a_report_with_a_failed_final_assertion() {
    let report = explore(
        &program(LOST_UPDATE),
        Model::Sc,
        &Limits::default(),
        &mut |_| true,
    );
    check("report_lost_update", &report.to_json());
}

#[test]
fn errors_as_messages() {
    let parse_error = parse("shared x\nthread A {\n  x = x.swap(1) + 1\n}").unwrap_err();
    let prog = program("mutex m\nthread A { m.lock() }\nthread B { m.lock() }");
    let refused = after(&prog, Model::Sc, &[Choice::step(0)])
        .step(Choice::step(1))
        .unwrap_err();
    let bad = "1.x".parse::<Choice>().unwrap_err();
    let errors: Vec<RequestError> = vec![parse_error.into(), refused.into(), bad.into()];
    check("errors", &errors.to_json());
}

#[test]
fn samples_count_every_run() {
    // Not a golden file (which runs land where depends on the generator): the shape, checked
    // here, and that every run is counted once.
    let s = sample(
        &program(LOST_UPDATE),
        Model::Sc,
        Strategy::Random,
        40,
        3,
        &Limits::default(),
        &mut |_| true,
    );
    let v: Value = serde_json::from_str(&s.to_json()).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["cancelled", "failures", "outcomes", "runs", "unfinished"]
    );
    let counted: u64 = v["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["count"].as_u64().unwrap())
        .sum();
    assert_eq!((v["runs"].as_u64(), counted), (Some(40), 40));
    let f = &v["failures"][0];
    assert_eq!(f["kind"], "assert");
    assert_eq!(f["detail"]["key"], "detail.final_assert");
    assert_eq!(f["detail"]["cond"], "count == 2");
}
