//! The durable log: what a durable queue writes so that it survives a broker kill.
//!
//! The broker appends a [`Record`] for each change to a durable queue; the shell takes them
//! ([`Broker::take_records`](super::Broker::take_records)), persists them in order (IndexedDB or
//! OPFS), and reports how far it got
//! ([`Broker::confirm_persisted`](super::Broker::confirm_persisted)). Replaying the persisted
//! records rebuilds the durable queues: [`replay`] here, [`Broker::recover`](super::Broker::recover)
//! on top.

use super::{MessageId, QueueOptions};
use std::collections::BTreeMap;

/// One change to a durable queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    /// A durable queue was declared.
    Declare {
        /// Its name.
        queue: String,
        /// Its bound of ready messages.
        max_length: Option<usize>,
    },
    /// A message was published to it.
    Publish {
        /// The queue.
        queue: String,
        /// The message's id.
        message_id: MessageId,
        /// The message.
        body: String,
    },
    /// The message was delivered for the first time: after a recovery it is marked
    /// redelivered, as RabbitMQ's queue index does.
    Delivered {
        /// The message.
        message_id: MessageId,
    },
    /// The message left its queue for good (acked, auto-acked on delivery, or dropped).
    Settled {
        /// The message.
        message_id: MessageId,
    },
}

/// A record and its place in the log. Sequence numbers grow by one from 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// Its sequence number: `confirm_persisted(seq)` confirms it and all before it.
    pub seq: u64,
    /// The record.
    pub record: Record,
}

/// Why persisted records could not be replayed. Nothing is recovered from a log that does
/// not replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecoverError {
    /// The sequence numbers do not follow one another: a record is missing or out of order.
    Gap {
        /// The sequence number expected.
        expected: u64,
        /// The one found.
        found: u64,
    },
    /// A publish to a queue that was never declared.
    UndeclaredQueue {
        /// Its sequence number.
        seq: u64,
        /// The queue.
        queue: String,
    },
    /// A message id published twice.
    DuplicatePublish {
        /// Its sequence number.
        seq: u64,
        /// The message.
        message_id: MessageId,
    },
    /// A record about a message that is not in any queue.
    UnknownMessage {
        /// Its sequence number.
        seq: u64,
        /// The message.
        message_id: MessageId,
    },
    /// The ledger handed to recovery disagrees with the log: reconciling `message_id` would
    /// take one from a count of the ledger that is already zero.
    LedgerDisagrees {
        /// The count that would go below zero.
        count: LedgerCount,
        /// The message being reconciled.
        message_id: MessageId,
    },
}

/// One of the ledger's counts of messages, as recovery names it in
/// [`RecoverError::LedgerDisagrees`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerCount {
    /// Ready in a queue.
    Queued,
    /// Delivered to a manual-ack consumer, not yet acked.
    Unacked,
    /// Auto-acked, not yet reported processed.
    InFlight,
    /// Acknowledged.
    Acked,
}

impl std::error::Error for RecoverError {}

/// A message rebuilt from the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Replayed {
    pub(crate) queue: String,
    pub(crate) body: String,
    pub(crate) delivered: bool,
}

/// The durable state the log describes.
#[derive(Debug, Default)]
pub(crate) struct Replay {
    /// Durable queues by name, with their options.
    pub(crate) queues: BTreeMap<String, QueueOptions>,
    /// Messages still in a queue, by id (so in publish order).
    pub(crate) messages: BTreeMap<MessageId, Replayed>,
    /// The next sequence number to hand out.
    pub(crate) next_seq: u64,
}

/// Replays the whole log, in order: sequence numbers 0, 1, 2, ...
pub(crate) fn replay(entries: &[LogEntry]) -> Result<Replay, RecoverError> {
    let mut r = Replay::default();
    let mut expected = Some(0u64);
    for entry in entries {
        let seq = entry.seq;
        if expected != Some(seq) {
            return Err(RecoverError::Gap {
                expected: expected.unwrap_or(0),
                found: seq,
            });
        }
        expected = seq.checked_add(1);
        match &entry.record {
            Record::Declare { queue, max_length } => {
                let options = QueueOptions {
                    durable: true,
                    max_length: *max_length,
                };
                r.queues.insert(queue.clone(), options);
            }
            Record::Publish {
                queue,
                message_id,
                body,
            } => {
                if !r.queues.contains_key(queue) {
                    return Err(RecoverError::UndeclaredQueue {
                        seq,
                        queue: queue.clone(),
                    });
                }
                if r.messages.contains_key(message_id) {
                    return Err(RecoverError::DuplicatePublish {
                        seq,
                        message_id: *message_id,
                    });
                }
                let m = Replayed {
                    queue: queue.clone(),
                    body: body.clone(),
                    delivered: false,
                };
                r.messages.insert(*message_id, m);
            }
            Record::Delivered { message_id } => match r.messages.get_mut(message_id) {
                Some(m) => m.delivered = true,
                None => return Err(unknown(seq, *message_id)),
            },
            Record::Settled { message_id } => {
                if r.messages.remove(message_id).is_none() {
                    return Err(unknown(seq, *message_id));
                }
            }
        }
        r.next_seq = seq.saturating_add(1);
    }
    Ok(r)
}

fn unknown(seq: u64, message_id: MessageId) -> RecoverError {
    RecoverError::UnknownMessage { seq, message_id }
}
