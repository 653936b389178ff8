//! The interleaving lab's wasm exports: the stepper the page drives by hand, and the explorers
//! the lab worker runs. Views and reports cross the boundary as JSON text; options come in as
//! a JavaScript object read with `Reflect`. A refused request comes back as
//! `{"error": MESSAGE, "line": .., "col": ..}` (line and column only for parse errors), where
//! MESSAGE is a key plus fields (`src/sim/messages.rs`) that the page words in the reader's
//! language: nothing here panics on what the page or a link sends, and nothing here writes a
//! sentence.
//!
//! - [`LabSession`]: a program under a model, stepped by hand, with undo and replay.
//! - [`explore_json`]: every interleaving (exhaustive), with a progress callback.
//! - [`sample_json`]: many random or PCT runs, with a progress callback.
//!
//! Built only with `--features lab`, into `pkg/lab_bg.wasm`, which only the lab page loads.

use wasm_bindgen::prelude::*;

use crate::json::{member, object, write_array, write_str, ObjectWriter, ToJson};
use crate::sim::exec;
use crate::sim::level;
use crate::sim::report::failure_of;
use crate::sim::request::{self, OptionValue, Options, RequestError};
use crate::sim::request::{MAX_HISTORY_BYTES, MAX_SCHEDULE};
use crate::sim::state::State;
use crate::sim::{
    encode_schedule, explore, sample, Choice, Machine, Model, OutcomeCount, Program, Refusal,
    RunStatus,
};

/// `{"error": message}`, with `line` and `col` for a parse error.
fn error(e: &RequestError) -> String {
    object(|w| {
        member(w, "error", e);
        if let RequestError::Parse(p) = e {
            member(w, "line", &p.line);
            member(w, "col", &p.col);
        }
    })
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
        let (prog, model) =
            request::load(text, model).map_err(|e| JsValue::from_str(&error(&e)))?;
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
                            member(&mut w, "text", &s.text);
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
    /// (the observed values, as text), `failure` (`{kind, detail}` once the run failed) and
    /// `why` (per thread, why it cannot step, or null).
    pub fn view(&self) -> String {
        self.view_with(None)
    }

    /// The view, with `replay_error: {index, error}` when `refused` is given.
    fn view_with(&self, refused: Option<(usize, RequestError)>) -> String {
        let m = &self.machine;
        object(|w| {
            m.view().write_members(w);
            w.str("outcome", &m.outcome().to_string());
            w.raw("failure", |out| {
                match failure_of(m.program(), m.state(), m.status()) {
                    Some((kind, detail)) => {
                        let mut w = ObjectWriter::new(out);
                        member(&mut w, "kind", &kind);
                        member(&mut w, "detail", &detail);
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
                    member(&mut w, "error", &error);
                    w.finish();
                });
            }
        })
    }

    /// Per thread, why it cannot step now (it waits for a lock, sleeps, has finished), or
    /// `None` when it can.
    fn why_not(&self) -> Vec<Option<Refusal>> {
        let enabled = self.machine.enabled();
        (0..self.machine.program().threads.len())
            .map(|t| {
                if enabled
                    .iter()
                    .any(|c| matches!(c, Choice::Step { thread, .. } if *thread == t))
                {
                    return None;
                }
                Some(self.machine.why_not(Choice::step(t)))
            })
            .collect()
    }

    /// Makes one choice, written as in schedules (`0`, `1.2`, `f0`, `w1`); returns the new
    /// view, or `{"error"}` with the state unchanged.
    pub fn step(&mut self, choice: &str) -> String {
        let stepped = choice
            .parse::<Choice>()
            .map_err(RequestError::from)
            .and_then(|c| self.take(c));
        match stepped {
            Ok(()) => self.view(),
            Err(e) => error(&e),
        }
    }

    /// Makes one choice if the undo history has room for it.
    fn take(&mut self, c: Choice) -> Result<(), RequestError> {
        self.room_for(1)?;
        Ok(self.machine.step(c)?)
    }

    /// Refuses when `more` choices would make the schedule longer than [`MAX_SCHEDULE`] or
    /// the undo history (a state per choice) larger than [`MAX_HISTORY_BYTES`].
    fn room_for(&self, more: usize) -> Result<(), RequestError> {
        let choices = self.machine.schedule().len() + more;
        if choices > MAX_SCHEDULE {
            let max = MAX_SCHEDULE;
            return Err(RequestError::ScheduleTooLong { choices, max });
        }
        // States only grow along a run (ra keeps every write), so the newest is the largest.
        let bytes = request::state_bytes(self.machine.state()).saturating_mul(choices);
        if bytes > MAX_HISTORY_BYTES {
            let bytes = MAX_HISTORY_BYTES;
            return Err(RequestError::HistoryFull { bytes });
        }
        Ok(())
    }

    /// Runs `thread` to the end of its current statement; returns the view or `{"error"}`.
    pub fn step_statement(&mut self, thread: u32) -> String {
        // A statement is at most a few dozen steps: its terms are bounded.
        if let Err(e) = self.room_for(64) {
            return error(&e);
        }
        match self.machine.step_statement(thread as usize) {
            Ok(_) => self.view(),
            Err(e) => error(&e.into()),
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

    /// True if the run so far meets the goal of the level in `lesson` (a lesson file's whole
    /// text, see `src/sim/level.rs`); false if it does not, or if `lesson` has no valid level.
    pub fn goal_met(&self, lesson: &str) -> bool {
        level::parse_level(lesson).is_ok_and(|l| l.win.met_by(&self.machine))
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
        let choices = match request::schedule(schedule) {
            Ok(c) => c,
            Err(e) => return error(&e),
        };
        self.machine.reset();
        let mut refused = None;
        for (index, c) in choices.into_iter().enumerate() {
            if let Err(e) = self.take(c) {
                refused = Some((index, e));
                break;
            }
        }
        self.view_with(refused)
    }
}

/// Reads the explorers' options from a JavaScript object (`undefined` or `null` for none):
/// the core checks and bounds them ([`request::options`]).
fn options_of(options: &JsValue) -> Result<Options, RequestError> {
    if options.is_undefined() || options.is_null() {
        return request::options(|_| None);
    }
    if !options.is_object() || js_sys::Array::is_array(options) {
        return Err(RequestError::OptionsNotObject);
    }
    request::options(|key| {
        let v = js_sys::Reflect::get(options, &JsValue::from_str(key)).ok()?;
        Some(if v.is_undefined() {
            return None;
        } else if let Some(n) = v.as_f64() {
            OptionValue::Number(n)
        } else if let Some(s) = v.as_string() {
            OptionValue::Text(s)
        } else {
            OptionValue::Other
        })
    })
}

/// The program, model and options of an exploration or sampling request.
fn load_with_options(
    text: &str,
    model: &str,
    options: &JsValue,
) -> Result<(Program, Model, Options), RequestError> {
    let (prog, model) = request::load(text, model)?;
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
        // Replayed on one state, not a stepper: a stepper would keep a state per choice.
        let mut st = State::initial(prog, model);
        let replayed = o.schedule.iter().all(|&c| exec::apply(prog, &mut st, c));
        let failed = replayed && matches!(exec::status(prog, &st), RunStatus::FinalFailed { .. });
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
/// `options` is an object `{max_states}` (or `undefined`). `progress(states, expanded,
/// transitions)` is called every thousand or so states; returning `false` cancels. Returns the
/// report as JSON: the core's [`crate::sim::Report`] with each outcome's `text`, encoded
/// `schedule` and `failed` flag, plus `kind`, `elapsed_ms` and `states_per_second`; or
/// `{"error", ...}`.
#[wasm_bindgen]
pub fn explore_json(
    text: &str,
    model: &str,
    options: &JsValue,
    progress: Option<js_sys::Function>,
) -> String {
    let (prog, model, options) = match load_with_options(text, model, options) {
        Ok(loaded) => loaded,
        Err(e) => return error(&e),
    };
    if let Err(e) = request::check_budget(&prog, model, &options.limits) {
        return error(&e);
    }
    let start = js_sys::Date::now();
    let report = explore(&prog, model, &options.limits, &mut |p| {
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
        w.num("elapsed_ms", elapsed_ms);
        w.num(
            "states_per_second",
            report.states_per_second(elapsed_ms / 1000.0).round(),
        );
    })
}

/// Makes many randomised runs of `text` under `model`.
///
/// `options` is an object `{strategy: "random" | "pct", depth, runs, seed, max_run_steps}`;
/// missing fields default to random, depth 2, 1000 runs, seed 1 (see
/// [`request::options`]). `progress(runs_done)` is called every 64 runs; returning `false`
/// cancels. Returns the core's [`crate::sim::Sample`] as JSON (outcomes as in
/// [`explore_json`]) plus `kind`, `seed`, `elapsed_ms` and `runs_per_second`; or `{"error"}`.
#[wasm_bindgen]
pub fn sample_json(
    text: &str,
    model: &str,
    options: &JsValue,
    progress: Option<js_sys::Function>,
) -> String {
    let (prog, model, options) = match load_with_options(text, model, options) {
        Ok(loaded) => loaded,
        Err(e) => return error(&e),
    };
    let Options {
        limits,
        strategy,
        runs,
        seed,
    } = options;
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

/// The level in a lesson file's text (`src/sim/level.rs`) as JSON, plus `program`, the text
/// the editor shows; or `{"error": {"key": "level.invalid", "line"}}` when the block is wrong
/// (lesson authors run `cargo run --bin lab -- check lessons/` for the full message).
#[wasm_bindgen]
pub fn level_json(lesson: &str) -> String {
    match level::parse_level(lesson) {
        Ok(l) => object(|w| {
            w.raw("level", |out| l.write_json(out));
            w.str("program", level::program_text(lesson));
        }),
        Err(e) => object(|w| {
            w.raw("error", |out| {
                let mut w = ObjectWriter::new(out);
                w.str("key", "level.invalid");
                member(&mut w, "line", &e.line);
                w.finish();
            });
        }),
    }
}

/// The first text the level in `lesson` says its fix must keep that `src` lacks, or `""`.
#[wasm_bindgen]
pub fn level_missing_keep(lesson: &str, src: &str) -> String {
    level::parse_level(lesson)
        .ok()
        .and_then(|l| level::missing_keep(&l, src))
        .unwrap_or_default()
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

/// The limits the page checks before it hands text to the core (so that a hostile link never
/// reaches the editor): `{max_source, max_lines, max_schedule}`. The core checks them again.
#[wasm_bindgen]
pub fn lab_limits() -> String {
    object(|w| {
        member(w, "max_source", &request::MAX_SOURCE);
        member(w, "max_lines", &crate::sim::lexer::MAX_LINES);
        member(w, "max_schedule", &MAX_SCHEDULE);
    })
}
