//! The memory models, behind one interface: read this trait to see every place where
//! sequential consistency ([`sc`]), x86 store buffers ([`tso`]) and C11 release/acquire
//! ([`ra`]) differ. Everything else about a run (threads, locks, semaphores, condition
//! variables) is the same under all three and lives in [`super::exec`].
//!
//! Each shared access may come in several *alternatives* under a model: which write a load
//! reads, or where a store is placed, under release/acquire. A model with no such freedom
//! offers one alternative, 0. TSO's freedom is of another kind, a separate choice: when the
//! oldest buffered store reaches memory ([`MemoryModel::flush`]).

pub mod ra;
pub mod sc;
pub mod tso;

use super::ast::Order;
use super::program::DivByZero;

pub use ra::RaMemory;
pub use sc::ScMemory;
pub use tso::TsoMemory;

/// A synchronisation object that carries what its last releaser had seen.
#[derive(Clone, Copy, Debug)]
pub enum Target {
    /// A mutex.
    Mutex(usize),
    /// A semaphore.
    Sem(usize),
}

/// A read-modify-write's operation: the value to write given the value read (`None` for a
/// compare-exchange that fails), or a division by zero.
pub type RmwFn<'a> = &'a dyn Fn(i64) -> Result<Option<i64>, DivByZero>;

/// What a memory model decides. `t` is a thread, `var` a shared variable, `alt` one of the
/// alternatives the model offered for that access.
pub trait MemoryModel {
    /// Calls `alt` with each alternative of thread `t`'s load of `var`.
    fn load_alts(&self, t: usize, var: usize, order: Order, alt: &mut dyn FnMut(usize));

    /// Calls `alt` with each alternative of thread `t`'s store to `var`.
    fn store_alts(&self, t: usize, var: usize, order: Order, alt: &mut dyn FnMut(usize));

    /// Calls `alt` with each alternative of thread `t`'s read-modify-write of `var`; `op` says
    /// what it would write after reading a value (a failing compare-exchange is only a load).
    fn rmw_alts(&self, t: usize, var: usize, order: Order, op: RmwFn, alt: &mut dyn FnMut(usize));

    /// Thread `t` loads `var`; returns the value read.
    fn load(&mut self, t: usize, var: usize, alt: usize, order: Order) -> i64;

    /// Thread `t` stores `value` to `var`.
    fn store(&mut self, t: usize, var: usize, alt: usize, value: i64, order: Order);

    /// Thread `t` reads `var`, and writes what `op` gives, indivisibly; returns the value read.
    fn rmw(
        &mut self,
        t: usize,
        var: usize,
        alt: usize,
        order: Order,
        op: RmwFn,
    ) -> Result<i64, DivByZero>;

    /// Thread `t` runs a fence.
    fn fence(&mut self, t: usize, order: Order);

    /// Thread `t` takes a lock or a semaphore (or takes its mutex back after a wait).
    fn acquire(&mut self, t: usize, target: Target);

    /// Thread `t` releases a lock or signals a semaphore (or unlocks to wait).
    fn release(&mut self, t: usize, target: Target);

    /// Thread `t` notifies a condition variable.
    fn notify(&mut self, t: usize);

    /// True if thread `t` has a store that has not yet reached memory.
    fn can_flush(&self, t: usize) -> bool;

    /// The oldest of thread `t`'s pending stores reaches memory.
    fn flush(&mut self, t: usize);

    /// The value of `var` once every pending store has landed: its final value.
    fn latest(&self, var: usize) -> i64;

    /// The value of `var` in memory as the lab view shows it.
    fn in_memory(&self, var: usize) -> i64;

    /// True if no store is pending anywhere, so a run can end.
    fn drained(&self) -> bool;
}

/// Shared memory under one of the models.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Memory {
    /// Sequential consistency.
    Sc(ScMemory),
    /// Total store order.
    Tso(TsoMemory),
    /// Release/acquire.
    Ra(RaMemory),
}

impl Memory {
    /// The model, to ask.
    pub fn model(&self) -> &dyn MemoryModel {
        match self {
            Memory::Sc(m) => m,
            Memory::Tso(m) => m,
            Memory::Ra(m) => m,
        }
    }

    /// The model, to act on.
    pub fn model_mut(&mut self) -> &mut dyn MemoryModel {
        match self {
            Memory::Sc(m) => m,
            Memory::Tso(m) => m,
            Memory::Ra(m) => m,
        }
    }

    /// The value of `var` once every buffer has drained: the final value.
    pub fn latest(&self, var: usize) -> i64 {
        self.model().latest(var)
    }

    /// The value in main memory (what a thread with an empty buffer would read, the newest
    /// write under release/acquire).
    pub fn in_memory(&self, var: usize) -> i64 {
        self.model().in_memory(var)
    }
}
