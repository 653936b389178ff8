//! What may happen next in a state, and what happens when it does.
//!
//! These are plain functions over [`State`] so that the explorer can run them on millions of
//! states without the undo history that [`super::Machine`] keeps.

use super::ast::Order;
use super::choice::Choice;
use super::program::{DivByZero, Instr, Program, RmwOp};
use super::ra::{Target, Write};
use super::state::{Fault, FaultKind, Memory, State};

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
        if let Memory::Tso { buffers, .. } = &st.mem {
            if buffers.get(t).is_some_and(|b| !b.is_empty()) {
                out.push(Choice::Flush { thread: t });
            }
        }
    }
    out
}

/// The choices that run thread `t`'s next step (several under release/acquire).
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
    let alts = |alts: &mut dyn Iterator<Item = usize>, out: &mut Vec<Choice>| {
        out.extend(alts.map(|alt| Choice::Step { thread: t, alt }));
    };
    match (&step.instr, &st.mem) {
        (Instr::Lock { mutex } | Instr::Reacquire { mutex }, _) => {
            if st.owners[*mutex].is_none() {
                out.push(Choice::step(t));
            }
        }
        (Instr::SemWait { sem }, _) => {
            if st.sems[*sem] > 0 {
                out.push(Choice::step(t));
            }
        }
        (Instr::Load { var, order, .. }, Memory::Ra(ra)) => {
            alts(&mut ra.readable(t, *var, *order), out);
        }
        (Instr::Store { var, order, .. }, Memory::Ra(ra)) => {
            alts(&mut ra.writable(t, *var, *order).into_iter(), out);
        }
        (
            Instr::Rmw {
                var, rmw, order, ..
            },
            Memory::Ra(ra),
        ) => {
            let ok_for_rmw = ra.rmw_readable(t, *var, *order);
            // A failing compare-exchange is only a load, so it may read any visible message.
            let fits = |p: &usize| {
                let old = ra.locs[*var][*p].value;
                ok_for_rmw.contains(p) || matches!(rmw.apply(old, &th.slots), Ok(None))
            };
            alts(&mut ra.readable(t, *var, *order).filter(fits), out);
        }
        _ => out.push(Choice::step(t)),
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
        Choice::Flush { thread } => {
            if let Memory::Tso { mem, buffers } = &mut st.mem {
                if let Some(b) = buffers.get_mut(thread) {
                    if !b.is_empty() {
                        let (var, value) = b.remove(0);
                        mem[var] = value;
                    }
                }
            }
        }
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

/// Runs thread `t`'s next step; `alt` as in [`Choice::Step`].
fn step(prog: &Program, st: &mut State, t: usize, alt: usize) {
    let code = &prog.threads[t];
    let pc = st.threads[t].pc;
    let Some(stp) = code.steps.get(pc) else {
        return;
    };
    let fault = |st: &mut State, kind| {
        st.fault = Some(Fault {
            kind,
            thread: t,
            pc,
        })
    };
    let mut next = pc + 1;
    match &stp.instr {
        Instr::Load { var, dst, order } => {
            let value = match &mut st.mem {
                Memory::Sc(mem) => mem[*var],
                Memory::Tso { mem, buffers } => buffers[t]
                    .iter()
                    .rev()
                    .find(|(v, _)| v == var)
                    .map(|(_, value)| *value)
                    .unwrap_or(mem[*var]),
                Memory::Ra(ra) => {
                    ra.sc_before(t, *order);
                    let v = ra.read(t, *var, alt, order.acquires());
                    ra.sc_after(t, *order);
                    v
                }
            };
            st.threads[t].slots[*dst] = value;
        }
        Instr::Store { var, value, order } => {
            let Ok(value) = value.eval(&st.threads[t].slots) else {
                return fault(st, FaultKind::DivByZero);
            };
            match &mut st.mem {
                Memory::Sc(mem) => mem[*var] = value,
                Memory::Tso { mem, buffers } => {
                    // A seq_cst store compiles to a locked `xchg` on x86: it drains the buffer.
                    buffers[t].push((*var, value));
                    if *order == Order::SeqCst {
                        drain(mem, &mut buffers[t]);
                    }
                }
                Memory::Ra(ra) => {
                    ra.sc_before(t, *order);
                    let w = Write {
                        value,
                        release: order.releases(),
                        rmw: false,
                        extra: None,
                    };
                    ra.write(t, *var, alt, w);
                    ra.sc_after(t, *order);
                }
            }
        }
        Instr::Rmw {
            var,
            rmw,
            dst,
            order,
        } => {
            let slots = st.threads[t].slots.clone();
            let Ok(old) = rmw_apply(st, t, *var, alt, rmw, &slots, *order) else {
                return fault(st, FaultKind::DivByZero);
            };
            if let Some(d) = dst {
                st.threads[t].slots[*d] = old;
            }
        }
        Instr::Fence { order } => match &mut st.mem {
            Memory::Sc(_) => {}
            Memory::Tso { mem, buffers } => {
                // Only a seq_cst fence is an `mfence`; acquire and release fences cost nothing
                // on x86 because TSO already gives them.
                if *order == Order::SeqCst {
                    drain(mem, &mut buffers[t]);
                }
            }
            Memory::Ra(ra) => ra.fence(
                t,
                order.acquires(),
                order.releases(),
                *order == Order::SeqCst,
            ),
        },
        Instr::Local { dst, value } => match value.eval(&st.threads[t].slots) {
            Ok(v) => st.threads[t].slots[*dst] = v,
            Err(_) => return fault(st, FaultKind::DivByZero),
        },
        Instr::Branch { cond, target } => match cond.eval(&st.threads[t].slots) {
            Ok(0) => next = *target,
            Ok(_) => {}
            Err(_) => return fault(st, FaultKind::DivByZero),
        },
        Instr::Jump { target } => next = *target,
        Instr::Assert { cond } => match cond.eval(&st.threads[t].slots) {
            Ok(0) => return fault(st, FaultKind::Assert),
            Ok(_) => {}
            Err(_) => return fault(st, FaultKind::DivByZero),
        },
        Instr::Lock { mutex } | Instr::Reacquire { mutex } => {
            if st.owners[*mutex].is_some() {
                return;
            }
            st.owners[*mutex] = Some(t);
            synchronise(st, t, Target::Mutex(*mutex), false);
        }
        Instr::Unlock { mutex } => {
            if st.owners[*mutex] != Some(t) {
                return fault(st, FaultKind::UnlockNotHeld);
            }
            st.owners[*mutex] = None;
            synchronise(st, t, Target::Mutex(*mutex), true);
        }
        Instr::SemWait { sem } => {
            if st.sems[*sem] <= 0 {
                return;
            }
            st.sems[*sem] -= 1;
            synchronise(st, t, Target::Sem(*sem), false);
        }
        Instr::SemSignal { sem } => {
            st.sems[*sem] = st.sems[*sem].saturating_add(1);
            synchronise(st, t, Target::Sem(*sem), true);
        }
        Instr::CondWait { cond, mutex } => {
            if st.owners[*mutex] != Some(t) {
                return fault(st, FaultKind::WaitWithoutMutex);
            }
            st.owners[*mutex] = None;
            synchronise(st, t, Target::Mutex(*mutex), true);
            st.threads[t].waiting = Some(*cond);
            st.waiters[*cond].push(t);
        }
        Instr::Notify { cond, all } => {
            synchronise_tso(st, t);
            let woken: Vec<usize> = if *all {
                std::mem::take(&mut st.waiters[*cond])
            } else if st.waiters[*cond].is_empty() {
                Vec::new()
            } else {
                vec![st.waiters[*cond].remove(0)]
            };
            for w in woken {
                st.threads[w].waiting = None;
            }
        }
    }
    let th = &mut st.threads[t];
    th.pc = next;
    // Temporaries only live within a statement; clearing them lets equal states meet.
    if code.steps.get(next).map(|s| s.stmt) != Some(stp.stmt) {
        th.slots[code.registers..].iter_mut().for_each(|s| *s = 0);
    }
}

/// A read-modify-write: returns the old value.
fn rmw_apply(
    st: &mut State,
    t: usize,
    var: usize,
    alt: usize,
    rmw: &RmwOp,
    slots: &[i64],
    order: Order,
) -> Result<i64, DivByZero> {
    match &mut st.mem {
        Memory::Sc(mem) => {
            let old = mem[var];
            if let Some(new) = rmw.apply(old, slots)? {
                mem[var] = new;
            }
            Ok(old)
        }
        Memory::Tso { mem, buffers } => {
            // Locked instructions drain the store buffer first.
            drain(mem, &mut buffers[t]);
            let old = mem[var];
            if let Some(new) = rmw.apply(old, slots)? {
                mem[var] = new;
            }
            Ok(old)
        }
        Memory::Ra(ra) => {
            let old = ra.locs[var].get(alt).map(|m| m.value).unwrap_or(0);
            let new = rmw.apply(old, slots)?;
            ra.sc_before(t, order);
            let extra = ra.msg_view(var, alt);
            ra.read(t, var, alt, order.acquires());
            if let Some(new) = new {
                let w = Write {
                    value: new,
                    release: order.releases(),
                    rmw: true,
                    extra: Some(extra),
                };
                ra.write(t, var, alt + 1, w);
            }
            ra.sc_after(t, order);
            Ok(old)
        }
    }
}

fn drain(mem: &mut [i64], buffer: &mut Vec<(usize, i64)>) {
    for (var, value) in buffer.drain(..) {
        mem[var] = value;
    }
}

/// Locks, semaphores and condition variables are full barriers under TSO (locked
/// instructions) and acquire or release their view under release/acquire.
fn synchronise(st: &mut State, t: usize, target: Target, release: bool) {
    synchronise_tso(st, t);
    if let Memory::Ra(ra) = &mut st.mem {
        if release {
            ra.release_into(t, target);
        } else {
            ra.acquire_from(t, target);
        }
    }
}

fn synchronise_tso(st: &mut State, t: usize) {
    if let Memory::Tso { mem, buffers } = &mut st.mem {
        drain(mem, &mut buffers[t]);
    }
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
