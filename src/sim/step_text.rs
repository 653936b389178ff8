//! What one atomic step does, as data: the names and code it mentions, no sentence. Its own
//! module, below both the program (which stores each step's text) and [`super::describe`]
//! (which builds it), so neither imports the other.

use super::ast::Order;

/// What one atomic step does.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StepText {
    /// Read a shared variable into a register or temporary.
    Load {
        /// The variable.
        var: String,
        /// The register or temporary.
        dst: String,
        /// The memory order (`Plain` for a plain read).
        order: Order,
    },
    /// Write a value to a shared variable.
    Store {
        /// The variable.
        var: String,
        /// The value, as code.
        value: String,
        /// The memory order.
        order: Order,
    },
    /// Swap a variable's value, indivisibly.
    Swap {
        /// The variable.
        var: String,
        /// The new value, as code.
        value: String,
        /// Where the old value goes, if kept.
        old_into: Option<String>,
        /// The memory order.
        order: Order,
    },
    /// Add to a variable, indivisibly.
    FetchAdd {
        /// The variable.
        var: String,
        /// What is added, as code.
        value: String,
        /// Where the old value goes, if kept.
        old_into: Option<String>,
        /// The memory order.
        order: Order,
    },
    /// Compare and exchange, indivisibly.
    Cas {
        /// The variable.
        var: String,
        /// The value compared against, as code.
        expected: String,
        /// The value written on success, as code.
        new: String,
        /// Where the old value goes, if kept.
        old_into: Option<String>,
        /// The memory order.
        order: Order,
    },
    /// A memory fence.
    Fence {
        /// Its order.
        order: Order,
    },
    /// Register arithmetic: `dst = value`.
    Local {
        /// The register.
        dst: String,
        /// The value, as code.
        value: String,
    },
    /// A bare test (a branch not written by `if` or `while`).
    Test {
        /// The condition, as code.
        cond: String,
    },
    /// The test of an `if`.
    If {
        /// The condition as written.
        cond: String,
    },
    /// The test of a `while`.
    While {
        /// The condition as written.
        cond: String,
    },
    /// An `assert`.
    Assert {
        /// The condition as written.
        cond: String,
    },
    /// The jump over an `else` branch.
    SkipElse,
    /// The jump from a loop's end to its test.
    LoopBack,
    /// Any other jump.
    Jump,
    /// `m.lock()`.
    Lock {
        /// The mutex.
        mutex: String,
    },
    /// `m.unlock()`.
    Unlock {
        /// The mutex.
        mutex: String,
    },
    /// `s.wait()`.
    SemWait {
        /// The semaphore.
        sem: String,
    },
    /// `s.signal()`.
    SemSignal {
        /// The semaphore.
        sem: String,
    },
    /// The first half of `c.wait(m)`: unlock and sleep.
    CondWait {
        /// The condition variable.
        cond: String,
        /// The mutex released.
        mutex: String,
    },
    /// The second half of `c.wait(m)`: lock again once woken.
    Reacquire {
        /// The mutex.
        mutex: String,
    },
    /// `c.notify_one()`.
    NotifyOne {
        /// The condition variable.
        cond: String,
    },
    /// `c.notify_all()`.
    NotifyAll {
        /// The condition variable.
        cond: String,
    },
}
