#![cfg(target_arch = "wasm32")]
//! The consumer worker's shell (`src/web/consumer.rs`) running in a real dedicated Web Worker in
//! headless Chromium: requests go in through a real `MessageChannel`, the shell runs its rounds
//! on real timers, and its replies come back as JSON text, as the page receives them. Nothing
//! here re-implements the loop: `serve` is what `start_consumer_worker` runs on the worker's
//! own scope.

use queue_playground::web::{serve, Endpoint};
use serde_json::{json, Value};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

#[wasm_bindgen]
extern "C" {
    type MessageChannel;
    #[wasm_bindgen(constructor)]
    fn new() -> MessageChannel;
    #[wasm_bindgen(method, getter)]
    fn port1(this: &MessageChannel) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn port2(this: &MessageChannel) -> Port;

    /// The page's end of the channel.
    type Port;
    #[wasm_bindgen(method, js_name = postMessage)]
    fn post_message(this: &Port, message: &JsValue);
    #[wasm_bindgen(method, setter)]
    fn set_onmessage(this: &Port, handler: Option<&js_sys::Function>);
    #[wasm_bindgen(method)]
    fn close(this: &Port);
}

/// How long a test waits for a reply before it fails: far above what any step needs (the whole
/// suite runs in well under a second), so only a lost or missing reply reaches it, and below the
/// test runner's own timeout, so the failure says what was missing.
const PATIENCE_MS: f64 = 2_000.0;

/// The page's side: posts requests to a shell serving the other end of a channel, and keeps
/// every reply, parsed.
struct Page {
    port: Port,
    replies: Rc<RefCell<Vec<Value>>>,
    _handler: Closure<dyn FnMut(web_sys::MessageEvent)>,
}

impl Page {
    /// Starts a shell on a new channel, with `early` as the messages that came before it.
    fn start(early: &[JsValue]) -> Page {
        let channel = MessageChannel::new();
        let port = channel.port2();
        let replies = Rc::new(RefCell::new(Vec::new()));
        let sink = replies.clone();
        let handler =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                let text = e.data().as_string().expect("every reply is JSON text");
                let value: Value = serde_json::from_str(&text).expect("every reply parses");
                sink.borrow_mut().push(value);
            });
        port.set_onmessage(Some(handler.as_ref().unchecked_ref()));
        let early: js_sys::Array = early.iter().collect();
        serve(channel.port1().unchecked_ref::<Endpoint>(), early);
        Page {
            port,
            replies,
            _handler: handler,
        }
    }

    fn post(&self, request: &Value) {
        self.port
            .post_message(&JsValue::from_str(&request.to_string()));
    }

    fn post_js(&self, value: &JsValue) {
        self.port.post_message(value);
    }

    fn replies(&self) -> Vec<Value> {
        self.replies.borrow().clone()
    }

    /// Waits until the replies satisfy `done`; fails after [`PATIENCE_MS`].
    async fn until(&self, what: &str, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let start = js_sys::Date::now();
        loop {
            if done(&self.replies.borrow()) {
                return self.replies();
            }
            assert!(
                js_sys::Date::now() - start < PATIENCE_MS,
                "gave up waiting for {what}; replies: {:?}",
                self.replies.borrow()
            );
            gloo_timers::future::TimeoutFuture::new(2).await;
        }
    }
}

impl Drop for Page {
    /// Closes the page's end, so that replies the shell posts after the test are dropped rather
    /// than handed to a handler that is gone.
    fn drop(&mut self) {
        self.port.set_onmessage(None);
        self.port.close();
    }
}

fn of_type<'a>(replies: &'a [Value], kind: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    replies.iter().filter(move |r| r["type"] == kind)
}

fn batch_ids(replies: &[Value]) -> Vec<u64> {
    of_type(replies, "batch")
        .flat_map(|b| {
            b["ids"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i.as_u64().unwrap())
        })
        .collect()
}

fn put(id: u64, first_id: u64, texts: &[String]) -> Value {
    json!({"v":1,"id":id,"type":"put","first_id":first_id,"texts":texts,"put_at":vec![0; texts.len()]})
}

fn config(id: u64, mode: &str, interval_ms: u64, max_batch: u64) -> Value {
    json!({"v":1,"id":id,"type":"config","mode":mode,"interval_ms":interval_ms,"work_ms":0,"max_batch":max_batch})
}

fn texts(prefix: &str, n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("{prefix}{i}")).collect()
}

#[wasm_bindgen_test]
async fn timer_driven_rounds_deliver_every_message_once_then_park() {
    let page = Page::start(&[]);
    page.post(&config(1, "drain", 5, 700));
    page.post(&put(2, 1, &texts("m", 5000)));
    let replies = page
        .until("5000 messages", |r| batch_ids(r).len() >= 5000)
        .await;
    assert_eq!(replies[0]["type"], "ready", "ready comes first");
    assert_eq!(replies[0]["settings"]["mode"], "drain");
    let config = of_type(&replies, "config").next().unwrap();
    assert_eq!(
        (&config["id"], &config["settings"]["max_batch"]),
        (&json!(1), &json!(700))
    );
    let ack = of_type(&replies, "ack").next().unwrap();
    assert_eq!(
        ack,
        &json!({"type":"ack","v":1,"id":2,"received":5000,"queue_len":5000})
    );
    assert_eq!(batch_ids(&replies), (1..=5000).collect::<Vec<u64>>());
    let batches: Vec<&Value> = of_type(&replies, "batch").collect();
    assert_eq!(batches.len(), 8, "5000 messages in batches of at most 700");
    let last = batches.last().unwrap();
    assert_eq!(
        (&last["queue_len"], &last["removed_total"]),
        (&json!(0), &json!(5000))
    );
    // With the queue empty, drain mode parks: it says so, and runs no more rounds.
    let replies = page
        .until("the worker to park", |r| {
            r.last()
                .is_some_and(|l| l["type"] == "state" && l["activity"] == "waiting_for_messages")
        })
        .await;
    assert_eq!(of_type(&replies, "batch").count(), 8);
}

#[wasm_bindgen_test]
async fn early_messages_are_handled_in_order_before_later_ones() {
    let early = [
        JsValue::from_str(&config(1, "drain", 0, 10).to_string()),
        JsValue::from_str(&put(2, 1, &texts("early", 2)).to_string()),
    ];
    let page = Page::start(&early);
    page.post(&put(3, 3, &texts("late", 1)));
    let replies = page.until("3 messages", |r| batch_ids(r).len() >= 3).await;
    let answers: Vec<(&str, u64)> = replies
        .iter()
        .filter(|r| r.get("id").is_some())
        .map(|r| (r["type"].as_str().unwrap(), r["id"].as_u64().unwrap()))
        .collect();
    assert_eq!(answers, [("config", 1), ("ack", 2), ("ack", 3)]);
    assert_eq!(batch_ids(&replies), [1, 2, 3]);
}

#[wasm_bindgen_test]
async fn unicode_and_markup_cross_the_boundary_exactly() {
    let sent = [
        "<img src=x onerror=alert(1)>",
        "中文 😀 مرحبا \u{202e}rtl\u{202c}",
        "\u{0}\u{ffff}",
    ];
    let page = Page::start(&[]);
    page.post(&config(1, "drain", 0, 10));
    // The put as the page builds it: a JS object through JavaScript's own JSON.stringify.
    let obj = js_sys::Object::new();
    let arr: js_sys::Array = sent.iter().map(|t| JsValue::from_str(t)).collect();
    let times: js_sys::Array = sent.iter().map(|_| JsValue::from_f64(1.5)).collect();
    for (k, v) in [
        ("v", JsValue::from_f64(1.0)),
        ("type", JsValue::from_str("put")),
        ("first_id", JsValue::from_f64(1.0)),
        ("texts", arr.into()),
        ("put_at", times.into()),
    ] {
        js_sys::Reflect::set(&obj, &JsValue::from_str(k), &v).unwrap();
    }
    page.post_js(&js_sys::JSON::stringify(&obj).unwrap().into());
    let replies = page.until("the batch", |r| batch_ids(r).len() >= 3).await;
    let batch = of_type(&replies, "batch").next().unwrap();
    assert_eq!(batch["texts"], json!(sent));
}

#[wasm_bindgen_test]
async fn a_malformed_message_gets_an_error_reply_and_the_worker_keeps_serving() {
    let page = Page::start(&[]);
    page.post(&config(1, "drain", 0, 10));
    page.post_js(&JsValue::from_str("nonsense"));
    // A structured object is validated like text: here its version is wrong.
    let obj = js_sys::JSON::parse(r#"{"v":99,"id":4,"type":"reset"}"#).unwrap();
    page.post_js(&obj);
    // Nothing JSON can write.
    page.post_js(&JsValue::UNDEFINED);
    page.post(&json!({"v":1,"id":5,"type":"config","mode":"sideways","interval_ms":0,"work_ms":0,"max_batch":1}));
    page.post(&json!({"v":1,"id":6,"type":"put","first_id":1,"texts":["a"]}));
    page.post(&put(7, 1, &["still here".to_string()]));
    let replies = page.until("the batch", |r| !batch_ids(r).is_empty()).await;
    let errors: Vec<(Value, Value)> = of_type(&replies, "error")
        .map(|e| {
            (
                e.get("id").cloned().unwrap_or(Value::Null),
                e["error"].clone(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            (
                Value::Null,
                json!({"key":"not_json","line":1,"column":1,"problem":"expected_value","ended":false})
            ),
            (json!(4), json!({"key":"version","got":99,"supported":1})),
            (Value::Null, json!({"key":"not_text"})),
            (json!(5), json!({"key":"unknown_mode","got":"sideways"})),
            (json!(6), json!({"key":"missing","field":"put_at"})),
        ]
    );
    // Refused requests changed nothing: the settings stand, and the one good put is delivered.
    assert_eq!(of_type(&replies, "config").count(), 1);
    let ack = of_type(&replies, "ack").next().unwrap();
    assert_eq!((&ack["id"], &ack["received"]), (&json!(7), &json!(1)));
    let batch = of_type(&replies, "batch").next().unwrap();
    assert_eq!(batch["texts"], json!(["still here"]));
}

#[wasm_bindgen_test]
async fn page_work_blocks_the_worker_then_it_reads_what_waited() {
    let page = Page::start(&[]);
    page.post(&config(1, "drain", 0, 10));
    page.post(&json!({"v":1,"type":"work","ms":50}));
    // Posted while the worker is busy: it waits in the event loop, and is handled after.
    page.post(&put(2, 1, &["after".to_string()]));
    let replies = page.until("the batch", |r| !batch_ids(r).is_empty()).await;
    let kinds: Vec<String> = replies
        .iter()
        .map(|r| match r["type"].as_str().unwrap() {
            "state" => format!("state:{}", r["activity"].as_str().unwrap()),
            other => other.to_string(),
        })
        .collect();
    let working = kinds.iter().position(|k| k == "state:page_work").unwrap();
    let ack = kinds.iter().position(|k| k == "ack").unwrap();
    assert!(working < ack, "the put waited for the work: {kinds:?}");
    assert_eq!(replies[working]["state"], "working");
    assert_eq!(replies[working]["work_ms"], 50);
    // Back from the work, the worker says what it does next before it reads the put.
    assert_eq!(
        kinds[working + 1],
        "state:waiting_for_messages",
        "{kinds:?}"
    );
}

#[wasm_bindgen_test]
async fn snapshot_repeats_every_round_and_reset_restarts_the_sequence() {
    let page = Page::start(&[]);
    page.post(&config(1, "snapshot", 5, 10));
    page.post(&put(2, 1, &texts("s", 2)));
    let replies = page
        .until("three snapshot rounds with the messages", |r| {
            of_type(r, "batch")
                .filter(|b| b["ids"] == json!([1, 2]))
                .count()
                >= 3
        })
        .await;
    for b in of_type(&replies, "batch").filter(|b| b["ids"] == json!([1, 2])) {
        assert_eq!(
            (&b["mode"], &b["queue_len"], &b["removed_total"]),
            (&json!("snapshot"), &json!(2), &json!(0))
        );
    }
    page.post(&json!({"v":1,"id":3,"type":"reset"}));
    let before = replies.len();
    // A round may already be running when the reset is posted: its batch still has the old
    // messages. What counts is the first round after the worker answered the reset.
    let acked = |r: &[Value]| r.iter().position(|x| x["type"] == "ack" && x["id"] == 3);
    let replies = page
        .until("a round after the reset's answer", |r| {
            let r = &r[before..];
            acked(r).is_some_and(|i| of_type(&r[i..], "batch").next().is_some())
        })
        .await;
    let after = &replies[before..];
    let after_ack = &after[acked(after).unwrap_or(0)..];
    let answers: Vec<&Value> = after.iter().filter(|r| r.get("id").is_some()).collect();
    assert_eq!(answers[0]["type"], "config");
    assert_eq!(
        answers[1],
        &json!({"type":"ack","v":1,"id":3,"received":0,"queue_len":0})
    );
    // Snapshot rounds run on an empty queue too, as the reference loop does, from seq 1.
    let first = of_type(after_ack, "batch").next().unwrap();
    assert_eq!((&first["seq"], &first["ids"]), (&json!(1), &json!([])));
    // Drain mode on the empty queue parks the worker: no round runs after that.
    page.post(&config(4, "drain", 5, 10));
    page.until("the worker to park", |r| {
        r.last()
            .is_some_and(|l| l["type"] == "state" && l["activity"] == "waiting_for_messages")
    })
    .await;
}

#[wasm_bindgen_test]
async fn one_by_one_takes_one_message_a_round_without_waiting_the_interval() {
    let page = Page::start(&[]);
    // An interval of ten minutes: a get() loop goes on at once while messages remain.
    page.post(&config(1, "one-by-one", 600_000, 100));
    page.post(&put(2, 1, &texts("o", 300)));
    let replies = page
        .until("300 messages", |r| batch_ids(r).len() >= 300)
        .await;
    let sizes: Vec<usize> = of_type(&replies, "batch")
        .map(|b| b["ids"].as_array().unwrap().len())
        .collect();
    assert_eq!(sizes, vec![1; 300]);
    assert_eq!(batch_ids(&replies), (1..=300).collect::<Vec<u64>>());
}

/// The latest pong's report of the shell's wasm memory, after a fresh ping with this id.
async fn memory_after_ping(page: &Page, id: u64) -> u64 {
    page.post(&json!({"v":1,"id":id,"type":"ping"}));
    let replies = page
        .until("the pong", |r| {
            of_type(r, "pong").any(|p| p["id"] == json!(id))
        })
        .await;
    let pong = of_type(&replies, "pong")
        .find(|p| p["id"] == json!(id))
        .unwrap();
    pong["memory_bytes"]
        .as_u64()
        .expect("a pong carries the wasm memory size")
}

#[wasm_bindgen_test]
async fn a_full_queue_refuses_with_a_typed_reply_before_the_ack() {
    let page = Page::start(&[]);
    let ready = page.until("ready", |r| !r.is_empty()).await;
    assert_eq!(
        (&ready[0]["maxsize"], &ready[0]["max_bytes"]),
        (&json!(100_000), &json!(16_777_216)),
        "ready says the queue's bound"
    );
    // Snapshot with a ten-minute interval: nothing is removed while the test runs.
    page.post(&config(1, "snapshot", 600_000, 10));
    page.post(&json!({"v":1,"id":2,"type":"maxsize","maxsize":3}));
    page.post(&put(3, 1, &texts("f", 5)));
    page.post(&put(4, 6, &texts("g", 2)));
    let replies = page
        .until("both acks", |r| {
            of_type(r, "ack").any(|a| a["id"] == json!(4))
        })
        .await;
    let bound = of_type(&replies, "maxsize").next().unwrap();
    assert_eq!(
        bound,
        &json!({"type":"maxsize","v":1,"id":2,"maxsize":3,"max_bytes":16_777_216})
    );
    let answers: Vec<(&str, u64)> = replies
        .iter()
        .filter(|r| r["type"] == "full" || r["type"] == "ack")
        .map(|r| (r["type"].as_str().unwrap(), r["id"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        answers,
        [("full", 3), ("ack", 3), ("full", 4), ("ack", 4)],
        "each put's full comes before its ack"
    );
    let fulls: Vec<&Value> = of_type(&replies, "full").collect();
    assert_eq!(
        fulls[0],
        &json!({"type":"full","v":1,"id":3,"accepted":3,"refused":2,"first_refused":4,
            "bound":"maxsize","maxsize":3,"max_bytes":16_777_216,"queue_len":3,"queue_bytes":6})
    );
    assert_eq!(
        (
            &fulls[1]["accepted"],
            &fulls[1]["refused"],
            &fulls[1]["first_refused"]
        ),
        (&json!(0), &json!(2), &json!(6))
    );
    let last_ack = of_type(&replies, "ack").last().unwrap();
    assert_eq!(
        (&last_ack["received"], &last_ack["queue_len"]),
        (&json!(3), &json!(3))
    );
}

#[wasm_bindgen_test]
async fn a_post_over_the_cap_is_refused_unread_and_does_not_grow_the_memory() {
    let page = Page::start(&[]);
    // 8 MiB of text: four times the cap; copied into wasm memory it would take 24 MiB. Built
    // here first (this test shares the shell's wasm memory), so that the memory measured
    // before the posts already holds the test's own copies.
    let (post, units, obj) = {
        let text = "x".repeat(8 << 20);
        let post =
            json!({"v":1,"id":2,"type":"put","first_id":1,"texts":[text],"put_at":[0]}).to_string();
        let obj = js_sys::Object::new();
        js_sys::Reflect::set(&obj, &"v".into(), &JsValue::from_f64(1.0)).unwrap();
        js_sys::Reflect::set(&obj, &"pad".into(), &JsValue::from_str(&text)).unwrap();
        (JsValue::from_str(&post), post.len() as u64, obj)
    };
    let before = memory_after_ping(&page, 1).await;
    page.post_js(&post);
    // The same text as a structured object is checked the same way, after JSON.stringify.
    page.post_js(&obj);
    let replies = page
        .until("two refusals", |r| of_type(r, "error").count() == 2)
        .await;
    let errors: Vec<&Value> = of_type(&replies, "error").collect();
    assert_eq!(
        errors[0],
        &json!({"type":"error","v":1,"error":{"key":"post_too_large","units":units,"max_units":2_097_152},"request":""}),
        "no id: it was not read"
    );
    assert_eq!(errors[1]["error"]["key"], "post_too_large");
    let after = memory_after_ping(&page, 3).await;
    assert_eq!(after, before, "the refused posts never reached wasm memory");
    // And the worker keeps serving.
    page.post(&config(4, "drain", 0, 10));
    page.post(&put(5, 1, &["fine".to_string()]));
    let replies = page.until("the batch", |r| !batch_ids(r).is_empty()).await;
    assert_eq!(batch_ids(&replies), [1]);
}

#[wasm_bindgen_test]
fn this_is_a_dedicated_worker_with_a_clock() {
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().dyn_into().unwrap();
    let perf = web_sys::WorkerGlobalScope::performance(&scope).unwrap();
    // The worker's epoch clock, as the shell stamps batches, agrees with Date.now().
    assert!((perf.time_origin() + perf.now() - js_sys::Date::now()).abs() < 1000.0);
}
