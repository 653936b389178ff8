//! Every English sentence the pipeline writes, in one place: the `Display` of its errors (and of
//! the JSON reader's errors and kinds of value) and of the worker's activities, for logs, native
//! tools and `?`. The page
//! does not read these: it gets keys and numbers and words them in English or Chinese itself
//! (`www/playground/strings.js`), so nothing here is an interface.

use super::protocol::{Field, ProtocolError, VERSION};
use super::types::Activity;
use crate::json::{number_text, Kind, ParseError, Problem};
use std::fmt;

fn kind(k: Kind) -> &'static str {
    match k {
        Kind::Null => "null",
        Kind::Bool => "a boolean",
        Kind::Number => "a number",
        Kind::String => "a string",
        Kind::Array => "an array",
        Kind::Object => "an object",
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(kind(*self))
    }
}

fn problem(p: Problem) -> &'static str {
    match p {
        Problem::ExpectedValue => "expected a value",
        Problem::ExpectedKey => "expected a string key",
        Problem::ExpectedColon => "expected `:`",
        Problem::ExpectedCommaOrBrace => "expected `,` or `}`",
        Problem::ExpectedCommaOrBracket => "expected `,` or `]`",
        Problem::ExpectedDigit => "expected a digit",
        Problem::LeadingZero => "a number may not start with 0",
        Problem::TrailingText => "unexpected text after the JSON value",
        Problem::TooDeep => "nested too deeply",
        Problem::ControlCharacter => "control character in a string",
        Problem::UnterminatedString => "unterminated string",
        Problem::UnknownEscape => "unknown escape",
        Problem::UnpairedSurrogate => "unpaired surrogate in \\u escape",
        Problem::ExpectedHex => "expected four hex digits",
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{} at line {} column {}",
            problem(self.problem),
            if self.ended { " (the text ended)" } else { "" },
            self.line,
            self.column
        )
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.index {
            Some(i) => write!(f, "`{}[{i}]`", self.name),
            None => write!(f, "`{}`", self.name),
        }
    }
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProtocolError::NotText
            | ProtocolError::PostTooLarge { .. }
            | ProtocolError::NotJson(_)
            | ProtocolError::NotAnObject { .. }
            | ProtocolError::Version { .. }
            | ProtocolError::UnknownType { .. } => envelope_error(self, f),
            ProtocolError::Missing { .. }
            | ProtocolError::WrongType { .. }
            | ProtocolError::UnknownField { .. }
            | ProtocolError::UnknownMode { .. }
            | ProtocolError::NotWhole { .. }
            | ProtocolError::OutOfRange { .. } => field_error(self, f),
            ProtocolError::LengthMismatch { .. }
            | ProtocolError::TooMany { .. }
            | ProtocolError::IdsTooLarge { .. }
            | ProtocolError::TextTooLong { .. } => put_error(self, f),
        }
    }
}

/// The request as a whole: its text, its JSON, its version and type.
/// `Display`'s exhaustive match sends only these kinds here.
fn envelope_error(e: &ProtocolError, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let n = |x: f64| number_text(x);
    match e {
        ProtocolError::NotText => f.write_str("the message is neither JSON text nor JSON-like"),
        ProtocolError::PostTooLarge { units, max_units } => write!(
            f,
            "the message is {units} characters long, longer than {max_units}: refused unread"
        ),
        ProtocolError::NotJson(e) => write!(
            f,
            "not JSON: {e} (expected {{\"v\":{VERSION},\"type\":...}})"
        ),
        ProtocolError::NotAnObject { got } => write!(
            f,
            "not a JSON object: got {} (expected {{\"v\":{VERSION},\"type\":...}})",
            kind(*got)
        ),
        ProtocolError::Version { got } => write!(
            f,
            "unsupported protocol version {}; this worker speaks v{VERSION}",
            n(*got)
        ),
        ProtocolError::UnknownType { got } => write!(
            f,
            "unknown type `{got}`, expected `put`, `config`, `maxsize`, `work`, `reset` or `ping`"
        ),
        _ => Ok(()),
    }
}

/// One field of a request.
/// `Display`'s exhaustive match sends only these kinds here.
fn field_error(e: &ProtocolError, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let n = |x: f64| number_text(x);
    match e {
        ProtocolError::Missing { field } => write!(f, "missing field `{field}`"),
        ProtocolError::WrongType {
            field,
            expected,
            got,
        } => write!(f, "{field} must be {}, got {}", kind(*expected), kind(*got)),
        ProtocolError::UnknownField { field, request } => {
            write!(f, "unknown field `{field}` in a `{request}` request")
        }
        ProtocolError::UnknownMode { got } => write!(
            f,
            "unknown mode `{got}`, expected `snapshot`, `drain` or `one-by-one`"
        ),
        ProtocolError::NotWhole { field, got } => {
            write!(f, "`{field}` must be a whole number, got {}", n(*got))
        }
        ProtocolError::OutOfRange {
            field,
            min,
            max,
            got,
        } => write!(
            f,
            "`{field}` must be from {} to {}, got {}",
            n(*min),
            n(*max),
            n(*got)
        ),
        _ => Ok(()),
    }
}

/// A put's arrays and ids.
/// `Display`'s exhaustive match sends only these kinds here.
fn put_error(e: &ProtocolError, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match e {
        ProtocolError::LengthMismatch { texts, put_at } => write!(
            f,
            "`texts` has {texts} items but `put_at` has {put_at}"
        ),
        ProtocolError::TooMany { max, got } => {
            write!(f, "a put carries at most {max} messages, got {got}")
        }
        ProtocolError::IdsTooLarge { first_id, count } => write!(
            f,
            "a put of {count} messages from id {first_id} passes 2^53: ids must stay exact in JavaScript"
        ),
        ProtocolError::TextTooLong {
            index,
            bytes,
            max_bytes,
        } => write!(
            f,
            "`texts[{index}]` is {bytes} bytes, longer than {max_bytes}"
        ),
        _ => Ok(()),
    }
}

impl fmt::Display for Activity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = |x: f64| x.round() as u64;
        match *self {
            Activity::WaitingForMessages => f.write_str("waiting for messages"),
            Activity::NextRound { in_ms } => write!(f, "next round in {} ms", ms(in_ms)),
            Activity::RoundWork {
                round,
                work_ms,
                messages,
            } => write!(
                f,
                "round {round}: blocking work for {} ms on {messages} messages",
                ms(work_ms)
            ),
            Activity::PageWork { ms: work } => {
                write!(f, "busy work requested by the page ({} ms)", ms(work))
            }
        }
    }
}
