//! Every English sentence of the broker and its codec, in one place. The page translates by
//! the errors' variants and fields, not by these strings.

use super::ledger::{Event, LedgerError, LossReason, Place};
use super::log::{LedgerCount, RecoverError};
use super::stomp::{DecodeError, FrameError};
use super::{BrokerError, ConsumerId, MessageId, Tag};
use std::fmt;

impl fmt::Display for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "message {}", self.0)
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "delivery tag {}", self.0)
    }
}

impl fmt::Display for ConsumerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "consumer {}", self.0)
    }
}

impl fmt::Display for BrokerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BrokerError::UnknownQueue { queue } => write!(f, "no queue is named {queue:?}"),
            BrokerError::InvalidQueueName { len } => {
                write!(f, "a queue name has 1 to 255 bytes, not {len}")
            }
            BrokerError::QueueMismatch { queue, .. } => {
                write!(f, "queue {queue:?} exists with other options")
            }
            BrokerError::QueueFull {
                queue, max_length, ..
            } => write!(f, "queue {queue:?} is full ({max_length} messages)"),
            BrokerError::UnknownConsumer { consumer } => write!(f, "{consumer} is not connected"),
            BrokerError::AutoAckConsumer { consumer } => {
                write!(f, "{consumer} acknowledges on delivery: nothing to ack")
            }
            BrokerError::UnknownTag { consumer, tag } => write!(f, "{consumer} holds no {tag}"),
            BrokerError::AlreadySettled { consumer, tag } => {
                write!(f, "{consumer} already acked or rejected {tag}")
            }
            BrokerError::UnknownMessage { message_id } => {
                write!(f, "{message_id} was never published")
            }
            BrokerError::NotYetLogged { upto, last } => match last {
                Some(last) => write!(f, "log record {upto} does not exist yet (last: {last})"),
                None => write!(f, "log record {upto} does not exist yet (the log is empty)"),
            },
        }
    }
}

impl fmt::Display for LossReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LossReason::ConsumerDiedAutoAck { consumer } => {
                write!(f, "{consumer} died with it under auto ack")
            }
            LossReason::RejectedDropped { consumer } => {
                write!(f, "{consumer} rejected it without requeue: dropped")
            }
            LossReason::BrokerDiedNotDurable => {
                f.write_str("the broker died and its queue was not durable")
            }
            LossReason::BrokerDiedUnconfirmed => {
                f.write_str("the broker died before its publish was persisted (unconfirmed)")
            }
            LossReason::BrokerDiedRecordMissing => {
                f.write_str("the broker died and storage lost its confirmed record")
            }
        }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Queued => f.write_str("queued"),
            Place::Unacked(c) => write!(f, "unacked at {c}"),
            Place::InFlight(c) => write!(f, "in flight at {c}"),
        }
    }
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::ConsumerStarted { consumer, .. } => write!(f, "{consumer} started"),
            Event::ConsumerDied { consumer } => write!(f, "{consumer} died"),
            Event::Published { message_id, .. } => write!(f, "{message_id} published"),
            Event::Confirmed { message_id } => write!(f, "{message_id} confirmed"),
            Event::Delivered {
                message_id,
                consumer,
                ..
            } => write!(f, "{message_id} delivered to {consumer}"),
            Event::Acked { message_id } => write!(f, "{message_id} acked"),
            Event::Requeued { message_id } => write!(f, "{message_id} requeued"),
            Event::Processed {
                message_id,
                consumer,
            } => write!(f, "{message_id} processed by {consumer}"),
            Event::Lost { message_id, reason } => write!(f, "{message_id} lost: {reason}"),
        }
    }
}

impl fmt::Display for LedgerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let LedgerError::DoesNotFit { event, found } = self;
        match found {
            Some(place) => write!(f, "\"{event}\" does not fit: the message is {place}"),
            None => write!(
                f,
                "\"{event}\" does not fit: the message is settled or unknown"
            ),
        }
    }
}

impl fmt::Display for RecoverError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecoverError::Gap { expected, found } => {
                write!(f, "log record {expected} is missing (found {found})")
            }
            RecoverError::UndeclaredQueue { seq, queue } => {
                write!(
                    f,
                    "log record {seq} publishes to undeclared queue {queue:?}"
                )
            }
            RecoverError::DuplicatePublish { seq, message_id } => {
                write!(f, "log record {seq} publishes {message_id} again")
            }
            RecoverError::UnknownMessage { seq, message_id } => {
                write!(
                    f,
                    "log record {seq} names {message_id}, which is in no queue"
                )
            }
            RecoverError::LedgerDisagrees { count, message_id } => write!(
                f,
                "the ledger counts no {count} message to take {message_id} from: it disagrees with the log"
            ),
        }
    }
}

impl fmt::Display for LedgerCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LedgerCount::Queued => "queued",
            LedgerCount::Unacked => "unacked",
            LedgerCount::InFlight => "in-flight",
            LedgerCount::Acked => "acked",
        })
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::FrameTooLarge { limit } => {
                write!(f, "a STOMP frame is longer than {limit} bytes")
            }
            DecodeError::TooManyHeaders { limit } => {
                write!(f, "a STOMP frame has more than {limit} headers")
            }
            DecodeError::UnknownCommand { command } => {
                write!(
                    f,
                    "unknown STOMP command {:?}",
                    String::from_utf8_lossy(command)
                )
            }
            DecodeError::MalformedHeader { line } => {
                write!(f, "STOMP header line {line} has no colon")
            }
            DecodeError::InvalidEscape { line } => {
                write!(f, "STOMP header line {line} has an undefined escape")
            }
            DecodeError::NotUtf8 { line } => write!(f, "STOMP line {line} is not UTF-8"),
            DecodeError::BadContentLength => f.write_str("STOMP content-length is not a number"),
            DecodeError::MissingNul => {
                f.write_str("STOMP body is not followed by NUL after content-length bytes")
            }
        }
    }
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameError::UnexpectedCommand { command } => {
                write!(f, "a client does not receive STOMP {}", command.name())
            }
            FrameError::MissingHeader { command, header } => {
                write!(f, "STOMP {} without its {header} header", command.name())
            }
        }
    }
}

impl std::fmt::Display for super::wire::WireError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            super::wire::WireError::NotJson => f.write_str("not JSON"),
            super::wire::WireError::Member { name } => {
                write!(f, "member {name:?} is missing or mistyped")
            }
            super::wire::WireError::UnknownKind { kind } => write!(f, "unknown kind {kind:?}"),
            super::wire::WireError::Inconsistent => {
                f.write_str("the snapshot's counts do not add up")
            }
        }
    }
}
