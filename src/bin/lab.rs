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

use queue_playground::sim::{explore, parse, Limits, Model};

const USAGE: &str = "usage: lab FILE|- [sc|tso|ra] [--max-states N]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut file = None;
    let mut model = Model::Sc;
    let mut limits = Limits::default();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--max-states" {
            match it.next().and_then(|n| n.parse().ok()) {
                Some(n) => limits.max_states = n,
                None => return usage("--max-states needs a number"),
            }
        } else if a == "-h" || a == "--help" {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        } else if file.is_none() {
            file = Some(a.clone());
        } else if let Some(m) = Model::from_name(a) {
            model = m;
        } else {
            return usage(&format!("unknown model `{a}` (expected sc, tso or ra)"));
        }
    }
    let Some(file) = file else {
        return usage("no program file given");
    };
    let src = if file == "-" {
        let mut s = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut s) {
            eprintln!("lab: cannot read stdin: {e}");
            return ExitCode::from(2);
        }
        s
    } else {
        match std::fs::read_to_string(&file) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("lab: cannot read {file}: {e}");
                return ExitCode::from(2);
            }
        }
    };
    let prog = match parse(&src) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{file}:{}:{}: {}", e.line, e.col, e.message);
            return ExitCode::from(2);
        }
    };
    let start = Instant::now();
    let report = explore(&prog, model, &limits, &mut |_| true);
    let secs = start.elapsed().as_secs_f64();
    println!("# {file} under {}", model.name());
    for o in &report.outcomes {
        println!("{:>8}  {}", o.count, o.outcome);
    }
    for f in &report.failures {
        println!(
            "FAIL {} ({} schedule{}): {}\n     shortest schedule: {}",
            f.kind.name(),
            f.count,
            if f.count == 1 { "" } else { "s" },
            f.message,
            f.schedule_text
        );
    }
    eprintln!(
        "# {}; {:.0} states/s ({:.3} s)",
        report.summary(),
        report.states_per_second(secs),
        secs
    );
    if report.failures.is_empty() && report.complete {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn usage(msg: &str) -> ExitCode {
    eprintln!("lab: {msg}\n{USAGE}");
    ExitCode::from(2)
}
