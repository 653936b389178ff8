//! The interleaving lab: small concurrent programs that a learner steps through as
//! the scheduler, or hands to an explorer that runs every interleaving under a memory model.
//!
//! The pipeline reads top to bottom:
//! - [`lexer`] and [`parser`] turn text into an [`ast::Ast`]; every error names a line and
//!   column, and no input makes them panic.
//! - [`compile`] resolves names and splits each statement into [`program::Step`]s, each touching
//!   shared state at most once: the places where another thread may run in between.
//! - [`state`] holds a run's state under a [`Model`]; [`model`] is where the memory models
//!   differ, one file each behind one trait: sequential consistency, TSO store buffers, and
//!   release/acquire messages and views.
//! - [`exec`] lists the [`Choice`]s possible in a state and applies one, an instruction at a
//!   time; [`describe`] says what a step or choice does, as data, and [`english`] words it.
//! - [`Machine`] is the manual scheduler, with undo; [`sched`] has random and PCT schedulers;
//!   [`explore`] visits every reachable state, storing them packed ([`pack`]) and, where
//!   threads are alike, one per set of states that differ only by swapping them ([`symmetry`]).
//!
//! Nothing here uses threads or clocks, so it runs the same natively and in a Web Worker.
//! The language is documented in `docs/LAB.md`.
//!
//! ```
//! use queue_playground::sim::{explore, parse, Limits, Model};
//! let prog = parse("shared x = 0\nthread A { x = x + 1 }\nthread B { x = x + 1 }").unwrap();
//! let report = explore(&prog, Model::Sc, &Limits::default(), &mut |_| true);
//! let counts: Vec<(String, u64)> =
//!     report.outcomes.iter().map(|o| (o.outcome.to_string(), o.count)).collect();
//! assert_eq!(counts, [("x=1".to_string(), 4), ("x=2".to_string(), 2)]);
//! ```

pub mod ast;
pub mod choice;
pub mod compile;
pub mod describe;
pub mod english;
pub mod error;
pub mod exec;
pub mod explore;
pub mod level;
pub mod lexer;
pub mod machine;
pub mod messages;
pub mod model;
pub mod mutate;
pub mod pack;
pub mod parser;
pub mod program;
pub mod report;
pub mod request;
pub mod sched;
pub mod state;
pub mod step_text;
pub mod symmetry;
pub mod to_json;

pub use crate::json::ToJson;
pub use choice::{decode_schedule, encode_schedule, BadChoice, Choice};
pub use describe::{AltText, ChoiceText, StepText};
pub use error::{Expected, Found, NameRole, ParseError, ParseErrorKind};
pub use exec::RunStatus;
pub use explore::{explore, explore_unreduced, Limits, Progress};
pub use machine::{Machine, MachineView, Refusal, StepError};
pub use model::{ra, Memory, MemoryModel};
pub use program::Program;
pub use report::{
    Failure, FailureDetail, FailureKind, OutcomeCount, Report, Stop, Stuck, StuckThread, ThreadAt,
};
pub use request::RequestError;
pub use sched::{run_pct, run_random, sample, Run, Sample, Strategy};
pub use state::{Model, Outcome};

/// Parses and compiles a lab program.
///
/// ```
/// use queue_playground::sim::{parse, ParseErrorKind};
/// let err = parse("shared x = 0\nthread A {\n  x = y\n}").unwrap_err();
/// assert_eq!((err.line, err.col), (3, 7));
/// assert_eq!(err.kind, ParseErrorKind::UnknownName { name: "y".into() });
/// assert!(err.to_string().starts_with("3:7: unknown name `y`"));
/// ```
pub fn parse(src: &str) -> Result<Program, ParseError> {
    let toks = lexer::lex(src)?;
    let ast = parser::parse_tokens(&toks)?;
    compile::compile(&ast)
}
