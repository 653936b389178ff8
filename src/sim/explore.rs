//! The exhaustive scheduler: visits every reachable state once, breadth first.
//!
//! Breadth first, so the first schedule found to any state is a shortest one. Equal states are
//! cached (two schedules that meet share everything after), and the number of schedules to each
//! final state is counted afterwards by dynamic programming over the graph of states, so
//! counting costs no more than visiting. Local steps run as soon as they are reached
//! ([`exec::settle`]), since when they run changes nothing.

use std::collections::HashMap;

use super::choice::Choice;
use super::exec::{self, RunStatus};
use super::pack;
use super::program::Program;
use super::report::{failure_of, line_of, FailureSet};
use super::report::{FailureDetail, FailureKind, OutcomeCount, Report, Stop, ThreadAt};
use super::state::{Model, Outcome, State};
use super::symmetry::{self, Symmetry};

/// Bounds on work, so that nothing runs unbounded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Exploration stops after visiting this many distinct states.
    pub max_states: usize,
    /// A random or PCT run stops after this many steps.
    pub max_run_steps: usize,
    /// Exploration stops when what it keeps (states, transitions, the outcomes to come) would
    /// need more than this many bytes. The state bound alone cannot promise that: a state's
    /// size depends on the program, and under `ra` and `tso` it grows along a run.
    pub max_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_states: 200_000,
            max_run_steps: 10_000,
            max_bytes: 512 << 20,
        }
    }
}

/// What the explorer keeps per state besides its packed bytes: its place in the arena, hash
/// chain, parent, depth, status and successor offset, its slot in the index, and what the
/// report then adds (path count, colour, order, predecessors, DFS stack).
pub const STATE_OVERHEAD: usize = 2 * std::mem::size_of::<usize>()
    + 3 * 4
    + std::mem::size_of::<Option<(u32, Choice)>>()
    + std::mem::size_of::<RunStatus>()
    + 24
    + 8
    + 1
    + 4
    + 24
    + 2 * std::mem::size_of::<usize>();

/// The bytes one state of `prog` takes in the explorer at the start (its packed size plus
/// [`STATE_OVERHEAD`]): a lower bound for every state of the run, which the page multiplies by
/// the state bound to refuse, before any work, an exploration that cannot fit its budget.
pub fn bytes_per_state(prog: &Program, model: Model) -> usize {
    let mut init = State::initial(prog, model);
    exec::settle(prog, &mut init, &mut Vec::new());
    let mut packed = Vec::new();
    pack::pack(&init, &mut packed);
    packed.len() + STATE_OVERHEAD
}

/// The bytes a final outcome takes in the report: each observed value with its label.
fn bytes_per_outcome(prog: &Program) -> usize {
    let per_value = std::mem::size_of::<(String, i64)>();
    let labels: usize = prog.observe.iter().map(|(l, _)| l.len() + per_value).sum();
    labels + STATE_OVERHEAD
}

/// How far exploration has got, passed to the progress callback.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Distinct states found so far, as the report counts them (with symmetry, each stored
    /// state counts for its whole orbit; `Limits::max_states` bounds the stored ones).
    pub states: usize,
    /// States whose successors have been computed.
    pub expanded: usize,
    /// Transitions followed.
    pub transitions: usize,
    /// Bytes the explorer's store of states holds (packed states, their index, the graph's
    /// edges), counted from the capacities of its vectors: what a memory budget can watch.
    pub bytes: usize,
}

/// How often (in expanded states) the progress callback runs.
const PROGRESS_EVERY: usize = 1024;

/// Explores every schedule of `prog` under `model`. `progress` is called every so often;
/// returning `false` cancels, and the report then says so and holds what was found.
///
/// Threads with identical code are explored up to swapping them ([`symmetry`]), which keeps
/// every count exact on programs without loops. Where the states can loop, counts are of
/// schedules that never take a back edge of the depth-first search, and that search differs
/// between the graph of orbits and the graph of states; so a program found to loop is explored
/// again without symmetry, and its counts are those it always had.
pub fn explore(
    prog: &Program,
    model: Model,
    limits: &Limits,
    progress: &mut dyn FnMut(&Progress) -> bool,
) -> Report {
    if let Some(sym) = Symmetry::of(prog) {
        let r = explore_with(prog, model, limits, progress, Some(sym));
        if !(r.cyclic && r.complete) {
            return r;
        }
    }
    explore_with(prog, model, limits, progress, None)
}

/// [`explore`] without the symmetry reduction: every state is stored, however many threads
/// are alike. The reference that tests and the benchmark compare [`explore`] with.
pub fn explore_unreduced(
    prog: &Program,
    model: Model,
    limits: &Limits,
    progress: &mut dyn FnMut(&Progress) -> bool,
) -> Report {
    explore_with(prog, model, limits, progress, None)
}

/// [`explore`], storing one state per orbit of `sym` if given.
fn explore_with(
    prog: &Program,
    model: Model,
    limits: &Limits,
    progress: &mut dyn FnMut(&Progress) -> bool,
    sym: Option<Symmetry>,
) -> Report {
    let mut init = State::initial(prog, model);
    let mut scratch = Vec::new();
    exec::settle(prog, &mut init, &mut scratch);
    if let Some(sym) = &sym {
        sym.canonicalise(&mut init);
    }
    let mut g = Graph::new(init.clone(), sym);
    let mut packed = Vec::new();
    let h = pack::pack(&init, &mut packed);
    g.insert(&packed, mix(h, packed.len()), NONE);
    g.states = 1;
    // Scratch space reused for every state expanded and every successor: no allocation per
    // step once they have grown to the program's size.
    let mut work = Work {
        st: init.clone(),
        next: init,
        moves: Vec::new(),
        scratch,
        packed,
    };
    let mut stopped = None;
    let mut expanded = 0;
    let outcome_bytes = bytes_per_outcome(prog);
    let mut final_bytes = 0usize;
    while expanded < g.len() {
        if expanded % PROGRESS_EVERY == 0 && expanded > 0 && !progress(&g.progress(expanded)) {
            stopped = Some(Stop::Cancelled);
            break;
        }
        stopped = g.over_limits(limits, final_bytes);
        if stopped.is_some() {
            break;
        }
        g.unpack_into(prog, expanded, &mut work.st);
        exec::choices_into(prog, &work.st, &mut work.moves);
        let status = exec::status_given(prog, &work.st, &work.moves);
        g.status.push(u8::from(status != RunStatus::Running));
        if matches!(status, RunStatus::Finished | RunStatus::FinalFailed { .. }) {
            final_bytes = final_bytes.saturating_add(outcome_bytes);
        }
        if matches!(status, RunStatus::Running | RunStatus::LostWakeup) {
            g.expand(prog, expanded as u32, &mut work);
        }
        g.offsets.push(g.edges.len() as u32);
        expanded += 1;
    }
    progress(&g.progress(expanded));
    g.report(prog, model, stopped)
}

/// What [`explore_with`] reuses for every state it expands: the state, a successor, its
/// choices, `settle`'s scratch, and the packed bytes of a successor.
struct Work {
    st: State,
    next: State,
    moves: Vec<Choice>,
    scratch: Vec<Choice>,
    packed: Vec<u8>,
}

impl Graph {
    /// The bound that stops the search before the next state, if one does: the states stored,
    /// or the bytes held (with `final_bytes`, what the outcomes so far take in the report).
    fn over_limits(&self, limits: &Limits, final_bytes: usize) -> Option<Stop> {
        if self.len() >= limits.max_states {
            return Some(Stop::StateLimit {
                limit: limits.max_states,
            });
        }
        if self.bytes_held().saturating_add(final_bytes) > limits.max_bytes {
            return Some(Stop::MemoryBudget {
                bytes: limits.max_bytes,
            });
        }
        None
    }

    /// Adds the successors of state `from` (unpacked in `w.st`, its choices in `w.moves`):
    /// each settled, canonicalised under symmetry, packed and stored if new, and an edge.
    fn expand(&mut self, prog: &Program, from: u32, w: &mut Work) {
        // Every state of the orbit has as many choices as the one stored.
        let weight = self.sym.as_ref().map_or(1, |sym| sym.orbit_size(&w.st));
        self.transitions += weight * w.moves.len() as u64;
        for &c in &w.moves {
            w.next.clone_from(&w.st);
            exec::apply_unchecked(prog, &mut w.next, c);
            w.scratch.clear();
            exec::settle(prog, &mut w.next, &mut w.scratch);
            if let Some(sym) = &self.sym {
                sym.canonicalise(&mut w.next);
            }
            w.packed.clear();
            let h = pack::pack(&w.next, &mut w.packed);
            let known = self.len();
            let id = self.insert(&w.packed, mix(h, w.packed.len()), from);
            if id as usize == known {
                self.states += self.sym.as_ref().map_or(1, |sym| sym.orbit_size(&w.next));
            }
            self.edges.push(id);
        }
    }
}

/// The states found, their successors (compressed rows: state `i`'s successors are
/// `edges[offsets[i]..offsets[i + 1]]`, in the order of [`exec::choices`]) and how each was
/// first reached.
///
/// Breadth first, states are numbered in order of depth, so the shallowest state with a
/// property is the one with the smallest number, and a state's depth is the length of its
/// parent chain: neither depths nor the choice taken to each state need storing (the choice is
/// the one whose edge leads from the parent to it).
struct Graph {
    /// Every state packed ([`pack`]), one after another; state `i` is
    /// `arena[starts[i]..starts[i + 1]]`.
    arena: Vec<u8>,
    starts: Vec<usize>,
    /// Any state of the program and model, which unpacking needs.
    template: State,
    /// The index from a state to its number: open addressing, linear probing. A slot holds
    /// the high 32 bits of the state's hash above its number (`EMPTY` if none), so most
    /// mismatches are rejected without reading the state, and growing needs no rehashing.
    table: Vec<u64>,
    /// The state each was first reached from (`NONE` for the first).
    parent: Vec<u32>,
    /// Per expanded state, 1 if it ends a run (finished, failed, stuck), else 0; what kind of
    /// end is worked out again for the few that do.
    status: Vec<u8>,
    edges: Vec<u32>,
    offsets: Vec<u32>,
    /// Interchangeable threads, if states are stored one per orbit.
    sym: Option<Symmetry>,
    /// The states and transitions the stored ones stand for: with symmetry, each stored state
    /// counts for the states of its orbit, and its choices for theirs.
    states: u64,
    transitions: u64,
}
const NONE: u32 = u32::MAX;
const EMPTY: u64 = u64::MAX;

/// The hash of a packed state: [`pack::hash_words`] (what [`pack::pack`] returns), mixed once
/// more with the length by MurmurHash3's finaliser. Fx leaves its low bits weak (they depend
/// only on the low bits of the input words) and the index takes a slot from them, so the mix
/// keeps linear probing's runs short.
fn mix(words: u64, len: usize) -> u64 {
    let mut x = pack::fx(words, len as u64);
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

fn hash_of(bytes: &[u8]) -> u64 {
    mix(pack::hash_words(bytes), bytes.len())
}

impl Graph {
    fn new(template: State, sym: Option<Symmetry>) -> Graph {
        Graph {
            arena: Vec::new(),
            starts: vec![0],
            template,
            table: vec![EMPTY; 64],
            parent: Vec::new(),
            status: Vec::new(),
            edges: Vec::new(),
            offsets: vec![0],
            sym,
            states: 0,
            transitions: 0,
        }
    }

    /// How many states have been found.
    fn len(&self) -> usize {
        self.starts.len() - 1
    }

    fn progress(&self, expanded: usize) -> Progress {
        Progress {
            // Every state, as the report counts them (a stored state stands for its orbit), so
            // the last progress the page shows is the report's number.
            states: self.states as usize,
            expanded,
            transitions: self.edges.len(),
            bytes: self.bytes_held(),
        }
    }

    /// The bytes this graph's vectors hold (their capacities), the template aside.
    fn bytes_held(&self) -> usize {
        use std::mem::size_of;
        self.arena.capacity()
            + self.starts.capacity() * size_of::<usize>()
            + self.table.capacity() * size_of::<u64>()
            + (self.parent.capacity() + self.edges.capacity() + self.offsets.capacity()) * 4
            + self.status.capacity()
    }

    #[inline]
    fn bytes(&self, id: usize) -> &[u8] {
        &self.arena[self.starts[id]..self.starts[id + 1]]
    }

    fn state(&self, prog: &Program, id: usize) -> State {
        pack::unpack(self.bytes(id), prog, &self.template)
    }

    fn unpack_into(&self, prog: &Program, id: usize, st: &mut State) {
        pack::unpack_into(self.bytes(id), prog, st);
    }

    /// Finds a packed state, whose [`hash_of`] is `h`, or adds it (first reached from
    /// `parent`), returning its number.
    fn insert(&mut self, st: &[u8], h: u64, parent: u32) -> u32 {
        debug_assert_eq!(h, hash_of(st));
        let tag = h >> 32;
        let mask = self.table.len() - 1;
        let mut at = (h as usize) & mask;
        loop {
            let slot = self.table[at];
            if slot == EMPTY {
                break;
            }
            if slot >> 32 == tag && self.bytes((slot & 0xffff_ffff) as usize) == st {
                return slot as u32;
            }
            at = (at + 1) & mask;
        }
        let id = self.len() as u32;
        self.table[at] = (tag << 32) | u64::from(id);
        self.arena.extend_from_slice(st);
        self.starts.push(self.arena.len());
        self.parent.push(parent);
        // Kept at most three quarters full, so that probes stay short.
        if self.len() * 4 > self.table.len() * 3 {
            self.grow();
        }
        id
    }

    /// Doubles the index; each state's position is hashed again from its bytes in the arena
    /// (the slot keeps only the other half of the hash).
    fn grow(&mut self) {
        let mut table = vec![EMPTY; self.table.len() * 2];
        let mask = table.len() - 1;
        for &slot in &self.table {
            if slot == EMPTY {
                continue;
            }
            let mut at = (hash_of(self.bytes((slot & 0xffff_ffff) as usize)) as usize) & mask;
            while table[at] != EMPTY {
                at = (at + 1) & mask;
            }
            table[at] = slot;
        }
        self.table = table;
    }

    /// The choice that first reached `id` from its parent: the one whose edge leads to it.
    fn choice_to(&self, prog: &Program, id: usize) -> Option<(usize, Choice)> {
        let p = *self.parent.get(id)?;
        if p == NONE {
            return None;
        }
        let p = p as usize;
        let moves = exec::choices(prog, &self.state(prog, p));
        let k = self.succ(p).iter().position(|&to| to as usize == id)?;
        Some((p, *moves.get(k)?))
    }

    /// How many choices lead from the start to `id` along the parent chain.
    fn depth(&self, mut id: usize) -> usize {
        let mut d = 0;
        while let Some(&p) = self.parent.get(id) {
            if p == NONE {
                break;
            }
            id = p as usize;
            d += 1;
        }
        d
    }

    fn succ(&self, id: usize) -> &[u32] {
        match (self.offsets.get(id), self.offsets.get(id + 1)) {
            (Some(&a), Some(&b)) => &self.edges[a as usize..b as usize],
            _ => &[],
        }
    }

    /// The schedule that first reached `id`, local steps included: the choices along the
    /// parent chain, replayed from the start to put back the local steps between them.
    ///
    /// With symmetry, `member` says which state of `id`'s orbit to reach: the one at that
    /// place in [`Symmetry::orbit`].
    fn schedule(&self, prog: &Program, model: Model, id: usize, member: usize) -> Vec<Choice> {
        let mut choices = Vec::new();
        let mut at = id;
        while let Some((p, c)) = self.choice_to(prog, at) {
            choices.push(c);
            at = p;
        }
        choices.reverse();
        if let Some(sym) = &self.sym {
            choices = self.concrete(prog, model, sym, id, member);
        }
        let mut st = State::initial(prog, model);
        let mut out = Vec::new();
        exec::settle(prog, &mut st, &mut out);
        for c in choices {
            exec::apply_unchecked(prog, &mut st, c);
            out.push(c);
            exec::settle(prog, &mut st, &mut out);
        }
        out
    }

    /// The choices of a schedule to `member` (or any state) of orbit `id`, local steps left
    /// out. The parent chain gives the orbits along a shortest path; from each state reached,
    /// the first choice that leads into the next orbit is taken, and the run that ends in the
    /// orbit is then swapped into `member`.
    fn concrete(
        &self,
        prog: &Program,
        model: Model,
        sym: &Symmetry,
        id: usize,
        member: usize,
    ) -> Vec<Choice> {
        let mut path = vec![id];
        while let Some(&p) = self.parent.get(*path.last().unwrap_or(&0)) {
            if p == NONE {
                break;
            }
            path.push(p as usize);
        }
        path.reverse();
        let mut st = State::initial(prog, model);
        let mut local = Vec::new();
        exec::settle(prog, &mut st, &mut local);
        let mut out = Vec::new();
        let mut packed = Vec::new();
        for &to in &path[1..] {
            for c in exec::choices(prog, &st) {
                let mut next = st.clone();
                exec::apply_unchecked(prog, &mut next, c);
                exec::settle(prog, &mut next, &mut local);
                let mut canon = next.clone();
                sym.canonicalise(&mut canon);
                packed.clear();
                pack::pack(&canon, &mut packed);
                if packed == self.bytes(to) {
                    out.push(c);
                    st = next;
                    break;
                }
            }
        }
        let Some((member, _)) = sym.orbit(&self.state(prog, id)).into_iter().nth(member) else {
            return out;
        };
        packed.clear();
        pack::pack(&member, &mut packed);
        let mut swapped = Vec::new();
        for p in sym.perms() {
            let mut st = st.clone();
            symmetry::permute(&mut st, &p);
            swapped.clear();
            pack::pack(&st, &mut swapped);
            if swapped == packed {
                return out.iter().map(|&c| symmetry::map_choice(c, &p)).collect();
            }
        }
        out
    }

    /// Orders states so that every edge that is not a back edge goes forward, and says which
    /// edges (by index into `edges`) are back edges.
    fn topological(&self) -> (Vec<u32>, Bits) {
        let n = self.len();
        let mut colour = vec![0u8; n];
        let mut back = Bits::new(self.edges.len());
        let mut post = Vec::with_capacity(n);
        let mut stack: Vec<(usize, usize)> = vec![(0, 0)];
        colour[0] = 1;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            let start = self.offsets.get(node).copied().unwrap_or(0) as usize;
            let succ = self.succ(node);
            if *next < succ.len() {
                let e = start + *next;
                *next += 1;
                let to = succ[e - start] as usize;
                match colour[to] {
                    0 => {
                        colour[to] = 1;
                        stack.push((to, 0));
                    }
                    1 => back.set(e),
                    _ => {}
                }
            } else {
                colour[node] = 2;
                post.push(node as u32);
                stack.pop();
            }
        }
        post.reverse();
        (post, back)
    }

    fn report(mut self, prog: &Program, model: Model, stopped: Option<Stop>) -> Report {
        // The index is not needed any more: its memory goes to counting.
        self.table = Vec::new();
        let (order, back) = self.topological();
        let paths = self.path_counts(&order, &back);
        let mut failures = FailureSet::default();
        let (outcomes, failed) = self.ends(prog, &paths);
        for ((kind, detail), (count, id, m)) in failed {
            let schedule = self.schedule(prog, model, id, m);
            failures.add(kind, detail, &schedule, count);
        }
        let cyclic = back.any();
        // Without a loop every schedule ends, since every state that does not end a run has a
        // successor.
        if stopped.is_none() && cyclic {
            self.livelocks(prog, model, &paths, &mut failures);
        }
        let mut outcomes: Vec<OutcomeCount> = outcomes
            .into_iter()
            .map(|(outcome, (count, id, m))| OutcomeCount {
                outcome,
                count,
                schedule: self.schedule(prog, model, id, m),
            })
            .collect();
        outcomes.sort_by(|a, b| a.outcome.cmp(&b.outcome));
        Report {
            model,
            outcomes,
            failures: failures.sorted(),
            states: self.states as usize,
            transitions: self.transitions as usize,
            stored: self.len(),
            max_depth: self.depth(self.len().saturating_sub(1)),
            complete: stopped.is_none(),
            stopped,
            cyclic,
        }
    }

    /// How many schedules reach each state, taking no back edge: summed in topological `order`.
    fn path_counts(&self, order: &[u32], back: &Bits) -> Vec<u64> {
        let mut paths = vec![0u64; self.len()];
        paths[0] = 1;
        for &node in order {
            let node = node as usize;
            let start = self.offsets.get(node).copied().unwrap_or(0) as usize;
            for (k, &to) in self.succ(node).iter().enumerate() {
                if !back.get(start + k) {
                    paths[to as usize] = paths[to as usize].saturating_add(paths[node]);
                }
            }
        }
        paths
    }

    /// Where schedules end: each outcome and each failure with its number of schedules and
    /// the first state (and, with symmetry, which state of its orbit) that ends in it.
    fn ends(
        &self,
        prog: &Program,
        paths: &[u64],
    ) -> (HashMap<Outcome, End>, HashMap<Failure, End>) {
        let mut outcomes: HashMap<Outcome, End> = HashMap::new();
        let mut failed: HashMap<Failure, End> = HashMap::new();
        // States in order of number, so in order of depth: the first state of each outcome
        // and failure is a shallowest one, and its schedule is rebuilt.
        for (id, &ends) in self.status.iter().enumerate() {
            if ends == 0 {
                continue;
            }
            let st = self.state(prog, id);
            // An orbit's schedules are shared equally by its states (see `symmetry`).
            let members: Vec<State> = match &self.sym {
                Some(sym) => sym.orbit(&st).into_iter().map(|(m, _)| m).collect(),
                None => vec![st],
            };
            let share = paths[id] / members.len() as u64;
            debug_assert!(paths[id] == u64::MAX || share * members.len() as u64 == paths[id]);
            for (k, st) in members.iter().enumerate() {
                let status = exec::status(prog, st);
                if matches!(status, RunStatus::Finished | RunStatus::FinalFailed { .. }) {
                    let e = outcomes.entry(st.outcome(prog)).or_insert((0, id, k));
                    e.0 = e.0.saturating_add(share);
                }
                if let Some(failure) = failure_of(prog, st, status) {
                    let e = failed.entry(failure).or_insert((0, id, k));
                    e.0 = e.0.saturating_add(share);
                }
            }
        }
        (outcomes, failed)
    }

    /// Predecessors in compressed rows, as the successors are: state `i`'s are
    /// `pred[first[i]..first[i + 1]]`; returns `(first, pred)`.
    fn predecessors(&self) -> (Vec<u32>, Vec<u32>) {
        let n = self.len();
        let mut first = vec![0u32; n + 1];
        for &to in &self.edges {
            first[to as usize + 1] += 1;
        }
        for i in 0..n {
            first[i + 1] += first[i];
        }
        let mut fill = first.clone();
        let mut pred = vec![0u32; self.edges.len()];
        for from in 0..n {
            for &to in self.succ(from) {
                pred[fill[to as usize] as usize] = from as u32;
                fill[to as usize] += 1;
            }
        }
        (first, pred)
    }

    /// States from which no schedule ever ends: the threads loop forever. Reported once per
    /// program, at the shallowest such state.
    fn livelocks(&self, prog: &Program, model: Model, paths: &[u64], failures: &mut FailureSet) {
        let n = self.len();
        let (first, pred) = self.predecessors();
        let preds = |i: usize| &pred[first[i] as usize..first[i + 1] as usize];
        let mut can_end = vec![false; n];
        let mut work: Vec<usize> = (0..n)
            .filter(|&i| self.status.get(i).is_some_and(|&ends| ends != 0))
            .collect();
        for &i in &work {
            can_end[i] = true;
        }
        while let Some(i) = work.pop() {
            for &p in preds(i) {
                if !can_end[p as usize] {
                    can_end[p as usize] = true;
                    work.push(p as usize);
                }
            }
        }
        let stuck: Vec<usize> = (0..n).filter(|&i| !can_end[i]).collect();
        // The first in number is a shallowest.
        let Some(&first) = stuck.first() else {
            return;
        };
        let entering: u64 = stuck
            .iter()
            .filter(|&&i| preds(i).iter().any(|&p| can_end[p as usize]) || i == 0)
            .map(|&i| paths[i])
            .fold(0u64, |a, b| a.saturating_add(b));
        let st = &self.state(prog, first);
        let threads: Vec<ThreadAt> = (0..st.threads.len())
            .filter(|&t| !st.done(prog, t))
            .map(|t| ThreadAt {
                thread: prog.threads[t].name.clone(),
                line: line_of(prog, t, st.threads[t].pc),
            })
            .collect();
        failures.add(
            FailureKind::Livelock,
            FailureDetail::Livelock { threads },
            &self.schedule(prog, model, first, 0),
            entering,
        );
    }
}

/// Where schedules end in an outcome or a failure: how many, the number of the first state,
/// and which state of its orbit.
type End = (u64, usize, usize);

/// A failure as the report names it.
type Failure = (FailureKind, FailureDetail);

/// A vector of bits.
struct Bits(Vec<u64>);

impl Bits {
    fn new(n: usize) -> Bits {
        Bits(vec![0; n.div_ceil(64)])
    }

    fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }

    fn get(&self, i: usize) -> bool {
        self.0[i / 64] >> (i % 64) & 1 != 0
    }

    fn any(&self) -> bool {
        self.0.iter().any(|&w| w != 0)
    }
}
