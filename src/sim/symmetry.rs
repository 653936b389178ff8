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
            order.sort_by(|&a, &b| compare(st, a, b));
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
        let mut out: Vec<Perm> = vec![(0..self.threads).collect()];
        for class in &self.classes {
            let mut next = Vec::new();
            for p in &out {
                for order in arrangements(class) {
                    let mut q = p.clone();
                    for (&t, &place) in class.iter().zip(&order) {
                        q[t] = place;
                    }
                    next.push(q);
                }
            }
            out = next;
        }
        out
    }

    /// The distinct states of `st`'s orbit, each with a permutation that makes it from `st`;
    /// `st` itself first.
    pub fn orbit(&self, st: &State) -> Vec<(State, Perm)> {
        let mut out: Vec<(State, Perm)> = Vec::new();
        for p in self.perms() {
            let mut s = st.clone();
            permute(&mut s, &p);
            if !out.iter().any(|(o, _)| *o == s) {
                out.push((s, p));
            }
        }
        out
    }
}

/// All orders of `items`, as lists of the same items.
fn arrangements(items: &[usize]) -> Vec<Vec<usize>> {
    if items.len() <= 1 {
        return vec![items.to_vec()];
    }
    let mut out = Vec::new();
    for i in 0..items.len() {
        let mut rest = items.to_vec();
        let first = rest.remove(i);
        for mut tail in arrangements(&rest) {
            tail.insert(0, first);
            out.push(tail);
        }
    }
    out
}

/// Orders two threads of a class by everything in `st` that belongs to one thread: its own
/// state, the mutexes it holds, where it sleeps, whether it failed, its store buffer or its
/// views. Two threads that compare equal can be swapped without changing `st`.
pub fn compare(st: &State, a: usize, b: usize) -> Ordering {
    let (x, y) = (&st.threads[a], &st.threads[b]);
    x.pc.cmp(&y.pc)
        .then_with(|| x.waiting.cmp(&y.waiting))
        .then_with(|| x.slots.cmp(&y.slots))
        .then_with(|| {
            let held = |t| st.owners.iter().map(move |&o| o == Some(t));
            held(a).cmp(held(b))
        })
        .then_with(|| {
            let queued = |t| {
                st.waiters
                    .iter()
                    .map(move |q| q.iter().position(|&w| w == t))
            };
            queued(a).cmp(queued(b))
        })
        .then_with(|| {
            let failed = |t| st.fault.map(|f| f.thread == t);
            failed(a).cmp(&failed(b))
        })
        .then_with(|| match &st.mem {
            Memory::Sc(_) => Ordering::Equal,
            Memory::Tso(m) => m.buffers[a].cmp(&m.buffers[b]),
            Memory::Ra(m) => {
                let (p, q) = (&m.threads[a], &m.threads[b]);
                (&p.cur, &p.acq, &p.rel).cmp(&(&q.cur, &q.acq, &q.rel))
            }
        })
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
