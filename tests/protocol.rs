#![cfg(not(target_arch = "wasm32"))]
//! The page/worker protocol: every malformed request is refused with a message naming what was
//! wrong, and every valid one decodes to exactly what was sent.

use queue_playground::consumer::{Mode, Settings};
use queue_playground::protocol::{decode_request, Batch, Message, Reply, Request, MAX_TEXT_BYTES};

fn err(json: &str) -> String {
    decode_request(json).expect_err(json).to_string()
}

#[test]
fn put_decodes_consecutive_ids_and_exact_text() {
    let texts = [
        "<img src=x onerror=alert(1)>",
        "中文 😀 שלום",
        "",
        "a\"b\\c\n",
    ];
    let json = serde_json::json!({"v":1,"type":"put","first_id":41,"texts":texts,"put_at":[1.0,2.0,3.5,4.0]});
    let Request::Put(put) = decode_request(&json.to_string()).unwrap() else {
        panic!("not a put")
    };
    let msgs: Vec<Message> = put.into_messages().collect();
    assert_eq!(
        msgs.iter().map(|m| m.id).collect::<Vec<_>>(),
        [41, 42, 43, 44]
    );
    assert_eq!(
        msgs.iter().map(|m| m.text.as_str()).collect::<Vec<_>>(),
        texts
    );
    assert_eq!(msgs[2].put_at, 3.5);
}

#[test]
fn config_work_and_reset_decode() {
    let req = decode_request(
        r#"{"v":1,"type":"config","mode":"one-by-one","interval_ms":0,"work_ms":5000,"max_batch":4294967295}"#,
    )
    .unwrap();
    assert_eq!(
        req,
        Request::Config(Settings {
            mode: Mode::OneByOne,
            interval_ms: 0.0,
            work_ms: 5000.0,
            max_batch: 4294967295
        })
    );
    assert_eq!(
        decode_request(r#"{"v":1,"type":"work","ms":250}"#).unwrap(),
        Request::Work { ms: 250.0 }
    );
    assert_eq!(
        decode_request(r#"{"type":"reset","v":1}"#).unwrap(),
        Request::Reset
    );
}

#[test]
fn malformed_requests_name_what_was_wrong() {
    assert!(err("").contains("not a JSON object"));
    let e = err("{\"v\":1,\n \"type\": }");
    assert!(e.contains("expected a value at line 2 column 10"), "{e}");
    assert!(
        err(r#"{"v":1,"type":"put","first_id":1.5,"texts":[],"put_at":[]}"#)
            .contains("whole number")
    );
    assert!(
        err(r#"{"v":1,"type":"put","first_id":1,"texts":"abc","put_at":[]}"#)
            .contains("`texts` must be an array, got a string")
    );
    assert!(
        err(r#"{"v":1,"type":"put","first_id":1,"texts":["a"],"put_at":["now"]}"#)
            .contains("`put_at[0]` must be a number")
    );
    assert!(err("nonsense").contains("not a JSON object"));
    assert!(err("42").contains("not a JSON object"));
    assert!(err("[1,2]").contains("not a JSON object"));
    assert!(err(r#"{"type":"reset"}"#).contains("missing field `v`"));
    assert!(err(r#"{"v":2,"type":"reset"}"#).contains("unsupported protocol version 2"));
    assert!(err(r#"{"v":"1","type":"reset"}"#).contains("unsupported protocol version"));
    assert!(err(r#"{"v":1}"#).contains("missing field `type`"));
    assert!(err(r#"{"v":1,"type":7}"#).contains("`type` must be a string"));
    assert!(err(r#"{"v":1,"type":"explode"}"#).contains("unknown type `explode`"));
    assert!(err(r#"{"v":1,"type":"put","first_id":1,"texts":["a"]}"#).contains("put_at"));
    assert!(
        err(r#"{"v":1,"type":"put","first_id":1,"texts":["a"],"put_at":[1,2]}"#)
            .contains("`texts` has 1 items but `put_at` has 2")
    );
    assert!(
        err(r#"{"v":1,"type":"put","first_id":-1,"texts":[],"put_at":[]}"#)
            .contains("`first_id` must be a whole number")
    );
    assert!(
        err(r#"{"v":1,"type":"put","first_id":1,"texts":[5],"put_at":[1]}"#)
            .contains("`texts[0]` must be a string, got a number")
    );
    assert!(
        err(r#"{"v":1,"type":"put","first_id":1,"texts":[],"put_at":[],"extra":1}"#)
            .contains("unknown field `extra` in a `put` request")
    );
    assert!(
        err(r#"{"v":1,"type":"put","first_id":9007199254740992,"texts":["a"],"put_at":[1]}"#)
            .contains("too large")
    );
    assert!(err(
        r#"{"v":1,"type":"config","mode":"sideways","interval_ms":0,"work_ms":0,"max_batch":1}"#
    )
    .contains("unknown mode `sideways`"));
    assert!(err(
        r#"{"v":1,"type":"config","mode":"drain","interval_ms":-1,"work_ms":0,"max_batch":1}"#
    )
    .contains("`interval_ms` must be between"));
    assert!(err(
        r#"{"v":1,"type":"config","mode":"drain","interval_ms":0,"work_ms":1e9,"max_batch":1}"#
    )
    .contains("`work_ms` must be between"));
    assert!(err(
        r#"{"v":1,"type":"config","mode":"drain","interval_ms":0,"work_ms":0,"max_batch":0}"#
    )
    .contains("`max_batch` must be at least 1"));
    assert!(err(r#"{"v":1,"type":"work","ms":-5}"#).contains("`ms` must be between"));
    let long = "x".repeat(MAX_TEXT_BYTES + 1);
    let json =
        serde_json::json!({"v":1,"type":"put","first_id":1,"texts":["ok", long],"put_at":[1,1]});
    assert!(err(&json.to_string()).contains("`texts[1]` is longer than"));
}

#[test]
fn replies_encode_as_tagged_json() {
    let mut batch = Batch::from_messages(
        3,
        Mode::Drain,
        vec![Message {
            id: 9,
            text: "中文 <b>".into(),
            put_at: 1.25,
        }],
    );
    batch.queue_len = 2;
    let json: serde_json::Value =
        serde_json::from_str(&Reply::Batch { v: 1, batch }.to_json()).unwrap();
    assert_eq!(json["type"], "batch");
    assert_eq!(json["seq"], 3);
    assert_eq!(json["mode"], "drain");
    assert_eq!(json["ids"], serde_json::json!([9]));
    assert_eq!(json["texts"], serde_json::json!(["中文 <b>"]));
    assert_eq!(json["queue_len"], 2);
    let ready: serde_json::Value = serde_json::from_str(
        &Reply::Ready {
            v: 1,
            settings: Settings::REFERENCE,
        }
        .to_json(),
    )
    .unwrap();
    assert_eq!(ready["settings"]["mode"], "snapshot");
    assert_eq!(ready["settings"]["max_batch"], 4294967295u64);
}

#[test]
fn error_reply_quotes_a_bounded_prefix_of_the_request() {
    let request = "y".repeat(10_000);
    let e = decode_request(&request).unwrap_err();
    let Reply::Error {
        error,
        request: quoted,
        ..
    } = Reply::error(&e, &request)
    else {
        panic!()
    };
    assert!(error.contains("not a JSON object"));
    assert_eq!(quoted.chars().count(), 200);
}
