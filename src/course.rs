//! The course across every view (`docs/COURSE.md`): the path (`lessons/path.txt`, one
//! `VIEW NAME` per line) and the levels of the views other than the lab (`lessons/NAME.level`,
//! a block of `#|` lines like a lab level's, with conditions over the view's facts instead of a
//! program). The page reads the same files (`www/common/course.js`); this module is what
//! `lab check` uses to reject a level whose text, view, setup or wins are wrong before a learner
//! meets it.

use std::collections::BTreeMap;

/// The views a level can live in, by the name the path and `?view=` use.
pub const VIEWS: [&str; 4] = ["queue", "lab", "threads", "broker"];

// ---- The queue playground (www/playground/course.js computes these) -------------------------

/// The playground's facts: what its ledger counts (`sent`, `delivered`, `repeats`,
/// `duplicates`, `lost`, `balanced`), the settings its worker confirmed (`mode`, `interval`,
/// `work`, `max_batch`, `reference`), and the latest busy work of its demo that ran to its end:
/// on which thread (`busy_on`: page, worker or none), for how long (`busy_ms`), and how long the
/// page thread was blocked by busy work meanwhile (`page_blocked_ms`), recorded, never timed.
const QUEUE_FACTS: &[&str] = &[
    "sent",
    "delivered",
    "repeats",
    "duplicates",
    "lost",
    "balanced",
    "mode",
    "interval",
    "work",
    "max_batch",
    "reference",
    "busy_on",
    "busy_ms",
    "page_blocked_ms",
];

/// The playground's settings a level may put in place: the consumer's, the reference switch
/// (`on`, `off`), and the demo's busy work (`busy_ms`).
const QUEUE_SETUP: &[&str] = &[
    "mode",
    "interval",
    "work",
    "max_batch",
    "reference",
    "busy_ms",
];

// ---- Real threads (www/threads/course.js computes these) ------------------------------------

/// The threads view's facts (`facts()` in www/threads/course.js): the settings of the run the
/// ledger shows (before any run, the controls'), whether the threads were real (`real=yes`) or
/// simulated on one worker (`real=no`), how the run ended, and its exact counts. `final=yes`
/// once the counts are settled (stopped or finished); `finished=yes` only when every thread
/// returned by itself, every item put and the queue emptied. `variant` is `unsafe` when any
/// switch is (the unlocked ring, check-then-act, the racy counter or the racy start guard).
/// `put` and `taken` are items (taken: at least once, the ledger's "consumed"); `processed`
/// and `counted` are the true count and the processed counter, `lost_updates` their gap.
const THREADS_FACTS: &[&str] = &[
    "real",
    "queue",
    "consumer",
    "counter",
    "guard",
    "variant",
    "producers",
    "consumers",
    "items",
    "finished",
    "final",
    "put",
    "taken",
    "lost",
    "duplicated",
    "reordered",
    "empty_after_check",
    "stalled_after_check",
    "processed",
    "counted",
    "lost_updates",
    "consumers_started",
];

/// The threads view's settings a level may put in place: its controls (www/threads/params.js);
/// those a level does not name go back to their defaults.
const THREADS_SETUP: &[&str] = &[
    "producers",
    "consumers",
    "queue",
    "consumer",
    "counter",
    "guard",
    "maxsize",
    "rate",
    "work",
    "items",
];

// ---- The broker (www/broker/course.js computes these) ---------------------------------------

/// The broker view's facts: its settings, the ledger of the run, and what its kills met
/// (`held_when_killed`: messages consumers held when they died; `held_when_broker_killed`:
/// messages queued or unacked when the broker died), so that a fix must face a real kill.
const BROKER_FACTS: &[&str] = &[
    "engine",
    "ack",
    "idempotent",
    "durable",
    "published",
    "confirmed",
    "delivered",
    "redelivered",
    "processed_twice",
    "skipped",
    "lost",
    "consumers_killed",
    "held_when_killed",
    "broker_killed",
    "held_when_broker_killed",
    "broker_running",
];

/// The broker view's settings a level may put in place.
const BROKER_SETUP: &[&str] = &[
    "engine",
    "ack",
    "durable",
    "idempotent",
    "consumers",
    "prefetch",
    "work",
    "publish",
];

// ---------------------------------------------------------------------------------------------

/// The facts a level of `view` may name in its wins (empty for the lab, whose wins are about
/// its program: `src/sim/level.rs`).
pub fn facts(view: &str) -> &'static [&'static str] {
    match view {
        "queue" => QUEUE_FACTS,
        "threads" => THREADS_FACTS,
        "broker" => BROKER_FACTS,
        _ => &[],
    }
}

/// The settings a level of `view` may put in place with `setup:`.
pub fn setup_keys(view: &str) -> &'static [&'static str] {
    match view {
        "queue" => QUEUE_SETUP,
        "threads" => THREADS_SETUP,
        "broker" => BROKER_SETUP,
        _ => &[],
    }
}

/// One line of the path: a level and the view it lives in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stop {
    /// The view: one of [`VIEWS`].
    pub view: String,
    /// The level's name: its file is `NAME.lab` (the lab) or `NAME.level`.
    pub name: String,
    /// The line of the path it is on, from 1.
    pub line: u32,
}

/// Reads `path.txt`: one `VIEW NAME` per line, `#` comments and blank lines skipped. An error
/// names the line and what is wrong with it.
///
/// ```
/// use queue_playground::course::parse_path;
/// let p = parse_path("# the course\nqueue a\nlab b\n").unwrap();
/// assert_eq!((p[1].view.as_str(), p[1].name.as_str(), p[1].line), ("lab", "b", 3));
/// assert!(parse_path("lab\n").is_err());
/// assert!(parse_path("tv x\n").is_err());
/// ```
pub fn parse_path(text: &str) -> Result<Vec<Stop>, String> {
    let mut stops: Vec<Stop> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i as u32 + 1;
        let l = raw.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let words: Vec<&str> = l.split_whitespace().collect();
        let [view, name] = words[..] else {
            return Err(format!("line {line}: `VIEW NAME` expected, found `{l}`"));
        };
        if !VIEWS.contains(&view) {
            return Err(format!(
                "line {line}: `{view}` is not a view ({})",
                VIEWS.join(", ")
            ));
        }
        if !is_name(name) {
            return Err(format!(
                "line {line}: `{name}` is not a level name (a-z, 0-9, _)"
            ));
        }
        if stops.iter().any(|s| s.name == name) {
            return Err(format!("line {line}: `{name}` is on the path twice"));
        }
        let (view, name) = (view.to_string(), name.to_string());
        stops.push(Stop { view, name, line });
    }
    Ok(stops)
}

/// A level's name: lowercase ASCII letters, digits and `_`, starting with a letter.
pub fn is_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// A comparison in a win.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `<`
    Lt,
    /// `<=`
    Le,
}

/// The value a condition compares with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// A whole number.
    Number(u64),
    /// A word, such as `yes` or `snapshot`.
    Word(String),
}

/// One condition of a win: `FACT OP VALUE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cond {
    /// The fact it reads.
    pub fact: String,
    /// How it compares.
    pub op: Op,
    /// What with.
    pub value: Value,
}

/// Reads one condition, `FACT OP VALUE` with no spaces.
///
/// ```
/// use queue_playground::course::{parse_cond, Op, Value};
/// let c = parse_cond("lost>=1").unwrap();
/// assert_eq!((c.fact.as_str(), c.op, c.value), ("lost", Op::Ge, Value::Number(1)));
/// assert!(parse_cond("mode>snapshot").is_err()); // a word is compared with = or != only
/// assert!(parse_cond("lost").is_err());
/// ```
pub fn parse_cond(text: &str) -> Result<Cond, String> {
    let at = text
        .find(['=', '!', '<', '>'])
        .ok_or_else(|| format!("`{text}`: FACT OP VALUE expected (OP one of = != > >= < <=)"))?;
    let (fact, rest) = text.split_at(at);
    let (op, value) = [
        ("!=", Op::Ne),
        (">=", Op::Ge),
        ("<=", Op::Le),
        ("=", Op::Eq),
        (">", Op::Gt),
        ("<", Op::Lt),
    ]
    .into_iter()
    .find_map(|(s, op)| rest.strip_prefix(s).map(|v| (op, v)))
    .ok_or_else(|| format!("`{text}`: `!` must be `!=`"))?;
    if !is_fact(fact) {
        return Err(format!("`{text}`: `{fact}` is not a fact's name"));
    }
    let value = if let Ok(n) = value.parse::<u64>() {
        Value::Number(n)
    } else if is_fact(value) {
        if !matches!(op, Op::Eq | Op::Ne) {
            return Err(format!("`{text}`: a word is compared with = or != only"));
        }
        Value::Word(value.to_string())
    } else {
        return Err(format!(
            "`{text}`: `{value}` is neither a whole number nor a word"
        ));
    };
    let fact = fact.to_string();
    Ok(Cond { fact, op, value })
}

/// A fact's or a word value's name: lowercase letters, digits, `_` and `-`.
fn is_fact(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

/// A level of a view other than the lab: its texts and its machine-checked wins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViewLevel {
    /// The view it lives in.
    pub view: String,
    /// The chapter, one of the lab's five (`src/sim/level.rs`).
    pub concept: String,
    /// The settings it puts in place.
    pub setup: Vec<(String, String)>,
    /// The goal's conditions.
    pub win: Vec<Cond>,
    /// The fix's conditions.
    pub fix_win: Vec<Cond>,
    /// The levels elsewhere that show the same failure.
    pub twins: Vec<String>,
    /// How many hints (pairs of `hint.en` and `hint.zh`).
    pub hints: usize,
}

/// The keys of a view's level block.
const KEYS: &[&str] = &[
    "title.en", "title.zh", "concept", "view", "setup", "goal.en", "goal.zh", "win", "won.en",
    "won.zh", "fix.en", "fix.zh", "fix.win", "fixed.en", "fixed.zh", "hint.en", "hint.zh",
    "measure", "twin",
];

/// Keys that every level must give.
const REQUIRED: &[&str] = &[
    "title.en", "title.zh", "concept", "view", "goal.en", "goal.zh", "win", "won.en", "won.zh",
    "fix.en", "fix.zh", "fix.win", "fixed.en", "fixed.zh",
];

/// The five chapters.
const CONCEPTS: &[&str] = &["atomicity", "visibility", "ordering", "race", "sync"];

/// Reads and checks a `.level` file: every line a `#| key: value`, the required keys once, the
/// texts in both languages, the view's facts and settings only. An error names the line.
///
/// ```
/// use queue_playground::course::parse_view_level;
/// let src = "#| title.en: T\n#| title.zh: 题\n#| concept: race\n#| view: queue\n\
///     #| goal.en: G\n#| goal.zh: 目\n#| win: mode=snapshot repeats>0\n#| won.en: W\n\
///     #| won.zh: 赢\n#| fix.en: F\n#| fix.zh: 修\n#| fix.win: mode=drain repeats=0\n\
///     #| fixed.en: D\n#| fixed.zh: 好\n";
/// let l = parse_view_level(src).unwrap();
/// assert_eq!(l.win.len(), 2);
/// assert!(parse_view_level(&src.replace("repeats>0", "colour=red")).is_err());
/// ```
pub fn parse_view_level(src: &str) -> Result<ViewLevel, String> {
    let mut fields: BTreeMap<&str, Vec<(u32, &str)>> = BTreeMap::new();
    for (i, raw) in src.lines().enumerate() {
        let line = i as u32 + 1;
        let l = raw.trim();
        if l.is_empty() {
            continue;
        }
        let body = l.strip_prefix("#|").ok_or_else(|| {
            format!("line {line}: every line of a .level file is `#| key: value`")
        })?;
        let (key, value) = body
            .split_once(':')
            .ok_or_else(|| format!("line {line}: `key: value` expected"))?;
        let (key, value) = (key.trim(), value.trim());
        let known = KEYS.iter().find(|k| **k == key);
        let key = *known.ok_or_else(|| format!("line {line}: unknown key `{key}`"))?;
        if value.is_empty() {
            return Err(format!("line {line}: `{key}` is empty"));
        }
        let entry = fields.entry(key).or_default();
        if !entry.is_empty() && !matches!(key, "hint.en" | "hint.zh") {
            return Err(format!("line {line}: `{key}` is given twice"));
        }
        entry.push((line, value));
    }
    if let Some(k) = REQUIRED.iter().find(|k| !fields.contains_key(**k)) {
        return Err(format!("`{k}` is missing"));
    }
    let one = |k: &str| fields.get(k).map(|v| v[0]).unwrap_or((0, ""));
    let count = |k: &str| fields.get(k).map_or(0, Vec::len);
    let (line, view) = one("view");
    if view == "lab" || !VIEWS.contains(&view) {
        return Err(format!(
            "line {line}: `{view}` is not a view with .level files (queue, threads, broker)"
        ));
    }
    let (line, concept) = one("concept");
    if !CONCEPTS.contains(&concept) {
        return Err(format!(
            "line {line}: `{concept}` is not a chapter ({})",
            CONCEPTS.join(", ")
        ));
    }
    if count("hint.en") != count("hint.zh") {
        return Err(format!(
            "{} English hints and {} Chinese: they go in pairs",
            count("hint.en"),
            count("hint.zh")
        ));
    }
    let conds = |key: &str| -> Result<Vec<Cond>, String> {
        let (line, text) = one(key);
        let mut out = Vec::new();
        for word in text.split_whitespace() {
            let c = parse_cond(word).map_err(|e| format!("line {line}: {e}"))?;
            if !facts(view).contains(&c.fact.as_str()) {
                return Err(format!(
                    "line {line}: the {view} view has no fact `{}` (it has {})",
                    c.fact,
                    facts(view).join(", ")
                ));
            }
            out.push(c);
        }
        Ok(out)
    };
    let (win, fix_win) = (conds("win")?, conds("fix.win")?);
    if fix_win == win {
        return Err("`fix.win` is the same as `win`: the fix must ask for something else".into());
    }
    let (line, setup_text) = one("setup");
    let mut setup = Vec::new();
    for pair in setup_text.split_whitespace() {
        let (k, v) = pair
            .split_once('=')
            .ok_or_else(|| format!("line {line}: `{pair}`: KEY=VALUE expected"))?;
        if !setup_keys(view).contains(&k) || v.is_empty() {
            return Err(format!(
                "line {line}: `{pair}`: the {view} view's settings are {}",
                setup_keys(view).join(", ")
            ));
        }
        setup.push((k.to_string(), v.to_string()));
    }
    let (line, measure) = one("measure");
    for fact in measure.split(" of ").filter(|m| !m.is_empty()) {
        if !facts(view).contains(&fact.trim()) {
            return Err(format!(
                "line {line}: `measure` names `{fact}`, not a fact of the {view} view"
            ));
        }
    }
    let twins = one("twin")
        .1
        .split_whitespace()
        .map(str::to_string)
        .collect();
    Ok(ViewLevel {
        view: view.to_string(),
        concept: concept.to_string(),
        setup,
        win,
        fix_win,
        twins,
        hints: count("hint.en"),
    })
}
