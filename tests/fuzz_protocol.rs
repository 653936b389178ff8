#![cfg(not(target_arch = "wasm32"))]
//! The consumer worker's protocol decoder fuzzed: requests built from random fields (right,
//! wrong and unknown names; every kind of value, edge numbers, oversized texts) and mutations of
//! valid requests. Nothing panics; whatever decodes is within every bound; whatever is refused
//! gets an error reply that is JSON, names a key and stays small however large the request.
//! More cases: `FUZZ_CASES=200000 cargo test --test fuzz_protocol` (or `scripts/fuzz.sh`).

use queue_playground::json::ToJson;
use queue_playground::pipeline::protocol::{
    decode, Reply, MAX_ID, MAX_INTERVAL_MS, MAX_PUT, MAX_TEXT_BYTES, MAX_WORK_MS,
};
use queue_playground::pipeline::{Request, MAX_MAXSIZE};
use serde_json::{json, Value};

// The crate's one SplitMix64: the same cases on every run and every machine.
use queue_playground::rng::SplitMix64 as Rng;

fn cases(default: usize) -> usize {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

const NAMES: &[&str] = &[
    "v",
    "type",
    "id",
    "first_id",
    "texts",
    "put_at",
    "mode",
    "interval_ms",
    "work_ms",
    "max_batch",
    "ms",
    "maxsize",
    "extra",
    "",
];
const TYPES: &[&str] = &[
    "put", "config", "work", "reset", "maxsize", "ping", "PUT", "drain", "",
];
const MODES: &[&str] = &[
    "snapshot",
    "drain",
    "one_by_one",
    "one-by-one",
    "Snapshot",
    "x",
];

fn number(rng: &mut Rng) -> Value {
    let edges = [
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        MAX_ID as f64,
        MAX_ID as f64 + 2.0,
        MAX_WORK_MS,
        MAX_WORK_MS + 1.0,
        MAX_INTERVAL_MS,
        1e300,
        -1e300,
        4_294_967_295.0,
        4_294_967_296.0,
    ];
    let n = if rng.below(2) == 0 {
        edges[rng.below(edges.len())]
    } else {
        rng.below(1 << 20) as f64 / [1.0, 4.0, 1000.0][rng.below(3)]
    };
    json!(n)
}

fn any_value(rng: &mut Rng, name: &str) -> Value {
    match rng.below(9) {
        0 => Value::Null,
        1 => json!(rng.below(2) == 0),
        2 | 3 => number(rng),
        4 => json!(TYPES[rng.below(TYPES.len())]),
        5 => json!(MODES[rng.below(MODES.len())]),
        6 => json!({ name: 1 }),
        _ => {
            let n = [0, 1, 3][rng.below(3)];
            let item = |rng: &mut Rng| match rng.below(4) {
                0 => number(rng),
                1 => json!("x".repeat([0, 5, MAX_TEXT_BYTES, MAX_TEXT_BYTES + 1][rng.below(4)])),
                2 => json!("中文😀<img>"),
                _ => Value::Null,
            };
            Value::Array((0..n).map(|_| item(rng)).collect())
        }
    }
}

/// A request with random fields, most often close to a valid one.
fn request(rng: &mut Rng) -> Value {
    let mut m = serde_json::Map::new();
    if rng.below(8) != 0 {
        m.insert("v".into(), json!(1));
    }
    let kind = TYPES[rng.below(TYPES.len())];
    if rng.below(8) != 0 {
        m.insert("type".into(), json!(kind));
    }
    let n = rng.below(4);
    match kind {
        "put" if rng.below(2) == 0 => {
            m.insert("first_id".into(), json!(rng.below(1000)));
            m.insert("texts".into(), json!(vec!["a"; n]));
            m.insert("put_at".into(), json!(vec![1.5; n]));
        }
        "config" if rng.below(2) == 0 => {
            m.insert("mode".into(), json!(MODES[rng.below(MODES.len())]));
            m.insert("interval_ms".into(), number(rng));
            m.insert("work_ms".into(), number(rng));
            m.insert("max_batch".into(), number(rng));
        }
        _ => {}
    }
    for _ in 0..[0, 0, 1, 2][rng.below(4)] {
        let name = NAMES[rng.below(NAMES.len())];
        let value = any_value(rng, name);
        m.insert(name.into(), value);
    }
    Value::Object(m)
}

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut s: Vec<char> = text.chars().collect();
    for _ in 0..=rng.below(3) {
        let i = rng.below(s.len() + 1);
        match rng.below(3) {
            0 => s.truncate(i),
            1 => s.insert(i, ['{', '"', ',', ':', '1', 'e', '\\', ']'][rng.below(8)]),
            _ if i < s.len() => {
                s.remove(i);
            }
            _ => {}
        }
    }
    s.into_iter().collect()
}

#[test]
fn random_requests_decode_within_bounds_or_get_a_small_error_reply() {
    let mut rng = Rng::new(0x9107_0c01);
    let n = cases(3000);
    let (mut decoded, mut refused) = (0, 0);
    for i in 0..n {
        let mut text = request(&mut rng).to_string();
        if i % 3 == 0 {
            text = mutate(&mut rng, &text);
        }
        match decode(&text) {
            Ok(env) => {
                decoded += 1;
                assert!(env.id.is_none_or(|id| id <= MAX_ID), "{text}");
                match env.request {
                    Request::Put(p) => {
                        assert!(p.texts.len() <= MAX_PUT && p.texts.len() == p.put_at.len());
                        assert!(p.first_id + p.texts.len() as u64 <= MAX_ID);
                        assert!(p.texts.iter().all(|t| t.len() <= MAX_TEXT_BYTES), "{text}");
                    }
                    Request::Config(s) => {
                        assert!((0.0..=MAX_INTERVAL_MS).contains(&s.interval_ms), "{text}");
                        assert!((0.0..=MAX_WORK_MS).contains(&s.work_ms), "{text}");
                        assert!(s.max_batch >= 1, "{text}");
                    }
                    Request::Work { ms } => assert!((0.0..=MAX_WORK_MS).contains(&ms)),
                    Request::Maxsize { maxsize } => {
                        assert!((1..=MAX_MAXSIZE).contains(&maxsize), "{text}");
                    }
                    Request::Reset | Request::Ping => {}
                }
            }
            Err(r) => {
                refused += 1;
                let reply = Reply::refused(r, &text).to_json();
                let v: Value = serde_json::from_str(&reply).expect("an error reply is JSON");
                assert_eq!(v["type"], "error", "{reply}");
                assert!(v["error"]["key"].as_str().is_some_and(|k| !k.is_empty()));
                // The reply quotes a bounded prefix and bounded echoes, whatever came in.
                assert!(
                    reply.len() < 2048,
                    "{} bytes for {} in",
                    reply.len(),
                    text.len()
                );
            }
        }
    }
    assert!(decoded > n / 20 && refused > n / 4, "{decoded} {refused}");
}
