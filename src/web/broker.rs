//! The broker view's wasm exports, built alone with `--features broker` into
//! `pkg/broker_bg.wasm`, which only `index.html?view=broker` loads:
//!
//! - [`BrokerCore`]: the in-browser broker, run by `www/broker/broker-worker.js`. Every call
//!   applies one thing that happened; [`BrokerCore::drain`] hands back, as one JSON text, the
//!   deliveries to forward, the events for the page, the counts and any refusals.
//! - [`LedgerMirror`]: the page's copy of the ledger. For the in-browser broker it folds the
//!   broker's events (and outlives a broker kill, to hand to the next broker); for a real
//!   RabbitMQ it is the only ledger, folded from what the publisher and consumers saw.
//! - `stomp_*` and [`StompReader`]: the STOMP frames the WebSockets carry to RabbitMQ.
//!
//! Values cross as JSON text (`crate::broker::wire`) or bytes; a refusal is
//! `{"key": .., "text": ..}` (a message key the page words, and the core's English).

use wasm_bindgen::prelude::*;

use crate::broker::stomp::{self, Command, Decoder, Frame, Incoming, ServerFrame};
use crate::broker::wire::{
    entry_from_json, entry_to_json, event_to_json, events_from_json, ledger_counts,
    ledger_from_json, ledger_to_json, lost_to_json,
};
use crate::broker::{
    AckMode, Broker, BrokerError, ConsumerId, Handled, IdempotentConsumer, Ledger, LogEntry,
    MessageId, Observed, QueueOptions, Tag,
};
use crate::json::{object, write_array, write_str, ObjectWriter};

/// `{"key", "text"}`: a refusal the page words by its key, with the core's English as text.
fn refusal(key: &str, text: &dyn std::fmt::Display) -> String {
    object(|w| {
        w.str("key", key).str("text", &text.to_string());
    })
}

fn js_refusal(key: &str, text: &dyn std::fmt::Display) -> JsValue {
    JsValue::from_str(&refusal(key, text))
}

fn broker_error_key(e: &BrokerError) -> &'static str {
    match e {
        BrokerError::QueueFull { .. } => "broker.err.full",
        BrokerError::UnknownConsumer { .. } => "broker.err.unknown_consumer",
        BrokerError::UnknownTag { .. } | BrokerError::AlreadySettled { .. } => "broker.err.bad_tag",
        _ => "broker.err.refused",
    }
}

/// A whole number from JavaScript, or a refusal.
fn whole(n: f64, what: &str) -> Result<u64, JsValue> {
    if (0.0..=9_007_199_254_740_991.0).contains(&n) && n.fract() == 0.0 {
        Ok(n as u64)
    } else {
        Err(js_refusal("broker.err.bad_number", &format!("{what}: {n}")))
    }
}

/// The in-browser broker with one named queue, run inside the broker worker.
#[wasm_bindgen]
pub struct BrokerCore {
    broker: Broker,
    queue: String,
    /// The consumers' shared store of done message ids (the idempotent switch); it lives
    /// where the work's effect is recorded, the `processed` report.
    store: IdempotentConsumer,
    idempotent: bool,
    errors: Vec<String>,
}

#[wasm_bindgen]
impl BrokerCore {
    /// A broker with the queue `queue` declared (`durable` or not). With `records` (the
    /// persisted log, each entry as JSON) or `ledger` (the page's mirror, as a snapshot), it
    /// is the broker after a kill or a reload: [`Broker::recover`].
    ///
    /// # Errors
    /// A refusal (JSON text) for a record or snapshot that does not read or replay.
    #[wasm_bindgen(constructor)]
    pub fn new(
        queue: &str,
        durable: bool,
        idempotent: bool,
        records: Vec<String>,
        ledger: Option<String>,
    ) -> Result<BrokerCore, JsValue> {
        let mut entries: Vec<LogEntry> = Vec::with_capacity(records.len());
        for r in &records {
            entries.push(entry_from_json(r).map_err(|e| js_refusal("broker.err.log", &e))?);
        }
        let ledger = match ledger {
            Some(text) => {
                ledger_from_json(&text).map_err(|e| js_refusal("broker.err.snapshot", &e))?
            }
            None => Ledger::default(),
        };
        let recovering = !entries.is_empty() || ledger != Ledger::default();
        let mut broker = if recovering {
            let mut b =
                Broker::recover(&entries, ledger).map_err(|e| js_refusal("broker.err.log", &e))?;
            // Recovery's own events (confirms of what the log had) are already in the ledger
            // the page takes as the truth (`snapshot`): handing them out too would count twice.
            drop(b.take_events());
            b
        } else {
            Broker::new()
        };
        let options = QueueOptions {
            durable,
            ..QueueOptions::default()
        };
        broker
            .queue_declare(queue, options)
            .map_err(|e| js_refusal("broker.err.refused", &e))?;
        Ok(BrokerCore {
            broker,
            queue: queue.to_string(),
            store: IdempotentConsumer::new(),
            idempotent,
            errors: Vec::new(),
        })
    }

    /// Publishes `n` messages with bodies `"{prefix}{i}"`; returns how many the queue took
    /// (a full queue refuses the rest, reported by [`drain`](Self::drain)).
    pub fn publish(&mut self, n: u32, prefix: &str) -> u32 {
        for i in 0..n {
            if let Err(e) = self.broker.publish(&self.queue, format!("{prefix}{i}")) {
                let key = broker_error_key(&e);
                self.errors.push(refusal(key, &e));
                return i;
            }
        }
        n
    }

    /// Registers a consumer (`mode` "auto" or "manual") with a prefetch (0 = unlimited);
    /// returns its id.
    ///
    /// # Errors
    /// A refusal for an unknown mode.
    pub fn attach(&mut self, mode: &str, prefetch: u32) -> Result<u32, JsValue> {
        let mode = match mode {
            "auto" => AckMode::Auto,
            "manual" => AckMode::Manual,
            other => return Err(js_refusal("broker.err.bad_mode", &other)),
        };
        let c = self
            .broker
            .consume(&self.queue, mode, prefetch)
            .map_err(|e| js_refusal(broker_error_key(&e), &e))?;
        Ok(c.0)
    }

    /// A consumer's report: `"processed"` (its message id), `"ack"` or `"nack"` (its delivery
    /// tag; `requeue` for nack). Returns false when the broker refused it (the refusal is in
    /// the next [`drain`](Self::drain)): a report from a consumer already reported dead is one.
    pub fn report(&mut self, consumer: u32, kind: &str, n: f64, requeue: bool) -> bool {
        let c = ConsumerId(consumer);
        let Ok(n) = whole(n, kind) else {
            self.errors
                .push(refusal("broker.err.bad_number", &format!("{kind}: {n}")));
            return false;
        };
        let result = match kind {
            "processed" if self.idempotent => {
                let mut r = Ok(());
                let broker = &mut self.broker;
                if self
                    .store
                    .handle(MessageId(n), || r = broker.processed(c, MessageId(n)))
                    == Handled::SkippedDuplicate
                {
                    // Its flight (auto ack) still ends; its work counts once.
                    if broker
                        .in_flight(c)
                        .is_some_and(|f| f.contains(&MessageId(n)))
                    {
                        r = broker.processed(c, MessageId(n));
                    }
                }
                r
            }
            "processed" => self.broker.processed(c, MessageId(n)),
            "ack" => self.broker.ack(c, Tag(n)).map(drop),
            "nack" => self.broker.nack(c, Tag(n), requeue).map(drop),
            other => {
                self.errors.push(refusal("broker.err.bad_report", &other));
                return false;
            }
        };
        match result {
            Ok(()) => true,
            Err(e) => {
                self.errors.push(refusal(broker_error_key(&e), &e));
                false
            }
        }
    }

    /// The page reports a consumer dead. Returns false if it was not connected.
    pub fn died(&mut self, consumer: u32) -> bool {
        self.broker.consumer_died(ConsumerId(consumer)).is_ok()
    }

    /// Log records to persist, in order, each as JSON (empty for a non-durable queue).
    pub fn take_records(&mut self) -> Vec<String> {
        self.broker
            .take_records()
            .iter()
            .map(entry_to_json)
            .collect()
    }

    /// The records up to and including `upto` are persisted: confirms their publishes.
    pub fn persisted(&mut self, upto: f64) -> bool {
        let Ok(upto) = whole(upto, "upto") else {
            return false;
        };
        match self.broker.confirm_persisted(upto) {
            Ok(_) => true,
            Err(e) => {
                self.errors.push(refusal("broker.err.refused", &e));
                false
            }
        }
    }

    /// Everything that happened since the last drain, as one JSON object: `deliveries`
    /// (`{c, tag, id, body, re, done}`, `done` when the shared store has the message done),
    /// `events`, `counts` (the broker's own ledger) and `errors`.
    pub fn drain(&mut self) -> String {
        let deliveries = self.broker.take_deliveries();
        let events = self.broker.take_events();
        let store = &self.store;
        let idempotent = self.idempotent;
        let mut out = String::new();
        let mut w = ObjectWriter::new(&mut out);
        w.raw("deliveries", |o| {
            write_array(o, &deliveries, |o, d| {
                let mut w = ObjectWriter::new(o);
                w.int("c", u64::from(d.consumer.0)).int("tag", d.tag.0);
                w.int("id", d.message_id.0).str("body", &d.body);
                w.raw("re", |o| {
                    o.push_str(if d.redelivered { "true" } else { "false" })
                });
                let done = idempotent && store.is_done(d.message_id);
                w.raw("done", |o| o.push_str(if done { "true" } else { "false" }));
                w.finish();
            });
        });
        w.raw("events", |o| {
            write_array(o, &events, |o, e| o.push_str(&event_to_json(e)));
        });
        let l = self.broker.ledger();
        w.raw("counts", |o| {
            let mut c = ObjectWriter::new(o);
            ledger_counts(&mut c, l);
            c.int("skipped", self.store.skipped());
            c.finish();
        });
        let errors = std::mem::take(&mut self.errors);
        w.raw("errors", |o| write_array(o, &errors, |o, e| o.push_str(e)));
        w.finish();
        out
    }

    /// The broker's ledger as a snapshot: after a recovery the page's mirror takes it as the
    /// truth.
    pub fn snapshot(&self) -> String {
        ledger_to_json(self.broker.ledger())
    }
}

/// The page's ledger: a mirror of the in-browser broker's, or the only ledger of a RabbitMQ.
#[wasm_bindgen]
pub struct LedgerMirror {
    observed: Observed,
    store: IdempotentConsumer,
}

impl Default for LedgerMirror {
    fn default() -> Self {
        LedgerMirror::new()
    }
}

#[wasm_bindgen]
impl LedgerMirror {
    /// An empty ledger.
    #[wasm_bindgen(constructor)]
    pub fn new() -> LedgerMirror {
        LedgerMirror {
            observed: Observed::new(),
            store: IdempotentConsumer::new(),
        }
    }

    /// Folds a JSON array of the broker's events; returns "" or a refusal (the events from
    /// the first that does not fit on are not applied).
    pub fn apply(&mut self, events: &str) -> String {
        let events = match events_from_json(events) {
            Ok(e) => e,
            Err(e) => return refusal("broker.err.events", &e),
        };
        for e in &events {
            if let Err(err) = self.observed.apply(e) {
                return refusal("broker.err.mirror", &err);
            }
        }
        String::new()
    }

    /// Replaces the ledger with a broker's snapshot (after its recovery: the new truth).
    ///
    /// # Errors
    /// A refusal for a snapshot that does not read or add up.
    pub fn replace(&mut self, snapshot: &str) -> Result<(), JsValue> {
        let l = ledger_from_json(snapshot).map_err(|e| js_refusal("broker.err.snapshot", &e))?;
        self.observed = Observed::from_ledger(l);
        Ok(())
    }

    /// The ledger as a snapshot, for the next broker after a kill.
    pub fn snapshot(&self) -> String {
        ledger_to_json(self.observed.ledger())
    }

    /// The counts as JSON (see [`ledger_counts`]), with `skipped` duplicates and `balanced`.
    pub fn counts(&self) -> String {
        let l = self.observed.ledger();
        object(|w| {
            ledger_counts(w, l);
            w.int("skipped", self.store.skipped());
            w.int("resurrected", l.resurrected());
        })
    }

    /// Lost messages from index `from` on, at most `max`, as JSON `{id, reason, consumer?}`.
    pub fn lost(&self, from: usize, max: usize) -> String {
        let all = self.observed.ledger().lost();
        let part = all.get(from..).unwrap_or(&[]);
        let part = &part[..part.len().min(max)];
        let mut out = String::new();
        write_array(&mut out, part, |o, x| o.push_str(&lost_to_json(x)));
        out
    }

    /// Where an unsettled message is: `"q"`, `"u:C"`, `"f:C"`, or "" once settled.
    pub fn place(&self, id: f64) -> String {
        let Ok(id) = whole(id, "id") else {
            return String::new();
        };
        match self.observed.ledger().place(MessageId(id)) {
            Some(crate::broker::Place::Queued) => "q".into(),
            Some(crate::broker::Place::Unacked(c)) => format!("u:{}", c.0),
            Some(crate::broker::Place::InFlight(c)) => format!("f:{}", c.0),
            None => String::new(),
        }
    }

    // ---- a RabbitMQ, watched (src/broker/observed.rs); events via take_events

    /// The publisher sends a message: returns its id.
    pub fn rabbit_published(&mut self, durable: bool) -> f64 {
        self.observed.published(durable).0 as f64
    }

    /// RabbitMQ's RECEIPT for a SEND. Returns "" or a refusal.
    pub fn rabbit_confirmed(&mut self, id: f64) -> String {
        self.observe(id, |o, m| o.confirmed(m))
    }

    /// A consumer subscribed: returns its id.
    pub fn rabbit_started(&mut self, auto_ack: bool, prefetch: u32) -> u32 {
        self.observed.consumer_started(auto_ack, prefetch).0
    }

    /// A consumer got a MESSAGE. Returns "" or a refusal.
    pub fn rabbit_delivered(&mut self, consumer: u32, id: f64, redelivered: bool) -> String {
        self.observe(id, |o, m| o.delivered(ConsumerId(consumer), m, redelivered))
    }

    /// A consumer did a message's work. With `idempotent`, work already done is skipped (the
    /// store of done ids lives here, with the ledger that records the work's effect). Returns
    /// "" or a refusal, or "skipped".
    pub fn rabbit_processed(&mut self, consumer: u32, id: f64, idempotent: bool) -> String {
        let c = ConsumerId(consumer);
        if idempotent {
            let Ok(n) = whole(id, "id") else {
                return refusal("broker.err.bad_number", &id);
            };
            let mut r = Ok(());
            let observed = &mut self.observed;
            let h = self
                .store
                .handle(MessageId(n), || r = observed.processed(c, MessageId(n)));
            if h == Handled::SkippedDuplicate {
                let in_flight = observed.ledger().place(MessageId(n))
                    == Some(crate::broker::Place::InFlight(c));
                if in_flight {
                    r = observed.processed(c, MessageId(n));
                }
                if r.is_ok() {
                    return "skipped".into();
                }
            }
            return match r {
                Ok(()) => String::new(),
                Err(e) => refusal("broker.err.mirror", &e),
            };
        }
        self.observe(id, |o, m| o.processed(c, m))
    }

    /// A consumer sent an ACK (or a NACK with `nack`). Returns "" or a refusal.
    pub fn rabbit_settled(&mut self, consumer: u32, id: f64, nack: bool, requeue: bool) -> String {
        let c = ConsumerId(consumer);
        if nack {
            self.observe(id, |o, m| o.nacked(c, m, requeue))
        } else {
            self.observe(id, |o, m| o.acked(c, m))
        }
    }

    /// A consumer's connection is gone (its worker was killed or crashed).
    pub fn rabbit_died(&mut self, consumer: u32) {
        self.observed.consumer_died(ConsumerId(consumer));
    }

    /// The events folded since the last call, as a JSON array (for the lanes).
    pub fn take_events(&mut self) -> String {
        let events = self.observed.take_events();
        let mut out = String::new();
        write_array(&mut out, &events, |o, e| o.push_str(&event_to_json(e)));
        out
    }

    fn observe(
        &mut self,
        id: f64,
        f: impl FnOnce(&mut Observed, MessageId) -> Result<(), crate::broker::LedgerError>,
    ) -> String {
        let Ok(n) = whole(id, "id") else {
            return refusal("broker.err.bad_number", &id);
        };
        match f(&mut self.observed, MessageId(n)) {
            Ok(()) => String::new(),
            Err(e) => refusal("broker.err.mirror", &e),
        }
    }
}

// ---- STOMP over Web-STOMP

/// `CONNECT` (STOMP 1.2) with login and passcode, no heart-beats.
#[wasm_bindgen]
pub fn stomp_connect(host: &str, login: &str, passcode: &str) -> Vec<u8> {
    stomp::connect(host, login, passcode, (0, 0))
}

/// `SUBSCRIBE` to `destination`: `ack` "auto" (`ack:auto`) or "manual" (`ack:client-individual`
/// with `prefetch-count` when `prefetch` > 0), answered by a RECEIPT named `receipt`.
#[wasm_bindgen]
pub fn stomp_subscribe(
    id: &str,
    destination: &str,
    ack: &str,
    prefetch: u32,
    receipt: &str,
) -> Vec<u8> {
    let header = if ack == "auto" {
        stomp::AckHeader::Auto
    } else {
        stomp::AckHeader::ClientIndividual
    };
    let mut f = Frame::new(Command::Subscribe)
        .with("id", id)
        .with("destination", destination)
        .with("ack", header.value());
    if header != stomp::AckHeader::Auto && prefetch > 0 {
        f = f.with("prefetch-count", &prefetch.to_string());
    }
    f.with("receipt", receipt).encode()
}

/// `SEND` a body to `destination` with the message's id in a `qp-id` header, `persistent`,
/// and a `receipt` (RabbitMQ answers once it has the message: the publisher's confirm).
#[wasm_bindgen]
pub fn stomp_send(
    destination: &str,
    body: &str,
    persistent: bool,
    id: f64,
    receipt: &str,
) -> Vec<u8> {
    let mut f = Frame::new(Command::Send)
        .with("destination", destination)
        .with("qp-id", &format!("{id}"))
        .with("receipt", receipt);
    if persistent {
        f = f.with("persistent", "true");
    }
    f.body = body.as_bytes().to_vec();
    f.encode()
}

/// `ACK` the message whose MESSAGE frame had this `ack` header.
#[wasm_bindgen]
pub fn stomp_ack(ack_id: &str) -> Vec<u8> {
    stomp::ack(ack_id)
}

/// `NACK` it, requeued or dropped.
#[wasm_bindgen]
pub fn stomp_nack(ack_id: &str, requeue: bool) -> Vec<u8> {
    stomp::nack(ack_id, requeue)
}

/// Reads a WebSocket's STOMP stream, in chunks of any size.
#[wasm_bindgen]
#[derive(Default)]
pub struct StompReader {
    decoder: Decoder,
}

#[wasm_bindgen]
impl StompReader {
    /// A reader with the codec's default limits.
    #[wasm_bindgen(constructor)]
    pub fn new() -> StompReader {
        StompReader::default()
    }

    /// Takes the next bytes; returns the whole frames they complete as a JSON array:
    /// `{"type": "connected"}`, `{"type": "message", "ack", "redelivered", "qp_id", "body"}`,
    /// `{"type": "receipt", "id"}`, `{"type": "error", "message", "body"}`, and once the
    /// stream is broken `{"type": "broken", "text"}` (the connection must close).
    pub fn push(&mut self, bytes: &[u8]) -> String {
        self.decoder.push(bytes);
        let mut frames: Vec<String> = Vec::new();
        loop {
            match self.decoder.next_incoming() {
                Ok(None) => break,
                Ok(Some(Incoming::Heartbeat)) => {}
                Ok(Some(Incoming::Frame(f))) => frames.push(server_frame(f)),
                Err(e) => {
                    frames.push(object(|w| {
                        w.str("type", "broken").str("text", &e.to_string());
                    }));
                    break;
                }
            }
        }
        let mut out = String::new();
        write_array(&mut out, &frames, |o, f| o.push_str(f));
        out
    }
}

fn server_frame(f: Frame) -> String {
    let qp_id = f.header("qp-id").map(str::to_string);
    match ServerFrame::try_from(f) {
        Ok(ServerFrame::Connected { version, .. }) => object(|w| {
            w.str("type", "connected").str("version", &version);
        }),
        Ok(ServerFrame::Message(m)) => object(|w| {
            w.str("type", "message").str("ack", m.ack_id());
            w.raw("redelivered", |o| {
                o.push_str(if m.redelivered { "true" } else { "false" })
            });
            match qp_id.as_deref().and_then(|s| s.parse::<u64>().ok()) {
                Some(n) => w.int("qp_id", n),
                None => w.raw("qp_id", |o| o.push_str("null")),
            };
            w.str("body", &String::from_utf8_lossy(&m.body));
        }),
        Ok(ServerFrame::Receipt { receipt_id }) => object(|w| {
            w.str("type", "receipt").str("id", &receipt_id);
        }),
        Ok(ServerFrame::Error { message, body }) => object(|w| {
            w.str("type", "error").str("message", &message);
            w.raw("body", |o| write_str(o, &String::from_utf8_lossy(&body)));
        }),
        Err(e) => object(|w| {
            w.str("type", "broken").str("text", &e.to_string());
        }),
    }
}
