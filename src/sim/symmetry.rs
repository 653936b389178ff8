//! Interchangeable threads: the explorer's symmetry reduction.
//!
//! Threads with the same steps start in the same state, so swapping two of them in any
//! reachable state gives another reachable state, with as many schedules to it. The explorer
//! stores one state of each such set (an *orbit*): the one whose interchangeable threads are
//! sorted ([`Symmetry::canonicalise`]). With three identical threads that is up to six times
//! fewer states.
//!
//! Counts stay exact. Let `T(O)` be the number of schedules to any state of orbit `O`. Every
//! state of `O` has `T(O) / |O|` of them (the start is left alone by every swap, so swapped
//! states are reached by swapped schedules), and counting paths in the graph of orbits, with
//! one edge per choice from each orbit's stored state, gives `T` exactly. At the end each
//! final orbit is unfolded into its distinct states ([`Symmetry::orbit`]), each with its share,
//! so outcomes and failures that name a thread or a register are counted per thread as before.

use super::choice::Choice;
use super::model::Memory;
use super::pack;
use super::program::Program;
use super::state::State;
use std::cmp::Ordering;

/// The most threads symmetry handles (the language allows four).
const MAX_THREADS: usize = 8;

/// A permutation of threads: thread `t` becomes thread `to[t]`.
pub type Perm = Vec<usize>;

/// The classes of interchangeable threads of a program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symmetry {
    /// Each class, two or more threads in increasing order; threads in no class are alone.
    pub classes: Vec<Vec<usize>>,
    threads: usize,
}

impl Symmetry {
    /// The program's classes of threads with identical code, or `None` if every thread is
    /// alone. Lines may differ (two threads written one after the other); the steps and the
    /// statements they belong to (temporaries are cleared between statements) may not.
    pub fn of(prog: &Program) -> Option<Symmetry> {
        let n = prog.threads.len();
        if n > MAX_THREADS {
            return None;
        }
        let same = |a: usize, b: usize| {
            let (x, y) = (&prog.threads[a], &prog.threads[b]);
            x.registers == y.registers
                && x.slots.len() == y.slots.len()
                && x.steps.len() == y.steps.len()
                && x.steps
                    .iter()
                    .zip(&y.steps)
                    .all(|(s, t)| s.instr == t.instr && s.stmt == t.stmt)
        };
        let mut classes: Vec<Vec<usize>> = Vec::new();
        for t in 0..n {
            match classes.iter_mut().find(|c| same(c[0], t)) {
                Some(c) => c.push(t),
                None => classes.push(vec![t]),
            }
        }
        classes.retain(|c| c.len() > 1);
        (!classes.is_empty()).then_some(Symmetry {
            classes,
            threads: n,
        })
    }

    /// Puts `st` in its orbit's stored form: within each class, threads sorted by
    /// [`compare`]. Returns the permutation applied.
    pub fn canonicalise(&self, st: &mut State) -> Option<[usize; MAX_THREADS]> {
        let mut to = [0usize; MAX_THREADS];
        to.iter_mut().enumerate().for_each(|(i, t)| *t = i);
        let mut moved = false;
        for class in &self.classes {
            let mut order = [0usize; MAX_THREADS];
            let order = &mut order[..class.len()];
            order.copy_from_slice(class);
            // Insertion sort, stable: a class has a few threads, and the library's sort added
            // 3 KB to the lab's wasm.
            for i in 1..order.len() {
                let mut j = i;
                while j > 0 && compare(st, order[j - 1], order[j]).is_gt() {
                    order.swap(j - 1, j);
                    j -= 1;
                }
            }
            // The thread now first in the order goes to the class's first place, and so on.
            for (place, &t) in class.iter().zip(order.iter()) {
                to[t] = *place;
                moved |= t != *place;
            }
        }
        if !moved {
            return None;
        }
        permute(st, &to[..self.threads]);
        Some(to)
    }

    /// How many states `st`'s orbit holds, for `st` in stored form: within a class, threads
    /// that compare equal are interchangeable without changing the state, so the orbit holds
    /// `k! / (e1! e2! ...)` arrangements of a class of `k` with runs of `e1, e2, ...` equals.
    pub fn orbit_size(&self, st: &State) -> u64 {
        let fact = |n: usize| (1..=n as u64).product::<u64>();
        let mut size = 1;
        for class in &self.classes {
            size *= fact(class.len());
            let mut run = 1;
            for w in class.windows(2) {
                if compare(st, w[0], w[1]) == Ordering::Equal {
                    run += 1;
                } else {
                    size /= fact(run);
                    run = 1;
                }
            }
            size /= fact(run);
        }
        size
    }

    /// Every permutation of threads that keeps each class to itself, the identity first.
    pub fn perms(&self) -> Vec<Perm> {
        // Every order of all the threads (at most 4! here), in lexicographic order from the
        // identity, keeping those that move no thread out of its class.
        let mut p: Perm = (0..self.threads).collect();
        let mut out = Vec::new();
        loop {
            let keeps = self
                .classes
                .iter()
                .all(|c| c.iter().all(|&t| c.contains(&p[t])));
            let alone = (0..self.threads)
                .filter(|t| !self.classes.iter().any(|c| c.contains(t)))
                .all(|t| p[t] == t);
            if keeps && alone {
                out.push(p.clone());
            }
            // The next permutation in lexicographic order, or stop after the last.
            let Some(i) = (1..p.len()).rev().find(|&i| p[i - 1] < p[i]) else {
                return out;
            };
            let j = (i..p.len()).rev().find(|&j| p[j] > p[i - 1]).unwrap_or(i);
            p.swap(i - 1, j);
            p[i..].reverse();
        }
    }

    /// The distinct states of `st`'s orbit, each with a permutation that makes it from `st`;
    /// `st` itself first.
    pub fn orbit(&self, st: &State) -> Vec<(State, Perm)> {
        let mut out: Vec<(State, Perm)> = Vec::new();
        let mut seen: Vec<Vec<u8>> = Vec::new();
        for p in self.perms() {
            let mut s = st.clone();
            permute(&mut s, &p);
            // Packed bytes are equal exactly when states are (`pack` is canonical).
            let mut bytes = Vec::new();
            pack::pack(&s, &mut bytes);
            if !seen.contains(&bytes) {
                seen.push(bytes);
                out.push((s, p));
            }
        }
        out
    }
}

/// Orders two threads of a class by everything in `st` that belongs to one thread: its own
/// state, the mutexes it holds, where it sleeps, whether it failed, its store buffer or its
/// views. Two threads that compare equal can be swapped without changing `st`.
pub fn compare(st: &State, a: usize, b: usize) -> Ordering {
    // Written as plain loops with early returns: chains of iterator comparisons cost a
    // kilobyte and a half of the lab's wasm.
    let (x, y) = (&st.threads[a], &st.threads[b]);
    let order = x.pc.cmp(&y.pc).then(x.waiting.cmp(&y.waiting));
    let order = order.then_with(|| x.slots.cmp(&y.slots));
    if order.is_ne() {
        return order;
    }
    for &o in &st.owners {
        let order = (o == Some(a)).cmp(&(o == Some(b)));
        if order.is_ne() {
            return order;
        }
    }
    for q in &st.waiters {
        let at = |t| q.iter().position(|&w| w == t);
        let order = at(a).cmp(&at(b));
        if order.is_ne() {
            return order;
        }
    }
    let failed = |t| st.fault.map(|f| f.thread == t);
    let order = failed(a).cmp(&failed(b));
    if order.is_ne() {
        return order;
    }
    match &st.mem {
        Memory::Sc(_) => Ordering::Equal,
        Memory::Tso(m) => m.buffers[a].cmp(&m.buffers[b]),
        Memory::Ra(m) => {
            let (p, q) = (&m.threads[a], &m.threads[b]);
            let order = p.cur.cmp(&q.cur).then_with(|| p.acq.cmp(&q.acq));
            order.then_with(|| p.rel.cmp(&q.rel))
        }
    }
}

/// Renumbers the threads of `st`: thread `t` becomes thread `to[t]`.
pub fn permute(st: &mut State, to: &[usize]) {
    permute_vec(&mut st.threads, to);
    for o in st.owners.iter_mut().flatten() {
        *o = to[*o];
    }
    for w in st.waiters.iter_mut().flatten() {
        *w = to[*w];
    }
    if let Some(f) = &mut st.fault {
        f.thread = to[f.thread];
    }
    match &mut st.mem {
        Memory::Sc(_) => {}
        Memory::Tso(m) => permute_vec(&mut m.buffers, to),
        Memory::Ra(m) => permute_vec(&mut m.threads, to),
    }
}

/// Moves `v[t]` to `v[to[t]]` for every `t`, by swaps (no allocation).
fn permute_vec<T>(v: &mut [T], to: &[usize]) {
    let mut p = [0usize; MAX_THREADS];
    let p = &mut p[..to.len()];
    p.copy_from_slice(to);
    for i in 0..p.len() {
        while p[i] != i {
            let j = p[i];
            v.swap(i, j);
            p.swap(i, j);
        }
    }
}

/// The same choice made by thread `to[t]` instead of `t`.
pub fn map_choice(c: Choice, to: &[usize]) -> Choice {
    match c {
        Choice::Step { thread, alt } => Choice::Step {
            thread: to[thread],
            alt,
        },
        Choice::Flush { thread } => Choice::Flush { thread: to[thread] },
        Choice::Wake { thread } => Choice::Wake { thread: to[thread] },
    }
}
