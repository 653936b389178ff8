//! A request from the lab page, checked before anything runs: the program text, the model's
//! name and the explorer's options, each bounded so that a link cannot make the worker run out
//! of memory. Everything that can be wrong is a [`RequestError`]; the web shell
//! (`src/web/lab.rs`) only reads the values out of JavaScript and sends the answer back.

use super::choice::{decode_schedule, BadChoice, Choice};
use super::error::ParseError;
use super::explore::{bytes_per_state, Limits};
use super::machine::StepError;
use super::model::Memory;
use super::program::Program;
use super::sched::Strategy;
use super::state::{Model, State};

/// The largest program text accepted: lessons are a few hundred bytes, and the URL carries it.
pub const MAX_SOURCE: usize = 64 * 1024;
/// The most states a page may ask the explorer for.
pub const MAX_STATES: usize = 2_000_000;
/// The most randomised runs a page may ask for.
pub const MAX_RUNS: usize = 1_000_000;
/// The most steps a page may allow one randomised run.
pub const MAX_RUN_STEPS: usize = 100_000;
/// The most choices in a schedule: a link's, or the stepper's by hand. A learner takes tens;
/// the stepper keeps a state per choice for undo.
pub const MAX_SCHEDULE: usize = 10_000;
/// The most bytes the stepper's undo history may hold (estimated by [`state_bytes`]).
pub const MAX_HISTORY_BYTES: usize = 64 << 20;

/// Why a request was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RequestError {
    /// The program does not parse.
    Parse(ParseError),
    /// The model name is not `sc`, `tso` or `ra`.
    UnknownModel {
        /// The name given.
        name: String,
    },
    /// The program text is longer than [`MAX_SOURCE`].
    TooLarge {
        /// Its length in bytes.
        bytes: usize,
        /// The most accepted.
        max: usize,
    },
    /// The options are not an object.
    OptionsNotObject,
    /// The strategy is not `random` or `pct`.
    UnknownStrategy {
        /// The name given.
        name: String,
    },
    /// The seed is not a whole number from 0.
    BadSeed,
    /// A schedule entry is not one.
    BadChoice(BadChoice),
    /// The stepper refused a choice.
    Refused(StepError),
    /// A schedule longer than [`MAX_SCHEDULE`] choices (a link's, or the stepper's own).
    ScheduleTooLong {
        /// How many choices it has (or would have).
        choices: usize,
        /// The most accepted.
        max: usize,
    },
    /// The stepper's undo history would outgrow [`MAX_HISTORY_BYTES`].
    HistoryFull {
        /// The budget, in bytes.
        bytes: usize,
    },
    /// Even the first state, times the state bound, is more than the explorer's memory budget.
    OverBudget {
        /// What one state takes, at least.
        bytes_per_state: usize,
        /// The state bound asked for.
        max_states: usize,
        /// The memory budget, in bytes.
        budget: usize,
        /// The largest state bound that fits.
        fits: usize,
    },
}

impl std::error::Error for RequestError {}

impl From<ParseError> for RequestError {
    fn from(e: ParseError) -> RequestError {
        RequestError::Parse(e)
    }
}

impl From<BadChoice> for RequestError {
    fn from(e: BadChoice) -> RequestError {
        RequestError::BadChoice(e)
    }
}

impl From<StepError> for RequestError {
    fn from(e: StepError) -> RequestError {
        RequestError::Refused(e)
    }
}

/// Parses `text` under the model named `model`.
///
/// ```
/// use queue_playground::sim::request::{load, RequestError};
/// assert!(load("shared x\nthread A { x = 1 }", "tso").is_ok());
/// let e = load("thread A {}", "weak").unwrap_err();
/// assert_eq!(e, RequestError::UnknownModel { name: "weak".into() });
/// ```
pub fn load(text: &str, model: &str) -> Result<(Program, Model), RequestError> {
    let Some(model) = Model::from_name(model) else {
        let name = model.to_string();
        return Err(RequestError::UnknownModel { name });
    };
    if text.len() > MAX_SOURCE {
        let (bytes, max) = (text.len(), MAX_SOURCE);
        return Err(RequestError::TooLarge { bytes, max });
    }
    Ok((super::parse(text)?, model))
}

/// Reads a schedule written as in URLs (`0,1.2,f0`), refusing one longer than
/// [`MAX_SCHEDULE`] before reading it.
///
/// ```
/// use queue_playground::sim::request::{schedule, RequestError, MAX_SCHEDULE};
/// assert_eq!(schedule("0,1,f0").unwrap().len(), 3);
/// let long = vec!["0"; MAX_SCHEDULE + 1].join(",");
/// let e = schedule(&long).unwrap_err();
/// assert_eq!(e, RequestError::ScheduleTooLong { choices: MAX_SCHEDULE + 1, max: MAX_SCHEDULE });
/// ```
pub fn schedule(text: &str) -> Result<Vec<Choice>, RequestError> {
    let choices = text.bytes().filter(|&b| b == b',').count() + 1;
    // No choice is longer than `3.999999` plus a little space: a longer text is not a schedule
    // of this many choices, and is refused before it is split.
    if choices > MAX_SCHEDULE || text.len() > MAX_SCHEDULE * 16 {
        let max = MAX_SCHEDULE;
        return Err(RequestError::ScheduleTooLong { choices, max });
    }
    Ok(decode_schedule(text)?)
}

/// Refuses an exploration whose first state, times the state bound, already exceeds the memory
/// budget: the explorer would stop at the budget anyway, after filling it. The error says
/// which state bound fits.
pub fn check_budget(prog: &Program, model: Model, limits: &Limits) -> Result<(), RequestError> {
    let per_state = bytes_per_state(prog, model);
    if per_state.saturating_mul(limits.max_states) <= limits.max_bytes {
        return Ok(());
    }
    Err(RequestError::OverBudget {
        bytes_per_state: per_state,
        max_states: limits.max_states,
        budget: limits.max_bytes,
        fits: limits.max_bytes / per_state,
    })
}

/// Roughly the heap bytes a state takes unpacked (the stepper keeps one per choice to undo).
pub fn state_bytes(st: &State) -> usize {
    const VEC: usize = 24;
    let views = |vs: &[Vec<u32>]| vs.iter().map(|v| VEC + 4 * v.len()).sum::<usize>();
    let threads: usize = st.threads.iter().map(|t| 48 + 8 * t.slots.len()).sum();
    let waiters: usize = st.waiters.iter().map(|w| VEC + 8 * w.len()).sum();
    let mem = match &st.mem {
        Memory::Sc(m) => 8 * m.0.len(),
        Memory::Tso(m) => {
            8 * m.mem.len() + m.buffers.iter().map(|b| VEC + 16 * b.len()).sum::<usize>()
        }
        Memory::Ra(m) => {
            let msgs: usize = m
                .locs
                .iter()
                .map(|l| VEC + l.iter().map(|msg| 48 + 4 * msg.view.len()).sum::<usize>())
                .sum();
            let threads: usize = m
                .threads
                .iter()
                .map(|t| 3 * VEC + 4 * (t.cur.len() + t.acq.len() + t.rel.len()))
                .sum();
            msgs + threads + views(&m.mutexes) + views(&m.sems) + VEC + 4 * m.sc.len()
        }
    };
    std::mem::size_of::<State>()
        + threads
        + 16 * st.owners.len()
        + 8 * st.sems.len()
        + waiters
        + mem
}

/// An option's value as the page sent it.
#[derive(Clone, Debug, PartialEq)]
pub enum OptionValue {
    /// A number.
    Number(f64),
    /// A string.
    Text(String),
    /// Anything else (`true`, an object, ...).
    Other,
}

/// The explorers' options, read and bounded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// Bounds on states and run length.
    pub limits: Limits,
    /// Which randomised scheduler (for sampling).
    pub strategy: Strategy,
    /// How many randomised runs.
    pub runs: usize,
    /// The first run's seed.
    pub seed: u64,
}

/// Reads the options from `get(name)` (`None` for a missing one): `max_states`,
/// `max_run_steps`, `strategy` (`random` or `pct`), `depth`, `runs` and `seed`. Missing or
/// malformed numbers keep their defaults (200,000 states, 10,000 steps, random, depth 2, 1000
/// runs, seed 1) and every number is clamped to what the worker can hold; an unknown strategy
/// or a seed that is not a whole number is an error.
///
/// ```
/// use queue_playground::sim::request::{options, OptionValue};
/// use queue_playground::sim::Strategy;
/// let o = options(|k| match k {
///     "strategy" => Some(OptionValue::Text("pct".into())),
///     "max_states" => Some(OptionValue::Number(1e12)),
///     "seed" => Some(OptionValue::Text("42".into())),
///     _ => None,
/// })
/// .unwrap();
/// assert_eq!(o.strategy, Strategy::Pct { depth: 2 });
/// assert_eq!((o.limits.max_states, o.seed), (2_000_000, 42));
/// ```
pub fn options(get: impl Fn(&str) -> Option<OptionValue>) -> Result<Options, RequestError> {
    let whole = |key: &str| match get(key) {
        Some(OptionValue::Number(n)) => as_u64(n),
        _ => None,
    };
    let mut limits = Limits::default();
    if let Some(n) = whole("max_states") {
        limits.max_states = (n.min(MAX_STATES as u64) as usize).max(1);
    }
    if let Some(n) = whole("max_run_steps") {
        limits.max_run_steps = (n.min(MAX_RUN_STEPS as u64) as usize).max(1);
    }
    let depth = whole("depth").unwrap_or(2).clamp(1, 64) as usize;
    let strategy = match get("strategy") {
        None => Strategy::Random,
        Some(OptionValue::Text(s)) if s == "random" => Strategy::Random,
        Some(OptionValue::Text(s)) if s == "pct" => Strategy::Pct { depth },
        Some(OptionValue::Text(name)) => return Err(RequestError::UnknownStrategy { name }),
        Some(_) => {
            let name = String::new();
            return Err(RequestError::UnknownStrategy { name });
        }
    };
    let runs = whole("runs").unwrap_or(1000).clamp(1, MAX_RUNS as u64) as usize;
    let seed = match get("seed") {
        None => 1,
        Some(OptionValue::Number(n)) => as_u64(n).ok_or(RequestError::BadSeed)?,
        Some(OptionValue::Text(s)) => s.trim().parse().map_err(|_| RequestError::BadSeed)?,
        Some(OptionValue::Other) => return Err(RequestError::BadSeed),
    };
    Ok(Options {
        limits,
        strategy,
        runs,
        seed,
    })
}

/// `n` if it is a whole number from 0 below 2^64 (`5.0` counts: JavaScript has only doubles).
fn as_u64(n: f64) -> Option<u64> {
    (n >= 0.0 && n.fract() == 0.0 && n < 18_446_744_073_709_551_616.0).then_some(n as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(pairs: &[(&str, OptionValue)]) -> Result<Options, RequestError> {
        options(|k| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone()))
    }

    #[test]
    fn options_default_clamp_and_refuse() {
        let o = from(&[]).unwrap();
        assert_eq!(o.limits, Limits::default());
        assert_eq!((o.strategy, o.runs, o.seed), (Strategy::Random, 1000, 1));
        let o = from(&[
            ("max_states", OptionValue::Number(0.0)),
            ("max_run_steps", OptionValue::Number(-3.0)),
            ("runs", OptionValue::Number(5e9)),
            ("depth", OptionValue::Number(1000.0)),
            ("strategy", OptionValue::Text("pct".into())),
            ("seed", OptionValue::Number(7.0)),
        ])
        .unwrap();
        assert_eq!(o.limits.max_states, 1);
        assert_eq!(o.limits.max_run_steps, Limits::default().max_run_steps);
        assert_eq!((o.runs, o.seed), (MAX_RUNS, 7));
        assert_eq!(o.strategy, Strategy::Pct { depth: 64 });
        let dfs = OptionValue::Text("dfs".into());
        assert_eq!(
            from(&[("strategy", dfs)]),
            Err(RequestError::UnknownStrategy { name: "dfs".into() })
        );
        for bad in [
            OptionValue::Number(1.5),
            OptionValue::Number(-1.0),
            OptionValue::Text("x".into()),
            OptionValue::Other,
        ] {
            assert_eq!(from(&[("seed", bad)]), Err(RequestError::BadSeed));
        }
    }

    #[test]
    fn programs_are_bounded_and_parsed() {
        let big = "#".repeat(MAX_SOURCE + 1);
        assert_eq!(
            load(&big, "sc").map(|_| ()),
            Err(RequestError::TooLarge {
                bytes: MAX_SOURCE + 1,
                max: MAX_SOURCE
            })
        );
        assert!(matches!(
            load("thread A {", "sc"),
            Err(RequestError::Parse(_))
        ));
    }
}
