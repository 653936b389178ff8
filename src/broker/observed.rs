//! The ledger of a broker we only watch: a real RabbitMQ, reached over STOMP. Its queues are
//! out of sight, so the ledger is folded from what the publisher and the consumers saw: a
//! publish, a receipt, a MESSAGE frame, the work done, an ACK or NACK sent, a consumer's death.
//! The same [`Ledger`] and the same rule, `published = acked + lost + queued + unacked`, so the
//! broker view shows RabbitMQ and the in-browser broker side by side.
//!
//! What RabbitMQ does that the watcher must infer:
//! - a consumer's connection closes (its worker was killed): RabbitMQ requeues its unacked
//!   messages (manual ack) and forgets its in-flight ones (auto ack, already acked): the
//!   watcher, told of the death, moves the first back to queued and the second to lost;
//! - a message delivered again while the ledger still has it unacked at another consumer (its
//!   death not yet told): it was requeued first;
//! - a message delivered again though the ledger has it settled (an ACK that never left a
//!   killed worker): it is back in the queue, counted as resurrected.
//!
//! ```
//! use queue_playground::broker::{LossReason, Observed};
//! let mut rabbit = Observed::new();
//! let auto = rabbit.consumer_started(true, 0);
//! let m = rabbit.published(false);
//! rabbit.confirmed(m).unwrap();
//! rabbit.delivered(auto, m, false).unwrap();
//! rabbit.consumer_died(auto); // killed mid-work under auto ack
//! let l = rabbit.ledger();
//! assert_eq!((l.published(), l.acked(), l.lost_count()), (1, 0, 1));
//! assert_eq!(l.lost()[0].reason, LossReason::ConsumerDiedAutoAck { consumer: auto });
//! ```

use super::ledger::{Event, Fate, Ledger, LedgerError, LossReason, Place};
use super::{ConsumerId, MessageId, Tag};
use std::collections::BTreeMap;

/// A ledger folded from observations of a broker we cannot see into.
#[derive(Debug, Default)]
pub struct Observed {
    ledger: Ledger,
    /// Live consumers and whether each acks on delivery.
    auto: BTreeMap<ConsumerId, bool>,
    events: Vec<Event>,
}

impl Observed {
    /// Nothing seen yet.
    pub fn new() -> Self {
        Observed::default()
    }

    /// A watcher that continues from `ledger` (a broker's, after its recovery: the new truth).
    /// Its live consumers are learned again from the events applied next.
    pub fn from_ledger(ledger: Ledger) -> Self {
        Observed {
            ledger,
            ..Observed::default()
        }
    }

    /// Folds an event a broker reported itself (the in-browser broker's events, mirrored on
    /// the page), tracking its consumers as [`consumer_started`](Self::consumer_started) does.
    pub fn apply(&mut self, event: &Event) -> Result<(), LedgerError> {
        self.ledger.apply(event)?;
        match *event {
            Event::ConsumerStarted {
                consumer, auto_ack, ..
            } => drop(self.auto.insert(consumer, auto_ack)),
            Event::ConsumerDied { consumer } => drop(self.auto.remove(&consumer)),
            _ => {}
        }
        Ok(())
    }

    /// The ledger, current after every observation.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// The events folded so far (for lanes and logs), oldest first; the outbox is emptied.
    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    /// The publisher sent a message; returns the id to send it with (its body or a header
    /// carries it, so consumers can name it).
    pub fn published(&mut self, durable: bool) -> MessageId {
        let message_id = MessageId(self.ledger.next_message);
        let e = Event::Published {
            message_id,
            durable,
            confirmed: false,
        };
        // A fresh id is never in the ledger: this cannot fail.
        let _ = self.emit(e);
        message_id
    }

    /// The broker confirmed a publish (a STOMP RECEIPT for its SEND).
    pub fn confirmed(&mut self, message_id: MessageId) -> Result<(), LedgerError> {
        if message_id.0 >= self.ledger.next_message {
            return Err(LedgerError::DoesNotFit {
                event: Event::Confirmed { message_id },
                found: None,
            });
        }
        self.emit(Event::Confirmed { message_id })
    }

    /// A consumer subscribed; returns its id.
    pub fn consumer_started(&mut self, auto_ack: bool, prefetch: u32) -> ConsumerId {
        let consumer = ConsumerId(self.ledger.next_consumer);
        let _ = self.emit(Event::ConsumerStarted {
            consumer,
            auto_ack,
            prefetch,
        });
        self.auto.insert(consumer, auto_ack);
        consumer
    }

    /// A consumer received a MESSAGE with this id, marked `redelivered` or not.
    pub fn delivered(
        &mut self,
        consumer: ConsumerId,
        message_id: MessageId,
        redelivered: bool,
    ) -> Result<(), LedgerError> {
        let tag = Tag(self.ledger.next_tag);
        let delivered = Event::Delivered {
            message_id,
            consumer,
            tag,
            auto_ack: self.auto.get(&consumer).copied().unwrap_or(false),
            redelivered,
        };
        let Some(&auto_ack) = self.auto.get(&consumer) else {
            return Err(LedgerError::DoesNotFit {
                event: delivered,
                found: self.ledger.place(message_id),
            });
        };
        match self.ledger.place(message_id) {
            Some(Place::Queued) => {}
            Some(Place::Unacked(_)) => self.emit(Event::Requeued { message_id })?,
            None if message_id.0 < self.ledger.next_message => self.resurrect(message_id),
            found => {
                return Err(LedgerError::DoesNotFit {
                    event: delivered,
                    found,
                })
            }
        }
        self.emit(Event::Delivered {
            message_id,
            consumer,
            tag,
            auto_ack,
            redelivered,
        })
    }

    /// A consumer did the message's work.
    pub fn processed(
        &mut self,
        consumer: ConsumerId,
        message_id: MessageId,
    ) -> Result<(), LedgerError> {
        if message_id.0 >= self.ledger.next_message {
            return Err(LedgerError::DoesNotFit {
                event: Event::Processed {
                    message_id,
                    consumer,
                },
                found: None,
            });
        }
        self.emit(Event::Processed {
            message_id,
            consumer,
        })
    }

    /// A consumer sent an ACK for the message.
    pub fn acked(
        &mut self,
        consumer: ConsumerId,
        message_id: MessageId,
    ) -> Result<(), LedgerError> {
        let event = Event::Acked { message_id };
        match self.ledger.place(message_id) {
            Some(Place::Unacked(c)) if c == consumer => self.emit(event),
            found => Err(LedgerError::DoesNotFit { event, found }),
        }
    }

    /// A consumer sent a NACK: requeued, or dropped and lost.
    pub fn nacked(
        &mut self,
        consumer: ConsumerId,
        message_id: MessageId,
        requeue: bool,
    ) -> Result<(), LedgerError> {
        let event = if requeue {
            Event::Requeued { message_id }
        } else {
            Event::Lost {
                message_id,
                reason: LossReason::RejectedDropped { consumer },
            }
        };
        match self.ledger.place(message_id) {
            Some(Place::Unacked(c)) if c == consumer => self.emit(event),
            found => Err(LedgerError::DoesNotFit { event, found }),
        }
    }

    /// A consumer's connection is gone: its unacked messages are requeued, its in-flight ones
    /// lost. Returns `(requeued, lost)`.
    pub fn consumer_died(&mut self, consumer: ConsumerId) -> (Vec<MessageId>, Vec<MessageId>) {
        let (mut requeued, mut lost) = (Vec::new(), Vec::new());
        if self.auto.remove(&consumer).is_none() {
            return (requeued, lost);
        }
        let _ = self.emit(Event::ConsumerDied { consumer });
        let held: Vec<(MessageId, Place)> = (self.ledger.fates.iter())
            .filter(
                |(_, f)| matches!(f.place, Place::Unacked(c) | Place::InFlight(c) if c == consumer),
            )
            .map(|(&id, f)| (id, f.place))
            .collect();
        for (message_id, place) in held {
            if let Place::Unacked(_) = place {
                let _ = self.emit(Event::Requeued { message_id });
                requeued.push(message_id);
            } else {
                let reason = LossReason::ConsumerDiedAutoAck { consumer };
                let _ = self.emit(Event::Lost { message_id, reason });
                lost.push(message_id);
            }
        }
        (requeued, lost)
    }

    /// A settled message the broker delivered again: back to queued, counted resurrected.
    fn resurrect(&mut self, message_id: MessageId) {
        let l = &mut self.ledger;
        match l.lost.iter().position(|x| x.message_id == message_id) {
            Some(i) => drop(l.lost.remove(i)),
            None => l.acked -= 1,
        }
        l.resurrected += 1;
        l.queued += 1;
        let fate = Fate {
            durable: false,
            confirmed: true,
            place: Place::Queued,
        };
        l.fates.insert(message_id, fate);
    }

    fn emit(&mut self, event: Event) -> Result<(), LedgerError> {
        self.ledger.apply(&event)?;
        self.events.push(event);
        Ok(())
    }
}
