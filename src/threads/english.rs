//! The threads view's words in English: the one place in `threads` where sentences are
//! written. The errors say what was wrong as data (a parameter, a value, a range; a role and an
//! id); this module writes them for `Display`, and the page words the same fields in English or
//! Chinese from its string table.

use super::scenario::ParamError;
use super::shared::RunError;
use std::fmt;

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamError::NotANumber { param, value, used } => write!(
                f,
                "{}={value:?} is not a whole number; using {used}",
                param.name()
            ),
            ParamError::OutOfRange {
                param,
                value,
                min,
                max,
                used,
            } => write!(
                f,
                "{}={value} is outside {min}..={max}; using {used}",
                param.name()
            ),
            ParamError::UnknownChoice {
                param,
                value,
                choices,
                used,
            } => write!(
                f,
                "{}={value:?} is not one of {}; using {used}",
                param.name(),
                choices.join(", ")
            ),
        }
    }
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::NoSuchThread { role, id, count } => {
                write!(f, "there is no {} {id}: the run has {count}", role.key())
            }
            RunError::AlreadyRan { role, id } => {
                write!(f, "{} {id} has already run", role.key())
            }
            RunError::Settled => f.write_str("the run is over"),
        }
    }
}
