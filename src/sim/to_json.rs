//! The JSON the lab page reads about the simulator: views, reports and samples. The messages
//! inside them (what a step does, why a thread cannot move, what a failure is about) are
//! written by [`super::messages`].
//!
//! Written by hand with [`crate::json`]'s writer rather than derived with serde: serde and
//! serde_json cost the lab's wasm more than the simulator itself. `tests/sim_json.rs` pins the
//! shape.

use crate::json::{member, write_str, ObjectWriter, ToJson};

use super::choice::Choice;
use super::exec::RunStatus;
use super::machine::{ChoiceView, MachineView, ThreadRun, ThreadView, VarView};
use super::report::{Failure, FailureKind, OutcomeCount, Report, Stop};
use super::sched::{Sample, Strategy};
use super::state::{FaultKind, Model, Outcome};

/// Writes `{tag_key: tag, ...}`, the fields written by `fields`.
pub(crate) fn tagged(
    out: &mut String,
    tag_key: &str,
    tag: &str,
    fields: impl FnOnce(&mut ObjectWriter<'_>),
) {
    let mut w = ObjectWriter::new(out);
    w.str(tag_key, tag);
    fields(&mut w);
    w.finish();
}

impl ToJson for Choice {
    fn write_json(&self, out: &mut String) {
        write_str(out, &self.to_string());
    }
}

impl ToJson for Model {
    fn write_json(&self, out: &mut String) {
        write_str(out, self.name());
    }
}

impl ToJson for FaultKind {
    fn write_json(&self, out: &mut String) {
        write_str(
            out,
            match self {
                FaultKind::Assert => "assert",
                FaultKind::DivByZero => "div_by_zero",
                FaultKind::UnlockNotHeld => "unlock_not_held",
                FaultKind::WaitWithoutMutex => "wait_without_mutex",
            },
        );
    }
}

impl ToJson for FailureKind {
    fn write_json(&self, out: &mut String) {
        write_str(
            out,
            match self {
                FailureKind::Assert => "assert",
                FailureKind::RuntimeError => "runtime_error",
                FailureKind::Deadlock => "deadlock",
                FailureKind::LostWakeup => "lost_wakeup",
                FailureKind::Livelock => "livelock",
            },
        );
    }
}

impl ToJson for RunStatus {
    fn write_json(&self, out: &mut String) {
        let tag = match self {
            RunStatus::Running => "running",
            RunStatus::Finished => "finished",
            RunStatus::FinalFailed { .. } => "final_failed",
            RunStatus::Failed { .. } => "failed",
            RunStatus::Deadlock => "deadlock",
            RunStatus::LostWakeup => "lost_wakeup",
        };
        tagged(out, "status", tag, |w| match self {
            RunStatus::FinalFailed { check } => member(w, "check", check),
            RunStatus::Failed { kind, thread, pc } => {
                member(w, "kind", kind);
                member(w, "thread", thread);
                member(w, "pc", pc);
            }
            _ => {}
        });
    }
}

impl ToJson for ThreadRun {
    fn write_json(&self, out: &mut String) {
        write_str(
            out,
            match self {
                ThreadRun::Ready => "ready",
                ThreadRun::Blocked => "blocked",
                ThreadRun::Waiting => "waiting",
                ThreadRun::Done => "done",
            },
        );
    }
}

impl ToJson for ThreadView {
    fn write_json(&self, out: &mut String) {
        let mut w = ObjectWriter::new(out);
        member(&mut w, "name", &self.name);
        member(&mut w, "pc", &self.pc);
        member(&mut w, "stmt", &self.stmt);
        member(&mut w, "line", &self.line);
        member(&mut w, "next", &self.next);
        member(&mut w, "registers", &self.registers);
        member(&mut w, "temps", &self.temps);
        member(&mut w, "run", &self.run);
        member(&mut w, "store_buffer", &self.store_buffer);
        member(&mut w, "view", &self.view);
        w.finish();
    }
}

impl ToJson for VarView {
    fn write_json(&self, out: &mut String) {
        let mut w = ObjectWriter::new(out);
        member(&mut w, "name", &self.name);
        member(&mut w, "value", &self.value);
        member(&mut w, "writes", &self.writes);
        w.finish();
    }
}

impl ToJson for ChoiceView {
    fn write_json(&self, out: &mut String) {
        let (kind, alt) = match self.choice {
            Choice::Step { alt, .. } => ("step", alt),
            Choice::Flush { .. } => ("flush", 0),
            Choice::Wake { .. } => ("wake", 0),
        };
        let mut w = ObjectWriter::new(out);
        member(&mut w, "choice", &self.choice);
        w.str("kind", kind);
        member(&mut w, "thread", &self.choice.thread());
        member(&mut w, "alt", &alt);
        member(&mut w, "text", &self.text);
        w.finish();
    }
}

impl MachineView {
    /// Adds this view's members to an object, so that the caller can add more.
    pub fn write_members(&self, w: &mut ObjectWriter<'_>) {
        member(w, "model", &self.model);
        member(w, "status", &self.status);
        member(w, "threads", &self.threads);
        member(w, "shared", &self.shared);
        member(w, "mutexes", &self.mutexes);
        member(w, "semaphores", &self.semaphores);
        member(w, "condvars", &self.condvars);
        member(w, "enabled", &self.enabled);
        member(w, "schedule", &self.schedule);
    }
}

impl ToJson for MachineView {
    fn write_json(&self, out: &mut String) {
        let mut w = ObjectWriter::new(out);
        self.write_members(&mut w);
        w.finish();
    }
}

impl ToJson for Outcome {
    fn write_json(&self, out: &mut String) {
        self.0.write_json(out);
    }
}

impl ToJson for OutcomeCount {
    fn write_json(&self, out: &mut String) {
        let mut w = ObjectWriter::new(out);
        member(&mut w, "outcome", &self.outcome);
        member(&mut w, "count", &self.count);
        member(&mut w, "schedule", &self.schedule);
        w.finish();
    }
}

impl ToJson for Failure {
    fn write_json(&self, out: &mut String) {
        let mut w = ObjectWriter::new(out);
        member(&mut w, "kind", &self.kind);
        member(&mut w, "detail", &self.detail);
        member(&mut w, "schedule", &self.schedule);
        member(&mut w, "schedule_text", &self.schedule_text);
        member(&mut w, "count", &self.count);
        w.finish();
    }
}

impl ToJson for Stop {
    fn write_json(&self, out: &mut String) {
        match self {
            Stop::StateLimit { limit } => {
                tagged(out, "reason", "state_limit", |w| member(w, "limit", limit));
            }
            Stop::Cancelled => tagged(out, "reason", "cancelled", |_| {}),
            Stop::MemoryBudget { bytes } => {
                tagged(out, "reason", "memory_budget", |w| {
                    member(w, "bytes", bytes)
                });
            }
        }
    }
}

impl Report {
    /// Adds this report's members except `outcomes`, so that the caller can write those its
    /// own way and add more.
    pub fn write_members_but_outcomes(&self, w: &mut ObjectWriter<'_>) {
        member(w, "model", &self.model);
        member(w, "failures", &self.failures);
        member(w, "states", &self.states);
        member(w, "transitions", &self.transitions);
        member(w, "max_depth", &self.max_depth);
        member(w, "complete", &self.complete);
        member(w, "stopped", &self.stopped);
        member(w, "cyclic", &self.cyclic);
    }
}

impl ToJson for Report {
    fn write_json(&self, out: &mut String) {
        let mut w = ObjectWriter::new(out);
        member(&mut w, "outcomes", &self.outcomes);
        self.write_members_but_outcomes(&mut w);
        w.finish();
    }
}

impl Sample {
    /// Adds this sample's members except `outcomes`, so that the caller can write those its
    /// own way and add more.
    pub fn write_members_but_outcomes(&self, w: &mut ObjectWriter<'_>) {
        member(w, "runs", &self.runs);
        member(w, "unfinished", &self.unfinished);
        member(w, "failures", &self.failures);
        member(w, "cancelled", &self.cancelled);
    }
}

impl ToJson for Sample {
    fn write_json(&self, out: &mut String) {
        let mut w = ObjectWriter::new(out);
        member(&mut w, "outcomes", &self.outcomes);
        self.write_members_but_outcomes(&mut w);
        w.finish();
    }
}

impl ToJson for Strategy {
    fn write_json(&self, out: &mut String) {
        match self {
            Strategy::Random => tagged(out, "kind", "random", |_| {}),
            Strategy::Pct { depth } => tagged(out, "kind", "pct", |w| member(w, "depth", depth)),
        }
    }
}
