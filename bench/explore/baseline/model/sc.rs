//! Sequential consistency: one memory, and every access happens at once for every thread, in
//! one order. No alternatives, nothing pending, and memory orders change nothing.

use super::{MemoryModel, RmwFn, Target};
use crate::baseline::ast::Order;
use crate::baseline::program::DivByZero;

/// One value per shared variable.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ScMemory(pub Vec<i64>);

impl MemoryModel for ScMemory {
    fn load_alts(&self, _t: usize, _var: usize, _order: Order, alt: &mut dyn FnMut(usize)) {
        alt(0);
    }

    fn store_alts(&self, _t: usize, _var: usize, _order: Order, alt: &mut dyn FnMut(usize)) {
        alt(0);
    }

    fn rmw_alts(&self, _t: usize, _v: usize, _o: Order, _op: RmwFn, alt: &mut dyn FnMut(usize)) {
        alt(0);
    }

    fn load(&mut self, _t: usize, var: usize, _alt: usize, _order: Order) -> i64 {
        self.0[var]
    }

    fn store(&mut self, _t: usize, var: usize, _alt: usize, value: i64, _order: Order) {
        self.0[var] = value;
    }

    fn rmw(
        &mut self,
        _t: usize,
        var: usize,
        _alt: usize,
        _order: Order,
        op: RmwFn,
    ) -> Result<i64, DivByZero> {
        let old = self.0[var];
        if let Some(new) = op(old)? {
            self.0[var] = new;
        }
        Ok(old)
    }

    fn fence(&mut self, _t: usize, _order: Order) {}

    fn acquire(&mut self, _t: usize, _target: Target) {}

    fn release(&mut self, _t: usize, _target: Target) {}

    fn notify(&mut self, _t: usize) {}

    fn can_flush(&self, _t: usize) -> bool {
        false
    }

    fn flush(&mut self, _t: usize) {}

    fn latest(&self, var: usize) -> i64 {
        self.0.get(var).copied().unwrap_or(0)
    }

    fn in_memory(&self, var: usize) -> i64 {
        self.latest(var)
    }

    fn drained(&self) -> bool {
        true
    }
}
