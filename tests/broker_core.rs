#![cfg(not(target_arch = "wasm32"))]
//! The broker state machine: ack modes, prefetch, dispatch, a consumer's death, reject and
//! requeue, duplicates and the idempotent consumer.

use queue_playground::broker::{
    AckMode, Broker, BrokerError, ConsumerId, Delivery, Handled, IdempotentConsumer, LossReason,
    Lost, MessageId, Place, QueueOptions, Tag,
};

const Q: &str = "my_queue";

fn broker() -> Broker {
    let mut b = Broker::new();
    b.queue_declare(Q, QueueOptions::default()).unwrap();
    b
}

fn publish(b: &mut Broker, n: usize) -> Vec<MessageId> {
    (0..n)
        .map(|i| b.publish(Q, format!("m{i}")).unwrap().message_id)
        .collect()
}

fn ids_of(ds: &[Delivery], c: ConsumerId) -> Vec<u64> {
    ds.iter()
        .filter(|d| d.consumer == c)
        .map(|d| d.message_id.0)
        .collect()
}

fn balanced(b: &Broker) {
    let l = b.ledger();
    assert!(l.is_balanced(), "{l:?}");
}

#[test]
fn auto_ack_counts_a_message_acked_on_delivery() {
    let mut b = broker();
    let c = b.consume(Q, AckMode::Auto, 1).unwrap();
    publish(&mut b, 3);
    let ds = b.take_deliveries();
    // Auto-ack consumers take no prefetch: RabbitMQ ignores it for no-ack consumers.
    assert_eq!(ids_of(&ds, c), [0, 1, 2]);
    let l = b.ledger();
    assert_eq!(
        (l.acked(), l.in_flight(), l.unacked(), l.queued()),
        (3, 3, 0, 0)
    );
    assert_eq!(
        b.ack(c, ds[0].tag),
        Err(BrokerError::AutoAckConsumer { consumer: c })
    );
    b.processed(c, ds[0].message_id).unwrap();
    assert_eq!((b.ledger().acked(), b.ledger().in_flight()), (3, 2));
    assert_eq!(b.in_flight(c), Some(vec![MessageId(1), MessageId(2)]));
    balanced(&b);
}

#[test]
fn manual_ack_holds_a_message_until_acked_and_refuses_a_double_ack() {
    let mut b = broker();
    let c = b.consume(Q, AckMode::Manual, 0).unwrap();
    publish(&mut b, 2);
    let ds = b.take_deliveries();
    assert_eq!(ids_of(&ds, c), [0, 1]);
    assert_eq!((b.ledger().unacked(), b.ledger().acked()), (2, 0));
    assert_eq!(b.ack(c, ds[1].tag), Ok(MessageId(1)));
    assert_eq!((b.ledger().unacked(), b.ledger().acked()), (1, 1));
    assert_eq!(
        b.ack(c, ds[1].tag),
        Err(BrokerError::AlreadySettled {
            consumer: c,
            tag: ds[1].tag
        })
    );
    assert_eq!(
        b.ack(c, Tag(99)),
        Err(BrokerError::UnknownTag {
            consumer: c,
            tag: Tag(99)
        })
    );
    let ghost = ConsumerId(42);
    assert_eq!(
        b.ack(ghost, ds[0].tag),
        Err(BrokerError::UnknownConsumer { consumer: ghost })
    );
    // The refused calls changed nothing.
    assert_eq!(b.unacked(c), Some(vec![(ds[0].tag, MessageId(0))]));
    assert_eq!((b.ledger().unacked(), b.ledger().acked()), (1, 1));
    balanced(&b);
}

#[test]
fn prefetch_bounds_the_unacked_messages_of_a_manual_consumer() {
    let mut b = broker();
    let c = b.consume(Q, AckMode::Manual, 2).unwrap();
    publish(&mut b, 5);
    let ds = b.take_deliveries();
    assert_eq!(ids_of(&ds, c), [0, 1]);
    assert_eq!((b.ledger().queued(), b.ledger().unacked()), (3, 2));
    b.ack(c, ds[0].tag).unwrap();
    assert_eq!(ids_of(&b.take_deliveries(), c), [2]);
    assert_eq!(b.queued(Q), Some(vec![MessageId(3), MessageId(4)]));
    balanced(&b);
}

#[test]
fn dispatch_is_round_robin_among_consumers() {
    let mut b = broker();
    let cs: Vec<_> = (0..3)
        .map(|_| b.consume(Q, AckMode::Manual, 0).unwrap())
        .collect();
    publish(&mut b, 9);
    let ds = b.take_deliveries();
    let order: Vec<u32> = ds.iter().map(|d| d.consumer.0).collect();
    assert_eq!(order, [0, 1, 2, 0, 1, 2, 0, 1, 2]);
    assert_eq!(ids_of(&ds, cs[1]), [1, 4, 7]);
}

/// A slow and a fast consumer; the fast one acks each message as soon as it gets it, the slow
/// one sits on what it has. Returns how many messages each got.
fn slow_and_fast(prefetch: u32) -> (usize, usize) {
    let mut b = broker();
    let slow = b.consume(Q, AckMode::Manual, prefetch).unwrap();
    let fast = b.consume(Q, AckMode::Manual, prefetch).unwrap();
    publish(&mut b, 10);
    let (mut got_slow, mut got_fast) = (0, 0);
    loop {
        let ds = b.take_deliveries();
        if ds.is_empty() {
            break;
        }
        for d in ds {
            if d.consumer == slow {
                got_slow += 1;
            } else {
                got_fast += 1;
                b.ack(fast, d.tag).unwrap();
            }
        }
    }
    balanced(&b);
    (got_slow, got_fast)
}

#[test]
fn prefetch_one_gives_fair_dispatch_to_a_slow_consumer() {
    // Unlimited prefetch: round-robin pushes half the work onto the slow consumer.
    assert_eq!(slow_and_fast(0), (5, 5));
    // Prefetch 1: the slow consumer holds one message, the fast one does the rest.
    assert_eq!(slow_and_fast(1), (1, 9));
}

#[test]
fn a_dead_auto_ack_consumer_loses_exactly_its_in_flight_messages() {
    let mut b = broker();
    let c0 = b.consume(Q, AckMode::Auto, 0).unwrap();
    let c1 = b.consume(Q, AckMode::Auto, 0).unwrap();
    publish(&mut b, 6);
    let ds = b.take_deliveries();
    assert_eq!(ids_of(&ds, c0), [0, 2, 4]);
    b.processed(c0, MessageId(0)).unwrap();
    let died = b.consumer_died(c0).unwrap();
    assert_eq!(died.lost, [MessageId(2), MessageId(4)]);
    assert!(died.requeued.is_empty());
    let reason = LossReason::ConsumerDiedAutoAck { consumer: c0 };
    let expected = [2, 4].map(|id| Lost {
        message_id: MessageId(id),
        reason,
    });
    assert_eq!(b.ledger().lost(), expected);
    let l = b.ledger();
    // Acked on delivery, lost with the consumer: 6 acked became 4.
    assert_eq!(
        (l.published(), l.acked(), l.lost_count(), l.queued()),
        (6, 4, 2, 0)
    );
    assert_eq!(
        b.consumer_died(c0),
        Err(BrokerError::UnknownConsumer { consumer: c0 })
    );
    // The other consumer's messages are untouched.
    assert_eq!(b.in_flight(c1).map(|v| v.len()), Some(3));
    balanced(&b);
}

#[test]
fn a_dead_manual_consumer_loses_nothing_and_its_messages_are_redelivered_in_place() {
    let mut b = broker();
    let c0 = b.consume(Q, AckMode::Manual, 2).unwrap();
    publish(&mut b, 5); // c0 holds 0 and 1; 2, 3, 4 wait
    let first = b.take_deliveries();
    assert!(first.iter().all(|d| !d.redelivered));
    let died = b.consumer_died(c0).unwrap();
    assert_eq!(died.requeued, [MessageId(0), MessageId(1)]);
    assert!(died.lost.is_empty() && b.ledger().lost().is_empty());
    // Back at their original place, the head, ahead of the messages that never left.
    let queued: Vec<u64> = b.queued(Q).unwrap().iter().map(|m| m.0).collect();
    assert_eq!(queued, [0, 1, 2, 3, 4]);
    let c1 = b.consume(Q, AckMode::Manual, 3).unwrap();
    let again = b.take_deliveries();
    assert_eq!(ids_of(&again, c1), [0, 1, 2]);
    let flags: Vec<bool> = again.iter().map(|d| d.redelivered).collect();
    assert_eq!(flags, [true, true, false]);
    assert_eq!(again[0].body, "m0");
    assert_eq!(b.ledger().redelivered(), 2);
    balanced(&b);
}

#[test]
fn reject_requeues_in_place_or_drops_and_names_the_loss() {
    let mut b = broker();
    let c = b.consume(Q, AckMode::Manual, 1).unwrap();
    publish(&mut b, 3);
    let d0 = b.take_deliveries().remove(0);
    assert_eq!(b.nack(c, d0.tag, true), Ok(MessageId(0)));
    // Requeued at the head, so it comes straight back, marked redelivered.
    let d0b = b.take_deliveries().remove(0);
    assert_eq!((d0b.message_id, d0b.redelivered), (MessageId(0), true));
    assert_ne!(d0b.tag, d0.tag);
    assert_eq!(b.nack(c, d0b.tag, false), Ok(MessageId(0)));
    assert_eq!(
        b.ledger().lost(),
        [Lost {
            message_id: MessageId(0),
            reason: LossReason::RejectedDropped { consumer: c }
        }]
    );
    assert_eq!(
        b.nack(c, d0b.tag, true),
        Err(BrokerError::AlreadySettled {
            consumer: c,
            tag: d0b.tag
        })
    );
    let d1 = b.take_deliveries().remove(0);
    assert_eq!((d1.message_id, d1.redelivered), (MessageId(1), false));
    balanced(&b);
}

#[test]
fn declare_publish_and_consume_refuse_bad_requests_and_change_nothing() {
    let mut b = broker();
    let durable = QueueOptions {
        durable: true,
        ..QueueOptions::default()
    };
    assert!(matches!(
        b.queue_declare(Q, durable),
        Err(BrokerError::QueueMismatch { .. })
    ));
    assert_eq!(b.queue_declare(Q, QueueOptions::default()), Ok(()));
    assert_eq!(
        b.queue_declare("", durable),
        Err(BrokerError::InvalidQueueName { len: 0 })
    );
    let long = "q".repeat(256);
    assert_eq!(
        b.queue_declare(&long, durable),
        Err(BrokerError::InvalidQueueName { len: 256 })
    );
    let unknown = BrokerError::UnknownQueue {
        queue: "nope".into(),
    };
    assert_eq!(b.publish("nope", "x".into()), Err(unknown.clone()));
    assert_eq!(b.consume("nope", AckMode::Auto, 0), Err(unknown));
    let small = QueueOptions {
        durable: false,
        max_length: Some(2),
    };
    b.queue_declare("small", small).unwrap();
    b.publish("small", "a".into()).unwrap();
    b.publish("small", "b".into()).unwrap();
    assert_eq!(
        b.publish("small", "c".into()),
        Err(BrokerError::QueueFull {
            queue: "small".into(),
            max_length: 2,
            body: "c".into()
        })
    );
    assert_eq!(b.ledger().published(), 2);
    assert!(b.take_records().is_empty(), "nothing durable was declared");
    balanced(&b);
}

#[test]
fn errors_and_losses_read_as_english_with_their_fields() {
    let e = BrokerError::UnknownTag {
        consumer: ConsumerId(3),
        tag: Tag(9),
    };
    assert_eq!(e.to_string(), "consumer 3 holds no delivery tag 9");
    let r = LossReason::ConsumerDiedAutoAck {
        consumer: ConsumerId(1),
    };
    assert_eq!(r.to_string(), "consumer 1 died with it under auto ack");
    assert_eq!(
        LossReason::BrokerDiedUnconfirmed.to_string(),
        "the broker died before its publish was persisted (unconfirmed)"
    );
}

/// A consumer killed after its work but before its ack: the message is redelivered and its
/// work done again, unless the consumers share an idempotency store.
fn killed_before_ack(store: Option<&mut IdempotentConsumer>) -> (u64, u32) {
    let mut b = broker();
    let c0 = b.consume(Q, AckMode::Manual, 1).unwrap();
    publish(&mut b, 1);
    let mut effects = 0;
    let mut store = store;
    let mut work = |b: &mut Broker, c: ConsumerId, d: &Delivery, effects: &mut u32| {
        let did = match store.as_deref_mut() {
            Some(s) => s.handle(d.message_id, || *effects += 1) == Handled::Processed,
            None => {
                *effects += 1;
                true
            }
        };
        if did {
            b.processed(c, d.message_id).unwrap();
        }
    };
    let d = b.take_deliveries().remove(0);
    work(&mut b, c0, &d, &mut effects);
    b.consumer_died(c0).unwrap(); // dies before its ack
    let c1 = b.consume(Q, AckMode::Manual, 1).unwrap();
    let d = b.take_deliveries().remove(0);
    assert!(d.redelivered);
    work(&mut b, c1, &d, &mut effects);
    b.ack(c1, d.tag).unwrap();
    assert_eq!(b.ledger().place(d.message_id), None);
    assert_eq!((b.ledger().acked(), b.ledger().lost_count()), (1, 0));
    balanced(&b);
    (b.ledger().duplicates(), effects)
}

#[test]
fn at_least_once_makes_a_duplicate_and_an_idempotent_consumer_removes_it() {
    assert_eq!(killed_before_ack(None), (1, 2));
    let mut store = IdempotentConsumer::new();
    assert_eq!(killed_before_ack(Some(&mut store)), (0, 1));
    assert_eq!(store.skipped(), 1);
    assert!(store.is_done(MessageId(0)));
}

#[test]
fn processed_reports_are_checked() {
    let mut b = broker();
    let c = b.consume(Q, AckMode::Manual, 0).unwrap();
    assert_eq!(
        b.processed(c, MessageId(0)),
        Err(BrokerError::UnknownMessage {
            message_id: MessageId(0)
        })
    );
    publish(&mut b, 1);
    assert_eq!(
        b.processed(ConsumerId(7), MessageId(0)),
        Err(BrokerError::UnknownConsumer {
            consumer: ConsumerId(7)
        })
    );
    // A manual consumer's report does not ack: only its ack does.
    b.processed(c, MessageId(0)).unwrap();
    assert_eq!(b.ledger().place(MessageId(0)), Some(Place::Unacked(c)));
    assert_eq!(b.ledger().processed(), 1);
}

#[test]
fn round_robin_keeps_its_turn_when_a_consumer_dies() {
    let mut b = broker();
    let cs: Vec<_> = (0..3)
        .map(|_| b.consume(Q, AckMode::Manual, 0).unwrap())
        .collect();
    publish(&mut b, 2); // to c0 and c1: c2's turn is next
    b.take_deliveries();
    b.consumer_died(cs[0]).unwrap(); // its message goes to c2, whose turn it was
    publish(&mut b, 2);
    let order: Vec<(u32, u64)> = b
        .take_deliveries()
        .iter()
        .map(|d| (d.consumer.0, d.message_id.0))
        .collect();
    assert_eq!(order, [(2, 0), (1, 2), (2, 3)]);
}

#[test]
fn a_mirror_ledger_refuses_an_event_that_does_not_fit_and_changes_nothing() {
    use queue_playground::broker::{Event, Ledger, LedgerError};
    let mut b = broker();
    let c = b.consume(Q, AckMode::Manual, 0).unwrap();
    publish(&mut b, 1);
    let events = b.take_events();
    let mut mirror = Ledger::default();
    // Missing the publish, the delivery does not fit.
    let delivered = events[2].clone();
    assert!(matches!(delivered, Event::Delivered { .. }));
    assert_eq!(
        mirror.apply(&delivered),
        Err(LedgerError::DoesNotFit {
            event: delivered.clone(),
            found: None
        })
    );
    assert_eq!(mirror, Ledger::default());
    for e in &events {
        mirror.apply(e).unwrap();
    }
    assert_eq!(&mirror, b.ledger());
    let err = mirror.apply(&delivered).unwrap_err();
    assert_eq!(
        err.to_string(),
        "\"message 0 delivered to consumer 0\" does not fit: the message is unacked at consumer 0"
    );
    assert_eq!(&mirror, b.ledger());
    let _ = c;
}
