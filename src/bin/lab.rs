//! The interleaving lab on the command line: explores every schedule of a program file and
//! prints each final outcome with its count, then the failures with a shortest schedule.
//!
//! ```text
//! cargo run --bin lab -- lessons/counter.lab [sc|tso|ra] [--max-states N]
//! echo '...' | cargo run --bin lab -- - tso
//! cargo run --bin lab -- check lessons/
//! ```
//!
//! Exit codes: 0 when exploration completed without failures, 1 when it found failures or
//! stopped at the state bound, 2 on a parse error or bad arguments.
//!
//! `check DIR` verifies every level in DIR (`src/sim/level.rs`): each file listed in
//! `DIR/path.txt` has a level block that parses, its goal is reachable under its model, and
//! the fixed program it names makes the failure unreachable under exhaustive exploration; and
//! every lesson with a level block is on the path. It prints one line per level and exits
//! with 1 if any is wrong.

use std::io::Read;
use std::process::ExitCode;
use std::time::Instant;

use queue_playground::sim::english::{self, CommandError, USAGE};
use queue_playground::sim::level::{parse_level, program_text, verify};
use queue_playground::sim::{explore, parse, Limits, Model};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    if args.first().map(String::as_str) == Some("check") {
        return check(args.get(1).map(String::as_str).unwrap_or("lessons"));
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

/// `lab check DIR`: verifies every level on the path in `DIR/path.txt`.
fn check(dir: &str) -> ExitCode {
    let dir = std::path::Path::new(dir);
    let read = |name: &str| std::fs::read_to_string(dir.join(name));
    let path = match read("path.txt") {
        Ok(text) => text,
        Err(e) => {
            eprintln!(
                "lab check: cannot read {}: {e}",
                dir.join("path.txt").display()
            );
            return ExitCode::from(2);
        }
    };
    let order: Vec<&str> = path
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let mut bad = 0;
    let mut say_bad = |name: &str, what: String| {
        bad += 1;
        println!("FAIL {name}: {what}");
    };
    for name in &order {
        let file = format!("{name}.lab");
        let src = match read(&file) {
            Ok(s) => s,
            Err(e) => {
                say_bad(name, format!("cannot read {file}: {e}"));
                continue;
            }
        };
        let level = match parse_level(&src) {
            Ok(l) => l,
            Err(e) => {
                say_bad(name, format!("{file}:{e}"));
                continue;
            }
        };
        let fix_src = match read(&level.fix_file) {
            Ok(s) => s,
            Err(e) => {
                say_bad(name, format!("cannot read {}: {e}", level.fix_file));
                continue;
            }
        };
        let start = Instant::now();
        match verify(&level, program_text(&src), &fix_src, &Limits::default()) {
            Ok(v) => println!(
                "ok   {name} ({}): goal in {} schedules of {} states; {} makes it unreachable in {} states ({:.2} s)",
                level.model.name(),
                v.goal_schedules,
                v.goal_states,
                level.fix_file,
                v.fix_states,
                start.elapsed().as_secs_f64()
            ),
            Err(p) => say_bad(name, english::level_problem(&p, &level.fix_file)),
        }
    }
    // A level left off the path would never be played.
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok()?.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    for f in files.iter().filter(|f| f.ends_with(".lab")) {
        let name = &f[..f.len() - 4];
        let is_level = read(f).map(|s| parse_level(&s).is_ok()).unwrap_or(false);
        if is_level && !order.contains(&name) {
            say_bad(name, "a level that is not on the path (path.txt)".into());
        }
    }
    println!("{} levels, {bad} wrong", order.len());
    if bad == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
