//! The parsed program, before names are resolved and statements are split into steps.

/// A memory-order mark on an atomic access or fence, as in C11 and Rust.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Order {
    /// A plain, non-atomic access (`x = x + 1`): the release/acquire model treats it as relaxed.
    Plain,
    /// Atomic, but orders nothing else.
    Relaxed,
    /// A load (or the read of a read-modify-write) that sees what the writer saw.
    Acquire,
    /// A store (or the write of a read-modify-write) that publishes what this thread saw.
    Release,
    /// Both acquire and release.
    AcqRel,
    /// Release/acquire plus one total order of all `seq_cst` operations.
    SeqCst,
}

impl Order {
    /// Reads a memory order as written in programs (`relaxed`, `acquire`, ...).
    pub fn from_name(name: &str) -> Option<Order> {
        Some(match name {
            "relaxed" => Order::Relaxed,
            "acquire" => Order::Acquire,
            "release" => Order::Release,
            "acq_rel" => Order::AcqRel,
            "seq_cst" => Order::SeqCst,
            _ => return None,
        })
    }

    /// The name used in programs; `plain` for non-atomic accesses.
    pub fn name(self) -> &'static str {
        match self {
            Order::Plain => "plain",
            Order::Relaxed => "relaxed",
            Order::Acquire => "acquire",
            Order::Release => "release",
            Order::AcqRel => "acq_rel",
            Order::SeqCst => "seq_cst",
        }
    }

    /// True if a read with this order acquires.
    pub fn acquires(self) -> bool {
        matches!(self, Order::Acquire | Order::AcqRel | Order::SeqCst)
    }

    /// True if a write with this order releases.
    pub fn releases(self) -> bool {
        matches!(self, Order::Release | Order::AcqRel | Order::SeqCst)
    }
}

/// A binary operator; comparisons and `&&`/`||` give 0 or 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// `+` (wrapping).
    Add,
    /// `-` (wrapping).
    Sub,
    /// `*` (wrapping).
    Mul,
    /// `/`; dividing by zero is a runtime error.
    Div,
    /// `%`; dividing by zero is a runtime error.
    Rem,
    /// `==`.
    Eq,
    /// `!=`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `&&`.
    And,
    /// `||`.
    Or,
}

impl BinOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Rem => "%",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::And => "&&",
            BinOp::Or => "||",
        }
    }
}

/// A place in the source text: 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Pos {
    /// Line, from 1.
    pub line: u32,
    /// Column, from 1.
    pub col: u32,
}

/// An expression as written.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// An integer literal.
    Int(i64),
    /// A shared variable or a register, resolved later.
    Name(String, Pos),
    /// `x.load(order)`.
    Load(String, Order, Pos),
    /// `T.r`: thread T's register r (only in `final assert`).
    Reg(String, String, Pos),
    /// `-e`.
    Neg(Box<Expr>),
    /// `!e`.
    Not(Box<Expr>),
    /// `a op b`.
    Bin(BinOp, Box<Expr>, Box<Expr>),
}

impl Expr {
    /// The expression as a learner would write it, with parentheses only around operations.
    pub fn render(&self) -> String {
        match self {
            Expr::Int(v) => v.to_string(),
            Expr::Name(n, _) => n.clone(),
            Expr::Load(n, o, _) => format!("{n}.load({})", o.name()),
            Expr::Reg(t, r, _) => format!("{t}.{r}"),
            Expr::Neg(e) => format!("-{}", e.render_inner()),
            Expr::Not(e) => format!("!{}", e.render_inner()),
            Expr::Bin(op, a, b) => {
                format!("{} {} {}", a.render_inner(), op.symbol(), b.render_inner())
            }
        }
    }

    fn render_inner(&self) -> String {
        match self {
            Expr::Bin(..) => format!("({})", self.render()),
            _ => self.render(),
        }
    }
}

/// A read-modify-write operation.
#[derive(Clone, Debug, PartialEq)]
pub enum Rmw {
    /// `x.swap(v, o)`: writes v, returns the old value.
    Swap(Expr),
    /// `x.fetch_add(v, o)`: adds v, returns the old value.
    FetchAdd(Expr),
    /// `x.fetch_sub(v, o)`: subtracts v, returns the old value.
    FetchSub(Expr),
    /// `x.compare_exchange(expected, new, o)`: writes new if the value is expected; returns the
    /// old value either way (so it succeeded if the result equals expected).
    Cas(Expr, Expr),
}

/// One statement as written.
#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    /// `name = expr` (a plain store to a shared variable, or a register assignment).
    Assign(String, Expr),
    /// `x.store(v, order)`.
    Store(String, Expr, Order),
    /// `[r =] x.rmw(args, order)`.
    Rmw(Option<String>, String, Rmw, Order),
    /// `fence(order)`.
    Fence(Order),
    /// `obj.method(args)` for a mutex, semaphore or condition variable.
    Sync(String, String, Vec<String>),
    /// `if cond { .. } else { .. }`.
    If(Expr, Vec<Stmt>, Vec<Stmt>),
    /// `while cond { .. }`.
    While(Expr, Vec<Stmt>),
    /// `assert cond`.
    Assert(Expr),
}

/// A statement and where it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    /// What it does.
    pub kind: StmtKind,
    /// Where it starts.
    pub pos: Pos,
}

/// A `thread NAME { ... }` block.
#[derive(Clone, Debug, PartialEq)]
pub struct ThreadDecl {
    /// The thread's name.
    pub name: String,
    /// Its body.
    pub body: Vec<Stmt>,
    /// Where `thread` is written.
    pub pos: Pos,
}

/// The kind of a declared shared object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjKind {
    /// `shared x = 0`: an integer in shared memory.
    Shared,
    /// `mutex m`.
    Mutex,
    /// `semaphore s = 1`.
    Semaphore,
    /// `condvar c`.
    Condvar,
}

impl ObjKind {
    /// The keyword that declares it.
    pub fn keyword(self) -> &'static str {
        match self {
            ObjKind::Shared => "shared",
            ObjKind::Mutex => "mutex",
            ObjKind::Semaphore => "semaphore",
            ObjKind::Condvar => "condvar",
        }
    }
}

/// A declared shared object.
#[derive(Clone, Debug, PartialEq)]
pub struct Decl {
    /// Its kind.
    pub kind: ObjKind,
    /// Its name.
    pub name: String,
    /// Its initial value (shared variables and semaphores).
    pub init: i64,
    /// Where its name is written.
    pub pos: Pos,
}

/// A whole program as written.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Ast {
    /// Shared objects in declaration order.
    pub decls: Vec<Decl>,
    /// Threads in order.
    pub threads: Vec<ThreadDecl>,
    /// `option NAME` lines.
    pub options: Vec<(String, Pos)>,
    /// `observe a, T.r` entries: (thread name if any, name, position).
    pub observe: Vec<(Option<String>, String, Pos)>,
    /// `final assert EXPR` checks, run once every thread has finished.
    pub finals: Vec<(Expr, Pos)>,
}
