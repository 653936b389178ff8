#![cfg(not(target_arch = "wasm32"))]
//! The consumer state machine, driven by a clock the test controls.

use queue_playground::json::ToJson;
use queue_playground::pipeline::protocol::Reply;
use queue_playground::pipeline::{
    calculate_blocking, Activity, Answer, Batch, Bound, Full, Mode, Pipeline, Put, Request,
    Settings, ThreadState, DEFAULT_MAXSIZE, MAX_QUEUE_BYTES,
};

fn put_request(first_id: u64, texts: &[&str]) -> Request {
    Request::Put(Put {
        first_id,
        texts: texts.iter().map(|t| t.to_string()).collect(),
        put_at: vec![first_id as f64; texts.len()],
    })
}

fn put(p: &mut Pipeline, first_id: u64, texts: &[&str]) -> Answer {
    let handled = p.handle(put_request(first_id, texts));
    assert_eq!(handled.work_ms, None);
    assert_eq!(handled.answers.len(), 1);
    handled.answers[0]
}

fn settings(mode: Mode, interval_ms: f64, max_batch: usize) -> Settings {
    Settings {
        mode,
        interval_ms,
        work_ms: 0.0,
        max_batch,
    }
}

/// Runs one round at `now` if due, finishing it at `now + work`.
fn round(p: &mut Pipeline, now: f64, work: f64) -> Option<Batch> {
    let r = p.take_round(now)?;
    Some(p.finish_round(r, now + work))
}

fn texts(b: &Batch) -> Vec<&str> {
    b.texts.iter().map(String::as_str).collect()
}

#[test]
fn snapshot_mode_repeats_the_same_messages_every_round() {
    let mut p = Pipeline::new(Settings::REFERENCE);
    put(&mut p, 1, &["a", "b"]);
    let first = round(&mut p, 0.0, 5000.0).unwrap();
    assert_eq!(texts(&first), ["a", "b"]);
    assert_eq!(first.queue_len, 2, "snapshot removes nothing");
    // The reference loop has no pause: the next round is due as soon as the work ends.
    assert_eq!(p.due_in(5000.0), Some(0.0));
    put(&mut p, 3, &["c"]);
    let second = round(&mut p, 5000.0, 5000.0).unwrap();
    assert_eq!(texts(&second), ["a", "b", "c"]);
    assert_eq!((first.seq, second.seq), (1, 2));
    assert_eq!(second.removed_total, 0);
    assert_eq!(second.mode, Mode::Snapshot);
}

#[test]
fn snapshot_rounds_run_even_on_an_empty_queue_like_the_reference() {
    let mut p = Pipeline::new(Settings::REFERENCE);
    assert_eq!(p.due_in(0.0), Some(0.0));
    let b = round(&mut p, 0.0, 5000.0).unwrap();
    assert!(b.is_empty());
    assert_eq!(b.work_ms, 5000.0);
}

#[test]
fn drain_mode_delivers_each_message_exactly_once_in_order() {
    let mut p = Pipeline::new(settings(Mode::Drain, 100.0, 3));
    let ids: Vec<String> = (1..=10).map(|i| format!("m{i}")).collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    put(&mut p, 1, &refs);
    let mut now = 0.0;
    let mut seen = Vec::new();
    while let Some(wait) = p.due_in(now) {
        now += wait;
        let b = round(&mut p, now, 0.0).unwrap();
        assert!(b.len() <= 3);
        seen.extend(b.ids.iter().copied());
        assert_eq!(b.queue_len + seen.len(), 10);
        assert_eq!(b.removed_total, seen.len() as u64);
    }
    assert_eq!(seen, (1..=10).collect::<Vec<u64>>());
    // Four rounds of at most three, 100 ms apart.
    assert_eq!(now, 300.0);
    assert_eq!(p.due_in(now), None, "nothing to do until a message arrives");
}

#[test]
fn rounds_respect_the_interval_after_the_work_ends() {
    let mut p = Pipeline::new(Settings {
        mode: Mode::Drain,
        interval_ms: 1000.0,
        work_ms: 200.0,
        max_batch: 1,
    });
    put(&mut p, 1, &["a", "b"]);
    let r = p.take_round(0.0).unwrap();
    assert_eq!(r.work_ms, 200.0);
    let b = p.finish_round(r, 200.0);
    assert_eq!((b.drained_at, b.work_ms), (0.0, 200.0));
    assert_eq!(p.due_in(700.0), Some(500.0));
    assert!(p.take_round(700.0).is_none(), "not due yet");
    assert!(p.take_round(1200.0).is_some());
}

#[test]
fn one_by_one_takes_one_message_and_goes_on_at_once() {
    let mut p = Pipeline::new(settings(Mode::OneByOne, 10_000.0, 100));
    put(&mut p, 1, &["a", "b", "c"]);
    for (i, expected) in ["a", "b", "c"].into_iter().enumerate() {
        assert_eq!(p.due_in(i as f64), Some(0.0));
        let b = round(&mut p, i as f64, 1.0).unwrap();
        assert_eq!(texts(&b), [expected]);
    }
    assert_eq!(p.due_in(5.0), None);
}

#[test]
fn switching_modes_live_takes_effect_next_round() {
    let mut p = Pipeline::new(settings(Mode::Snapshot, 0.0, 100));
    put(&mut p, 1, &["a", "b"]);
    assert_eq!(round(&mut p, 0.0, 0.0).unwrap().queue_len, 2);
    let drain = settings(Mode::Drain, 0.0, 100);
    let handled = p.handle(Request::Config(drain));
    assert_eq!(handled.answers, [Answer::Config(drain)]);
    assert!(handled.rearm, "new settings move the next round");
    let b = round(&mut p, 1.0, 0.0).unwrap();
    assert_eq!(texts(&b), ["a", "b"]);
    assert_eq!((b.queue_len, b.seq, b.mode), (0, 2, Mode::Drain));
}

#[test]
fn acks_count_every_message_received() {
    let mut p = Pipeline::new(settings(Mode::Drain, 0.0, 2));
    assert_eq!(
        put(&mut p, 1, &["a", "b", "c"]),
        Answer::Ack {
            received: 3,
            queue_len: 3
        }
    );
    round(&mut p, 0.0, 0.0);
    assert_eq!(
        put(&mut p, 4, &["d"]),
        Answer::Ack {
            received: 4,
            queue_len: 2
        }
    );
    assert_eq!(p.received(), 4);
    assert_eq!(p.removed(), 2);
}

#[test]
fn the_pipeline_says_when_the_round_timer_must_be_rearmed() {
    // Parked on an empty queue: the first put wakes it, later puts move nothing.
    let mut p = Pipeline::new(settings(Mode::Drain, 100.0, 1));
    assert!(p.is_parked());
    assert!(p.handle(put_request(1, &["a"])).rearm);
    assert!(!p.is_parked());
    assert!(
        !p.handle(put_request(2, &["b"])).rearm,
        "a round is already due"
    );
    assert!(!p.handle(put_request(3, &[])).rearm);
    // An empty put to a parked consumer leaves it parked.
    let mut q = Pipeline::new(settings(Mode::Drain, 100.0, 1));
    assert!(!q.handle(put_request(1, &[])).rearm);
    assert!(q.is_parked());
    // Snapshot rounds run on an empty queue too: the timer is armed already.
    let mut s = Pipeline::new(settings(Mode::Snapshot, 100.0, 1));
    assert!(!s.is_parked());
    assert!(!s.handle(put_request(1, &["a"])).rearm);
    // Settings, reset and page work always re-arm.
    for request in [
        Request::Config(settings(Mode::OneByOne, 0.0, 1)),
        Request::Reset,
        Request::Work { ms: 1.0 },
    ] {
        assert!(p.handle(request.clone()).rearm, "{request:?}");
    }
}

#[test]
fn reset_empties_the_queue_and_restarts_the_sequence() {
    let mut p = Pipeline::new(settings(Mode::Drain, 0.0, 1));
    put(&mut p, 1, &["a", "b"]);
    round(&mut p, 0.0, 0.0);
    let h = p.handle(Request::Reset);
    assert_eq!(
        h.answers,
        [
            Answer::Config(settings(Mode::Drain, 0.0, 1)),
            Answer::Ack {
                received: 0,
                queue_len: 0
            }
        ]
    );
    assert!(p.is_parked());
    put(&mut p, 1, &["c"]);
    assert_eq!(round(&mut p, 0.0, 0.0).unwrap().seq, 1);
}

/// Handles a put and returns its answers: a `Full` first if some were refused, then the ack.
fn put_all(p: &mut Pipeline, first_id: u64, texts: &[String]) -> Vec<Answer> {
    let handled = p.handle(Request::Put(Put {
        first_id,
        texts: texts.to_vec(),
        put_at: vec![0.0; texts.len()],
    }));
    handled.answers
}

fn numbered(n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("m{i}")).collect()
}

#[test]
fn the_queue_is_bounded_by_default_and_refuses_what_does_not_fit_like_queue_full() {
    let mut p = Pipeline::new(Settings::REFERENCE);
    assert_eq!(p.maxsize(), DEFAULT_MAXSIZE);
    // The reproduction, in small: snapshot mode never removes, so bursts fill the
    // queue to its bound and everything after is refused, counted, and nothing grows.
    let answers = put_all(&mut p, 1, &numbered(DEFAULT_MAXSIZE + 250));
    assert_eq!(
        answers,
        [
            Answer::Full(Full {
                accepted: DEFAULT_MAXSIZE,
                refused: 250,
                first_refused: DEFAULT_MAXSIZE as u64 + 1,
                bound: Bound::Maxsize,
                maxsize: DEFAULT_MAXSIZE,
                max_bytes: MAX_QUEUE_BYTES,
                queue_len: DEFAULT_MAXSIZE,
                queue_bytes: p.queue_bytes(),
            }),
            Answer::Ack {
                received: DEFAULT_MAXSIZE as u64,
                queue_len: DEFAULT_MAXSIZE
            }
        ]
    );
    for round_no in 0u32..3 {
        let b = round(&mut p, f64::from(round_no) * 5000.0, 0.0).unwrap();
        assert_eq!(
            b.len(),
            DEFAULT_MAXSIZE,
            "a snapshot copies the bounded queue"
        );
        let again = put_all(&mut p, 200_000 + u64::from(round_no) * 10, &numbered(10));
        let Answer::Full(full) = again[0] else {
            panic!("a full queue refuses: {again:?}")
        };
        assert_eq!((full.accepted, full.refused), (0, 10));
    }
    assert_eq!(p.queue_len(), DEFAULT_MAXSIZE);
    assert_eq!(p.received(), DEFAULT_MAXSIZE as u64);
}

#[test]
fn a_put_is_cut_where_the_queue_fills_so_no_later_message_jumps_ahead() {
    let mut p = Pipeline::new(settings(Mode::Drain, 0.0, 100));
    assert_eq!(
        p.handle(Request::Maxsize { maxsize: 3 }).answers,
        [Answer::Maxsize {
            maxsize: 3,
            max_bytes: MAX_QUEUE_BYTES
        }]
    );
    let answers = put_all(&mut p, 10, &numbered(5));
    let Answer::Full(full) = answers[0] else {
        panic!("{answers:?}")
    };
    assert_eq!(
        (full.accepted, full.refused, full.first_refused, full.bound),
        (3, 2, 13, Bound::Maxsize)
    );
    assert_eq!(
        answers[1],
        Answer::Ack {
            received: 3,
            queue_len: 3
        }
    );
    // Draining makes room again: the next put goes in whole, with no `Full`.
    let b = round(&mut p, 0.0, 0.0).unwrap();
    assert_eq!(b.ids, [10, 11, 12]);
    assert_eq!(
        put_all(&mut p, 15, &numbered(3)),
        [Answer::Ack {
            received: 6,
            queue_len: 3
        }]
    );
    assert_eq!(
        p.queue_len(),
        3,
        "a put that fits exactly is not refused at all"
    );
}

#[test]
fn lowering_maxsize_below_the_length_drops_nothing_and_refuses_until_drained() {
    let mut p = Pipeline::new(settings(Mode::Drain, 0.0, 2));
    put_all(&mut p, 1, &numbered(5));
    p.handle(Request::Maxsize { maxsize: 2 });
    assert_eq!(p.queue_len(), 5, "nothing already queued is dropped");
    let Answer::Full(full) = put_all(&mut p, 6, &numbered(1))[0] else {
        panic!()
    };
    assert_eq!((full.refused, full.queue_len), (1, 5));
    // Two rounds of two take it to 1, below the bound: one put fits, the next is refused.
    round(&mut p, 0.0, 0.0);
    round(&mut p, 0.0, 0.0);
    let answers = put_all(&mut p, 7, &numbered(2));
    let Answer::Full(full) = answers[0] else {
        panic!("{answers:?}")
    };
    assert_eq!((full.accepted, full.refused, full.first_refused), (1, 1, 8));
    // Every message is accounted for: received = queued + removed.
    assert_eq!(p.received(), p.queue_len() as u64 + p.removed());
    assert_eq!((p.received(), p.removed()), (6, 4));
}

#[test]
fn the_queue_holds_at_most_max_queue_bytes_of_text_whatever_its_maxsize() {
    let mut p = Pipeline::new(Settings::REFERENCE);
    let big = "x".repeat(64 * 1024);
    let fit = MAX_QUEUE_BYTES / big.len();
    let answers = put_all(&mut p, 1, &vec![big.clone(); fit + 3]);
    let Answer::Full(full) = answers[0] else {
        panic!("{answers:?}")
    };
    assert_eq!(
        (full.accepted, full.refused, full.bound),
        (fit, 3, Bound::Bytes)
    );
    assert_eq!(full.queue_bytes, fit * big.len());
    assert!(p.queue_bytes() <= MAX_QUEUE_BYTES);
    // 16 MiB is a whole number of 64 KiB texts: not one byte more fits, and a one-byte text
    // is refused by the byte bound, not by the count.
    let Answer::Full(full) = put_all(&mut p, 1000, &["y".to_string()])[0] else {
        panic!()
    };
    assert_eq!(full.bound, Bound::Bytes);
    // Draining gives the bytes back.
    p.handle(Request::Config(settings(Mode::Drain, 0.0, 10)));
    round(&mut p, 0.0, 0.0);
    assert_eq!(p.queue_bytes(), (fit - 10) * big.len());
    assert_eq!(
        put_all(&mut p, 2000, &vec![big; 10]).len(),
        1,
        "ten fit again: no Full"
    );
    p.handle(Request::Reset);
    assert_eq!(p.queue_bytes(), 0);
}

#[test]
fn a_new_interval_counts_from_the_end_of_the_last_round() {
    let mut p = Pipeline::new(settings(Mode::Snapshot, 600_000.0, 10));
    round(&mut p, 0.0, 0.0);
    put(&mut p, 1, &["a"]);
    assert_eq!(p.due_in(1000.0), Some(599_000.0));
    // Ten minutes to wait, then drain every 50 ms: the next round is due at once.
    p.handle(Request::Config(settings(Mode::Drain, 50.0, 10)));
    assert_eq!(p.due_in(1000.0), Some(0.0));
    assert_eq!(texts(&round(&mut p, 1000.0, 0.0).unwrap()), ["a"]);
    // And a longer one pushes it back, from the same end.
    put(&mut p, 2, &["b"]);
    p.handle(Request::Config(settings(Mode::Drain, 2000.0, 10)));
    assert_eq!(p.due_in(1500.0), Some(1500.0));
}

#[test]
fn a_ping_is_answered_with_a_pong_and_changes_nothing() {
    let mut p = Pipeline::new(settings(Mode::Drain, 0.0, 1));
    put(&mut p, 1, &["a"]);
    let h = p.handle(Request::Ping);
    assert_eq!(h.answers, [Answer::Pong]);
    assert_eq!((h.work_ms, h.rearm), (None, false));
    assert_eq!((p.queue_len(), p.received()), (1, 1));
}

#[test]
fn work_requests_are_handed_to_the_shell() {
    let mut p = Pipeline::new(Settings::default());
    let h = p.handle(Request::Work { ms: 1500.0 });
    assert_eq!(h.work_ms, Some(1500.0));
    assert!(h.answers.is_empty());
}

#[test]
fn idle_activity_says_what_the_worker_waits_for() {
    let mut p = Pipeline::new(settings(Mode::Drain, 1000.0, 1));
    assert_eq!(p.idle_activity(0.0), Activity::WaitingForMessages);
    assert_eq!(p.idle_activity(0.0).state(), ThreadState::Waiting);
    put(&mut p, 1, &["a", "b"]);
    round(&mut p, 0.0, 0.0);
    let activity = p.idle_activity(250.0);
    assert_eq!(activity, Activity::NextRound { in_ms: 750.0 });
    assert_eq!(activity.state(), ThreadState::Idle);
    let json: serde_json::Value =
        serde_json::from_str(&Reply::State { activity }.to_json()).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"type":"state","v":1,"state":"idle","activity":"next_round","in_ms":750})
    );
    assert_eq!(
        activity.to_string(),
        "next round in 750 ms",
        "the English rendering"
    );
    let work = Activity::RoundWork {
        round: 3,
        work_ms: 99.6,
        messages: 5,
    };
    let json: serde_json::Value =
        serde_json::from_str(&Reply::State { activity: work }.to_json()).unwrap();
    assert_eq!(
        (
            json["state"].as_str(),
            json["round"].as_u64(),
            json["work_ms"].as_u64(),
            json["messages"].as_u64()
        ),
        (Some("working"), Some(3), Some(100), Some(5))
    );
}

#[test]
fn blocking_work_is_real_cpu_work_for_the_time_asked() {
    // A fake clock that advances one ms per reading: the loop must keep working until 50 ms.
    let mut t = 0.0;
    let n = calculate_blocking(50.0, || {
        t += 1.0;
        t
    });
    assert_eq!(n, 50 * 4096);
}
