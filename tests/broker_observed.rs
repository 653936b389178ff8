#![cfg(not(target_arch = "wasm32"))]
//! The watcher's ledger for a real RabbitMQ (src/broker/observed.rs): the lessons' scenarios
//! give the same counts as the in-browser broker, a redelivery before the death is told is
//! folded in order, and an ACK RabbitMQ never got (the message comes back) is counted.

use queue_playground::broker::{
    AckMode, Broker, ConsumerId, Event, LossReason, MessageId, Observed, QueueOptions,
};

/// Replays what a local broker did as observations, as the consumers of a RabbitMQ would
/// report them, and checks both ledgers agree after each step.
fn mirror_of(b: &mut Broker, o: &mut Observed, map: &mut Vec<(ConsumerId, ConsumerId)>) {
    let local = |map: &Vec<(ConsumerId, ConsumerId)>, c: ConsumerId| {
        map.iter().find(|(l, _)| *l == c).map(|(_, r)| *r).unwrap()
    };
    for e in b.take_events() {
        match e {
            Event::ConsumerStarted {
                consumer,
                auto_ack,
                prefetch,
            } => map.push((consumer, o.consumer_started(auto_ack, prefetch))),
            Event::Published {
                durable, confirmed, ..
            } => {
                let id = o.published(durable);
                if confirmed {
                    o.confirmed(id).unwrap();
                }
            }
            Event::Confirmed { message_id } => o.confirmed(message_id).unwrap(),
            Event::Delivered {
                message_id,
                consumer,
                redelivered,
                ..
            } => o
                .delivered(local(map, consumer), message_id, redelivered)
                .unwrap(),
            Event::Acked { message_id } => {
                let held = map.iter().map(|(_, r)| *r).find(|&r| {
                    o.ledger().place(message_id)
                        == Some(queue_playground::broker::Place::Unacked(r))
                });
                o.acked(held.unwrap(), message_id).unwrap();
            }
            Event::Processed {
                message_id,
                consumer,
            } => o.processed(local(map, consumer), message_id).unwrap(),
            Event::ConsumerDied { consumer } => drop(o.consumer_died(local(map, consumer))),
            // Their observation is the death above, or a nack the test reports itself.
            Event::Requeued { .. } | Event::Lost { .. } => {}
        }
    }
}

fn counts(l: &queue_playground::broker::Ledger) -> [u64; 8] {
    [
        l.published(),
        l.confirmed(),
        l.acked(),
        l.lost_count(),
        l.queued(),
        l.unacked(),
        l.redelivered(),
        l.duplicates(),
    ]
}

#[test]
fn the_lessons_give_the_same_ledger_watched_or_run() {
    for mode in [AckMode::Auto, AckMode::Manual] {
        let mut b = Broker::new();
        let mut o = Observed::new();
        let mut map = Vec::new();
        b.queue_declare("q", QueueOptions::default()).unwrap();
        let slow = b.consume("q", mode, 1).unwrap();
        let fast = b.consume("q", mode, 1).unwrap();
        for i in 0..6 {
            b.publish("q", format!("m{i}")).unwrap();
        }
        mirror_of(&mut b, &mut o, &mut map);
        // The fast consumer works through everything it gets; the slow one holds its first.
        for _ in 0..10 {
            for d in b.take_deliveries() {
                if d.consumer == fast {
                    b.processed(fast, d.message_id).unwrap();
                    if mode == AckMode::Manual {
                        b.ack(fast, d.tag).unwrap();
                    }
                }
            }
            mirror_of(&mut b, &mut o, &mut map);
        }
        b.consumer_died(slow).unwrap();
        mirror_of(&mut b, &mut o, &mut map);
        for d in b.take_deliveries() {
            assert!(d.redelivered, "only the slow consumer's message is left");
            b.processed(fast, d.message_id).unwrap();
            b.ack(fast, d.tag).unwrap();
        }
        mirror_of(&mut b, &mut o, &mut map);
        assert_eq!(counts(o.ledger()), counts(b.ledger()), "{mode:?}");
        assert_eq!(o.ledger().lost(), b.ledger().lost(), "{mode:?}");
        assert!(o.ledger().is_balanced());
    }
}

#[test]
fn auto_ack_loses_exactly_the_in_flight_messages_by_name() {
    let mut o = Observed::new();
    let a = o.consumer_started(true, 0);
    let b = o.consumer_started(true, 0);
    let ids: Vec<MessageId> = (0..4).map(|_| o.published(false)).collect();
    for (i, &id) in ids.iter().enumerate() {
        o.delivered(if i % 2 == 0 { a } else { b }, id, false)
            .unwrap();
    }
    o.processed(a, ids[0]).unwrap();
    let (requeued, lost) = o.consumer_died(a);
    assert_eq!((requeued, lost), (vec![], vec![ids[2]]));
    let l = o.ledger();
    assert_eq!((l.acked(), l.lost_count(), l.in_flight()), (3, 1, 2));
    assert_eq!(
        l.lost()[0].reason,
        LossReason::ConsumerDiedAutoAck { consumer: a }
    );
    // Telling a death twice changes nothing.
    assert_eq!(o.consumer_died(a), (vec![], vec![]));
    assert!(o.ledger().is_balanced());
}

#[test]
fn a_redelivery_seen_before_the_death_is_told_is_a_requeue_then_a_delivery() {
    let mut o = Observed::new();
    let a = o.consumer_started(false, 1);
    let b = o.consumer_started(false, 1);
    let m = o.published(true);
    o.delivered(a, m, false).unwrap();
    o.delivered(b, m, true).unwrap();
    let kinds: Vec<&str> = o
        .take_events()
        .iter()
        .map(|e| match e {
            Event::Requeued { .. } => "requeued",
            Event::Delivered { .. } => "delivered",
            _ => "other",
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "other",
            "other",
            "other",
            "delivered",
            "requeued",
            "delivered"
        ]
    );
    // a's death, told late, has nothing left to requeue.
    assert_eq!(o.consumer_died(a), (vec![], vec![]));
    o.acked(b, m).unwrap();
    let l = o.ledger();
    assert_eq!((l.acked(), l.redelivered(), l.unacked()), (1, 1, 0));
}

#[test]
fn an_ack_that_never_reached_the_broker_brings_the_message_back() {
    let mut o = Observed::new();
    let a = o.consumer_started(false, 1);
    let b = o.consumer_started(false, 1);
    let m = o.published(false);
    o.delivered(a, m, false).unwrap();
    o.processed(a, m).unwrap();
    o.acked(a, m).unwrap(); // the worker said so, then was killed before the frame left
    o.consumer_died(a);
    o.delivered(b, m, true).unwrap();
    o.processed(b, m).unwrap();
    o.acked(b, m).unwrap();
    let l = o.ledger();
    assert_eq!(
        (l.published(), l.acked(), l.resurrected(), l.duplicates()),
        (1, 1, 1, 1)
    );
    assert!(l.is_balanced());
}

#[test]
fn what_does_not_fit_is_refused_and_changes_nothing() {
    let mut o = Observed::new();
    let a = o.consumer_started(true, 0);
    let m = o.published(false);
    assert!(
        o.delivered(ConsumerId(9), m, false).is_err(),
        "unknown consumer"
    );
    assert!(
        o.delivered(a, MessageId(5), false).is_err(),
        "never published"
    );
    o.delivered(a, m, false).unwrap();
    assert!(
        o.delivered(a, m, true).is_err(),
        "auto-acked messages are not redelivered"
    );
    assert!(o.acked(a, m).is_err(), "nothing to ack under auto ack");
    assert!(o.confirmed(MessageId(3)).is_err());
    let before = o.ledger().clone();
    assert!(o.nacked(a, m, true).is_err());
    assert_eq!(o.ledger(), &before);
    // A nack without requeue under manual ack: dropped, lost by name.
    let c = o.consumer_started(false, 0);
    let n = o.published(false);
    o.delivered(c, n, false).unwrap();
    o.nacked(c, n, false).unwrap();
    assert_eq!(
        o.ledger().lost().last().map(|x| x.reason),
        Some(LossReason::RejectedDropped { consumer: c })
    );
}
