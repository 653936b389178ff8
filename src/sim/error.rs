//! What can be wrong with a lab program's text, as data: a kind with the names and tokens it
//! is about, and the line and column where it was found.
//!
//! No sentence is built here: [`super::english`] writes the English one, and the lab page
//! writes its own from the same fields in the reader's language (`www/lab/strings/`).

use super::ast::{ObjKind, Order};

/// A syntax or name error, with the 1-based line and column where it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// Line, from 1.
    pub line: u32,
    /// Column, from 1, in characters.
    pub col: u32,
    /// What is wrong.
    pub kind: ParseErrorKind,
}

impl ParseError {
    /// An error at `line:col`.
    pub fn new(line: u32, col: u32, kind: ParseErrorKind) -> ParseError {
        ParseError { line, col, kind }
    }
}

impl std::error::Error for ParseError {}

/// What is wrong with a program, with what it names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseErrorKind {
    /// A letter inside a number, as in `12ab`.
    NotADigit {
        /// The character.
        ch: char,
    },
    /// A number above `i64::MAX`.
    NumberTooLarge,
    /// `&` or `|` alone.
    HalfOperator {
        /// The operator meant: `&&` or `||`.
        op: &'static str,
    },
    /// A character the language does not use.
    UnexpectedChar {
        /// The character.
        ch: char,
    },
    /// Something other than what the grammar allows here.
    Expected {
        /// What was expected.
        what: Expected,
        /// What was found instead.
        found: Found,
    },
    /// A keyword where a name was expected.
    Keyword {
        /// The keyword.
        word: String,
        /// The name that was expected.
        role: NameRole,
    },
    /// Expressions or blocks nested too deeply.
    TooDeep {
        /// The deepest nesting allowed.
        max: u32,
    },
    /// More lines than [`super::lexer::MAX_LINES`].
    TooManyLines {
        /// The most allowed.
        max: u32,
    },
    /// An expression with more terms than [`super::parser::MAX_TERMS`].
    ExpressionTooLong {
        /// The most terms allowed.
        max: u32,
    },
    /// More registers in one thread than [`super::compile::Bounds::registers`].
    TooManyRegisters {
        /// The thread.
        thread: String,
        /// The most allowed.
        max: usize,
    },
    /// More atomic steps, over all threads, than [`super::compile::Bounds::steps`].
    TooManySteps {
        /// The most allowed.
        max: usize,
    },
    /// More declared names than [`super::compile::Bounds::objects`].
    TooManyObjects {
        /// The most allowed.
        max: usize,
    },
    /// More `observe` entries than [`super::compile::Bounds::observed`].
    TooManyObserved {
        /// The most allowed.
        max: usize,
    },
    /// A statement written outside any thread.
    OutsideThread {
        /// Its first word.
        word: String,
    },
    /// `mutex m = 1` or `condvar c = 1`.
    NoInitialValue {
        /// The kind declared.
        kind: ObjKind,
    },
    /// `semaphore s = -1`.
    SemaphoreBelowZero,
    /// `fence(relaxed)`.
    RelaxedFence,
    /// A store with an acquire-only order.
    StoreOrder {
        /// The order given.
        order: Order,
    },
    /// A load with a release-only order.
    LoadOrder {
        /// The order given.
        order: Order,
    },
    /// `x.load()` as a statement: its value would be lost.
    UnusedLoad {
        /// The variable loaded.
        var: String,
    },
    /// `x.frobnicate()`.
    UnknownMethod {
        /// The method named.
        method: String,
    },
    /// `a < b < c`.
    ChainedComparison,
    /// A method other than `load` inside an expression.
    OnlyLoadInExpression {
        /// The object.
        var: String,
        /// The method.
        method: String,
        /// True if it is a read-modify-write, which may stand on its own line instead.
        rmw: bool,
    },
    /// Two declarations of one name.
    DeclaredTwice {
        /// The name.
        name: String,
    },
    /// `option NAME` other than `spurious_wakeups`.
    UnknownOption {
        /// The option named.
        name: String,
    },
    /// A program without threads.
    NoThreads,
    /// More threads than the explorer takes.
    TooManyThreads {
        /// The most allowed.
        max: usize,
    },
    /// Two threads with one name.
    DuplicateThread {
        /// The name.
        name: String,
    },
    /// A name in a `final assert` that is neither a shared variable nor `THREAD.register`.
    NotFinalValue {
        /// The name.
        name: String,
    },
    /// `observe NAME` where NAME is not a shared variable.
    ObserveNotShared {
        /// The name.
        name: String,
    },
    /// `observe T.r` or `final assert T.r` for a thread that does not exist.
    NoSuchThread {
        /// The thread named.
        name: String,
    },
    /// `observe T.r` for a register `T` never assigns.
    NoSuchRegister {
        /// The thread.
        thread: String,
        /// The register.
        reg: String,
    },
    /// Assigning to a mutex, semaphore or condition variable.
    NotAVariable {
        /// The name.
        name: String,
        /// What it is.
        kind: ObjKind,
    },
    /// A mutex, semaphore or condition variable where a shared variable is needed.
    NotShared {
        /// The name.
        name: String,
        /// What it is.
        kind: ObjKind,
    },
    /// An undeclared name where a shared variable is needed.
    NotDeclaredShared {
        /// The name.
        name: String,
    },
    /// A mutex, semaphore or condition variable read as a value.
    NoValue {
        /// The name.
        name: String,
        /// What it is.
        kind: ObjKind,
    },
    /// A name that is neither declared nor assigned in this thread.
    UnknownName {
        /// The name.
        name: String,
    },
    /// `T.r` inside a thread.
    RegisterOutsideFinal {
        /// The thread.
        thread: String,
        /// The register.
        reg: String,
    },
    /// A method called on a name that is not declared.
    NotDeclared {
        /// The name.
        name: String,
    },
    /// `y = x.swap(1)` with `y` shared.
    OldValueIntoShared {
        /// The shared name written.
        reg: String,
        /// The variable of the read-modify-write.
        var: String,
        /// The method.
        method: &'static str,
    },
    /// A name that cannot be assigned.
    CannotAssign {
        /// The name.
        name: String,
    },
    /// `m.lock(x)`.
    TakesNoArgument {
        /// The object.
        obj: String,
        /// The method.
        method: String,
    },
    /// `c.wait()` without a mutex.
    WaitNeedsMutex {
        /// The condition variable.
        obj: String,
    },
    /// `c.wait(x)` where `x` is not a mutex.
    NotAMutex {
        /// The name.
        name: String,
        /// What it is.
        kind: ObjKind,
    },
    /// A method the object does not have.
    NoSuchMethod {
        /// The object.
        obj: String,
        /// What it is (its methods follow from that).
        kind: ObjKind,
    },
}

/// What the grammar allowed where an error was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expected {
    /// This punctuation.
    Punct(&'static str),
    /// The end of the statement: a newline, `;` or `}`.
    EndOfStatement,
    /// A name of this role.
    Name(NameRole),
    /// `assert` after `final`.
    AssertAfterFinal,
    /// A statement.
    Statement,
    /// `=` or `.` after a name.
    AssignOrMethod {
        /// The name.
        name: String,
    },
    /// An integer.
    Integer,
    /// A memory order.
    MemoryOrder,
    /// A value.
    Value,
    /// A declaration, `thread`, `option`, `observe` or `final`.
    Item,
}

/// The token found where an error was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    /// A name or keyword.
    Word(String),
    /// An integer.
    Int(i64),
    /// Punctuation.
    Punct(&'static str),
    /// The end of a line.
    EndOfLine,
    /// The end of the text.
    EndOfText,
}

/// The part a name plays where one is expected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameRole {
    /// After `option`.
    OptionName,
    /// After `observe`.
    ObserveTarget,
    /// After `THREAD.` in `observe`.
    RegisterName,
    /// After `thread`.
    ThreadName,
    /// In a declaration of this kind.
    ObjectName(ObjKind),
    /// At the start of a statement.
    Statement,
    /// After `.`.
    MethodName,
    /// After `.` inside an expression.
    Load,
    /// In an expression.
    Value,
    /// The argument of `wait`.
    MutexName,
}
