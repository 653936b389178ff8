//! The broker's state machine: queues, consumers, dispatch, acknowledgements, the durable log.
//!
//! Dispatch is round-robin over a queue's consumers that have room: a manual-ack consumer has
//! room while it holds fewer unacked messages than its prefetch (0 = unlimited); an auto-ack
//! consumer always has room, because RabbitMQ applies no prefetch to `no_ack` consumers. With
//! prefetch 1 a slow consumer holds one message while the fast ones take the rest: fair
//! dispatch.
//!
//! A requeued message (nack with requeue, or its manual consumer died) goes back to its
//! original place in the queue, ordered by message id, and is marked redelivered: RabbitMQ
//! requeues "to its original position, or as close to the head as possible".

use super::ledger::{Fate, Ledger, LossReason, Lost, Place};
use super::log::{self, LedgerCount, LogEntry, Record, RecoverError};
use super::{
    AckMode, BrokerError, ConsumerId, Delivery, Event, IdSet, MessageId, QueueOptions, Tag,
    MAX_QUEUE_NAME,
};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// What [`Broker::publish`] accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Published {
    /// The message's id.
    pub message_id: MessageId,
    /// Confirmed to the publisher already (a non-durable queue confirms on enqueue; a durable
    /// one once its record is persisted).
    pub confirmed: bool,
}

/// What a consumer's death did to its messages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Died {
    /// Unacked messages (manual ack) put back in the queue, to be redelivered.
    pub requeued: Vec<MessageId>,
    /// In-flight messages (auto ack) lost with the consumer.
    pub lost: Vec<MessageId>,
}

#[derive(Debug, Clone)]
struct Message {
    id: MessageId,
    body: String,
    /// Delivered before: its next delivery is marked redelivered.
    delivered: bool,
}

#[derive(Debug)]
struct Queue {
    name: String,
    options: QueueOptions,
    ready: VecDeque<Message>,
    consumers: Vec<ConsumerId>,
    /// Index in `consumers` of the next consumer to try.
    cursor: usize,
}

#[derive(Debug)]
struct Consumer {
    queue: usize,
    mode: AckMode,
    prefetch: u32,
    unacked: BTreeMap<Tag, Message>,
    in_flight: BTreeSet<MessageId>,
}

impl Consumer {
    fn has_room(&self) -> bool {
        match self.mode {
            AckMode::Auto => true,
            AckMode::Manual => self.prefetch == 0 || self.unacked.len() < self.prefetch as usize,
        }
    }
}

/// The broker: named queues, competing consumers, acknowledgements, a durable log.
///
/// Every operation either succeeds or returns a [`BrokerError`] and changes nothing. Its
/// effects wait in three outboxes the shell drains: [`take_deliveries`](Self::take_deliveries)
/// (to forward to consumers), [`take_events`](Self::take_events) (for the view), and
/// [`take_records`](Self::take_records) (to persist).
#[derive(Debug, Default)]
pub struct Broker {
    queues: Vec<Queue>,
    consumers: BTreeMap<ConsumerId, Consumer>,
    /// Auto-ack consumers of an earlier life of the broker, with their in-flight messages:
    /// their workers may still process those, or die.
    orphans: BTreeMap<ConsumerId, BTreeSet<MessageId>>,
    settled_tags: IdSet,
    next_seq: u64,
    /// Durable publishes awaiting their confirm, by their record's sequence number.
    awaiting_confirm: BTreeMap<u64, MessageId>,
    deliveries: Vec<Delivery>,
    events: Vec<Event>,
    records: Vec<LogEntry>,
    ledger: Ledger,
}

impl Broker {
    /// An empty broker: no queue, no consumer.
    pub fn new() -> Self {
        Broker::default()
    }

    /// Declares a queue, or checks an existing one has these options (RabbitMQ's
    /// `queue_declare`). A durable queue's declaration goes to the log.
    pub fn queue_declare(&mut self, name: &str, options: QueueOptions) -> Result<(), BrokerError> {
        if name.is_empty() || name.len() > MAX_QUEUE_NAME {
            return Err(BrokerError::InvalidQueueName { len: name.len() });
        }
        if let Some(q) = self.queues.iter().find(|q| q.name == name) {
            if q.options != options {
                return Err(BrokerError::QueueMismatch {
                    queue: name.to_string(),
                    existing: q.options,
                    requested: options,
                });
            }
            return Ok(());
        }
        if options.durable {
            self.log(Record::Declare {
                queue: name.to_string(),
                max_length: options.max_length,
            });
        }
        self.queues.push(new_queue(name, options));
        Ok(())
    }

    /// Publishes a message to a queue (`basic_publish(exchange='', routing_key=queue)`).
    pub fn publish(&mut self, queue: &str, body: String) -> Result<Published, BrokerError> {
        let qi = self.queue_index(queue)?;
        let q = &self.queues[qi];
        if let Some(max) = q.options.max_length {
            if q.ready.len() >= max {
                return Err(BrokerError::QueueFull {
                    queue: queue.to_string(),
                    max_length: max,
                    body,
                });
            }
        }
        let message_id = MessageId(self.ledger.next_message);
        let durable = q.options.durable;
        if durable {
            let seq = self.log(Record::Publish {
                queue: queue.to_string(),
                message_id,
                body: body.clone(),
            });
            self.awaiting_confirm.insert(seq, message_id);
        }
        self.emit(Event::Published {
            message_id,
            durable,
            confirmed: !durable,
        });
        self.queues[qi].ready.push_back(Message {
            id: message_id,
            body,
            delivered: false,
        });
        self.dispatch(qi);
        self.check();
        Ok(Published {
            message_id,
            confirmed: !durable,
        })
    }

    /// Registers a consumer on a queue (`basic_consume` after `basic_qos(prefetch_count)`).
    /// `prefetch` bounds a manual consumer's unacked messages (0 = unlimited); auto-ack
    /// consumers ignore it, as in RabbitMQ.
    pub fn consume(
        &mut self,
        queue: &str,
        mode: AckMode,
        prefetch: u32,
    ) -> Result<ConsumerId, BrokerError> {
        let qi = self.queue_index(queue)?;
        let id = ConsumerId(self.ledger.next_consumer);
        self.emit(Event::ConsumerStarted {
            consumer: id,
            auto_ack: mode == AckMode::Auto,
            prefetch,
        });
        let consumer = Consumer {
            queue: qi,
            mode,
            prefetch,
            unacked: BTreeMap::new(),
            in_flight: BTreeSet::new(),
        };
        self.consumers.insert(id, consumer);
        self.queues[qi].consumers.push(id);
        self.dispatch(qi);
        self.check();
        Ok(id)
    }

    /// A manual consumer acknowledges a delivery (`basic_ack`): the message is done.
    pub fn ack(&mut self, consumer: ConsumerId, tag: Tag) -> Result<MessageId, BrokerError> {
        let message = self.take_unacked(consumer, tag)?;
        let qi = self.consumers[&consumer].queue;
        self.settle_record(qi, message.id);
        self.emit(Event::Acked {
            message_id: message.id,
        });
        self.dispatch(qi);
        self.check();
        Ok(message.id)
    }

    /// A manual consumer rejects a delivery (`basic_nack` / `basic_reject`): with `requeue` it
    /// goes back to its place in the queue, marked redelivered; without, it is dropped and
    /// counted lost ([`LossReason::RejectedDropped`]).
    pub fn nack(
        &mut self,
        consumer: ConsumerId,
        tag: Tag,
        requeue: bool,
    ) -> Result<MessageId, BrokerError> {
        let message = self.take_unacked(consumer, tag)?;
        let qi = self.consumers[&consumer].queue;
        let id = message.id;
        if requeue {
            self.requeue(qi, message);
        } else {
            self.settle_record(qi, id);
            let reason = LossReason::RejectedDropped { consumer };
            self.emit(Event::Lost {
                message_id: id,
                reason,
            });
        }
        self.dispatch(qi);
        self.check();
        Ok(id)
    }

    /// The shell reports that a consumer did a message's work. The broker cannot see work, so
    /// this is how it counts duplicates (work done twice) and how an auto-ack message stops
    /// being in flight. Reports from dead consumers count too: work can finish just before
    /// the worker dies.
    pub fn processed(
        &mut self,
        consumer: ConsumerId,
        message_id: MessageId,
    ) -> Result<(), BrokerError> {
        if consumer.0 >= self.ledger.next_consumer {
            return Err(BrokerError::UnknownConsumer { consumer });
        }
        if message_id.0 >= self.ledger.next_message {
            return Err(BrokerError::UnknownMessage { message_id });
        }
        if let Some(c) = self.consumers.get_mut(&consumer) {
            c.in_flight.remove(&message_id);
        }
        if let Some(set) = self.orphans.get_mut(&consumer) {
            set.remove(&message_id);
        }
        self.emit(Event::Processed {
            message_id,
            consumer,
        });
        self.check();
        Ok(())
    }

    /// The shell reports a consumer dead (its worker was terminated, crashed, or stopped
    /// answering). Manual ack: its unacked messages go back to the queue, marked redelivered.
    /// Auto ack: its in-flight messages are lost ([`LossReason::ConsumerDiedAutoAck`]).
    pub fn consumer_died(&mut self, consumer: ConsumerId) -> Result<Died, BrokerError> {
        let mut died = Died::default();
        if let Some(in_flight) = self.orphans.remove(&consumer) {
            self.lose_in_flight(consumer, in_flight, &mut died);
            self.emit(Event::ConsumerDied { consumer });
            self.check();
            return Ok(died);
        }
        let Some(c) = self.consumers.remove(&consumer) else {
            return Err(BrokerError::UnknownConsumer { consumer });
        };
        let q = &mut self.queues[c.queue];
        if let Some(i) = q.consumers.iter().position(|&x| x == consumer) {
            q.consumers.remove(i);
            if i < q.cursor {
                q.cursor -= 1;
            }
            if q.cursor >= q.consumers.len() {
                q.cursor = 0;
            }
        }
        self.emit(Event::ConsumerDied { consumer });
        for (tag, message) in c.unacked {
            self.settled_tags.insert(tag.0);
            died.requeued.push(message.id);
            self.requeue(c.queue, message);
        }
        self.lose_in_flight(consumer, c.in_flight, &mut died);
        self.dispatch(c.queue);
        self.check();
        Ok(died)
    }

    /// The shell reports the log persisted up to and including sequence number `upto`: every
    /// durable publish recorded so far is confirmed. Returns the newly confirmed messages, for
    /// the publisher.
    pub fn confirm_persisted(&mut self, upto: u64) -> Result<Vec<MessageId>, BrokerError> {
        if upto >= self.next_seq {
            return Err(BrokerError::NotYetLogged {
                upto,
                last: self.next_seq.checked_sub(1),
            });
        }
        let later = self.awaiting_confirm.split_off(&(upto + 1));
        let now = std::mem::replace(&mut self.awaiting_confirm, later);
        let ids: Vec<MessageId> = now.into_values().collect();
        for &message_id in &ids {
            self.emit(Event::Confirmed { message_id });
        }
        self.check();
        Ok(ids)
    }

    /// Deliveries to forward to consumers, oldest first; the outbox is emptied.
    pub fn take_deliveries(&mut self) -> Vec<Delivery> {
        std::mem::take(&mut self.deliveries)
    }

    /// Events for the view (and a mirror ledger), oldest first; the outbox is emptied.
    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    /// Log records to persist, in order; the outbox is emptied. Persist them in this order,
    /// then call [`confirm_persisted`](Self::confirm_persisted).
    pub fn take_records(&mut self) -> Vec<LogEntry> {
        std::mem::take(&mut self.records)
    }

    /// The ledger, current after every operation.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// The broker dies: everything in memory is gone but its ledger, which the shell (or a
    /// mirror of its events) keeps for [`recover`](Self::recover).
    pub fn into_ledger(self) -> Ledger {
        self.ledger
    }

    /// Ready messages in a queue, oldest first.
    pub fn queued(&self, queue: &str) -> Option<Vec<MessageId>> {
        let q = self.queues.iter().find(|q| q.name == queue)?;
        Some(q.ready.iter().map(|m| m.id).collect())
    }

    /// A live consumer's unacked deliveries, by tag.
    pub fn unacked(&self, consumer: ConsumerId) -> Option<Vec<(Tag, MessageId)>> {
        let c = self.consumers.get(&consumer)?;
        Some(c.unacked.iter().map(|(&t, m)| (t, m.id)).collect())
    }

    /// A consumer's in-flight messages (auto ack, delivered, not yet processed); also for a
    /// consumer of the broker's earlier life.
    pub fn in_flight(&self, consumer: ConsumerId) -> Option<Vec<MessageId>> {
        let set = match self.consumers.get(&consumer) {
            Some(c) => &c.in_flight,
            None => self.orphans.get(&consumer)?,
        };
        Some(set.iter().copied().collect())
    }

    /// The broker after a kill or a page reload: the durable queues rebuilt from the persisted
    /// `records`, reconciled with the `ledger` the dead broker left (or `Ledger::default()`
    /// after a reload, when nothing else survived).
    ///
    /// Every message the ledger had queued or unacked comes back if its publish record does,
    /// and is otherwise lost, named by why: [`LossReason::BrokerDiedNotDurable`],
    /// [`LossReason::BrokerDiedUnconfirmed`], or [`LossReason::BrokerDiedRecordMissing`]. A
    /// recovered message that had been delivered is marked redelivered. Consumers do not
    /// survive (their connections died with the broker): the shell registers them again.
    pub fn recover(records: &[LogEntry], ledger: Ledger) -> Result<Broker, RecoverError> {
        let replay = log::replay(records)?;
        let mut b = Broker {
            next_seq: replay.next_seq,
            ledger,
            ..Broker::default()
        };
        // Delivery tags are fresh: no tag of the dead broker can be acked here.
        b.settled_tags = IdSet::default();
        for (name, options) in &replay.queues {
            b.queues.push(new_queue(name, *options));
        }
        let mut messages = replay.messages;
        b.reconcile_fates(&mut messages)?;
        b.adopt_logged(&messages)?;
        // Whatever the log has is persisted: its publisher may be told now.
        let unconfirmed: Vec<MessageId> = (b.ledger.fates.iter())
            .filter(|(id, f)| !f.confirmed && messages.contains_key(id))
            .map(|(&id, _)| id)
            .collect();
        for message_id in unconfirmed {
            b.emit(Event::Confirmed { message_id });
        }
        for (id, m) in messages {
            let qi = b.queues.iter().position(|q| q.name == m.queue);
            if let Some(qi) = qi {
                b.queues[qi].ready.push_back(Message {
                    id,
                    body: m.body,
                    delivered: m.delivered,
                });
            }
        }
        b.check();
        Ok(b)
    }

    /// Recovery, first half: every message the ledger holds somewhere comes back queued if the
    /// log has it, and is otherwise lost (or, acked on delivery, left with its consumer).
    fn reconcile_fates(
        &mut self,
        messages: &mut BTreeMap<MessageId, log::Replayed>,
    ) -> Result<(), RecoverError> {
        let fates = std::mem::take(&mut self.ledger.fates);
        for (id, mut fate) in fates {
            let l = &mut self.ledger;
            let Some(m) = messages.get_mut(&id) else {
                if let Place::InFlight(c) = fate.place {
                    // Acked on delivery and gone from the log: its consumer may still work.
                    self.orphans.entry(c).or_default().insert(id);
                    l.fates.insert(id, fate);
                } else {
                    let count = match fate.place {
                        Place::Queued => LedgerCount::Queued,
                        _ => LedgerCount::Unacked,
                    };
                    take_one(l, count, id)?;
                    l.lost.push(Lost {
                        message_id: id,
                        reason: lost_with_the_broker(fate),
                    });
                }
                continue;
            };
            match fate.place {
                Place::Queued => {}
                Place::Unacked(_) => {
                    m.delivered = true;
                    take_one(l, LedgerCount::Unacked, id)?;
                    l.queued += 1;
                }
                Place::InFlight(_) => {
                    // Acked on delivery, but its settle record was not persisted: it is back.
                    m.delivered = true;
                    take_one(l, LedgerCount::InFlight, id)?;
                    take_one(l, LedgerCount::Acked, id)?;
                    l.queued += 1;
                    l.resurrected += 1;
                }
            }
            fate.place = Place::Queued;
            l.fates.insert(id, fate);
        }
        Ok(())
    }

    /// Recovery, second half: messages the log has and the ledger thought settled (they come
    /// back, resurrected), or never heard of (published, their confirm lost with the broker).
    fn adopt_logged(
        &mut self,
        messages: &BTreeMap<MessageId, log::Replayed>,
    ) -> Result<(), RecoverError> {
        let l = &mut self.ledger;
        for &id in messages.keys() {
            if l.fates.contains_key(&id) {
                continue;
            }
            if id.0 < l.next_message {
                match l.lost.iter().position(|x| x.message_id == id) {
                    Some(i) => drop(l.lost.remove(i)),
                    None => take_one(l, LedgerCount::Acked, id)?,
                }
                l.resurrected += 1;
            } else {
                l.published += 1;
                l.next_message = id.0 + 1;
            }
            l.queued += 1;
            let fate = Fate {
                durable: true,
                confirmed: false,
                place: Place::Queued,
            };
            l.fates.insert(id, fate);
        }
        Ok(())
    }

    fn queue_index(&self, name: &str) -> Result<usize, BrokerError> {
        self.queues
            .iter()
            .position(|q| q.name == name)
            .ok_or_else(|| BrokerError::UnknownQueue {
                queue: name.to_string(),
            })
    }

    fn take_unacked(&mut self, consumer: ConsumerId, tag: Tag) -> Result<Message, BrokerError> {
        let Some(c) = self.consumers.get_mut(&consumer) else {
            return Err(BrokerError::UnknownConsumer { consumer });
        };
        if c.mode == AckMode::Auto {
            return Err(BrokerError::AutoAckConsumer { consumer });
        }
        match c.unacked.remove(&tag) {
            Some(m) => {
                self.settled_tags.insert(tag.0);
                Ok(m)
            }
            None if self.settled_tags.contains(tag.0) => {
                Err(BrokerError::AlreadySettled { consumer, tag })
            }
            None => Err(BrokerError::UnknownTag { consumer, tag }),
        }
    }

    /// Puts a message back at its original place: ready messages stay ordered by id.
    fn requeue(&mut self, qi: usize, mut message: Message) {
        message.delivered = true;
        self.emit(Event::Requeued {
            message_id: message.id,
        });
        let ready = &mut self.queues[qi].ready;
        let at = ready.partition_point(|m| m.id < message.id);
        ready.insert(at, message);
    }

    fn lose_in_flight(
        &mut self,
        consumer: ConsumerId,
        in_flight: BTreeSet<MessageId>,
        died: &mut Died,
    ) {
        for message_id in in_flight {
            died.lost.push(message_id);
            let reason = LossReason::ConsumerDiedAutoAck { consumer };
            self.emit(Event::Lost { message_id, reason });
        }
    }

    /// Hands ready messages to consumers with room, round-robin, until either runs out.
    fn dispatch(&mut self, qi: usize) {
        loop {
            let q = &self.queues[qi];
            let n = q.consumers.len();
            if q.ready.is_empty() || n == 0 {
                return;
            }
            let consumers = &self.consumers;
            let Some(i) = (0..n).map(|k| (q.cursor + k) % n).find(|&i| {
                consumers
                    .get(&q.consumers[i])
                    .is_some_and(Consumer::has_room)
            }) else {
                return;
            };
            let q = &mut self.queues[qi];
            q.cursor = (i + 1) % n;
            let cid = q.consumers[i];
            let durable = q.options.durable;
            let Some(message) = q.ready.pop_front() else {
                return;
            };
            self.deliver(cid, durable, message);
        }
    }

    fn deliver(&mut self, cid: ConsumerId, durable: bool, mut message: Message) {
        let tag = Tag(self.ledger.next_tag);
        let redelivered = message.delivered;
        let id = message.id;
        let Some(mode) = self.consumers.get(&cid).map(|c| c.mode) else {
            return;
        };
        if durable && !redelivered {
            self.log(Record::Delivered { message_id: id });
        }
        if durable && mode == AckMode::Auto {
            self.log(Record::Settled { message_id: id });
        }
        message.delivered = true;
        let Some(c) = self.consumers.get_mut(&cid) else {
            return;
        };
        let body = match mode {
            AckMode::Auto => {
                c.in_flight.insert(id);
                message.body
            }
            AckMode::Manual => {
                let body = message.body.clone();
                c.unacked.insert(tag, message);
                body
            }
        };
        self.emit(Event::Delivered {
            message_id: id,
            consumer: cid,
            tag,
            auto_ack: mode == AckMode::Auto,
            redelivered,
        });
        self.deliveries.push(Delivery {
            consumer: cid,
            tag,
            message_id: id,
            body,
            redelivered,
        });
    }

    fn settle_record(&mut self, qi: usize, message_id: MessageId) {
        if self.queues[qi].options.durable {
            self.log(Record::Settled { message_id });
        }
    }

    fn log(&mut self, record: Record) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.records.push(LogEntry { seq, record });
        seq
    }

    fn emit(&mut self, event: Event) {
        let applied = self.ledger.apply(&event);
        debug_assert_eq!(applied, Ok(()), "the broker emitted {event:?}");
        self.events.push(event);
    }

    /// The ledger rule, and the ledger against the queues themselves: two bookkeepings that
    /// must agree after every operation. Debug builds (so every test) check it.
    fn check(&self) {
        if cfg!(debug_assertions) {
            let l = &self.ledger;
            let ready: usize = self.queues.iter().map(|q| q.ready.len()).sum();
            let unacked: usize = self.consumers.values().map(|c| c.unacked.len()).sum();
            let in_flight: usize = self.consumers.values().map(|c| c.in_flight.len()).sum();
            let orphaned: usize = self.orphans.values().map(BTreeSet::len).sum();
            assert!(l.is_balanced(), "ledger unbalanced: {l:?}");
            assert!(l.counts_match_places(), "ledger counts off: {l:?}");
            assert_eq!(l.queued, ready as u64, "queued");
            assert_eq!(l.unacked, unacked as u64, "unacked");
            assert_eq!(l.in_flight, (in_flight + orphaned) as u64, "in flight");
        }
    }
}

/// Takes one message from a ledger count while recovering: a ledger that disagrees with the
/// log (a snapshot that adds up on its own, but not with these records) would go below zero.
fn take_one(l: &mut Ledger, count: LedgerCount, message_id: MessageId) -> Result<(), RecoverError> {
    let n = match count {
        LedgerCount::Queued => &mut l.queued,
        LedgerCount::Unacked => &mut l.unacked,
        LedgerCount::InFlight => &mut l.in_flight,
        LedgerCount::Acked => &mut l.acked,
    };
    *n = n
        .checked_sub(1)
        .ok_or(RecoverError::LedgerDisagrees { count, message_id })?;
    Ok(())
}

/// Why a message the ledger held is gone after the broker died without its publish record.
fn lost_with_the_broker(fate: Fate) -> LossReason {
    match (fate.durable, fate.confirmed) {
        (false, _) => LossReason::BrokerDiedNotDurable,
        (true, false) => LossReason::BrokerDiedUnconfirmed,
        (true, true) => LossReason::BrokerDiedRecordMissing,
    }
}

fn new_queue(name: &str, options: QueueOptions) -> Queue {
    Queue {
        name: name.to_string(),
        options,
        ready: VecDeque::new(),
        consumers: Vec::new(),
        cursor: 0,
    }
}
