#![cfg(not(target_arch = "wasm32"))]
//! The levels (`src/sim/level.rs`, `lessons/path.txt`): every level on the path parses, is
//! bilingual, has a reachable goal and a fix that makes its failure unreachable; a goal is met
//! by stepping; and `lab check` fails on a broken level.

use std::process::Command;

use queue_playground::course::parse_path;
use queue_playground::sim::level::{parse_level, program_text, verify, Level, Win};
use queue_playground::sim::mutate::survey;
use queue_playground::sim::{decode_schedule, parse, Limits, Machine};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/lessons");

fn read(name: &str) -> String {
    let path = format!("{DIR}/{name}");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The lab's levels on the course's path (`VIEW NAME` lines), in order.
fn path() -> Vec<String> {
    let stops = parse_path(&read("path.txt")).unwrap_or_else(|e| panic!("path.txt: {e}"));
    let lab = stops.into_iter().filter(|s| s.view == "lab");
    lab.map(|s| s.name).collect()
}

fn level(name: &str) -> (Level, String) {
    let src = read(&format!("{name}.lab"));
    let level = parse_level(&src).unwrap_or_else(|e| panic!("{name}.lab:{e}"));
    (level, src)
}

#[test]
fn every_level_on_the_path_verifies_and_speaks_both_languages() {
    let names = path();
    assert!(names.len() >= 16, "{} levels", names.len());
    let cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    for name in &names {
        let (level, src) = level(name);
        let fix = read(&level.fix_file);
        let v = verify(&level, program_text(&src), &fix, &Limits::default())
            .unwrap_or_else(|p| panic!("{name}: {p:?}"));
        assert!(v.goal_schedules > 0 && v.fix_states > 0, "{name}");
        let texts = [
            &level.title,
            &level.goal,
            &level.won,
            &level.fix,
            &level.fixed,
        ];
        for t in texts.into_iter().chain(&level.hints) {
            assert!(!t.en.is_empty() && !cjk(&t.en), "{name}: {t:?}");
            assert!(cjk(&t.zh), "{name}: the Chinese text is Chinese: {t:?}");
        }
        assert!(!level.hints.is_empty(), "{name} has a hint");
        // The program the editor shows keeps the file's line numbers.
        let shown = program_text(&src);
        assert_eq!(shown.lines().count() as u32, level.program_lines, "{name}");
        assert!(parse(shown).is_ok(), "{name}");
    }
    // The path opens with the reference program's two claims, broken in turn.
    assert_eq!(names[..2], ["counter_lost_update", "check_then_act"]);
}

#[test]
fn stepping_the_textbook_schedules_meets_the_goals() {
    for (name, schedule, met) in [
        ("counter_lost_update", "0,1,0,1", true),
        ("counter_lost_update", "0,0,1,1", false),
        ("deadlock", "0,1", true),
        ("deadlock", "0,0", false),
        ("store_buffering", "0,0,1,1,f0,f1", true),
    ] {
        let (level, src) = level(name);
        let prog = parse(&src).unwrap();
        let choices = decode_schedule(schedule).unwrap();
        let m = Machine::replay(&prog, level.model, &choices).unwrap();
        assert_eq!(level.win.met_by(&m), met, "{name} {schedule}");
    }
    let (level, _) = level("deadlock");
    assert!(matches!(level.win, Win::Failure(_)));
}

#[test]
fn lab_check_passes_the_lessons_and_fails_a_broken_level() {
    let lab = env!("CARGO_BIN_EXE_lab");
    let out = Command::new(lab).args(["check", DIR]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("ok ")).count(),
        path().len()
    );

    // A copy of one level whose "fix" is the broken program itself, and whose goal cannot
    // happen: both are reported, and the command fails.
    let dir = std::env::temp_dir().join(format!("lab-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src = read("counter_lost_update.lab");
    let broken_fix = src.replace("counter_mutex.lab", "lost.lab");
    std::fs::write(dir.join("lost.lab"), &broken_fix).unwrap();
    let unreachable = src.replace("win: outcome count=1", "win: outcome count=3");
    std::fs::write(dir.join("three.lab"), &unreachable).unwrap();
    std::fs::write(dir.join("counter_mutex.lab"), read("counter_mutex.lab")).unwrap();
    std::fs::write(dir.join("stray.lab"), &src).unwrap();
    std::fs::write(dir.join("path.txt"), "lost\nthree\n").unwrap();
    let out = Command::new(lab).arg("check").arg(&dir).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("FAIL lost: lost.lab: the failure is still reachable"),
        "{stdout}"
    );
    assert!(
        stdout.contains("FAIL three: no schedule reaches the goal"),
        "{stdout}"
    );
    assert!(
        stdout.contains("FAIL stray: a level that is not on the path"),
        "{stdout}"
    );
}

#[test]
fn no_fix_on_the_path_can_be_cheated() {
    let mut cheats = Vec::new();
    for name in path() {
        let (level, _) = level(&name);
        let fix = read(&level.fix_file);
        let s = survey(&level, &fix, &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        eprintln!(
            "{name}: {} mutants, {} parse, {} states",
            s.mutants, s.parsed, s.states
        );
        for m in s.survivors {
            cheats.push(format!(
                "{name}: {} line {}: {}",
                m.family.name(),
                m.line,
                m.what
            ));
        }
    }
    assert!(cheats.is_empty(), "{}", cheats.join("\n"));
}
#[test]
fn dbg_dump() {
    let (level, _) = level("cas_counter");
    let fix = read(&level.fix_file);
    let s = survey(&level, &fix, &Limits::default()).unwrap();
    for m in s.survivors {
        eprintln!("=====\n{}", m.src);
    }
}
