//! Tests shared by the page-thread and the worker-thread browser suites: the same core must
//! behave the same on both threads.

use gloo_timers::future::TimeoutFuture;
use queue_playground::consumer::{Mode, Pipeline, Settings};
use queue_playground::protocol::Reply;
use queue_playground::web::busy_work;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

/// The put request built by JavaScript's own JSON.stringify, as the page builds it.
fn js_put(first_id: u64, texts: &[&str]) -> String {
    let arr = js_sys::Array::new();
    for t in texts {
        arr.push(&JsValue::from_str(t));
    }
    let times = js_sys::Array::new();
    for _ in texts {
        times.push(&JsValue::from_f64(js_sys::Date::now()));
    }
    let obj = js_sys::Object::new();
    for (k, v) in [
        ("v", JsValue::from_f64(1.0)),
        ("type", JsValue::from_str("put")),
        ("first_id", JsValue::from_f64(first_id as f64)),
        ("texts", arr.into()),
        ("put_at", times.into()),
    ] {
        js_sys::Reflect::set(&obj, &JsValue::from_str(k), &v).unwrap();
    }
    js_sys::JSON::stringify(&obj).unwrap().as_string().unwrap()
}

#[wasm_bindgen_test]
fn unicode_and_markup_cross_the_boundary_exactly() {
    let texts = [
        "<img src=x onerror=alert(1)>",
        "中文 😀 مرحبا \u{202e}rtl\u{202c}",
        "\u{0}\u{ffff}",
    ];
    let mut p = Pipeline::new(Settings {
        mode: Mode::Drain,
        interval_ms: 0.0,
        work_ms: 0.0,
        max_batch: 10,
    });
    p.handle(&js_put(1, &texts));
    let r = p.take_round(0.0).unwrap();
    let batch = p.finish_round(r, 0.0);
    let json = Reply::Batch { v: 1, batch }.to_json();
    // Back through JavaScript's JSON.parse, as the page reads it.
    let parsed = js_sys::JSON::parse(&json).unwrap();
    let got = js_sys::Reflect::get(&parsed, &JsValue::from_str("texts")).unwrap();
    let got: Vec<String> = js_sys::Array::from(&got)
        .iter()
        .map(|v| v.as_string().unwrap())
        .collect();
    assert_eq!(got, texts);
}

#[wasm_bindgen_test]
async fn timer_driven_rounds_deliver_every_message_once() {
    let mut p = Pipeline::new(Settings {
        mode: Mode::Drain,
        interval_ms: 5.0,
        work_ms: 0.0,
        max_batch: 700,
    });
    let texts: Vec<String> = (1..=5000).map(|i| format!("m{i}")).collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    p.handle(&js_put(1, &refs));
    let mut ids = Vec::new();
    let mut rounds = 0;
    while let Some(wait) = p.due_in(js_sys::Date::now()) {
        TimeoutFuture::new(wait.ceil() as u32).await;
        if let Some(r) = p.take_round(js_sys::Date::now()) {
            ids.extend(p.finish_round(r, js_sys::Date::now()).ids);
            rounds += 1;
        }
    }
    assert_eq!(ids, (1..=5000).collect::<Vec<u64>>());
    assert_eq!(rounds, 8, "5000 messages in batches of at most 700");
}

#[wasm_bindgen_test]
fn busy_work_blocks_the_calling_thread_for_the_time_asked() {
    let start = js_sys::Date::now();
    let iterations = busy_work(30.0);
    assert!(js_sys::Date::now() - start >= 30.0);
    assert!(iterations > 0.0);
}
