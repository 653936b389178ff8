//! Reading a request: JSON text in, a validated [`Envelope`] or a [`Refused`] out.

use super::{
    Envelope, Field, ProtocolError, Refused, MAX_ID, MAX_INTERVAL_MS, MAX_MAXSIZE, MAX_POST_UNITS,
    MAX_PUT, MAX_TEXT_BYTES, MAX_WORK_MS, VERSION,
};
use crate::json::{self, Kind, Value};
use crate::pipeline::types::{Mode, Put, Request, Settings};

/// The longest piece of a refused request an error repeats (an unknown type, mode or field).
const MAX_ECHO_CHARS: usize = 64;

/// Refuses a post of `units` UTF-16 code units (JavaScript's `length`) if it is longer than
/// [`MAX_POST_UNITS`]. The shell asks before it copies the post into wasm memory, so that a
/// huge post is refused without growing the memory, which never shrinks.
///
/// # Errors
/// [`ProtocolError::PostTooLarge`], with no id: the id is inside the text that was not read.
pub fn check_post_len(units: usize) -> Result<(), Refused> {
    if units <= MAX_POST_UNITS {
        return Ok(());
    }
    Err(Refused {
        id: None,
        error: ProtocolError::PostTooLarge {
            units,
            max_units: MAX_POST_UNITS,
        },
    })
}

/// Decodes and validates one request from its JSON text.
///
/// # Errors
/// A [`Refused`] naming what was wrong (not JSON, with line and column; a missing or unknown
/// version or type; a missing, unknown or mistyped field; a value out of range) and carrying
/// the request's `id` when it had a valid one.
pub fn decode(text: &str) -> Result<Envelope, Refused> {
    let refuse = |id, error| Refused { id, error };
    let members = match json::parse(text) {
        Ok(Value::Object(members)) => members,
        Ok(other) => {
            let got = other.kind();
            return Err(refuse(None, ProtocolError::NotAnObject { got }));
        }
        Err(e) => return Err(refuse(None, ProtocolError::NotJson(e))),
    };
    let mut fields = Fields(members);
    // The id first, so that every later refusal can be matched to its request.
    let id = match fields.take("id") {
        None => None,
        Some(v) => Some(whole(Field::named("id"), v, 0, MAX_ID).map_err(|e| refuse(None, e))?),
    };
    decode_fields(&mut fields)
        .map(|request| Envelope { id, request })
        .map_err(|error| refuse(id, error))
}

/// Decodes and validates one request, ignoring its `id`.
///
/// # Errors
/// As [`decode`].
pub fn decode_request(text: &str) -> Result<Request, ProtocolError> {
    decode(text).map(|e| e.request).map_err(|r| r.error)
}

fn decode_fields(fields: &mut Fields) -> Result<Request, ProtocolError> {
    // The envelope first, so the error names the version or type rather than a field.
    let v = fields.number("v")?;
    if v != f64::from(VERSION) {
        return Err(ProtocolError::Version { got: v });
    }
    let kind = fields.string("type")?;
    let (request, kind) = match kind.as_str() {
        "put" => (decode_put(fields)?, "put"),
        "config" => (Request::Config(decode_settings(fields)?), "config"),
        "work" => {
            let ms = fields.range("ms", 0.0, MAX_WORK_MS)?;
            (Request::Work { ms }, "work")
        }
        "reset" => (Request::Reset, "reset"),
        "ping" => (Request::Ping, "ping"),
        "maxsize" => {
            let maxsize = fields.whole("maxsize", 1, MAX_MAXSIZE as u64)? as usize;
            (Request::Maxsize { maxsize }, "maxsize")
        }
        _ => return Err(ProtocolError::UnknownType { got: clip(&kind) }),
    };
    // Unknown fields are refused so that typos surface instead of being ignored.
    if let Some((name, _)) = fields.0.first() {
        return Err(ProtocolError::UnknownField {
            field: clip(name),
            request: kind,
        });
    }
    Ok(request)
}

fn decode_settings(fields: &mut Fields) -> Result<Settings, ProtocolError> {
    let name = fields.string("mode")?;
    let mode =
        Mode::from_name(&name).ok_or_else(|| ProtocolError::UnknownMode { got: clip(&name) })?;
    Ok(Settings {
        mode,
        interval_ms: fields.range("interval_ms", 0.0, MAX_INTERVAL_MS)?,
        work_ms: fields.range("work_ms", 0.0, MAX_WORK_MS)?,
        max_batch: fields.whole("max_batch", 1, u64::from(u32::MAX))? as usize,
    })
}

fn decode_put(fields: &mut Fields) -> Result<Request, ProtocolError> {
    let first_id = fields.whole("first_id", 0, MAX_ID)?;
    let texts = fields.array("texts")?;
    let put_at = fields.array("put_at")?;
    if texts.len() != put_at.len() {
        return Err(ProtocolError::LengthMismatch {
            texts: texts.len(),
            put_at: put_at.len(),
        });
    }
    if texts.len() > MAX_PUT {
        return Err(ProtocolError::TooMany {
            max: MAX_PUT,
            got: texts.len(),
        });
    }
    if first_id + texts.len() as u64 > MAX_ID {
        return Err(ProtocolError::IdsTooLarge {
            first_id,
            count: texts.len(),
        });
    }
    Ok(Request::Put(Put {
        first_id,
        texts: put_texts(texts)?,
        put_at: put_times(put_at)?,
    }))
}

// Plain loops rather than `collect::<Result<Vec<_>, _>>()`: the same work in less wasm.
fn put_texts(items: Vec<Value>) -> Result<Vec<String>, ProtocolError> {
    let mut texts = Vec::with_capacity(items.len());
    for (i, t) in items.into_iter().enumerate() {
        texts.push(match t {
            Value::String(s) if s.len() <= MAX_TEXT_BYTES => s,
            Value::String(s) => {
                return Err(ProtocolError::TextTooLong {
                    index: i,
                    bytes: s.len(),
                    max_bytes: MAX_TEXT_BYTES,
                })
            }
            other => return Err(mistyped(Field::item("texts", i), Kind::String, &other)),
        });
    }
    Ok(texts)
}

fn put_times(items: Vec<Value>) -> Result<Vec<f64>, ProtocolError> {
    let mut times = Vec::with_capacity(items.len());
    for (i, t) in items.into_iter().enumerate() {
        times.push(match t {
            Value::Number(n) => n,
            other => return Err(mistyped(Field::item("put_at", i), Kind::Number, &other)),
        });
    }
    Ok(times)
}

/// A request's members, taken out one by one as they are read.
struct Fields(Vec<(String, Value)>);

impl Fields {
    fn take(&mut self, name: &str) -> Option<Value> {
        // The last of repeated keys wins, as in JSON.parse; the others go too.
        let mut found = None;
        self.0.retain_mut(|(k, v)| {
            if k == name {
                found = Some(std::mem::replace(v, Value::Null));
                false
            } else {
                true
            }
        });
        found
    }

    fn required(&mut self, name: &'static str) -> Result<Value, ProtocolError> {
        self.take(name)
            .ok_or(ProtocolError::Missing { field: name })
    }

    fn string(&mut self, name: &'static str) -> Result<String, ProtocolError> {
        match self.required(name)? {
            Value::String(s) => Ok(s),
            other => Err(mistyped(Field::named(name), Kind::String, &other)),
        }
    }

    fn array(&mut self, name: &'static str) -> Result<Vec<Value>, ProtocolError> {
        match self.required(name)? {
            Value::Array(items) => Ok(items),
            other => Err(mistyped(Field::named(name), Kind::Array, &other)),
        }
    }

    fn number(&mut self, name: &'static str) -> Result<f64, ProtocolError> {
        number(Field::named(name), self.required(name)?)
    }

    fn whole(&mut self, name: &'static str, min: u64, max: u64) -> Result<u64, ProtocolError> {
        whole(Field::named(name), self.required(name)?, min, max)
    }

    fn range(&mut self, name: &'static str, min: f64, max: f64) -> Result<f64, ProtocolError> {
        let n = self.number(name)?;
        if (min..=max).contains(&n) {
            Ok(n)
        } else {
            Err(ProtocolError::OutOfRange {
                field: name,
                min,
                max,
                got: n,
            })
        }
    }
}

fn number(field: Field, value: Value) -> Result<f64, ProtocolError> {
    match value {
        Value::Number(n) => Ok(n),
        other => Err(mistyped(field, Kind::Number, &other)),
    }
}

fn whole(field: Field, value: Value, min: u64, max: u64) -> Result<u64, ProtocolError> {
    let n = number(field, value)?;
    if n.fract() != 0.0 {
        return Err(ProtocolError::NotWhole {
            field: field.name,
            got: n,
        });
    }
    if (min as f64..=max as f64).contains(&n) {
        Ok(n as u64)
    } else {
        Err(ProtocolError::OutOfRange {
            field: field.name,
            min: min as f64,
            max: max as f64,
            got: n,
        })
    }
}

fn mistyped(field: Field, expected: Kind, got: &Value) -> ProtocolError {
    ProtocolError::WrongType {
        field,
        expected,
        got: got.kind(),
    }
}

/// The first characters of a name the sender chose, so that an error reply stays small.
fn clip(s: &str) -> String {
    json::clip_chars(s, MAX_ECHO_CHARS).to_owned()
}
