//! The consumer-side fix for at-least-once delivery: remember which message ids were done and
//! skip a redelivered one whose work already happened.
//!
//! Under manual ack a consumer that dies after its work but before its ack gets the message
//! redelivered to another consumer, which does the work again: a duplicate. Deduplicating by
//! message id removes it, provided the id is recorded together with the work's effect (in a
//! database: in the same transaction) and in a store every consumer of the queue shares and
//! that outlives each of them. [`IdempotentConsumer::handle`] does both in one call.

use super::{IdSet, MessageId};

/// What [`IdempotentConsumer::handle`] did with a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handled {
    /// First time: the work ran and the id is recorded.
    Processed,
    /// Already done: the work did not run again. Ack it anyway.
    SkippedDuplicate,
}

/// A store of done message ids, shared by the consumers of a queue.
///
/// ```
/// use queue_playground::broker::{Handled, IdempotentConsumer, MessageId};
/// let mut store = IdempotentConsumer::new();
/// let mut total = 0;
/// assert_eq!(store.handle(MessageId(7), || total += 5), Handled::Processed);
/// // Redelivered after the first consumer died before its ack:
/// assert_eq!(store.handle(MessageId(7), || total += 5), Handled::SkippedDuplicate);
/// assert_eq!((total, store.skipped()), (5, 1));
/// ```
#[derive(Debug, Clone, Default)]
pub struct IdempotentConsumer {
    done: IdSet,
    skipped: u64,
}

impl IdempotentConsumer {
    /// An empty store.
    pub fn new() -> Self {
        IdempotentConsumer::default()
    }

    /// Runs `work` unless the message was already done, and records it as done.
    pub fn handle(&mut self, message_id: MessageId, work: impl FnOnce()) -> Handled {
        if self.done.contains(message_id.0) {
            self.skipped += 1;
            return Handled::SkippedDuplicate;
        }
        work();
        self.done.insert(message_id.0);
        Handled::Processed
    }

    /// Whether the message's work was done.
    pub fn is_done(&self, message_id: MessageId) -> bool {
        self.done.contains(message_id.0)
    }

    /// How many redeliveries were skipped.
    pub fn skipped(&self) -> u64 {
        self.skipped
    }
}
