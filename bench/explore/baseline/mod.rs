//! Today's explorer, frozen: a copy of `src/sim/{explore,pack,state,exec}.rs` and
//! `src/sim/model/` as they were at commit 7b9fc13 (before the explorer's speed-up), with its imports pointed at
//! the crate's unchanged public types (the program, choices, the report). The benchmark runs it
//! beside the crate's explorer in the same process and on the same programs, so every ratio is
//! measured against it in the same run. Only imports changed (the crate's `Limits`, `Model`, `Outcome`, `Fault` and report
//! types are used as they are) the test modules were dropped, and the report
//! fills in `stored` (a field added since) with its `states`.
#![allow(dead_code)]

pub mod exec;
pub mod explore;
pub mod model;
pub mod pack;
pub mod report;
pub mod state;

pub use queue_playground::sim::{ast, choice, program};
