//! The broker of the broker view: the RabbitMQ half of the reference program, as a
//! state machine that a web shell drives and that is tested natively.
//!
//! The map, top to bottom:
//! - [`Broker`] (`engine.rs`): named queues, `publish`, consumers with an [`AckMode`] and a
//!   prefetch, round-robin dispatch, `ack` / `nack`, a consumer's death, publisher confirms.
//!   Each change of a message's fate is an [`Event`]; deliveries wait in an outbox.
//! - [`Ledger`] (`ledger.rs`): the fold over those events, where
//!   `published = acked + lost + queued + unacked` holds after every event and every lost
//!   message is named with a [`LossReason`].
//! - [`Record`] (`log.rs`): the append-only log of a durable queue, which the shell persists
//!   and [`Broker::recover`] replays after a broker kill or a page reload.
//! - [`IdempotentConsumer`] (`idempotent.rs`): the consumer-side fix for duplicates.
//! - [`stomp`]: the STOMP 1.2 frame codec for the same lessons on a real RabbitMQ.
//! - [`Observed`] (`observed.rs`): the same ledger for a broker we only watch (a real RabbitMQ),
//!   folded from what its publisher and consumers saw.
//! - [`wire`]: events, log records and a ledger snapshot as JSON, for the web shell.
//! - `english.rs`: every English sentence of this module, in one place.
//!
//! Nothing here reads a clock, draws a random number or starts a thread: the shell passes in
//! what happens (a consumer died, a record was persisted), so every behaviour is replayable.
//! The design and the mapping to RabbitMQ are in `docs/BROKER.md`.
//!
//! ```
//! use queue_playground::broker::{AckMode, Broker, QueueOptions};
//!
//! let mut broker = Broker::new();
//! broker.queue_declare("my_queue", QueueOptions::default()).unwrap();
//! let worker = broker.consume("my_queue", AckMode::Manual, 1).unwrap();
//! broker.publish("my_queue", "hello".into()).unwrap();
//! let delivery = broker.take_deliveries().remove(0);
//! assert_eq!((delivery.consumer, delivery.body.as_str()), (worker, "hello"));
//! broker.ack(worker, delivery.tag).unwrap();
//! assert_eq!(broker.ledger().acked(), 1);
//! assert!(broker.ledger().is_balanced());
//! ```

mod engine;
mod english;
mod idempotent;
mod idset;
mod ledger;
mod log;
mod observed;
pub mod stomp;
pub mod wire;

pub use engine::{Broker, Died, Published};
pub use idempotent::{Handled, IdempotentConsumer};
pub use idset::IdSet;
pub use ledger::{Event, Ledger, LedgerError, LossReason, Lost, Place};
pub use log::{LedgerCount, LogEntry, Record, RecoverError};
pub use observed::Observed;

/// `docs/BROKER.md`, whose examples run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../docs/BROKER.md")]
pub struct BrokerGuide;

/// A message's id: unique in a broker's life, and across its recoveries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MessageId(pub u64);

/// A delivery's tag: names one delivery of a message to one consumer, for `ack` and `nack`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tag(pub u64);

/// A consumer's id: never reused, also across the broker's recoveries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConsumerId(pub u32);

/// When the broker counts a delivered message as acknowledged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckMode {
    /// On delivery: the reference program's `auto_ack=True`, STOMP's `ack:auto`. The broker
    /// forgets the message at once, so a consumer that dies mid-work loses it.
    Auto,
    /// When the consumer acks after its work: STOMP's `ack:client-individual`. A dead
    /// consumer's unacked messages go back to the queue and are redelivered.
    Manual,
}

/// How a queue is declared (`queue_declare`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueOptions {
    /// Survive a broker kill: its messages go to the log, and publishes are confirmed only
    /// once their record is persisted.
    pub durable: bool,
    /// The most ready messages the queue holds; a publish beyond it is refused with
    /// [`BrokerError::QueueFull`] (RabbitMQ's `x-max-length` with `overflow=reject-publish`).
    /// `None` is unbounded.
    pub max_length: Option<usize>,
}

/// The default bound of a queue: it keeps the broker worker's memory bounded whatever the
/// learner clicks.
pub const DEFAULT_MAX_LENGTH: usize = 100_000;

/// The longest queue name: RabbitMQ's limit (a short string of 255 bytes).
pub const MAX_QUEUE_NAME: usize = 255;

impl Default for QueueOptions {
    fn default() -> Self {
        QueueOptions {
            durable: false,
            max_length: Some(DEFAULT_MAX_LENGTH),
        }
    }
}

/// One message handed to one consumer: the shell forwards it to that consumer's worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The consumer that gets it.
    pub consumer: ConsumerId,
    /// The tag the consumer acks or nacks it with.
    pub tag: Tag,
    /// The message's id, the same on every redelivery (what an idempotent consumer keys on).
    pub message_id: MessageId,
    /// The message.
    pub body: String,
    /// The message may have been delivered before (RabbitMQ's `redelivered` flag).
    pub redelivered: bool,
}

/// Why the broker refused an operation; a refused operation changes nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrokerError {
    /// No queue has this name.
    UnknownQueue {
        /// The name asked for.
        queue: String,
    },
    /// The name is empty or longer than [`MAX_QUEUE_NAME`] bytes.
    InvalidQueueName {
        /// Its length in bytes.
        len: usize,
    },
    /// The queue exists with other options (RabbitMQ's `PRECONDITION_FAILED`).
    QueueMismatch {
        /// The queue's name.
        queue: String,
        /// Its options.
        existing: QueueOptions,
        /// The options asked for.
        requested: QueueOptions,
    },
    /// The queue holds `max_length` ready messages: the body is handed back.
    QueueFull {
        /// The queue's name.
        queue: String,
        /// Its bound.
        max_length: usize,
        /// The refused message.
        body: String,
    },
    /// No live consumer has this id (never registered, or dead).
    UnknownConsumer {
        /// The id.
        consumer: ConsumerId,
    },
    /// The consumer acknowledges on delivery, so it has nothing to ack or nack.
    AutoAckConsumer {
        /// The consumer.
        consumer: ConsumerId,
    },
    /// The consumer holds no delivery with this tag, and none was settled.
    UnknownTag {
        /// The consumer.
        consumer: ConsumerId,
        /// The tag.
        tag: Tag,
    },
    /// The delivery was already acked, nacked or requeued: a double ack.
    AlreadySettled {
        /// The consumer.
        consumer: ConsumerId,
        /// The tag.
        tag: Tag,
    },
    /// No message with this id was ever published.
    UnknownMessage {
        /// The id.
        message_id: MessageId,
    },
    /// `confirm_persisted` named a log sequence number not yet handed out.
    NotYetLogged {
        /// The number asked for.
        upto: u64,
        /// The last number handed out, if any.
        last: Option<u64>,
    },
}

impl std::error::Error for BrokerError {}
