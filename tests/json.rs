#![cfg(not(target_arch = "wasm32"))]
//! The protocol's JSON reader and writer, checked against serde_json as the reference.

use queue_playground::json::{self, parse, Problem, Value, MAX_DEPTH};

// The crate's one SplitMix64: the same cases on every run and every machine.
use queue_playground::rng::SplitMix64 as Rng;

fn random_text(rng: &mut Rng) -> String {
    const PIECES: &[&str] = &[
        "a", "\"", "\\", "\n", "\t", "\u{1}", "中", "😀", "\u{202e}", "<", "/", " ", "\u{7f}", "é",
    ];
    (0..rng.below(12))
        .map(|_| PIECES[rng.below(PIECES.len())])
        .collect()
}

#[test]
fn strings_round_trip_through_the_writer_and_both_readers() {
    let mut rng = Rng::new(7);
    for _ in 0..5000 {
        let text = random_text(&mut rng);
        let mut out = String::new();
        json::write_str(&mut out, &text);
        assert_eq!(serde_json::from_str::<String>(&out).unwrap(), text, "{out}");
        assert_eq!(parse(&out).unwrap(), Value::String(text));
    }
}

#[test]
fn reads_what_serde_json_writes() {
    let doc = serde_json::json!({
        "v": 1, "type": "put", "first_id": 12, "neg": -0.5, "exp": 1.5e300, "tiny": 5e-324,
        "texts": ["中文", "a\"b\\c", "\u{0}\u{1f}", "😀"], "nested": [[], {}, [null, true, false]],
    });
    let v = parse(&doc.to_string()).unwrap();
    assert_eq!(v.get("first_id").and_then(Value::as_f64), Some(12.0));
    assert_eq!(v.get("exp").and_then(Value::as_f64), Some(1.5e300));
    assert_eq!(v.get("tiny").and_then(Value::as_f64), Some(5e-324));
    let Some(Value::Array(texts)) = v.get("texts") else {
        panic!()
    };
    assert_eq!(texts[2].as_str(), Some("\u{0}\u{1f}"));
    assert_eq!(
        parse(r#""\ud83d\ude00\u00e9\/""#).unwrap(),
        Value::String("😀é/".into())
    );
}

#[test]
fn numbers_are_written_to_the_thousandth() {
    let cases = [
        (0.0, "0"),
        (-0.0, "0"),
        (1.5, "1.5"),
        (-2.25, "-2.25"),
        (0.0004, "0"),
        (0.0005, "0.001"),
        (1_700_000_000_123.456, "1700000000123.456"),
        (1_700_000_000_123.456_7, "1700000000123.457"),
        (9007199254740993.0, "9007199254740992"),
        (-1e18, "-1000000000000000000"),
        (1e300, "null"),
        (f64::NAN, "null"),
        (f64::INFINITY, "null"),
    ];
    for (n, text) in cases {
        let mut out = String::new();
        json::write_f64(&mut out, n);
        assert_eq!(out, text, "{n}");
        if text != "null" {
            // What JavaScript (and serde_json) read back is within a microsecond of a time.
            let back: f64 = out.parse().unwrap();
            assert!(
                (back - n).abs() <= 0.0005 || n.abs() >= 9.0e15,
                "{n} -> {out}"
            );
        }
    }
}

#[test]
fn numbers_read_exactly_on_the_fast_path_and_closely_elsewhere() {
    let mut rng = Rng::new(3);
    for _ in 0..20_000 {
        // Protocol-shaped numbers: ids, counts, epoch milliseconds with up to 3 decimals.
        let whole = rng.below(1 << 41);
        let text = match rng.below(3) {
            0 => format!("{whole}"),
            1 => format!("{whole}.{}", rng.below(1000)),
            _ => format!(
                "-{}.{:03}e{}",
                rng.below(1 << 30),
                rng.below(1000),
                rng.below(10)
            ),
        };
        let ours = parse(&text).unwrap().as_f64().unwrap();
        assert_eq!(
            ours.to_bits(),
            text.parse::<f64>().unwrap().to_bits(),
            "{text}"
        );
    }
    for text in [
        "1e300",
        "-2.5e-300",
        "123456789012345678901234567890",
        "0.1e-5",
        "5e-324",
        "1e400",
        "0e999",
    ] {
        let ours = parse(text).unwrap().as_f64().unwrap();
        let exact: f64 = text.parse().unwrap();
        let close = ours == exact || ((ours - exact) / exact).abs() < 1e-14;
        assert!(close, "{text}: {ours} vs {exact}");
    }
}

#[test]
fn errors_name_line_and_column() {
    use Problem::*;
    let cases = [
        ("", 1, 1, ExpectedValue, true),
        ("{\"a\" 1}", 1, 6, ExpectedColon, false),
        ("[1,\n 2,\n x]", 3, 2, ExpectedValue, false),
        ("{\"a\":1,}", 1, 8, ExpectedKey, false),
        ("[1 2]", 1, 4, ExpectedCommaOrBracket, false),
        ("{\"a\":1 2}", 1, 8, ExpectedCommaOrBrace, false),
        ("\"abc", 1, 5, UnterminatedString, true),
        ("\"中文\u{1}\"", 1, 4, ControlCharacter, false),
        ("01", 1, 1, LeadingZero, false),
        ("1.", 1, 3, ExpectedDigit, true),
        ("1e+", 1, 4, ExpectedDigit, true),
        ("-", 1, 2, ExpectedDigit, true),
        ("\"\\x\"", 1, 3, UnknownEscape, false),
        ("\"\\ud800\"", 1, 8, UnpairedSurrogate, false),
        ("\"\\u12\"", 1, 6, ExpectedHex, false),
        ("nul", 1, 1, ExpectedValue, false),
        ("{} {}", 1, 4, TrailingText, false),
    ];
    for (text, line, column, problem, ended) in cases {
        let e = parse(text).unwrap_err();
        assert_eq!(
            (e.line, e.column, e.problem, e.ended),
            (line, column, problem, ended),
            "{text:?}"
        );
    }
    // The one English rendering, for the lab and for logs.
    assert_eq!(
        parse("[1,\n 2,\n x]").unwrap_err().to_string(),
        "expected a value at line 3 column 2"
    );
    assert_eq!(
        parse("[").unwrap_err().to_string(),
        "expected a value (the text ended) at line 1 column 2"
    );
}

#[test]
fn deep_nesting_is_refused_not_a_stack_overflow() {
    let deep = "[".repeat(100_000);
    assert_eq!(parse(&deep).unwrap_err().problem, Problem::TooDeep);
    let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    assert!(parse(&ok).is_ok());
}

#[test]
fn never_panics_and_agrees_with_serde_json_on_validity() {
    // Mutations of valid documents: cut, spliced and byte-flipped at seeded places.
    let seeds = [
        r#"{"v":1,"type":"put","first_id":1,"texts":["a","中文😀","\"\\"],"put_at":[1.5,2e3,-0]}"#,
        r#"[true,false,null,{"a":[{}]},"\u00e9\ud83d\ude00",0.25e-2]"#,
    ];
    let alphabet = b"{}[]\",:\\0123456789.eE+-tfnul \n\xff\xe4";
    let mut rng = Rng::new(42);
    for _ in 0..20_000 {
        let mut bytes = seeds[rng.below(2)].as_bytes().to_vec();
        for _ in 0..=rng.below(3) {
            let i = rng.below(bytes.len() + 1);
            match rng.below(3) {
                0 => bytes.truncate(i),
                1 => bytes.insert(i.min(bytes.len()), alphabet[rng.below(alphabet.len())]),
                _ if i < bytes.len() => {
                    bytes.remove(i);
                }
                _ => {}
            }
        }
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        let ours = parse(&text);
        let reference = serde_json::from_str::<serde_json::Value>(&text);
        assert_eq!(
            ours.is_ok(),
            reference.is_ok(),
            "{text:?}: ours {ours:?}, serde_json {reference:?}"
        );
    }
}
