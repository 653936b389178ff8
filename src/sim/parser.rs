//! A recursive-descent parser from tokens to the [`Ast`]. Every error names a line and column.
//!
//! Nesting is capped so that hostile input (ten thousand `(`) gives an error instead of
//! overflowing the stack, which would abort the worker rather than panic.

use super::ast::*;
use super::error::{Expected, Found, NameRole, ParseError, ParseErrorKind as K};
use super::lexer::{Tok, Token};

/// How deeply expressions and blocks may nest.
const MAX_DEPTH: u32 = 48;

/// The most terms (values, parenthesised groups and unary operators) one expression may have. Operator chains such
/// as `1+1+1+...` are parsed by a loop, not by recursion, but the tree they build is as deep as
/// the chain is long, and compiling, evaluating, printing and dropping it all recurse: without
/// this cap 32,000 terms overflow the stack (natively an abort, in wasm a trap).
pub const MAX_TERMS: u32 = 100;

/// Words that cannot name a variable, register, thread or object: every word the grammar
/// gives a meaning to outside a method call, memory orders included, so that no name can be
/// read two ways.
pub const KEYWORDS: [&str; 18] = [
    "shared",
    "mutex",
    "semaphore",
    "condvar",
    "thread",
    "if",
    "else",
    "while",
    "assert",
    "fence",
    "option",
    "observe",
    "final",
    "relaxed",
    "acquire",
    "release",
    "acq_rel",
    "seq_cst",
];

struct Parser<'a> {
    toks: &'a [Token],
    at: usize,
    depth: u32,
    /// How many expressions are open (parentheses nest them), and the terms read since the
    /// outermost one began.
    open_exprs: u32,
    terms: u32,
}

type PResult<T> = Result<T, ParseError>;

/// Parses tokens (ending with [`Tok::Eof`]) into an [`Ast`].
pub fn parse_tokens(toks: &[Token]) -> PResult<Ast> {
    let mut p = Parser {
        toks,
        at: 0,
        depth: 0,
        open_exprs: 0,
        terms: 0,
    };
    p.program()
}

impl Parser<'_> {
    fn peek(&self) -> &Tok {
        self.toks.get(self.at).map(|t| &t.tok).unwrap_or(&Tok::Eof)
    }

    fn peek_at(&self, ahead: usize) -> &Tok {
        self.toks
            .get(self.at + ahead)
            .map(|t| &t.tok)
            .unwrap_or(&Tok::Eof)
    }

    fn pos(&self) -> Pos {
        let t = self.toks.get(self.at).or(self.toks.last());
        t.map(|t| Pos {
            line: t.line,
            col: t.col,
        })
        .unwrap_or(Pos { line: 1, col: 1 })
    }

    fn err<T>(&self, kind: K) -> PResult<T> {
        let p = self.pos();
        Err(ParseError::new(p.line, p.col, kind))
    }

    /// An error at the next token: `what` was expected there.
    fn expected<T>(&self, what: Expected) -> PResult<T> {
        self.err(K::Expected {
            what,
            found: found(self.peek()),
        })
    }

    fn bump(&mut self) {
        if self.at + 1 < self.toks.len() {
            self.at += 1;
        }
    }

    fn is_punct(&self, p: &str) -> bool {
        matches!(self.peek(), Tok::Punct(q) if *q == p)
    }

    fn eat_punct(&mut self, p: &str) -> bool {
        let hit = self.is_punct(p);
        if hit {
            self.bump();
        }
        hit
    }

    fn expect_punct(&mut self, p: &'static str) -> PResult<()> {
        if self.eat_punct(p) {
            Ok(())
        } else {
            self.expected(Expected::Punct(p))
        }
    }

    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Tok::Ident(s) if s == w)
    }

    fn skip_separators(&mut self) {
        while matches!(self.peek(), Tok::Newline) || self.is_punct(";") {
            self.bump();
        }
    }

    fn skip_newlines(&mut self) {
        while matches!(self.peek(), Tok::Newline) {
            self.bump();
        }
    }

    /// A statement or declaration must end at a newline, `;`, `}` or the end of the text.
    fn end_of_statement(&mut self) -> PResult<()> {
        match self.peek() {
            Tok::Newline | Tok::Eof => Ok(()),
            Tok::Punct(";") | Tok::Punct("}") => Ok(()),
            _ => self.expected(Expected::EndOfStatement),
        }
    }

    /// A name that is not a keyword.
    fn ident(&mut self, role: NameRole) -> PResult<(String, Pos)> {
        let pos = self.pos();
        match self.peek().clone() {
            Tok::Ident(word) if KEYWORDS.contains(&word.as_str()) => {
                self.err(K::Keyword { word, role })
            }
            Tok::Ident(name) => {
                self.bump();
                Ok((name, pos))
            }
            _ => self.expected(Expected::Name(role)),
        }
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.err(K::TooDeep { max: MAX_DEPTH });
        }
        Ok(())
    }

    fn program(&mut self) -> PResult<Ast> {
        let mut ast = Ast::default();
        loop {
            self.skip_separators();
            let Tok::Ident(word) = self.peek().clone() else {
                if matches!(self.peek(), Tok::Eof) {
                    return Ok(ast);
                }
                return self.expected(Expected::Item);
            };
            match word.as_str() {
                "shared" => self.decls(&mut ast, ObjKind::Shared)?,
                "mutex" => self.decls(&mut ast, ObjKind::Mutex)?,
                "semaphore" => self.decls(&mut ast, ObjKind::Semaphore)?,
                "condvar" => self.decls(&mut ast, ObjKind::Condvar)?,
                "option" => {
                    self.bump();
                    let (name, pos) = self.ident(NameRole::OptionName)?;
                    ast.options.push((name, pos));
                    self.end_of_statement()?;
                }
                "final" => {
                    let pos = self.pos();
                    self.bump();
                    if !self.is_word("assert") {
                        return self.expected(Expected::AssertAfterFinal);
                    }
                    self.bump();
                    let e = self.expr()?;
                    ast.finals.push((e, pos));
                    self.end_of_statement()?;
                }
                "observe" => {
                    self.bump();
                    loop {
                        let (first, pos) = self.ident(NameRole::ObserveTarget)?;
                        if self.eat_punct(".") {
                            let (reg, _) = self.ident(NameRole::RegisterName)?;
                            ast.observe.push((Some(first), reg, pos));
                        } else {
                            ast.observe.push((None, first, pos));
                        }
                        if !self.eat_punct(",") {
                            break;
                        }
                    }
                    self.end_of_statement()?;
                }
                "thread" => {
                    let pos = self.pos();
                    self.bump();
                    let (name, _) = self.ident(NameRole::ThreadName)?;
                    self.skip_newlines();
                    let body = self.block()?;
                    ast.threads.push(ThreadDecl { name, body, pos });
                }
                _ => return self.err(K::OutsideThread { word }),
            }
        }
    }

    fn decls(&mut self, ast: &mut Ast, kind: ObjKind) -> PResult<()> {
        self.bump();
        loop {
            let (name, pos) = self.ident(NameRole::ObjectName(kind))?;
            let mut init = 0;
            if self.is_punct("=") {
                if !matches!(kind, ObjKind::Shared | ObjKind::Semaphore) {
                    return self.err(K::NoInitialValue { kind });
                }
                self.bump();
                let neg = self.eat_punct("-");
                match self.peek() {
                    Tok::Int(v) => {
                        init = if neg { -*v } else { *v };
                        self.bump();
                    }
                    _ => return self.expected(Expected::Integer),
                }
                if kind == ObjKind::Semaphore && init < 0 {
                    return Err(ParseError::new(pos.line, pos.col, K::SemaphoreBelowZero));
                }
            }
            ast.decls.push(Decl {
                kind,
                name,
                init,
                pos,
            });
            if !self.eat_punct(",") {
                break;
            }
        }
        self.end_of_statement()
    }

    /// `{ stmt* }`.
    fn block(&mut self) -> PResult<Vec<Stmt>> {
        self.enter()?;
        // Allow the brace on its own line, C style.
        self.skip_newlines();
        self.expect_punct("{")?;
        let mut body = Vec::new();
        loop {
            self.skip_separators();
            if self.eat_punct("}") {
                break;
            }
            if matches!(self.peek(), Tok::Eof) {
                return self.expected(Expected::Punct("}"));
            }
            body.push(self.stmt()?);
            self.end_of_statement()?;
        }
        self.depth -= 1;
        Ok(body)
    }

    fn stmt(&mut self) -> PResult<Stmt> {
        let pos = self.pos();
        let Tok::Ident(word) = self.peek().clone() else {
            return self.expected(Expected::Statement);
        };
        let kind = match word.as_str() {
            "if" => return self.if_stmt(),
            "while" => {
                self.bump();
                let cond = self.expr()?;
                let body = self.block()?;
                StmtKind::While(cond, body)
            }
            "assert" => {
                self.bump();
                StmtKind::Assert(self.expr()?)
            }
            "fence" => {
                self.bump();
                let mut order = Order::SeqCst;
                if self.eat_punct("(") {
                    if !self.is_punct(")") {
                        order = self.order()?;
                    }
                    self.expect_punct(")")?;
                }
                if matches!(order, Order::Relaxed) {
                    return Err(ParseError::new(pos.line, pos.col, K::RelaxedFence));
                }
                StmtKind::Fence(order)
            }
            _ => {
                let (name, _) = self.ident(NameRole::Statement)?;
                if self.eat_punct("=") {
                    self.assign_rhs(name)?
                } else if self.is_punct(".") {
                    self.bump();
                    self.method_stmt(name)?
                } else {
                    return self.expected(Expected::AssignOrMethod { name });
                }
            }
        };
        Ok(Stmt { kind, pos })
    }

    fn if_stmt(&mut self) -> PResult<Stmt> {
        let pos = self.pos();
        self.enter()?;
        self.bump();
        let cond = self.expr()?;
        let then = self.block()?;
        let mut els = Vec::new();
        // `else` may sit on the line after `}`; only look past newlines if it is there.
        let mut ahead = 0;
        while matches!(self.peek_at(ahead), Tok::Newline) {
            ahead += 1;
        }
        if matches!(self.peek_at(ahead), Tok::Ident(w) if w == "else") {
            for _ in 0..=ahead {
                self.bump();
            }
            self.skip_newlines();
            if self.is_word("if") {
                els.push(self.if_stmt()?);
            } else {
                els = self.block()?;
            }
        }
        self.depth -= 1;
        Ok(Stmt {
            kind: StmtKind::If(cond, then, els),
            pos,
        })
    }

    /// After `name =`: an atomic read-modify-write or an expression.
    fn assign_rhs(&mut self, name: String) -> PResult<StmtKind> {
        if let (Tok::Ident(obj), Tok::Punct("."), Tok::Ident(method)) = (
            self.peek().clone(),
            self.peek_at(1).clone(),
            self.peek_at(2).clone(),
        ) {
            if is_rmw(&method) {
                self.bump();
                self.bump();
                self.bump();
                let (rmw, order) = self.rmw_args(&method)?;
                return Ok(StmtKind::Rmw(Some(name), obj, rmw, order));
            }
        }
        Ok(StmtKind::Assign(name, self.expr()?))
    }

    /// After `obj.`: a store, a discarded read-modify-write, or a synchronisation call.
    fn method_stmt(&mut self, obj: String) -> PResult<StmtKind> {
        let (method, mpos) = self.ident(NameRole::MethodName)?;
        if is_rmw(&method) {
            let (rmw, order) = self.rmw_args(&method)?;
            return Ok(StmtKind::Rmw(None, obj, rmw, order));
        }
        match method.as_str() {
            "store" => {
                self.expect_punct("(")?;
                let value = self.expr()?;
                let order = self.opt_order(Order::SeqCst)?;
                self.expect_punct(")")?;
                if order.acquires() && order != Order::SeqCst {
                    return Err(ParseError::new(
                        mpos.line,
                        mpos.col,
                        K::StoreOrder { order },
                    ));
                }
                Ok(StmtKind::Store(obj, value, order))
            }
            "load" => Err(ParseError::new(
                mpos.line,
                mpos.col,
                K::UnusedLoad { var: obj },
            )),
            "lock" | "unlock" | "wait" | "signal" | "notify_one" | "notify_all" => {
                self.expect_punct("(")?;
                let mut args = Vec::new();
                if !self.is_punct(")") {
                    args.push(self.ident(NameRole::MutexName)?.0);
                }
                self.expect_punct(")")?;
                Ok(StmtKind::Sync(obj, method, args))
            }
            _ => Err(ParseError::new(
                mpos.line,
                mpos.col,
                K::UnknownMethod { method },
            )),
        }
    }

    /// `( args [, order] )` after an RMW method name.
    fn rmw_args(&mut self, method: &str) -> PResult<(Rmw, Order)> {
        self.expect_punct("(")?;
        let a = self.expr()?;
        let rmw = match method {
            "swap" => Rmw::Swap(a),
            "fetch_add" => Rmw::FetchAdd(a),
            "fetch_sub" => Rmw::FetchSub(a),
            _ => {
                self.expect_punct(",")?;
                Rmw::Cas(a, self.expr()?)
            }
        };
        let order = self.opt_order(Order::SeqCst)?;
        self.expect_punct(")")?;
        Ok((rmw, order))
    }

    /// `, order` if present, else `default`.
    fn opt_order(&mut self, default: Order) -> PResult<Order> {
        if self.eat_punct(",") {
            self.order()
        } else {
            Ok(default)
        }
    }

    fn order(&mut self) -> PResult<Order> {
        if let Tok::Ident(name) = self.peek() {
            if let Some(o) = Order::from_name(name) {
                self.bump();
                return Ok(o);
            }
        }
        self.expected(Expected::MemoryOrder)
    }

    fn expr(&mut self) -> PResult<Expr> {
        self.enter()?;
        if self.open_exprs == 0 {
            self.terms = 0;
        }
        self.open_exprs += 1;
        let e = self.binary(0)?;
        self.open_exprs -= 1;
        self.depth -= 1;
        Ok(e)
    }

    /// Counts one more term of the current expression.
    fn term(&mut self) -> PResult<()> {
        self.terms += 1;
        if self.terms > MAX_TERMS {
            return self.err(K::ExpressionTooLong { max: MAX_TERMS });
        }
        Ok(())
    }

    /// Precedence climbing over `||`, `&&`, comparisons, `+ -`, `* / %`.
    fn binary(&mut self, level: usize) -> PResult<Expr> {
        const LEVELS: [&[(&str, BinOp)]; 5] = [
            &[("||", BinOp::Or)],
            &[("&&", BinOp::And)],
            &[
                ("==", BinOp::Eq),
                ("!=", BinOp::Ne),
                ("<=", BinOp::Le),
                (">=", BinOp::Ge),
                ("<", BinOp::Lt),
                (">", BinOp::Gt),
            ],
            &[("+", BinOp::Add), ("-", BinOp::Sub)],
            &[("*", BinOp::Mul), ("/", BinOp::Div), ("%", BinOp::Rem)],
        ];
        let Some(ops) = LEVELS.get(level) else {
            return self.unary();
        };
        let mut lhs = self.binary(level + 1)?;
        'outer: loop {
            for (sym, op) in ops.iter() {
                if self.eat_punct(sym) {
                    let rhs = self.binary(level + 1)?;
                    lhs = Expr::Bin(*op, Box::new(lhs), Box::new(rhs));
                    // A comparison chain like `a < b < c` reads wrongly; ask for parentheses.
                    if level == 2 && ops.iter().any(|(s, _)| self.is_punct(s)) {
                        return self.err(K::ChainedComparison);
                    }
                    continue 'outer;
                }
            }
            return Ok(lhs);
        }
    }

    fn unary(&mut self) -> PResult<Expr> {
        self.term()?;
        if self.eat_punct("-") {
            self.enter()?;
            let e = self.unary()?;
            self.depth -= 1;
            return Ok(match e {
                Expr::Int(v) => Expr::Int(v.wrapping_neg()),
                e => Expr::Neg(Box::new(e)),
            });
        }
        if self.eat_punct("!") {
            self.enter()?;
            let e = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(e)));
        }
        self.primary()
    }

    fn primary(&mut self) -> PResult<Expr> {
        match self.peek().clone() {
            Tok::Int(v) => {
                self.bump();
                Ok(Expr::Int(v))
            }
            Tok::Punct("(") => {
                self.bump();
                let e = self.expr()?;
                self.expect_punct(")")?;
                Ok(e)
            }
            Tok::Ident(_) => {
                let (name, pos) = self.ident(NameRole::Value)?;
                if !self.eat_punct(".") {
                    return Ok(Expr::Name(name, pos));
                }
                let (method, mpos) = self.ident(NameRole::Load)?;
                if method != "load" && !self.is_punct("(") {
                    return Ok(Expr::Reg(name, method, pos));
                }
                if method != "load" {
                    let rmw = is_rmw(&method);
                    let kind = K::OnlyLoadInExpression {
                        var: name,
                        method,
                        rmw,
                    };
                    return Err(ParseError::new(mpos.line, mpos.col, kind));
                }
                self.expect_punct("(")?;
                let order = if self.is_punct(")") {
                    Order::SeqCst
                } else {
                    self.order()?
                };
                self.expect_punct(")")?;
                if order.releases() && order != Order::SeqCst {
                    return Err(ParseError::new(mpos.line, mpos.col, K::LoadOrder { order }));
                }
                Ok(Expr::Load(name, order, pos))
            }
            _ => self.expected(Expected::Value),
        }
    }
}

fn is_rmw(method: &str) -> bool {
    matches!(
        method,
        "swap" | "fetch_add" | "fetch_sub" | "compare_exchange"
    )
}

/// A token as an error names it.
fn found(t: &Tok) -> Found {
    match t {
        Tok::Ident(s) => Found::Word(s.clone()),
        Tok::Int(v) => Found::Int(*v),
        Tok::Punct(p) => Found::Punct(p),
        Tok::Newline => Found::EndOfLine,
        Tok::Eof => Found::EndOfText,
    }
}
