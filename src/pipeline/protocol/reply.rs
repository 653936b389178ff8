//! Writing a reply: the worker's messages to the page, with the crate's one JSON writer.

use super::{ProtocolError, Refused, VERSION};
use crate::json::{member, ObjectWriter, ToJson};
use crate::pipeline::types::{Activity, Answer, Batch, Full, Settings};

/// A reply from the worker to the page.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// The worker has loaded and serves requests.
    Ready {
        /// The settings in force.
        settings: Settings,
        /// The queue's bound in messages.
        maxsize: usize,
        /// The queue's bound in bytes of text.
        max_bytes: usize,
    },
    /// A `put` was taken: how many messages the queue has received in all, and its length now.
    Ack {
        /// The id of the request answered.
        id: Option<u64>,
        /// Messages received by the queue since the last reset.
        received: u64,
        /// Messages in the queue now.
        queue_len: usize,
    },
    /// Part of a put was refused: the queue was full (Python's `queue.Full`). Comes before the
    /// put's `ack`.
    Full {
        /// The id of the put answered.
        id: Option<u64>,
        /// What was refused, and why.
        full: Full,
    },
    /// The queue's bound now in force, after a `maxsize` request.
    Maxsize {
        /// The id of the request answered.
        id: Option<u64>,
        /// The most messages the queue may hold.
        maxsize: usize,
        /// The most bytes of text it may hold.
        max_bytes: usize,
    },
    /// The answer to a ping, from the worker's event loop.
    Pong {
        /// The id of the ping answered.
        id: Option<u64>,
        /// The size of the worker's wasm memory, in bytes, where the shell knows it.
        memory_bytes: Option<u64>,
    },
    /// The worker thread's state changed: `state`, and an `activity` key with its numbers
    /// (`in_ms`; `round`, `work_ms`, `messages`; or `work_ms`).
    State {
        /// What it is doing.
        activity: Activity,
    },
    /// A round's batch.
    Batch {
        /// The batch.
        batch: Batch,
    },
    /// The settings now in force, after a `config` or a `reset`.
    Config {
        /// The id of the request answered.
        id: Option<u64>,
        /// The settings.
        settings: Settings,
    },
    /// A request was refused; nothing changed and the worker keeps serving.
    Error {
        /// The id of the request refused, if it had a valid one.
        id: Option<u64>,
        /// What was wrong: written as `{"key": .., fields..}`.
        error: ProtocolError,
        /// The first characters of the refused request, for people to see which one it was.
        request: String,
    },
}

impl Reply {
    /// The reply that carries the consumer's answer to request `id`.
    pub fn answer(id: Option<u64>, answer: Answer) -> Self {
        match answer {
            Answer::Ack {
                received,
                queue_len,
            } => Reply::Ack {
                id,
                received,
                queue_len,
            },
            Answer::Config(settings) => Reply::Config { id, settings },
            Answer::Full(full) => Reply::Full { id, full },
            Answer::Maxsize { maxsize, max_bytes } => Reply::Maxsize {
                id,
                maxsize,
                max_bytes,
            },
            Answer::Pong => Reply::Pong {
                id,
                memory_bytes: None,
            },
        }
    }

    /// The error reply for a refused request, quoting at most its first 200 characters.
    pub fn refused(refused: Refused, request: &str) -> Self {
        Reply::Error {
            id: refused.id,
            error: refused.error,
            request: crate::json::clip_chars(request, 200).to_owned(),
        }
    }
}

impl Reply {
    /// The reply's `type` on the wire.
    fn kind(&self) -> &'static str {
        match self {
            Reply::Ready { .. } => "ready",
            Reply::Ack { .. } => "ack",
            Reply::Full { .. } => "full",
            Reply::Maxsize { .. } => "maxsize",
            Reply::Pong { .. } => "pong",
            Reply::State { .. } => "state",
            Reply::Batch { .. } => "batch",
            Reply::Config { .. } => "config",
            Reply::Error { .. } => "error",
        }
    }

    /// The id of the request this reply answers, if it answers one that had an id.
    fn id(&self) -> Option<u64> {
        match self {
            Reply::Ack { id, .. }
            | Reply::Full { id, .. }
            | Reply::Maxsize { id, .. }
            | Reply::Pong { id, .. }
            | Reply::Config { id, .. }
            | Reply::Error { id, .. } => *id,
            Reply::Ready { .. } | Reply::State { .. } | Reply::Batch { .. } => None,
        }
    }

    /// The members after `type`, `v` and `id`.
    fn write_members(&self, o: &mut ObjectWriter) {
        match self {
            Reply::Ready {
                settings,
                maxsize,
                max_bytes,
            } => {
                member(o, "settings", settings);
                o.int("maxsize", *maxsize as u64)
                    .int("max_bytes", *max_bytes as u64);
            }
            Reply::Config { settings, .. } => {
                member(o, "settings", settings);
            }
            Reply::Full { full, .. } => write_full(o, full),
            Reply::Maxsize {
                maxsize, max_bytes, ..
            } => {
                o.int("maxsize", *maxsize as u64)
                    .int("max_bytes", *max_bytes as u64);
            }
            Reply::Pong { memory_bytes, .. } => {
                if let Some(bytes) = memory_bytes {
                    o.int("memory_bytes", *bytes);
                }
            }
            Reply::Ack {
                received,
                queue_len,
                ..
            } => {
                o.int("received", *received)
                    .int("queue_len", *queue_len as u64);
            }
            Reply::State { activity } => write_activity(o, *activity),
            Reply::Batch { batch } => write_batch(o, batch),
            Reply::Error { error, request, .. } => {
                member(o, "error", error);
                o.str("request", request);
            }
        }
    }
}

impl ToJson for Reply {
    fn write_json(&self, out: &mut String) {
        let mut o = ObjectWriter::new(out);
        o.str("type", self.kind()).int("v", u64::from(VERSION));
        if let Some(id) = self.id() {
            o.int("id", id);
        }
        self.write_members(&mut o);
        o.finish();
    }

    fn to_json(&self) -> String {
        // Reserve a batch's size up front: growing a many-megabyte string by doubling copies it.
        let mut out = String::with_capacity(match self {
            Reply::Batch { batch } => {
                256 + batch.len() * 48 + batch.texts.iter().map(String::len).sum::<usize>()
            }
            _ => 128,
        });
        self.write_json(&mut out);
        out
    }
}

impl ToJson for Settings {
    /// The settings with the field names of a `config` request.
    fn write_json(&self, out: &mut String) {
        let mut o = ObjectWriter::new(out);
        o.str("mode", self.mode.name())
            .num("interval_ms", self.interval_ms)
            .num("work_ms", self.work_ms)
            .int("max_batch", self.max_batch as u64);
        o.finish();
    }
}

fn write_activity(o: &mut ObjectWriter, activity: Activity) {
    o.str("state", activity.state().name())
        .str("activity", activity.key());
    match activity {
        Activity::WaitingForMessages => {}
        Activity::NextRound { in_ms } => {
            o.num("in_ms", in_ms.round());
        }
        Activity::RoundWork {
            round,
            work_ms,
            messages,
        } => {
            o.int("round", round)
                .num("work_ms", work_ms.round())
                .int("messages", messages as u64);
        }
        Activity::PageWork { ms } => {
            o.num("work_ms", ms.round());
        }
    }
}

fn write_full(o: &mut ObjectWriter, full: &Full) {
    o.int("accepted", full.accepted as u64)
        .int("refused", full.refused as u64)
        .int("first_refused", full.first_refused)
        .str("bound", full.bound.name())
        .int("maxsize", full.maxsize as u64)
        .int("max_bytes", full.max_bytes as u64)
        .int("queue_len", full.queue_len as u64)
        .int("queue_bytes", full.queue_bytes as u64);
}

fn write_batch(o: &mut ObjectWriter, batch: &Batch) {
    o.int("seq", batch.seq).str("mode", batch.mode.name());
    member(o, "ids", &batch.ids);
    member(o, "texts", &batch.texts);
    member(o, "put_at", &batch.put_at);
    o.num("drained_at", batch.drained_at)
        .num("work_ms", batch.work_ms)
        .int("queue_len", batch.queue_len as u64)
        .int("removed_total", batch.removed_total);
}
