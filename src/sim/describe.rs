//! What an atomic step, and a scheduling choice, does: data for the code columns and the
//! stepper's buttons, such as "load `count` into `tmp1`".
//!
//! Each is a kind plus the names and code it mentions (variables, registers, expressions as
//! written). [`super::english`] writes them as English; the page writes them in the reader's
//! language from their JSON.

use super::ast::Order;
use super::choice::Choice;
use super::model::TsoMemory;
use super::program::{Instr, Program, RmwOp};
use super::state::{Memory, State};
pub use super::step_text::StepText;

/// Describes `instr`, naming objects from `prog` and slots from `slots`.
///
/// `prog` may be only partly built (its threads not yet compiled): only its declarations are
/// read.
pub fn step(instr: &Instr, prog: &Program, slots: &[String]) -> StepText {
    let slot = |i: usize| slots.get(i).cloned().unwrap_or_else(|| "?".into());
    let val = |v: &super::program::Val| v.render(slots);
    let var = |i: usize| name(prog.vars.get(i).map(|v| &v.0));
    let mutex = |i: usize| name(prog.mutexes.get(i));
    let sem = |i: usize| name(prog.semaphores.get(i).map(|s| &s.0));
    let cond = |i: usize| name(prog.condvars.get(i));
    match instr {
        Instr::Load { var: v, dst, order } => StepText::Load {
            var: var(*v),
            dst: slot(*dst),
            order: *order,
        },
        Instr::Store {
            var: v,
            value,
            order,
        } => StepText::Store {
            var: var(*v),
            value: val(value),
            order: *order,
        },
        Instr::Rmw {
            var: v,
            rmw,
            dst,
            order,
        } => rmw_text(rmw, var(*v), dst.map(slot), *order, val),
        Instr::Fence { order } => StepText::Fence { order: *order },
        Instr::Local { dst, value } => StepText::Local {
            dst: slot(*dst),
            value: val(value),
        },
        Instr::Branch { cond: c, .. } => StepText::Test { cond: val(c) },
        Instr::Jump { .. } => StepText::Jump,
        Instr::Assert { cond: c } => StepText::Assert { cond: val(c) },
        Instr::Lock { mutex: m } => StepText::Lock { mutex: mutex(*m) },
        Instr::Unlock { mutex: m } => StepText::Unlock { mutex: mutex(*m) },
        Instr::SemWait { sem: s } => StepText::SemWait { sem: sem(*s) },
        Instr::SemSignal { sem: s } => StepText::SemSignal { sem: sem(*s) },
        Instr::CondWait { cond: c, mutex: m } => StepText::CondWait {
            cond: cond(*c),
            mutex: mutex(*m),
        },
        Instr::Reacquire { mutex: m } => StepText::Reacquire { mutex: mutex(*m) },
        Instr::Notify {
            cond: c,
            all: false,
        } => StepText::NotifyOne { cond: cond(*c) },
        Instr::Notify { cond: c, all: true } => StepText::NotifyAll { cond: cond(*c) },
    }
}

/// A read-modify-write step: its operation, variable, the register its old value goes into.
fn rmw_text(
    rmw: &RmwOp,
    var: String,
    old_into: Option<String>,
    order: Order,
    val: impl Fn(&super::program::Val) -> String,
) -> StepText {
    match rmw {
        RmwOp::Swap(x) => StepText::Swap {
            var,
            value: val(x),
            old_into,
            order,
        },
        RmwOp::FetchAdd(x) => StepText::FetchAdd {
            var,
            value: val(x),
            old_into,
            order,
        },
        RmwOp::Cas { expected, new } => StepText::Cas {
            var,
            expected: val(expected),
            new: val(new),
            old_into,
            order,
        },
    }
}

fn name(n: Option<&String>) -> String {
    n.cloned().unwrap_or_else(|| "?".into())
}

/// What a scheduling choice does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChoiceText {
    /// A thread runs its next step.
    Step {
        /// The thread's name.
        thread: String,
        /// The step.
        step: StepText,
        /// Release/acquire: which write it reads, or where its write goes.
        alt: Option<AltText>,
    },
    /// TSO: the oldest store in a thread's buffer reaches memory.
    Flush {
        /// The thread's name.
        thread: String,
        /// The variable written.
        var: String,
        /// The value written.
        value: i64,
    },
    /// A thread wakes from a condition variable wait without a notify.
    Wake {
        /// The thread's name.
        thread: String,
    },
}

/// Release/acquire: what a step's alternative picks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AltText {
    /// A load (or read-modify-write) reads write number `write` of `var`.
    Reads {
        /// The write's position in modification order (0 is the initial value).
        write: usize,
        /// The variable.
        var: String,
        /// The value it wrote.
        value: i64,
    },
    /// A store goes just before write number `write`.
    PlacedBefore {
        /// The write it goes before.
        write: usize,
        /// The variable.
        var: String,
    },
    /// A store goes after every write so far.
    PlacedLast {
        /// The variable.
        var: String,
    },
}

/// Says what `choice` would do in `st`, or `None` if it would do nothing (no such thread, a
/// finished thread, an empty store buffer).
pub fn choice(prog: &Program, st: &State, choice: Choice) -> Option<ChoiceText> {
    let t = choice.thread();
    let thread = prog.threads.get(t)?.name.clone();
    match choice {
        Choice::Flush { .. } => match &st.mem {
            Memory::Tso(TsoMemory { buffers, .. }) => {
                let (v, value) = *buffers.get(t)?.first()?;
                Some(ChoiceText::Flush {
                    thread,
                    var: prog.vars.get(v)?.0.clone(),
                    value,
                })
            }
            _ => None,
        },
        Choice::Wake { .. } => Some(ChoiceText::Wake { thread }),
        Choice::Step { alt, .. } => {
            let step = prog.threads[t].steps.get(st.threads.get(t)?.pc)?;
            Some(ChoiceText::Step {
                thread,
                step: step.text.clone(),
                alt: alt_text(prog, st, &step.instr, alt),
            })
        }
    }
}

/// Release/acquire: what alternative `alt` of `instr` picks.
fn alt_text(prog: &Program, st: &State, instr: &Instr, alt: usize) -> Option<AltText> {
    let Memory::Ra(ra) = &st.mem else {
        return None;
    };
    match instr {
        Instr::Load { var, .. } | Instr::Rmw { var, .. } => Some(AltText::Reads {
            write: alt,
            var: prog.vars[*var].0.clone(),
            value: ra.locs[*var].get(alt)?.value,
        }),
        Instr::Store { var, .. } if alt < ra.locs[*var].len() => Some(AltText::PlacedBefore {
            write: alt,
            var: prog.vars[*var].0.clone(),
        }),
        Instr::Store { var, .. } => Some(AltText::PlacedLast {
            var: prog.vars[*var].0.clone(),
        }),
        _ => None,
    }
}
