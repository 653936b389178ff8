//! Randomised schedulers: uniformly random, and PCT (probabilistic concurrency testing).
//!
//! PCT (Burckhardt et al., ASPLOS 2010) gives each thread a random priority, always runs the
//! highest-priority thread that can move, and at `depth - 1` random points lowers the running
//! thread below all others. A bug that needs `d` ordering constraints is found by one run with
//! probability at least 1/(n·k^(d-1)) for n threads and k steps, far better than uniform random
//! choice for the shallow bugs that lessons show.

use std::collections::HashMap;

use super::choice::Choice;
use super::exec::{self, RunStatus};
use super::explore::Limits;
use super::program::Program;
use super::report::{failure_of, Failure, FailureSet, OutcomeCount};
use super::state::{Model, Outcome, State};

/// The seeded generator the schedulers draw from (the crate's one, [`crate::rng`]).
pub use crate::rng::SplitMix64 as Rng;

/// One run chosen by a randomised scheduler.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    /// Every choice made, replayable with [`super::Machine::replay`].
    pub schedule: Vec<Choice>,
    /// How the run ended; `Running` if it hit the step limit.
    pub status: RunStatus,
    /// The observed values at the end (meaningful when finished).
    pub outcome: Outcome,
}

/// Which randomised scheduler to use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    /// Every possible choice equally likely at each step.
    Random,
    /// PCT with bug depth `depth` (1 = run threads one after another in a random order).
    Pct {
        /// The number of ordering constraints the bug needs; at least 1.
        depth: usize,
    },
}

/// One run choosing uniformly at random among all possible choices at each step.
pub fn run_random(prog: &Program, model: Model, seed: u64, max_steps: usize) -> Run {
    random_run(prog, model, seed, max_steps).0
}

fn random_run(prog: &Program, model: Model, seed: u64, max_steps: usize) -> (Run, State) {
    let mut rng = Rng::new(seed);
    run(prog, model, max_steps, |choices, _| {
        rng.below(choices.len())
    })
}

/// One PCT run with the given bug depth.
pub fn run_pct(prog: &Program, model: Model, seed: u64, depth: usize, max_steps: usize) -> Run {
    pct_run(prog, model, seed, depth, max_steps).0
}

fn pct_run(
    prog: &Program,
    model: Model,
    seed: u64,
    depth: usize,
    max_steps: usize,
) -> (Run, State) {
    let mut rng = Rng::new(seed);
    let n = prog.threads.len();
    // k: how many scheduling decisions a run makes, estimated from the code's length.
    let k: usize = prog
        .threads
        .iter()
        .map(|t| t.steps.len())
        .sum::<usize>()
        .max(1);
    // More change points than steps cannot matter, and the cap keeps a huge depth cheap.
    let depth = depth.clamp(1, k + 1);
    // Initial priorities are depth..depth+n in random order; lowered ones are below depth.
    let mut prio: Vec<usize> = (0..n).map(|i| depth + i).collect();
    for i in (1..n).rev() {
        let j = rng.below(i + 1);
        prio.swap(i, j);
    }
    let changes: Vec<usize> = (1..depth).map(|_| 1 + rng.below(k)).collect();
    run(prog, model, max_steps, |choices, decision| {
        let best = |prio: &[usize]| {
            choices
                .iter()
                .map(|c| c.thread())
                .max_by_key(|&t| prio.get(t).copied().unwrap_or(0))
                .unwrap_or(0)
        };
        let mut t = best(&prio);
        for (i, &at) in changes.iter().enumerate() {
            if at == decision {
                if let Some(p) = prio.get_mut(t) {
                    *p = depth - 1 - i;
                }
                t = best(&prio);
            }
        }
        let mine: Vec<usize> = (0..choices.len())
            .filter(|&i| choices[i].thread() == t)
            .collect();
        mine[rng.below(mine.len())]
    })
}

/// Runs one schedule, asking `pick(choices, decision_number)` for each decision.
fn run(
    prog: &Program,
    model: Model,
    max_steps: usize,
    mut pick: impl FnMut(&[Choice], usize) -> usize,
) -> (Run, State) {
    let mut st = State::initial(prog, model);
    let mut schedule = Vec::new();
    exec::settle(prog, &mut st, &mut schedule);
    let mut decisions = 0;
    let status = loop {
        let status = exec::status(prog, &st);
        if status != RunStatus::Running {
            break status;
        }
        if schedule.len() >= max_steps {
            break RunStatus::Running;
        }
        let choices = exec::choices(prog, &st);
        decisions += 1;
        let Some(&c) = choices.get(pick(&choices, decisions)) else {
            break status;
        };
        exec::apply_unchecked(prog, &mut st, c);
        schedule.push(c);
        exec::settle(prog, &mut st, &mut schedule);
    };
    let run = Run {
        schedule,
        outcome: st.outcome(prog),
        status,
    };
    (run, st)
}

/// What many randomised runs found.
#[derive(Clone, Debug)]
pub struct Sample {
    /// The runs made.
    pub runs: usize,
    /// Runs that hit the step limit.
    pub unfinished: usize,
    /// Final outcomes with how many runs ended in each, sorted.
    pub outcomes: Vec<OutcomeCount>,
    /// Failures with how many runs hit each and the shortest schedule among them.
    pub failures: Vec<Failure>,
    /// True if the progress callback cancelled.
    pub cancelled: bool,
}

/// Makes `runs` runs with seeds `seed, seed + 1, ...`; `progress(done)` is called every so
/// often and may return `false` to stop.
pub fn sample(
    prog: &Program,
    model: Model,
    strategy: Strategy,
    runs: usize,
    seed: u64,
    limits: &Limits,
    progress: &mut dyn FnMut(usize) -> bool,
) -> Sample {
    let mut outcomes: HashMap<Outcome, (u64, Vec<Choice>)> = HashMap::new();
    let mut failures = FailureSet::default();
    let (mut unfinished, mut done, mut cancelled) = (0, 0, false);
    for i in 0..runs {
        if i % 64 == 0 && i > 0 && !progress(i) {
            cancelled = true;
            break;
        }
        let s = seed.wrapping_add(i as u64);
        let (r, st) = match strategy {
            Strategy::Random => random_run(prog, model, s, limits.max_run_steps),
            Strategy::Pct { depth } => pct_run(prog, model, s, depth, limits.max_run_steps),
        };
        done += 1;
        if r.status == RunStatus::Running {
            unfinished += 1;
        }
        if matches!(
            r.status,
            RunStatus::Finished | RunStatus::FinalFailed { .. }
        ) {
            let e = outcomes
                .entry(r.outcome.clone())
                .or_insert((0, r.schedule.clone()));
            e.0 += 1;
            if r.schedule.len() < e.1.len() {
                e.1 = r.schedule.clone();
            }
        }
        if let Some((kind, detail)) = failure_of(prog, &st, r.status) {
            failures.add(kind, detail, &r.schedule, 1);
        }
    }
    let mut outcomes: Vec<OutcomeCount> = outcomes
        .into_iter()
        .map(|(outcome, (count, schedule))| OutcomeCount {
            outcome,
            count,
            schedule,
        })
        .collect();
    outcomes.sort_by(|a, b| a.outcome.cmp(&b.outcome));
    Sample {
        runs: done,
        unfinished,
        outcomes,
        failures: failures.sorted(),
        cancelled,
    }
}
