//! Splits lab program text into tokens, each with the line and column where it starts.
//!
//! Newlines are tokens because they end statements; `#` and `//` start comments that run to the
//! end of the line.

use super::error::{ParseError, ParseErrorKind};

/// The most lines a program may have. Lessons are under a hundred; the cap keeps a link made of
/// newlines from costing the page an editor line per newline.
pub const MAX_LINES: u32 = 1000;

/// What a token is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tok {
    /// A name: a keyword, variable, register, thread, memory order or method.
    Ident(String),
    /// A non-negative integer literal (a minus sign is a separate token).
    Int(i64),
    /// One of `{ } ( ) , ; . = == != < <= > >= + - * / % && || !`.
    Punct(&'static str),
    /// The end of a line: it ends a statement, like `;`.
    Newline,
    /// The end of the text.
    Eof,
}

/// A token and where it starts (1-based line and column, columns count characters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// What the token is.
    pub tok: Tok,
    /// The line it starts on, from 1.
    pub line: u32,
    /// The column it starts at, from 1, counted in characters.
    pub col: u32,
}

/// Longest punctuation first, so that `==` is not read as two `=`.
const PUNCTS: [&str; 23] = [
    "==", "!=", "<=", ">=", "&&", "||", "{", "}", "(", ")", ",", ";", ".", "=", "<", ">", "+", "-",
    "*", "/", "%", "!", ":",
];

/// Splits `src` into tokens, ending with [`Tok::Eof`].
pub fn lex(src: &str) -> Result<Vec<Token>, ParseError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line, mut col) = (0usize, 1u32, 1u32);
    while i < chars.len() {
        let c = chars[i];
        let start = (line, col);
        let push = |out: &mut Vec<Token>, tok| {
            out.push(Token {
                tok,
                line: start.0,
                col: start.1,
            })
        };
        if c == '\n' {
            push(&mut out, Tok::Newline);
            i += 1;
            line = line.saturating_add(1);
            col = 1;
            if line > MAX_LINES {
                let kind = ParseErrorKind::TooManyLines { max: MAX_LINES };
                return Err(ParseError::new(line, 1, kind));
            }
        } else if c.is_whitespace() {
            i += 1;
            col = col.saturating_add(1);
        } else if c == '#' || (c == '/' && chars.get(i + 1) == Some(&'/')) {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
                col = col.saturating_add(1);
            }
        } else if c.is_ascii_digit() {
            let (value, len) = number(&chars[i..], line, col)?;
            push(&mut out, Tok::Int(value));
            i += len;
            col = col.saturating_add(len as u32);
        } else if c.is_alphabetic() || c == '_' {
            let mut name = String::new();
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                name.push(chars[i]);
                i += 1;
                col = col.saturating_add(1);
            }
            push(&mut out, Tok::Ident(name));
        } else {
            let p = punct(&chars[i..chars.len().min(i + 2)], line, col)?;
            push(&mut out, Tok::Punct(p));
            let len = p.chars().count();
            i += len;
            col = col.saturating_add(len as u32);
        }
    }
    out.push(Token {
        tok: Tok::Eof,
        line,
        col,
    });
    Ok(out)
}

/// The number at the start of `chars` (at `line`, `col`), and how many characters it takes: a
/// letter in it is an error, as is a value past `i64`.
fn number(chars: &[char], line: u32, col: u32) -> Result<(i64, usize), ParseError> {
    let mut value: i64 = 0;
    let mut len = 0;
    while len < chars.len() && chars[len].is_ascii_alphanumeric() {
        let at = col.saturating_add(len as u32);
        let digit = chars[len].to_digit(10).ok_or_else(|| {
            ParseError::new(line, at, ParseErrorKind::NotADigit { ch: chars[len] })
        })?;
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(i64::from(digit)))
            .ok_or_else(|| ParseError::new(line, col, ParseErrorKind::NumberTooLarge))?;
        len += 1;
    }
    Ok((value, len))
}

/// The punctuation at the start of `rest` (its next two characters), longest first.
fn punct(rest: &[char], line: u32, col: u32) -> Result<&'static str, ParseError> {
    let text: String = rest.iter().collect();
    let Some(p) = PUNCTS.iter().find(|p| text.starts_with(**p)) else {
        let kind = match rest.first().copied().unwrap_or(' ') {
            '&' => ParseErrorKind::HalfOperator { op: "&&" },
            '|' => ParseErrorKind::HalfOperator { op: "||" },
            c => ParseErrorKind::UnexpectedChar { ch: c },
        };
        return Err(ParseError::new(line, col, kind));
    };
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_carry_line_and_column() {
        let toks = lex("x = 1 // c\n  y==2").unwrap();
        let pos: Vec<(u32, u32)> = toks.iter().map(|t| (t.line, t.col)).collect();
        assert_eq!(
            pos,
            [
                (1, 1),
                (1, 3),
                (1, 5),
                (1, 11),
                (2, 3),
                (2, 4),
                (2, 6),
                (2, 7)
            ]
        );
        assert_eq!(toks[5].tok, Tok::Punct("=="));
    }

    #[test]
    fn bad_characters_are_errors_not_panics() {
        let e = lex("x = 1\n  y @ 2").unwrap_err();
        assert_eq!((e.line, e.col), (2, 5));
        assert_eq!(e.kind, ParseErrorKind::UnexpectedChar { ch: '@' });
        let e = lex("99999999999999999999").unwrap_err();
        assert_eq!(e.kind, ParseErrorKind::NumberTooLarge);
        let e = lex("12ab").unwrap_err();
        assert_eq!(e.kind, ParseErrorKind::NotADigit { ch: 'a' });
    }
}
