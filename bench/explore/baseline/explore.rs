//! The exhaustive scheduler: visits every reachable state once, breadth first.
//!
//! Breadth first, so the first schedule found to any state is a shortest one. Equal states are
//! cached (two schedules that meet share everything after), and the number of schedules to each
//! final state is counted afterwards by dynamic programming over the graph of states, so
//! counting costs no more than visiting. Local steps run as soon as they are reached
//! ([`exec::settle`]), since when they run changes nothing.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::choice::Choice;
use super::exec::{self, RunStatus};
use super::pack;
use super::program::Program;
use super::report::{failure_of, line_of, FailureSet};
use super::report::{FailureDetail, FailureKind, OutcomeCount, Report, Stop, ThreadAt};
use super::state::{Model, Outcome, State};

pub use queue_playground::sim::explore::Limits;

/// How far exploration has got, passed to the progress callback.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Distinct states found so far.
    pub states: usize,
    /// States whose successors have been computed.
    pub expanded: usize,
    /// Transitions followed.
    pub transitions: usize,
}

/// How often (in expanded states) the progress callback runs.
const PROGRESS_EVERY: usize = 1024;

/// Explores every schedule of `prog` under `model`. `progress` is called every so often;
/// returning `false` cancels, and the report then says so and holds what was found.
pub fn explore(
    prog: &Program,
    model: Model,
    limits: &Limits,
    progress: &mut dyn FnMut(&Progress) -> bool,
) -> Report {
    let mut init = State::initial(prog, model);
    let mut scratch = Vec::new();
    exec::settle(prog, &mut init, &mut scratch);
    scratch.clear();
    let mut g = Graph::new(init.clone());
    let mut packed = Vec::new();
    pack::pack(&init, &mut packed);
    g.insert(&packed, None);
    let mut stopped = None;
    let mut expanded = 0;
    while expanded < g.len() {
        if expanded % PROGRESS_EVERY == 0 && expanded > 0 {
            let p = Progress {
                states: g.len(),
                expanded,
                transitions: g.edges.len(),
            };
            if !progress(&p) {
                stopped = Some(Stop::Cancelled);
                break;
            }
        }
        if g.len() >= limits.max_states {
            stopped = Some(Stop::StateLimit {
                limit: limits.max_states,
            });
            break;
        }
        let st = g.state(prog, expanded);
        let moves = exec::choices(prog, &st);
        let status = exec::status_given(prog, &st, &moves);
        g.status.push(status);
        if matches!(status, RunStatus::Running | RunStatus::LostWakeup) {
            for c in moves {
                let mut next = st.clone();
                exec::apply_unchecked(prog, &mut next, c);
                exec::settle(prog, &mut next, &mut scratch);
                scratch.clear();
                packed.clear();
                pack::pack(&next, &mut packed);
                let id = g.insert(&packed, Some((expanded, c)));
                g.edges.push(id);
            }
        }
        g.offsets.push(g.edges.len() as u32);
        expanded += 1;
    }
    progress(&Progress {
        states: g.len(),
        expanded,
        transitions: g.edges.len(),
    });
    g.report(prog, model, stopped)
}

/// The states found, their successors (compressed rows: state `i`'s successors are
/// `edges[offsets[i]..offsets[i + 1]]`) and how each was first reached.
struct Graph {
    /// Every state packed ([`pack`]), one after another; state `i` is
    /// `arena[starts[i]..starts[i + 1]]`.
    arena: Vec<u8>,
    starts: Vec<usize>,
    /// Any state of the program and model, which unpacking needs.
    template: State,
    /// Hash of a state to the first state with that hash; `chain` links the others.
    index: HashMap<u64, u32, BuildHasherDefault<Fx>>,
    chain: Vec<u32>,
    /// How each state was first reached: its parent and the choice taken there.
    parent: Vec<Option<(u32, Choice)>>,
    depth: Vec<u32>,
    /// The status of each expanded state.
    status: Vec<RunStatus>,
    edges: Vec<u32>,
    offsets: Vec<u32>,
}

/// The Fx hash (from rustc): much faster than SipHash on the many small integers of a state,
/// and hash flooding is no concern for states we generate ourselves.
#[derive(Default, Clone, Copy)]
struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_u8(&mut self, i: u8) {
        self.write_u64(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.write_u64(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }

    fn write_i64(&mut self, i: i64) {
        self.write_u64(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

const NONE: u32 = u32::MAX;

fn hash_of(bytes: &[u8]) -> u64 {
    let mut h = Fx::default();
    h.write(bytes);
    h.finish()
}

impl Graph {
    fn new(template: State) -> Graph {
        Graph {
            arena: Vec::new(),
            starts: vec![0],
            template,
            index: HashMap::default(),
            chain: Vec::new(),
            parent: Vec::new(),
            depth: Vec::new(),
            status: Vec::new(),
            edges: Vec::new(),
            offsets: vec![0],
        }
    }

    /// How many states have been found.
    fn len(&self) -> usize {
        self.starts.len() - 1
    }

    fn bytes(&self, id: usize) -> &[u8] {
        &self.arena[self.starts[id]..self.starts[id + 1]]
    }

    fn state(&self, prog: &Program, id: usize) -> State {
        pack::unpack(self.bytes(id), prog, &self.template)
    }

    /// Finds a packed state or adds it, returning its id. The index maps hashes to ids so that
    /// each state is stored once.
    fn insert(&mut self, st: &[u8], parent: Option<(usize, Choice)>) -> u32 {
        let h = hash_of(st);
        let id = self.len() as u32;
        let mut at = match self.index.get(&h) {
            Some(&first) => first,
            None => {
                self.index.insert(h, id);
                NONE
            }
        };
        while at != NONE {
            if self.bytes(at as usize) == st {
                return at;
            }
            let next = self.chain[at as usize];
            if next == NONE {
                self.chain[at as usize] = id;
            }
            at = next;
        }
        self.chain.push(NONE);
        self.arena.extend_from_slice(st);
        self.starts.push(self.arena.len());
        self.depth
            .push(parent.map(|(p, _)| self.depth[p] + 1).unwrap_or(0));
        self.parent.push(parent.map(|(p, c)| (p as u32, c)));
        id
    }

    fn succ(&self, id: usize) -> &[u32] {
        match (self.offsets.get(id), self.offsets.get(id + 1)) {
            (Some(&a), Some(&b)) => &self.edges[a as usize..b as usize],
            _ => &[],
        }
    }

    /// The schedule that first reached `id`, local steps included: the choices along the
    /// parent chain, replayed from the start to put back the local steps between them.
    fn schedule(&self, prog: &Program, model: Model, id: usize) -> Vec<Choice> {
        let mut choices = Vec::new();
        let mut at = id;
        while let Some((p, c)) = self.parent[at] {
            choices.push(c);
            at = p as usize;
        }
        let mut st = State::initial(prog, model);
        let mut out = Vec::new();
        exec::settle(prog, &mut st, &mut out);
        for c in choices.into_iter().rev() {
            exec::apply_unchecked(prog, &mut st, c);
            out.push(c);
            exec::settle(prog, &mut st, &mut out);
        }
        out
    }

    /// Orders states so that every edge that is not a back edge goes forward, and says which
    /// edges (by index into `edges`) are back edges.
    fn topological(&self) -> (Vec<u32>, Vec<bool>) {
        let n = self.len();
        let mut colour = vec![0u8; n];
        let mut back = vec![false; self.edges.len()];
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
                    1 => back[e] = true,
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

    fn report(&self, prog: &Program, model: Model, stopped: Option<Stop>) -> Report {
        let (order, back) = self.topological();
        let mut paths = vec![0u64; self.len()];
        paths[0] = 1;
        for &node in &order {
            let node = node as usize;
            let start = self.offsets.get(node).copied().unwrap_or(0) as usize;
            for (k, &to) in self.succ(node).iter().enumerate() {
                if !back[start + k] {
                    paths[to as usize] = paths[to as usize].saturating_add(paths[node]);
                }
            }
        }
        let mut outcomes: HashMap<Outcome, (u64, usize)> = HashMap::new();
        let mut failures = FailureSet::default();
        let mut failed: HashMap<(FailureKind, FailureDetail), (u64, usize)> = HashMap::new();
        for (id, &status) in self.status.iter().enumerate() {
            if status == RunStatus::Running {
                continue;
            }
            let st = &self.state(prog, id);
            if matches!(status, RunStatus::Finished | RunStatus::FinalFailed { .. }) {
                let e = outcomes.entry(st.outcome(prog)).or_insert((0, id));
                e.0 = e.0.saturating_add(paths[id]);
                if self.depth[id] < self.depth[e.1] {
                    e.1 = id;
                }
            }
            if let Some(failure) = failure_of(prog, st, status) {
                // Schedules are rebuilt only for the shallowest state of each failure.
                let e = failed.entry(failure).or_insert((0, id));
                e.0 = e.0.saturating_add(paths[id]);
                if self.depth[id] < self.depth[e.1] {
                    e.1 = id;
                }
            }
        }
        for ((kind, detail), (count, id)) in failed {
            failures.add(kind, detail, &self.schedule(prog, model, id), count);
        }
        if stopped.is_none() {
            self.livelocks(prog, model, &paths, &mut failures);
        }
        let mut outcomes: Vec<OutcomeCount> = outcomes
            .into_iter()
            .map(|(outcome, (count, id))| OutcomeCount {
                outcome,
                count,
                schedule: self.schedule(prog, model, id),
            })
            .collect();
        outcomes.sort_by(|a, b| a.outcome.cmp(&b.outcome));
        Report {
            model,
            outcomes,
            failures: failures.sorted(),
            states: self.len(),
            transitions: self.edges.len(),
            stored: self.len(),
            max_depth: self.depth.iter().copied().max().unwrap_or(0) as usize,
            complete: stopped.is_none(),
            stopped,
            cyclic: back.iter().any(|&b| b),
        }
    }

    /// States from which no schedule ever ends: the threads loop forever. Reported once per
    /// program, at the shallowest such state.
    fn livelocks(&self, prog: &Program, model: Model, paths: &[u64], failures: &mut FailureSet) {
        let n = self.len();
        let mut preds: Vec<Vec<u32>> = vec![Vec::new(); n];
        for from in 0..n {
            for &to in self.succ(from) {
                preds[to as usize].push(from as u32);
            }
        }
        let mut can_end = vec![false; n];
        let mut work: Vec<usize> = (0..n)
            .filter(|&i| self.status.get(i).is_some_and(|s| *s != RunStatus::Running))
            .collect();
        for &i in &work {
            can_end[i] = true;
        }
        while let Some(i) = work.pop() {
            for &p in &preds[i] {
                if !can_end[p as usize] {
                    can_end[p as usize] = true;
                    work.push(p as usize);
                }
            }
        }
        let stuck: Vec<usize> = (0..n).filter(|&i| !can_end[i]).collect();
        let Some(&first) = stuck.iter().min_by_key(|&&i| self.depth[i]) else {
            return;
        };
        let entering: u64 = stuck
            .iter()
            .filter(|&&i| preds[i].iter().any(|&p| can_end[p as usize]) || i == 0)
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
            &self.schedule(prog, model, first),
            entering,
        );
    }
}
