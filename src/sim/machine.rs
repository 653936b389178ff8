//! The manual scheduler: a program under a model that the learner steps by hand, with undo.

use super::choice::{encode_schedule, Choice};
use super::describe::{self, ChoiceText, StepText};
use super::exec::{self, RunStatus};
use super::model::TsoMemory;
use super::program::{Instr, Program};
use super::state::{Memory, Model, Outcome, State};

/// A choice that cannot be made in the current state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepError {
    /// The choice refused.
    pub choice: Choice,
    /// Why.
    pub reason: Refusal,
}

/// Why a choice cannot be made now: what the stepper shows under a thread that cannot move.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The program has no thread with this number.
    NoThread {
        /// The number asked for.
        thread: usize,
    },
    /// The run has already failed.
    RunFailed,
    /// TSO: nothing to flush.
    BufferEmpty {
        /// The thread.
        thread: String,
    },
    /// A spurious wakeup for a thread that does not sleep.
    NotWaiting {
        /// The thread.
        thread: String,
    },
    /// A spurious wakeup without `option spurious_wakeups`.
    SpuriousWakeupsOff,
    /// The thread sleeps on a condition variable.
    Sleeping {
        /// The thread.
        thread: String,
        /// The condition variable.
        cond: String,
    },
    /// The thread has run all its steps.
    Finished {
        /// The thread.
        thread: String,
    },
    /// The thread waits for a mutex another thread holds.
    WaitsForMutex {
        /// The thread.
        thread: String,
        /// The mutex.
        mutex: String,
        /// The thread holding it.
        holder: String,
    },
    /// The thread waits for a semaphore at 0.
    WaitsForSemaphore {
        /// The thread.
        thread: String,
        /// The semaphore.
        sem: String,
    },
    /// The step exists but has no such alternative.
    NoSuchAlternative {
        /// The thread.
        thread: String,
        /// The choice asked for.
        choice: Choice,
    },
}

impl std::error::Error for StepError {}

/// A program being run one choice at a time.
///
/// ```
/// use queue_playground::sim::{parse, Choice, Machine, Model};
/// let prog = parse("shared x = 0\nthread A { x = x + 1 }\nthread B { x = x + 1 }").unwrap();
/// let mut m = Machine::new(&prog, Model::Sc);
/// // Both threads load 0 before either stores: one increment is lost.
/// for t in [0, 1, 0, 1] {
///     m.step(Choice::step(t)).unwrap();
/// }
/// assert_eq!(m.outcome().to_string(), "x=1");
/// m.undo();
/// assert_eq!(m.schedule().len(), 3);
/// ```
#[derive(Clone, Debug)]
pub struct Machine {
    prog: Program,
    model: Model,
    state: State,
    history: Vec<(Choice, State)>,
}

impl Machine {
    /// A machine at the start of `prog`.
    pub fn new(prog: &Program, model: Model) -> Machine {
        Machine {
            prog: prog.clone(),
            model,
            state: State::initial(prog, model),
            history: Vec::new(),
        }
    }

    /// A machine that has taken `schedule` from the start; fails at the first refused choice,
    /// giving its index.
    pub fn replay(
        prog: &Program,
        model: Model,
        schedule: &[Choice],
    ) -> Result<Machine, (usize, StepError)> {
        let mut m = Machine::new(prog, model);
        for (i, c) in schedule.iter().enumerate() {
            m.step(*c).map_err(|e| (i, e))?;
        }
        Ok(m)
    }

    /// The program.
    pub fn program(&self) -> &Program {
        &self.prog
    }

    /// The memory model.
    pub fn model(&self) -> Model {
        self.model
    }

    /// The current state.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Every choice that can be made now.
    pub fn enabled(&self) -> Vec<Choice> {
        exec::choices(&self.prog, &self.state)
    }

    /// Where the run stands.
    pub fn status(&self) -> RunStatus {
        exec::status(&self.prog, &self.state)
    }

    /// The observed values now (the final outcome once the run has finished).
    pub fn outcome(&self) -> Outcome {
        self.state.outcome(&self.prog)
    }

    /// The choices made so far.
    pub fn schedule(&self) -> Vec<Choice> {
        self.history.iter().map(|(c, _)| *c).collect()
    }

    /// Makes one choice.
    pub fn step(&mut self, choice: Choice) -> Result<(), StepError> {
        if !self.enabled().contains(&choice) {
            return Err(StepError {
                choice,
                reason: self.why_not(choice),
            });
        }
        let before = self.state.clone();
        exec::apply_unchecked(&self.prog, &mut self.state, choice);
        self.history.push((choice, before));
        Ok(())
    }

    /// Runs thread `thread` to the end of its current statement (or until it blocks or loops
    /// back), taking the newest value for every load; returns how many steps ran.
    pub fn step_statement(&mut self, thread: usize) -> Result<usize, StepError> {
        let mut taken = 0;
        let start = self.current_stmt(thread);
        loop {
            let pc = self.state.threads.get(thread).map(|t| t.pc);
            let pick = self
                .enabled()
                .into_iter()
                .rfind(|c| matches!(c, Choice::Step { thread: t, .. } if *t == thread));
            let Some(choice) = pick else {
                if taken == 0 {
                    let choice = Choice::step(thread);
                    return Err(StepError {
                        choice,
                        reason: self.why_not(choice),
                    });
                }
                return Ok(taken);
            };
            self.step(choice)?;
            taken += 1;
            let new_pc = self.state.threads.get(thread).map(|t| t.pc);
            let looped_back = taken > 1 && new_pc < pc;
            if self.current_stmt(thread) != start
                || looped_back
                || self.state.fault.is_some()
                || self.state.threads[thread].waiting.is_some()
            {
                return Ok(taken);
            }
        }
    }

    fn current_stmt(&self, thread: usize) -> Option<usize> {
        let pc = self.state.threads.get(thread)?.pc;
        Some(self.prog.threads.get(thread)?.steps.get(pc)?.stmt)
    }

    /// Takes back the last choice; returns it, or `None` at the start.
    pub fn undo(&mut self) -> Option<Choice> {
        let (choice, before) = self.history.pop()?;
        self.state = before;
        Some(choice)
    }

    /// Goes back to the start.
    pub fn reset(&mut self) {
        self.state = State::initial(&self.prog, self.model);
        self.history.clear();
    }

    /// Why `choice` cannot be made now (meaningful only when it is not enabled).
    pub fn why_not(&self, choice: Choice) -> Refusal {
        let t = choice.thread();
        let Some(th) = self.state.threads.get(t) else {
            return Refusal::NoThread { thread: t };
        };
        if self.state.fault.is_some() {
            return Refusal::RunFailed;
        }
        let thread = self.prog.threads[t].name.clone();
        match choice {
            Choice::Flush { .. } => Refusal::BufferEmpty { thread },
            Choice::Wake { .. } if th.waiting.is_none() => Refusal::NotWaiting { thread },
            Choice::Wake { .. } => Refusal::SpuriousWakeupsOff,
            Choice::Step { .. } => {
                if let Some(c) = th.waiting {
                    let cond = self.prog.condvars[c].clone();
                    return Refusal::Sleeping { thread, cond };
                }
                match self.prog.threads[t].steps.get(th.pc).map(|s| &s.instr) {
                    None => Refusal::Finished { thread },
                    Some(Instr::Lock { mutex } | Instr::Reacquire { mutex }) => {
                        let holder = self.state.owners[*mutex]
                            .map(|o| self.prog.threads[o].name.clone())
                            .unwrap_or_default();
                        let mutex = self.prog.mutexes[*mutex].clone();
                        Refusal::WaitsForMutex {
                            thread,
                            mutex,
                            holder,
                        }
                    }
                    Some(Instr::SemWait { sem }) => {
                        let sem = self.prog.semaphores[*sem].0.clone();
                        Refusal::WaitsForSemaphore { thread, sem }
                    }
                    Some(_) => Refusal::NoSuchAlternative { thread, choice },
                }
            }
        }
    }

    /// Says what `choice` would do, for a button's label or a schedule listing; `None` if it
    /// would do nothing.
    pub fn describe(&self, choice: Choice) -> Option<ChoiceText> {
        describe::choice(&self.prog, &self.state, choice)
    }

    /// Everything the lab view shows.
    pub fn view(&self) -> MachineView {
        let prog = &self.prog;
        let st = &self.state;
        let enabled = self.enabled();
        let threads = (0..prog.threads.len())
            .map(|t| self.thread_view(t, &enabled))
            .collect();
        let shared = prog
            .vars
            .iter()
            .enumerate()
            .map(|(i, (name, _))| VarView {
                name: name.clone(),
                value: st.mem.in_memory(i),
                writes: match &st.mem {
                    Memory::Ra(ra) => ra.locs[i].iter().map(|m| m.value).collect(),
                    _ => Vec::new(),
                },
            })
            .collect();
        MachineView {
            model: self.model,
            status: self.status(),
            threads,
            shared,
            mutexes: prog
                .mutexes
                .iter()
                .cloned()
                .zip(st.owners.clone())
                .collect(),
            semaphores: prog
                .semaphores
                .iter()
                .zip(&st.sems)
                .map(|(s, c)| (s.0.clone(), *c))
                .collect(),
            condvars: prog
                .condvars
                .iter()
                .cloned()
                .zip(st.waiters.clone())
                .collect(),
            enabled: enabled
                .into_iter()
                .filter_map(|choice| {
                    let text = self.describe(choice)?;
                    Some(ChoiceView { choice, text })
                })
                .collect(),
            schedule: encode_schedule(&self.schedule()),
        }
    }

    /// Thread `t` as its column shows it; `enabled` are the choices possible now.
    fn thread_view(&self, t: usize, enabled: &[Choice]) -> ThreadView {
        let (prog, st) = (&self.prog, &self.state);
        let (code, th) = (&prog.threads[t], &st.threads[t]);
        let step = code.steps.get(th.pc);
        let regs =
            |r: std::ops::Range<usize>| r.map(|i| (code.slots[i].clone(), th.slots[i])).collect();
        let run = if th.pc >= code.steps.len() {
            ThreadRun::Done
        } else if th.waiting.is_some() {
            ThreadRun::Waiting
        } else if enabled
            .iter()
            .any(|c| matches!(c, Choice::Step { thread, .. } if *thread == t))
        {
            ThreadRun::Ready
        } else {
            ThreadRun::Blocked
        };
        let store_buffer = match &st.mem {
            Memory::Tso(TsoMemory { buffers, .. }) => buffers[t]
                .iter()
                .map(|(v, x)| (prog.vars[*v].0.clone(), *x))
                .collect(),
            _ => Vec::new(),
        };
        let view = match &st.mem {
            Memory::Ra(ra) => Some(ra.threads[t].cur.clone()),
            _ => None,
        };
        ThreadView {
            name: code.name.clone(),
            pc: th.pc,
            stmt: step.map(|s| s.stmt),
            line: step
                .and_then(|s| code.statements.get(s.stmt))
                .map(|s| s.line),
            next: step.map(|s| s.text.clone()),
            registers: regs(0..code.registers),
            temps: regs(code.registers..code.slots.len()),
            run,
            store_buffer,
            view,
        }
    }
}

/// How a thread stands, for colouring its column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThreadRun {
    /// Its next step can run.
    Ready,
    /// Its next step waits for a mutex or semaphore.
    Blocked,
    /// It sleeps on a condition variable.
    Waiting,
    /// It has run all its steps.
    Done,
}

/// One thread in the lab view.
#[derive(Clone, Debug)]
pub struct ThreadView {
    /// Its name.
    pub name: String,
    /// Its next step's index.
    pub pc: usize,
    /// The statement its next step belongs to (`None` when done).
    pub stmt: Option<usize>,
    /// That statement's source line.
    pub line: Option<u32>,
    /// What its next step does.
    pub next: Option<StepText>,
    /// Its registers.
    pub registers: Vec<(String, i64)>,
    /// Its temporaries (values of a statement in progress).
    pub temps: Vec<(String, i64)>,
    /// Whether it can run.
    pub run: ThreadRun,
    /// TSO: its store buffer, oldest first.
    pub store_buffer: Vec<(String, i64)>,
    /// Release/acquire: per variable, the position of the newest write it has seen.
    pub view: Option<Vec<u32>>,
}

/// One shared variable in the lab view.
#[derive(Clone, Debug)]
pub struct VarView {
    /// Its name.
    pub name: String,
    /// Its value in memory (under release/acquire, the newest write).
    pub value: i64,
    /// Release/acquire: every write to it in modification order.
    pub writes: Vec<i64>,
}

/// A choice and what it does.
#[derive(Clone, Debug)]
pub struct ChoiceView {
    /// The choice.
    pub choice: Choice,
    /// What it does.
    pub text: ChoiceText,
}

/// Everything the lab view shows about a machine, ready to send to the page.
#[derive(Clone, Debug)]
pub struct MachineView {
    /// The memory model.
    pub model: Model,
    /// Where the run stands.
    pub status: RunStatus,
    /// Per thread.
    pub threads: Vec<ThreadView>,
    /// Per shared variable.
    pub shared: Vec<VarView>,
    /// Per mutex: name and holder.
    pub mutexes: Vec<(String, Option<usize>)>,
    /// Per semaphore: name and count.
    pub semaphores: Vec<(String, i64)>,
    /// Per condition variable: name and sleeping threads.
    pub condvars: Vec<(String, Vec<usize>)>,
    /// The choices possible now.
    pub enabled: Vec<ChoiceView>,
    /// The schedule so far, encoded.
    pub schedule: String,
}
