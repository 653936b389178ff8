#![cfg(not(target_arch = "wasm32"))]
//! The durable log: publisher confirms, a broker kill, a page reload, and logs that do not
//! replay.

use queue_playground::broker::{
    AckMode, Broker, BrokerError, Ledger, LogEntry, LossReason, Lost, MessageId, QueueOptions,
    Record, RecoverError,
};

const Q: &str = "jobs";
const DURABLE: QueueOptions = QueueOptions {
    durable: true,
    max_length: None,
};

/// What the shell's storage holds: records persisted in order.
#[derive(Default)]
struct Store(Vec<LogEntry>);

impl Store {
    /// Persists every record the broker has handed out and tells it so.
    fn persist_all(&mut self, b: &mut Broker) -> Vec<MessageId> {
        self.0.extend(b.take_records());
        match self.0.last() {
            Some(last) => b.confirm_persisted(last.seq).unwrap(),
            None => Vec::new(),
        }
    }
}

fn lost(ids: &[u64], reason: LossReason) -> Vec<Lost> {
    ids.iter()
        .map(|&id| Lost {
            message_id: MessageId(id),
            reason,
        })
        .collect()
}

#[test]
fn a_durable_publish_is_confirmed_once_its_record_is_persisted() {
    let mut b = Broker::new();
    let mut store = Store::default();
    b.queue_declare(Q, DURABLE).unwrap();
    let p = b.publish(Q, "a".into()).unwrap();
    assert!(!p.confirmed);
    assert_eq!(b.ledger().confirmed(), 0);
    let records = b.take_records();
    let seqs: Vec<u64> = records.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, [0, 1]);
    assert!(matches!(records[1].record, Record::Publish { ref body, .. } if body == "a"));
    // Persisting the declaration alone confirms nothing.
    assert_eq!(b.confirm_persisted(0), Ok(vec![]));
    assert_eq!(b.confirm_persisted(1), Ok(vec![p.message_id]));
    assert_eq!(b.confirm_persisted(1), Ok(vec![]));
    assert_eq!(b.ledger().confirmed(), 1);
    assert_eq!(
        b.confirm_persisted(2),
        Err(BrokerError::NotYetLogged {
            upto: 2,
            last: Some(1)
        })
    );
    store.0.extend(records);
    // A non-durable queue confirms on enqueue and logs nothing.
    b.queue_declare("mem", QueueOptions::default()).unwrap();
    assert!(b.publish("mem", "b".into()).unwrap().confirmed);
    assert!(b.take_records().is_empty());
    assert_eq!(b.ledger().confirmed(), 2);
}

#[test]
fn a_broker_kill_keeps_confirmed_messages_and_loses_only_unpersisted_ones() {
    let mut b = Broker::new();
    let mut store = Store::default();
    b.queue_declare(Q, DURABLE).unwrap();
    for i in 0..3 {
        b.publish(Q, format!("kept {i}")).unwrap();
    }
    assert_eq!(store.persist_all(&mut b).len(), 3);
    // Persisted but the broker dies before it hears so: unconfirmed, yet it survives.
    b.publish(Q, "persisted, unconfirmed".into()).unwrap();
    store.0.extend(b.take_records());
    // Never reaches storage.
    b.publish(Q, "lost 4".into()).unwrap();
    b.publish(Q, "lost 5".into()).unwrap();
    let _ = b.take_records();
    assert_eq!(b.ledger().confirmed(), 3);

    let b = Broker::recover(&store.0, b.into_ledger()).unwrap();
    let queued: Vec<u64> = b.queued(Q).unwrap().iter().map(|m| m.0).collect();
    assert_eq!(queued, [0, 1, 2, 3]);
    let l = b.ledger();
    assert_eq!(l.lost(), lost(&[4, 5], LossReason::BrokerDiedUnconfirmed));
    // Message 3's record is in storage: it counts as confirmed now.
    assert_eq!((l.published(), l.confirmed(), l.queued()), (6, 4, 4));
    assert!(l.is_balanced());
}

#[test]
fn a_broker_kill_loses_a_non_durable_queue_whole_named_message_by_message() {
    let mut b = Broker::new();
    b.queue_declare("mem", QueueOptions::default()).unwrap();
    let c = b.consume("mem", AckMode::Manual, 1).unwrap();
    for i in 0..4 {
        b.publish("mem", format!("m{i}")).unwrap();
    }
    let d = b.take_deliveries().remove(0);
    b.ack(c, d.tag).unwrap();
    b.take_deliveries(); // message 1 is unacked at the consumer now
    let b = Broker::recover(&[], b.into_ledger()).unwrap();
    let l = b.ledger();
    assert_eq!(l.lost(), lost(&[1, 2, 3], LossReason::BrokerDiedNotDurable));
    assert_eq!(
        (l.published(), l.acked(), l.queued(), l.unacked()),
        (4, 1, 0, 0)
    );
    assert!(l.is_balanced());
    assert_eq!(
        b.queued("mem"),
        None,
        "a non-durable queue does not survive"
    );
}

#[test]
fn unacked_durable_messages_come_back_marked_redelivered_and_queued_ones_not() {
    let mut b = Broker::new();
    let mut store = Store::default();
    b.queue_declare(Q, DURABLE).unwrap();
    let c = b.consume(Q, AckMode::Manual, 1).unwrap();
    for i in 0..3 {
        b.publish(Q, format!("m{i}")).unwrap();
    }
    let d0 = b.take_deliveries().remove(0);
    b.ack(c, d0.tag).unwrap();
    let d1 = b.take_deliveries().remove(0);
    store.persist_all(&mut b);
    let mut b = Broker::recover(&store.0, b.into_ledger()).unwrap();
    // 1 was unacked, 2 was queued; 0 was acked and its ack persisted.
    assert_eq!(b.queued(Q), Some(vec![MessageId(1), MessageId(2)]));
    assert!(b.ledger().lost().is_empty());
    // The old consumer is gone with the broker's connections.
    assert_eq!(
        b.ack(c, d1.tag),
        Err(BrokerError::UnknownConsumer { consumer: c })
    );
    let c2 = b.consume(Q, AckMode::Manual, 0).unwrap();
    assert_ne!(c2, c, "consumer ids are not reused across recoveries");
    let again = b.take_deliveries();
    let got: Vec<(u64, bool)> = again
        .iter()
        .map(|d| (d.message_id.0, d.redelivered))
        .collect();
    // 1 had been delivered; 2 never was.
    assert_eq!(got, [(1, true), (2, false)]);
    assert!(again.iter().all(|d| d.tag > d1.tag), "tags are fresh");
    assert!(b.ledger().is_balanced());
}

#[test]
fn an_ack_whose_record_was_not_persisted_comes_back_and_its_rework_is_a_duplicate() {
    let mut b = Broker::new();
    let mut store = Store::default();
    b.queue_declare(Q, DURABLE).unwrap();
    let c = b.consume(Q, AckMode::Manual, 1).unwrap();
    b.publish(Q, "once".into()).unwrap();
    store.persist_all(&mut b);
    let d = b.take_deliveries().remove(0);
    b.processed(c, d.message_id).unwrap();
    b.ack(c, d.tag).unwrap();
    let _ack_record_lost = b.take_records();
    assert_eq!(b.ledger().acked(), 1);
    let mut b = Broker::recover(&store.0, b.into_ledger()).unwrap();
    let l = b.ledger();
    assert_eq!((l.acked(), l.queued(), l.resurrected()), (0, 1, 1));
    assert!(l.is_balanced());
    let c2 = b.consume(Q, AckMode::Manual, 1).unwrap();
    let d2 = b.take_deliveries().remove(0);
    assert!(d2.redelivered);
    b.processed(c2, d2.message_id).unwrap();
    b.ack(c2, d2.tag).unwrap();
    assert_eq!((b.ledger().acked(), b.ledger().duplicates()), (1, 1));
}

#[test]
fn a_page_reload_recovers_from_the_log_alone() {
    let mut b = Broker::new();
    let mut store = Store::default();
    b.queue_declare(Q, DURABLE).unwrap();
    let c = b.consume(Q, AckMode::Auto, 0).unwrap();
    b.publish(Q, "done".into()).unwrap();
    b.consumer_died(c).unwrap();
    for i in 0..3 {
        b.publish(Q, format!("waiting {i}")).unwrap();
    }
    store.persist_all(&mut b);
    drop(b);
    let b = Broker::recover(&store.0, Ledger::default()).unwrap();
    let l = b.ledger();
    assert_eq!((l.published(), l.queued(), l.confirmed()), (3, 3, 3));
    assert!(l.is_balanced());
    assert_eq!(
        b.queued(Q),
        Some(vec![MessageId(1), MessageId(2), MessageId(3)])
    );
    // The auto-acked message was settled in the log on delivery.
    let mut b = b;
    assert_eq!(
        b.publish(Q, "next".into()).unwrap().message_id,
        MessageId(4)
    );
}

#[test]
fn an_auto_ack_consumer_outliving_the_broker_can_still_finish_or_lose_its_messages() {
    let mut b = Broker::new();
    let mut store = Store::default();
    b.queue_declare(Q, DURABLE).unwrap();
    let c = b.consume(Q, AckMode::Auto, 0).unwrap();
    for i in 0..3 {
        b.publish(Q, format!("m{i}")).unwrap();
    }
    store.persist_all(&mut b);
    assert_eq!(b.take_deliveries().len(), 3);
    let mut b = Broker::recover(&store.0, b.into_ledger()).unwrap();
    assert_eq!(b.ledger().in_flight(), 3);
    b.processed(c, MessageId(0)).unwrap();
    let died = b.consumer_died(c).unwrap();
    assert_eq!(died.lost, [MessageId(1), MessageId(2)]);
    let reason = LossReason::ConsumerDiedAutoAck { consumer: c };
    assert_eq!(b.ledger().lost(), lost(&[1, 2], reason));
    assert_eq!(b.ledger().acked(), 1);
    assert!(b.ledger().is_balanced());
}

#[test]
fn a_log_that_does_not_replay_is_refused() {
    let declare = Record::Declare {
        queue: Q.into(),
        max_length: None,
    };
    let publish = |id| Record::Publish {
        queue: Q.into(),
        message_id: MessageId(id),
        body: String::new(),
    };
    let entries = |records: Vec<Record>| -> Vec<LogEntry> {
        (0..)
            .zip(records)
            .map(|(seq, record)| LogEntry { seq, record })
            .collect()
    };
    let recover = |log: &[LogEntry]| Broker::recover(log, Ledger::default()).map(|_| ());

    let mut gap = entries(vec![declare.clone(), publish(0)]);
    gap[1].seq = 2;
    assert_eq!(
        recover(&gap),
        Err(RecoverError::Gap {
            expected: 1,
            found: 2
        })
    );
    assert_eq!(
        recover(&entries(vec![publish(0)])),
        Err(RecoverError::UndeclaredQueue {
            seq: 0,
            queue: Q.into()
        })
    );
    assert_eq!(
        recover(&entries(vec![declare.clone(), publish(0), publish(0)])),
        Err(RecoverError::DuplicatePublish {
            seq: 2,
            message_id: MessageId(0)
        })
    );
    let settle = Record::Settled {
        message_id: MessageId(5),
    };
    assert_eq!(
        recover(&entries(vec![declare.clone(), settle])),
        Err(RecoverError::UnknownMessage {
            seq: 1,
            message_id: MessageId(5)
        })
    );
    assert_eq!(recover(&entries(vec![declare, publish(0)])), Ok(()));
}

/// Publishes "a" and "b" durably, persisted, and has a manual consumer take "a".
fn one_delivered(store: &mut Store) -> (Broker, queue_playground::broker::ConsumerId) {
    let mut b = Broker::new();
    b.queue_declare(Q, DURABLE).unwrap();
    b.publish(Q, "a".into()).unwrap();
    b.publish(Q, "b".into()).unwrap();
    store.persist_all(&mut b);
    let c = b.consume(Q, AckMode::Manual, 1).unwrap();
    assert_eq!(b.take_deliveries()[0].body, "a");
    (b, c)
}

fn flags_after_recovery(store: &Store, ledger: Ledger) -> Vec<(String, bool)> {
    let mut b = Broker::recover(&store.0, ledger).unwrap();
    b.consume(Q, AckMode::Manual, 0).unwrap();
    let ds = b.take_deliveries();
    ds.into_iter().map(|d| (d.body, d.redelivered)).collect()
}

#[test]
fn the_redelivered_flag_survives_through_the_ledger_or_through_the_log() {
    // Unacked at the kill, its Delivered record never persisted: the ledger knows.
    let mut store = Store::default();
    let (mut b, _) = one_delivered(&mut store);
    let _lost_records = b.take_records();
    let got = flags_after_recovery(&store, b.into_ledger());
    assert_eq!(got, [("a".to_string(), true), ("b".to_string(), false)]);
    // Requeued before the kill, so the ledger has it queued: the log's record knows.
    let mut store = Store::default();
    let (mut b, c) = one_delivered(&mut store);
    b.consumer_died(c).unwrap();
    store.persist_all(&mut b);
    let got = flags_after_recovery(&store, Ledger::default());
    assert_eq!(got, [("a".to_string(), true), ("b".to_string(), false)]);
}

/// A snapshot that adds up on its own (nothing published, nothing held) but says ids below 5
/// were handed out, and a log that still has message 3: recovery would take message 3 as
/// acked and settled, and take one from an acked count of zero. It is refused instead, with
/// the count and the message named.
#[test]
fn a_ledger_that_disagrees_with_the_log_is_refused_not_underflowed() {
    use queue_playground::broker::wire::{ledger_from_json, ledger_to_json};
    use queue_playground::broker::LedgerCount;
    let text = ledger_to_json(&Ledger::default());
    assert!(text.contains("\"next_message\":0"), "{text}");
    let ledger = ledger_from_json(&text.replace("\"next_message\":0", "\"next_message\":5"))
        .expect("the snapshot adds up on its own");
    let log = [
        LogEntry {
            seq: 0,
            record: Record::Declare {
                queue: Q.into(),
                max_length: None,
            },
        },
        LogEntry {
            seq: 1,
            record: Record::Publish {
                queue: Q.into(),
                message_id: MessageId(3),
                body: "c".into(),
            },
        },
    ];
    let err = Broker::recover(&log, ledger).map(|_| ()).unwrap_err();
    assert_eq!(
        err,
        RecoverError::LedgerDisagrees {
            count: LedgerCount::Acked,
            message_id: MessageId(3)
        }
    );
    assert_eq!(
        err.to_string(),
        "the ledger counts no acked message to take message 3 from: it disagrees with the log"
    );
}
