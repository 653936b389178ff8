//! One-line descriptions of steps for the code columns: `load count into tmp1`.

use super::ast::Order;
use super::program::{Instr, Program, RmwOp};

/// Describes `instr`, naming objects from `prog` and slots from `slots`.
///
/// `prog` may be only partly built (its threads not yet compiled): only its declarations are
/// read.
pub fn step(instr: &Instr, prog: &Program, slots: &[String]) -> String {
    let slot = |i: usize| slots.get(i).map(String::as_str).unwrap_or("?");
    let val = |v: &super::program::Val| v.render(slots);
    let var = |i: usize| prog.vars.get(i).map(|v| v.0.as_str()).unwrap_or("?");
    let mutex = |i: usize| prog.mutexes.get(i).map(String::as_str).unwrap_or("?");
    let sem = |i: usize| prog.semaphores.get(i).map(|s| s.0.as_str()).unwrap_or("?");
    let cond = |i: usize| prog.condvars.get(i).map(String::as_str).unwrap_or("?");
    let order = |o: &Order| match o {
        Order::Plain => String::new(),
        o => format!(" ({})", o.name()),
    };
    match instr {
        Instr::Load {
            var: v,
            dst,
            order: o,
        } => {
            format!("load {} into {}{}", var(*v), slot(*dst), order(o))
        }
        Instr::Store {
            var: v,
            value,
            order: o,
        } => format!("store {} into {}{}", val(value), var(*v), order(o)),
        Instr::Rmw {
            var: v,
            rmw,
            dst,
            order: o,
        } => {
            let op = match rmw {
                RmwOp::Swap(x) => format!("swap {} with {}", var(*v), val(x)),
                RmwOp::FetchAdd(x) => format!("add {} to {}", val(x), var(*v)),
                RmwOp::Cas { expected, new } => {
                    format!("if {} == {} set it to {}", var(*v), val(expected), val(new))
                }
            };
            let into = dst
                .map(|d| format!(", old value into {}", slot(d)))
                .unwrap_or_default();
            format!("atomically {op}{into}{}", order(o))
        }
        Instr::Fence { order: o } => format!("fence ({})", o.name()),
        Instr::Local { dst, value } => format!("{} = {}", slot(*dst), val(value)),
        Instr::Branch { cond: c, .. } => format!("test {}", val(c)),
        Instr::Jump { .. } => "jump".into(),
        Instr::Assert { cond: c } => format!("assert {}", val(c)),
        Instr::Lock { mutex: m } => format!("lock {}", mutex(*m)),
        Instr::Unlock { mutex: m } => format!("unlock {}", mutex(*m)),
        Instr::SemWait { sem: s } => format!("wait on {}", sem(*s)),
        Instr::SemSignal { sem: s } => format!("signal {}", sem(*s)),
        Instr::CondWait { cond: c, mutex: m } => {
            format!("unlock {} and sleep on {}", mutex(*m), cond(*c))
        }
        Instr::Reacquire { mutex: m } => format!("wake up and lock {} again", mutex(*m)),
        Instr::Notify { cond: c, all } => {
            let how = if *all {
                "notify all on"
            } else {
                "notify one on"
            };
            format!("{how} {}", cond(*c))
        }
    }
}
