#![cfg(not(target_arch = "wasm32"))]
//! The JSON reader (`src/json.rs`) fuzzed against serde_json as the oracle: random documents
//! (every kind of value, escapes, surrogate pairs, repeated keys, nesting up to the cap and past
//! it) and mutations of them must read to the same values, or be refused by both, and never
//! panic. Our writer's output of whatever we read must read back the same. More cases:
//! `FUZZ_CASES=200000 cargo test --test fuzz_json` (or `scripts/fuzz.sh`).

use queue_playground::json::{self, parse, Problem, Value, MAX_DEPTH};
use serde_json::Value as Oracle;

// The crate's one SplitMix64: the same cases on every run and every machine.
use queue_playground::rng::SplitMix64 as Rng;

fn cases(default: usize) -> usize {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

const PIECES: &[&str] = &[
    "a", "key", "\"", "\\", "/", "\n", "\t", "\u{1}", "\u{1f}", "中文", "😀", "\u{202e}", "é",
    "\u{7f}", "\u{fffd}", " ",
];

fn text(rng: &mut Rng) -> String {
    (0..rng.below(8))
        .map(|_| PIECES[rng.below(PIECES.len())])
        .collect()
}

fn number(rng: &mut Rng) -> f64 {
    match rng.below(6) {
        0 => rng.below(1 << 20) as f64,
        1 => -((rng.next_u64() >> 11) as f64),
        2 => (rng.next_u64() >> 11) as f64 / 1024.0,
        3 => f64::from_bits(rng.next_u64() >> 2).min(1e300),
        4 => -0.0,
        _ => (rng.below(2000) as f64 - 1000.0) * 10f64.powi(rng.below(600) as i32 - 300),
    }
}

/// A random document, `depth` levels deep at most: one branch goes deep, the others stay
/// shallow, so that its size grows with its depth and not exponentially.
fn document(rng: &mut Rng, depth: usize) -> Oracle {
    let leaf = depth == 0 || rng.below(8) == 0;
    match if leaf { rng.below(4) } else { 4 + rng.below(2) } {
        0 => Oracle::Null,
        1 => Oracle::Bool(rng.below(2) == 0),
        2 => serde_json::Number::from_f64(number(rng)).map_or(Oracle::Null, Oracle::Number),
        3 => Oracle::String(text(rng)),
        4 => {
            let n = rng.below(5);
            let deep = rng.below(n.max(1));
            let items = (0..n).map(|i| {
                document(
                    rng,
                    if i == deep {
                        depth - 1
                    } else {
                        depth.min(2) - 1
                    },
                )
            });
            Oracle::Array(items.collect())
        }
        _ => {
            let n = rng.below(5);
            let deep = rng.below(n.max(1));
            let mut members = serde_json::Map::new();
            for i in 0..n {
                let d = if i == deep {
                    depth - 1
                } else {
                    depth.min(2) - 1
                };
                members.insert(text(rng), document(rng, d));
            }
            Oracle::Object(members)
        }
    }
}

/// Our value as serde_json's, for comparison (numbers compared separately, as doubles).
fn same(ours: &Value, oracle: &Oracle) -> bool {
    match (ours, oracle) {
        (Value::Null, Oracle::Null) => true,
        (Value::Bool(a), Oracle::Bool(b)) => a == b,
        (Value::Number(a), Oracle::Number(b)) => {
            let b = b.as_f64().unwrap_or(f64::NAN);
            a == &b || ((a - b) / b).abs() < 1e-14
        }
        (Value::String(a), Oracle::String(b)) => a == b,
        (Value::Array(a), Oracle::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
        }
        (Value::Object(_), Oracle::Object(b)) => {
            // Repeated keys: the last one wins in both; compare what `get` sees.
            b.iter()
                .all(|(k, v)| ours.get(k).is_some_and(|o| same(o, v)))
                && distinct_keys(ours) == b.len()
        }
        _ => false,
    }
}

fn distinct_keys(v: &Value) -> usize {
    let Value::Object(members) = v else { return 0 };
    let mut keys: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    keys.len()
}

fn depth_of(v: &Oracle) -> usize {
    match v {
        Oracle::Array(items) => 1 + items.iter().map(depth_of).max().unwrap_or(0),
        Oracle::Object(m) => 1 + m.values().map(depth_of).max().unwrap_or(0),
        _ => 0,
    }
}

/// Cuts, splices and flips at seeded places.
fn mutate(rng: &mut Rng, doc: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"{}[]\",:\\0123456789.eE+-tfnul \n\xff\xe4";
    let mut bytes = doc.as_bytes().to_vec();
    for _ in 0..=rng.below(3) {
        let i = rng.below(bytes.len() + 1);
        match rng.below(4) {
            0 => bytes.truncate(i),
            1 => bytes.insert(i, ALPHABET[rng.below(ALPHABET.len())]),
            2 if i < bytes.len() => {
                bytes.remove(i);
            }
            _ => {
                // Duplicate a span: repeated keys, longer arrays, deeper nesting.
                let end = (i + rng.below(20)).min(bytes.len());
                let span = bytes[i..end].to_vec();
                bytes.splice(end..end, span);
            }
        }
    }
    bytes
}

#[test]
fn random_documents_read_as_serde_json_reads_them() {
    let mut rng = Rng::new(0x15_0a);
    let n = cases(3000);
    let mut compared = 0;
    for i in 0..n {
        let depth = 1 + rng.below(MAX_DEPTH + 8);
        let doc = document(&mut rng, depth);
        let text = if i % 2 == 0 {
            serde_json::to_string(&doc).unwrap()
        } else {
            serde_json::to_string_pretty(&doc).unwrap()
        };
        match parse(&text) {
            Ok(v) => {
                assert!(same(&v, &doc), "{text}");
                compared += 1;
            }
            Err(e) => {
                assert_eq!(e.problem, Problem::TooDeep, "{text}");
                assert!(depth_of(&doc) > MAX_DEPTH);
            }
        }
    }
    assert!(compared > n / 2);
}

#[test]
fn mutated_documents_agree_with_serde_json_and_never_panic() {
    let mut rng = Rng::new(0xbad_5eed);
    let n = cases(6000);
    let (mut agreed_ok, mut agreed_err) = (0, 0);
    for _ in 0..n {
        let depth = 1 + rng.below(6);
        let doc = document(&mut rng, depth);
        let bytes = mutate(&mut rng, &serde_json::to_string(&doc).unwrap());
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        let ours = parse(&text);
        let oracle = serde_json::from_str::<Oracle>(&text);
        match (&ours, &oracle) {
            (Ok(v), Ok(o)) => {
                assert!(same(v, o), "{text}");
                // What we read, we write, and read back the same (numbers to 1e-14: the reader
                // is exact on the protocol's numbers only, see tests/json.rs).
                let mut out = String::new();
                write_value(&mut out, v);
                let back = parse(&out).expect("our own output reads");
                assert!(same(&back, o), "{text} -> {out}");
                agreed_ok += 1;
            }
            (Err(e), Ok(o)) => {
                // Only two refusals are ours alone: nesting past our cap, and numbers past
                // f64's range that serde_json reads and we refuse (or the other way round).
                let deep = e.problem == Problem::TooDeep && depth_of(o) > MAX_DEPTH;
                assert!(deep, "{text:?}: ours {e}, serde_json {o}");
            }
            (Ok(v), Err(e)) => {
                // serde_json refuses numbers out of f64's range; we read them as infinite.
                assert!(
                    e.to_string().contains("out of range"),
                    "{text:?}: {v:?} vs {e}"
                );
            }
            (Err(_), Err(_)) => agreed_err += 1,
        }
    }
    assert!(
        agreed_ok > n / 10 && agreed_err > n / 10,
        "{agreed_ok} {agreed_err}"
    );
}

fn write_value(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&format!("{n:e}")),
        Value::String(s) => json::write_str(out, s),
        Value::Array(items) => json::write_array(out, items, write_value),
        Value::Object(members) => {
            out.push('{');
            for (i, (k, v)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json::write_str(out, k);
                out.push(':');
                write_value(out, v);
            }
            out.push('}');
        }
    }
}

#[test]
fn hostile_sizes_are_read_in_linear_time_or_refused() {
    // Nesting just past the cap, of both kinds, at the end of a long valid prefix.
    let deep = format!("[{}{}", "1,".repeat(100_000), "{\"a\":[".repeat(MAX_DEPTH));
    assert_eq!(parse(&deep).unwrap_err().problem, Problem::TooDeep);
    // A megabyte string of escapes, a 100,000-digit number, 100,000 repeated keys.
    let escapes = format!("\"{}\"", "\\u00e9\\n".repeat(100_000));
    assert_eq!(
        parse(&escapes).unwrap().as_str().map(|s| s.chars().count()),
        Some(200_000)
    );
    let digits = "9".repeat(100_000);
    assert_eq!(parse(&digits).unwrap().as_f64(), Some(f64::INFINITY));
    let keys = format!("{{{}\"k\":2}}", "\"k\":1,".repeat(100_000));
    assert_eq!(
        parse(&keys).unwrap().get("k").and_then(Value::as_f64),
        Some(2.0)
    );
}
