//! A compact byte encoding of [`State`], so the explorer can keep hundreds of thousands of
//! states in a browser tab.
//!
//! A state is a tree of small vectors; cloned as is it costs several hundred bytes and a dozen
//! allocations. Packed it is a few dozen bytes of variable-length integers in one shared arena.
//! The encoding is canonical (equal states give equal bytes), so the explorer compares and
//! hashes bytes instead of states. Sizes that the program fixes (threads, variables, slots) are
//! not written; everything whose length varies is.

use super::model::ra::{Msg, RaMemory, ThreadViews};
use super::model::{ScMemory, TsoMemory};
use super::program::Program;
use super::state::{Fault, FaultKind, Memory, State, ThreadState};

/// Appends `st` to `out`.
pub fn pack(st: &State, out: &mut Vec<u8>) {
    let mut w = Writer(out);
    for th in &st.threads {
        w.uint(th.pc as u64);
        w.opt(th.waiting);
        th.slots.iter().for_each(|&v| w.int(v));
    }
    st.owners.iter().for_each(|&o| w.opt(o));
    st.sems.iter().for_each(|&v| w.int(v));
    for q in &st.waiters {
        w.uint(q.len() as u64);
        q.iter().for_each(|&t| w.uint(t as u64));
    }
    match st.fault {
        None => w.uint(0),
        Some(f) => {
            w.uint(1 + f.kind as u64);
            w.uint(f.thread as u64);
            w.uint(f.pc as u64);
        }
    }
    match &st.mem {
        Memory::Sc(ScMemory(mem)) => mem.iter().for_each(|&v| w.int(v)),
        Memory::Tso(TsoMemory { mem, buffers }) => {
            mem.iter().for_each(|&v| w.int(v));
            for b in buffers {
                w.uint(b.len() as u64);
                for &(var, v) in b {
                    w.uint(var as u64);
                    w.int(v);
                }
            }
        }
        Memory::Ra(ra) => {
            for loc in &ra.locs {
                w.uint(loc.len() as u64);
                for m in loc {
                    w.int(m.value);
                    w.uint(u64::from(m.rmw));
                    w.view(&m.view);
                }
            }
            for tv in &ra.threads {
                w.view(&tv.cur);
                w.view(&tv.acq);
                w.view(&tv.rel);
            }
            w.view(&ra.sc);
            ra.mutexes.iter().for_each(|v| w.view(v));
            ra.sems.iter().for_each(|v| w.view(v));
        }
    }
}

/// Rebuilds a state packed by [`pack`] for the same program; `like` is any state of that
/// program and model (it supplies the sizes and the model).
pub fn unpack(bytes: &[u8], prog: &Program, like: &State) -> State {
    let mut r = Reader { bytes, at: 0 };
    let nvars = prog.vars.len();
    let threads = prog
        .threads
        .iter()
        .map(|code| ThreadState {
            pc: r.uint() as usize,
            waiting: r.opt(),
            slots: (0..code.slots.len()).map(|_| r.int()).collect(),
        })
        .collect();
    let owners = (0..prog.mutexes.len()).map(|_| r.opt()).collect();
    let sems = (0..prog.semaphores.len()).map(|_| r.int()).collect();
    let waiters = (0..prog.condvars.len())
        .map(|_| {
            let n = r.uint() as usize;
            (0..n).map(|_| r.uint() as usize).collect()
        })
        .collect();
    let fault = match r.uint() {
        0 => None,
        k => Some(Fault {
            kind: match k - 1 {
                0 => FaultKind::Assert,
                1 => FaultKind::DivByZero,
                2 => FaultKind::UnlockNotHeld,
                _ => FaultKind::WaitWithoutMutex,
            },
            thread: r.uint() as usize,
            pc: r.uint() as usize,
        }),
    };
    let n = prog.threads.len();
    let mem = match &like.mem {
        Memory::Sc(_) => Memory::Sc(ScMemory((0..nvars).map(|_| r.int()).collect())),
        Memory::Tso(_) => {
            let mem = (0..nvars).map(|_| r.int()).collect();
            let buffers = (0..n)
                .map(|_| {
                    let len = r.uint() as usize;
                    (0..len).map(|_| (r.uint() as usize, r.int())).collect()
                })
                .collect();
            Memory::Tso(TsoMemory { mem, buffers })
        }
        Memory::Ra(_) => {
            let locs = (0..nvars)
                .map(|_| {
                    let len = r.uint() as usize;
                    (0..len)
                        .map(|_| Msg {
                            value: r.int(),
                            rmw: r.uint() != 0,
                            view: r.view(nvars),
                        })
                        .collect()
                })
                .collect();
            let threads = (0..n)
                .map(|_| ThreadViews {
                    cur: r.view(nvars),
                    acq: r.view(nvars),
                    rel: r.view(nvars),
                })
                .collect();
            Memory::Ra(RaMemory {
                locs,
                threads,
                sc: r.view(nvars),
                mutexes: (0..prog.mutexes.len()).map(|_| r.view(nvars)).collect(),
                sems: (0..prog.semaphores.len()).map(|_| r.view(nvars)).collect(),
            })
        }
    };
    State {
        threads,
        owners,
        sems,
        waiters,
        mem,
        fault,
    }
}

struct Writer<'a>(&'a mut Vec<u8>);

impl Writer<'_> {
    /// LEB128: seven bits a byte, high bit set while more follow.
    fn uint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }

    /// Zigzag first, so that small negative numbers stay short.
    fn int(&mut self, v: i64) {
        self.uint(((v << 1) ^ (v >> 63)) as u64);
    }

    fn opt(&mut self, v: Option<usize>) {
        self.uint(v.map(|x| x as u64 + 1).unwrap_or(0));
    }

    fn view(&mut self, v: &[u32]) {
        v.iter().for_each(|&x| self.uint(u64::from(x)));
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn uint(&mut self) -> u64 {
        let mut v = 0u64;
        let mut shift = 0;
        while let Some(&b) = self.bytes.get(self.at) {
            self.at += 1;
            if shift < 64 {
                v |= u64::from(b & 0x7f) << shift;
            }
            shift += 7;
            if b < 0x80 {
                break;
            }
        }
        v
    }

    fn int(&mut self) -> i64 {
        let u = self.uint();
        ((u >> 1) as i64) ^ -((u & 1) as i64)
    }

    fn opt(&mut self) -> Option<usize> {
        match self.uint() {
            0 => None,
            v => Some((v - 1) as usize),
        }
    }

    fn view(&mut self, n: usize) -> Vec<u32> {
        (0..n).map(|_| self.uint() as u32).collect()
    }
}
