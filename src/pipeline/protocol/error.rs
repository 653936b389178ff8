//! Why a request was refused, as data: a key and the fields that say what and where.

use super::{MAX_ID, VERSION};
use crate::json::{self, member, Kind, ObjectWriter, ParseError, ToJson};

/// A field of a request, or an item of one of its arrays (`texts[3]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The field's name.
    pub name: &'static str,
    /// The item's index, for an item of an array field.
    pub index: Option<usize>,
}

impl Field {
    /// A whole field.
    pub const fn named(name: &'static str) -> Field {
        Field { name, index: None }
    }

    /// Item `index` of an array field.
    pub const fn item(name: &'static str, index: usize) -> Field {
        Field {
            name,
            index: Some(index),
        }
    }
}

/// Why a request was refused: what was wrong and where, as data. The English sentence is
/// written in `pipeline::english` (its `Display`); the page words the same data in its own
/// language from the error reply's key and fields.
#[derive(Debug, Clone, PartialEq)]
pub enum ProtocolError {
    /// The posted value is neither text nor something `JSON.stringify` can write.
    NotText,
    /// The post is longer than [`MAX_POST_UNITS`](super::MAX_POST_UNITS): refused unread.
    PostTooLarge {
        /// Its length in UTF-16 code units.
        units: usize,
        /// The most accepted.
        max_units: usize,
    },
    /// The text is not JSON: where and why.
    NotJson(ParseError),
    /// The JSON is not an object.
    NotAnObject {
        /// What it is instead.
        got: Kind,
    },
    /// A required field is absent.
    Missing {
        /// The field.
        field: &'static str,
    },
    /// A field or an item has the wrong kind of value.
    WrongType {
        /// Where.
        field: Field,
        /// What kind it must be.
        expected: Kind,
        /// What kind it is.
        got: Kind,
    },
    /// `v` names a version this worker does not speak.
    Version {
        /// The version asked for.
        got: f64,
    },
    /// `type` names no request.
    UnknownType {
        /// The type asked for (its first characters).
        got: String,
    },
    /// A field that this type of request does not have.
    UnknownField {
        /// The field's name (its first characters).
        field: String,
        /// The request's type.
        request: &'static str,
    },
    /// `mode` names no mode.
    UnknownMode {
        /// The mode asked for (its first characters).
        got: String,
    },
    /// A field that counts must be a whole number.
    NotWhole {
        /// The field.
        field: &'static str,
        /// The number sent.
        got: f64,
    },
    /// A number outside the field's range.
    OutOfRange {
        /// The field.
        field: &'static str,
        /// The smallest value accepted.
        min: f64,
        /// The largest value accepted.
        max: f64,
        /// The number sent.
        got: f64,
    },
    /// A put's `texts` and `put_at` differ in length.
    LengthMismatch {
        /// Items in `texts`.
        texts: usize,
        /// Items in `put_at`.
        put_at: usize,
    },
    /// A put carries more messages than [`MAX_PUT`](super::MAX_PUT).
    TooMany {
        /// The most accepted.
        max: usize,
        /// How many it carries.
        got: usize,
    },
    /// A put's last id would pass [`MAX_ID`](super::MAX_ID).
    IdsTooLarge {
        /// The put's first id.
        first_id: u64,
        /// How many messages it carries.
        count: usize,
    },
    /// A text longer than [`MAX_TEXT_BYTES`](super::MAX_TEXT_BYTES).
    TextTooLong {
        /// Which text.
        index: usize,
        /// Its length in bytes of UTF-8.
        bytes: usize,
        /// The most accepted.
        max_bytes: usize,
    },
}

impl ProtocolError {
    /// The error's key on the wire (and in the page's strings, as `error.KEY`).
    pub fn key(&self) -> &'static str {
        match self {
            ProtocolError::NotText => "not_text",
            ProtocolError::PostTooLarge { .. } => "post_too_large",
            ProtocolError::NotJson(_) => "not_json",
            ProtocolError::NotAnObject { .. } => "not_an_object",
            ProtocolError::Missing { .. } => "missing",
            ProtocolError::WrongType { .. } => "wrong_type",
            ProtocolError::Version { .. } => "version",
            ProtocolError::UnknownType { .. } => "unknown_type",
            ProtocolError::UnknownField { .. } => "unknown_field",
            ProtocolError::UnknownMode { .. } => "unknown_mode",
            ProtocolError::NotWhole { .. } => "not_whole",
            ProtocolError::OutOfRange { .. } => "out_of_range",
            ProtocolError::LengthMismatch { .. } => "length_mismatch",
            ProtocolError::TooMany { .. } => "too_many",
            ProtocolError::IdsTooLarge { .. } => "ids_too_large",
            ProtocolError::TextTooLong { .. } => "text_too_long",
        }
    }
}

impl std::error::Error for ProtocolError {}

impl ToJson for ProtocolError {
    /// `{"key": .., fields..}`: the key names the page's string, the fields fill it in.
    fn write_json(&self, out: &mut String) {
        let mut o = ObjectWriter::new(out);
        o.str("key", self.key());
        match self {
            ProtocolError::NotText
            | ProtocolError::PostTooLarge { .. }
            | ProtocolError::NotJson(_)
            | ProtocolError::NotAnObject { .. }
            | ProtocolError::Version { .. }
            | ProtocolError::UnknownType { .. }
            | ProtocolError::UnknownMode { .. } => envelope_fields(self, &mut o),
            ProtocolError::Missing { .. }
            | ProtocolError::WrongType { .. }
            | ProtocolError::UnknownField { .. }
            | ProtocolError::NotWhole { .. }
            | ProtocolError::OutOfRange { .. } => field_fields(self, &mut o),
            ProtocolError::LengthMismatch { .. }
            | ProtocolError::TooMany { .. }
            | ProtocolError::IdsTooLarge { .. }
            | ProtocolError::TextTooLong { .. } => put_fields(self, &mut o),
        }
        o.finish();
    }
}

/// The fields of an error about the request as a whole (its text, JSON, version, type) or
/// its mode. `write_json`'s exhaustive match sends only these kinds here.
fn envelope_fields(e: &ProtocolError, o: &mut ObjectWriter) {
    match e {
        ProtocolError::NotText => {}
        ProtocolError::PostTooLarge { units, max_units } => {
            o.int("units", *units as u64)
                .int("max_units", *max_units as u64);
        }
        ProtocolError::NotJson(e) => {
            o.int("line", e.line as u64)
                .int("column", e.column as u64)
                .str("problem", e.problem.key());
            member(o, "ended", &e.ended);
        }
        ProtocolError::NotAnObject { got } => {
            o.str("got", got.name());
        }
        ProtocolError::Version { got } => {
            o.num("got", *got).int("supported", u64::from(VERSION));
        }
        ProtocolError::UnknownType { got } | ProtocolError::UnknownMode { got } => {
            o.str("got", got);
        }
        _ => {}
    }
}

/// The fields of an error about one field of a request. `write_json`'s exhaustive match
/// sends only these kinds here.
fn field_fields(e: &ProtocolError, o: &mut ObjectWriter) {
    match e {
        ProtocolError::Missing { field } => {
            o.str("field", field);
        }
        ProtocolError::WrongType {
            field,
            expected,
            got,
        } => {
            o.raw("field", |out| field.write_json(out))
                .str("expected", expected.name())
                .str("got", got.name());
        }
        ProtocolError::UnknownField { field, request } => {
            o.str("field", field).str("request", request);
        }
        ProtocolError::NotWhole { field, got } => {
            o.str("field", field).num("got", *got);
        }
        ProtocolError::OutOfRange {
            field,
            min,
            max,
            got,
        } => {
            o.str("field", field)
                .num("min", *min)
                .num("max", *max)
                .num("got", *got);
        }
        _ => {}
    }
}

/// The fields of an error about a put's arrays and ids. `write_json`'s exhaustive match sends
/// only these kinds here.
fn put_fields(e: &ProtocolError, o: &mut ObjectWriter) {
    match e {
        ProtocolError::LengthMismatch { texts, put_at } => {
            o.int("texts", *texts as u64).int("put_at", *put_at as u64);
        }
        ProtocolError::TooMany { max, got } => {
            o.int("max", *max as u64).int("got", *got as u64);
        }
        ProtocolError::IdsTooLarge { first_id, count } => {
            o.int("first_id", *first_id)
                .int("count", *count as u64)
                .int("max", MAX_ID);
        }
        ProtocolError::TextTooLong {
            index,
            bytes,
            max_bytes,
        } => {
            o.int("index", *index as u64)
                .int("bytes", *bytes as u64)
                .int("max_bytes", *max_bytes as u64);
        }
        _ => {}
    }
}

impl ToJson for Field {
    /// The field as code: `texts` or `texts[3]`.
    fn write_json(&self, out: &mut String) {
        out.push('"');
        out.push_str(self.name);
        if let Some(i) = self.index {
            out.push('[');
            json::write_u64(out, i as u64);
            out.push(']');
        }
        out.push('"');
    }
}
