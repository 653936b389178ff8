//! The lab's words in English: the one place in Rust where its sentences are written.
//!
//! Everything else in `sim` says what happened as data (a kind and the names, lines and values
//! it is about). This module writes that data as English for the command line and for the
//! `Display` impls; the lab page writes the same data in the reader's language from its JSON
//! (`www/lab/strings/`, keys named in `messages.rs`), and the end-to-end test checks that the
//! page's English and this module's agree.

use super::ast::{ObjKind, Order};
use super::choice::BadChoice;
use super::describe::{AltText, ChoiceText, StepText};
use super::error::{Expected, Found, NameRole, ParseError, ParseErrorKind};
use super::machine::{Refusal, StepError};
use super::report::{Failure, FailureDetail, Report, Stop, Stuck};
use super::request::RequestError;
use std::fmt;

/// `3:7: message`.
pub fn parse_error(e: &ParseError) -> String {
    format!("{}:{}: {}", e.line, e.col, parse_error_kind(&e.kind))
}

/// What is wrong, without the place.
pub fn parse_error_kind(kind: &ParseErrorKind) -> String {
    use ParseErrorKind as K;
    match kind {
        K::NotADigit { ch } => format!("`{ch}` is not a digit"),
        K::NumberTooLarge => "number too large".into(),
        K::HalfOperator { op } => format!("expected `{op}`"),
        K::UnexpectedChar { ch } => format!("unexpected character `{}`", ch.escape_default()),
        K::Expected { what, found: f } => {
            format!("expected {}, found {}", expected(what), found(f))
        }
        K::Keyword { word, role: r } => {
            format!("`{word}` is a keyword and cannot be used as {}", role(*r))
        }
        K::TooDeep { max } => format!("nested more than {max} levels deep"),
        K::TooManyLines { max } => format!("the program is longer than {max} lines"),
        K::ExpressionTooLong { max } => {
            format!("an expression may have at most {max} terms; split it into several statements")
        }
        K::TooManyRegisters { thread, max } => {
            format!("thread `{thread}` uses more than {max} registers")
        }
        K::TooManySteps { max } => {
            format!("the program has more than {max} atomic steps; make it smaller")
        }
        K::TooManyObjects { max } => format!("at most {max} shared names may be declared"),
        K::TooManyObserved { max } => format!("at most {max} values may be observed"),
        K::OutsideThread { word } => format!(
            "expected a declaration or `thread`, found `{word}` (statements go inside \
             `thread NAME {{ ... }}`)"
        ),
        K::NoInitialValue { kind } => format!("a {} has no initial value", noun(*kind)),
        K::SemaphoreBelowZero => "a semaphore cannot start below zero".into(),
        K::RelaxedFence => "a fence cannot be relaxed".into(),
        K::StoreOrder { order } => format!("a store cannot be {}", order.name()),
        K::LoadOrder { order } => format!("a load cannot be {}", order.name()),
        K::UnusedLoad { var } => format!("a load must be used: write `r = {var}.load(...)`"),
        K::UnknownMethod { method } => format!("unknown method `{method}`"),
        K::ChainedComparison => "comparisons cannot be chained; add parentheses".into(),
        K::OnlyLoadInExpression { var, method, rmw } => {
            let mut s = "only `load` can be used inside an expression".to_string();
            if *rmw {
                s += &format!(": write `r = {var}.{method}(...)` on its own line");
            }
            s
        }
        K::DeclaredTwice { name } => format!("`{name}` is declared twice"),
        K::UnknownOption { name } => {
            format!("unknown option `{name}` (the only one is `spurious_wakeups`)")
        }
        K::NoThreads => "a program needs at least one `thread NAME { ... }`".into(),
        K::TooManyThreads { max } => format!("at most {max} threads"),
        K::DuplicateThread { name } => format!("two threads are named `{name}`"),
        K::NotFinalValue { name } => {
            format!("`{name}` is not a shared variable or a THREAD.register")
        }
        K::ObserveNotShared { name } => {
            format!("`{name}` is not a shared variable (write THREAD.{name} for a register)")
        }
        K::NoSuchThread { name } => format!("no thread is named `{name}`"),
        K::NoSuchRegister { thread, reg } => {
            format!("thread `{thread}` never assigns a register `{reg}`")
        }
        K::NotAVariable { name, kind } => format!("`{name}` is a {}, not a variable", noun(*kind)),
        K::NotShared { name, kind } => {
            format!("`{name}` is a {}, not a shared variable", noun(*kind))
        }
        K::NotDeclaredShared { name } => format!("`{name}` is not a declared shared variable"),
        K::NoValue { name, kind } => format!("`{name}` is a {} and has no value", noun(*kind)),
        K::UnknownName { name } => format!(
            "unknown name `{name}`: declare it with `shared {name} = 0`, or assign it in this \
             thread to make it a register"
        ),
        K::RegisterOutsideFinal { thread, reg } => format!(
            "`{thread}.{reg}` names a register of a thread: only `final assert` can read it"
        ),
        K::NotDeclared { name } => format!("`{name}` is not declared"),
        K::OldValueIntoShared { reg, var, method } => {
            format!("`{reg}` is shared: the old value of `{var}.{method}` goes into a register")
        }
        K::CannotAssign { name } => format!("`{name}` cannot be assigned"),
        K::TakesNoArgument { obj, method } => format!("`{obj}.{method}()` takes no argument"),
        K::WaitNeedsMutex { obj } => {
            format!("write `{obj}.wait(MUTEX)`: a condition variable wait releases a mutex")
        }
        K::NotAMutex { name, kind } => format!("`{name}` is a {}, not a mutex", noun(*kind)),
        K::NoSuchMethod { obj, kind } => format!(
            "`{obj}` is a {}: its methods are {}",
            noun(*kind),
            methods(*kind)
        ),
    }
}

fn expected(e: &Expected) -> String {
    match e {
        Expected::Punct(p) => format!("`{p}`"),
        Expected::EndOfStatement => "the end of the statement".into(),
        Expected::Name(r) => role(*r),
        Expected::AssertAfterFinal => "`assert` after `final`".into(),
        Expected::Statement => "a statement".into(),
        Expected::AssignOrMethod { name } => format!("`=` or `.` after `{name}`"),
        Expected::Integer => "an integer".into(),
        Expected::MemoryOrder => {
            "a memory order (relaxed, acquire, release, acq_rel, seq_cst)".into()
        }
        Expected::Value => "a value".into(),
        Expected::Item => "`shared`, `mutex`, `semaphore`, `condvar`, `thread`, `option`, \
                           `observe` or `final`"
            .into(),
    }
}

fn found(f: &Found) -> String {
    match f {
        Found::Word(w) => format!("`{w}`"),
        Found::Int(n) => format!("`{n}`"),
        Found::Punct(p) => format!("`{p}`"),
        Found::EndOfLine => "the end of the line".into(),
        Found::EndOfText => "the end of the text".into(),
    }
}

fn role(r: NameRole) -> String {
    match r {
        NameRole::OptionName => "an option name".into(),
        NameRole::ObserveTarget => "a variable or THREAD.register".into(),
        NameRole::RegisterName => "a register name".into(),
        NameRole::ThreadName => "a thread name".into(),
        NameRole::ObjectName(kind) => format!("a {} name", noun(kind)),
        NameRole::Statement => "a statement".into(),
        NameRole::MethodName => "a method name".into(),
        NameRole::Load => "`load`".into(),
        NameRole::Value => "a value".into(),
        NameRole::MutexName => "a mutex name".into(),
    }
}

fn noun(kind: ObjKind) -> &'static str {
    match kind {
        ObjKind::Shared => "shared variable",
        ObjKind::Mutex => "mutex",
        ObjKind::Semaphore => "semaphore",
        ObjKind::Condvar => "condition variable",
    }
}

fn methods(kind: ObjKind) -> &'static str {
    match kind {
        ObjKind::Mutex => "lock() and unlock()",
        ObjKind::Semaphore => "wait() and signal()",
        ObjKind::Condvar => "wait(MUTEX), notify_one() and notify_all()",
        ObjKind::Shared => "load, store, swap, fetch_add, fetch_sub and compare_exchange",
    }
}

/// ` (acquire)` after an access with an order; nothing after a plain one.
fn order_suffix(order: Order) -> String {
    match order {
        Order::Plain => String::new(),
        o => format!(" ({})", o.name()),
    }
}

/// One atomic step: `load count into tmp1`.
pub fn step(s: &StepText) -> String {
    let into = |d: &Option<String>| {
        d.as_ref()
            .map(|d| format!(", old value into {d}"))
            .unwrap_or_default()
    };
    match s {
        StepText::Load { var, dst, order } => {
            format!("load {var} into {dst}{}", order_suffix(*order))
        }
        StepText::Store { var, value, order } => {
            format!("store {value} into {var}{}", order_suffix(*order))
        }
        StepText::Swap {
            var,
            value,
            old_into,
            order,
        } => format!(
            "atomically swap {var} with {value}{}{}",
            into(old_into),
            order_suffix(*order)
        ),
        StepText::FetchAdd {
            var,
            value,
            old_into,
            order,
        } => format!(
            "atomically add {value} to {var}{}{}",
            into(old_into),
            order_suffix(*order)
        ),
        StepText::Cas {
            var,
            expected,
            new,
            old_into,
            order,
        } => format!(
            "atomically if {var} == {expected} set it to {new}{}{}",
            into(old_into),
            order_suffix(*order)
        ),
        StepText::Fence { order } => format!("fence ({})", order.name()),
        StepText::Local { dst, value } => format!("{dst} = {value}"),
        StepText::Test { cond } => format!("test {cond}"),
        StepText::If { cond } => format!("if {cond}"),
        StepText::While { cond } => format!("while {cond}"),
        StepText::Assert { cond } => format!("assert {cond}"),
        StepText::SkipElse => "skip the else branch".into(),
        StepText::LoopBack => "back to the loop test".into(),
        StepText::Jump => "jump".into(),
        StepText::Lock { mutex } => format!("lock {mutex}"),
        StepText::Unlock { mutex } => format!("unlock {mutex}"),
        StepText::SemWait { sem } => format!("wait on {sem}"),
        StepText::SemSignal { sem } => format!("signal {sem}"),
        StepText::CondWait { cond, mutex } => format!("unlock {mutex} and sleep on {cond}"),
        StepText::Reacquire { mutex } => format!("wake up and lock {mutex} again"),
        StepText::NotifyOne { cond } => format!("notify one on {cond}"),
        StepText::NotifyAll { cond } => format!("notify all on {cond}"),
    }
}

/// What a scheduling choice does: `A: load x into tmp1 — reads write #0 (x = 0)`.
pub fn choice(c: &ChoiceText) -> String {
    match c {
        ChoiceText::Step {
            thread,
            step: s,
            alt: a,
        } => {
            let alt = a.as_ref().map(alt).unwrap_or_default();
            format!("{thread}: {}{alt}", step(s))
        }
        ChoiceText::Flush { thread, var, value } => {
            format!("{thread}'s store buffer writes {var} = {value} to memory")
        }
        ChoiceText::Wake { thread } => format!("{thread} wakes up spuriously"),
    }
}

fn alt(a: &AltText) -> String {
    match a {
        AltText::Reads { write, var, value } => {
            format!(" — reads write #{write} ({var} = {value})")
        }
        AltText::PlacedBefore { write, var } => format!(" — placed before write #{write} of {var}"),
        AltText::PlacedLast { var } => format!(" — placed last among writes to {var}"),
    }
}

/// Why a choice cannot be made now.
pub fn refusal(r: &Refusal) -> String {
    match r {
        Refusal::NoThread { thread } => format!("there is no thread {thread}"),
        Refusal::RunFailed => "the run has failed".into(),
        Refusal::BufferEmpty { thread } => format!("{thread}'s store buffer is empty"),
        Refusal::NotWaiting { thread } => format!("{thread} is not waiting"),
        Refusal::SpuriousWakeupsOff => {
            "spurious wakeups are off (`option spurious_wakeups`)".into()
        }
        Refusal::Sleeping { thread, cond } => format!("{thread} sleeps on {cond} until notified"),
        Refusal::Finished { thread } => format!("{thread} has finished"),
        Refusal::WaitsForMutex {
            thread,
            mutex,
            holder,
        } => format!("{thread} waits for {mutex}, held by {holder}"),
        Refusal::WaitsForSemaphore { thread, sem } => {
            format!("{thread} waits for {sem} to rise above 0")
        }
        Refusal::NoSuchAlternative { thread, choice } => {
            format!("{thread}'s next step has no alternative {choice}")
        }
    }
}

/// `cannot take step `1`: B waits for m, held by A`.
pub fn step_error(e: &StepError) -> String {
    format!("cannot take step `{}`: {}", e.choice, refusal(&e.reason))
}

/// A schedule entry that is not one.
pub fn bad_choice(b: &BadChoice) -> String {
    format!(
        "`{}` is not a schedule step (expected e.g. 0, 1.2, f0, w1)",
        b.text
    )
}

/// What a failure is about: `A line 5: assert x == 1 failed`.
pub fn failure(d: &FailureDetail) -> String {
    match d {
        FailureDetail::FinalAssert { line, cond } => {
            format!("line {line}: final assert {cond} failed")
        }
        FailureDetail::Assert {
            thread,
            line,
            step: s,
        } => format!("{thread} line {line}: {} failed", step(s)),
        FailureDetail::DivByZero { thread, line } => {
            format!("{thread} line {line}: division by zero")
        }
        FailureDetail::UnlockNotHeld {
            thread,
            line,
            step: s,
        }
        | FailureDetail::WaitWithoutMutex {
            thread,
            line,
            step: s,
        } => format!(
            "{thread} line {line}: {}: the mutex is not held by {thread}",
            step(s)
        ),
        FailureDetail::Stuck { threads } => {
            let parts: Vec<String> = threads
                .iter()
                .map(|t| {
                    let on = match &t.on {
                        Stuck::SleepsOn { cond } => format!("sleeps on {cond}"),
                        Stuck::BlockedAt { step: s } => format!("blocked at `{}`", step(s)),
                    };
                    format!("{} line {} {on}", t.thread, t.line)
                })
                .collect();
            parts.join(", ")
        }
        FailureDetail::Livelock { threads } => {
            let parts: Vec<String> = threads
                .iter()
                .map(|t| format!("{} line {}", t.thread, t.line))
                .collect();
            format!(
                "no schedule from here ever finishes: {} loop forever",
                parts.join(", ")
            )
        }
    }
}

/// A one-line summary of an exploration, including why it stopped if it did.
pub fn summary(r: &Report) -> String {
    let mut s = format!(
        "{} outcome(s), {} failure(s), {} states, {} transitions",
        r.outcomes.len(),
        r.failures.len(),
        r.states,
        r.transitions
    );
    match r.stopped {
        Some(Stop::StateLimit { limit }) => {
            s += &format!(
                "; STOPPED at the bound of {limit} states: the results are incomplete \
                 (raise the bound or make the program smaller)"
            )
        }
        Some(Stop::Cancelled) => s += "; CANCELLED: the results are incomplete",
        Some(Stop::MemoryBudget { bytes }) => {
            s += &format!(
                "; STOPPED at the memory budget of {} MiB: the results are incomplete \
                 (make the program smaller)",
                bytes >> 20
            )
        }
        None => {}
    }
    if r.cyclic {
        s += "; some schedules loop (counts exclude repeated states)";
    }
    s
}

/// Why a request from the page was refused.
pub fn request_error(e: &RequestError) -> String {
    match e {
        RequestError::Parse(p) => parse_error(p),
        RequestError::UnknownModel { name } => {
            format!("unknown model `{name}` (expected sc, tso or ra)")
        }
        RequestError::TooLarge { bytes, max } => {
            format!("the program is {bytes} bytes; at most {max} are accepted")
        }
        RequestError::OptionsNotObject => "the options must be an object".into(),
        RequestError::UnknownStrategy { name } => {
            format!("unknown strategy `{name}` (expected random or pct)")
        }
        RequestError::BadSeed => "the seed must be a whole number from 0".into(),
        RequestError::BadChoice(b) => bad_choice(b),
        RequestError::Refused(e) => step_error(e),
        RequestError::ScheduleTooLong { choices, max } => {
            format!("the schedule has {choices} choices; at most {max} are accepted")
        }
        RequestError::HistoryFull { bytes } => format!(
            "the stepper's undo history is full ({} MiB): undo, reset, or let the explorer run it",
            bytes >> 20
        ),
        RequestError::OverBudget {
            bytes_per_state,
            max_states,
            budget,
            fits,
        } => format!(
            "each state of this program takes at least {bytes_per_state} bytes, so {max_states} \
             states would need more than the {} MiB budget; allow at most {fits} states, or make \
             the program smaller",
            budget >> 20
        ),
    }
}

/// The command line's report: a header, one line per outcome, two per failure.
pub fn report_lines(file: &str, r: &Report) -> String {
    let mut out = format!("# {file} under {}\n", r.model.name());
    for o in &r.outcomes {
        out += &format!("{:>8}  {}\n", o.count, o.outcome);
    }
    for f in &r.failures {
        out += &failure_lines(f);
    }
    out
}

/// `FAIL kind (n schedules): what` and the shortest schedule.
pub fn failure_lines(f: &Failure) -> String {
    format!(
        "FAIL {} ({} schedule{}): {}\n     shortest schedule: {}\n",
        f.kind.name(),
        f.count,
        if f.count == 1 { "" } else { "s" },
        failure(&f.detail),
        f.schedule_text
    )
}

/// The command line's closing line on stderr: the summary and the speed.
pub fn timing_line(r: &Report, secs: f64) -> String {
    format!(
        "# {}; {:.0} states/s ({secs:.3} s)",
        summary(r),
        r.states_per_second(secs)
    )
}

// The English `Display` of the lab's errors lives here, beside the sentences it writes, so the
// types (in choice, error, machine, request) never import this module: the graph stays one way.

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&parse_error(self))
    }
}

impl fmt::Display for BadChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&bad_choice(self))
    }
}

impl fmt::Display for StepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&step_error(self))
    }
}

impl fmt::Display for super::level::LevelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&level_error(self))
    }
}

/// A report's one-line summary, including why exploration stopped if it did.
impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&summary(self))
    }
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&request_error(self))
    }
}

/// A level block's error, for lesson authors: `LINE: message`.
pub fn level_error(e: &super::level::LevelError) -> String {
    use super::level::LevelErrorKind as K;
    let what = match &e.kind {
        K::NoLevel => "no `#|` level block: this file is a program, not a level".to_string(),
        K::ProgramAfterLevel => "program text after the `#|` level block".into(),
        K::NoColon => "expected `#| key: value`".into(),
        K::UnknownKey { key } => format!("unknown key `{key}`"),
        K::Duplicate { key } => format!("`{key}` is given twice"),
        K::Missing { key } => format!("`{key}` is missing"),
        K::Empty { key } => format!("`{key}` is empty"),
        K::UnknownConcept { name } => format!(
            "unknown concept `{name}` (expected atomicity, visibility, ordering, race or sync)"
        ),
        K::UnknownModel { name } => format!("unknown model `{name}` (expected sc, tso or ra)"),
        K::BadWin { text } => {
            format!("`{text}` is not a win (expected `outcome NAME=V ...` or `failure KIND`)")
        }
        K::BadNever { text } => format!(
            "`{text}` is not a fix (expected `never any`, `never KIND` or `never outcome NAME=V ...`)"
        ),
        K::LivelockGoal => "a livelock cannot be the goal: stepping never reaches forever".into(),
        K::HintsUnpaired { en, zh } => {
            format!("{en} `hint.en` lines but {zh} `hint.zh` lines")
        }
        K::BadTwin { name } => format!("`{name}` in `twin:` is not a level name (a-z, 0-9, _)"),
    };
    format!("{}: {what}", e.line)
}

/// What `lab check` found wrong with a level.
pub fn level_problem(p: &super::level::Problem, fix_file: &str) -> String {
    use super::level::Problem as P;
    match p {
        P::Program(e) => format!("the program does not parse: {}", parse_error(e)),
        P::GoalIncomplete => "exploring the program stopped at the state bound".into(),
        P::GoalUnreachable => "no schedule reaches the goal under the level's model".into(),
        P::FixProgram(e) => format!("{fix_file}: does not parse: {}", parse_error(e)),
        P::FixIncomplete => format!("{fix_file}: exploring stopped at the state bound"),
        P::FixFails => format!("{fix_file}: the failure is still reachable"),
        P::FixLacks { keep } => format!("{fix_file}: lacks `{keep}`, which the fix must keep"),
        P::NothingToFix => "the program already satisfies its fix: nothing to fix".into(),
    }
}
