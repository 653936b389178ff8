//! A small JSON reader and writer, just enough for the protocol and the lab: the crate's one
//! way to read and write JSON.
//!
//! Why not serde_json: it tripled the wasm (serde's buffered, internally tagged enums are
//! code-heavy) and the page must download every byte. This reader builds a plain tree, reports
//! errors with line and column, never panics, and bounds nesting so hostile input cannot blow
//! the stack.
//!
//! ```
//! use queue_playground::json::{parse, Value};
//! let v = parse(r#"{"texts":["中文","a\"b"],"n":1.5}"#).unwrap();
//! assert_eq!(v.get("n").and_then(Value::as_f64), Some(1.5));
//! let err = parse("{\n  \"a\": tru }").unwrap_err();
//! assert_eq!((err.line, err.column), (2, 8));
//! ```

/// How deeply arrays and objects may nest before the input is refused.
pub const MAX_DEPTH: usize = 64;

/// A parsed JSON value. Objects keep their members in order; a repeated key keeps the last.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// Any number, as a double (as JavaScript reads it).
    Number(f64),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object's members in order.
    Object(Vec<(String, Value)>),
}

impl Value {
    /// The member `key` of an object (the last one, if repeated).
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The number, if this is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// What kind of value this is, for errors that say what was expected and what came.
    pub fn kind(&self) -> Kind {
        match self {
            Value::Null => Kind::Null,
            Value::Bool(_) => Kind::Bool,
            Value::Number(_) => Kind::Number,
            Value::String(_) => Kind::String,
            Value::Array(_) => Kind::Array,
            Value::Object(_) => Kind::Object,
        }
    }
}

/// The kinds of JSON value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `null`
    Null,
    /// `true` or `false`
    Bool,
    /// A number.
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

impl Kind {
    /// The kind's name on the wire: `null`, `boolean`, `number`, `string`, `array`, `object`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool => "boolean",
            Kind::Number => "number",
            Kind::String => "string",
            Kind::Array => "array",
            Kind::Object => "object",
        }
    }
}

/// What is wrong at the place a [`ParseError`] points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// A value was expected here.
    ExpectedValue,
    /// An object key (a string) was expected.
    ExpectedKey,
    /// `:` was expected after a key.
    ExpectedColon,
    /// `,` or `}` was expected after a member.
    ExpectedCommaOrBrace,
    /// `,` or `]` was expected after an item.
    ExpectedCommaOrBracket,
    /// A digit was expected (after `-`, after `.`, or in an exponent).
    ExpectedDigit,
    /// A number started with `0` followed by more digits.
    LeadingZero,
    /// Text follows the JSON value.
    TrailingText,
    /// Arrays and objects nest deeper than [`MAX_DEPTH`].
    TooDeep,
    /// A raw control character inside a string.
    ControlCharacter,
    /// A string with no closing quote.
    UnterminatedString,
    /// A backslash escape JSON does not have.
    UnknownEscape,
    /// A `\u` escape of half a surrogate pair.
    UnpairedSurrogate,
    /// A `\u` escape without four hex digits.
    ExpectedHex,
}

impl Problem {
    /// The problem's key on the wire (and in the page's strings, as `json.KEY`).
    pub fn key(self) -> &'static str {
        match self {
            Problem::ExpectedValue => "expected_value",
            Problem::ExpectedKey => "expected_key",
            Problem::ExpectedColon => "expected_colon",
            Problem::ExpectedCommaOrBrace => "expected_comma_or_brace",
            Problem::ExpectedCommaOrBracket => "expected_comma_or_bracket",
            Problem::ExpectedDigit => "expected_digit",
            Problem::LeadingZero => "leading_zero",
            Problem::TrailingText => "trailing_text",
            Problem::TooDeep => "too_deep",
            Problem::ControlCharacter => "control_character",
            Problem::UnterminatedString => "unterminated_string",
            Problem::UnknownEscape => "unknown_escape",
            Problem::UnpairedSurrogate => "unpaired_surrogate",
            Problem::ExpectedHex => "expected_hex",
        }
    }
}

/// Where and why the text is not JSON. Line and column count from 1; columns count characters.
/// Its English sentence is written in `pipeline::english`, with every other one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseError {
    /// The line of the offending character.
    pub line: usize,
    /// The column of the offending character, in characters.
    pub column: usize,
    /// What was expected or found.
    pub problem: Problem,
    /// Whether the text ended where more was expected.
    pub ended: bool,
}

impl std::error::Error for ParseError {}

/// Parses one JSON text (surrounding whitespace allowed, nothing else after it).
///
/// # Errors
/// A [`ParseError`] with the line and column of the first problem.
pub fn parse(text: &str) -> Result<Value, ParseError> {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    p.skip_ws();
    let value = p.value(0)?;
    p.skip_ws();
    if p.pos < p.bytes.len() {
        return Err(p.error(Problem::TrailingText));
    }
    Ok(value)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn error(&self, problem: Problem) -> ParseError {
        // Only computed on failure, so counting from the start is fine. One pass over the
        // bytes: a line ends at each `\n`; a character starts at each byte that is not a
        // UTF-8 continuation byte (`str`'s own counting and splitting cost 2 KB of wasm).
        let (mut line, mut column) = (1, 1);
        let mut end = self.pos.min(self.bytes.len());
        while end < self.bytes.len() && self.bytes[end] & 0xC0 == 0x80 {
            end -= 1; // back to the start of the character `pos` is in
        }
        for &b in self.bytes.get(..end).unwrap_or_default() {
            if b == b'\n' {
                line += 1;
                column = 1;
            } else if b & 0xC0 != 0x80 {
                column += 1;
            }
        }
        ParseError {
            line,
            column,
            problem,
            ended: self.pos >= self.bytes.len(),
        }
    }

    /// The bytes from `pos` on.
    fn rest(&self) -> &[u8] {
        self.bytes.get(self.pos..).unwrap_or_default()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.error(Problem::TooDeep));
        }
        match self.bytes.get(self.pos) {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string().map(Value::String),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.error(Problem::ExpectedValue)),
        }
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, ParseError> {
        if self.rest().starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.error(Problem::ExpectedValue))
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, ParseError> {
        self.pos += 1;
        let mut members = Vec::new();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok(Value::Object(members));
        }
        loop {
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b'"') {
                return Err(self.error(Problem::ExpectedKey));
            }
            let key = self.string()?;
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b':') {
                return Err(self.error(Problem::ExpectedColon));
            }
            self.pos += 1;
            self.skip_ws();
            members.push((key, self.value(depth + 1)?));
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Object(members));
                }
                _ => return Err(self.error(Problem::ExpectedCommaOrBrace)),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, ParseError> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.error(Problem::ExpectedCommaOrBracket)),
            }
        }
    }

    fn number(&mut self) -> Result<Value, ParseError> {
        let start = self.pos;
        let digits = |p: &mut Self| {
            let s = p.pos;
            while let Some(b'0'..=b'9') = p.bytes.get(p.pos) {
                p.pos += 1;
            }
            p.pos > s
        };
        if self.bytes.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        let int_start = self.pos;
        if !digits(self) {
            return Err(self.error(Problem::ExpectedDigit));
        }
        if self.bytes[int_start] == b'0' && self.pos - int_start > 1 {
            self.pos = int_start;
            return Err(self.error(Problem::LeadingZero));
        }
        if self.bytes.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if !digits(self) {
                return Err(self.error(Problem::ExpectedDigit));
            }
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.pos) {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.pos) {
                self.pos += 1;
            }
            if !digits(self) {
                return Err(self.error(Problem::ExpectedDigit));
            }
        }
        Ok(Value::Number(decimal_to_f64(&self.bytes[start..self.pos])))
    }

    fn string(&mut self) -> Result<String, ParseError> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            // Copy the run of plain characters in one go: most text has no escapes.
            let run = self.pos;
            while let Some(&b) = self.bytes.get(self.pos) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // Both ends are at ASCII bytes (or the end), so on character boundaries: `get`
            // cannot fail, and unlike `[..]` brings no panic message into the wasm.
            out.push_str(self.text.get(run..self.pos).unwrap_or_default());
            match self.bytes.get(self.pos) {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    self.escape(&mut out)?;
                }
                Some(_) => return Err(self.error(Problem::ControlCharacter)),
                None => return Err(self.error(Problem::UnterminatedString)),
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), ParseError> {
        let c = match self.bytes.get(self.pos) {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                let hi = self.hex4()?;
                let c = if (0xD800..0xDC00).contains(&hi) {
                    // A high surrogate must be followed by an escaped low one.
                    if !self.rest().starts_with(b"\\u") {
                        return Err(self.error(Problem::UnpairedSurrogate));
                    }
                    self.pos += 2;
                    let lo = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&lo) {
                        return Err(self.error(Problem::UnpairedSurrogate));
                    }
                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                } else {
                    char::from_u32(hi)
                };
                out.push(c.ok_or_else(|| self.error(Problem::UnpairedSurrogate))?);
                return Ok(());
            }
            _ => return Err(self.error(Problem::UnknownEscape)),
        };
        out.push(c);
        self.pos += 1;
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let mut n = 0;
        for _ in 0..4 {
            let d = match self.bytes.get(self.pos) {
                Some(b) => (*b as char).to_digit(16),
                None => None,
            };
            n = n * 16 + d.ok_or_else(|| self.error(Problem::ExpectedHex))?;
            self.pos += 1;
        }
        Ok(n)
    }
}

/// Converts a JSON number's text (already checked against the grammar) to a double.
///
/// Exact (correctly rounded) whenever the significant digits fit in 2^53 and the decimal
/// exponent is within ±22 (Clinger's fast path): every id, count and millisecond time the
/// protocol carries, such as `1732723123456.789`. Other numbers are within a few ulps.
/// Why not `str::parse`: its exact algorithm brings a 10 KB table into the wasm.
fn decimal_to_f64(text: &[u8]) -> f64 {
    let (negative, text) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    let (mantissa, mut exp10, i) = digits_to_u64(text);
    exp10 += exponent(text.get(i..).unwrap_or_default());
    let value = scale(mantissa, exp10);
    if negative {
        -value
    } else {
        value
    }
}

/// The digits (with at most one `.`) at the start of `text` as `mantissa × 10^exp10`, and
/// where they end. Digits past what a u64 holds only scale the number.
fn digits_to_u64(text: &[u8]) -> (u64, i64, usize) {
    let mut mantissa: u64 = 0;
    let mut exp10: i64 = 0;
    let mut i = 0;
    let mut seen_dot = false;
    while let Some(&b) = text.get(i) {
        match b {
            b'0'..=b'9' => {
                if mantissa < (1 << 60) {
                    mantissa = mantissa * 10 + u64::from(b - b'0');
                    if seen_dot {
                        exp10 -= 1;
                    }
                } else if !seen_dot {
                    exp10 += 1;
                }
            }
            b'.' => seen_dot = true,
            _ => break,
        }
        i += 1;
    }
    (mantissa, exp10, i)
}

/// The value of an exponent part (`e-12`, `E+3`) at the start of `text`; 0 if there is none.
/// Clamped far beyond any double's range, so that it cannot overflow.
fn exponent(text: &[u8]) -> i64 {
    let Some((b'e' | b'E', rest)) = text.split_first() else {
        return 0;
    };
    let (sign, digits) = match rest.split_first() {
        Some((b'-', digits)) => (-1, digits),
        Some((b'+', digits)) => (1, digits),
        _ => (1, rest),
    };
    let mut e: i64 = 0;
    for &b in digits.iter().take_while(|b| b.is_ascii_digit()) {
        e = (e * 10 + i64::from(b - b'0')).min(100_000);
    }
    sign * e
}

/// `mantissa × 10^exp10` as a double.
fn scale(mantissa: u64, exp10: i64) -> f64 {
    const POW10: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];
    let pow = |v: f64, e: i64| {
        if e >= 0 {
            v * POW10[e as usize]
        } else {
            v / POW10[(-e) as usize]
        }
    };
    let m = mantissa as f64;
    if mantissa < (1 << 53) && (-22..=22).contains(&exp10) {
        // Both operands are exact doubles, so the one rounding is the correct one.
        return pow(m, exp10);
    }
    if mantissa == 0 {
        return 0.0;
    }
    // Scale in steps of 1e22 (exact), then once by the remainder.
    let mut v = m;
    let mut e = exp10.clamp(-400, 400);
    while e > 22 {
        v *= 1e22;
        e -= 22;
    }
    while e < -22 {
        v /= 1e22;
        e += 22;
    }
    pow(v, e)
}

/// Appends `s` to `out` as a JSON string literal, quotes included.
pub fn write_str(out: &mut String, s: &str) {
    out.push('"');
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        let esc = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        // `run` and `i` are at ASCII bytes: on character boundaries, so `get` cannot fail.
        out.push_str(s.get(run..i).unwrap_or_default());
        if esc.is_empty() {
            // A control character: `\u00XX`, lowercase hex, as JSON.stringify writes it.
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        } else {
            out.push_str(esc);
        }
        run = i + 1;
    }
    out.push_str(s.get(run..).unwrap_or_default());
    out.push('"');
}

/// Appends a number, rounded to three decimals: the protocol's numbers are ids, counts and
/// times in milliseconds, for which a microsecond is precision enough. Numbers the protocol
/// never carries (non-finite, or 2^63 and beyond in size) become `null`.
///
/// Why not `{}` or `{:?}`: Rust's shortest-float formatting pulls about 15 KB of tables and
/// code into the wasm, and every page view downloads it.
pub fn write_f64(out: &mut String, n: f64) {
    if !n.is_finite() || n.abs() >= 9_223_372_036_854_775_808.0 {
        out.push_str("null");
        return;
    }
    let thousandths = (n.abs() * 1000.0).round();
    if thousandths >= 9_007_199_254_740_992.0 {
        // Beyond 2^53 thousandths the fraction is noise: write the whole part exactly.
        if n < 0.0 {
            out.push('-');
        }
        write_u64(out, n.abs().round() as u64);
        return;
    }
    let t = thousandths as u64;
    if n < 0.0 && t != 0 {
        out.push('-');
    }
    write_u64(out, t / 1000);
    let mut frac = t % 1000;
    if frac != 0 {
        // Three digits, trailing zeros dropped; no formatting machinery, no allocation.
        out.push('.');
        let mut width = 3;
        while frac % 10 == 0 {
            frac /= 10;
            width -= 1;
        }
        let mut digits = [b'0'; 3];
        for d in digits[..width].iter_mut().rev() {
            *d = b'0' + (frac % 10) as u8;
            frac /= 10;
        }
        out.push_str(std::str::from_utf8(&digits[..width]).unwrap_or_default());
    }
}

/// Appends a whole number in decimal. Hot on the batch path (an id and a time per message),
/// where `write!` and its formatting machinery cost more than the rest of the encoding.
pub fn write_u64(out: &mut String, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&buf[i..]).unwrap_or_default());
}

/// A number as [`write_f64`] writes it, for messages.
pub fn number_text(n: f64) -> String {
    let mut out = String::new();
    write_f64(&mut out, n);
    out
}

/// Builds one JSON object, member by member.
pub struct ObjectWriter<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> ObjectWriter<'a> {
    /// Starts an object at the end of `out`.
    pub fn new(out: &'a mut String) -> Self {
        out.push('{');
        ObjectWriter { out, first: true }
    }

    fn key(&mut self, key: &str) -> &mut String {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        write_str(self.out, key);
        self.out.push(':');
        self.out
    }

    /// A string member.
    pub fn str(&mut self, key: &str, value: &str) -> &mut Self {
        let out = self.key(key);
        write_str(out, value);
        self
    }

    /// A number member.
    pub fn num(&mut self, key: &str, value: f64) -> &mut Self {
        let out = self.key(key);
        write_f64(out, value);
        self
    }

    /// A whole-number member.
    pub fn int(&mut self, key: &str, value: u64) -> &mut Self {
        let out = self.key(key);
        write_u64(out, value);
        self
    }

    /// A member whose value the caller writes itself (an array or a nested object).
    pub fn raw(&mut self, key: &str, write: impl FnOnce(&mut String)) -> &mut Self {
        let out = self.key(key);
        write(out);
        self
    }

    /// Closes the object.
    pub fn finish(self) {
        self.out.push('}');
    }
}

/// One JSON object as a string, its members written by `members`: the one helper every
/// encoder of a reply or a refusal uses (the broker's wire format, the lab's and the broker's
/// wasm exports).
pub fn object(members: impl FnOnce(&mut ObjectWriter<'_>)) -> String {
    let mut out = String::new();
    let mut w = ObjectWriter::new(&mut out);
    members(&mut w);
    w.finish();
    out
}

/// The first `max` characters of `s` (all of it if shorter), without copying.
pub fn clip_chars(s: &str, max: usize) -> &str {
    let end = s.char_indices().nth(max).map_or(s.len(), |(i, _)| i);
    s.get(..end).unwrap_or(s)
}

/// Appends a JSON array, writing each item with `write`.
pub fn write_array<T>(out: &mut String, items: &[T], mut write: impl FnMut(&mut String, &T)) {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write(out, item);
    }
    out.push(']');
}

/// A value written as JSON: the one way the crate writes JSON (the protocol and the lab).
pub trait ToJson {
    /// Appends this value's JSON to `out`.
    fn write_json(&self, out: &mut String);

    /// This value's JSON.
    fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }
}

impl<T: ToJson> ToJson for [T] {
    fn write_json(&self, out: &mut String) {
        write_array(out, self, |out, item| item.write_json(out));
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write_json(&self, out: &mut String) {
        self.as_slice().write_json(out);
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn write_json(&self, out: &mut String) {
        match self {
            Some(v) => v.write_json(out),
            None => out.push_str("null"),
        }
    }
}

impl<A: ToJson, B: ToJson> ToJson for (A, B) {
    fn write_json(&self, out: &mut String) {
        out.push('[');
        self.0.write_json(out);
        out.push(',');
        self.1.write_json(out);
        out.push(']');
    }
}

impl ToJson for str {
    fn write_json(&self, out: &mut String) {
        write_str(out, self);
    }
}

impl ToJson for String {
    fn write_json(&self, out: &mut String) {
        write_str(out, self);
    }
}

impl ToJson for bool {
    fn write_json(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

impl ToJson for u64 {
    fn write_json(&self, out: &mut String) {
        write_u64(out, *self);
    }
}

impl ToJson for usize {
    fn write_json(&self, out: &mut String) {
        write_u64(out, *self as u64);
    }
}

impl ToJson for u32 {
    fn write_json(&self, out: &mut String) {
        write_u64(out, u64::from(*self));
    }
}

impl ToJson for f64 {
    fn write_json(&self, out: &mut String) {
        write_f64(out, *self);
    }
}

impl ToJson for i64 {
    fn write_json(&self, out: &mut String) {
        if *self < 0 {
            out.push('-');
        }
        write_u64(out, self.unsigned_abs());
    }
}

/// Adds member `key` written by `value`'s [`ToJson`].
pub fn member<T: ToJson + ?Sized>(w: &mut ObjectWriter<'_>, key: &str, value: &T) {
    w.raw(key, |out| value.write_json(out));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_written_as_lowercase_u00xx_escapes_as_json_stringify_does() {
        let mut out = String::new();
        write_str(&mut out, "a\u{0}\u{1f}\u{8}\u{c}\n\r\t\"\\\u{7f}中");
        assert_eq!(
            out,
            "\"a\\u0000\\u001f\\u0008\\u000c\\n\\r\\t\\\"\\\\\u{7f}中\""
        );
    }

    #[test]
    fn numbers_beyond_2_to_the_53_thousandths_are_written_whole() {
        for (n, text) in [
            (9_007_199_254_740.992_f64, "9007199254741"),
            (-1e17, "-100000000000000000"),
            (1e-4, "0"),
            (-1e-4, "0"),
            (-1.5, "-1.5"),
            (f64::NAN, "null"),
            (1e19, "null"),
        ] {
            assert_eq!(number_text(n), text, "{n}");
        }
    }

    #[test]
    fn clip_chars_keeps_whole_characters() {
        assert_eq!(clip_chars("中文ab", 3), "中文a");
        assert_eq!(clip_chars("ab", 3), "ab");
        assert_eq!(clip_chars("", 0), "");
    }
}
