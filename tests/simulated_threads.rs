//! The simulated threads (src/threads/simulated.rs): the page's fallback must show the same
//! failures as real threads under the unsafe switches, none under the safe ones, and keep
//! exact conservation whenever it is stopped.

use queue_playground::threads::{Scenario, SimulatedRun, Stats, ThreadState};

fn scenario(query: &str) -> Scenario {
    let (s, errors) = Scenario::from_query(query);
    assert!(errors.is_empty(), "{errors:?}");
    s
}

fn conserved(s: &Stats) {
    assert!(s.settled);
    assert_eq!(s.produced, s.consumed + s.lost + s.queued, "{s:?}");
}

/// Runs in slices until `done` holds or `max_steps` pass; returns the steps taken.
fn run_until(sim: &mut SimulatedRun, max_steps: u64, done: impl Fn(&Stats) -> bool) -> u64 {
    let mut steps = 0;
    while steps < max_steps && !done(&sim.stats()) && sim.run(1000) {
        steps += 1000;
    }
    steps
}

#[test]
fn safe_switches_lose_nothing_to_the_end() {
    for consumer in ["get", "drain"] {
        for seed in 0..5 {
            let q = format!("producers=3&consumers=2&items=3000&maxsize=4&consumer={consumer}");
            let mut sim = SimulatedRun::new(scenario(&q), seed);
            while sim.run(10_000) {}
            let s = sim.stats();
            conserved(&s);
            assert_eq!(
                (s.produced, s.consumed, s.lost, s.queued),
                (9000, 9000, 0, 0)
            );
            assert_eq!((s.duplicated, s.reordered, s.phantoms), (0, 0, 0));
            assert_eq!((s.counter, s.true_count), (9000, 9000));
            assert!(s
                .threads()
                .iter()
                .all(|t| matches!(t.state, ThreadState::Finished | ThreadState::Stopped)));
        }
    }
}

#[test]
fn stopping_a_safe_run_midway_keeps_every_item() {
    // Stopped at many points, some consumer is usually mid-batch or between its two steps.
    for (seed, steps) in [
        (7, 1_001),
        (8, 12_345),
        (9, 50_001),
        (10, 123_457),
        (11, 200_003),
        (12, 77_777),
    ] {
        let mut sim = SimulatedRun::new(
            scenario("producers=4&consumers=4&consumer=drain&counter=racy"),
            seed,
        );
        sim.run(steps);
        sim.stop();
        let s = sim.stats();
        conserved(&s);
        assert!(s.produced > 10);
        assert_eq!(
            (s.lost, s.duplicated, s.reordered),
            (0, 0, 0),
            "stopped after {steps}"
        );
        assert_eq!(s.consumed, s.true_count);
    }
}

#[test]
fn the_unlocked_ring_loses_and_duplicates() {
    let mut sim = SimulatedRun::new(scenario("producers=2&consumers=2&queue=unlocked"), 1);
    let steps = run_until(&mut sim, 2_000_000, |s| s.lost > 0 && s.duplicated > 0);
    assert!(
        steps < 2_000_000,
        "no loss and duplicate in {steps} steps: {:?}",
        sim.stats()
    );
    sim.stop();
    let s = sim.stats();
    conserved(&s);
    assert!(s.lost > 0 && s.duplicated > 0);
}

#[test]
fn the_racy_counter_loses_updates() {
    let mut sim = SimulatedRun::new(scenario("consumers=2&counter=racy"), 3);
    run_until(&mut sim, 1_000_000, |s| s.counter < s.true_count);
    let s = sim.stats();
    assert!(s.counter < s.true_count, "{s:?}");
    assert_eq!(s.lost + s.duplicated, 0, "the queue itself stays safe");
}

#[test]
fn check_then_act_finds_the_queue_empty_after_checking() {
    let mut sim = SimulatedRun::new(
        scenario("producers=1&consumers=3&consumer=check-then-act"),
        5,
    );
    run_until(&mut sim, 1_000_000, |s| s.empty_failures > 0);
    assert!(sim.stats().empty_failures > 0);
    let mut blocking = SimulatedRun::new(
        scenario("producers=1&consumers=3&consumer=check-then-act-blocking&rate=0"),
        5,
    );
    run_until(&mut blocking, 1_000_000, |s| s.stalls > 0);
    assert!(blocking.stats().stalls > 0);
}

#[test]
fn the_racy_guard_sometimes_starts_two_consumers_and_once_never_does() {
    let started = |guard: &str, seed| {
        let mut sim = SimulatedRun::new(
            scenario(&format!("consumers=2&guard={guard}&items=10")),
            seed,
        );
        while sim.run(1000) {}
        sim.stats().consumers_started
    };
    let racy: Vec<u32> = (0..40).map(|seed| started("racy", seed)).collect();
    assert!(racy.contains(&2) && racy.contains(&1), "{racy:?}");
    assert!((0..40).all(|seed| started("once", seed) == 1));
    assert!((0..5).all(|seed| started("none", seed) == 2));
}

#[test]
fn a_full_bounded_queue_blocks_producers_until_a_consumer_takes() {
    let mut sim = SimulatedRun::new(scenario("producers=3&consumers=1&maxsize=1"), 9);
    let waited = (0..1000).any(|_| {
        sim.run(10);
        sim.stats()
            .threads()
            .iter()
            .any(|t| t.state == ThreadState::WaitingNotFull)
    });
    assert!(waited);
    assert!(sim.stats().contention > 0);
}

#[test]
fn a_seed_replays_the_same_run() {
    let run = |seed| {
        let mut sim = SimulatedRun::new(
            scenario("producers=2&consumers=3&queue=unlocked&counter=racy"),
            seed,
        );
        sim.run(50_000);
        sim.stats()
    };
    assert_eq!(run(11), run(11));
    assert_ne!(run(11), run(12));
}
