//! What may happen next in a state, and what happens when it does.
//!
//! These are plain functions over [`State`] so that the explorer can run them on millions of
//! states without the undo history that [`super::Machine`] keeps.

use super::ast::Order;
use super::choice::Choice;
use super::model::Target;
use super::program::{Instr, Program, RmwOp, Val};
use super::state::{Fault, FaultKind, State};

/// Where a run stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RunStatus {
    /// Some thread can still step.
    Running,
    /// Every thread finished (and every store buffer drained).
    Finished,
    /// Every thread finished, but `final assert` number `check` is false.
    FinalFailed {
        /// Index into [`Program::finals`].
        check: usize,
    },
    /// A thread failed an assertion or hit a runtime error.
    Failed {
        /// What went wrong.
        kind: FaultKind,
        /// The thread.
        thread: usize,
        /// Its step index.
        pc: usize,
    },
    /// Threads are left but none can move, and none sleeps on a condition variable.
    Deadlock,
    /// Threads are left but none can move, and one sleeps on a condition variable that no one
    /// will notify (only a spurious wakeup could save it).
    LostWakeup,
}

/// Every choice possible in `st`, threads in order.
pub fn choices(prog: &Program, st: &State) -> Vec<Choice> {
    let mut out = Vec::new();
    if st.fault.is_some() {
        return out;
    }
    for t in 0..st.threads.len() {
        thread_choices(prog, st, t, &mut out);
        if st.mem.model().can_flush(t) {
            out.push(Choice::Flush { thread: t });
        }
    }
    out
}

/// The choices that run thread `t`'s next step (several where the memory model offers
/// alternatives).
fn thread_choices(prog: &Program, st: &State, t: usize, out: &mut Vec<Choice>) {
    let th = &st.threads[t];
    if th.waiting.is_some() {
        if prog.spurious_wakeups {
            out.push(Choice::Wake { thread: t });
        }
        return;
    }
    let Some(step) = prog.threads[t].steps.get(th.pc) else {
        return;
    };
    let mem = st.mem.model();
    let mut alt = |alt| out.push(Choice::Step { thread: t, alt });
    match &step.instr {
        Instr::Lock { mutex } | Instr::Reacquire { mutex } => {
            if st.owners[*mutex].is_none() {
                alt(0);
            }
        }
        Instr::SemWait { sem } => {
            if st.sems[*sem] > 0 {
                alt(0);
            }
        }
        Instr::Load { var, order, .. } => mem.load_alts(t, *var, *order, &mut alt),
        Instr::Store { var, order, .. } => mem.store_alts(t, *var, *order, &mut alt),
        Instr::Rmw {
            var, rmw, order, ..
        } => {
            let op = |old| rmw.apply(old, &th.slots);
            mem.rmw_alts(t, *var, *order, &op, &mut alt);
        }
        _ => alt(0),
    }
}

/// The state's status; see [`RunStatus`].
pub fn status(prog: &Program, st: &State) -> RunStatus {
    status_given(prog, st, &choices(prog, st))
}

/// [`status`] when the state's [`choices`] are already known.
pub fn status_given(prog: &Program, st: &State, moves: &[Choice]) -> RunStatus {
    if let Some(f) = st.fault {
        return RunStatus::Failed {
            kind: f.kind,
            thread: f.thread,
            pc: f.pc,
        };
    }
    if st.finished(prog) {
        let slots = final_values(prog, st);
        for (check, f) in prog.finals.iter().enumerate() {
            if !matches!(f.cond.eval(&slots), Ok(v) if v != 0) {
                return RunStatus::FinalFailed { check };
            }
        }
        return RunStatus::Finished;
    }
    if moves.iter().any(|c| !matches!(c, Choice::Wake { .. })) {
        RunStatus::Running
    } else if st.threads.iter().any(|t| t.waiting.is_some()) {
        RunStatus::LostWakeup
    } else {
        RunStatus::Deadlock
    }
}

/// The values a `final assert` sees: shared variables, then every register.
pub fn final_values(prog: &Program, st: &State) -> Vec<i64> {
    let mut v: Vec<i64> = (0..prog.vars.len()).map(|i| st.mem.latest(i)).collect();
    for (code, th) in prog.threads.iter().zip(&st.threads) {
        v.extend_from_slice(&th.slots[..code.registers]);
    }
    v
}

/// Applies `c` if it is one of [`choices`]; anything else leaves `st` unchanged and returns
/// `false`.
pub fn apply(prog: &Program, st: &mut State, c: Choice) -> bool {
    let ok = choices(prog, st).contains(&c);
    if ok {
        apply_unchecked(prog, st, c);
    }
    ok
}

/// Applies `c`, which the caller took from [`choices`] for this very state.
pub(crate) fn apply_unchecked(prog: &Program, st: &mut State, c: Choice) {
    match c {
        Choice::Flush { thread } => st.mem.model_mut().flush(thread),
        Choice::Wake { thread } => {
            if let Some(c) = st.threads.get(thread).and_then(|t| t.waiting) {
                st.waiters[c].retain(|&w| w != thread);
                st.threads[thread].waiting = None;
            }
        }
        Choice::Step { thread, alt } => {
            if thread < st.threads.len() {
                step(prog, st, thread, alt);
            }
        }
    }
}

/// What a step does to its thread's program counter.
enum Next {
    /// Go on to the next step.
    On,
    /// Go to this step.
    Jump(usize),
    /// Stay: the step could not run (a lock or semaphore that is taken).
    Blocked,
    /// The thread fails here.
    Fault(FaultKind),
}

/// Runs thread `t`'s next step; `alt` as in [`Choice::Step`].
fn step(prog: &Program, st: &mut State, t: usize, alt: usize) {
    let code = &prog.threads[t];
    let pc = st.threads[t].pc;
    let Some(stp) = code.steps.get(pc) else {
        return;
    };
    let next = match run(st, t, alt, &stp.instr) {
        Next::On => pc + 1,
        Next::Jump(target) => target,
        Next::Blocked => return,
        Next::Fault(kind) => {
            st.fault = Some(Fault {
                kind,
                thread: t,
                pc,
            });
            return;
        }
    };
    let th = &mut st.threads[t];
    th.pc = next;
    // Temporaries only live within a statement; clearing them lets equal states meet.
    if code.steps.get(next).map(|s| s.stmt) != Some(stp.stmt) {
        th.slots[code.registers..].iter_mut().for_each(|s| *s = 0);
    }
}

/// Runs one instruction for thread `t`.
fn run(st: &mut State, t: usize, alt: usize, instr: &Instr) -> Next {
    match instr {
        Instr::Load { var, dst, order } => {
            st.threads[t].slots[*dst] = st.mem.model_mut().load(t, *var, alt, *order);
            Next::On
        }
        Instr::Store { var, value, order } => match eval(st, t, value) {
            Ok(v) => {
                st.mem.model_mut().store(t, *var, alt, v, *order);
                Next::On
            }
            Err(fault) => fault,
        },
        Instr::Rmw {
            var,
            rmw,
            dst,
            order,
        } => rmw_step(st, t, alt, *var, rmw, *dst, *order),
        Instr::Fence { order } => {
            st.mem.model_mut().fence(t, *order);
            Next::On
        }
        Instr::Local { dst, value } => match eval(st, t, value) {
            Ok(v) => {
                st.threads[t].slots[*dst] = v;
                Next::On
            }
            Err(fault) => fault,
        },
        Instr::Branch { cond, target } => match eval(st, t, cond) {
            Ok(0) => Next::Jump(*target),
            Ok(_) => Next::On,
            Err(fault) => fault,
        },
        Instr::Jump { target } => Next::Jump(*target),
        Instr::Assert { cond } => match eval(st, t, cond) {
            Ok(0) => Next::Fault(FaultKind::Assert),
            Ok(_) => Next::On,
            Err(fault) => fault,
        },
        Instr::Lock { mutex } | Instr::Reacquire { mutex } => lock(st, t, *mutex),
        Instr::Unlock { mutex } => unlock(st, t, *mutex),
        Instr::SemWait { sem } => sem_wait(st, t, *sem),
        Instr::SemSignal { sem } => {
            st.sems[*sem] = st.sems[*sem].saturating_add(1);
            st.mem.model_mut().release(t, Target::Sem(*sem));
            Next::On
        }
        Instr::CondWait { cond, mutex } => cond_wait(st, t, *cond, *mutex),
        Instr::Notify { cond, all } => notify(st, t, *cond, *all),
    }
}

/// A value from thread `t`'s slots, or the fault of dividing by zero.
fn eval(st: &State, t: usize, v: &Val) -> Result<i64, Next> {
    v.eval(&st.threads[t].slots)
        .map_err(|_| Next::Fault(FaultKind::DivByZero))
}

/// A read-modify-write: the old value goes to the destination register, if any.
fn rmw_step(
    st: &mut State,
    t: usize,
    alt: usize,
    var: usize,
    rmw: &RmwOp,
    dst: Option<usize>,
    order: Order,
) -> Next {
    let slots = st.threads[t].slots.clone();
    let op = |old| rmw.apply(old, &slots);
    let Ok(old) = st.mem.model_mut().rmw(t, var, alt, order, &op) else {
        return Next::Fault(FaultKind::DivByZero);
    };
    if let Some(d) = dst {
        st.threads[t].slots[d] = old;
    }
    Next::On
}

fn lock(st: &mut State, t: usize, mutex: usize) -> Next {
    if st.owners[mutex].is_some() {
        return Next::Blocked;
    }
    st.owners[mutex] = Some(t);
    st.mem.model_mut().acquire(t, Target::Mutex(mutex));
    Next::On
}

fn unlock(st: &mut State, t: usize, mutex: usize) -> Next {
    if st.owners[mutex] != Some(t) {
        return Next::Fault(FaultKind::UnlockNotHeld);
    }
    st.owners[mutex] = None;
    st.mem.model_mut().release(t, Target::Mutex(mutex));
    Next::On
}

fn sem_wait(st: &mut State, t: usize, sem: usize) -> Next {
    if st.sems[sem] <= 0 {
        return Next::Blocked;
    }
    st.sems[sem] -= 1;
    st.mem.model_mut().acquire(t, Target::Sem(sem));
    Next::On
}

/// The first half of `c.wait(m)`: release `m` and sleep on `c`.
fn cond_wait(st: &mut State, t: usize, cond: usize, mutex: usize) -> Next {
    if st.owners[mutex] != Some(t) {
        return Next::Fault(FaultKind::WaitWithoutMutex);
    }
    st.owners[mutex] = None;
    st.mem.model_mut().release(t, Target::Mutex(mutex));
    st.threads[t].waiting = Some(cond);
    st.waiters[cond].push(t);
    Next::On
}

/// Wakes the longest sleeper on `cond`, or all of them.
fn notify(st: &mut State, t: usize, cond: usize, all: bool) -> Next {
    st.mem.model_mut().notify(t);
    let woken: Vec<usize> = if all {
        std::mem::take(&mut st.waiters[cond])
    } else if st.waiters[cond].is_empty() {
        Vec::new()
    } else {
        vec![st.waiters[cond].remove(0)]
    };
    for w in woken {
        st.threads[w].waiting = None;
    }
    Next::On
}

/// Runs every thread's local steps (those that touch only its own registers) at once, since
/// when they run cannot change any outcome; pushes the choices made onto `out`.
///
/// A backward jump is left as a scheduling point so that a loop on registers alone cannot spin
/// here forever: the explorer's state cache sees it return to an earlier state instead.
pub fn settle(prog: &Program, st: &mut State, out: &mut Vec<Choice>) {
    for t in 0..st.threads.len() {
        loop {
            if st.fault.is_some() {
                return;
            }
            if st.threads[t].waiting.is_some() {
                break;
            }
            let pc = st.threads[t].pc;
            let Some(s) = prog.threads[t].steps.get(pc) else {
                break;
            };
            let backward = matches!(s.instr, Instr::Jump { target } if target <= pc);
            if !s.instr.is_local() || backward {
                break;
            }
            apply_unchecked(prog, st, Choice::step(t));
            out.push(Choice::step(t));
        }
    }
}
