#![cfg(not(target_arch = "wasm32"))]
//! Each memory model against the published outcomes of the standard litmus tests.
//!
//! Every test asserts the exact set of reachable outcomes. Sources for the expected results:
//! x86-TSO (Sewell et al., CACM 2010), the C11/RC11 model (Lahav et al., PLDI 2017) and the
//! promising semantics (Kang et al., POPL 2017), which publish SB, MP, LB, IRIW, WRC and 2+2W.

use std::collections::BTreeSet;

use queue_playground::sim::{explore, parse, Limits, Model};

fn outcomes(src: &str, model: Model) -> BTreeSet<String> {
    let prog = parse(src).unwrap_or_else(|e| panic!("{e}\n{src}"));
    let r = explore(&prog, model, &Limits::default(), &mut |_| true);
    assert!(r.complete, "{r}");
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    r.outcomes.iter().map(|o| o.outcome.to_string()).collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// Replaces `ORD_W`, `ORD_R` and `FENCE` placeholders in a litmus template.
fn variant(template: &str, w: &str, r: &str, fence: &str) -> String {
    template
        .replace("ORD_W", w)
        .replace("ORD_R", r)
        .replace("FENCE", fence)
}

const SB: &str = "
shared x = 0, y = 0
observe A.a, B.b
thread A {
  x.store(1, ORD_W)
  FENCE
  a = y.load(ORD_R)
}
thread B {
  y.store(1, ORD_W)
  FENCE
  b = x.load(ORD_R)
}";

const SB_ALL: [&str; 4] = ["A.a=0 B.b=0", "A.a=0 B.b=1", "A.a=1 B.b=0", "A.a=1 B.b=1"];
const SB_SC: [&str; 3] = ["A.a=0 B.b=1", "A.a=1 B.b=0", "A.a=1 B.b=1"];

#[test]
fn store_buffering() {
    let plain = variant(SB, "relaxed", "relaxed", "");
    let ra = variant(SB, "release", "acquire", "");
    let fenced = variant(SB, "relaxed", "relaxed", "fence(seq_cst)");
    let sc = variant(SB, "seq_cst", "seq_cst", "");
    let weak_fence = variant(SB, "release", "acquire", "fence(acq_rel)");
    assert_eq!(outcomes(&plain, Model::Sc), set(&SB_SC));
    assert_eq!(
        outcomes(&plain, Model::Tso),
        set(&SB_ALL),
        "TSO lets a load pass a buffered store"
    );
    assert_eq!(outcomes(&plain, Model::Ra), set(&SB_ALL));
    assert_eq!(
        outcomes(&ra, Model::Ra),
        set(&SB_ALL),
        "release/acquire does not forbid SB"
    );
    assert_eq!(
        outcomes(&weak_fence, Model::Ra),
        set(&SB_ALL),
        "only a seq_cst fence forbids SB"
    );
    assert_eq!(
        outcomes(&weak_fence, Model::Tso),
        set(&SB_ALL),
        "acq_rel fences are free on x86"
    );
    for m in Model::ALL {
        assert_eq!(
            outcomes(&fenced, m),
            set(&SB_SC),
            "{m:?} with seq_cst fences"
        );
        assert_eq!(outcomes(&sc, m), set(&SB_SC), "{m:?} with seq_cst accesses");
    }
}

const MP: &str = "
shared data = 0, flag = 0
observe B.f, B.d
thread A {
  data.store(1, relaxed)
  FENCE
  flag.store(1, ORD_W)
}
thread B {
  f = flag.load(ORD_R)
  FENCE
  d = data.load(relaxed)
}";

const MP_SC: [&str; 3] = ["B.f=0 B.d=0", "B.f=0 B.d=1", "B.f=1 B.d=1"];
const MP_ALL: [&str; 4] = ["B.f=0 B.d=0", "B.f=0 B.d=1", "B.f=1 B.d=0", "B.f=1 B.d=1"];

#[test]
fn message_passing() {
    let relaxed = variant(MP, "relaxed", "relaxed", "");
    let ra = variant(MP, "release", "acquire", "");
    let fenced = variant(MP, "relaxed", "relaxed", "fence(acq_rel)");
    let half = variant(MP, "release", "relaxed", "");
    assert_eq!(outcomes(&relaxed, Model::Sc), set(&MP_SC));
    assert_eq!(
        outcomes(&relaxed, Model::Tso),
        set(&MP_SC),
        "TSO keeps stores in order"
    );
    assert_eq!(
        outcomes(&relaxed, Model::Ra),
        set(&MP_ALL),
        "relaxed lets the flag overtake"
    );
    assert_eq!(
        outcomes(&ra, Model::Ra),
        set(&MP_SC),
        "release/acquire forbids it"
    );
    assert_eq!(outcomes(&fenced, Model::Ra), set(&MP_SC), "so do fences");
    assert_eq!(
        outcomes(&half, Model::Ra),
        set(&MP_ALL),
        "a release needs a matching acquire"
    );
}

const LB: &str = "
shared x = 0, y = 0
observe A.a, B.b
thread A {
  a = x.load(ORD_R)
  y.store(1, ORD_W)
}
thread B {
  b = y.load(ORD_R)
  x.store(1, ORD_W)
}";

#[test]
fn load_buffering_is_stricter_than_c11() {
    let lb_sc = set(&["A.a=0 B.b=0", "A.a=0 B.b=1", "A.a=1 B.b=0"]);
    let relaxed = variant(LB, "relaxed", "relaxed", "");
    let ra = variant(LB, "release", "acquire", "");
    for m in Model::ALL {
        assert_eq!(outcomes(&relaxed, m), lb_sc, "{m:?}");
    }
    // C11 allows a=1 b=1 for relaxed LB, but an operational model reaches it only with
    // promises (a write made before the load it depends on), which this lab does not model.
    // docs/LAB.md says so. Release/acquire forbids it in C11 too.
    assert_eq!(outcomes(&ra, Model::Ra), lb_sc);
    let fenced = LB
        .replace("ORD_R)\n", "relaxed)\n  fence(acq_rel)\n")
        .replace("ORD_W", "relaxed");
    for m in Model::ALL {
        assert_eq!(outcomes(&fenced, m), lb_sc, "{m:?} with fences");
    }
}

const IRIW: &str = "
shared x = 0, y = 0
observe C.a, C.b, D.c, D.d
thread A { x.store(1, ORD_W) }
thread B { y.store(1, ORD_W) }
thread C {
  a = x.load(ORD_R)
  FENCE
  b = y.load(ORD_R)
}
thread D {
  c = y.load(ORD_R)
  FENCE
  d = x.load(ORD_R)
}";

const IRIW_WEAK: &str = "C.a=1 C.b=0 D.c=1 D.d=0";

#[test]
fn independent_reads_of_independent_writes() {
    let relaxed = variant(IRIW, "relaxed", "relaxed", "");
    let ra = variant(IRIW, "release", "acquire", "");
    let fenced = variant(IRIW, "relaxed", "relaxed", "fence(seq_cst)");
    let sc = variant(IRIW, "seq_cst", "seq_cst", "");
    let all: BTreeSet<String> = outcomes(&relaxed, Model::Ra);
    assert_eq!(
        all.len(),
        16,
        "every combination of four bits under relaxed"
    );
    assert!(all.contains(IRIW_WEAK));
    assert!(
        outcomes(&ra, Model::Ra).contains(IRIW_WEAK),
        "RA is not multi-copy atomic"
    );
    let mut without = all.clone();
    without.remove(IRIW_WEAK);
    assert_eq!(outcomes(&relaxed, Model::Sc), without);
    assert_eq!(
        outcomes(&relaxed, Model::Tso),
        without,
        "x86 is multi-copy atomic"
    );
    assert_eq!(outcomes(&fenced, Model::Ra), without);
    assert_eq!(outcomes(&sc, Model::Ra), without);
}

const WRC: &str = "
shared x = 0, y = 0
observe B.a, C.b, C.c
thread A { x.store(1, relaxed) }
thread B {
  a = x.load(ORD_R)
  y.store(1, ORD_W)
}
thread C {
  b = y.load(ORD_R)
  FENCE
  c = x.load(relaxed)
}";

const WRC_WEAK: &str = "B.a=1 C.b=1 C.c=0";

#[test]
fn write_to_read_causality() {
    let relaxed = variant(WRC, "relaxed", "relaxed", "");
    let ra = variant(WRC, "release", "acquire", "");
    let all = outcomes(&relaxed, Model::Ra);
    assert!(all.contains(WRC_WEAK));
    let mut without = all.clone();
    without.remove(WRC_WEAK);
    // Relaxed, every combination of the three loads is possible.
    assert_eq!(all.len(), 8);
    assert_eq!(outcomes(&relaxed, Model::Sc), without);
    assert_eq!(outcomes(&relaxed, Model::Tso), without);
    assert_eq!(
        outcomes(&ra, Model::Ra),
        without,
        "release/acquire is transitive"
    );
    // Fences instead of marks: B's release fence before its store, C's acquire fence.
    let fenced = WRC
        .replace(
            "a = x.load(ORD_R)\n",
            "a = x.load(relaxed)\n  fence(release)\n",
        )
        .replace("ORD_W", "relaxed")
        .replace("b = y.load(ORD_R)", "b = y.load(relaxed)")
        .replace("FENCE", "fence(acquire)");
    assert_eq!(
        outcomes(&fenced, Model::Ra),
        without,
        "fences synchronise like marks"
    );
    assert_eq!(outcomes(&fenced, Model::Tso), without);
}

const W2: &str = "
shared x = 0, y = 0
observe x, y
thread A {
  x.store(1, ORD_W)
  FENCE
  y.store(2, ORD_W)
}
thread B {
  y.store(1, ORD_W)
  FENCE
  x.store(2, ORD_W)
}";

#[test]
fn two_plus_two_writes() {
    let all = set(&["x=1 y=1", "x=1 y=2", "x=2 y=1", "x=2 y=2"]);
    let sc = set(&["x=1 y=2", "x=2 y=1", "x=2 y=2"]);
    let relaxed = variant(W2, "relaxed", "", "");
    let ra = variant(W2, "release", "", "");
    let fenced = variant(W2, "relaxed", "", "fence(seq_cst)");
    let sc_acc = variant(W2, "seq_cst", "", "");
    assert_eq!(outcomes(&relaxed, Model::Sc), sc);
    assert_eq!(
        outcomes(&relaxed, Model::Tso),
        sc,
        "TSO keeps each thread's stores in order"
    );
    assert_eq!(outcomes(&relaxed, Model::Ra), all);
    assert_eq!(
        outcomes(&ra, Model::Ra),
        all,
        "2+2W is allowed under release/acquire"
    );
    assert_eq!(outcomes(&fenced, Model::Ra), sc);
    assert_eq!(outcomes(&sc_acc, Model::Ra), sc);
}

const SPINLOCK: &str = "
shared lock = 0, data = 0
observe data
thread A {
  r = lock.compare_exchange(0, 1, ORD_R)
  while r != 0 {
    r = lock.compare_exchange(0, 1, ORD_R)
  }
  data = data + 1
  lock.store(0, ORD_W)
}
thread B {
  r = lock.compare_exchange(0, 1, ORD_R)
  while r != 0 {
    r = lock.compare_exchange(0, 1, ORD_R)
  }
  data = data + 1
  lock.store(0, ORD_W)
}";

#[test]
fn a_compare_exchange_spinlock_needs_acquire_and_release() {
    let ra = variant(SPINLOCK, "release", "acquire", "");
    let relaxed = variant(SPINLOCK, "relaxed", "relaxed", "");
    for m in Model::ALL {
        assert_eq!(outcomes(&ra, m), set(&["data=2"]), "{m:?}");
    }
    assert_eq!(outcomes(&relaxed, Model::Sc), set(&["data=2"]));
    assert_eq!(outcomes(&relaxed, Model::Tso), set(&["data=2"]));
    // Relaxed, the second owner may not see the first one's increment.
    assert_eq!(outcomes(&relaxed, Model::Ra), set(&["data=1", "data=2"]));
}

#[test]
fn store_forwarding_n6_is_x86_only() {
    // Owens, Sarkar and Sewell's n6: A reads its own buffered x=1 early, reads y=0, and its
    // x=1 reaches memory after B's x=2. Allowed on x86, impossible under SC.
    let n6 = "
shared x = 0, y = 0
observe A.a, A.b, x
thread A {
  x = 1
  a = x
  b = y
}
thread B {
  y = 2
  x = 2
}";
    let weak = "A.a=1 A.b=0 x=1";
    let sc = outcomes(n6, Model::Sc);
    let tso = outcomes(n6, Model::Tso);
    assert!(!sc.contains(weak));
    assert!(tso.contains(weak));
    assert_eq!(tso.len(), sc.len() + 1, "{tso:?}");
}
