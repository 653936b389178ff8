//! The complete state of a run: every thread, every lock, and memory under the chosen model.
//!
//! It derives `Hash` and `Eq` because the explorer caches states: two schedules that reach an
//! equal state share everything after it.

pub use super::model::Memory;
use super::model::{copy_into, RaMemory, ScMemory, TsoMemory};
use super::program::{Observed, Program};

/// Which memory model shared variables follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Model {
    /// Sequential consistency: one memory, every write seen by all at once.
    Sc,
    /// Total store order (x86): each thread's stores wait in a FIFO store buffer.
    Tso,
    /// C11-style release/acquire and relaxed atomics (operational, with views).
    Ra,
}

impl Model {
    /// All models, in the order a menu lists them.
    pub const ALL: [Model; 3] = [Model::Sc, Model::Tso, Model::Ra];

    /// The short name used by the command line and URLs: `sc`, `tso`, `ra`.
    pub fn name(self) -> &'static str {
        match self {
            Model::Sc => "sc",
            Model::Tso => "tso",
            Model::Ra => "ra",
        }
    }

    /// Reads a model name; also accepts a few long forms.
    pub fn from_name(name: &str) -> Option<Model> {
        match name.to_ascii_lowercase().as_str() {
            "sc" | "seq_cst" | "sequential" => Some(Model::Sc),
            "tso" | "x86" => Some(Model::Tso),
            "ra" | "c11" | "relaxed" | "release_acquire" | "release-acquire" => Some(Model::Ra),
            _ => None,
        }
    }
}

/// Why a thread stopped the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FaultKind {
    /// An `assert` was false.
    Assert,
    /// Division or remainder by zero.
    DivByZero,
    /// `m.unlock()` by a thread that does not hold `m`.
    UnlockNotHeld,
    /// `c.wait(m)` by a thread that does not hold `m`.
    WaitWithoutMutex,
}

/// A thread that failed, and at which step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Fault {
    /// What went wrong.
    pub kind: FaultKind,
    /// The thread.
    pub thread: usize,
    /// Its program counter (step index) at the failure.
    pub pc: usize,
}

/// One thread's state.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct ThreadState {
    /// The index of its next step; equal to the number of steps when finished.
    pub pc: usize,
    /// Its registers then its temporaries.
    pub slots: Vec<i64>,
    /// The condition variable it sleeps on, if any.
    pub waiting: Option<usize>,
}

/// Everything about a run at one moment.
#[derive(Debug, PartialEq, Eq, Hash)]
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

// `clone_from` reuses the vectors already there: the explorer copies a state once per
// transition into the same scratch state, and allocating a dozen vectors each time was a third
// of its time.
impl Clone for ThreadState {
    fn clone(&self) -> ThreadState {
        ThreadState {
            pc: self.pc,
            slots: self.slots.clone(),
            waiting: self.waiting,
        }
    }

    fn clone_from(&mut self, src: &ThreadState) {
        self.pc = src.pc;
        copy_into(&mut self.slots, &src.slots);
        self.waiting = src.waiting;
    }
}

impl Clone for State {
    fn clone(&self) -> State {
        State {
            threads: self.threads.clone(),
            owners: self.owners.clone(),
            sems: self.sems.clone(),
            waiters: self.waiters.clone(),
            mem: self.mem.clone(),
            fault: self.fault,
        }
    }

    fn clone_from(&mut self, src: &State) {
        self.threads.clone_from(&src.threads);
        copy_into(&mut self.owners, &src.owners);
        copy_into(&mut self.sems, &src.sems);
        self.waiters.clone_from(&src.waiters);
        self.mem.clone_from(&src.mem);
        self.fault = src.fault;
    }
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

/// The observed values at the end of a run: shared variables and registers, by label.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Outcome(pub Vec<(String, i64)>);

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|(k, v)| format!("{k}={v}")).collect();
        write!(f, "{}", parts.join(" "))
    }
}
