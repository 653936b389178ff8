#![cfg(not(target_arch = "wasm32"))]
//! The page/worker protocol: every malformed request is refused with a typed error saying what
//! was wrong and where, every valid one decodes to exactly what was sent, and the replies carry
//! the id of the request they answer.

use queue_playground::json::{Kind, Problem, ToJson};
use queue_playground::pipeline::protocol::{
    check_post_len, decode, decode_request, Field, ProtocolError, Refused, Reply, MAX_ID,
    MAX_INTERVAL_MS, MAX_MAXSIZE, MAX_POST_UNITS, MAX_PUT, MAX_TEXT_BYTES, MAX_WORK_MS,
};
use queue_playground::pipeline::{
    Answer, Batch, Bound, Full, Message, Mode, Request, Settings, MAX_QUEUE_BYTES,
};

fn err(json: &str) -> ProtocolError {
    decode_request(json).expect_err(json)
}

fn reply_json(reply: &Reply) -> serde_json::Value {
    serde_json::from_str(&reply.to_json()).expect("a reply is JSON")
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
    assert_eq!(
        decode_request(r#"{"v":1,"id":3,"type":"ping"}"#).unwrap(),
        Request::Ping
    );
    assert_eq!(
        decode_request(r#"{"v":1,"type":"maxsize","maxsize":50}"#).unwrap(),
        Request::Maxsize { maxsize: 50 }
    );
}

#[test]
fn a_request_id_is_read_first_and_kept_on_refusal() {
    let ok = decode(r#"{"v":1,"id":9007199254740992,"type":"reset"}"#).unwrap();
    assert_eq!((ok.id, ok.request), (Some(MAX_ID), Request::Reset));
    assert_eq!(decode(r#"{"v":1,"type":"reset"}"#).unwrap().id, None);
    // Refused after the id was read: the refusal carries it, so the page can match it.
    assert_eq!(
        decode(r#"{"v":2,"id":12,"type":"reset"}"#),
        Err(Refused {
            id: Some(12),
            error: ProtocolError::Version { got: 2.0 }
        })
    );
    // A bad id is itself the error, and there is no id to echo.
    assert_eq!(
        decode(r#"{"v":1,"id":"12","type":"reset"}"#),
        Err(Refused {
            id: None,
            error: ProtocolError::WrongType {
                field: Field::named("id"),
                expected: Kind::Number,
                got: Kind::String
            }
        })
    );
    assert_eq!(
        decode(r#"{"v":1,"id":1.5,"type":"reset"}"#)
            .unwrap_err()
            .error,
        ProtocolError::NotWhole {
            field: "id",
            got: 1.5
        }
    );
}

#[test]
fn malformed_requests_say_what_was_wrong_and_where() {
    use ProtocolError::*;
    let range = |field, min, max, got| OutOfRange {
        field,
        min,
        max,
        got,
    };
    let wrong = |field, expected, got| WrongType {
        field,
        expected,
        got,
    };
    let cases: Vec<(&str, ProtocolError)> = vec![
        (r#"{"type":"reset"}"#, Missing { field: "v" }),
        (r#"{"v":2,"type":"reset"}"#, Version { got: 2.0 }),
        (
            r#"{"v":"1","type":"reset"}"#,
            wrong(Field::named("v"), Kind::Number, Kind::String),
        ),
        (r#"{"v":1}"#, Missing { field: "type" }),
        (
            r#"{"v":1,"type":7}"#,
            wrong(Field::named("type"), Kind::String, Kind::Number),
        ),
        (
            r#"{"v":1,"type":"explode"}"#,
            UnknownType {
                got: "explode".into(),
            },
        ),
        (
            r#"{"v":1,"type":"put","first_id":1.5,"texts":[],"put_at":[]}"#,
            NotWhole {
                field: "first_id",
                got: 1.5,
            },
        ),
        (
            r#"{"v":1,"type":"put","first_id":-1,"texts":[],"put_at":[]}"#,
            range("first_id", 0.0, MAX_ID as f64, -1.0),
        ),
        (
            r#"{"v":1,"type":"put","first_id":1,"texts":"abc","put_at":[]}"#,
            wrong(Field::named("texts"), Kind::Array, Kind::String),
        ),
        (
            r#"{"v":1,"type":"put","first_id":1,"texts":["a"],"put_at":["now"]}"#,
            wrong(Field::item("put_at", 0), Kind::Number, Kind::String),
        ),
        (
            r#"{"v":1,"type":"put","first_id":1,"texts":["a",5],"put_at":[1,1]}"#,
            wrong(Field::item("texts", 1), Kind::String, Kind::Number),
        ),
        (
            r#"{"v":1,"type":"put","first_id":1,"texts":["a"]}"#,
            Missing { field: "put_at" },
        ),
        (
            r#"{"v":1,"type":"put","first_id":1,"texts":["a"],"put_at":[1,2]}"#,
            LengthMismatch {
                texts: 1,
                put_at: 2,
            },
        ),
        (
            r#"{"v":1,"type":"put","first_id":1,"texts":[],"put_at":[],"extra":1}"#,
            UnknownField {
                field: "extra".into(),
                request: "put",
            },
        ),
        (
            r#"{"v":1,"type":"put","first_id":9007199254740992,"texts":["a"],"put_at":[1]}"#,
            IdsTooLarge {
                first_id: MAX_ID,
                count: 1,
            },
        ),
        (
            r#"{"v":1,"type":"config","mode":"sideways","interval_ms":0,"work_ms":0,"max_batch":1}"#,
            UnknownMode {
                got: "sideways".into(),
            },
        ),
        (
            r#"{"v":1,"type":"config","mode":"drain","interval_ms":-1,"work_ms":0,"max_batch":1}"#,
            range("interval_ms", 0.0, MAX_INTERVAL_MS, -1.0),
        ),
        (
            r#"{"v":1,"type":"config","mode":"drain","interval_ms":0,"work_ms":1e9,"max_batch":1}"#,
            range("work_ms", 0.0, MAX_WORK_MS, 1e9),
        ),
        (
            r#"{"v":1,"type":"config","mode":"drain","interval_ms":0,"work_ms":0,"max_batch":0}"#,
            range("max_batch", 1.0, u32::MAX as f64, 0.0),
        ),
        (
            r#"{"v":1,"type":"work","ms":-5}"#,
            range("ms", 0.0, MAX_WORK_MS, -5.0),
        ),
        // The queue is always bounded: 0 (Python's "unbounded") is out of range.
        (
            r#"{"v":1,"type":"maxsize","maxsize":0}"#,
            range("maxsize", 1.0, MAX_MAXSIZE as f64, 0.0),
        ),
        (
            r#"{"v":1,"type":"maxsize","maxsize":250001}"#,
            range("maxsize", 1.0, MAX_MAXSIZE as f64, 250_001.0),
        ),
        (r#"{"v":1,"type":"maxsize"}"#, Missing { field: "maxsize" }),
        (
            r#"{"v":1,"type":"ping","extra":1}"#,
            UnknownField {
                field: "extra".into(),
                request: "ping",
            },
        ),
        (
            r#"{"v":1,"type":"work","ms":5,"type":"reset","ms":1}"#,
            UnknownField {
                field: "ms".into(),
                request: "reset",
            },
        ),
        ("42", NotAnObject { got: Kind::Number }),
        ("[1,2]", NotAnObject { got: Kind::Array }),
    ];
    for (json, expected) in cases {
        assert_eq!(err(json), expected, "{json}");
    }
    let long = "x".repeat(MAX_TEXT_BYTES + 1);
    let json =
        serde_json::json!({"v":1,"type":"put","first_id":1,"texts":["ok", long],"put_at":[1,1]});
    assert_eq!(
        err(&json.to_string()),
        TextTooLong {
            index: 1,
            bytes: MAX_TEXT_BYTES + 1,
            max_bytes: MAX_TEXT_BYTES
        }
    );
    let many = format!(
        r#"{{"v":1,"type":"put","first_id":1,"texts":[{}],"put_at":[{}]}}"#,
        vec!["\"\""; MAX_PUT + 1].join(","),
        vec!["0"; MAX_PUT + 1].join(",")
    );
    assert_eq!(
        err(&many),
        TooMany {
            max: MAX_PUT,
            got: MAX_PUT + 1
        }
    );
}

#[test]
fn text_that_is_not_json_says_where() {
    let ProtocolError::NotJson(e) = err("{\"v\":1,\n \"type\": }") else {
        panic!("not a parse error")
    };
    assert_eq!(
        (e.line, e.column, e.problem, e.ended),
        (2, 10, Problem::ExpectedValue, false)
    );
    for text in ["", "nonsense"] {
        assert!(matches!(err(text), ProtocolError::NotJson(_)), "{text:?}");
    }
}

#[test]
fn an_unknown_name_is_echoed_clipped_so_the_reply_stays_small() {
    let json = format!(r#"{{"v":1,"type":"{}"}}"#, "t".repeat(10_000));
    let ProtocolError::UnknownType { got } = err(&json) else {
        panic!()
    };
    assert_eq!(got, "t".repeat(64));
}

#[test]
fn the_english_rendering_names_the_field_and_the_values() {
    // Display is the one English rendering (logs, native tools); tests elsewhere compare values.
    let cases = [
        (
            r#"{"v":1,"type":"put","first_id":1,"texts":"abc","put_at":[]}"#,
            "`texts` must be an array, got a string",
        ),
        (
            r#"{"v":1,"type":"put","first_id":1,"texts":["a"],"put_at":["now"]}"#,
            "`put_at[0]` must be a number, got a string",
        ),
        (
            r#"{"v":2,"type":"reset"}"#,
            "unsupported protocol version 2; this worker speaks v1",
        ),
        (
            r#"{"v":1,"type":"work","ms":-5}"#,
            "`ms` must be from 0 to 60000, got -5",
        ),
        (
            "{\"v\":1,\n \"type\": }",
            "not JSON: expected a value at line 2 column 10 (expected {\"v\":1,\"type\":...})",
        ),
    ];
    for (json, english) in cases {
        assert_eq!(err(json).to_string(), english);
    }
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
    let json = reply_json(&Reply::Batch { batch });
    assert_eq!(json["type"], "batch");
    assert_eq!(json["v"], 1);
    assert_eq!(json["seq"], 3);
    assert_eq!(json["mode"], "drain");
    assert_eq!(json["ids"], serde_json::json!([9]));
    assert_eq!(json["texts"], serde_json::json!(["中文 <b>"]));
    assert_eq!(json["put_at"], serde_json::json!([1.25]));
    assert_eq!(json["queue_len"], 2);
    assert_eq!(json.get("id"), None, "a batch answers no request");
    let ready = reply_json(&Reply::Ready {
        settings: Settings::REFERENCE,
        maxsize: 100_000,
        max_bytes: MAX_QUEUE_BYTES,
    });
    assert_eq!(ready["settings"]["mode"], "snapshot");
    assert_eq!(ready["settings"]["max_batch"], 4294967295u64);
    assert_eq!(
        (&ready["maxsize"], &ready["max_bytes"]),
        (&serde_json::json!(100_000), &serde_json::json!(16_777_216))
    );
}

#[test]
fn a_full_queue_a_bound_and_a_pong_are_typed_replies_with_the_id() {
    let full = Full {
        accepted: 2,
        refused: 3,
        first_refused: 12,
        bound: Bound::Maxsize,
        maxsize: 5,
        max_bytes: MAX_QUEUE_BYTES,
        queue_len: 5,
        queue_bytes: 9,
    };
    assert_eq!(
        reply_json(&Reply::answer(Some(7), Answer::Full(full))),
        serde_json::json!({
            "type": "full", "v": 1, "id": 7, "accepted": 2, "refused": 3, "first_refused": 12,
            "bound": "maxsize", "maxsize": 5, "max_bytes": 16_777_216, "queue_len": 5, "queue_bytes": 9,
        })
    );
    assert_eq!(
        reply_json(&Reply::answer(
            Some(8),
            Answer::Maxsize {
                maxsize: 50,
                max_bytes: 1
            }
        )),
        serde_json::json!({"type":"maxsize","v":1,"id":8,"maxsize":50,"max_bytes":1})
    );
    assert_eq!(
        reply_json(&Reply::Pong {
            id: Some(9),
            memory_bytes: Some(1_114_112)
        }),
        serde_json::json!({"type":"pong","v":1,"id":9,"memory_bytes":1_114_112})
    );
    assert_eq!(
        reply_json(&Reply::answer(Some(9), Answer::Pong)),
        serde_json::json!({"type":"pong","v":1,"id":9}),
        "natively there is no wasm memory to report"
    );
}

#[test]
fn a_post_longer_than_the_cap_is_refused_unread_and_without_an_id() {
    assert_eq!(check_post_len(0), Ok(()));
    assert_eq!(check_post_len(MAX_POST_UNITS), Ok(()));
    let refused = check_post_len(50 << 20).unwrap_err();
    assert_eq!(
        refused,
        Refused {
            id: None,
            error: ProtocolError::PostTooLarge {
                units: 50 << 20,
                max_units: MAX_POST_UNITS
            }
        }
    );
    assert_eq!(
        reply_json(&Reply::refused(refused.clone(), ""))["error"],
        serde_json::json!({"key":"post_too_large","units":52_428_800,"max_units":2_097_152})
    );
    assert_eq!(
        refused.error.to_string(),
        "the message is 52428800 characters long, longer than 2097152: refused unread"
    );
    // The cap leaves room for a put of the most messages the protocol accepts.
    let most_short = format!(
        r#"{{"v":1,"id":1,"type":"put","first_id":1,"texts":[{}],"put_at":[{}]}}"#,
        vec!["\"\""; MAX_PUT].join(","),
        vec!["0"; MAX_PUT].join(",")
    );
    assert!(most_short.len() <= MAX_POST_UNITS);
    assert!(
        decode(&most_short).is_ok(),
        "MAX_PUT messages can be sent in one post"
    );
}

#[test]
fn answers_carry_the_id_of_their_request() {
    let ack = reply_json(&Reply::answer(
        Some(41),
        Answer::Ack {
            received: 3,
            queue_len: 2,
        },
    ));
    assert_eq!(
        ack,
        serde_json::json!({"type":"ack","v":1,"id":41,"received":3,"queue_len":2})
    );
    let config = reply_json(&Reply::answer(None, Answer::Config(Settings::default())));
    assert_eq!(config["type"], "config");
    assert_eq!(config.get("id"), None, "no id asked, none echoed");
}

#[test]
fn an_error_reply_carries_the_key_the_fields_and_the_id() {
    let request = r#"{"v":1,"id":8,"type":"config","mode":"sideways","interval_ms":0,"work_ms":0,"max_batch":1}"#;
    let reply = reply_json(&Reply::refused(decode(request).unwrap_err(), request));
    assert_eq!(
        reply,
        serde_json::json!({
            "type": "error", "v": 1, "id": 8,
            "error": {"key": "unknown_mode", "got": "sideways"},
            "request": request,
        })
    );
    let text = "[1,\n x]";
    let reply = reply_json(&Reply::refused(decode(text).unwrap_err(), text));
    assert_eq!(
        reply["error"],
        serde_json::json!({"key":"not_json","line":2,"column":2,"problem":"expected_value","ended":false})
    );
    let text = r#"{"v":1,"type":"put","first_id":1,"texts":["a",7],"put_at":[1,1]}"#;
    let reply = reply_json(&Reply::refused(decode(text).unwrap_err(), text));
    assert_eq!(
        reply["error"],
        serde_json::json!({"key":"wrong_type","field":"texts[1]","expected":"string","got":"number"})
    );
}

#[test]
fn error_reply_quotes_a_bounded_prefix_of_the_request() {
    let request = "y".repeat(10_000);
    let Reply::Error {
        request: quoted,
        id,
        ..
    } = Reply::refused(decode(&request).unwrap_err(), &request)
    else {
        panic!()
    };
    assert_eq!(id, None);
    assert_eq!(quoted.chars().count(), 200);
}
