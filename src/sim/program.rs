//! A compiled program: each thread's statements split into the atomic steps they are made of.
//!
//! A step touches shared state at most once, so the scheduler may switch threads between any
//! two steps and nowhere else. `count = count + 1` becomes two steps: a load of `count` into a
//! temporary, then a store of the temporary plus one.

pub use super::ast::{BinOp, Order};
use super::step_text::StepText;

/// A value computed from constants and a thread's own slots (registers and temporaries).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Val {
    /// A constant.
    Const(i64),
    /// A register or temporary of the running thread.
    Slot(usize),
    /// Negation.
    Neg(Box<Val>),
    /// Logical not: 1 if zero, else 0.
    Not(Box<Val>),
    /// A binary operation.
    Bin(BinOp, Box<Val>, Box<Val>),
}

/// Why evaluating a value failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DivByZero;

impl Val {
    /// Computes the value from the thread's slots; arithmetic wraps, division by zero fails.
    pub fn eval(&self, slots: &[i64]) -> Result<i64, DivByZero> {
        Ok(match self {
            Val::Const(v) => *v,
            Val::Slot(i) => slots.get(*i).copied().unwrap_or(0),
            Val::Neg(v) => v.eval(slots)?.wrapping_neg(),
            Val::Not(v) => i64::from(v.eval(slots)? == 0),
            Val::Bin(op, a, b) => {
                let a = a.eval(slots)?;
                // `&&` and `||` short-circuit only in effect: both sides are local, so evaluating
                // both changes nothing except that `0 && 1/0` still fails, which is documented.
                let b = b.eval(slots)?;
                match op {
                    BinOp::Add => a.wrapping_add(b),
                    BinOp::Sub => a.wrapping_sub(b),
                    BinOp::Mul => a.wrapping_mul(b),
                    BinOp::Div if b == 0 => return Err(DivByZero),
                    BinOp::Rem if b == 0 => return Err(DivByZero),
                    BinOp::Div => a.wrapping_div(b),
                    BinOp::Rem => a.wrapping_rem(b),
                    BinOp::Eq => i64::from(a == b),
                    BinOp::Ne => i64::from(a != b),
                    BinOp::Lt => i64::from(a < b),
                    BinOp::Le => i64::from(a <= b),
                    BinOp::Gt => i64::from(a > b),
                    BinOp::Ge => i64::from(a >= b),
                    BinOp::And => i64::from(a != 0 && b != 0),
                    BinOp::Or => i64::from(a != 0 || b != 0),
                }
            }
        })
    }

    /// Writes the value with slot names taken from `names`.
    pub fn render(&self, names: &[String]) -> String {
        match self {
            Val::Const(v) => v.to_string(),
            Val::Slot(i) => names.get(*i).cloned().unwrap_or_else(|| format!("?{i}")),
            Val::Neg(v) => format!("-{}", v.render_inner(names)),
            Val::Not(v) => format!("!{}", v.render_inner(names)),
            Val::Bin(op, a, b) => format!(
                "{} {} {}",
                a.render_inner(names),
                op.symbol(),
                b.render_inner(names)
            ),
        }
    }

    fn render_inner(&self, names: &[String]) -> String {
        match self {
            Val::Bin(..) => format!("({})", self.render(names)),
            _ => self.render(names),
        }
    }
}

/// A read-modify-write operation on one shared variable, done in one indivisible step.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RmwOp {
    /// Write the value.
    Swap(Val),
    /// Add the value.
    FetchAdd(Val),
    /// Write `new` if the current value equals `expected`.
    Cas {
        /// The value compared against.
        expected: Val,
        /// The value written on success.
        new: Val,
    },
}

impl RmwOp {
    /// The value to write given the value read, or `None` if a compare-exchange fails.
    pub fn apply(&self, old: i64, slots: &[i64]) -> Result<Option<i64>, DivByZero> {
        Ok(match self {
            RmwOp::Swap(v) => Some(v.eval(slots)?),
            RmwOp::FetchAdd(v) => Some(old.wrapping_add(v.eval(slots)?)),
            RmwOp::Cas { expected, new } => {
                (old == expected.eval(slots)?).then_some(new.eval(slots)?)
            }
        })
    }
}

/// One atomic step of a thread.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Instr {
    /// Read shared variable `var` into slot `dst`.
    Load {
        /// The variable read.
        var: usize,
        /// Where the value goes.
        dst: usize,
        /// Its memory order.
        order: Order,
    },
    /// Write `value` to shared variable `var`.
    Store {
        /// The variable written.
        var: usize,
        /// The value written.
        value: Val,
        /// Its memory order.
        order: Order,
    },
    /// Read, modify and write `var` indivisibly; the old value goes to `dst` if any.
    Rmw {
        /// The variable.
        var: usize,
        /// The operation.
        rmw: RmwOp,
        /// Where the old value goes.
        dst: Option<usize>,
        /// Its memory order.
        order: Order,
    },
    /// A memory fence.
    Fence {
        /// Its memory order.
        order: Order,
    },
    /// Compute a value into a register: touches nothing shared.
    Local {
        /// The register written.
        dst: usize,
        /// The value.
        value: Val,
    },
    /// Go on if `cond` is non-zero, else jump to `target`.
    Branch {
        /// The condition.
        cond: Val,
        /// Where to go when it is zero.
        target: usize,
    },
    /// Jump to `target`.
    Jump {
        /// The step to go to.
        target: usize,
    },
    /// Fail the run if `cond` is zero.
    Assert {
        /// The condition that must hold.
        cond: Val,
    },
    /// Take a mutex; blocks while another thread holds it.
    Lock {
        /// The mutex.
        mutex: usize,
    },
    /// Release a mutex this thread holds.
    Unlock {
        /// The mutex.
        mutex: usize,
    },
    /// Decrement a semaphore; blocks while it is zero.
    SemWait {
        /// The semaphore.
        sem: usize,
    },
    /// Increment a semaphore.
    SemSignal {
        /// The semaphore.
        sem: usize,
    },
    /// Release `mutex` and sleep on `cond` until notified (first half of `c.wait(m)`).
    CondWait {
        /// The condition variable.
        cond: usize,
        /// The mutex released while sleeping.
        mutex: usize,
    },
    /// Take `mutex` back after waking (second half of `c.wait(m)`).
    Reacquire {
        /// The mutex.
        mutex: usize,
    },
    /// Wake the longest-waiting thread on `cond`, or all of them.
    Notify {
        /// The condition variable.
        cond: usize,
        /// `notify_all` rather than `notify_one`.
        all: bool,
    },
}

impl Instr {
    /// True if the step touches nothing but the thread's own slots, so its timing relative to
    /// other threads cannot change any outcome.
    pub fn is_local(&self) -> bool {
        matches!(
            self,
            Instr::Local { .. } | Instr::Branch { .. } | Instr::Jump { .. } | Instr::Assert { .. }
        )
    }
}

/// A step of a thread with where it comes from.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// What it does.
    pub instr: Instr,
    /// Index of its statement in [`ThreadCode::statements`].
    pub stmt: usize,
    /// What it does, for the step view ("load `count` into `tmp1`").
    pub text: StepText,
}

/// Where a statement is written and where its steps begin.
#[derive(Clone, Debug, PartialEq)]
pub struct StmtInfo {
    /// Source line, from 1.
    pub line: u32,
    /// Source column, from 1.
    pub col: u32,
    /// Its first step in [`ThreadCode::steps`].
    pub first_step: usize,
}

/// One thread's code.
#[derive(Clone, Debug, PartialEq)]
pub struct ThreadCode {
    /// The thread's name.
    pub name: String,
    /// Names of its slots: registers first, then temporaries (`tmp1`, `tmp2`, ...).
    pub slots: Vec<String>,
    /// How many of the slots are registers.
    pub registers: usize,
    /// Its steps; the thread is finished when its program counter equals their number.
    pub steps: Vec<Step>,
    /// Its statements in source order (nested ones included).
    pub statements: Vec<StmtInfo>,
}

/// A shared value that appears in every outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Observed {
    /// A shared variable's final value.
    Var(usize),
    /// A thread's register's final value.
    Reg {
        /// The thread.
        thread: usize,
        /// The register's slot.
        slot: usize,
    },
}

/// A parsed and compiled program, ready to run.
#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    /// Shared variables: name and initial value.
    pub vars: Vec<(String, i64)>,
    /// Mutex names.
    pub mutexes: Vec<String>,
    /// Semaphores: name and initial count.
    pub semaphores: Vec<(String, i64)>,
    /// Condition variable names.
    pub condvars: Vec<String>,
    /// The threads (one to four).
    pub threads: Vec<ThreadCode>,
    /// `option spurious_wakeups`: a condvar wait may return without a notify.
    pub spurious_wakeups: bool,
    /// What an outcome reports, in order, with labels like `x` or `A.r1`.
    pub observe: Vec<(String, Observed)>,
    /// `final assert` checks over shared variables and registers, run when all threads finish.
    pub finals: Vec<FinalCheck>,
}

/// A `final assert EXPR` line. Its slots are the shared variables, then every thread's
/// registers in thread order (see [`Program::final_slots`]).
#[derive(Clone, Debug, PartialEq)]
pub struct FinalCheck {
    /// The condition.
    pub cond: Val,
    /// The condition as text, for messages.
    pub text: String,
    /// Its source line.
    pub line: u32,
}

impl Program {
    /// The slot names a [`FinalCheck`] sees: shared variables, then `T.r` for each register.
    pub fn final_slots(&self) -> Vec<String> {
        let mut names: Vec<String> = self.vars.iter().map(|v| v.0.clone()).collect();
        for t in &self.threads {
            for r in &t.slots[..t.registers] {
                names.push(format!("{}.{r}", t.name));
            }
        }
        names
    }
}
