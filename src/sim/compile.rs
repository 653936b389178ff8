//! Resolves names and splits each statement into steps that touch shared state at most once.

use std::collections::HashMap;

use super::ast::*;
use super::describe;
use super::program::*;
use super::ParseError;

/// The most threads a program may have: the explorer's state space grows with each one.
pub const MAX_THREADS: usize = 4;

/// Turns a parsed program into a [`Program`], checking every name.
pub fn compile(ast: &Ast) -> Result<Program, ParseError> {
    let mut objs: HashMap<&str, (ObjKind, usize)> = HashMap::new();
    let mut prog = Program {
        vars: Vec::new(),
        mutexes: Vec::new(),
        semaphores: Vec::new(),
        condvars: Vec::new(),
        threads: Vec::new(),
        spurious_wakeups: false,
        observe: Vec::new(),
        finals: Vec::new(),
    };
    for d in &ast.decls {
        if objs.contains_key(d.name.as_str()) {
            return Err(err(d.pos, format!("`{}` is declared twice", d.name)));
        }
        let index = match d.kind {
            ObjKind::Shared => push(&mut prog.vars, (d.name.clone(), d.init)),
            ObjKind::Mutex => push(&mut prog.mutexes, d.name.clone()),
            ObjKind::Semaphore => push(&mut prog.semaphores, (d.name.clone(), d.init)),
            ObjKind::Condvar => push(&mut prog.condvars, d.name.clone()),
        };
        objs.insert(&d.name, (d.kind, index));
    }
    for (name, pos) in &ast.options {
        match name.as_str() {
            "spurious_wakeups" => prog.spurious_wakeups = true,
            _ => {
                return Err(err(
                    *pos,
                    format!("unknown option `{name}` (the only one is `spurious_wakeups`)"),
                ))
            }
        }
    }
    if ast.threads.is_empty() {
        let end = Pos { line: 1, col: 1 };
        return Err(err(
            end,
            "a program needs at least one `thread NAME { ... }`",
        ));
    }
    for (i, t) in ast.threads.iter().enumerate() {
        if i == MAX_THREADS {
            return Err(err(t.pos, format!("at most {MAX_THREADS} threads")));
        }
        if ast.threads[..i].iter().any(|u| u.name == t.name) {
            return Err(err(t.pos, format!("two threads are named `{}`", t.name)));
        }
        let mut c = ThreadCompiler::new(&objs, &prog);
        c.collect_registers(&t.body)?;
        for s in &t.body {
            c.stmt(s)?;
        }
        let mut slots = c.regs.clone();
        slots.extend((1..=c.max_temps).map(|i| format!("tmp{i}")));
        prog.threads.push(ThreadCode {
            name: t.name.clone(),
            registers: c.regs.len(),
            slots,
            steps: c.steps,
            statements: c.statements,
        });
    }
    prog.observe = observed(ast, &objs, &prog)?;
    for (e, pos) in &ast.finals {
        let cond = final_val(e, &prog)?;
        let text = cond.render(&prog.final_slots());
        prog.finals.push(FinalCheck {
            cond,
            text,
            line: pos.line,
        });
    }
    Ok(prog)
}

/// Compiles a `final assert` condition over final values (see [`Program::final_slots`]).
fn final_val(e: &Expr, prog: &Program) -> Result<Val, ParseError> {
    let names = prog.final_slots();
    let slot = |name: String, pos: Pos| {
        names
            .iter()
            .position(|n| *n == name)
            .map(Val::Slot)
            .ok_or_else(|| {
                err(
                    pos,
                    format!("`{name}` is not a shared variable or a THREAD.register"),
                )
            })
    };
    Ok(match e {
        Expr::Int(v) => Val::Const(*v),
        Expr::Name(n, pos) | Expr::Load(n, _, pos) => slot(n.clone(), *pos)?,
        Expr::Reg(t, r, pos) => slot(format!("{t}.{r}"), *pos)?,
        Expr::Neg(a) => Val::Neg(Box::new(final_val(a, prog)?)),
        Expr::Not(a) => Val::Not(Box::new(final_val(a, prog)?)),
        Expr::Bin(op, a, b) => Val::Bin(
            *op,
            Box::new(final_val(a, prog)?),
            Box::new(final_val(b, prog)?),
        ),
    })
}

fn rmw_name(rmw: &Rmw) -> &'static str {
    match rmw {
        Rmw::Swap(_) => "swap",
        Rmw::FetchAdd(_) => "fetch_add",
        Rmw::FetchSub(_) => "fetch_sub",
        Rmw::Cas(..) => "compare_exchange",
    }
}

fn push<T>(v: &mut Vec<T>, item: T) -> usize {
    v.push(item);
    v.len() - 1
}

fn err(pos: Pos, msg: impl Into<String>) -> ParseError {
    ParseError::new(pos.line, pos.col, msg)
}

/// Resolves `observe` entries, or observes every variable and register if there are none.
fn observed(
    ast: &Ast,
    objs: &HashMap<&str, (ObjKind, usize)>,
    prog: &Program,
) -> Result<Vec<(String, Observed)>, ParseError> {
    if ast.observe.is_empty() {
        let mut all: Vec<(String, Observed)> = prog
            .vars
            .iter()
            .enumerate()
            .map(|(i, (name, _))| (name.clone(), Observed::Var(i)))
            .collect();
        for (t, code) in prog.threads.iter().enumerate() {
            for (slot, reg) in code.slots[..code.registers].iter().enumerate() {
                all.push((
                    format!("{}.{reg}", code.name),
                    Observed::Reg { thread: t, slot },
                ));
            }
        }
        return Ok(all);
    }
    let mut out = Vec::new();
    for (thread, name, pos) in &ast.observe {
        let entry = match thread {
            None => match objs.get(name.as_str()) {
                Some((ObjKind::Shared, i)) => (name.clone(), Observed::Var(*i)),
                _ => {
                    return Err(err(
                        *pos,
                        format!(
                        "`{name}` is not a shared variable (write THREAD.{name} for a register)"
                    ),
                    ))
                }
            },
            Some(tname) => {
                let Some(t) = prog.threads.iter().position(|c| &c.name == tname) else {
                    return Err(err(*pos, format!("no thread is named `{tname}`")));
                };
                let code = &prog.threads[t];
                let Some(slot) = code.slots[..code.registers].iter().position(|r| r == name) else {
                    return Err(err(
                        *pos,
                        format!("thread `{tname}` never assigns a register `{name}`"),
                    ));
                };
                (format!("{tname}.{name}"), Observed::Reg { thread: t, slot })
            }
        };
        out.push(entry);
    }
    Ok(out)
}

struct ThreadCompiler<'a> {
    objs: &'a HashMap<&'a str, (ObjKind, usize)>,
    prog: &'a Program,
    regs: Vec<String>,
    steps: Vec<Step>,
    statements: Vec<StmtInfo>,
    /// Temporaries used by the statement being compiled; they restart at each statement.
    temps: usize,
    max_temps: usize,
    stmt: usize,
}

impl<'a> ThreadCompiler<'a> {
    fn new(objs: &'a HashMap<&'a str, (ObjKind, usize)>, prog: &'a Program) -> Self {
        ThreadCompiler {
            objs,
            prog,
            regs: Vec::new(),
            steps: Vec::new(),
            statements: Vec::new(),
            temps: 0,
            max_temps: 0,
            stmt: 0,
        }
    }

    /// Every name assigned that is not a shared object is a register of this thread.
    fn collect_registers(&mut self, body: &[Stmt]) -> Result<(), ParseError> {
        for s in body {
            let target = match &s.kind {
                StmtKind::Assign(name, _) | StmtKind::Rmw(Some(name), ..) => Some(name),
                _ => None,
            };
            if let Some(name) = target {
                match self.objs.get(name.as_str()) {
                    None if !self.regs.contains(name) => self.regs.push(name.clone()),
                    Some((ObjKind::Shared, _)) | None => {}
                    Some((kind, _)) => {
                        return Err(err(
                            s.pos,
                            format!("`{name}` is a {}, not a variable", kind.keyword()),
                        ))
                    }
                }
            }
            match &s.kind {
                StmtKind::If(_, a, b) => {
                    self.collect_registers(a)?;
                    self.collect_registers(b)?;
                }
                StmtKind::While(_, a) => self.collect_registers(a)?,
                _ => {}
            }
        }
        Ok(())
    }

    fn slot_names(&self) -> Vec<String> {
        let mut names = self.regs.clone();
        names.extend((1..=self.max_temps.max(self.temps)).map(|i| format!("tmp{i}")));
        names
    }

    /// Emits a step described by `text` instead of the generated description.
    fn emit_as(&mut self, instr: Instr, text: String) {
        self.steps.push(Step {
            instr,
            stmt: self.stmt,
            text,
        });
    }

    fn emit(&mut self, instr: Instr) {
        let text = describe::step(&instr, self.prog, &self.slot_names());
        self.steps.push(Step {
            instr,
            stmt: self.stmt,
            text,
        });
    }

    fn temp(&mut self) -> usize {
        self.temps += 1;
        self.max_temps = self.max_temps.max(self.temps);
        self.regs.len() + self.temps - 1
    }

    fn shared(&self, name: &str, pos: Pos) -> Result<usize, ParseError> {
        match self.objs.get(name) {
            Some((ObjKind::Shared, i)) => Ok(*i),
            Some((kind, _)) => Err(err(
                pos,
                format!("`{name}` is a {}, not a shared variable", kind.keyword()),
            )),
            None => Err(err(
                pos,
                format!("`{name}` is not a declared shared variable"),
            )),
        }
    }

    /// Emits one load per shared read in `e` (left to right) and returns the local remainder.
    fn lower(&mut self, e: &Expr) -> Result<Val, ParseError> {
        Ok(match e {
            Expr::Int(v) => Val::Const(*v),
            Expr::Name(name, pos) => match self.objs.get(name.as_str()) {
                Some((ObjKind::Shared, var)) => {
                    let dst = self.temp();
                    self.emit(Instr::Load {
                        var: *var,
                        dst,
                        order: Order::Plain,
                    });
                    Val::Slot(dst)
                }
                Some((kind, _)) => {
                    return Err(err(
                        *pos,
                        format!("`{name}` is a {} and has no value", kind.keyword()),
                    ))
                }
                None => match self.regs.iter().position(|r| r == name) {
                    Some(slot) => Val::Slot(slot),
                    None => {
                        return Err(err(
                            *pos,
                            format!("unknown name `{name}`: declare it with `shared {name} = 0`, or assign it in this thread to make it a register"),
                        ))
                    }
                },
            },
            Expr::Reg(t, r, pos) => {
                return Err(err(
                    *pos,
                    format!("`{t}.{r}` names a register of a thread: only `final assert` can read it"),
                ))
            }
            Expr::Load(name, order, pos) => {
                let var = self.shared(name, *pos)?;
                let dst = self.temp();
                self.emit(Instr::Load {
                    var,
                    dst,
                    order: *order,
                });
                Val::Slot(dst)
            }
            Expr::Neg(a) => Val::Neg(Box::new(self.lower(a)?)),
            Expr::Not(a) => Val::Not(Box::new(self.lower(a)?)),
            Expr::Bin(op, a, b) => {
                let a = self.lower(a)?;
                let b = self.lower(b)?;
                Val::Bin(*op, Box::new(a), Box::new(b))
            }
        })
    }

    fn object(&self, name: &str, pos: Pos) -> Result<(ObjKind, usize), ParseError> {
        self.objs
            .get(name)
            .copied()
            .ok_or_else(|| err(pos, format!("`{name}` is not declared")))
    }

    fn stmt(&mut self, s: &Stmt) -> Result<(), ParseError> {
        self.stmt = self.statements.len();
        self.temps = 0;
        self.statements.push(StmtInfo {
            line: s.pos.line,
            col: s.pos.col,
            first_step: self.steps.len(),
        });
        let here = self.stmt;
        match &s.kind {
            StmtKind::Assign(name, e) => {
                if let Some((ObjKind::Shared, var)) = self.objs.get(name.as_str()).copied() {
                    let value = self.lower(e)?;
                    self.emit(Instr::Store {
                        var,
                        value,
                        order: Order::Plain,
                    });
                } else {
                    let dst = self.reg(name, s.pos)?;
                    // `r = x` is a single load straight into the register.
                    let direct = match e {
                        Expr::Name(n, p) => match self.objs.get(n.as_str()) {
                            Some((ObjKind::Shared, _)) => Some((n, Order::Plain, *p)),
                            _ => None,
                        },
                        Expr::Load(n, o, p) => Some((n, *o, *p)),
                        _ => None,
                    };
                    if let Some((n, order, p)) = direct {
                        let var = self.shared(n, p)?;
                        self.emit(Instr::Load { var, dst, order });
                    } else {
                        let value = self.lower(e)?;
                        self.emit(Instr::Local { dst, value });
                    }
                }
            }
            StmtKind::Store(name, e, order) => {
                let var = self.shared(name, s.pos)?;
                let value = self.lower(e)?;
                self.emit(Instr::Store {
                    var,
                    value,
                    order: *order,
                });
            }
            StmtKind::Rmw(dst, name, rmw, order) => {
                let var = self.shared(name, s.pos)?;
                let op = match rmw {
                    Rmw::Swap(v) => RmwOp::Swap(self.lower(v)?),
                    Rmw::FetchAdd(v) => RmwOp::FetchAdd(self.lower(v)?),
                    Rmw::FetchSub(v) => RmwOp::FetchAdd(Val::Neg(Box::new(self.lower(v)?))),
                    Rmw::Cas(a, b) => RmwOp::Cas {
                        expected: self.lower(a)?,
                        new: self.lower(b)?,
                    },
                };
                let dst = match dst {
                    Some(r) if self.objs.contains_key(r.as_str()) => {
                        return Err(err(
                            s.pos,
                            format!(
                            "`{r}` is shared: the old value of `{name}.{}` goes into a register",
                            rmw_name(rmw)
                        ),
                        ))
                    }
                    Some(r) => Some(self.reg(r, s.pos)?),
                    None => None,
                };
                self.emit(Instr::Rmw {
                    var,
                    rmw: op,
                    dst,
                    order: *order,
                });
            }
            StmtKind::Fence(order) => self.emit(Instr::Fence { order: *order }),
            StmtKind::Sync(obj, method, args) => self.sync(obj, method, args, s.pos)?,
            StmtKind::If(cond, then, els) => {
                let text = format!("if {}", cond.render());
                let cond = self.lower(cond)?;
                let branch = self.steps.len();
                self.emit_as(Instr::Branch { cond, target: 0 }, text);
                for t in then {
                    self.stmt(t)?;
                }
                let mut jump = None;
                if !els.is_empty() {
                    self.stmt = here;
                    jump = Some(self.steps.len());
                    self.emit_as(Instr::Jump { target: 0 }, "skip the else branch".into());
                }
                self.patch(branch, self.steps.len());
                for e in els {
                    self.stmt(e)?;
                }
                if let Some(j) = jump {
                    self.patch(j, self.steps.len());
                }
            }
            StmtKind::While(cond, body) => {
                let start = self.steps.len();
                let text = format!("while {}", cond.render());
                let cond = self.lower(cond)?;
                let branch = self.steps.len();
                self.emit_as(Instr::Branch { cond, target: 0 }, text);
                for b in body {
                    self.stmt(b)?;
                }
                self.stmt = here;
                self.emit_as(
                    Instr::Jump { target: start },
                    "back to the loop test".into(),
                );
                self.patch(branch, self.steps.len());
            }
            StmtKind::Assert(cond) => {
                let text = format!("assert {}", cond.render());
                let cond = self.lower(cond)?;
                self.emit_as(Instr::Assert { cond }, text);
            }
        }
        Ok(())
    }

    fn patch(&mut self, at: usize, to: usize) {
        if let Some(step) = self.steps.get_mut(at) {
            match &mut step.instr {
                Instr::Branch { target, .. } | Instr::Jump { target } => *target = to,
                _ => {}
            }
        }
    }

    fn reg(&self, name: &str, pos: Pos) -> Result<usize, ParseError> {
        self.regs
            .iter()
            .position(|r| r == name)
            .ok_or_else(|| err(pos, format!("`{name}` cannot be assigned")))
    }

    fn sync(
        &mut self,
        obj: &str,
        method: &str,
        args: &[String],
        pos: Pos,
    ) -> Result<(), ParseError> {
        let (kind, i) = self.object(obj, pos)?;
        let no_args = |_: &Self| -> Result<(), ParseError> {
            if args.is_empty() {
                Ok(())
            } else {
                Err(err(pos, format!("`{obj}.{method}()` takes no argument")))
            }
        };
        let instr = match (kind, method) {
            (ObjKind::Mutex, "lock") => {
                no_args(self)?;
                Instr::Lock { mutex: i }
            }
            (ObjKind::Mutex, "unlock") => {
                no_args(self)?;
                Instr::Unlock { mutex: i }
            }
            (ObjKind::Semaphore, "wait") => {
                no_args(self)?;
                Instr::SemWait { sem: i }
            }
            (ObjKind::Semaphore, "signal") => {
                no_args(self)?;
                Instr::SemSignal { sem: i }
            }
            (ObjKind::Condvar, "notify_one") | (ObjKind::Condvar, "notify_all") => {
                no_args(self)?;
                Instr::Notify {
                    cond: i,
                    all: method == "notify_all",
                }
            }
            (ObjKind::Condvar, "wait") => {
                let Some(m) = args.first() else {
                    return Err(err(
                        pos,
                        format!(
                            "write `{obj}.wait(MUTEX)`: a condition variable wait releases a mutex"
                        ),
                    ));
                };
                let mutex = match self.object(m, pos)? {
                    (ObjKind::Mutex, m) => m,
                    (k, _) => {
                        return Err(err(pos, format!("`{m}` is a {}, not a mutex", k.keyword())))
                    }
                };
                self.emit(Instr::CondWait { cond: i, mutex });
                Instr::Reacquire { mutex }
            }
            (kind, _) => {
                let methods = match kind {
                    ObjKind::Mutex => "lock() and unlock()",
                    ObjKind::Semaphore => "wait() and signal()",
                    ObjKind::Condvar => "wait(MUTEX), notify_one() and notify_all()",
                    ObjKind::Shared => {
                        "load, store, swap, fetch_add, fetch_sub and compare_exchange"
                    }
                };
                return Err(err(
                    pos,
                    format!("`{obj}` is a {}: its methods are {methods}", kind.keyword()),
                ));
            }
        };
        self.emit(instr);
        Ok(())
    }
}
