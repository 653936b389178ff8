//! The ledger: where every published message is, as a fold over the broker's [`Event`]s.
//!
//! Each message is in exactly one of four places, so
//! `published = acked + lost + queued + unacked` holds after every event. A message delivered
//! to an auto-ack consumer counts as acked at once (that is what auto ack means) and stays
//! *in flight* at that consumer until the shell reports it processed; if the consumer dies
//! first it moves from acked to lost. A message the log brings back after a broker kill though
//! it had been settled (its settle record was not persisted) moves back to queued and is
//! counted as resurrected.
//!
//! The broker keeps a ledger and applies every event it emits; a shell may keep a mirror by
//! applying the same events in the same order.

use super::idset::IdSet;
use super::{ConsumerId, MessageId, Tag};
use std::collections::BTreeMap;

/// What happened to a message, in the order the broker did it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A consumer registered on a queue.
    ConsumerStarted {
        /// Its id.
        consumer: ConsumerId,
        /// Whether it acknowledges on delivery.
        auto_ack: bool,
        /// Its prefetch (0 = unlimited).
        prefetch: u32,
    },
    /// The shell reported a consumer dead; its messages' fates follow as their own events.
    ConsumerDied {
        /// Its id.
        consumer: ConsumerId,
    },
    /// The broker accepted a message.
    Published {
        /// The message.
        message_id: MessageId,
        /// Whether its queue is durable.
        durable: bool,
        /// Whether the publisher is told at once (non-durable queues confirm on enqueue).
        confirmed: bool,
    },
    /// A durable message's publish record is persisted: the publisher may be told.
    Confirmed {
        /// The message.
        message_id: MessageId,
    },
    /// The message went to a consumer.
    Delivered {
        /// The message.
        message_id: MessageId,
        /// The consumer.
        consumer: ConsumerId,
        /// The delivery's tag.
        tag: Tag,
        /// Acked on delivery.
        auto_ack: bool,
        /// Marked redelivered.
        redelivered: bool,
    },
    /// A manual consumer acked it.
    Acked {
        /// The message.
        message_id: MessageId,
    },
    /// It went back to its queue (nack with requeue, or its consumer died): due for redelivery.
    Requeued {
        /// The message.
        message_id: MessageId,
    },
    /// The shell reported that a consumer did the message's work.
    Processed {
        /// The message.
        message_id: MessageId,
        /// The consumer that did it.
        consumer: ConsumerId,
    },
    /// The message is gone for good.
    Lost {
        /// The message.
        message_id: MessageId,
        /// Why.
        reason: LossReason,
    },
}

/// Why a message was lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LossReason {
    /// Its consumer died under auto ack with the message delivered but not processed.
    ConsumerDiedAutoAck {
        /// The consumer.
        consumer: ConsumerId,
    },
    /// A consumer rejected it without requeue, and it was dropped: this broker has no
    /// dead-letter queue, and neither has a RabbitMQ queue declared without one.
    RejectedDropped {
        /// The consumer.
        consumer: ConsumerId,
    },
    /// The broker died while it sat in a non-durable queue.
    BrokerDiedNotDurable,
    /// The broker died before its publish record was persisted (it was never confirmed).
    BrokerDiedUnconfirmed,
    /// The broker died and its confirmed publish record did not come back from storage: the
    /// shell's storage broke its promise. Never expected; counted so it cannot hide.
    BrokerDiedRecordMissing,
}

/// A lost message and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lost {
    /// The message.
    pub message_id: MessageId,
    /// Why.
    pub reason: LossReason,
}

/// Where an unsettled message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// Ready in its queue.
    Queued,
    /// Delivered to a manual-ack consumer, awaiting its ack.
    Unacked(ConsumerId),
    /// Delivered to an auto-ack consumer (so counted acked), not yet processed.
    InFlight(ConsumerId),
}

/// What the ledger knows of a message that is not settled yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fate {
    pub(crate) durable: bool,
    pub(crate) confirmed: bool,
    pub(crate) place: Place,
}

/// An event that does not fit the ledger's state: a mirror that missed or reordered events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LedgerError {
    /// The event needs its message somewhere else.
    DoesNotFit {
        /// The event, handed back.
        event: Event,
        /// Where its message is (`None`: settled, or never published).
        found: Option<Place>,
    },
}

impl std::error::Error for LedgerError {}

/// The counts of the broker view, and every lost message by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ledger {
    pub(crate) published: u64,
    pub(crate) confirmed: u64,
    pub(crate) acked: u64,
    pub(crate) queued: u64,
    pub(crate) unacked: u64,
    pub(crate) in_flight: u64,
    pub(crate) lost: Vec<Lost>,
    pub(crate) redelivered: u64,
    pub(crate) duplicates: u64,
    pub(crate) resurrected: u64,
    pub(crate) processed: IdSet,
    pub(crate) fates: BTreeMap<MessageId, Fate>,
    pub(crate) next_message: u64,
    pub(crate) next_consumer: u32,
    pub(crate) next_tag: u64,
}

impl Ledger {
    /// Messages the broker accepted.
    pub fn published(&self) -> u64 {
        self.published
    }
    /// Publishes confirmed to the publisher.
    pub fn confirmed(&self) -> u64 {
        self.confirmed
    }
    /// Messages acknowledged (manual acks, and auto-ack deliveries including those in flight).
    pub fn acked(&self) -> u64 {
        self.acked
    }
    /// Messages ready in a queue.
    pub fn queued(&self) -> u64 {
        self.queued
    }
    /// Messages delivered to manual-ack consumers and not yet acked.
    pub fn unacked(&self) -> u64 {
        self.unacked
    }
    /// Auto-acked messages not yet reported processed (part of [`acked`](Self::acked)).
    pub fn in_flight(&self) -> u64 {
        self.in_flight
    }
    /// How many messages were lost.
    pub fn lost_count(&self) -> u64 {
        self.lost.len() as u64
    }
    /// Every lost message, in the order they were lost.
    pub fn lost(&self) -> &[Lost] {
        &self.lost
    }
    /// Deliveries marked redelivered.
    pub fn redelivered(&self) -> u64 {
        self.redelivered
    }
    /// Reports of work done on a message whose work was already reported done.
    pub fn duplicates(&self) -> u64 {
        self.duplicates
    }
    /// Settled messages that a broker kill brought back (their settle record was not persisted).
    pub fn resurrected(&self) -> u64 {
        self.resurrected
    }
    /// Distinct messages reported processed.
    pub fn processed(&self) -> u64 {
        self.processed.len()
    }
    /// Where an unsettled message is; `None` once settled (acked, processed or lost).
    pub fn place(&self, message_id: MessageId) -> Option<Place> {
        self.fates.get(&message_id).map(|f| f.place)
    }

    /// The ledger rule: `published = acked + lost + queued + unacked`.
    pub fn is_balanced(&self) -> bool {
        self.acked + self.lost_count() + self.queued + self.unacked == self.published
    }

    /// Folds one event in. An event that does not fit changes nothing.
    pub fn apply(&mut self, event: &Event) -> Result<(), LedgerError> {
        self.fold(event).map_err(|found| LedgerError::DoesNotFit {
            event: event.clone(),
            found,
        })
    }

    /// `Err` carries where the event's message is.
    fn fold(&mut self, event: &Event) -> Result<(), Option<Place>> {
        match *event {
            Event::ConsumerStarted { consumer, .. } => {
                self.next_consumer = self.next_consumer.max(consumer.0.saturating_add(1));
            }
            Event::ConsumerDied { .. } => {}
            Event::Published {
                message_id,
                durable,
                confirmed,
            } => self.fold_published(message_id, durable, confirmed)?,
            Event::Confirmed { message_id } => {
                // A message may be acked before its record is persisted: still confirmed.
                if let Some(f) = self.fates.get_mut(&message_id) {
                    f.confirmed = true;
                }
                self.confirmed += 1;
            }
            Event::Delivered {
                message_id,
                consumer,
                tag,
                auto_ack,
                redelivered,
            } => {
                let place = if auto_ack {
                    Place::InFlight(consumer)
                } else {
                    Place::Unacked(consumer)
                };
                self.moved(message_id, Place::Queued, Some(place))?;
                self.acked += u64::from(auto_ack);
                self.redelivered += u64::from(redelivered);
                self.next_tag = self.next_tag.max(tag.0.saturating_add(1));
            }
            Event::Acked { message_id } => self.fold_settled(message_id, None)?,
            Event::Requeued { message_id } => {
                self.fold_settled(message_id, Some(Place::Queued))?;
            }
            Event::Processed {
                message_id,
                consumer,
            } => {
                // Only the consumer holding it in flight ends its flight.
                if self.place(message_id) == Some(Place::InFlight(consumer)) {
                    self.moved(message_id, Place::InFlight(consumer), None)?;
                }
                if !self.processed.insert(message_id.0) {
                    self.duplicates += 1;
                }
            }
            Event::Lost { message_id, reason } => self.fold_lost(message_id, reason)?,
        }
        Ok(())
    }

    /// An unacked message acked (`to: None`) or requeued (`to: Some(Queued)`).
    fn fold_settled(
        &mut self,
        message_id: MessageId,
        to: Option<Place>,
    ) -> Result<(), Option<Place>> {
        let found = self.place(message_id);
        let Some(from @ Place::Unacked(_)) = found else {
            return Err(found);
        };
        self.moved(message_id, from, to)?;
        self.acked += u64::from(to.is_none());
        Ok(())
    }

    /// A message accepted: queued, and confirmed already if its queue is not durable.
    fn fold_published(
        &mut self,
        message_id: MessageId,
        durable: bool,
        confirmed: bool,
    ) -> Result<(), Option<Place>> {
        if let Some(f) = self.fates.get(&message_id) {
            return Err(Some(f.place));
        }
        let place = Place::Queued;
        let fate = Fate {
            durable,
            confirmed,
            place,
        };
        self.fates.insert(message_id, fate);
        self.published += 1;
        self.queued += 1;
        self.confirmed += u64::from(confirmed);
        self.next_message = self.next_message.max(message_id.0.saturating_add(1));
        Ok(())
    }

    /// A message gone from wherever it was; one in flight had counted as acked.
    fn fold_lost(
        &mut self,
        message_id: MessageId,
        reason: LossReason,
    ) -> Result<(), Option<Place>> {
        let Some(from) = self.place(message_id) else {
            return Err(None);
        };
        self.moved(message_id, from, None)?;
        if let Place::InFlight(_) = from {
            self.acked -= 1;
        }
        self.lost.push(Lost { message_id, reason });
        Ok(())
    }

    /// Moves a message between places, keeping the counts. `to: None` settles it (the caller
    /// counts where it went).
    fn moved(
        &mut self,
        message_id: MessageId,
        from: Place,
        to: Option<Place>,
    ) -> Result<(), Option<Place>> {
        let found = self.place(message_id);
        if found != Some(from) {
            return Err(found);
        }
        *self.count_of(from) -= 1;
        match to {
            Some(place) => {
                *self.count_of(place) += 1;
                if let Some(f) = self.fates.get_mut(&message_id) {
                    f.place = place;
                }
            }
            None => {
                self.fates.remove(&message_id);
            }
        }
        Ok(())
    }

    /// The counter a place adds to. In-flight messages count as acked, and in `in_flight`.
    fn count_of(&mut self, place: Place) -> &mut u64 {
        match place {
            Place::Queued => &mut self.queued,
            Place::Unacked(_) => &mut self.unacked,
            Place::InFlight(_) => &mut self.in_flight,
        }
    }

    /// Whether the counts agree with the per-message places: the debug check behind every
    /// broker operation.
    pub(crate) fn counts_match_places(&self) -> bool {
        let (mut q, mut u, mut f) = (0, 0, 0);
        for fate in self.fates.values() {
            match fate.place {
                Place::Queued => q += 1,
                Place::Unacked(_) => u += 1,
                Place::InFlight(_) => f += 1,
            }
        }
        (q, u, f) == (self.queued, self.unacked, self.in_flight) && self.in_flight <= self.acked
    }
}
