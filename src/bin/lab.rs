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
//! `check DIR` verifies every level on the path, `DIR/path.txt` (`docs/COURSE.md`): a lab level
//! (`NAME.lab`, `src/sim/level.rs`) has a level block that parses, its goal is reachable under
//! its model, and the fixed program it names makes the failure unreachable under exhaustive
//! exploration; a level of another view (`NAME.level`, `src/course.rs`) is well-formed, in the
//! view the path says, with only that view's facts; and every level file is on the path. It prints one line per level and exits
//! with 1 if any is wrong.

use std::io::Read;
use std::process::ExitCode;
use std::time::Instant;

use queue_playground::course::{parse_path, parse_view_level, Stop};
use queue_playground::sim::english::{self, parse_error, request_error};
use queue_playground::sim::level::{parse_level, program_text, twins_off_the_path, verify, Level};
use queue_playground::sim::mutate::survey;
use queue_playground::sim::request::RequestError;
use queue_playground::sim::{explore, parse, Limits, Model, ParseError};

/// The command line's usage.
const USAGE: &str = "usage: lab FILE|- [sc|tso|ra] [--max-states N]";

/// A problem with the command line's arguments or input.
#[derive(Debug)]
enum CommandError {
    /// No program file named.
    NoFile,
    /// A flag without its number.
    NeedsNumber { flag: &'static str },
    /// A model name that is not one.
    UnknownModel { name: String },
    /// The file (or stdin, named `stdin`) could not be read.
    CannotRead { file: String, error: std::io::Error },
    /// The program does not parse.
    Parse { file: String, error: ParseError },
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CommandError::NoFile => f.write_str("no program file given"),
            CommandError::NeedsNumber { flag } => write!(f, "{flag} needs a number"),
            CommandError::UnknownModel { name } => {
                f.write_str(&request_error(&RequestError::UnknownModel {
                    name: name.clone(),
                }))
            }
            CommandError::CannotRead { file, error } => write!(f, "cannot read {file}: {error}"),
            CommandError::Parse { file, error } => write!(f, "{file}:{}", parse_error(error)),
        }
    }
}

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
            let text = e.to_string();
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

/// `lab check DIR`: verifies every level on the path in `DIR/path.txt`, in every view.
fn check(dir: &str) -> ExitCode {
    let dir = std::path::Path::new(dir);
    let path = match std::fs::read_to_string(dir.join("path.txt")) {
        Ok(text) => text,
        Err(e) => {
            eprintln!(
                "lab check: cannot read {}: {e}",
                dir.join("path.txt").display()
            );
            return ExitCode::from(2);
        }
    };
    let stops = match parse_path(&path) {
        Ok(stops) => stops,
        Err(e) => {
            println!("FAIL path.txt: {e}");
            return ExitCode::from(1);
        }
    };
    let order: Vec<&str> = stops.iter().map(|s| s.name.as_str()).collect();
    let mut bad = 0;
    let mut say_bad = |name: &str, what: String| {
        bad += 1;
        println!("FAIL {name}: {what}");
    };
    for stop in &stops {
        let name = stop.name.as_str();
        let checked = if stop.view == "lab" {
            check_level(dir, name)
        } else {
            check_view_level(dir, stop, &order)
        };
        match checked {
            Ok(line) => println!("ok   {name} {line}"),
            Err(what) => say_bad(name, what),
        }
    }
    // A level left off the path would never be played.
    for name in levels_off_the_path(dir, &order) {
        say_bad(&name, "a level that is not on the path (path.txt)".into());
    }
    println!("{} levels, {bad} wrong", order.len());
    if bad == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// A level of a view other than the lab (`NAME.level`): its block well-formed, in the view the
/// path puts it in, its twins on the path.
fn check_view_level(dir: &std::path::Path, stop: &Stop, order: &[&str]) -> Result<String, String> {
    let file = format!("{}.level", stop.name);
    let src =
        std::fs::read_to_string(dir.join(&file)).map_err(|e| format!("cannot read {file}: {e}"))?;
    let level = parse_view_level(&src).map_err(|e| format!("{file}: {e}"))?;
    if level.view != stop.view {
        return Err(format!(
            "{file} says view {}, path.txt line {} says {}",
            level.view, stop.line, stop.view
        ));
    }
    if let Some(t) = level.twins.iter().find(|t| !order.contains(&t.as_str())) {
        return Err(format!("{file}: its twin `{t}` is not on the path"));
    }
    Ok(format!(
        "({}): goal {} condition(s), fix {} condition(s), {} hint(s)",
        level.view,
        level.win.len(),
        level.fix_win.len(),
        level.hints
    ))
}

/// One level of `dir`: its goal reachable, its fix making it unreachable; the line to print,
/// or what is wrong.
fn check_level(dir: &std::path::Path, name: &str) -> Result<String, String> {
    let read = |file: &str| {
        std::fs::read_to_string(dir.join(file)).map_err(|e| format!("cannot read {file}: {e}"))
    };
    let file = format!("{name}.lab");
    let src = read(&file)?;
    let level: Level = parse_level(&src).map_err(|e| format!("{file}:{e}"))?;
    let fix_src = read(&level.fix_file)?;
    let start = Instant::now();
    let v = verify(&level, program_text(&src), &fix_src, &Limits::default())
        .map_err(|p| english::level_problem(&p, &level.fix_file))?;
    // The fix cannot be cheated: no mutant of the fixed program (locks deleted, work deleted,
    // a loop shrunk, an assert deleted) wins it too (src/sim/mutate.rs); and its twins in
    // other views are on the path.
    let cheats = survey(&level, &fix_src, &Limits::default())
        .map_err(|e| format!("{}:{}", level.fix_file, parse_error(&e)))?;
    if let Some(m) = cheats.survivors.first() {
        let more = cheats.survivors.len() - 1;
        return Err(format!(
            "{}: the fix can be cheated ({m}; {more} more)",
            level.fix_file
        ));
    }
    let path = parse_path(&read("path.txt")?).map_err(|e| format!("path.txt: {e}"))?;
    if let Some(wrong) = twins_off_the_path(&level, &path).first() {
        return Err(format!("{file}: twin {wrong}"));
    }
    Ok(format!(
        "({}): goal in {} schedules of {} states; {} makes it unreachable in {} states, and none of its {} mutants does ({:.2} s)",
        level.model.name(),
        v.goal_schedules,
        v.goal_states,
        level.fix_file,
        v.fix_states,
        cheats.parsed,
        start.elapsed().as_secs_f64()
    ))
}

/// The lessons of `dir` with a level block that `order` (the path) does not list.
fn levels_off_the_path(dir: &std::path::Path, order: &[&str]) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok()?.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
        .iter()
        .filter(|f| {
            let name = f.rsplit_once('.').map_or(f.as_str(), |(n, _)| n);
            !order.contains(&name)
        })
        .filter_map(|f| {
            let text = std::fs::read_to_string(dir.join(f)).ok()?;
            let level = if let Some(name) = f.strip_suffix(".lab") {
                parse_level(&text).is_ok().then_some(name)
            } else {
                f.strip_suffix(".level")
            };
            level
        })
        .map(str::to_string)
        .collect()
}
