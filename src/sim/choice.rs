//! A scheduling decision, and the compact text form used to share a schedule in a URL.
//!
//! A schedule is a comma-separated list: `0` runs thread 0's next step, `1.2` runs thread 1's
//! next step taking alternative 2 (under release/acquire: which write a load reads, or where a
//! store goes), `f0` commits the oldest store in thread 0's store buffer (TSO), and `w1` wakes
//! thread 1 spuriously from a condition variable wait. For example `0,1,1,f0,2`.

use std::fmt;
use std::str::FromStr;

/// One scheduling decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Choice {
    /// Run the next step of `thread`; `alt` picks among its alternatives (0 if it has none).
    Step {
        /// The thread, from 0.
        thread: usize,
        /// Under release/acquire, the message position a load reads (or a read-modify-write
        /// reads), or the position a store is inserted at; 0 otherwise.
        alt: usize,
    },
    /// TSO: write the oldest store in `thread`'s store buffer to memory.
    Flush {
        /// The thread whose buffer drains by one.
        thread: usize,
    },
    /// Wake `thread` from a condition variable wait without a notify (a spurious wakeup).
    Wake {
        /// The waiting thread.
        thread: usize,
    },
}

impl Choice {
    /// The thread this choice is about.
    pub fn thread(self) -> usize {
        match self {
            Choice::Step { thread, .. } | Choice::Flush { thread } | Choice::Wake { thread } => {
                thread
            }
        }
    }

    /// A plain step of `thread` (alternative 0).
    pub fn step(thread: usize) -> Choice {
        Choice::Step { thread, alt: 0 }
    }
}

impl fmt::Display for Choice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Choice::Step { thread, alt: 0 } => write!(f, "{thread}"),
            Choice::Step { thread, alt } => write!(f, "{thread}.{alt}"),
            Choice::Flush { thread } => write!(f, "f{thread}"),
            Choice::Wake { thread } => write!(f, "w{thread}"),
        }
    }
}

/// A schedule entry that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadChoice {
    /// The entry as written.
    pub text: String,
}

impl std::error::Error for BadChoice {}

impl FromStr for Choice {
    type Err = BadChoice;

    fn from_str(s: &str) -> Result<Choice, BadChoice> {
        let bad = || BadChoice {
            text: s.to_string(),
        };
        let num = |t: &str| -> Result<usize, BadChoice> {
            if t.is_empty() || t.len() > 6 || !t.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            t.parse().map_err(|_| bad())
        };
        let s = s.trim();
        if let Some(rest) = s.strip_prefix('f') {
            return Ok(Choice::Flush { thread: num(rest)? });
        }
        if let Some(rest) = s.strip_prefix('w') {
            return Ok(Choice::Wake { thread: num(rest)? });
        }
        match s.split_once('.') {
            Some((t, a)) => Ok(Choice::Step {
                thread: num(t)?,
                alt: num(a)?,
            }),
            None => Ok(Choice::step(num(s)?)),
        }
    }
}

/// Writes a schedule as `0,1,1,f0,2`.
pub fn encode_schedule(schedule: &[Choice]) -> String {
    let parts: Vec<String> = schedule.iter().map(|c| c.to_string()).collect();
    parts.join(",")
}

/// Reads a schedule written by [`encode_schedule`]; the empty string is the empty schedule.
pub fn decode_schedule(text: &str) -> Result<Vec<Choice>, BadChoice> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    text.split(',').map(str::parse).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_round_trip_through_text() {
        let s = vec![
            Choice::step(0),
            Choice::Step { thread: 1, alt: 2 },
            Choice::Flush { thread: 0 },
            Choice::Wake { thread: 3 },
        ];
        assert_eq!(encode_schedule(&s), "0,1.2,f0,w3");
        assert_eq!(decode_schedule("0,1.2,f0,w3").unwrap(), s);
        assert_eq!(decode_schedule("").unwrap(), vec![]);
        for bad in ["x", "1.", ".1", "f", "-1", "99999999999"] {
            let text = bad.to_string();
            assert_eq!(decode_schedule(bad), Err(BadChoice { text }));
        }
        let text = String::new();
        assert_eq!(decode_schedule("0,,1"), Err(BadChoice { text }));
        let json = crate::sim::ToJson::to_json(&s);
        assert_eq!(json, r#"["0","1.2","f0","w3"]"#);
    }
}
