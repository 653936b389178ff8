#![cfg(not(target_arch = "wasm32"))]
//! The levels (`src/sim/level.rs`, `lessons/path.txt`): every level on the path parses, is
//! bilingual, has a reachable goal and a fix that makes its failure unreachable and cannot be
//! cheated (`src/sim/mutate.rs`); a goal is met by stepping; and `lab check` fails on a broken
//! level, a cheatable fix and a twin that is not on the path.

use std::process::Command;

use queue_playground::course::parse_path;
use queue_playground::sim::level::{
    parse_level, program_text, twins_off_the_path, verify, Level, Win,
};
use queue_playground::sim::mutate::{fix_won, mutants, survey, Family};
use queue_playground::sim::{decode_schedule, explore, parse, Limits, Machine, Model};

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
    // Every lab level is checked and sound; the levels of the other views are their own
    // (`.level` files), and any of them that fails makes the command fail.
    for name in path() {
        let ok = format!("ok   {name} ");
        assert!(
            stdout.lines().any(|l| l.starts_with(&ok)),
            "{name}: {stdout}"
        );
    }
    let fails = stdout.lines().filter(|l| l.starts_with("FAIL")).count();
    assert_eq!(out.status.success(), fails == 0, "{stdout}");

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
    std::fs::write(dir.join("path.txt"), "lab lost\nlab three\n").unwrap();
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
        assert!(s.parsed >= 6, "{name}: only {} mutants parse", s.parsed);
        cheats.extend(s.survivors.iter().map(|m| format!("{name}: {m}")));
    }
    assert!(cheats.is_empty(), "{}", cheats.join("\n"));
}

/// The deadlock level's program as it was, without a final assert: its fix asked only that no
/// deadlock remain, and kept the increments but nothing that checks them.
const OLD_DEADLOCK: &str = "shared moved = 0\nmutex m1, m2\n\
    thread A {\n  m1.lock()\n  m2.lock()\n  moved = moved + 1\n  m2.unlock()\n  m1.unlock()\n}\n\
    thread B {\n  m2.lock()\n  m1.lock()\n  moved = moved + 1\n  m1.unlock()\n  m2.unlock()\n}\n";

/// The old fix: B takes the locks in A's order.
fn old_deadlock_fix() -> String {
    OLD_DEADLOCK.replacen("m2.lock()\n  m1.lock()", "m1.lock()\n  m2.lock()", 1)
}

/// The old deadlock level: today's texts with the old program, fix.win and fix.keep.
fn old_deadlock_level() -> String {
    let (_, src) = level("deadlock");
    let block = &src[program_text(&src).len()..];
    let block = block.replace("fix.win: never any", "fix.win: never deadlock");
    let block = block.replace(
        "fix.keep: final assert moved == 2",
        "fix.keep: moved = moved + 1",
    );
    format!("{OLD_DEADLOCK}\n{block}")
}

#[test]
fn the_old_deadlock_fix_is_rejected_with_the_cheat_that_passed() {
    let src = old_deadlock_level();
    let old = parse_level(&src).unwrap();
    let old_fix = old_deadlock_fix();
    // The old check accepted the fix: it could not see the cheat.
    verify(&old, program_text(&src), &old_fix, &Limits::default()).unwrap();
    let s = survey(&old, &old_fix, &Limits::default()).unwrap();
    let all = &s.survivors[0];
    assert_eq!(
        (all.family, all.line, all.what.as_str()),
        (Family::Sync, 4, "delete all synchronisation")
    );
    // The cheat a learner found: no locks, no deadlock, and moved = 1 in 4 of 6 schedules.
    let prog = parse(&all.src).unwrap();
    let r = explore(&prog, Model::Sc, &Limits::default(), &mut |_| true);
    let counts: Vec<String> = r
        .outcomes
        .iter()
        .map(|o| format!("{} {}", o.outcome, o.count))
        .collect();
    assert_eq!(counts, ["moved=1 4", "moved=2 2"]);
    assert!(s.survivors.iter().any(|m| m.what == "empty thread B"));

    // The level as it is now: its fix survives no mutant, and the same cheat fails it.
    let (now, _) = level("deadlock");
    let fixed = read(&now.fix_file);
    let s = survey(&now, &fixed, &Limits::default()).unwrap();
    assert!(s.survivors.is_empty() && s.parsed > 10, "{s:?}");
    let with_assert = fixed.clone();
    assert!(fix_won(&now, &with_assert, &Limits::default()));
    let no_locks: String = with_assert
        .lines()
        .filter(|l| !l.contains("lock()"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(!fix_won(&now, &no_locks, &Limits::default()));
}

#[test]
fn lab_check_names_the_cheat_and_a_twin_off_the_path() {
    let lab = env!("CARGO_BIN_EXE_lab");
    let dir = std::env::temp_dir().join(format!("lab-cheat-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let old = old_deadlock_level().replace("deadlock_fixed.lab", "old_fixed.lab");
    std::fs::write(dir.join("old.lab"), &old).unwrap();
    std::fs::write(dir.join("old_fixed.lab"), old_deadlock_fix()).unwrap();
    std::fs::write(dir.join("twin.lab"), read("counter_lost_update.lab")).unwrap();
    std::fs::write(dir.join("counter_mutex.lab"), read("counter_mutex.lab")).unwrap();
    std::fs::write(dir.join("path.txt"), "lab old\nlab twin\n").unwrap();
    let out = Command::new(lab).arg("check").arg(&dir).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(
            "FAIL old: old_fixed.lab: the fix can be cheated (delete synchronisation, line 4: \
             delete all synchronisation;"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("FAIL twin: twin.lab: twin threads_lost_update: not on the path"),
        "{stdout}"
    );
}

#[test]
fn every_family_of_cheat_is_tried_on_the_bounded_buffer() {
    let (level, _) = level("bounded_buffer_overflow");
    let fix = read(&level.fix_file);
    let all = mutants(&fix, level.model).unwrap();
    for family in [Family::Sync, Family::Work, Family::Loop, Family::Assert] {
        assert!(all.iter().any(|m| m.family == family), "{family:?}");
    }
    // The cheat the old level let through: a shorter producer loop cannot overflow, but now
    // the consumer waits forever for the item that never comes.
    let short = all.iter().find(|m| m.what == "while bound 2 → 1").unwrap();
    let prog = parse(&short.src).unwrap();
    let r = explore(&prog, level.model, &Limits::default(), &mut |_| true);
    assert!(r.complete && !r.failures.is_empty());
    assert!(!fix_won(&level, &short.src, &Limits::default()));
}

#[test]
fn the_buffer_overflows_in_a_few_statements_of_the_producer() {
    let (level, src) = level("bounded_buffer_overflow");
    let prog = parse(&src).unwrap();
    let mut m = Machine::new(&prog, level.model);
    let mut statements = 0;
    while !level.win.met_by(&m) {
        m.step_statement(0).unwrap();
        statements += 1;
        assert!(statements <= 8, "no overflow after {statements} statements");
    }
    eprintln!("the buffer overflowed after {statements} statements of the Producer");
}

#[test]
fn twins_are_levels_of_other_views_on_the_path() {
    let stops = parse_path(&read("path.txt")).unwrap();
    for (name, twins) in [
        ("counter_lost_update", &["threads_lost_update"][..]),
        (
            "check_then_act",
            &["threads_check_then_act", "threads_start_guard"],
        ),
        ("mutex_missing", &["threads_lost_item"]),
    ] {
        let (level, _) = level(name);
        assert_eq!(level.twins, twins, "{name}");
        assert!(twins_off_the_path(&level, &stops).is_empty(), "{name}");
    }
}
