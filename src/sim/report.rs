//! What exploration and sampling report: outcomes with counts, and failures with a schedule.

use super::choice::{encode_schedule, Choice};
use super::exec::RunStatus;
use super::program::Program;
use super::state::{FaultKind, Model, Outcome, State};

/// The kind of a failure found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FailureKind {
    /// An `assert` was false.
    Assert,
    /// Division by zero, unlocking a mutex not held, or waiting without the mutex.
    RuntimeError,
    /// Threads are left and every one of them is blocked on a mutex or semaphore.
    Deadlock,
    /// A thread sleeps on a condition variable and nothing will ever wake it.
    LostWakeup,
    /// The threads can run forever without finishing (a spin loop that never exits).
    Livelock,
}

impl FailureKind {
    /// A short name: `assert`, `runtime-error`, `deadlock`, `lost-wakeup`, `livelock`.
    pub fn name(self) -> &'static str {
        match self {
            FailureKind::Assert => "assert",
            FailureKind::RuntimeError => "runtime-error",
            FailureKind::Deadlock => "deadlock",
            FailureKind::LostWakeup => "lost-wakeup",
            FailureKind::Livelock => "livelock",
        }
    }
}

/// A failure and a shortest schedule that reproduces it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// What kind of failure.
    pub kind: FailureKind,
    /// What happened, naming threads, objects and lines.
    pub message: String,
    /// A schedule from the start that ends in the failure: replay it with
    /// [`super::Machine::replay`]. Shortest in scheduling decisions (local steps that run on
    /// their own are included but not counted).
    pub schedule: Vec<Choice>,
    /// The schedule encoded as in URLs.
    pub schedule_text: String,
    /// How many schedules end in this failure (for a livelock: how many enter the loop).
    pub count: u64,
}

/// A final outcome and how many schedules reach it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutcomeCount {
    /// The observed values.
    pub outcome: Outcome,
    /// How many schedules end with them.
    pub count: u64,
    /// A shortest schedule that reaches them.
    pub schedule: Vec<Choice>,
}

/// Why exploration stopped early.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// It reached the state bound.
    StateLimit {
        /// The bound.
        limit: usize,
    },
    /// The progress callback asked to stop.
    Cancelled,
}

/// The result of exploring a program.
#[derive(Clone, Debug)]
pub struct Report {
    /// The memory model explored.
    pub model: Model,
    /// Every final outcome reached, sorted, with counts.
    pub outcomes: Vec<OutcomeCount>,
    /// Every distinct failure found, most severe kind first, each with a shortest schedule.
    pub failures: Vec<Failure>,
    /// Distinct states visited.
    pub states: usize,
    /// Transitions followed (choices tried).
    pub transitions: usize,
    /// The most scheduling decisions on a shortest path to any state.
    pub max_depth: usize,
    /// True if every reachable state was visited.
    pub complete: bool,
    /// Why it stopped early, if it did.
    pub stopped: Option<Stop>,
    /// True if some schedule returns to a state it has been in (a loop that can spin): then
    /// there are infinitely many schedules, and counts are of those that never repeat a state
    /// in the depth-first order the explorer used.
    pub cyclic: bool,
}

impl Report {
    /// States visited per second, given how long exploration took (measured by the caller).
    pub fn states_per_second(&self, seconds: f64) -> f64 {
        if seconds > 0.0 {
            self.states as f64 / seconds
        } else {
            0.0
        }
    }

    /// A one-line summary, including why exploration stopped if it did.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "{} outcome(s), {} failure(s), {} states, {} transitions",
            self.outcomes.len(),
            self.failures.len(),
            self.states,
            self.transitions
        );
        match self.stopped {
            Some(Stop::StateLimit { limit }) => {
                s += &format!(
                    "; STOPPED at the bound of {limit} states: the results are incomplete \
                 (raise the bound or make the program smaller)"
                )
            }
            Some(Stop::Cancelled) => s += "; CANCELLED: the results are incomplete",
            None => {}
        }
        if self.cyclic {
            s += "; some schedules loop (counts exclude repeated states)";
        }
        s
    }
}

/// Collects failures, keeping per distinct message the shortest schedule and a count.
#[derive(Default)]
pub(crate) struct FailureSet {
    pub list: Vec<Failure>,
}

impl FailureSet {
    pub fn add(&mut self, kind: FailureKind, message: String, schedule: &[Choice], count: u64) {
        if let Some(f) = self
            .list
            .iter_mut()
            .find(|f| f.kind == kind && f.message == message)
        {
            f.count = f.count.saturating_add(count);
            if schedule.len() < f.schedule.len() {
                f.schedule = schedule.to_vec();
                f.schedule_text = encode_schedule(schedule);
            }
            return;
        }
        self.list.push(Failure {
            kind,
            message,
            schedule: schedule.to_vec(),
            schedule_text: encode_schedule(schedule),
            count,
        });
    }

    pub fn sorted(mut self) -> Vec<Failure> {
        self.list.sort_by(|a, b| {
            (a.kind, a.schedule.len(), &a.message).cmp(&(b.kind, b.schedule.len(), &b.message))
        });
        self.list
    }
}

fn line_of(prog: &Program, t: usize, pc: usize) -> u32 {
    prog.threads
        .get(t)
        .and_then(|c| c.steps.get(pc))
        .and_then(|s| prog.threads[t].statements.get(s.stmt))
        .map(|s| s.line)
        .unwrap_or(0)
}

/// If `status` is a failure, its kind and a message naming threads and lines.
pub(crate) fn failure_of(
    prog: &Program,
    st: &State,
    status: RunStatus,
) -> Option<(FailureKind, String)> {
    let name = |t: usize| prog.threads.get(t).map(|c| c.name.as_str()).unwrap_or("?");
    match status {
        RunStatus::Running | RunStatus::Finished => None,
        RunStatus::FinalFailed { check } => {
            let f = prog.finals.get(check)?;
            Some((
                FailureKind::Assert,
                format!("line {}: final assert {} failed", f.line, f.text),
            ))
        }
        RunStatus::Failed { kind, thread, pc } => {
            let line = line_of(prog, thread, pc);
            let step = prog.threads[thread]
                .steps
                .get(pc)
                .map(|s| s.text.as_str())
                .unwrap_or("");
            let (k, what) = match kind {
                FaultKind::Assert => (FailureKind::Assert, format!("{step} failed")),
                FaultKind::DivByZero => (FailureKind::RuntimeError, "division by zero".into()),
                FaultKind::UnlockNotHeld => (
                    FailureKind::RuntimeError,
                    format!("{step}: the mutex is not held by {}", name(thread)),
                ),
                FaultKind::WaitWithoutMutex => (
                    FailureKind::RuntimeError,
                    format!("{step}: the mutex is not held by {}", name(thread)),
                ),
            };
            Some((k, format!("{} line {line}: {what}", name(thread))))
        }
        RunStatus::Deadlock | RunStatus::LostWakeup => {
            let mut parts = Vec::new();
            for (t, th) in st.threads.iter().enumerate() {
                if st.done(prog, t) {
                    continue;
                }
                let line = line_of(prog, t, th.pc);
                let what = match th.waiting {
                    Some(c) => format!("sleeps on {}", prog.condvars[c]),
                    None => prog.threads[t]
                        .steps
                        .get(th.pc)
                        .map(|s| format!("blocked at `{}`", s.text))
                        .unwrap_or_default(),
                };
                parts.push(format!("{} line {line} {what}", name(t)));
            }
            let kind = if status == RunStatus::Deadlock {
                FailureKind::Deadlock
            } else {
                FailureKind::LostWakeup
            };
            Some((kind, parts.join("; ")))
        }
    }
}
