//! The interleaving lab's wasm exports: the stepper the page drives by hand, and the explorers
//! the lab worker runs. Everything crosses the boundary as JSON text, and every failure comes
//! back as `{"error": ..., "line": .., "col": ..}` (line and column only for parse errors):
//! nothing here panics on what the page or a link sends.
//!
//! - [`LabSession`]: a program under a model, stepped by hand, with undo and replay.
//! - [`explore_json`]: every interleaving (exhaustive), with a progress callback.
//! - [`sample_json`]: many random or PCT runs, with a progress callback.
//!
//! Built only with `--features lab`, into `pkg/lab_bg.wasm`, which only the lab page loads.

use wasm_bindgen::prelude::*;

use crate::json::member;
use crate::json::{self, write_array, write_str, ObjectWriter, Value};
use crate::sim::report::failure_of;
use crate::sim::{
    decode_schedule, encode_schedule, explore, parse, sample, Choice, Limits, Machine, Model,
    OutcomeCount, ParseError, Program, RunStatus, Strategy,
};

/// The largest program text accepted: lessons are a few hundred bytes, and the URL carries it.
const MAX_SOURCE: usize = 64 * 1024;
/// Bounds a page may ask for, so that a link cannot make the worker run out of memory.
const MAX_STATES: usize = 2_000_000;
const MAX_RUNS: usize = 1_000_000;
const MAX_RUN_STEPS: usize = 100_000;

/// `{"error": message}`.
fn error(message: impl Into<String>) -> String {
    object(|w| {
        w.str("error", &message.into());
    })
}

fn parse_error(e: &ParseError) -> String {
    let mut out = String::new();
    let mut w = ObjectWriter::new(&mut out);
    w.str("error", &e.message);
    member(&mut w, "line", &e.line);
    member(&mut w, "col", &e.col);
    w.finish();
    out
}

/// Writes one JSON object with `members`.
fn object(members: impl FnOnce(&mut ObjectWriter<'_>)) -> String {
    let mut out = String::new();
    let mut w = ObjectWriter::new(&mut out);
    members(&mut w);
    w.finish();
    out
}

fn model_of(name: &str) -> Result<Model, String> {
    Model::from_name(name)
        .ok_or_else(|| error(format!("unknown model `{name}` (expected sc, tso or ra)")))
}

/// Parses `text` under the model named `model`; the error is JSON text, ready to hand back.
fn load(text: &str, model: &str) -> Result<(Program, Model), String> {
    let model = model_of(model)?;
    if text.len() > MAX_SOURCE {
        return Err(error(format!(
            "the program is {} bytes; at most {MAX_SOURCE} are accepted",
            text.len()
        )));
    }
    let prog = parse(text).map_err(|e| parse_error(&e))?;
    Ok((prog, model))
}

/// A program being stepped by hand on the page.
#[wasm_bindgen]
pub struct LabSession {
    machine: Machine,
}

#[wasm_bindgen]
impl LabSession {
    /// Parses `text` and starts it under `model` (`sc`, `tso` or `ra`).
    ///
    /// # Errors
    /// A JSON string `{"error", "line", "col"}` for a parse error, `{"error"}` otherwise.
    #[wasm_bindgen(constructor)]
    pub fn new(text: &str, model: &str) -> Result<LabSession, JsValue> {
        let (prog, model) = load(text, model).map_err(|e| JsValue::from_str(&e))?;
        Ok(LabSession {
            machine: Machine::new(&prog, model),
        })
    }

    /// The program's threads as the code columns show them: per thread its name, its
    /// statements (line, column, first step) and its steps (statement, text).
    pub fn program(&self) -> String {
        let prog = self.machine.program();
        object(|w| {
            member(w, "model", &self.machine.model());
            w.raw("threads", |out| {
                write_array(out, &prog.threads, |out, t| {
                    let mut w = ObjectWriter::new(out);
                    w.str("name", &t.name);
                    w.raw("statements", |out| {
                        write_array(out, &t.statements, |out, s| {
                            let mut w = ObjectWriter::new(out);
                            member(&mut w, "line", &s.line);
                            member(&mut w, "col", &s.col);
                            member(&mut w, "first_step", &s.first_step);
                            w.finish();
                        });
                    });
                    w.raw("steps", |out| {
                        write_array(out, &t.steps, |out, s| {
                            let mut w = ObjectWriter::new(out);
                            member(&mut w, "stmt", &s.stmt);
                            w.str("text", &s.text);
                            w.finish();
                        });
                    });
                    member(&mut w, "registers", &t.slots[..t.registers]);
                    w.finish();
                });
            });
            w.raw("vars", |out| {
                write_array(out, &prog.vars, |out, v| write_str(out, &v.0));
            });
            w.raw("observe", |out| {
                write_array(out, &prog.observe, |out, o| write_str(out, &o.0));
            });
            member(w, "spurious_wakeups", &prog.spurious_wakeups);
        })
    }

    /// Everything the lab view shows now (see [`crate::sim::MachineView`]), plus `outcome`
    /// (the observed values, as text), `failure` (`{kind, message}` once the run failed) and
    /// `why` (per thread, why it cannot step, or null).
    pub fn view(&self) -> String {
        self.view_with(None)
    }

    /// The view, with `replay_error: {index, error}` when `refused` is given.
    fn view_with(&self, refused: Option<(usize, String)>) -> String {
        let m = &self.machine;
        object(|w| {
            m.view().write_members(w);
            w.str("outcome", &m.outcome().to_string());
            w.raw("failure", |out| {
                match failure_of(m.program(), m.state(), m.status()) {
                    Some((kind, message)) => {
                        let mut w = ObjectWriter::new(out);
                        w.str("kind", kind.name()).str("message", &message);
                        w.finish();
                    }
                    None => out.push_str("null"),
                }
            });
            member(w, "why", &self.why_not());
            if let Some((index, error)) = refused {
                w.raw("replay_error", |out| {
                    let mut w = ObjectWriter::new(out);
                    member(&mut w, "index", &index);
                    w.str("error", &error);
                    w.finish();
                });
            }
        })
    }

    /// Per thread, why it cannot step now (it waits for a lock, sleeps, has finished), or
    /// `None` when it can: the core's own words, from trying the step on a copy.
    fn why_not(&self) -> Vec<Option<String>> {
        let enabled = self.machine.enabled();
        (0..self.machine.program().threads.len())
            .map(|t| {
                if enabled
                    .iter()
                    .any(|c| matches!(c, Choice::Step { thread, .. } if *thread == t))
                {
                    return None;
                }
                self.machine
                    .clone()
                    .step(Choice::step(t))
                    .err()
                    .map(|e| e.reason)
            })
            .collect()
    }

    /// Makes one choice, written as in schedules (`0`, `1.2`, `f0`, `w1`); returns the new
    /// view, or `{"error"}` with the state unchanged.
    pub fn step(&mut self, choice: &str) -> String {
        let choice: Choice = match choice.parse() {
            Ok(c) => c,
            Err(e) => return error(format!("{e}")),
        };
        match self.machine.step(choice) {
            Ok(()) => self.view(),
            Err(e) => error(e.to_string()),
        }
    }

    /// Runs `thread` to the end of its current statement; returns the view or `{"error"}`.
    pub fn step_statement(&mut self, thread: u32) -> String {
        match self.machine.step_statement(thread as usize) {
            Ok(_) => self.view(),
            Err(e) => error(e.to_string()),
        }
    }

    /// Takes back the last choice; returns the view.
    pub fn undo(&mut self) -> String {
        self.machine.undo();
        self.view()
    }

    /// Goes back to the start; returns the view.
    pub fn reset(&mut self) -> String {
        self.machine.reset();
        self.view()
    }

    /// The schedule so far, encoded as in URLs (`0,1,f0`).
    pub fn schedule(&self) -> String {
        encode_schedule(&self.machine.schedule())
    }

    /// The model's short name.
    pub fn model(&self) -> String {
        self.machine.model().name().to_string()
    }

    /// Goes back to the start and takes `schedule` (encoded as in URLs). Returns the view;
    /// if a choice is refused, the view stops before it and carries `replay_error`:
    /// `{index, error}`.
    pub fn replay(&mut self, schedule: &str) -> String {
        let choices = match decode_schedule(schedule) {
            Ok(c) => c,
            Err(e) => return error(e.to_string()),
        };
        self.machine.reset();
        let mut refused = None;
        for (index, c) in choices.into_iter().enumerate() {
            if let Err(e) = self.machine.step(c) {
                refused = Some((index, e.to_string()));
                break;
            }
        }
        self.view_with(refused)
    }
}

/// Reads `{"max_states": n, "max_run_steps": n}`; missing or malformed fields keep defaults,
/// and values are clamped to what the worker can hold.
fn limits_of(options: &Value) -> Limits {
    let mut limits = Limits::default();
    if let Some(n) = whole(options, "max_states") {
        limits.max_states = (n as usize).clamp(1, MAX_STATES);
    }
    if let Some(n) = whole(options, "max_run_steps") {
        limits.max_run_steps = (n as usize).clamp(1, MAX_RUN_STEPS);
    }
    limits
}

/// Member `key` if it is a whole number from 0 that fits a `u64` (`5.0` counts: the reader
/// keeps every number as a double, as JavaScript does).
fn whole(options: &Value, key: &str) -> Option<u64> {
    options.get(key).and_then(Value::as_f64).and_then(as_u64)
}

/// `n` if it is a whole number from 0 below 2^64.
fn as_u64(n: f64) -> Option<u64> {
    (n >= 0.0 && n.fract() == 0.0 && n < 18_446_744_073_709_551_616.0).then_some(n as u64)
}

/// The options object (an empty one for empty text).
fn options_of(text: &str) -> Result<Value, String> {
    if text.trim().is_empty() {
        return Ok(Value::Object(Vec::new()));
    }
    match json::parse(text) {
        Ok(v @ Value::Object(_)) => Ok(v),
        Ok(_) => Err(error("the options must be a JSON object")),
        Err(e) => Err(error(format!("the options are not JSON: {e}"))),
    }
}

/// The program, model and options of an exploration or sampling request, or the error JSON.
fn load_with_options(
    text: &str,
    model: &str,
    options: &str,
) -> Result<(Program, Model, Value), String> {
    let (prog, model) = load(text, model)?;
    Ok((prog, model, options_of(options)?))
}

/// Calls the page's progress function; only an explicit `false` cancels.
fn keep_going(progress: &Option<js_sys::Function>, args: &[f64]) -> bool {
    let Some(f) = progress else {
        return true;
    };
    let arg = |i: usize| JsValue::from_f64(args.get(i).copied().unwrap_or(0.0));
    match f.call3(&JsValue::NULL, &arg(0), &arg(1), &arg(2)) {
        Ok(v) => v.as_bool() != Some(false),
        Err(_) => true,
    }
}

/// Outcomes with their text, encoded schedule and whether a `final assert` fails there.
fn write_outcomes(out: &mut String, prog: &Program, model: Model, outcomes: &[OutcomeCount]) {
    write_array(out, outcomes, |out, o| {
        let failed = Machine::replay(prog, model, &o.schedule)
            .map(|m| matches!(m.status(), RunStatus::FinalFailed { .. }))
            .unwrap_or(false);
        let mut w = ObjectWriter::new(out);
        member(&mut w, "outcome", &o.outcome);
        w.str("text", &o.outcome.to_string());
        member(&mut w, "count", &o.count);
        w.str("schedule", &encode_schedule(&o.schedule));
        member(&mut w, "failed", &failed);
        w.finish();
    });
}

/// Explores every interleaving of `text` under `model`.
///
/// `options` is JSON `{"max_states": n}` (or empty). `progress(states, expanded,
/// transitions)` is called every thousand or so states; returning `false` cancels. Returns the
/// report as JSON: the core's [`crate::sim::Report`] with each outcome's `text`, encoded
/// `schedule` and `failed` flag, plus `summary`, `elapsed_ms` and `states_per_second`; or
/// `{"error", ...}`.
#[wasm_bindgen]
pub fn explore_json(
    text: &str,
    model: &str,
    options: &str,
    progress: Option<js_sys::Function>,
) -> String {
    let (prog, model, options) = match load_with_options(text, model, options) {
        Ok(loaded) => loaded,
        Err(e) => return e,
    };
    let limits = limits_of(&options);
    let start = js_sys::Date::now();
    let report = explore(&prog, model, &limits, &mut |p| {
        keep_going(
            &progress,
            &[p.states as f64, p.expanded as f64, p.transitions as f64],
        )
    });
    let elapsed_ms = js_sys::Date::now() - start;
    object(|w| {
        report.write_members_but_outcomes(w);
        w.raw("outcomes", |out| {
            write_outcomes(out, &prog, model, &report.outcomes);
        });
        w.str("kind", "exhaustive");
        w.str("summary", &report.summary());
        w.num("elapsed_ms", elapsed_ms);
        w.num(
            "states_per_second",
            report.states_per_second(elapsed_ms / 1000.0).round(),
        );
    })
}

/// Makes many randomised runs of `text` under `model`.
///
/// `options` is JSON: `{"strategy": "random" | "pct", "depth": d, "runs": n, "seed": s,
/// "max_run_steps": n}`; missing fields default to random, depth 2, 1000 runs, seed 1.
/// `progress(runs_done)` is called every 64 runs; returning `false` cancels. Returns the
/// core's [`crate::sim::Sample`] as JSON (outcomes as in [`explore_json`]) plus `kind`,
/// `elapsed_ms` and `runs_per_second`; or `{"error"}`.
#[wasm_bindgen]
pub fn sample_json(
    text: &str,
    model: &str,
    options: &str,
    progress: Option<js_sys::Function>,
) -> String {
    let (prog, model, options) = match load_with_options(text, model, options) {
        Ok(loaded) => loaded,
        Err(e) => return e,
    };
    let limits = limits_of(&options);
    let depth = whole(&options, "depth").unwrap_or(2).clamp(1, 64) as usize;
    let strategy = match options.get("strategy").and_then(Value::as_str) {
        None | Some("random") => Strategy::Random,
        Some("pct") => Strategy::Pct { depth },
        Some(other) => {
            return error(format!(
                "unknown strategy `{other}` (expected random or pct)"
            ))
        }
    };
    let runs = whole(&options, "runs")
        .unwrap_or(1000)
        .clamp(1, MAX_RUNS as u64) as usize;
    let seed = match options.get("seed") {
        None => 1,
        Some(Value::Number(n)) => match as_u64(*n) {
            Some(s) => s,
            None => return error("the seed must be a whole number from 0"),
        },
        Some(Value::String(s)) => match s.trim().parse() {
            Ok(s) => s,
            Err(_) => return error(format!("the seed `{s}` is not a whole number from 0")),
        },
        Some(_) => return error("the seed must be a whole number from 0"),
    };
    let start = js_sys::Date::now();
    let result = sample(&prog, model, strategy, runs, seed, &limits, &mut |done| {
        keep_going(&progress, &[done as f64])
    });
    let elapsed_ms = js_sys::Date::now() - start;
    let per_s = if elapsed_ms > 0.0 {
        (result.runs as f64 * 1000.0 / elapsed_ms).round()
    } else {
        0.0
    };
    object(|w| {
        result.write_members_but_outcomes(w);
        w.raw("outcomes", |out| {
            write_outcomes(out, &prog, model, &result.outcomes);
        });
        member(w, "kind", &strategy);
        member(w, "seed", &seed);
        w.num("elapsed_ms", elapsed_ms);
        w.num("runs_per_second", per_s);
    })
}

/// The memory models, in menu order, as JSON `[{"name": "sc"}, ...]`.
#[wasm_bindgen]
pub fn lab_models() -> String {
    let mut out = String::new();
    write_array(&mut out, &Model::ALL, |out, m| {
        let mut w = ObjectWriter::new(out);
        w.str("name", m.name());
        w.finish();
    });
    out
}
