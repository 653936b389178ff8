//! What exploration and sampling report: outcomes with counts, and failures with a schedule.

use super::choice::{encode_schedule, Choice};
use super::describe::StepText;
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
    pub detail: FailureDetail,
    /// A schedule from the start that ends in the failure: replay it with
    /// [`super::Machine::replay`]. Shortest in scheduling decisions (local steps that run on
    /// their own are included but not counted).
    pub schedule: Vec<Choice>,
    /// The schedule encoded as in URLs.
    pub schedule_text: String,
    /// How many schedules end in this failure (for a livelock: how many enter the loop).
    pub count: u64,
}

/// What a failure is about: the threads, lines and objects involved.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FailureDetail {
    /// A `final assert` is false.
    FinalAssert {
        /// Its line.
        line: u32,
        /// Its condition as written.
        cond: String,
    },
    /// An `assert` in a thread is false.
    Assert {
        /// The thread.
        thread: String,
        /// The line.
        line: u32,
        /// The failing step.
        step: StepText,
    },
    /// A division or remainder by zero.
    DivByZero {
        /// The thread.
        thread: String,
        /// The line.
        line: u32,
    },
    /// An unlock by a thread that does not hold the mutex.
    UnlockNotHeld {
        /// The thread.
        thread: String,
        /// The line.
        line: u32,
        /// The failing step.
        step: StepText,
    },
    /// A condition variable wait without holding the mutex.
    WaitWithoutMutex {
        /// The thread.
        thread: String,
        /// The line.
        line: u32,
        /// The failing step.
        step: StepText,
    },
    /// A deadlock or lost wakeup: every thread left, and where it is stuck.
    Stuck {
        /// The threads that have not finished.
        threads: Vec<StuckThread>,
    },
    /// A livelock: the threads that loop forever, and where.
    Livelock {
        /// The threads that have not finished.
        threads: Vec<ThreadAt>,
    },
}

/// A thread that cannot move, and why.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StuckThread {
    /// The thread.
    pub thread: String,
    /// The line of its next step.
    pub line: u32,
    /// Why it cannot move.
    pub on: Stuck,
}

/// Why a thread cannot move.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stuck {
    /// It sleeps on a condition variable.
    SleepsOn {
        /// The condition variable.
        cond: String,
    },
    /// Its next step waits for a mutex or semaphore.
    BlockedAt {
        /// The step.
        step: StepText,
    },
}

/// A thread and a line.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ThreadAt {
    /// The thread.
    pub thread: String,
    /// The line.
    pub line: u32,
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
    /// The states found (and the outcomes they will give) reached the memory budget,
    /// [`super::Limits::max_bytes`].
    MemoryBudget {
        /// The budget, in bytes.
        bytes: usize,
    },
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
    /// Distinct states visited (reached by some schedule), whether stored or not.
    pub states: usize,
    /// Transitions between them (choices from each state).
    pub transitions: usize,
    /// States the explorer stored: fewer than `states` where threads are alike, since it
    /// stores one state of each set that differ only by swapping such threads
    /// (`src/sim/symmetry.rs`). This is what `Limits::max_states` bounds.
    pub stored: usize,
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
}

/// Collects failures, keeping per distinct failure the shortest schedule and a count.
#[derive(Default)]
pub(crate) struct FailureSet {
    pub list: Vec<Failure>,
}

impl FailureSet {
    pub fn add(
        &mut self,
        kind: FailureKind,
        detail: FailureDetail,
        schedule: &[Choice],
        count: u64,
    ) {
        if let Some(f) = self
            .list
            .iter_mut()
            .find(|f| f.kind == kind && f.detail == detail)
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
            detail,
            schedule: schedule.to_vec(),
            schedule_text: encode_schedule(schedule),
            count,
        });
    }

    pub fn sorted(mut self) -> Vec<Failure> {
        self.list.sort_by(|a, b| {
            (a.kind, a.schedule.len(), &a.detail).cmp(&(b.kind, b.schedule.len(), &b.detail))
        });
        self.list
    }
}

/// If `status` is a failure, its kind and what it is about.
pub fn failure_of(
    prog: &Program,
    st: &State,
    status: RunStatus,
) -> Option<(FailureKind, FailureDetail)> {
    let name = |t: usize| {
        prog.threads
            .get(t)
            .map(|c| c.name.clone())
            .unwrap_or_default()
    };
    match status {
        RunStatus::Running | RunStatus::Finished => None,
        RunStatus::FinalFailed { check } => {
            let f = prog.finals.get(check)?;
            let (line, cond) = (f.line, f.text.clone());
            Some((
                FailureKind::Assert,
                FailureDetail::FinalAssert { line, cond },
            ))
        }
        RunStatus::Failed { kind, thread, pc } => {
            let line = line_of(prog, thread, pc);
            let step = prog.threads[thread].steps.get(pc)?.text.clone();
            let thread = name(thread);
            Some(match kind {
                FaultKind::Assert => (
                    FailureKind::Assert,
                    FailureDetail::Assert { thread, line, step },
                ),
                FaultKind::DivByZero => (
                    FailureKind::RuntimeError,
                    FailureDetail::DivByZero { thread, line },
                ),
                FaultKind::UnlockNotHeld => (
                    FailureKind::RuntimeError,
                    FailureDetail::UnlockNotHeld { thread, line, step },
                ),
                FaultKind::WaitWithoutMutex => (
                    FailureKind::RuntimeError,
                    FailureDetail::WaitWithoutMutex { thread, line, step },
                ),
            })
        }
        RunStatus::Deadlock | RunStatus::LostWakeup => {
            let kind = if status == RunStatus::Deadlock {
                FailureKind::Deadlock
            } else {
                FailureKind::LostWakeup
            };
            let threads = stuck_threads(prog, st)?;
            Some((kind, FailureDetail::Stuck { threads }))
        }
    }
}

/// Every thread not done, and what it is stuck on: a condition variable it sleeps on, or the
/// step it cannot take.
fn stuck_threads(prog: &Program, st: &State) -> Option<Vec<StuckThread>> {
    let mut threads = Vec::new();
    for (t, th) in st.threads.iter().enumerate() {
        if st.done(prog, t) {
            continue;
        }
        let on = match th.waiting {
            Some(c) => Stuck::SleepsOn {
                cond: prog.condvars[c].clone(),
            },
            None => Stuck::BlockedAt {
                step: prog.threads[t].steps.get(th.pc)?.text.clone(),
            },
        };
        threads.push(StuckThread {
            thread: prog.threads[t].name.clone(),
            line: line_of(prog, t, th.pc),
            on,
        });
    }
    Some(threads)
}

/// The line of thread `t`'s step `pc` (0 if there is none).
pub(crate) fn line_of(prog: &Program, t: usize, pc: usize) -> u32 {
    prog.threads
        .get(t)
        .and_then(|c| c.steps.get(pc))
        .and_then(|s| prog.threads[t].statements.get(s.stmt))
        .map(|s| s.line)
        .unwrap_or(0)
}
