//! The interleaving lab on the command line: explores every schedule of a program file and
//! prints each final outcome with its count, then the failures with a shortest schedule.
//!
//! ```text
//! cargo run --bin lab -- lessons/counter.lab [sc|tso|ra] [--max-states N]
//! echo '...' | cargo run --bin lab -- - tso
//! ```
//!
//! Exit codes: 0 when exploration completed without failures, 1 when it found failures or
//! stopped at the state bound, 2 on a parse error or bad arguments.

use std::io::Read;
use std::process::ExitCode;
use std::time::Instant;

use queue_playground::sim::english::{self, CommandError, USAGE};
use queue_playground::sim::{explore, parse, Limits, Model};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    match run(&args) {
        Ok(code) => code,
        Err(e) => {
            let text = english::command_error(&e);
            match e {
                // A parse error reads `FILE:LINE:COL: message`, as compilers write them.
                CommandError::Parse { .. } => eprintln!("{text}"),
                CommandError::CannotRead { .. } => eprintln!("lab: {text}"),
                _ => eprintln!("lab: {text}\n{USAGE}"),
            }
            ExitCode::from(2)
        }
    }
}

/// Reads the arguments and the program, explores it and prints the report.
fn run(args: &[String]) -> Result<ExitCode, CommandError> {
    let mut file = None;
    let mut model = Model::Sc;
    let mut limits = Limits::default();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--max-states" {
            let flag = "--max-states";
            limits.max_states = it
                .next()
                .and_then(|n| n.parse().ok())
                .ok_or(CommandError::NeedsNumber { flag })?;
        } else if file.is_none() {
            file = Some(a.clone());
        } else if let Some(m) = Model::from_name(a) {
            model = m;
        } else {
            return Err(CommandError::UnknownModel { name: a.clone() });
        }
    }
    let file = file.ok_or(CommandError::NoFile)?;
    let src = if file == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|error| CommandError::CannotRead {
                file: "stdin".into(),
                error,
            })?;
        s
    } else {
        std::fs::read_to_string(&file).map_err(|error| CommandError::CannotRead {
            file: file.clone(),
            error,
        })?
    };
    let prog = parse(&src).map_err(|error| CommandError::Parse {
        file: file.clone(),
        error,
    })?;
    let start = Instant::now();
    let report = explore(&prog, model, &limits, &mut |_| true);
    let secs = start.elapsed().as_secs_f64();
    print!("{}", english::report_lines(&file, &report));
    eprintln!("{}", english::timing_line(&report, secs));
    Ok(if report.failures.is_empty() && report.complete {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
