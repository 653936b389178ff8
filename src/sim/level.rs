//! A level: what a lesson file asks of the learner, read from the block of `#|` lines that
//! ends it, so that a new lesson needs no code (the format is in `docs/LAB.md`).
//!
//! ```text
//! shared count = 0            <- the program: what the editor shows, lines unchanged
//! thread A { count = count + 1 }
//! ...
//! #| title.en: Atomicity: a lost update
//! #| title.zh: 原子性：丢失更新
//! #| concept: atomicity
//! #| model: sc
//! #| goal.en: Make count end at 1.
//! #| win: outcome count=1
//! #| fix.win: never assert
//! #| fix.file: counter_mutex.lab
//! ...
//! ```
//!
//! The block comes last so that the program keeps its line numbers, and its lines are
//! comments, so the whole file still runs as it is. A level is won while stepping when
//! [`Win::met_by`] holds for the stepper's machine; its fix is won when exhaustive exploration
//! of the learner's edited program satisfies [`Never::holds`]. [`verify`] checks both for the
//! lesson's own files, for `cargo run --bin lab -- check lessons/`.

use super::explore::{explore, Limits};
use super::machine::Machine;
use super::program::Program;
use super::report::{failure_of, FailureKind, Report};
use super::state::{Model, Outcome};
use super::ParseError;
use crate::json::{member, ObjectWriter, ToJson};

/// A text in the page's two languages.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Text {
    /// English.
    pub en: String,
    /// Chinese.
    pub zh: String,
}

/// The chapter a level belongs to: the reference post's five headings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Concept {
    /// 原子性.
    Atomicity,
    /// 可见性.
    Visibility,
    /// 有序性.
    Ordering,
    /// 竞态条件.
    Race,
    /// 同步机制.
    Sync,
}

impl Concept {
    const ALL: [Concept; 5] = [
        Concept::Atomicity,
        Concept::Visibility,
        Concept::Ordering,
        Concept::Race,
        Concept::Sync,
    ];

    /// The name used in lesson files and the page's string keys.
    pub fn name(self) -> &'static str {
        match self {
            Concept::Atomicity => "atomicity",
            Concept::Visibility => "visibility",
            Concept::Ordering => "ordering",
            Concept::Race => "race",
            Concept::Sync => "sync",
        }
    }
}

/// What the learner must reach by stepping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Win {
    /// The run ends (a false `final assert` included) with these observed values.
    Outcome(Vec<(String, i64)>),
    /// The run fails this way.
    Failure(FailureKind),
}

/// What the fix must make impossible, under exhaustive exploration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Never {
    /// Any failure.
    Any,
    /// A failure of this kind.
    Failure(FailureKind),
    /// A finished run with these observed values.
    Outcome(Vec<(String, i64)>),
}

/// A lesson file's level.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Level {
    /// Its title.
    pub title: Text,
    /// Its chapter.
    pub concept: Concept,
    /// The memory model it opens under.
    pub model: Model,
    /// The goal, one sentence.
    pub goal: Text,
    /// The goal, machine-checked.
    pub win: Win,
    /// What the success panel explains once the goal is reached.
    pub won: Text,
    /// The fix to make next, one sentence.
    pub fix: Text,
    /// The fix, machine-checked.
    pub fix_win: Never,
    /// A lesson file (in the same folder) holding a fixed program.
    pub fix_file: String,
    /// Text the fixed program must still contain, so that deleting the test is no fix.
    pub keep: Vec<String>,
    /// What the panel says once the fix holds.
    pub fixed: Text,
    /// Hints, revealed one at a time.
    pub hints: Vec<Text>,
    /// Levels of other views that show the same failure (`twin: NAME NAME`), so that the page
    /// can point from one to the other; `lab check` verifies that each is on the path.
    pub twins: Vec<String>,
    /// How many lines the program has: the lines before the level block.
    pub program_lines: u32,
}

/// What is wrong with a level block, and on which line of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LevelError {
    /// The line, from 1 (0 when the problem is a key missing from the whole block).
    pub line: u32,
    /// What is wrong.
    pub kind: LevelErrorKind,
}

/// What can be wrong with a level block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LevelErrorKind {
    /// The file has no `#|` lines: it is a plain program, not a level.
    NoLevel,
    /// A program line after the level block (it would shift no lines, but the editor would
    /// lose it).
    ProgramAfterLevel,
    /// A `#|` line without `key: value`.
    NoColon,
    /// A key the format does not have.
    UnknownKey {
        /// The key.
        key: String,
    },
    /// A key given twice that may be given once.
    Duplicate {
        /// The key.
        key: String,
    },
    /// A required key is missing.
    Missing {
        /// The key.
        key: &'static str,
    },
    /// A key with an empty value.
    Empty {
        /// The key.
        key: String,
    },
    /// A concept that is not one of the five chapters.
    UnknownConcept {
        /// The name given.
        name: String,
    },
    /// A model that is not `sc`, `tso` or `ra`.
    UnknownModel {
        /// The name given.
        name: String,
    },
    /// A `win:` that is not `outcome NAME=V ...` or `failure KIND`.
    BadWin {
        /// The text given.
        text: String,
    },
    /// A `fix.win:` that is not `never any`, `never KIND` or `never outcome NAME=V ...`.
    BadNever {
        /// The text given.
        text: String,
    },
    /// A livelock cannot be reached by stepping: a run that loops forever never ends.
    LivelockGoal,
    /// A `twin:` entry that is not a level name (lowercase letters, digits and `_`).
    BadTwin {
        /// The entry.
        name: String,
    },
    /// `hint.en` and `hint.zh` lines do not pair up.
    HintsUnpaired {
        /// How many English hints.
        en: usize,
        /// How many Chinese hints.
        zh: usize,
    },
}

impl std::error::Error for LevelError {}

/// The prefix of a level line.
const MARK: &str = "#|";

/// The program part of a lesson file: everything before its level block (the whole text if
/// it has none). Its lines are the file's lines, so errors and failures name the same line.
pub fn program_text(src: &str) -> &str {
    let mut at = 0;
    for line in src.split_inclusive('\n') {
        if line.trim_start().starts_with(MARK) {
            return &src[..at];
        }
        at += line.len();
    }
    src
}

/// A failure kind by its name in lesson files and the page's JSON.
pub fn failure_kind(name: &str) -> Option<FailureKind> {
    Some(match name {
        "assert" => FailureKind::Assert,
        "runtime_error" => FailureKind::RuntimeError,
        "deadlock" => FailureKind::Deadlock,
        "lost_wakeup" => FailureKind::LostWakeup,
        "livelock" => FailureKind::Livelock,
        _ => return None,
    })
}

/// `NAME=V NAME=V ...`, at least one.
fn values(text: &str) -> Option<Vec<(String, i64)>> {
    let pairs: Option<Vec<_>> = text
        .split_whitespace()
        .map(|p| {
            let (k, v) = p.split_once('=')?;
            if k.is_empty() {
                return None;
            }
            Some((k.to_string(), v.parse().ok()?))
        })
        .collect();
    pairs.filter(|p| !p.is_empty())
}

fn parse_win(text: &str) -> Option<Win> {
    let (word, rest) = text.split_once(' ').unwrap_or((text, ""));
    match word {
        "outcome" => values(rest).map(Win::Outcome),
        "failure" => failure_kind(rest.trim()).map(Win::Failure),
        _ => None,
    }
}

fn parse_never(text: &str) -> Option<Never> {
    let rest = text.strip_prefix("never ")?.trim();
    if rest == "any" {
        return Some(Never::Any);
    }
    if let Some(v) = rest.strip_prefix("outcome ") {
        return values(v).map(Never::Outcome);
    }
    failure_kind(rest).map(Never::Failure)
}

/// Reads the level block of a lesson file.
///
/// ```
/// use queue_playground::sim::level::{parse_level, Win, LevelErrorKind};
/// let src = "shared x = 0\nthread A { x = 1 }\n#| title.en: T\n#| title.zh: 题\n\
///     #| concept: atomicity\n#| model: sc\n#| goal.en: G\n#| goal.zh: 目标\n\
///     #| win: outcome x=1\n#| won.en: W\n#| won.zh: 赢\n#| fix.en: F\n#| fix.zh: 修\n\
///     #| fix.win: never assert\n#| fix.file: x.lab\n#| fixed.en: D\n#| fixed.zh: 好\n";
/// let level = parse_level(src).unwrap();
/// assert_eq!(level.win, Win::Outcome(vec![("x".into(), 1)]));
/// assert_eq!(level.program_lines, 2);
/// let e = parse_level("thread A { }").unwrap_err();
/// assert_eq!(e.kind, LevelErrorKind::NoLevel);
/// ```
pub fn parse_level(src: &str) -> Result<Level, LevelError> {
    let program_lines = program_text(src).lines().count() as u32;
    if program_lines as usize == src.lines().count() {
        return Err(LevelError {
            line: 0,
            kind: LevelErrorKind::NoLevel,
        });
    }
    let mut fields: Vec<(u32, String, String)> = Vec::new();
    for (i, line) in src.lines().enumerate().skip(program_lines as usize) {
        let line_no = i as u32 + 1;
        let err = |kind| {
            Err(LevelError {
                line: line_no,
                kind,
            })
        };
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        let Some(body) = trimmed.strip_prefix(MARK) else {
            return err(LevelErrorKind::ProgramAfterLevel);
        };
        let Some((key, value)) = body.split_once(':') else {
            return err(LevelErrorKind::NoColon);
        };
        let (key, value) = (key.trim().to_string(), value.trim().to_string());
        if !KEYS.contains(&key.as_str()) {
            return err(LevelErrorKind::UnknownKey { key });
        }
        if value.is_empty() {
            return err(LevelErrorKind::Empty { key });
        }
        let repeatable = matches!(key.as_str(), "hint.en" | "hint.zh" | "fix.keep");
        if !repeatable && fields.iter().any(|(_, k, _)| *k == key) {
            return err(LevelErrorKind::Duplicate { key });
        }
        fields.push((line_no, key, value));
    }
    Block { fields }.level(program_lines)
}

/// Every key of the format.
const KEYS: &[&str] = &[
    "title.en", "title.zh", "concept", "model", "goal.en", "goal.zh", "win", "won.en", "won.zh",
    "fix.en", "fix.zh", "fix.win", "fix.file", "fix.keep", "fixed.en", "fixed.zh", "hint.en",
    "hint.zh", "twin",
];

/// The block's lines as (line, key, value), each key checked and at most once unless
/// repeatable.
struct Block {
    fields: Vec<(u32, String, String)>,
}

impl Block {
    fn get(&self, key: &'static str) -> Result<(u32, &str), LevelError> {
        self.fields
            .iter()
            .find(|(_, k, _)| k == key)
            .map(|(l, _, v)| (*l, v.as_str()))
            .ok_or(LevelError {
                line: 0,
                kind: LevelErrorKind::Missing { key },
            })
    }

    fn all(&self, key: &str) -> Vec<String> {
        let values = self.fields.iter().filter(|(_, k, _)| k == key);
        values.map(|(_, _, v)| v.clone()).collect()
    }

    fn text(&self, key: &'static str, zh: &'static str) -> Result<Text, LevelError> {
        let en = self.get(key)?.1.to_string();
        let zh = self.get(zh)?.1.to_string();
        Ok(Text { en, zh })
    }

    fn level(&self, program_lines: u32) -> Result<Level, LevelError> {
        let at = |line, kind| LevelError { line, kind };
        let (line, name) = self.get("concept")?;
        let concept = Concept::ALL.into_iter().find(|c| c.name() == name);
        let name = name.to_string();
        let concept = concept.ok_or(at(line, LevelErrorKind::UnknownConcept { name }))?;
        let (line, name) = self.get("model")?;
        let model = Model::from_name(name).filter(|m| m.name() == name);
        let name = name.to_string();
        let model = model.ok_or(at(line, LevelErrorKind::UnknownModel { name }))?;
        let (line, text) = self.get("win")?;
        let win = parse_win(text).ok_or(at(line, LevelErrorKind::BadWin { text: text.into() }))?;
        if win == Win::Failure(FailureKind::Livelock) {
            return Err(at(line, LevelErrorKind::LivelockGoal));
        }
        let (line, text) = self.get("fix.win")?;
        let bad = LevelErrorKind::BadNever { text: text.into() };
        let fix_win = parse_never(text).ok_or(at(line, bad))?;
        let (en, zh) = (self.all("hint.en"), self.all("hint.zh"));
        if en.len() != zh.len() {
            let kind = LevelErrorKind::HintsUnpaired {
                en: en.len(),
                zh: zh.len(),
            };
            return Err(at(0, kind));
        }
        let hints = en.into_iter().zip(zh).map(|(en, zh)| Text { en, zh });
        let mut twins = Vec::new();
        if let Ok((line, text)) = self.get("twin") {
            for name in text.split_whitespace() {
                if !crate::course::is_name(name) {
                    let name = name.to_string();
                    return Err(at(line, LevelErrorKind::BadTwin { name }));
                }
                twins.push(name.to_string());
            }
        }
        Ok(Level {
            title: self.text("title.en", "title.zh")?,
            concept,
            model,
            goal: self.text("goal.en", "goal.zh")?,
            win,
            won: self.text("won.en", "won.zh")?,
            fix: self.text("fix.en", "fix.zh")?,
            fix_win,
            fix_file: self.get("fix.file")?.1.to_string(),
            keep: self.all("fix.keep"),
            fixed: self.text("fixed.en", "fixed.zh")?,
            hints: hints.collect(),
            twins,
            program_lines,
        })
    }
}

/// True if `outcome` shows every one of `want`.
fn shows(outcome: &Outcome, want: &[(String, i64)]) -> bool {
    want.iter().all(|w| outcome.0.contains(w))
}

impl Win {
    /// True if the stepper's run meets the goal now.
    ///
    /// ```
    /// use queue_playground::sim::{parse, Choice, Machine, Model};
    /// use queue_playground::sim::level::Win;
    /// let prog = parse("shared x = 0\nthread A { x = x + 1 }\nthread B { x = x + 1 }").unwrap();
    /// let mut m = Machine::new(&prog, Model::Sc);
    /// let win = Win::Outcome(vec![("x".into(), 1)]);
    /// for t in [0, 1, 0] { m.step(Choice::step(t)).unwrap(); }
    /// assert!(!win.met_by(&m), "x is 1 but the run has not ended");
    /// m.step(Choice::step(1)).unwrap();
    /// assert!(win.met_by(&m));
    /// ```
    pub fn met_by(&self, m: &Machine) -> bool {
        let status = m.status();
        match self {
            Win::Outcome(want) => {
                use super::RunStatus::{FinalFailed, Finished};
                matches!(status, Finished | FinalFailed { .. }) && shows(&m.outcome(), want)
            }
            Win::Failure(kind) => {
                failure_of(m.program(), m.state(), status).map(|(k, _)| k) == Some(*kind)
            }
        }
    }

    /// How many schedules in `report` meet the goal (0: unreachable, as far as it explored).
    pub fn schedules_in(&self, report: &Report) -> u64 {
        match self {
            Win::Outcome(want) => report
                .outcomes
                .iter()
                .filter(|o| shows(&o.outcome, want))
                .map(|o| o.count)
                .sum(),
            Win::Failure(kind) => report
                .failures
                .iter()
                .filter(|f| f.kind == *kind)
                .map(|f| f.count)
                .sum(),
        }
    }
}

impl Never {
    /// True if `report` explored everything and never reached what the fix forbids.
    pub fn holds(&self, report: &Report) -> bool {
        report.complete
            && match self {
                Never::Any => report.failures.is_empty(),
                Never::Failure(kind) => report.failures.iter().all(|f| f.kind != *kind),
                Never::Outcome(want) => report.outcomes.iter().all(|o| !shows(&o.outcome, want)),
            }
    }
}

/// The twins of `level` that `path` (the course, `course::parse_path`) does not list as a
/// level of a view other than the lab, each with what is wrong: an empty list when all are
/// there.
///
/// ```
/// use queue_playground::course::parse_path;
/// use queue_playground::sim::level::{parse_level, twins_off_the_path};
/// let src = "thread A { }\n#| title.en: T\n#| title.zh: 题\n#| concept: race\n#| model: sc\n\
///     #| goal.en: G\n#| goal.zh: 目\n#| win: failure assert\n#| won.en: W\n#| won.zh: 赢\n\
///     #| fix.en: F\n#| fix.zh: 修\n#| fix.win: never any\n#| fix.file: f.lab\n\
///     #| fixed.en: D\n#| fixed.zh: 好\n#| twin: real_one gone\n";
/// let level = parse_level(src).unwrap();
/// let path = parse_path("lab t\nthreads real_one\n").unwrap();
/// assert_eq!(twins_off_the_path(&level, &path), ["gone: not on the path"]);
/// ```
pub fn twins_off_the_path(level: &Level, path: &[crate::course::Stop]) -> Vec<String> {
    let mut wrong = Vec::new();
    for twin in &level.twins {
        match path.iter().find(|s| s.name == *twin) {
            None => wrong.push(format!("{twin}: not on the path")),
            Some(s) if s.view == "lab" => {
                wrong.push(format!("{twin}: a lab level, not one of another view"))
            }
            Some(_) => {}
        }
    }
    wrong
}

/// What `verify` found wrong with a level.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// The lesson's program does not parse.
    Program(ParseError),
    /// Exploring the lesson stopped before the end.
    GoalIncomplete,
    /// No schedule reaches the goal under the level's model.
    GoalUnreachable,
    /// The fixed program does not parse.
    FixProgram(ParseError),
    /// Exploring the fixed program stopped before the end.
    FixIncomplete,
    /// The fixed program still reaches what the fix forbids.
    FixFails,
    /// The fixed program lacks text the fix must keep.
    FixLacks {
        /// The text.
        keep: String,
    },
    /// The lesson's own program already satisfies its fix: there is nothing to fix.
    NothingToFix,
}

/// What `verify` measured for a sound level.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// Schedules of the lesson that meet the goal.
    pub goal_schedules: u64,
    /// States the lesson's exploration visited.
    pub goal_states: usize,
    /// States the fixed program's exploration visited.
    pub fix_states: usize,
}

/// Checks a level against its own program (`src`, the lesson file) and its fixed program
/// (`fix_src`, the file `level.fix_file` names), exhaustively, under the level's model: the
/// goal is reachable, the lesson's program does not already satisfy the fix, and the fixed
/// program makes the failure unreachable while keeping what it must keep.
pub fn verify(
    level: &Level,
    src: &str,
    fix_src: &str,
    limits: &Limits,
) -> Result<Verdict, Problem> {
    let explore_all = |prog: &Program| explore(prog, level.model, limits, &mut |_| true);
    let prog = super::parse(src).map_err(Problem::Program)?;
    let report = explore_all(&prog);
    if !report.complete {
        return Err(Problem::GoalIncomplete);
    }
    let goal_schedules = level.win.schedules_in(&report);
    if goal_schedules == 0 {
        return Err(Problem::GoalUnreachable);
    }
    if level.fix_win.holds(&report) {
        return Err(Problem::NothingToFix);
    }
    let fix = super::parse(fix_src).map_err(Problem::FixProgram)?;
    if let Some(keep) = missing_keep(level, fix_src) {
        return Err(Problem::FixLacks { keep });
    }
    let fixed = explore_all(&fix);
    if !fixed.complete {
        return Err(Problem::FixIncomplete);
    }
    if !level.fix_win.holds(&fixed) {
        return Err(Problem::FixFails);
    }
    Ok(Verdict {
        goal_schedules,
        goal_states: report.states,
        fix_states: fixed.states,
    })
}

/// The first text the fix must keep that `src` lacks (spaces compared loosely). A text listed
/// n times must be there n times, so that a fix with the same check in two threads cannot
/// delete one of them.
///
/// ```
/// use queue_playground::sim::level::{missing_keep, Level};
/// # fn level(keep: &[&str]) -> Level {
/// #     let src = "thread A { }\n#| title.en: T\n#| title.zh: 题\n#| concept: sync\n\
/// #         #| model: sc\n#| goal.en: G\n#| goal.zh: 目\n#| win: failure assert\n\
/// #         #| won.en: W\n#| won.zh: 赢\n#| fix.en: F\n#| fix.zh: 修\n#| fix.win: never any\n\
/// #         #| fix.file: f.lab\n#| fixed.en: D\n#| fixed.zh: 好\n";
/// #     let mut l = queue_playground::sim::level::parse_level(src).unwrap();
/// #     l.keep = keep.iter().map(|k| k.to_string()).collect();
/// #     l
/// # }
/// let twice = level(&["assert n >= 0", "assert n >= 0"]);
/// let both = "thread A { assert  n >= 0 }\nthread B { assert n >= 0 }\n";
/// assert_eq!(missing_keep(&twice, both), None);
/// let one = "thread A { assert n >= 0 }\nthread B { }\n";
/// assert_eq!(missing_keep(&twice, one), Some("assert n >= 0".to_string()));
/// ```
pub fn missing_keep(level: &Level, src: &str) -> Option<String> {
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let have = squash(program_text(src));
    let lacks = level.keep.iter().find(|k| {
        let want = level.keep.iter().filter(|other| squash(other) == squash(k));
        have.matches(&squash(k)).count() < want.count()
    });
    lacks.cloned()
}

// The page's view of a level: every field, texts as {en, zh}, conditions as tagged objects
// (`{"kind": "outcome", "values": [["count", 1]]}`, `{"kind": "failure", "failure": "assert"}`,
// `{"kind": "never", "failure": null, "values": null}` for `never any`).
impl ToJson for Text {
    fn write_json(&self, out: &mut String) {
        let mut w = ObjectWriter::new(out);
        w.str("en", &self.en);
        w.str("zh", &self.zh);
        w.finish();
    }
}

impl ToJson for Win {
    fn write_json(&self, out: &mut String) {
        let mut w = ObjectWriter::new(out);
        match self {
            Win::Outcome(values) => {
                w.str("kind", "outcome");
                member(&mut w, "values", values);
            }
            Win::Failure(kind) => {
                w.str("kind", "failure");
                member(&mut w, "failure", kind);
            }
        }
        w.finish();
    }
}

impl ToJson for Never {
    fn write_json(&self, out: &mut String) {
        let (failure, values) = match self {
            Never::Any => (None, None),
            Never::Failure(kind) => (Some(*kind), None),
            Never::Outcome(values) => (None, Some(values.clone())),
        };
        let mut w = ObjectWriter::new(out);
        w.str("kind", "never");
        member(&mut w, "failure", &failure);
        member(&mut w, "values", &values);
        w.finish();
    }
}

impl ToJson for Level {
    fn write_json(&self, out: &mut String) {
        let mut w = ObjectWriter::new(out);
        member(&mut w, "title", &self.title);
        w.str("concept", self.concept.name());
        w.str("model", self.model.name());
        member(&mut w, "goal", &self.goal);
        member(&mut w, "win", &self.win);
        member(&mut w, "won", &self.won);
        member(&mut w, "fix", &self.fix);
        member(&mut w, "fix_win", &self.fix_win);
        member(&mut w, "fix_file", &self.fix_file);
        member(&mut w, "keep", &self.keep);
        member(&mut w, "fixed", &self.fixed);
        member(&mut w, "hints", &self.hints);
        member(&mut w, "twins", &self.twins);
        member(&mut w, "program_lines", &self.program_lines);
        w.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "#| title.en: T\n#| title.zh: 题\n#| concept: race\n#| model: tso\n\
        #| goal.en: G\n#| goal.zh: 目\n#| won.en: W\n#| won.zh: 赢\n#| fix.en: F\n\
        #| fix.zh: 修\n#| fix.file: f.lab\n#| fixed.en: D\n#| fixed.zh: 好\n";

    fn level(extra: &str) -> Result<Level, LevelError> {
        parse_level(&format!("thread A {{ }}\n\n{HEAD}{extra}"))
    }

    #[test]
    fn reads_every_field_and_pairs_hints() {
        let l = level(
            "#| win: failure deadlock\n#| fix.win: never outcome A.r=1 x=-2\n\
             #| fix.keep: m.lock()\n#| hint.en: one\n#| hint.zh: 一\n#| hint.en: two\n\
             #| hint.zh: 二\n",
        )
        .unwrap();
        assert_eq!((l.concept, l.model), (Concept::Race, Model::Tso));
        assert_eq!(l.win, Win::Failure(FailureKind::Deadlock));
        let want = vec![("A.r".to_string(), 1), ("x".to_string(), -2)];
        assert_eq!(l.fix_win, Never::Outcome(want));
        assert_eq!(l.keep, ["m.lock()"]);
        assert_eq!(l.hints.len(), 2);
        assert_eq!(l.hints[1].zh, "二");
        assert_eq!(l.program_lines, 2);
        assert!(l.twins.is_empty());
        let l = level("#| win: failure assert\n#| fix.win: never any\n#| twin: a_1  b\n").unwrap();
        assert_eq!(l.twins, ["a_1", "b"]);
        assert!(
            l.to_json().contains(r#""twins":["a_1","b"]"#),
            "{}",
            l.to_json()
        );
        let e = level("#| win: failure assert\n#| fix.win: never any\n#| twin: a B\n").unwrap_err();
        assert_eq!(e.kind, LevelErrorKind::BadTwin { name: "B".into() });
    }

    #[test]
    fn errors_name_their_line_and_what_is_wrong() {
        let e = level("#| win: outcome\n#| fix.win: never any\n").unwrap_err();
        assert_eq!(e.line, 16);
        assert_eq!(
            e.kind,
            LevelErrorKind::BadWin {
                text: "outcome".into()
            }
        );
        let e = level("#| win: failure livelock\n#| fix.win: never any\n").unwrap_err();
        assert_eq!(e.kind, LevelErrorKind::LivelockGoal);
        let e = level("#| win: failure sometimes\n#| fix.win: never any\n").unwrap_err();
        assert!(matches!(e.kind, LevelErrorKind::BadWin { .. }));
        let e = level("#| win: failure assert\n#| fix.win: always\n").unwrap_err();
        assert!(matches!(e.kind, LevelErrorKind::BadNever { .. }));
        let e = level("#| win: failure assert\n").unwrap_err();
        let fix_win = LevelErrorKind::Missing { key: "fix.win" };
        assert_eq!((e.line, e.kind), (0, fix_win));
        let e =
            level("#| win: failure assert\n#| fix.win: never any\n#| hint.en: h\n").unwrap_err();
        assert_eq!(e.kind, LevelErrorKind::HintsUnpaired { en: 1, zh: 0 });
        let e = level("#| win: failure assert\n#| win: failure assert\n").unwrap_err();
        assert_eq!(e.kind, LevelErrorKind::Duplicate { key: "win".into() });
        let e = level("#| colour: red\n").unwrap_err();
        assert_eq!(
            e.kind,
            LevelErrorKind::UnknownKey {
                key: "colour".into()
            }
        );
        let e = level("#| win failure\n").unwrap_err();
        assert_eq!(e.kind, LevelErrorKind::NoColon);
        let e = level("#| win:\n").unwrap_err();
        assert_eq!(e.kind, LevelErrorKind::Empty { key: "win".into() });
        let e = level("thread B { }\n").unwrap_err();
        assert_eq!((e.line, e.kind), (16, LevelErrorKind::ProgramAfterLevel));
        let bad_model = HEAD.replace("model: tso", "model: weak");
        let e = parse_level(&format!("thread A {{ }}\n{bad_model}")).unwrap_err();
        let kind = LevelErrorKind::UnknownModel {
            name: "weak".into(),
        };
        assert_eq!((e.line, e.kind), (5, kind));
        let bad = HEAD.replace("concept: race", "concept: luck");
        let e = parse_level(&format!("thread A {{ }}\n{bad}")).unwrap_err();
        assert!(matches!(e.kind, LevelErrorKind::UnknownConcept { .. }));
    }

    #[test]
    fn the_program_is_what_comes_before_the_block() {
        let src = "shared x\nthread A { x = 1 }\n#| title.en: T\n";
        assert_eq!(program_text(src), "shared x\nthread A { x = 1 }\n");
        assert_eq!(program_text("thread A { }"), "thread A { }");
    }

    #[test]
    fn verify_finds_unreachable_goals_and_fixes_that_fail() {
        let lost = "shared c = 0\nthread A { c = c + 1 }\nthread B { c = c + 1 }\n\
                    final assert c == 2\n";
        let fixed = "shared c = 0\nthread A { c.fetch_add(1) }\nthread B { c.fetch_add(1) }\n\
                     final assert c == 2\n";
        let l =
            level("#| win: outcome c=1\n#| fix.win: never assert\n#| fix.keep: c == 2\n").unwrap();
        let limits = Limits::default();
        let v = verify(&l, lost, fixed, &limits).unwrap();
        assert_eq!(v.goal_schedules, 18, "under tso, flushes are choices too");
        assert_eq!(
            verify(&l, fixed, fixed, &limits),
            Err(Problem::GoalUnreachable)
        );
        assert_eq!(verify(&l, lost, lost, &limits), Err(Problem::FixFails));
        let no_assert = fixed.replace("final assert c == 2\n", "");
        let lacks = Problem::FixLacks {
            keep: "c == 2".into(),
        };
        assert_eq!(verify(&l, lost, &no_assert, &limits), Err(lacks));
        let small = Limits {
            max_states: 3,
            ..Limits::default()
        };
        assert_eq!(
            verify(&l, lost, fixed, &small),
            Err(Problem::GoalIncomplete)
        );
    }
}
