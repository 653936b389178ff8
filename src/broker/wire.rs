//! The broker's values as JSON, for the web shell: events (broker worker -> page), log records
//! (broker worker <-> IndexedDB), and a ledger snapshot (the page's mirror -> a new broker
//! worker, and back after a recovery: `docs/BROKER.md`, "the shell's side").
//!
//! Reading is strict and never panics: a missing or mistyped member, a number that is not a
//! whole number below 2^53, or a snapshot whose counts disagree with its places is refused
//! with a [`WireError`] naming what was wrong.
//!
//! ```
//! use queue_playground::broker::wire::{event_from_json, event_to_json};
//! use queue_playground::broker::{Event, MessageId};
//! let e = Event::Acked { message_id: MessageId(7) };
//! let text = event_to_json(&e);
//! assert_eq!(text, r#"{"e":"acked","id":7}"#);
//! assert_eq!(event_from_json(&text), Ok(e));
//! ```

use super::idset::IdSet;
use super::ledger::{Event, Fate, Ledger, LossReason, Lost, Place};
use super::log::{LogEntry, Record};
use super::{ConsumerId, MessageId, Tag};
use crate::json::{object, parse, write_array, ObjectWriter, Value};

/// Why a JSON text is not the value asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WireError {
    /// Not JSON at all.
    NotJson,
    /// A member is missing or has the wrong type.
    Member {
        /// The member's name.
        name: &'static str,
    },
    /// The `e`, `r` or `reason` member names nothing known.
    UnknownKind {
        /// What it said.
        kind: String,
    },
    /// A snapshot whose counts do not add up: refused rather than trusted.
    Inconsistent,
}

impl std::error::Error for WireError {}

/// The largest whole number a JavaScript number holds exactly.
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

fn uint(v: &Value, name: &'static str) -> Result<u64, WireError> {
    match v.get(name).and_then(Value::as_f64) {
        Some(n) if (0.0..=MAX_SAFE).contains(&n) && n.fract() == 0.0 => Ok(n as u64),
        _ => Err(WireError::Member { name }),
    }
}

fn num_at(v: &Value, i: usize, name: &'static str) -> Result<u64, WireError> {
    match v {
        Value::Array(items) => match items.get(i).and_then(Value::as_f64) {
            Some(n) if (0.0..=MAX_SAFE).contains(&n) && n.fract() == 0.0 => Ok(n as u64),
            _ => Err(WireError::Member { name }),
        },
        _ => Err(WireError::Member { name }),
    }
}

fn consumer(v: &Value, name: &'static str) -> Result<ConsumerId, WireError> {
    let n = uint(v, name)?;
    u32::try_from(n)
        .map(ConsumerId)
        .map_err(|_| WireError::Member { name })
}

fn boolean(v: &Value, name: &'static str) -> Result<bool, WireError> {
    match v.get(name) {
        Some(Value::Bool(b)) => Ok(*b),
        _ => Err(WireError::Member { name }),
    }
}

fn text<'a>(v: &'a Value, name: &'static str) -> Result<&'a str, WireError> {
    v.get(name)
        .and_then(Value::as_str)
        .ok_or(WireError::Member { name })
}

fn array<'a>(v: &'a Value, name: &'static str) -> Result<&'a [Value], WireError> {
    match v.get(name) {
        Some(Value::Array(items)) => Ok(items),
        _ => Err(WireError::Member { name }),
    }
}

/// One entry of a snapshot's `fates`: `[id, durable, confirmed, place, consumer]`.
fn fate_from(f: &Value) -> Result<(MessageId, Fate), WireError> {
    let id = MessageId(num_at(f, 0, "fates")?);
    let c = ConsumerId(
        u32::try_from(num_at(f, 4, "fates")?).map_err(|_| WireError::Member { name: "fates" })?,
    );
    let place = match f {
        Value::Array(items) => match items.get(3).and_then(Value::as_str) {
            Some("q") => Place::Queued,
            Some("u") => Place::Unacked(c),
            Some("f") => Place::InFlight(c),
            _ => return Err(WireError::Member { name: "fates" }),
        },
        _ => return Err(WireError::Member { name: "fates" }),
    };
    let fate = Fate {
        durable: num_at(f, 1, "fates")? != 0,
        confirmed: num_at(f, 2, "fates")? != 0,
        place,
    };
    Ok((id, fate))
}

/// Writes a loss reason's members (`reason`, and `consumer` when it names one).
fn write_reason(w: &mut ObjectWriter<'_>, reason: &LossReason) {
    let (name, c) = match reason {
        LossReason::ConsumerDiedAutoAck { consumer } => ("consumer_died_auto_ack", Some(consumer)),
        LossReason::RejectedDropped { consumer } => ("rejected_dropped", Some(consumer)),
        LossReason::BrokerDiedNotDurable => ("broker_died_not_durable", None),
        LossReason::BrokerDiedUnconfirmed => ("broker_died_unconfirmed", None),
        LossReason::BrokerDiedRecordMissing => ("broker_died_record_missing", None),
    };
    w.str("reason", name);
    if let Some(c) = c {
        w.int("consumer", u64::from(c.0));
    }
}

fn reason_from(v: &Value) -> Result<LossReason, WireError> {
    Ok(match text(v, "reason")? {
        "consumer_died_auto_ack" => LossReason::ConsumerDiedAutoAck {
            consumer: consumer(v, "consumer")?,
        },
        "rejected_dropped" => LossReason::RejectedDropped {
            consumer: consumer(v, "consumer")?,
        },
        "broker_died_not_durable" => LossReason::BrokerDiedNotDurable,
        "broker_died_unconfirmed" => LossReason::BrokerDiedUnconfirmed,
        "broker_died_record_missing" => LossReason::BrokerDiedRecordMissing,
        other => {
            return Err(WireError::UnknownKind {
                kind: other.to_string(),
            })
        }
    })
}

/// A lost message as JSON: `{"id", "reason", "consumer"?}`.
pub fn lost_to_json(lost: &Lost) -> String {
    object(|w| {
        w.int("id", lost.message_id.0);
        write_reason(w, &lost.reason);
    })
}

/// An event as one JSON object; `e` names its kind.
pub fn event_to_json(event: &Event) -> String {
    object(|w| match *event {
        Event::ConsumerStarted {
            consumer,
            auto_ack,
            prefetch,
        } => {
            w.str("e", "started").int("c", u64::from(consumer.0));
            w.raw("auto", |o| o.push_str(bool_text(auto_ack)));
            w.int("prefetch", u64::from(prefetch));
        }
        Event::ConsumerDied { consumer } => {
            w.str("e", "died").int("c", u64::from(consumer.0));
        }
        Event::Published {
            message_id,
            durable,
            confirmed,
        } => {
            w.str("e", "published").int("id", message_id.0);
            w.raw("durable", |o| o.push_str(bool_text(durable)));
            w.raw("confirmed", |o| o.push_str(bool_text(confirmed)));
        }
        Event::Confirmed { message_id } => {
            w.str("e", "confirmed").int("id", message_id.0);
        }
        Event::Delivered {
            message_id,
            consumer,
            tag,
            auto_ack,
            redelivered,
        } => {
            w.str("e", "delivered").int("id", message_id.0);
            w.int("c", u64::from(consumer.0)).int("tag", tag.0);
            w.raw("auto", |o| o.push_str(bool_text(auto_ack)));
            w.raw("re", |o| o.push_str(bool_text(redelivered)));
        }
        Event::Acked { message_id } => {
            w.str("e", "acked").int("id", message_id.0);
        }
        Event::Requeued { message_id } => {
            w.str("e", "requeued").int("id", message_id.0);
        }
        Event::Processed {
            message_id,
            consumer,
        } => {
            w.str("e", "processed").int("id", message_id.0);
            w.int("c", u64::from(consumer.0));
        }
        Event::Lost { message_id, reason } => {
            w.str("e", "lost").int("id", message_id.0);
            write_reason(w, &reason);
        }
    })
}

fn bool_text(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

/// Events as one JSON array.
pub fn events_to_json(events: &[Event]) -> String {
    let mut out = String::new();
    write_array(&mut out, events, |o, e| o.push_str(&event_to_json(e)));
    out
}

/// Reads one event written by [`event_to_json`].
pub fn event_from_json(text: &str) -> Result<Event, WireError> {
    event_from_value(&parse(text).map_err(|_| WireError::NotJson)?)
}

/// Reads a JSON array of events.
pub fn events_from_json(text: &str) -> Result<Vec<Event>, WireError> {
    match parse(text).map_err(|_| WireError::NotJson)? {
        Value::Array(items) => items.iter().map(event_from_value).collect(),
        _ => Err(WireError::Member { name: "events" }),
    }
}

fn event_from_value(v: &Value) -> Result<Event, WireError> {
    let id = || uint(v, "id").map(MessageId);
    Ok(match text(v, "e")? {
        "started" => Event::ConsumerStarted {
            consumer: consumer(v, "c")?,
            auto_ack: boolean(v, "auto")?,
            prefetch: u32::try_from(uint(v, "prefetch")?)
                .map_err(|_| WireError::Member { name: "prefetch" })?,
        },
        "died" => Event::ConsumerDied {
            consumer: consumer(v, "c")?,
        },
        "published" => Event::Published {
            message_id: id()?,
            durable: boolean(v, "durable")?,
            confirmed: boolean(v, "confirmed")?,
        },
        "confirmed" => Event::Confirmed { message_id: id()? },
        "delivered" => Event::Delivered {
            message_id: id()?,
            consumer: consumer(v, "c")?,
            tag: Tag(uint(v, "tag")?),
            auto_ack: boolean(v, "auto")?,
            redelivered: boolean(v, "re")?,
        },
        "acked" => Event::Acked { message_id: id()? },
        "requeued" => Event::Requeued { message_id: id()? },
        "processed" => Event::Processed {
            message_id: id()?,
            consumer: consumer(v, "c")?,
        },
        "lost" => Event::Lost {
            message_id: id()?,
            reason: reason_from(v)?,
        },
        other => {
            return Err(WireError::UnknownKind {
                kind: other.to_string(),
            })
        }
    })
}

/// A log entry as one JSON object: `seq`, and `r` naming the record's kind.
pub fn entry_to_json(entry: &LogEntry) -> String {
    object(|w| {
        w.int("seq", entry.seq);
        match &entry.record {
            Record::Declare { queue, max_length } => {
                w.str("r", "declare").str("queue", queue);
                match max_length {
                    Some(n) => w.int("max", *n as u64),
                    None => w.raw("max", |o| o.push_str("null")),
                };
            }
            Record::Publish {
                queue,
                message_id,
                body,
            } => {
                w.str("r", "publish").str("queue", queue);
                w.int("id", message_id.0).str("body", body);
            }
            Record::Delivered { message_id } => {
                w.str("r", "delivered").int("id", message_id.0);
            }
            Record::Settled { message_id } => {
                w.str("r", "settled").int("id", message_id.0);
            }
        }
    })
}

/// Reads one log entry written by [`entry_to_json`].
pub fn entry_from_json(text: &str) -> Result<LogEntry, WireError> {
    let v = parse(text).map_err(|_| WireError::NotJson)?;
    let seq = uint(&v, "seq")?;
    let id = || uint(&v, "id").map(MessageId);
    let record = match text_of(&v, "r")? {
        "declare" => Record::Declare {
            queue: text_of(&v, "queue")?.to_string(),
            max_length: match v.get("max") {
                Some(Value::Null) => None,
                _ => Some(uint(&v, "max")? as usize),
            },
        },
        "publish" => Record::Publish {
            queue: text_of(&v, "queue")?.to_string(),
            message_id: id()?,
            body: text_of(&v, "body")?.to_string(),
        },
        "delivered" => Record::Delivered { message_id: id()? },
        "settled" => Record::Settled { message_id: id()? },
        other => {
            return Err(WireError::UnknownKind {
                kind: other.to_string(),
            })
        }
    };
    Ok(LogEntry { seq, record })
}

fn text_of<'a>(v: &'a Value, name: &'static str) -> Result<&'a str, WireError> {
    text(v, name)
}

/// The whole ledger as JSON: its counts, its lost messages, the processed ids (as ranges), and
/// where each unsettled message is. [`ledger_from_json`] reads it back.
pub fn ledger_to_json(l: &Ledger) -> String {
    object(|w| {
        ledger_counts(w, l);
        w.int("resurrected", l.resurrected);
        w.int("next_message", l.next_message);
        w.int("next_consumer", u64::from(l.next_consumer));
        w.int("next_tag", l.next_tag);
        w.raw("lost", |o| {
            write_array(o, &l.lost, |o, x| o.push_str(&lost_to_json(x)));
        });
        let ranges: Vec<(u64, u64)> = l.processed.range_list();
        w.raw("processed", |o| {
            write_array(o, &ranges, |o, (a, b)| o.push_str(&format!("[{a},{b}]")));
        });
        let fates: Vec<(&MessageId, &Fate)> = l.fates.iter().collect();
        w.raw("fates", |o| {
            write_array(o, &fates, |o, (id, f)| {
                let (place, c) = match f.place {
                    Place::Queued => ("q", 0),
                    Place::Unacked(c) => ("u", c.0),
                    Place::InFlight(c) => ("f", c.0),
                };
                o.push_str(&format!(
                    "[{},{},{},\"{place}\",{c}]",
                    id.0,
                    u8::from(f.durable),
                    u8::from(f.confirmed)
                ));
            });
        });
    })
}

/// The ledger's counts as members: what the page shows (`published`, `confirmed`, `acked`,
/// `unacked`, `queued`, `lost`, `in_flight`, `redelivered`, `duplicates`, `processed`).
pub fn ledger_counts(w: &mut ObjectWriter<'_>, l: &Ledger) {
    w.int("published", l.published)
        .int("confirmed", l.confirmed);
    w.int("acked", l.acked).int("unacked", l.unacked);
    w.int("queued", l.queued).int("lost_count", l.lost_count());
    w.int("in_flight", l.in_flight)
        .int("redelivered", l.redelivered);
    w.int("duplicates", l.duplicates)
        .int("processed_count", l.processed());
}

/// Reads a ledger written by [`ledger_to_json`], refusing one whose counts disagree with its
/// places or break the ledger rule.
pub fn ledger_from_json(text: &str) -> Result<Ledger, WireError> {
    let v = parse(text).map_err(|_| WireError::NotJson)?;
    let mut l = Ledger {
        published: uint(&v, "published")?,
        confirmed: uint(&v, "confirmed")?,
        acked: uint(&v, "acked")?,
        queued: uint(&v, "queued")?,
        unacked: uint(&v, "unacked")?,
        in_flight: uint(&v, "in_flight")?,
        redelivered: uint(&v, "redelivered")?,
        duplicates: uint(&v, "duplicates")?,
        resurrected: uint(&v, "resurrected")?,
        next_message: uint(&v, "next_message")?,
        next_consumer: u32::try_from(uint(&v, "next_consumer")?).map_err(|_| {
            WireError::Member {
                name: "next_consumer",
            }
        })?,
        next_tag: uint(&v, "next_tag")?,
        ..Ledger::default()
    };
    for x in array(&v, "lost")? {
        l.lost.push(Lost {
            message_id: MessageId(uint(x, "id")?),
            reason: reason_from(x)?,
        });
    }
    let mut processed = IdSet::default();
    for r in array(&v, "processed")? {
        let (a, b) = (num_at(r, 0, "processed")?, num_at(r, 1, "processed")?);
        if b <= a || b - a > 1 << 40 {
            return Err(WireError::Member { name: "processed" });
        }
        processed.insert_range(a, b);
    }
    l.processed = processed;
    for f in array(&v, "fates")? {
        let (id, fate) = fate_from(f)?;
        if id.0 >= l.next_message || l.fates.insert(id, fate).is_some() {
            return Err(WireError::Inconsistent);
        }
    }
    let sum = [l.acked, l.lost_count(), l.queued, l.unacked]
        .iter()
        .try_fold(0u64, |s, &n| s.checked_add(n));
    if sum != Some(l.published) || !l.counts_match_places() {
        return Err(WireError::Inconsistent);
    }
    Ok(l)
}
