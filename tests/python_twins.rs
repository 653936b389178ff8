#![cfg(not(target_arch = "wasm32"))]
//! The Python twins (`lessons/python/`): each level of the course shows "the same in Python"
//! beside its program. For every level on the path (`lessons/path.txt`) and for every lab
//! level's fix file there must be `lessons/python/NAME.py`, and no twin may outlive its level.
//! When `python3` is on PATH, every twin must compile (`python3 -m py_compile`) and run to
//! exit status 0 printing its outcome; the twins that need pika run without site-packages
//! (`python3 -S`), where they must print a plain message instead of a traceback.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use queue_playground::course::parse_path;
use queue_playground::sim::level::parse_level;

const LESSONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/lessons");

/// How long one twin may run before the test kills it and fails: generous, because the machine
/// may be loaded; a twin meant to finish in a fraction of a second that takes this long hangs.
const RUN_LIMIT: Duration = Duration::from_secs(30);

/// How many twins run at once.
const AT_ONCE: usize = 6;

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The twins the course asks for: every level on the path, and every lab level's fix file
/// (`#| fix.file: deadlock_fixed.lab` asks for `deadlock_fixed`).
fn wanted() -> BTreeSet<String> {
    let path = Path::new(LESSONS).join("path.txt");
    let stops = parse_path(&read(&path)).unwrap_or_else(|e| panic!("lessons/path.txt: {e}"));
    assert!(!stops.is_empty(), "lessons/path.txt lists no level");
    let mut names = BTreeSet::new();
    for stop in stops {
        if stop.view == "lab" {
            let file = Path::new(LESSONS).join(format!("{}.lab", stop.name));
            let level =
                parse_level(&read(&file)).unwrap_or_else(|e| panic!("{}: {e:?}", file.display()));
            let fix = level.fix_file.strip_suffix(".lab").unwrap_or_else(|| {
                panic!("{}: fix.file `{}` is not a .lab", stop.name, level.fix_file)
            });
            names.insert(fix.to_string());
        }
        names.insert(stop.name);
    }
    names
}

fn twin(name: &str) -> PathBuf {
    Path::new(LESSONS).join("python").join(format!("{name}.py"))
}

#[test]
fn every_level_and_fix_has_a_python_twin_and_every_twin_a_level() {
    let wanted = wanted();
    let missing: Vec<_> = wanted
        .iter()
        .filter(|name| std::fs::metadata(twin(name)).map_or(true, |m| m.len() == 0))
        .collect();
    assert!(
        missing.is_empty(),
        "no lessons/python/NAME.py, or an empty one, for: {missing:?}"
    );
    let dir = Path::new(LESSONS).join("python");
    let stray: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter_map(|file| file.strip_suffix(".py").map(str::to_string))
        .filter(|name| !wanted.contains(name))
        .collect();
    assert!(stray.is_empty(), "twins of no level on the path: {stray:?}");
}

/// Whether `python3` runs here.
fn python3() -> bool {
    Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Waits for `child` at most `RUN_LIMIT`, killing it when the time is up.
fn wait(name: &str, mut child: Child, started: Instant) -> Output {
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if started.elapsed() > RUN_LIMIT => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{name}.py still running after {RUN_LIMIT:?}: killed");
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => panic!("{name}.py: {e}"),
        }
    }
    child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("{name}.py: {e}"))
}

#[test]
fn the_python_twins_compile_and_run() {
    let names: Vec<String> = wanted().into_iter().collect();
    if !python3() {
        // Straight to stderr, not through eprintln!, which the test harness captures and
        // hides when the test passes: whoever runs the tests must see that this part did not.
        let _ = writeln!(
            std::io::stderr(),
            "python_twins: python3 is not on PATH: the {} Python twins were NOT compiled or \
             run; only their existence was checked",
            names.len()
        );
        return;
    }
    // Compile every twin in one call; the bytecode goes to a temporary folder, not beside them.
    let cache = std::env::temp_dir().join(format!("python-twins-{}", std::process::id()));
    let out = Command::new("python3")
        .args(["-m", "py_compile"])
        .args(names.iter().map(|n| twin(n)))
        .env("PYTHONPYCACHEPREFIX", &cache)
        .output()
        .expect("python3 -m py_compile");
    let _ = std::fs::remove_dir_all(&cache);
    assert!(
        out.status.success(),
        "python3 -m py_compile failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Run them, a few at a time. `-S` leaves out site-packages: a twin runs on the standard
    // library alone, and one that needs pika must say so plainly and exit 0.
    for chunk in names.chunks(AT_ONCE) {
        let running: Vec<_> = chunk
            .iter()
            .map(|name| {
                let child = Command::new("python3")
                    .arg("-S")
                    .arg(twin(name))
                    .env("PYTHONDONTWRITEBYTECODE", "1")
                    .stdin(Stdio::null())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap_or_else(|e| panic!("{name}.py: {e}"));
                (name, child, Instant::now())
            })
            .collect();
        for (name, child, started) in running {
            let out = wait(name, child, started);
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                out.status.success() && stderr.is_empty(),
                "{name}.py: {}\nstdout:\n{stdout}\nstderr:\n{stderr}",
                out.status
            );
            assert!(!stdout.trim().is_empty(), "{name}.py printed no outcome");
            if read(&twin(name)).contains("import pika") {
                assert!(
                    stdout.contains("needs pika"),
                    "{name}.py without pika printed:\n{stdout}"
                );
            }
        }
    }
}
