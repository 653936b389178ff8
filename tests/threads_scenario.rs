#![cfg(not(target_arch = "wasm32"))]
//! The threads view's URL parameters and the stats' JSON.

use queue_playground::json::ToJson;
use queue_playground::threads::{
    ConsumerKind, CounterKind, GuardKind, Param, ParamError, QueueKind, Scenario, Shared,
};

#[test]
fn a_link_with_every_unsafe_switch_parses() {
    let (s, errors) = Scenario::from_query(
        "?view=threads&producers=2&consumers=2&queue=unlocked&consumer=check-then-act\
         &counter=racy&guard=racy&maxsize=0&run=1",
    );
    assert_eq!(errors, []);
    assert_eq!(
        s,
        Scenario {
            producers: 2,
            consumers: 2,
            queue: QueueKind::Unlocked,
            consumer: ConsumerKind::CheckThenAct,
            counter: CounterKind::Racy,
            guard: GuardKind::Racy,
            maxsize: 0,
            run: true,
            ..Scenario::default()
        }
    );
}

#[test]
fn every_choice_and_number() {
    let (s, errors) = Scenario::from_query(
        "producers=8&consumers=1&queue=locked&consumer=check-then-act-blocking&counter=atomic\
         &guard=once&maxsize=1048576&rate=1000000&work=250&items=16777216&run=0",
    );
    assert_eq!(errors, []);
    assert_eq!((s.producers, s.consumers), (8, 1));
    assert_eq!(s.consumer, ConsumerKind::CheckThenActBlocking);
    assert_eq!(
        (s.guard, s.maxsize, s.rate, s.work_us),
        (GuardKind::Once, 1 << 20, 1_000_000, 250)
    );
    assert_eq!((s.items, s.run), (1 << 24, false));
    let (s, _) = Scenario::from_query("consumer=drain&guard=none");
    assert_eq!(
        (s.consumer, s.guard),
        (ConsumerKind::Drain, GuardKind::None)
    );
}

#[test]
fn bad_values_keep_the_default_and_say_why() {
    let d = Scenario::default();
    let (s, errors) = Scenario::from_query(
        "producers=0&consumers=nine&queue=LOCKED&rate=-1&maxsize=99999999999999999999999&run=2",
    );
    assert_eq!(s, d);
    assert_eq!(errors.len(), 6);
    let texts: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        texts,
        [
            "producers=0 is outside 1..=8; using 2",
            "consumers=\"nine\" is not a whole number; using 2",
            "queue=\"LOCKED\" is not one of locked, unlocked; using locked",
            "rate=\"-1\" is not a whole number; using 0",
            "maxsize=\"99999999999999999999999\" is not a whole number; using 0",
            "run=2 is outside 0..=1; using 0",
        ]
    );
    assert_eq!(
        errors[1],
        ParamError::NotANumber {
            param: Param::Consumers,
            value: "nine".into(),
            used: 2
        }
    );
    assert_eq!(errors[2].param(), Param::Queue);
}

#[test]
fn a_long_bad_value_is_clipped_in_the_error() {
    let long = "x".repeat(10_000);
    let (_, errors) = Scenario::from_query(&format!("consumer={long}"));
    let ParamError::UnknownChoice { value, used, .. } = &errors[0] else {
        panic!("{errors:?}");
    };
    assert_eq!((value.len(), *used), (40, "get"));
}

#[test]
fn names_of_other_views_are_ignored_and_the_last_repeat_wins() {
    let (s, errors) =
        Scenario::from_query("lang=zh&view=threads&&producers&producers=3&x=1&producers=4");
    // `producers` with no `=` is an empty value: an error, then 3, then 4.
    assert_eq!(s.producers, 4);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].param(), Param::Producers);
    assert_eq!(Scenario::from_query(""), (Scenario::default(), vec![]));
    assert_eq!(Scenario::from_query("?"), (Scenario::default(), vec![]));
}

#[test]
fn to_query_round_trips_many_scenarios() {
    let mut n = 0u64;
    for producers in [1, 5, 8] {
        for queue in [QueueKind::Locked, QueueKind::Unlocked] {
            for consumer in [
                ConsumerKind::Get,
                ConsumerKind::Drain,
                ConsumerKind::CheckThenAct,
                ConsumerKind::CheckThenActBlocking,
            ] {
                for counter in [CounterKind::Atomic, CounterKind::Racy] {
                    for guard in [GuardKind::None, GuardKind::Once, GuardKind::Racy] {
                        n += 1;
                        let s = Scenario {
                            producers,
                            consumers: 9 - producers,
                            queue,
                            consumer,
                            counter,
                            guard,
                            maxsize: (n * 37) as usize % 5000,
                            rate: (n * 1013) as u32 % 100_000,
                            work_us: (n * 7) as u32,
                            items: n * 999 + 1,
                            run: n % 2 == 0,
                        };
                        assert_eq!(Scenario::from_query(&s.to_query()), (s, vec![]));
                    }
                }
            }
        }
    }
}

#[test]
fn stats_json_has_the_ledger_fields() {
    let shared = Shared::new(Scenario {
        producers: 1,
        consumers: 2,
        ..Scenario::default()
    });
    let json = shared.stats().to_json();
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    for key in [
        "produced",
        "consumed",
        "lost",
        "duplicated",
        "reordered",
        "counter",
        "consumersStarted",
        "queued",
        "contention",
    ] {
        assert_eq!(v[key], 0, "{key} in {json}");
    }
    assert_eq!(v["settled"], false);
    let threads = v["threads"].as_array().expect("threads");
    assert_eq!(threads.len(), 3);
    assert_eq!(threads[2]["role"], "consumer");
    assert_eq!(threads[2]["id"], 1);
    assert_eq!(threads[2]["state"], "not-started");
}

#[test]
fn a_thread_runs_once_and_only_if_it_exists() {
    use queue_playground::threads::{Role, RunError};
    let shared = Shared::new(Scenario {
        producers: 1,
        consumers: 1,
        items: 10,
        ..Scenario::default()
    });
    assert_eq!(
        shared.run_consumer(1, &mut || 0.0),
        Err(RunError::NoSuchThread {
            role: Role::Consumer,
            id: 1,
            count: 1
        })
    );
    std::thread::scope(|s| {
        s.spawn(|| shared.run_producer(0, &mut || 0.0).unwrap());
        s.spawn(|| shared.run_consumer(0, &mut || 0.0).unwrap());
    });
    assert_eq!(
        shared.run_producer(0, &mut || 0.0),
        Err(RunError::AlreadyRan {
            role: Role::Producer,
            id: 0
        })
    );
    assert!(shared.stats().settled);
    assert_eq!(shared.settle(), None, "already settled");
}
