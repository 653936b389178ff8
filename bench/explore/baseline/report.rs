//! The parts of `src/sim/report.rs` that read the baseline's state: a frozen copy.

use super::exec::RunStatus;
use super::program::Program;
use super::state::{FaultKind, State};
use queue_playground::sim::choice::{encode_schedule, Choice};
pub use queue_playground::sim::report::{
    Failure, FailureDetail, FailureKind, OutcomeCount, Report, Stop, Stuck, StuckThread, ThreadAt,
};

/// Collects failures, keeping per distinct failure the shortest schedule and a count.
#[derive(Default)]
pub struct FailureSet {
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
                    thread: name(t),
                    line: line_of(prog, t, th.pc),
                    on,
                });
            }
            let kind = if status == RunStatus::Deadlock {
                FailureKind::Deadlock
            } else {
                FailureKind::LostWakeup
            };
            Some((kind, FailureDetail::Stuck { threads }))
        }
    }
}

/// The line of thread `t`'s step `pc` (0 if there is none).
pub fn line_of(prog: &Program, t: usize, pc: usize) -> u32 {
    prog.threads
        .get(t)
        .and_then(|c| c.steps.get(pc))
        .and_then(|s| prog.threads[t].statements.get(s.stmt))
        .map(|s| s.line)
        .unwrap_or(0)
}
