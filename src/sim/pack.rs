//! A compact byte encoding of [`State`], so the explorer can keep hundreds of thousands of
//! states in a browser tab.
//!
//! A state is a tree of small vectors; cloned as is it costs several hundred bytes and a dozen
//! allocations. Packed it is a few dozen bytes of variable-length integers in one shared arena.
//! The encoding is canonical (equal states give equal bytes), so the explorer compares and
//! hashes bytes instead of states. Sizes that the program fixes (threads, variables, slots) are
//! not written; everything whose length varies is.
//!
//! The integers are written in nibbles, not bytes: three bits of value and a bit that says
//! more follow. Almost every number in a state (a program counter, a small value, a message
//! position in a view) is below 8, and with bytes half of every byte was zeros: nibbles took the
//! release/acquire states of the 3×8 program from 102 bytes to 50 (measured). A message's view
//! of its own variable is its own position, so it is not written; and whether it was written
//! by a read-modify-write rides in the low bit of its value.

use super::model::ra::{Msg, RaMemory, ThreadViews};
use super::model::{ScMemory, TsoMemory};
use super::program::Program;
use super::state::{Fault, FaultKind, Memory, State, ThreadState};

/// Appends `st` to `out`; returns the [`hash_words`] of the bytes appended, computed on the
/// way (the explorer needs it, and a second pass over the bytes cost 5% of its time).
pub fn pack(st: &State, out: &mut Vec<u8>) -> u64 {
    let mut w = Writer {
        out,
        acc: 0,
        bits: 0,
        hash: 0,
    };
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
        Memory::Ra(ra) => pack_ra(ra, &mut w),
    }
    w.finish()
}

/// The release/acquire memory: each variable's messages (a message's view of its own variable
/// is its position, so it is not written), then every view.
fn pack_ra(ra: &RaMemory, w: &mut Writer<'_>) {
    for (var, loc) in ra.locs.iter().enumerate() {
        w.uint(loc.len() as u64);
        for (pos, m) in loc.iter().enumerate() {
            debug_assert_eq!(m.view.get(var).map(|&p| p as usize), Some(pos));
            w.uint((zigzag(m.value) << 1) | u64::from(m.rmw));
            for (v, &p) in m.view.iter().enumerate() {
                if v != var {
                    w.uint(u64::from(p));
                }
            }
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

/// One step of the Fx hash (from rustc): fast on the few words of a state, and hash flooding
/// is no concern for states the explorer makes itself.
#[inline]
pub fn fx(hash: u64, word: u64) -> u64 {
    (hash.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95)
}

/// The Fx hash of `bytes` read as little-endian 64-bit words, the last one padded with zeros.
pub fn hash_words(bytes: &[u8]) -> u64 {
    bytes.chunks(8).fold(0, |h, chunk| {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        fx(h, u64::from_le_bytes(word))
    })
}

/// Rebuilds a state packed by [`pack`] for the same program; `like` is any state of that
/// program and model (it supplies the sizes and the model).
pub fn unpack(bytes: &[u8], prog: &Program, like: &State) -> State {
    let mut st = like.clone();
    unpack_into(bytes, prog, &mut st);
    st
}

/// [`unpack`] into `st`, a state of the same program and model, reusing its vectors: the
/// explorer unpacks every state it expands into the same one.
pub fn unpack_into(bytes: &[u8], prog: &Program, st: &mut State) {
    let mut r = Reader {
        bytes,
        at: 0,
        half: false,
    };
    let nvars = prog.vars.len();
    let n = prog.threads.len();
    unpack_threads(&mut r, prog, st);
    st.fault = unpack_fault(&mut r);
    match &mut st.mem {
        Memory::Sc(ScMemory(mem)) => {
            mem.resize(nvars, 0);
            mem.iter_mut().for_each(|x| *x = r.int());
        }
        Memory::Tso(TsoMemory { mem, buffers }) => {
            mem.resize(nvars, 0);
            mem.iter_mut().for_each(|x| *x = r.int());
            buffers.resize_with(n, Vec::new);
            for b in buffers.iter_mut() {
                let len = r.uint() as usize;
                b.clear();
                b.extend((0..len).map(|_| (r.uint() as usize, r.int())));
            }
        }
        Memory::Ra(ra) => unpack_ra(&mut r, prog, ra),
    }
}

/// The threads (program counter, what each waits for, registers) and the synchronisation
/// objects (mutex owners, semaphore counts, condition variable queues).
fn unpack_threads(r: &mut Reader<'_>, prog: &Program, st: &mut State) {
    st.threads.resize_with(prog.threads.len(), || ThreadState {
        pc: 0,
        slots: Vec::new(),
        waiting: None,
    });
    for (th, code) in st.threads.iter_mut().zip(&prog.threads) {
        th.pc = r.uint() as usize;
        th.waiting = r.opt();
        th.slots.resize(code.slots.len(), 0);
        th.slots.iter_mut().for_each(|x| *x = r.int());
    }
    // Resizing is a no-op once the vectors have the program's sizes; filling in place then
    // costs a third of extending (measured with callgrind in the size-optimised build).
    st.owners.resize(prog.mutexes.len(), None);
    st.owners.iter_mut().for_each(|x| *x = r.opt());
    st.sems.resize(prog.semaphores.len(), 0);
    st.sems.iter_mut().for_each(|x| *x = r.int());
    st.waiters.resize_with(prog.condvars.len(), Vec::new);
    for q in &mut st.waiters {
        let len = r.uint() as usize;
        q.clear();
        q.extend((0..len).map(|_| r.uint() as usize));
    }
}

fn unpack_fault(r: &mut Reader<'_>) -> Option<Fault> {
    match r.uint() {
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
    }
}

/// The release/acquire memory, as [`pack_ra`] wrote it.
fn unpack_ra(r: &mut Reader<'_>, prog: &Program, ra: &mut RaMemory) {
    let nvars = prog.vars.len();
    ra.locs.resize_with(nvars, Vec::new);
    for (var, loc) in ra.locs.iter_mut().enumerate() {
        let len = r.uint() as usize;
        loc.truncate(len);
        let empty = || Msg {
            value: 0,
            view: Vec::new(),
            rmw: false,
        };
        loc.resize_with(len, empty);
        for (pos, m) in loc.iter_mut().enumerate() {
            let v = r.uint();
            m.value = unzigzag(v >> 1);
            m.rmw = v & 1 != 0;
            m.view.resize(nvars, 0);
            for (v, p) in m.view.iter_mut().enumerate() {
                *p = if v == var {
                    pos as u32
                } else {
                    r.uint() as u32
                };
            }
        }
    }
    let empty = || ThreadViews {
        cur: Vec::new(),
        acq: Vec::new(),
        rel: Vec::new(),
    };
    ra.threads.resize_with(prog.threads.len(), empty);
    for tv in &mut ra.threads {
        r.view_into(nvars, &mut tv.cur);
        r.view_into(nvars, &mut tv.acq);
        r.view_into(nvars, &mut tv.rel);
    }
    r.view_into(nvars, &mut ra.sc);
    ra.mutexes.resize_with(prog.mutexes.len(), Vec::new);
    for v in &mut ra.mutexes {
        r.view_into(nvars, v);
    }
    ra.sems.resize_with(prog.semaphores.len(), Vec::new);
    for v in &mut ra.sems {
        r.view_into(nvars, v);
    }
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(u: u64) -> i64 {
    ((u >> 1) as i64) ^ -((u & 1) as i64)
}

/// Appends nibbles to `out`, low half of each byte first. They gather in `acc` (`bits` of it
/// used) and go out eight bytes at a time: pushing each nibble was a fifth of the explorer's
/// time in the size-optimised build (measured with perf). The unused half of a last byte is
/// 0, so the bytes stay canonical. Call [`Writer::finish`] at the end.
struct Writer<'a> {
    out: &'a mut Vec<u8>,
    acc: u64,
    bits: u32,
    /// [`hash_words`] of the words written out so far.
    hash: u64,
}

// Only `nibble` is forced inline (into `uint`); forcing `uint`, `int`, `opt` and the reader's
// too made the lab's wasm 7 KB larger (measured) for about 15% of the native explorer's speed.
impl Writer<'_> {
    #[inline(always)]
    fn nibble(&mut self, n: u8) {
        self.acc |= u64::from(n) << self.bits;
        self.bits += 4;
        if self.bits == 64 {
            self.out.extend_from_slice(&self.acc.to_le_bytes());
            self.hash = fx(self.hash, self.acc);
            (self.acc, self.bits) = (0, 0);
        }
    }

    /// Three bits a nibble, low bits first, the high bit set while more follow.
    #[inline]
    fn uint(&mut self, mut v: u64) {
        while v >= 8 {
            self.nibble((v as u8 & 7) | 8);
            v >>= 3;
        }
        self.nibble(v as u8);
    }

    /// Zigzag first, so that small negative numbers stay short.
    #[inline]
    fn int(&mut self, v: i64) {
        self.uint(zigzag(v));
    }

    #[inline]
    fn opt(&mut self, v: Option<usize>) {
        self.uint(v.map(|x| x as u64 + 1).unwrap_or(0));
    }

    fn view(&mut self, v: &[u32]) {
        v.iter().for_each(|&x| self.uint(u64::from(x)));
    }

    /// Writes out the nibbles still gathered; returns the hash of all the words.
    fn finish(self) -> u64 {
        let bytes = self.bits.div_ceil(8) as usize;
        self.out.extend_from_slice(&self.acc.to_le_bytes()[..bytes]);
        if bytes > 0 {
            fx(self.hash, self.acc)
        } else {
            self.hash
        }
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    half: bool,
}

impl Reader<'_> {
    #[inline(always)]
    fn nibble(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        let n = if self.half {
            self.at += 1;
            b >> 4
        } else {
            b & 15
        };
        self.half = !self.half;
        Some(n)
    }

    #[inline]
    fn uint(&mut self) -> u64 {
        let mut v = 0u64;
        let mut shift = 0;
        while let Some(n) = self.nibble() {
            if shift < 64 {
                v |= u64::from(n & 7) << shift;
            }
            shift += 3;
            if n < 8 {
                break;
            }
        }
        v
    }

    fn int(&mut self) -> i64 {
        unzigzag(self.uint())
    }

    fn opt(&mut self) -> Option<usize> {
        match self.uint() {
            0 => None,
            v => Some((v - 1) as usize),
        }
    }

    fn view_into(&mut self, n: usize, v: &mut Vec<u32>) {
        v.resize(n, 0);
        v.iter_mut().for_each(|x| *x = self.uint() as u32);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{exec, parse, Model};

    #[test]
    fn packing_round_trips_along_random_runs() {
        let prog = parse(
            "shared x = -5, y = 0\nmutex m\nsemaphore s = 1\ncondvar c\n\
             thread A { m.lock()\n x = x - 100\n y.store(3, release)\n c.notify_one()\n m.unlock() }\n\
             thread B { s.wait()\n r = y.load(acquire)\n r = x.fetch_add(r)\n s.signal() }",
        )
        .unwrap();
        for model in Model::ALL {
            let mut st = State::initial(&prog, model);
            let like = st.clone();
            let mut seen = Vec::new();
            for i in 0..40 {
                let mut bytes = Vec::new();
                let hash = pack(&st, &mut bytes);
                assert_eq!(hash, hash_words(&bytes), "{model:?} step {i}");
                assert_eq!(unpack(&bytes, &prog, &like), st, "{model:?} step {i}");
                seen.push((bytes, st.clone()));
                let cs = exec::choices(&prog, &st);
                let Some(&c) = cs.get(i % cs.len().max(1)) else {
                    break;
                };
                exec::apply(&prog, &mut st, c);
            }
            // Unpacking over a state that held another, later or earlier, as the explorer does.
            assert!(seen.len() > 5, "{model:?}");
            let mut scratch = st.clone();
            for (bytes, want) in seen.iter().rev().chain(seen.iter()) {
                unpack_into(bytes, &prog, &mut scratch);
                assert_eq!(&scratch, want, "{model:?}");
            }
        }
    }
}
