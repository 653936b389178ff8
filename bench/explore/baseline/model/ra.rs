//! The release/acquire model: an operational C11-style memory of messages and views.
//!
//! Each shared variable keeps every write ever made to it as a list of messages in modification
//! order. A view says, per variable, the latest message a thread (or a message, or a mutex) is
//! known to have seen; a thread may read any message at or after its view, and may place a new
//! write anywhere after its view. That freedom is what lets two threads disagree about the order
//! of writes to different variables (IRIW, 2+2W) while each variable stays coherent.
//!
//! - A relaxed read moves the thread's view of that variable only; an acquire read also joins
//!   the message's view, so the reader sees everything the writer had seen when it released.
//! - A release write carries the writer's whole view; a relaxed write carries the view of the
//!   thread's last release fence.
//! - A read-modify-write reads a message and writes right after it; the new message is marked
//!   so that no later write may slip in between (that is what makes it atomic).
//! - `seq_cst` is treated conservatively: the access joins a global view before it acts and
//!   publishes its view to it after, as if wrapped in two `seq_cst` fences. This forbids every
//!   non-SC outcome of a program whose accesses are all `seq_cst`, and a few more outcomes of
//!   mixed programs than C11 does.
//!
//! Views are message positions, and a write inserted in the middle shifts the positions after
//! it; keeping positions dense (instead of rational timestamps) makes equal states compare equal.

use super::{MemoryModel, RmwFn, Target};
use crate::baseline::ast::Order;
use crate::baseline::program::DivByZero;

/// A view: for each variable, the position of the latest message seen.
pub type View = Vec<u32>;

fn join(into: &mut View, other: &View) {
    for (a, b) in into.iter_mut().zip(other) {
        *a = (*a).max(*b);
    }
}

/// One write to a variable.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Msg {
    /// The value written.
    pub value: i64,
    /// What a thread that acquires this message comes to have seen.
    pub view: View,
    /// Written by a read-modify-write, so glued to the message before it.
    pub rmw: bool,
}

/// A thread's three views.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ThreadViews {
    /// What the thread has seen.
    pub cur: View,
    /// What an acquire fence would make it see (joins the views of relaxed reads).
    pub acq: View,
    /// What its relaxed writes carry: its view at the last release fence.
    pub rel: View,
}

/// The whole release/acquire memory.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RaMemory {
    /// Per variable, its messages in modification order.
    pub locs: Vec<Vec<Msg>>,
    /// Per thread, its views.
    pub threads: Vec<ThreadViews>,
    /// The view shared by all `seq_cst` operations.
    pub sc: View,
    /// Per mutex, the view its last unlock released.
    pub mutexes: Vec<View>,
    /// Per semaphore, the views its signals released.
    pub sems: Vec<View>,
}

impl RaMemory {
    /// A memory holding one initial message per variable.
    pub fn new(inits: &[i64], threads: usize, mutexes: usize, sems: usize) -> RaMemory {
        let zero = vec![0u32; inits.len()];
        RaMemory {
            locs: inits
                .iter()
                .map(|&value| {
                    vec![Msg {
                        value,
                        view: zero.clone(),
                        rmw: false,
                    }]
                })
                .collect(),
            threads: (0..threads)
                .map(|_| ThreadViews {
                    cur: zero.clone(),
                    acq: zero.clone(),
                    rel: zero.clone(),
                })
                .collect(),
            sc: zero.clone(),
            mutexes: vec![zero.clone(); mutexes],
            sems: vec![zero; sems],
        }
    }

    /// The oldest message of `var` that thread `t` may still read with `order`.
    fn floor(&self, t: usize, var: usize, order: Order) -> usize {
        let mut at = self.threads[t].cur[var];
        if order == Order::SeqCst {
            at = at.max(self.sc[var]);
        }
        at as usize
    }

    /// Before a `seq_cst` access: see everything earlier `seq_cst` operations saw.
    pub fn sc_before(&mut self, t: usize, order: Order) {
        if order == Order::SeqCst {
            let sc = self.sc.clone();
            join(&mut self.threads[t].cur, &sc);
            join(&mut self.threads[t].acq, &sc);
        }
    }

    /// After a `seq_cst` access: let later `seq_cst` operations see what this thread saw.
    pub fn sc_after(&mut self, t: usize, order: Order) {
        if order == Order::SeqCst {
            let cur = self.threads[t].cur.clone();
            join(&mut self.sc, &cur);
        }
    }

    /// Messages thread `t` may read from `var`, as positions, oldest first.
    pub fn readable(&self, t: usize, var: usize, order: Order) -> std::ops::Range<usize> {
        self.floor(t, var, order)..self.locs[var].len()
    }

    /// Positions where thread `t` may insert a new write to `var`.
    pub fn writable(&self, t: usize, var: usize, order: Order) -> Vec<usize> {
        let msgs = &self.locs[var];
        (self.floor(t, var, order) + 1..=msgs.len())
            .filter(|&p| p == msgs.len() || !msgs[p].rmw)
            .collect()
    }

    /// Positions a read-modify-write by `t` may read from: the next message must not be
    /// another read-modify-write's, since two of them cannot both read the same write.
    pub fn rmw_readable(&self, t: usize, var: usize, order: Order) -> Vec<usize> {
        let msgs = &self.locs[var];
        self.readable(t, var, order)
            .filter(|&i| i + 1 == msgs.len() || !msgs[i + 1].rmw)
            .collect()
    }

    /// Thread `t` reads message `pos` of `var` and returns its value.
    pub fn read(&mut self, t: usize, var: usize, pos: usize, acquire: bool) -> i64 {
        let msg = &self.locs[var][pos];
        let (value, view) = (msg.value, msg.view.clone());
        let tv = &mut self.threads[t];
        tv.cur[var] = tv.cur[var].max(pos as u32);
        tv.acq[var] = tv.acq[var].max(pos as u32);
        join(&mut tv.acq, &view);
        if acquire {
            join(&mut tv.cur, &view);
        }
        value
    }

    /// Thread `t` makes write `w` to `var` at position `pos`.
    pub fn write(&mut self, t: usize, var: usize, pos: usize, w: Write) {
        let Write {
            value,
            release,
            rmw,
            extra,
        } = w;
        self.shift(var, pos);
        let tv = &mut self.threads[t];
        tv.cur[var] = pos as u32;
        tv.acq[var] = tv.acq[var].max(pos as u32);
        let mut view = if release {
            tv.cur.clone()
        } else {
            let mut v = tv.rel.clone();
            v[var] = pos as u32;
            v
        };
        if let Some(extra) = extra {
            join(&mut view, &extra);
        }
        let pos = pos.min(self.locs[var].len());
        self.locs[var].insert(pos, Msg { value, view, rmw });
    }

    /// Makes room at `pos` in `var`: every view that names a message at or after it moves on.
    fn shift(&mut self, var: usize, pos: usize) {
        let bump = |v: &mut View| {
            if let Some(x) = v.get_mut(var) {
                if *x as usize >= pos {
                    *x += 1;
                }
            }
        };
        for loc in &mut self.locs {
            for m in loc.iter_mut() {
                bump(&mut m.view);
            }
        }
        for tv in &mut self.threads {
            bump(&mut tv.cur);
            bump(&mut tv.acq);
            bump(&mut tv.rel);
        }
        bump(&mut self.sc);
        self.mutexes.iter_mut().for_each(bump);
        self.sems.iter_mut().for_each(bump);
    }

    /// The view carried by message `pos` of `var`.
    pub fn msg_view(&self, var: usize, pos: usize) -> View {
        self.locs[var][pos].view.clone()
    }

    /// A fence by thread `t`.
    pub fn fence_views(&mut self, t: usize, acquire: bool, release: bool, seq_cst: bool) {
        let tv = &mut self.threads[t];
        if acquire {
            let acq = tv.acq.clone();
            join(&mut tv.cur, &acq);
        }
        if seq_cst {
            join(&mut tv.cur, &self.sc);
            self.sc = tv.cur.clone();
            join(&mut tv.acq, &self.sc);
        }
        if release {
            tv.rel = tv.cur.clone();
        }
    }

    /// Thread `t` releases into a lock's or semaphore's view (unlock, signal, condvar wait).
    pub fn release_into(&mut self, t: usize, target: Target) {
        let cur = self.threads[t].cur.clone();
        match target {
            Target::Mutex(m) => {
                if let Some(v) = self.mutexes.get_mut(m) {
                    *v = cur;
                }
            }
            Target::Sem(s) => {
                if let Some(v) = self.sems.get_mut(s) {
                    join(v, &cur);
                }
            }
        }
    }

    /// Thread `t` acquires a lock's or semaphore's view (lock, semaphore wait, reacquire).
    pub fn acquire_from(&mut self, t: usize, target: Target) {
        let view = match target {
            Target::Mutex(m) => self.mutexes.get(m),
            Target::Sem(s) => self.sems.get(s),
        };
        if let Some(view) = view.cloned() {
            let tv = &mut self.threads[t];
            join(&mut tv.cur, &view);
            join(&mut tv.acq, &view);
        }
    }
}

/// A write, as [`RaMemory::write`] takes it.
#[derive(Clone, Debug)]
pub struct Write {
    /// The value written.
    pub value: i64,
    /// A release write carries the writer's whole view.
    pub release: bool,
    /// Written by a read-modify-write: glued to the message before it.
    pub rmw: bool,
    /// A view to join into the message's (a read-modify-write passes on the one it read, so
    /// that release sequences work).
    pub extra: Option<View>,
}

impl MemoryModel for RaMemory {
    fn load_alts(&self, t: usize, var: usize, order: Order, alt: &mut dyn FnMut(usize)) {
        self.readable(t, var, order).for_each(alt);
    }

    fn store_alts(&self, t: usize, var: usize, order: Order, alt: &mut dyn FnMut(usize)) {
        self.writable(t, var, order).into_iter().for_each(alt);
    }

    fn rmw_alts(&self, t: usize, var: usize, order: Order, op: RmwFn, alt: &mut dyn FnMut(usize)) {
        let ok_for_rmw = self.rmw_readable(t, var, order);
        for p in self.readable(t, var, order) {
            // A failing compare-exchange is only a load, so it may read any visible message.
            if ok_for_rmw.contains(&p) || matches!(op(self.locs[var][p].value), Ok(None)) {
                alt(p);
            }
        }
    }

    fn load(&mut self, t: usize, var: usize, alt: usize, order: Order) -> i64 {
        self.sc_before(t, order);
        let value = self.read(t, var, alt, order.acquires());
        self.sc_after(t, order);
        value
    }

    fn store(&mut self, t: usize, var: usize, alt: usize, value: i64, order: Order) {
        self.sc_before(t, order);
        let w = Write {
            value,
            release: order.releases(),
            rmw: false,
            extra: None,
        };
        self.write(t, var, alt, w);
        self.sc_after(t, order);
    }

    fn rmw(
        &mut self,
        t: usize,
        var: usize,
        alt: usize,
        order: Order,
        op: RmwFn,
    ) -> Result<i64, DivByZero> {
        let old = self.locs[var].get(alt).map(|m| m.value).unwrap_or(0);
        let new = op(old)?;
        self.sc_before(t, order);
        let extra = self.msg_view(var, alt);
        self.read(t, var, alt, order.acquires());
        if let Some(new) = new {
            let w = Write {
                value: new,
                release: order.releases(),
                rmw: true,
                extra: Some(extra),
            };
            self.write(t, var, alt + 1, w);
        }
        self.sc_after(t, order);
        Ok(old)
    }

    fn fence(&mut self, t: usize, order: Order) {
        let seq_cst = order == Order::SeqCst;
        self.fence_views(t, order.acquires(), order.releases(), seq_cst);
    }

    fn acquire(&mut self, t: usize, target: Target) {
        self.acquire_from(t, target);
    }

    fn release(&mut self, t: usize, target: Target) {
        self.release_into(t, target);
    }

    fn notify(&mut self, _t: usize) {}

    fn can_flush(&self, _t: usize) -> bool {
        false
    }

    fn flush(&mut self, _t: usize) {}

    /// The newest value of `var` in modification order.
    fn latest(&self, var: usize) -> i64 {
        self.locs
            .get(var)
            .and_then(|m| m.last())
            .map(|m| m.value)
            .unwrap_or(0)
    }

    fn in_memory(&self, var: usize) -> i64 {
        self.latest(var)
    }

    fn drained(&self) -> bool {
        true
    }
}
