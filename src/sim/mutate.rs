//! Fixes that cannot be cheated: mechanical mutants of a level's fixed program, each of which
//! must fail the level's fix.
//!
//! A level's fix is won when the learner's program keeps every `fix.keep` text and exhaustive
//! exploration never reaches what `fix.win` forbids ([`fix_won`]). A fix that a learner could
//! also "win" by deleting the locks, or the work the locks protect, or the check that would
//! catch the bug, teaches nothing. [`mutants`] writes those cheats down as programs, in four
//! families ([`Family`]), and [`survey`] checks that every one of them that still parses fails
//! the fix: a survivor is a way to win the fix without fixing anything.
//!
//! Mutants are made by editing the fixed program's text (the spans come from the lexer's
//! tokens and the parser's statement positions), so that text outside an edit, the `fix.keep`
//! texts in particular, stays exactly as written, and each edit keeps the file's line count.
//!
//! Only mutations that change what the program may do under the level's memory model are
//! made: under `sc` memory orders and fences do nothing, so weakening or deleting them would
//! give the same program back, which no fix could fail; under `tso` only `seq_cst` fences and
//! `seq_cst` stores (which drain the store buffer) are synchronisation.
//!
//! ```
//! use queue_playground::sim::level::parse_level;
//! use queue_playground::sim::mutate::{survey, Family};
//! use queue_playground::sim::Limits;
//! let level = parse_level("thread A { }\n#| title.en: T\n#| title.zh: 题\n\
//!     #| concept: sync\n#| model: sc\n#| goal.en: G\n#| goal.zh: 目\n#| win: failure deadlock\n\
//!     #| won.en: W\n#| won.zh: 赢\n#| fix.en: F\n#| fix.zh: 修\n#| fix.win: never deadlock\n\
//!     #| fix.file: f.lab\n#| fixed.en: D\n#| fixed.zh: 好\n").unwrap();
//! // No deadlock is possible, but neither is it without the locks: the fix can be cheated.
//! let fix = "shared n = 0\nmutex m\nthread A { m.lock(); n = n + 1; m.unlock() }\n\
//!     thread B { m.lock(); n = n + 1; m.unlock() }\n";
//! let s = survey(&level, fix, &Limits::default()).unwrap();
//! assert_eq!(s.survivors[0].family, Family::Sync);
//! ```

use super::ast::{Ast, Expr, ObjKind, Order, Rmw, Stmt, StmtKind};
use super::explore::{explore, Limits};
use super::level::{missing_keep, program_text, Level};
use super::lexer::{lex, Tok, Token};
use super::parser::parse_tokens;
use super::state::Model;
use super::ParseError;

/// A family of cheats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// The synchronisation deleted: all of it at once (locks, semaphore and condition
    /// variable calls, fences, read-modify-writes made plain loads and stores, memory orders
    /// made relaxed), and each piece alone.
    Sync,
    /// A thread's work deleted: each thread's body emptied, and each statement that writes
    /// shared state deleted.
    Work,
    /// A loop shrunk: every integer literal above 1 in a `while` condition made 1 at once (when
    /// there are several), and each one made one less, and made 1.
    Loop,
    /// A check deleted: each `assert`, and each `final assert`.
    Assert,
}

impl Family {
    /// The family's name, as `lab check` prints it.
    pub fn name(self) -> &'static str {
        match self {
            Family::Sync => "delete synchronisation",
            Family::Work => "delete work",
            Family::Loop => "shrink a loop",
            Family::Assert => "delete an assert",
        }
    }
}

/// One cheat: a fixed program with one mutation made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mutant {
    /// Which kind of cheat it is.
    pub family: Family,
    /// The line of the fixed program it changes (the first, for a change of many lines or of
    /// every synchronisation at once).
    pub line: u32,
    /// What was done, in words: ``delete `m.lock()` ``, `while bound 3 → 2`.
    pub what: String,
    /// The mutant's program text (the fixed program's lines, same count).
    pub src: String,
}

/// `delete synchronisation, line 6: delete `m.lock()``: what `lab check` prints of a survivor.
impl std::fmt::Display for Mutant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}, line {}: {}",
            self.family.name(),
            self.line,
            self.what
        )
    }
}

/// What [`survey`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Survey {
    /// Distinct mutants made.
    pub mutants: usize,
    /// Of those, the ones that parse and compile (the others cannot be submitted).
    pub parsed: usize,
    /// Mutants that still win the fix: cheats the level lets through. Empty for a sound fix.
    pub survivors: Vec<Mutant>,
    /// States explored over all mutants.
    pub states: usize,
}

/// True if `src` wins `level`'s fix: it keeps every `fix.keep` text, parses, and exhaustive
/// exploration under the level's model completes without reaching what `fix.win` forbids.
/// This is the page's test of a learner's fix (which also asks that the program differ from
/// the lesson's own).
pub fn fix_won(level: &Level, src: &str, limits: &Limits) -> bool {
    fix_states(level, src, limits).0
}

/// [`fix_won`] and the states explored (0 when the program fails before exploring).
fn fix_states(level: &Level, src: &str, limits: &Limits) -> (bool, usize) {
    if missing_keep(level, src).is_some() {
        return (false, 0);
    }
    let Ok(prog) = super::parse(program_text(src)) else {
        return (false, 0);
    };
    let report = explore(&prog, level.model, limits, &mut |_| true);
    (level.fix_win.holds(&report), report.states)
}

/// Makes every mutant of `fix_src` (the fixed program of `level`) and checks that each one
/// that parses fails the fix. An error if `fix_src` itself does not parse.
pub fn survey(level: &Level, fix_src: &str, limits: &Limits) -> Result<Survey, ParseError> {
    let all = mutants(fix_src, level.model)?;
    let mut s = Survey {
        mutants: all.len(),
        ..Survey::default()
    };
    for m in all {
        if super::parse(&m.src).is_err() {
            continue;
        }
        s.parsed += 1;
        let (won, states) = fix_states(level, &m.src, limits);
        s.states += states;
        if won {
            s.survivors.push(m);
        }
    }
    Ok(s)
}

/// Every distinct mutant of `src` (a lab program; a level block after it is left out) in the
/// four families, for programs run under `model`, in the order: synchronisation, work, loops,
/// asserts. Mutants that no longer parse are included: [`survey`] skips them.
pub fn mutants(src: &str, model: Model) -> Result<Vec<Mutant>, ParseError> {
    let src = program_text(src);
    let toks = lex(src)?;
    let ast = parse_tokens(&toks)?;
    let text = Text::new(src, &toks);
    let mut out: Vec<Mutant> = Vec::new();
    let mut add = |family, line, what: String, edits: Vec<Edit>| {
        let mutant = text.apply(edits);
        if mutant != src && !out.iter().any(|m| m.src == mutant) {
            out.push(Mutant {
                family,
                line,
                what,
                src: mutant,
            });
        }
    };

    let shared: Vec<&str> = ast
        .decls
        .iter()
        .filter(|d| d.kind == ObjKind::Shared)
        .map(|d| d.name.as_str())
        .collect();
    let stmts = all_stmts(&ast);

    // (a) Synchronisation: everything at once, then each piece alone.
    let sync: Vec<(u32, String, Edit)> = stmts
        .iter()
        .flat_map(|s| text.sync_edits(s, model))
        .collect();
    if let Some((line, _, _)) = sync.first() {
        let edits = sync.iter().map(|(_, _, e)| e.clone()).collect();
        add(
            Family::Sync,
            *line,
            "delete all synchronisation".into(),
            edits,
        );
    }
    for (line, what, edit) in sync {
        add(Family::Sync, line, what, vec![edit]);
    }

    // (b) Work: each thread emptied, each write to shared state deleted.
    for t in &ast.threads {
        if let Some(edit) = text.thread_body(t.pos.line, t.pos.col) {
            let what = format!("empty thread {}", t.name);
            add(Family::Work, t.pos.line, what, vec![edit]);
        }
    }
    for s in &stmts {
        let writes = match &s.kind {
            StmtKind::Assign(name, _) => shared.contains(&name.as_str()),
            StmtKind::Store(..) | StmtKind::Rmw(..) => true,
            _ => false,
        };
        if writes {
            let edit = text.statement(s.pos.line, s.pos.col, String::new());
            let what = format!("delete `{}`", text.slice(&edit));
            add(Family::Work, s.pos.line, what, vec![edit]);
        }
    }

    // (c) Loops: every literal bound above 1 made 1 at once (a program shrunk all over keeps
    // its counts in step), then each one made one less, and made 1.
    let bounds: Vec<(u32, (usize, usize), i64)> = stmts
        .iter()
        .filter(|s| matches!(s.kind, StmtKind::While(..)))
        .flat_map(|s| {
            let found = text.while_literals(s.pos.line, s.pos.col);
            found.into_iter().map(|(at, n)| (s.pos.line, at, n))
        })
        .collect();
    let to = |(start, end): (usize, usize), to: i64| Edit {
        start,
        end,
        with: to.to_string(),
    };
    if bounds.len() > 1 {
        let edits = bounds.iter().map(|&(_, at, _)| to(at, 1)).collect();
        add(
            Family::Loop,
            bounds[0].0,
            "every while bound → 1".into(),
            edits,
        );
    }
    for &(line, at, n) in &bounds {
        for less in [n - 1, 1] {
            let what = format!("while bound {n} → {less}");
            add(Family::Loop, line, what, vec![to(at, less)]);
        }
    }

    // (d) Asserts: each one in a thread, and each final one.
    for s in &stmts {
        if matches!(s.kind, StmtKind::Assert(_)) {
            let edit = text.statement(s.pos.line, s.pos.col, String::new());
            let what = format!("delete `{}`", text.slice(&edit));
            add(Family::Assert, s.pos.line, what, vec![edit]);
        }
    }
    for (_, pos) in &ast.finals {
        let edit = text.statement(pos.line, pos.col, String::new());
        let what = format!("delete `{}`", text.slice(&edit));
        add(Family::Assert, pos.line, what, vec![edit]);
    }
    Ok(out)
}

/// Every statement of every thread, nested ones included, in the order written.
fn all_stmts(ast: &Ast) -> Vec<&Stmt> {
    fn walk<'a>(body: &'a [Stmt], out: &mut Vec<&'a Stmt>) {
        for s in body {
            out.push(s);
            match &s.kind {
                StmtKind::If(_, then, els) => {
                    walk(then, out);
                    walk(els, out);
                }
                StmtKind::While(_, inner) => walk(inner, out),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    for t in &ast.threads {
        walk(&t.body, &mut out);
    }
    out
}

/// A replacement of the bytes `start..end` of the program.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Edit {
    start: usize,
    end: usize,
    with: String,
}

/// The program's text with its tokens' byte offsets, to cut spans out of it.
struct Text<'a> {
    src: &'a str,
    toks: &'a [Token],
    /// The byte offset of each token, parallel to `toks`.
    at: Vec<usize>,
}

/// A register name no lesson uses, for the old value of a read-modify-write made plain.
const OLD: &str = "cheat_old";

impl<'a> Text<'a> {
    fn new(src: &'a str, toks: &'a [Token]) -> Text<'a> {
        // One walk over the text, counting lines and columns (in characters) as the lexer
        // does, and the tokens come in the order of the text.
        let mut at = Vec::with_capacity(toks.len());
        let mut next = toks.iter().peekable();
        let (mut line, mut col) = (1u32, 1u32);
        for (i, c) in src.char_indices().chain(std::iter::once((src.len(), '\n'))) {
            while next.next_if(|t| (t.line, t.col) <= (line, col)).is_some() {
                at.push(i);
            }
            if c == '\n' {
                line = line.saturating_add(1);
                col = 1;
            } else {
                col = col.saturating_add(1);
            }
        }
        at.resize(toks.len(), src.len());
        Text { src, toks, at }
    }

    /// The index of the token at `line`, `col`.
    fn token(&self, line: u32, col: u32) -> Option<usize> {
        let i = self.toks.partition_point(|t| (t.line, t.col) < (line, col));
        let t = self.toks.get(i)?;
        ((t.line, t.col) == (line, col)).then_some(i)
    }

    /// The first token from `from` on that ends a simple statement.
    fn end_of_statement(&self, from: usize) -> usize {
        (from..self.toks.len())
            .find(|&j| {
                matches!(
                    self.toks[j].tok,
                    Tok::Newline | Tok::Eof | Tok::Punct(";") | Tok::Punct("}")
                )
            })
            .unwrap_or(self.toks.len() - 1)
    }

    /// Replaces the simple statement (or `final assert`) starting at `line`, `col`.
    fn statement(&self, line: u32, col: u32, with: String) -> Edit {
        let Some(i) = self.token(line, col) else {
            return Edit {
                start: 0,
                end: 0,
                with: String::new(),
            };
        };
        let end = self.end_of_statement(i);
        Edit {
            start: self.at[i],
            end: self.at[end],
            with,
        }
    }

    fn slice(&self, e: &Edit) -> &str {
        self.src[e.start..e.end].trim()
    }

    /// Empties the body of the thread declared at `line`, `col`, keeping its lines.
    fn thread_body(&self, line: u32, col: u32) -> Option<Edit> {
        let i = self.token(line, col)?;
        let open = (i..self.toks.len()).find(|&j| self.toks[j].tok == Tok::Punct("{"))?;
        let mut depth = 0;
        for j in open..self.toks.len() {
            match self.toks[j].tok {
                Tok::Punct("{") => depth += 1,
                Tok::Punct("}") => {
                    depth -= 1;
                    if depth == 0 {
                        let (start, end) = (self.at[open] + 1, self.at[j]);
                        let lines = self.src[start..end].matches('\n').count();
                        let with = "\n".repeat(lines);
                        return Some(Edit { start, end, with });
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// The integer literals above 1 in the condition of the `while` at `line`, `col`: byte
    /// span and value.
    fn while_literals(&self, line: u32, col: u32) -> Vec<((usize, usize), i64)> {
        let Some(i) = self.token(line, col) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for j in i + 1..self.toks.len() {
            match self.toks[j].tok {
                Tok::Punct("{") | Tok::Eof => break,
                Tok::Int(n) if n > 1 => {
                    let len = n.to_string().len();
                    out.push(((self.at[j], self.at[j] + len), n));
                }
                _ => {}
            }
        }
        out
    }

    /// The synchronisation in one statement (not in statements nested in it), each piece as
    /// (line, what, the edit deleting or weakening it), for programs run under `model`.
    fn sync_edits(&self, s: &Stmt, model: Model) -> Vec<(u32, String, Edit)> {
        let (line, col) = (s.pos.line, s.pos.col);
        let mut out = Vec::new();
        let delete = |out: &mut Vec<_>| {
            let e = self.statement(line, col, String::new());
            out.push((line, format!("delete `{}`", self.slice(&e)), e));
        };
        match &s.kind {
            StmtKind::Sync(..) => delete(&mut out),
            StmtKind::Fence(order)
                if model == Model::Ra || (model == Model::Tso && *order == Order::SeqCst) =>
            {
                delete(&mut out)
            }
            StmtKind::Rmw(target, var, rmw, _) => {
                let e = self.statement(line, col, plain_rmw(target.as_deref(), var, rmw));
                let what = format!("`{}` → `{}`", self.slice(&e), e.with);
                out.push((line, what, e));
            }
            StmtKind::Store(var, value, order) => {
                let weaken = match model {
                    Model::Sc => false,
                    Model::Tso => *order == Order::SeqCst,
                    Model::Ra => *order != Order::Relaxed,
                };
                if weaken {
                    let with = format!("{var}.store({}, relaxed)", value.render());
                    let e = self.statement(line, col, with);
                    let what = format!("`{}` → `{}`", self.slice(&e), e.with);
                    out.push((line, what, e));
                }
            }
            _ => {}
        }
        // Loads anywhere in the statement's own expressions (a condition, a value).
        if model == Model::Ra {
            let mut loads = Vec::new();
            for e in own_exprs(s) {
                acquiring_loads(e, &mut loads);
            }
            for (var, l, c) in loads {
                if let Some(e) = self.load(l, c, &var) {
                    let what = format!("`{}` → `{}`", self.slice(&e), e.with);
                    out.push((l, what, e));
                }
            }
        }
        out
    }

    /// Weakens the load `var.load(...)` whose name is at `line`, `col` to a relaxed one.
    fn load(&self, line: u32, col: u32, var: &str) -> Option<Edit> {
        let i = self.token(line, col)?;
        let close = (i..self.toks.len()).find(|&j| self.toks[j].tok == Tok::Punct(")"))?;
        Some(Edit {
            start: self.at[i],
            end: self.at[close] + 1,
            with: format!("{var}.load(relaxed)"),
        })
    }

    /// The text with `edits` made; an edit overlapping one before it is left out.
    fn apply(&self, mut edits: Vec<Edit>) -> String {
        edits.sort_by_key(|e| (e.start, std::cmp::Reverse(e.end)));
        let mut out = String::with_capacity(self.src.len());
        let mut done = 0;
        for e in edits {
            if e.start < done || e.start == e.end && e.with.is_empty() {
                continue;
            }
            out.push_str(&self.src[done..e.start]);
            out.push_str(&e.with);
            done = e.end;
        }
        out.push_str(&self.src[done..]);
        out
    }
}

/// A read-modify-write written as a plain load and a plain store, through a register of its
/// own so that the value it returns stays the value it read.
fn plain_rmw(target: Option<&str>, var: &str, rmw: &Rmw) -> String {
    let store = match rmw {
        Rmw::Swap(v) => format!("{var} = {}", paren(v)),
        Rmw::FetchAdd(v) => format!("{var} = {OLD} + {}", paren(v)),
        Rmw::FetchSub(v) => format!("{var} = {OLD} - {}", paren(v)),
        Rmw::Cas(expected, new) => {
            format!(
                "if {OLD} == {} {{ {var} = {} }}",
                paren(expected),
                paren(new)
            )
        }
    };
    let result = target.map(|r| format!("; {r} = {OLD}")).unwrap_or_default();
    format!("{OLD} = {var}; {store}{result}")
}

/// An expression as text, in parentheses unless it is one value.
fn paren(e: &Expr) -> String {
    match e {
        Expr::Bin(..) => format!("({})", e.render()),
        _ => e.render(),
    }
}

/// The expressions a statement evaluates itself (not those of statements nested in it).
fn own_exprs(s: &Stmt) -> Vec<&Expr> {
    match &s.kind {
        StmtKind::Assign(_, e) | StmtKind::Store(_, e, _) | StmtKind::Assert(e) => vec![e],
        StmtKind::If(c, _, _) | StmtKind::While(c, _) => vec![c],
        StmtKind::Rmw(_, _, Rmw::Cas(a, b), _) => vec![a, b],
        StmtKind::Rmw(_, _, Rmw::Swap(a) | Rmw::FetchAdd(a) | Rmw::FetchSub(a), _) => vec![a],
        StmtKind::Fence(_) | StmtKind::Sync(..) => Vec::new(),
    }
}

/// The loads in `e` with an order stronger than relaxed: (variable, line, column).
fn acquiring_loads(e: &Expr, out: &mut Vec<(String, u32, u32)>) {
    match e {
        Expr::Load(var, order, pos) if *order != Order::Relaxed => {
            out.push((var.clone(), pos.line, pos.col))
        }
        Expr::Neg(a) | Expr::Not(a) => acquiring_loads(a, out),
        Expr::Bin(_, a, b) => {
            acquiring_loads(a, out);
            acquiring_loads(b, out);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whats(src: &str, model: Model) -> Vec<(Family, u32, String)> {
        let ms = mutants(src, model).unwrap();
        ms.into_iter().map(|m| (m.family, m.line, m.what)).collect()
    }

    #[test]
    fn each_family_makes_its_mutants_and_keeps_the_line_count() {
        let src = "shared n = 0, f = 0\nmutex m\nthread A {\n  i = 0\n  while i < 3 {\n    \
                   m.lock(); n = n + 1; m.unlock()\n    i = i + 1\n  }\n  f.store(1, release)\n\
                   }\nthread B {\n  while f.load(acquire) == 0 { }\n  assert n == 3\n}\n\
                   final assert n == 3\n";
        let ms = mutants(src, Model::Ra).unwrap();
        for m in &ms {
            assert_eq!(m.src.lines().count(), src.lines().count(), "{}", m.what);
        }
        let w = whats(src, Model::Ra);
        let has = |f: Family, line: u32, what: &str| {
            assert!(
                w.contains(&(f, line, what.to_string())),
                "{f:?} {line} {what} in {w:#?}"
            )
        };
        has(Family::Sync, 6, "delete all synchronisation");
        has(Family::Sync, 6, "delete `m.lock()`");
        has(Family::Sync, 6, "delete `m.unlock()`");
        has(
            Family::Sync,
            9,
            "`f.store(1, release)` → `f.store(1, relaxed)`",
        );
        has(Family::Sync, 12, "`f.load(acquire)` → `f.load(relaxed)`");
        has(Family::Work, 3, "empty thread A");
        has(Family::Work, 11, "empty thread B");
        has(Family::Work, 6, "delete `n = n + 1`");
        has(Family::Work, 9, "delete `f.store(1, release)`");
        has(Family::Loop, 5, "while bound 3 → 2");
        has(Family::Loop, 5, "while bound 3 → 1");
        has(Family::Assert, 13, "delete `assert n == 3`");
        has(Family::Assert, 15, "delete `final assert n == 3`");
        assert_eq!(w.len(), 13, "{w:#?}");
        let all = &ms[0];
        assert!(!all.src.contains("lock") && !all.src.contains("release"));
        assert!(all.src.contains("f.store(1, relaxed)") && all.src.contains("f.load(relaxed)"));
        let empty_a = ms.iter().find(|m| m.what == "empty thread A").unwrap();
        assert!(empty_a
            .src
            .starts_with("shared n = 0, f = 0\nmutex m\nthread A {\n\n"));
    }

    #[test]
    fn orders_and_fences_are_mutated_only_where_the_model_gives_them_meaning() {
        let src = "shared x = 0\nthread A {\n  x.store(1, release)\n  fence(seq_cst)\n  \
                   x.store(2)\n  r = x.load(acquire)\n}\n";
        let sync = |model| -> Vec<String> {
            let w = whats(src, model);
            let s = w.into_iter().filter(|(f, _, _)| *f == Family::Sync);
            s.map(|(_, _, what)| what).collect()
        };
        assert!(sync(Model::Sc).is_empty());
        assert_eq!(
            sync(Model::Tso),
            [
                "delete all synchronisation",
                "delete `fence(seq_cst)`",
                "`x.store(2)` → `x.store(2, relaxed)`"
            ]
        );
        assert_eq!(sync(Model::Ra).len(), 5);
    }

    #[test]
    fn loops_shrink_one_at_a_time_and_all_at_once() {
        let src = "shared n = 0\nthread A {\n  while i < 3 { n.fetch_add(1); i = i + 1 }\n}\n\
                   thread B {\n  while j < 2 { n.fetch_sub(1); j = j + 1 }\n}\n";
        let ms = mutants(src, Model::Sc).unwrap();
        let loops: Vec<(u32, &str)> = ms
            .iter()
            .filter(|m| m.family == Family::Loop)
            .map(|m| (m.line, m.what.as_str()))
            .collect();
        assert_eq!(
            loops,
            [
                (3, "every while bound → 1"),
                (3, "while bound 3 → 2"),
                (3, "while bound 3 → 1"),
                (6, "while bound 2 → 1"),
            ]
        );
        let all = ms
            .iter()
            .find(|m| m.what == "every while bound → 1")
            .unwrap();
        assert!(all.src.contains("while i < 1 {") && all.src.contains("while j < 1 {"));
    }

    #[test]
    fn edits_land_on_the_right_bytes_after_wide_characters() {
        let src = "shared 数 = 0 # 计数\nthread 甲 { 数 = 数 + 1; 数.fetch_add(2) }\n";
        let ms = mutants(src, Model::Sc).unwrap();
        let w: Vec<&str> = ms.iter().map(|m| m.what.as_str()).collect();
        assert!(w.contains(&"delete `数 = 数 + 1`"), "{w:?}");
        let empty = ms.iter().find(|m| m.what == "empty thread 甲").unwrap();
        assert_eq!(empty.src, "shared 数 = 0 # 计数\nthread 甲 {}\n");
        for m in &ms {
            assert!(super::super::parse(&m.src).is_ok(), "{}: {}", m.what, m.src);
        }
    }

    #[test]
    fn a_plain_read_modify_write_returns_what_it_read() {
        let src =
            "shared c = 0\nthread A {\n  old = c.compare_exchange(0, 1)\n  c.fetch_add(2)\n}\n";
        let ms = mutants(src, Model::Sc).unwrap();
        let cas = &ms[1];
        assert_eq!(
            cas.what,
            "`old = c.compare_exchange(0, 1)` → `cheat_old = c; if cheat_old == 0 { c = 1 }; \
             old = cheat_old`"
        );
        assert!(super::super::parse(&cas.src).is_ok(), "{}", cas.src);
        assert_eq!(
            ms[2].what,
            "`c.fetch_add(2)` → `cheat_old = c; c = cheat_old + 2`"
        );
    }
}
