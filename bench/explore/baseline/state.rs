//! The complete state of a run: every thread, every lock, and memory under the chosen model.
//!
//! It derives `Hash` and `Eq` because the explorer caches states: two schedules that reach an
//! equal state share everything after it.

pub use super::model::Memory;
use super::model::{RaMemory, ScMemory, TsoMemory};
use super::program::{Observed, Program};
pub use queue_playground::sim::state::{Fault, FaultKind, Model, Outcome};

/// One thread's state.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ThreadState {
    /// The index of its next step; equal to the number of steps when finished.
    pub pc: usize,
    /// Its registers then its temporaries.
    pub slots: Vec<i64>,
    /// The condition variable it sleeps on, if any.
    pub waiting: Option<usize>,
}

/// Everything about a run at one moment.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct State {
    /// Per thread.
    pub threads: Vec<ThreadState>,
    /// Per mutex, the thread holding it.
    pub owners: Vec<Option<usize>>,
    /// Per semaphore, its count.
    pub sems: Vec<i64>,
    /// Per condition variable, its sleeping threads, longest-waiting first.
    pub waiters: Vec<Vec<usize>>,
    /// Shared memory.
    pub mem: Memory,
    /// The failure that ended the run, if any.
    pub fault: Option<Fault>,
}

impl State {
    /// The state before any step.
    pub fn initial(prog: &Program, model: Model) -> State {
        let inits: Vec<i64> = prog.vars.iter().map(|v| v.1).collect();
        let n = prog.threads.len();
        State {
            threads: prog
                .threads
                .iter()
                .map(|t| ThreadState {
                    pc: 0,
                    slots: vec![0; t.slots.len()],
                    waiting: None,
                })
                .collect(),
            owners: vec![None; prog.mutexes.len()],
            sems: prog.semaphores.iter().map(|s| s.1).collect(),
            waiters: vec![Vec::new(); prog.condvars.len()],
            mem: match model {
                Model::Sc => Memory::Sc(ScMemory(inits)),
                Model::Tso => Memory::Tso(TsoMemory {
                    mem: inits,
                    buffers: vec![Vec::new(); n],
                }),
                Model::Ra => Memory::Ra(RaMemory::new(
                    &inits,
                    n,
                    prog.mutexes.len(),
                    prog.semaphores.len(),
                )),
            },
            fault: None,
        }
    }

    /// True if thread `t` has run all its steps.
    pub fn done(&self, prog: &Program, t: usize) -> bool {
        let len = prog.threads.get(t).map(|c| c.steps.len()).unwrap_or(0);
        self.threads.get(t).map(|s| s.pc >= len).unwrap_or(true)
    }

    /// True if every thread has finished and every store buffer is empty.
    pub fn finished(&self, prog: &Program) -> bool {
        let drained = self.mem.model().drained();
        self.fault.is_none() && drained && (0..self.threads.len()).all(|t| self.done(prog, t))
    }

    /// The observed values, in the program's `observe` order.
    pub fn outcome(&self, prog: &Program) -> Outcome {
        Outcome(
            prog.observe
                .iter()
                .map(|(label, o)| {
                    let value = match o {
                        Observed::Var(v) => self.mem.latest(*v),
                        Observed::Reg { thread, slot } => self
                            .threads
                            .get(*thread)
                            .and_then(|t| t.slots.get(*slot))
                            .copied()
                            .unwrap_or(0),
                    };
                    (label.clone(), value)
                })
                .collect(),
        )
    }
}
