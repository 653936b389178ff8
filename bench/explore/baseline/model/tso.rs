//! Total store order, as on x86: each thread's stores wait in its own FIFO store buffer, and
//! reach memory one at a time when the scheduler says so (a flush). A thread reads its own
//! newest buffered store to a variable if it has one, else memory. The C11 orders map as a
//! compiler maps them to x86: only `seq_cst` stores and fences, read-modify-writes (`lock`
//! prefixed) and synchronisation objects drain the buffer; every other access is a plain `mov`.

use super::{MemoryModel, RmwFn, Target};
use crate::baseline::ast::Order;
use crate::baseline::program::DivByZero;

/// Memory plus a store buffer per thread.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TsoMemory {
    /// What every thread can see.
    pub mem: Vec<i64>,
    /// Per thread, stores not yet visible to other threads: (variable, value), oldest first.
    pub buffers: Vec<Vec<(usize, i64)>>,
}

impl TsoMemory {
    /// Every stored value in thread `t`'s buffer reaches memory, oldest first.
    fn drain(&mut self, t: usize) {
        for (var, value) in self.buffers[t].drain(..) {
            self.mem[var] = value;
        }
    }
}

impl MemoryModel for TsoMemory {
    fn load_alts(&self, _t: usize, _var: usize, _order: Order, alt: &mut dyn FnMut(usize)) {
        alt(0);
    }

    fn store_alts(&self, _t: usize, _var: usize, _order: Order, alt: &mut dyn FnMut(usize)) {
        alt(0);
    }

    fn rmw_alts(&self, _t: usize, _v: usize, _o: Order, _op: RmwFn, alt: &mut dyn FnMut(usize)) {
        alt(0);
    }

    fn load(&mut self, t: usize, var: usize, _alt: usize, _order: Order) -> i64 {
        self.buffers[t]
            .iter()
            .rev()
            .find(|(v, _)| *v == var)
            .map(|(_, value)| *value)
            .unwrap_or(self.mem[var])
    }

    fn store(&mut self, t: usize, var: usize, _alt: usize, value: i64, order: Order) {
        self.buffers[t].push((var, value));
        // A seq_cst store compiles to a locked `xchg` on x86: it drains the buffer.
        if order == Order::SeqCst {
            self.drain(t);
        }
    }

    fn rmw(
        &mut self,
        t: usize,
        var: usize,
        _alt: usize,
        _order: Order,
        op: RmwFn,
    ) -> Result<i64, DivByZero> {
        // Locked instructions drain the store buffer first.
        self.drain(t);
        let old = self.mem[var];
        if let Some(new) = op(old)? {
            self.mem[var] = new;
        }
        Ok(old)
    }

    fn fence(&mut self, t: usize, order: Order) {
        // Only a seq_cst fence is an `mfence`; acquire and release fences cost nothing on x86
        // because TSO already gives them.
        if order == Order::SeqCst {
            self.drain(t);
        }
    }

    fn acquire(&mut self, t: usize, _target: Target) {
        self.drain(t);
    }

    fn release(&mut self, t: usize, _target: Target) {
        self.drain(t);
    }

    fn notify(&mut self, t: usize) {
        self.drain(t);
    }

    fn can_flush(&self, t: usize) -> bool {
        self.buffers.get(t).is_some_and(|b| !b.is_empty())
    }

    fn flush(&mut self, t: usize) {
        if let Some(b) = self.buffers.get_mut(t) {
            if !b.is_empty() {
                let (var, value) = b.remove(0);
                self.mem[var] = value;
            }
        }
    }

    fn latest(&self, var: usize) -> i64 {
        self.buffers
            .iter()
            .flat_map(|b| b.iter().rev())
            .find(|(v, _)| *v == var)
            .map(|(_, value)| *value)
            .unwrap_or_else(|| self.mem.get(var).copied().unwrap_or(0))
    }

    fn in_memory(&self, var: usize) -> i64 {
        self.mem.get(var).copied().unwrap_or(0)
    }

    fn drained(&self) -> bool {
        self.buffers.iter().all(Vec::is_empty)
    }
}
