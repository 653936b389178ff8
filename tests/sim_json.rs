#![cfg(not(target_arch = "wasm32"))]
//! The JSON the lab sends about the simulator's types (views, reports, samples) must keep its
//! shape: `www/lab*.js` and the e2e tests read it. `tests/golden/` holds what serde_json wrote
//! for every lesson under every model before the types got their hand-written JSON; this test
//! checks the hand-written JSON parses to the same values. `UPDATE_GOLDEN=1` rewrites them
//! from the current code: only for a deliberate change of shape, with the pages changed to match.

use queue_playground::sim::{
    explore, parse, sample, Limits, Machine, Model, Program, Strategy, ToJson,
};
use serde_json::Value;

fn json<T: ToJson>(value: &T) -> String {
    value.to_json()
}

fn lessons() -> Vec<(String, Program)> {
    let dir = format!("{}/lessons", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".lab"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|n| {
            let src = std::fs::read_to_string(format!("{dir}/{n}")).unwrap();
            let prog = parse(&src).unwrap_or_else(|e| panic!("{n}: {e}"));
            (n.trim_end_matches(".lab").to_string(), prog)
        })
        .collect()
}

/// Views along two schedules (always the first choice, always the last), every report and
/// sample kind, including stopped and cancelled ones.
fn document(prog: &Program, model: Model) -> String {
    let mut parts: Vec<String> = Vec::new();
    for last in [false, true] {
        let mut m = Machine::new(prog, model);
        parts.push(json(&m.view()));
        for _ in 0..15 {
            let enabled = m.enabled();
            let Some(&c) = (if last {
                enabled.last()
            } else {
                enabled.first()
            }) else {
                break;
            };
            m.step(c).unwrap();
            parts.push(json(&m.view()));
        }
    }
    parts.push(json(&explore(prog, model, &Limits::default(), &mut |_| {
        true
    })));
    let small = Limits {
        max_states: 5,
        ..Limits::default()
    };
    parts.push(json(&explore(prog, model, &small, &mut |_| true)));
    let mut calls = 0;
    let limits = Limits::default();
    parts.push(json(&explore(prog, model, &limits, &mut |_| {
        calls += 1;
        calls < 2
    })));
    for strategy in [Strategy::Random, Strategy::Pct { depth: 2 }] {
        parts.push(json(&strategy));
        parts.push(json(&sample(
            prog,
            model,
            strategy,
            50,
            7,
            &limits,
            &mut |_| true,
        )));
    }
    let mut done = 0;
    parts.push(json(&sample(
        prog,
        model,
        Strategy::Random,
        500,
        1,
        &limits,
        &mut |_| {
            done += 1;
            done < 2
        },
    )));
    format!("[{}]\n", parts.join(",\n"))
}

#[test]
fn sim_json_matches_the_golden_files() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let dir = format!("{}/tests/golden", env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    for (name, prog) in lessons() {
        for model in Model::ALL {
            let path = format!("{dir}/{name}.{}.json", model.name());
            let ours = document(&prog, model);
            if update {
                std::fs::write(&path, &ours).unwrap();
            }
            let golden = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            let ours: Value = serde_json::from_str(&ours).unwrap_or_else(|e| panic!("{path}: {e}"));
            let golden: Value = serde_json::from_str(&golden).unwrap();
            let (Value::Array(ours), Value::Array(golden)) = (ours, golden) else {
                panic!("{path}: not arrays");
            };
            assert_eq!(ours.len(), golden.len(), "{path}");
            for (i, (a, b)) in ours.iter().zip(&golden).enumerate() {
                assert_eq!(a, b, "{path}: item {i}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 18 * 3, "{checked}");
}
