#![cfg(not(target_arch = "wasm32"))]
//! The broker's JSON for the web shell (src/broker/wire.rs): every event, record and ledger
//! snapshot of a seeded run reads back equal; a mirror folded from the JSON events equals the
//! broker's own ledger; a recovery from JSON records and a JSON snapshot equals one from the
//! originals; malformed and inconsistent text is refused, never trusted, never a panic.

use queue_playground::broker::wire::{
    entry_from_json, entry_to_json, event_from_json, event_to_json, events_from_json,
    events_to_json, ledger_from_json, ledger_to_json, WireError,
};
use queue_playground::broker::{AckMode, Broker, ConsumerId, Ledger, LogEntry, QueueOptions, Tag};

/// A small deterministic generator (xorshift), so a failure replays.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// A seeded run with every kind of event: publishes, auto and manual consumers, acks, nacks
/// with and without requeue, work reported twice, consumer deaths, late persistence.
fn run(seed: u64) -> (Broker, Vec<LogEntry>, Ledger) {
    let mut rng = Rng(seed | 1);
    let mut b = Broker::new();
    let durable = QueueOptions {
        durable: true,
        max_length: None,
    };
    b.queue_declare("q", durable).unwrap();
    let mut consumers: Vec<ConsumerId> = Vec::new();
    let mut held: Vec<(ConsumerId, Tag, u64, bool)> = Vec::new();
    let mut store = Vec::new();
    let mut mirror = Ledger::default();
    for _ in 0..400 {
        match rng.below(9) {
            0 | 1 => drop(b.publish("q", format!("m{}", rng.below(1000))).unwrap()),
            2 if consumers.len() < 4 => {
                let mode = if rng.below(2) == 0 {
                    AckMode::Auto
                } else {
                    AckMode::Manual
                };
                consumers.push(b.consume("q", mode, rng.below(3) as u32).unwrap());
            }
            3 | 4 if !held.is_empty() => {
                let (c, tag, id, auto) = held.remove(rng.below(held.len() as u64) as usize);
                let id = queue_playground::broker::MessageId(id);
                if b.processed(c, id).is_ok() && rng.below(4) == 0 {
                    let _ = b.processed(c, id); // a duplicate
                }
                if !auto {
                    let _ = match rng.below(4) {
                        0 => b.nack(c, tag, true),
                        1 => b.nack(c, tag, false),
                        _ => b.ack(c, tag),
                    };
                }
            }
            5 if !consumers.is_empty() => {
                let c = consumers.remove(rng.below(consumers.len() as u64) as usize);
                b.consumer_died(c).unwrap();
                held.retain(|h| h.0 != c);
            }
            6 => {
                store.extend(b.take_records());
                if let Some(last) = store.last() {
                    b.confirm_persisted(last.seq).unwrap();
                }
            }
            _ => {}
        }
        for d in b.take_deliveries() {
            let auto = b.unacked(d.consumer).is_some_and(|u| u.is_empty())
                && b.in_flight(d.consumer)
                    .is_some_and(|f| f.contains(&d.message_id));
            held.push((d.consumer, d.tag, d.message_id.0, auto));
        }
        // The mirror is folded from the events as JSON, one batch at a time.
        let batch = events_to_json(&b.take_events());
        for e in events_from_json(&batch).unwrap() {
            mirror.apply(&e).unwrap();
        }
    }
    store.extend(b.take_records());
    (b, store, mirror)
}

#[test]
fn events_records_and_snapshots_read_back_equal() {
    for seed in 1..=40 {
        let (b, store, mirror) = run(seed * 7919);
        assert_eq!(
            &mirror,
            b.ledger(),
            "seed {seed}: the JSON mirror is the ledger"
        );
        let snapshot = ledger_to_json(b.ledger());
        assert_eq!(
            ledger_from_json(&snapshot).as_ref(),
            Ok(b.ledger()),
            "seed {seed}"
        );
        for entry in &store {
            assert_eq!(entry_from_json(&entry_to_json(entry)).as_ref(), Ok(entry));
        }
        // A broker killed and recovered from the JSON equals one recovered from the values.
        let from_json: Vec<LogEntry> = store
            .iter()
            .map(|e| entry_from_json(&entry_to_json(e)).unwrap())
            .collect();
        let a = Broker::recover(&store, b.ledger().clone()).unwrap();
        let c = Broker::recover(&from_json, ledger_from_json(&snapshot).unwrap()).unwrap();
        assert_eq!(a.ledger(), c.ledger(), "seed {seed}");
        assert_eq!(a.queued("q"), c.queued("q"), "seed {seed}");
    }
}

#[test]
fn every_event_kind_is_written_and_read() {
    let (mut b, _, _) = run(99);
    // Force the rarer kinds into one run's outbox and check their text.
    b.queue_declare("x", QueueOptions::default()).unwrap();
    let c = b.consume("x", AckMode::Auto, 0).unwrap();
    b.publish("x", "lost".into()).unwrap();
    b.consumer_died(c).unwrap();
    let texts: Vec<String> = b.take_events().iter().map(event_to_json).collect();
    let kinds: Vec<&str> = texts
        .iter()
        .map(|t| t.split('"').nth(3).unwrap_or(""))
        .collect();
    assert_eq!(kinds, ["started", "published", "delivered", "died", "lost"]);
    assert!(texts[4].contains(r#""reason":"consumer_died_auto_ack","consumer":"#));
    for t in &texts {
        assert_eq!(event_to_json(&event_from_json(t).unwrap()), *t);
    }
}

#[test]
fn malformed_text_is_refused_without_panicking() {
    let (b, store, _) = run(5);
    let snapshot = ledger_to_json(b.ledger());
    // Every prefix of a snapshot, an event and a record is refused (none is complete JSON).
    for cut in 0..snapshot.len() {
        if snapshot.is_char_boundary(cut) {
            assert!(ledger_from_json(&snapshot[..cut]).is_err(), "prefix {cut}");
        }
    }
    let entry = entry_to_json(&store[1]);
    for cut in 0..entry.len() {
        assert!(entry_from_json(&entry[..cut]).is_err());
    }
    assert_eq!(event_from_json("[]"), Err(WireError::Member { name: "e" }));
    assert_eq!(
        event_from_json(r#"{"e":"acked","id":-1}"#),
        Err(WireError::Member { name: "id" })
    );
    assert_eq!(
        event_from_json(r#"{"e":"acked","id":1.5}"#),
        Err(WireError::Member { name: "id" })
    );
    assert_eq!(
        event_from_json(r#"{"e":"teleported","id":1}"#),
        Err(WireError::UnknownKind {
            kind: "teleported".into()
        })
    );
    assert_eq!(
        event_from_json(r#"{"e":"started","c":4294967296,"auto":true,"prefetch":0}"#),
        Err(WireError::Member { name: "c" })
    );
    assert_eq!(ledger_from_json("nope"), Err(WireError::NotJson));
}

#[test]
fn a_snapshot_that_does_not_add_up_is_refused() {
    let (b, _, _) = run(11);
    let good = ledger_to_json(b.ledger());
    let published = b.ledger().published();
    let bad = good.replacen(
        &format!("\"published\":{published}"),
        &format!("\"published\":{}", published + 1),
        1,
    );
    assert_ne!(bad, good);
    assert_eq!(ledger_from_json(&bad), Err(WireError::Inconsistent));
    // A count that disagrees with the places, the rule still holding.
    let queued = b.ledger().queued();
    let acked = b.ledger().acked();
    let shifted = good
        .replacen(
            &format!("\"queued\":{queued}"),
            &format!("\"queued\":{}", queued + 1),
            1,
        )
        .replacen(
            &format!("\"acked\":{acked}"),
            &format!("\"acked\":{}", acked.wrapping_sub(1)),
            1,
        );
    if acked > 0 {
        assert_eq!(ledger_from_json(&shifted), Err(WireError::Inconsistent));
    }
}
