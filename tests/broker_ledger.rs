#![cfg(not(target_arch = "wasm32"))]
//! The ledger rule over randomized operation sequences: seeded, thousands of steps each, with
//! consumers dying, records persisted late or never, and broker kills. After every step the
//! test checks the ledger against its own model of where each message is, built only from
//! what the broker handed out (deliveries, results, records).
//!
//! More seeds: `BROKER_LEDGER_SEEDS=500 cargo test --release --test broker_ledger`.

use queue_playground::broker::{
    AckMode, Broker, BrokerError, ConsumerId, Ledger, LogEntry, LossReason, MessageId,
    QueueOptions, Tag,
};
use std::collections::{BTreeMap, BTreeSet, HashSet};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E3779B97F4A7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58476D1CE4E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D049BB133111EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const QUEUES: [(&str, bool); 2] = [("durable", true), ("memory", false)];

fn options(durable: bool) -> QueueOptions {
    QueueOptions {
        durable,
        max_length: Some(40),
    }
}

/// What the test knows, from the broker's outputs alone.
#[derive(Default)]
struct Model {
    published: BTreeSet<MessageId>,
    /// Live manual consumers' deliveries not yet settled.
    held: BTreeMap<ConsumerId, BTreeMap<Tag, MessageId>>,
    /// Auto consumers' deliveries not yet processed (live or outliving a broker).
    in_flight: BTreeMap<ConsumerId, BTreeSet<MessageId>>,
    auto: BTreeSet<ConsumerId>,
    settled_tags: Vec<(ConsumerId, Tag)>,
    /// Records persisted, and records handed out but not persisted yet.
    store: Vec<LogEntry>,
    pending: Vec<LogEntry>,
    mirror: Ledger,
    kills: u32,
}

impl Model {
    fn absorb(&mut self, b: &mut Broker) {
        for d in b.take_deliveries() {
            if self.auto.contains(&d.consumer) {
                let set = self.in_flight.entry(d.consumer).or_default();
                assert!(set.insert(d.message_id), "delivered twice: {d:?}");
            } else {
                let held = self.held.get_mut(&d.consumer).expect("a live consumer");
                assert!(held.insert(d.tag, d.message_id).is_none());
            }
        }
        for e in b.take_events() {
            self.mirror
                .apply(&e)
                .expect("the mirror follows every event");
        }
        self.pending.extend(b.take_records());
    }

    /// The checks after every step.
    fn check(&self, b: &Broker, step: usize) {
        let l = b.ledger();
        assert!(l.is_balanced(), "step {step}: {l:?}");
        assert_eq!(&self.mirror, l, "step {step}: the mirror ledger differs");
        let mut seen = BTreeSet::new();
        let mut place = |id: MessageId, what: &str| {
            assert!(seen.insert(id), "step {step}: {id:?} twice ({what})");
        };
        let mut queued = 0;
        for (name, _) in QUEUES {
            for id in b.queued(name).unwrap_or_default() {
                place(id, "queued");
                queued += 1;
            }
        }
        let mut unacked = 0;
        for (&c, held) in &self.held {
            let from_broker: BTreeMap<Tag, MessageId> = b.unacked(c).unwrap().into_iter().collect();
            assert_eq!(
                &from_broker, held,
                "step {step}: {c:?} holds other messages"
            );
            for &id in held.values() {
                place(id, "unacked");
                unacked += 1;
            }
        }
        let mut flying = 0;
        for (&c, set) in &self.in_flight {
            let from_broker: BTreeSet<MessageId> = b.in_flight(c).unwrap().into_iter().collect();
            assert_eq!(&from_broker, set, "step {step}: {c:?} in flight");
            for &id in set {
                place(id, "in flight");
                flying += 1;
            }
        }
        for lost in l.lost() {
            place(lost.message_id, "lost");
            if let LossReason::ConsumerDiedAutoAck { consumer } = lost.reason {
                assert!(self.auto.contains(&consumer));
            }
        }
        assert_eq!(
            (l.queued(), l.unacked(), l.in_flight()),
            (queued, unacked, flying)
        );
        assert!(seen.is_subset(&self.published), "step {step}: unknown ids");
        // Everything else that was published was acked (and, if auto, processed).
        let settled = self.published.len() as u64 - seen.len() as u64;
        assert_eq!(l.acked() - l.in_flight(), settled, "step {step}");
        assert_eq!(l.published(), self.published.len() as u64, "step {step}");
    }
}

fn pick<T: Copy>(rng: &mut Rng, items: impl IntoIterator<Item = T>) -> Option<T> {
    let v: Vec<T> = items.into_iter().collect();
    if v.is_empty() {
        None
    } else {
        Some(v[rng.below(v.len())])
    }
}

fn run(seed: u64, steps: usize) -> Model {
    let mut rng = Rng(seed);
    let mut b = Broker::new();
    let mut m = Model::default();
    for (name, durable) in QUEUES {
        b.queue_declare(name, options(durable)).unwrap();
    }
    m.absorb(&mut b);
    for step in 0..steps {
        let op = rng.below(100);
        // Refused operations must change nothing: keep the ledger before those that may be.
        let before = matches!(op, 0..=29 | 62..=66).then(|| b.ledger().clone());
        let before = before.as_ref();
        match op {
            0..=29 => {
                let (name, _) = QUEUES[rng.below(2)];
                match b.publish(name, format!("s{seed} step {step}")) {
                    Ok(p) => assert!(m.published.insert(p.message_id)),
                    Err(BrokerError::QueueFull { .. }) => assert_eq!(Some(b.ledger()), before),
                    Err(e) => panic!("{e}"),
                }
            }
            30..=36 => {
                if m.held.len() + m.in_flight.len() >= 6 {
                    continue;
                }
                let (name, _) = QUEUES[rng.below(2)];
                let auto = rng.chance(40);
                let mode = if auto { AckMode::Auto } else { AckMode::Manual };
                let c = b.consume(name, mode, rng.below(4) as u32).unwrap();
                if auto {
                    m.auto.insert(c);
                    m.in_flight.insert(c, BTreeSet::new());
                } else {
                    m.held.insert(c, BTreeMap::new());
                }
            }
            37..=61 => {
                let held = m
                    .held
                    .iter()
                    .flat_map(|(&c, h)| h.keys().map(move |&t| (c, t)));
                if let Some((c, tag)) = pick(&mut rng, held) {
                    let id = m.held.get_mut(&c).and_then(|h| h.remove(&tag)).unwrap();
                    let result = match rng.below(10) {
                        0..=6 => b.ack(c, tag),
                        7..=8 => b.nack(c, tag, true),
                        _ => b.nack(c, tag, false),
                    };
                    assert_eq!(result, Ok(id));
                    m.settled_tags.push((c, tag));
                }
            }
            62..=66 => {
                // A double ack, or a tag of another consumer: refused, nothing changes.
                if let Some((c, tag)) = pick(&mut rng, m.settled_tags.iter().copied()) {
                    assert!(b.ack(c, tag).is_err());
                    assert_eq!(Some(b.ledger()), before);
                }
            }
            67..=81 => {
                let flying = m
                    .in_flight
                    .iter()
                    .flat_map(|(&c, s)| s.iter().map(move |&i| (c, i)));
                let held = m
                    .held
                    .iter()
                    .flat_map(|(&c, h)| h.values().map(move |&i| (c, i)));
                let all: Vec<_> = flying.chain(held).collect();
                if let Some((c, id)) = pick(&mut rng, all) {
                    b.processed(c, id).unwrap();
                    if let Some(s) = m.in_flight.get_mut(&c) {
                        s.remove(&id);
                    }
                }
            }
            82..=87 => {
                let all = m.held.keys().chain(m.in_flight.keys()).copied();
                if let Some(c) = pick(&mut rng, all) {
                    let died = b.consumer_died(c).unwrap();
                    let held = m.held.remove(&c).unwrap_or_default();
                    let flying = m.in_flight.remove(&c).unwrap_or_default();
                    let requeued: BTreeSet<_> = died.requeued.iter().copied().collect();
                    let lost: BTreeSet<_> = died.lost.iter().copied().collect();
                    assert_eq!(requeued, held.values().copied().collect());
                    assert_eq!(lost, flying, "exactly the in-flight messages are lost");
                }
            }
            88..=95 => {
                // The shell persists some of what it was handed, in order.
                let n = rng.below(m.pending.len() + 1);
                let done: Vec<LogEntry> = m.pending.drain(..n).collect();
                if let Some(last) = done.last() {
                    b.confirm_persisted(last.seq).unwrap();
                }
                m.store.extend(done);
            }
            _ => {
                // The broker worker is killed: what was not persisted is gone.
                let keep = rng.below(m.pending.len() + 1);
                m.store.extend(m.pending.drain(..keep));
                m.pending.clear();
                m.absorb(&mut b);
                let ledger = b.into_ledger();
                b = Broker::recover(&m.store, ledger).unwrap();
                // Every connection died with the broker. Auto consumers holding in-flight
                // messages live on as workers that may still process them or die.
                m.held.clear();
                // One whose settle record was lost is back in its queue (resurrected).
                let back: BTreeSet<MessageId> =
                    b.queued(QUEUES[0].0).unwrap().into_iter().collect();
                for s in m.in_flight.values_mut() {
                    s.retain(|id| !back.contains(id));
                }
                m.in_flight.retain(|_, s| !s.is_empty());
                m.kills += 1;
                let (name, _) = QUEUES[1];
                b.queue_declare(name, options(false)).unwrap();
                m.absorb(&mut b);
                // A mirror cannot follow a recovery: it restarts from the new broker's ledger.
                m.mirror = b.ledger().clone();
            }
        }
        m.absorb(&mut b);
        m.check(&b, step);
    }
    m
}

#[test]
fn the_ledger_balances_after_every_step_of_random_runs() {
    let seeds: u64 = std::env::var("BROKER_LEDGER_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(8);
    let (mut kills, mut lost, mut redelivered, mut duplicates) = (0, 0, 0, 0);
    let mut reasons = HashSet::new();
    for seed in 0..seeds {
        let m = run(seed, 2000);
        kills += m.kills;
        let l = &m.mirror;
        lost += l.lost_count();
        redelivered += l.redelivered();
        duplicates += l.duplicates();
        for x in l.lost() {
            reasons.insert(std::mem::discriminant(&x.reason));
        }
    }
    eprintln!("kills {kills}, lost {lost}, redelivered {redelivered}, duplicates {duplicates}, loss kinds {}", reasons.len());
    // The runs reach every kind of event the ledger counts, so the checks above bit.
    assert!(kills > 10 && lost > 100 && redelivered > 100 && duplicates > 10);
    assert!(
        reasons.len() >= 4,
        "only {} kinds of loss seen",
        reasons.len()
    );
}
