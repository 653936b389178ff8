//! Resolves names and splits each statement into steps that touch shared state at most once.
//!
//! Work grows linearly with the program: every name is found through a hash map, and the slot
//! names a step description needs are kept in one list that grows, never copied per step
//! (copying it made 16,000 registers take 15 s). [`Bounds`] caps what the explorer would have
//! to hold per state, and each cap is checked as soon as it is crossed.

use std::collections::HashMap;

use super::ast::*;
use super::describe::{self, StepText};
use super::error::{ParseError, ParseErrorKind as K};
use super::program::*;

/// The most threads a program may have: the explorer's state space grows with each one.
pub const MAX_THREADS: usize = 4;

/// How large a program may be. Each bound keeps a state small (registers, declared names) or
/// the program's own size in check (steps, observed values); lessons use a small fraction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounds {
    /// Threads.
    pub threads: usize,
    /// Registers per thread (temporaries not counted: an expression's terms bound them).
    pub registers: usize,
    /// Atomic steps over all threads.
    pub steps: usize,
    /// Declared names: shared variables, mutexes, semaphores and condition variables.
    pub objects: usize,
    /// `observe` entries.
    pub observed: usize,
}

impl Bounds {
    /// The lab's bounds, for every program the page or the command line runs.
    pub const LAB: Bounds = Bounds {
        threads: MAX_THREADS,
        registers: 32,
        steps: 1000,
        objects: 32,
        observed: 64,
    };
}

/// Turns a parsed program into a [`Program`], checking every name, within [`Bounds::LAB`].
pub fn compile(ast: &Ast) -> Result<Program, ParseError> {
    compile_within(ast, &Bounds::LAB)
}

/// [`compile`] within other bounds (tests use it to compile programs far beyond the lab's).
pub fn compile_within(ast: &Ast, bounds: &Bounds) -> Result<Program, ParseError> {
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
    let objs = declare(ast, bounds, &mut prog)?;
    for (name, pos) in &ast.options {
        match name.as_str() {
            "spurious_wakeups" => prog.spurious_wakeups = true,
            _ => {
                let name = name.clone();
                return Err(err(*pos, K::UnknownOption { name }));
            }
        }
    }
    compile_threads(ast, bounds, &objs, &mut prog)?;
    if ast.observe.len() > bounds.observed {
        let pos = ast.observe[bounds.observed].2;
        let max = bounds.observed;
        return Err(err(pos, K::TooManyObserved { max }));
    }
    prog.observe = observed(ast, &objs, &prog)?;
    let names = prog.final_slots();
    let index: HashMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    for (e, pos) in &ast.finals {
        let cond = final_val(e, &index)?;
        let text = cond.render(&names);
        prog.finals.push(FinalCheck {
            cond,
            text,
            line: pos.line,
        });
    }
    Ok(prog)
}

/// The declared shared objects, each added to its list in `prog`: their kinds and indexes by
/// name.
fn declare<'a>(
    ast: &'a Ast,
    bounds: &Bounds,
    prog: &mut Program,
) -> Result<HashMap<&'a str, (ObjKind, usize)>, ParseError> {
    let mut objs = HashMap::new();
    for (i, d) in ast.decls.iter().enumerate() {
        if i == bounds.objects {
            let max = bounds.objects;
            return Err(err(d.pos, K::TooManyObjects { max }));
        }
        if objs.contains_key(d.name.as_str()) {
            let name = d.name.clone();
            return Err(err(d.pos, K::DeclaredTwice { name }));
        }
        let index = match d.kind {
            ObjKind::Shared => push(&mut prog.vars, (d.name.clone(), d.init)),
            ObjKind::Mutex => push(&mut prog.mutexes, d.name.clone()),
            ObjKind::Semaphore => push(&mut prog.semaphores, (d.name.clone(), d.init)),
            ObjKind::Condvar => push(&mut prog.condvars, d.name.clone()),
        };
        objs.insert(d.name.as_str(), (d.kind, index));
    }
    Ok(objs)
}

/// Every thread compiled into `prog.threads`, within the bounds on threads and steps.
fn compile_threads(
    ast: &Ast,
    bounds: &Bounds,
    objs: &HashMap<&str, (ObjKind, usize)>,
    prog: &mut Program,
) -> Result<(), ParseError> {
    if ast.threads.is_empty() {
        let end = Pos { line: 1, col: 1 };
        return Err(err(end, K::NoThreads));
    }
    let mut steps = 0;
    for (i, t) in ast.threads.iter().enumerate() {
        if i == bounds.threads {
            let max = bounds.threads;
            return Err(err(t.pos, K::TooManyThreads { max }));
        }
        if ast.threads[..i].iter().any(|u| u.name == t.name) {
            let name = t.name.clone();
            return Err(err(t.pos, K::DuplicateThread { name }));
        }
        let mut c = ThreadCompiler::new(objs, prog, bounds, steps);
        c.collect_registers(&t.name, &t.body)?;
        c.names = c.regs.clone();
        for s in &t.body {
            c.stmt(s)?;
        }
        steps += c.steps.len();
        let code = ThreadCode {
            name: t.name.clone(),
            registers: c.regs.len(),
            slots: c.names,
            steps: c.steps,
            statements: c.statements,
        };
        prog.threads.push(code);
    }
    Ok(())
}

/// The step of a method call that takes no argument (`m.lock()`, `s.signal()`, `c.notify_one()`,
/// ...) on object `i` of `kind`, if `method` is one.
fn no_argument_call(kind: ObjKind, method: &str, i: usize) -> Option<Instr> {
    Some(match (kind, method) {
        (ObjKind::Mutex, "lock") => Instr::Lock { mutex: i },
        (ObjKind::Mutex, "unlock") => Instr::Unlock { mutex: i },
        (ObjKind::Semaphore, "wait") => Instr::SemWait { sem: i },
        (ObjKind::Semaphore, "signal") => Instr::SemSignal { sem: i },
        (ObjKind::Condvar, "notify_one") => Instr::Notify {
            cond: i,
            all: false,
        },
        (ObjKind::Condvar, "notify_all") => Instr::Notify { cond: i, all: true },
        _ => return None,
    })
}

/// Compiles a `final assert` condition over final values (see [`Program::final_slots`]).
fn final_val(e: &Expr, index: &HashMap<&str, usize>) -> Result<Val, ParseError> {
    let slot = |name: String, pos: Pos| {
        index
            .get(name.as_str())
            .map(|&i| Val::Slot(i))
            .ok_or_else(|| err(pos, K::NotFinalValue { name }))
    };
    Ok(match e {
        Expr::Int(v) => Val::Const(*v),
        Expr::Name(n, pos) | Expr::Load(n, _, pos) => slot(n.clone(), *pos)?,
        Expr::Reg(t, r, pos) => slot(format!("{t}.{r}"), *pos)?,
        Expr::Neg(a) => Val::Neg(Box::new(final_val(a, index)?)),
        Expr::Not(a) => Val::Not(Box::new(final_val(a, index)?)),
        Expr::Bin(op, a, b) => Val::Bin(
            *op,
            Box::new(final_val(a, index)?),
            Box::new(final_val(b, index)?),
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

fn err(pos: Pos, kind: K) -> ParseError {
    ParseError::new(pos.line, pos.col, kind)
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
    // Register names per thread, looked up by hash so that long `observe` lists stay linear.
    let regs: Vec<HashMap<&str, usize>> = prog
        .threads
        .iter()
        .map(|c| {
            let regs = c.slots[..c.registers].iter().enumerate();
            regs.map(|(i, r)| (r.as_str(), i)).collect()
        })
        .collect();
    let mut out = Vec::new();
    for (thread, name, pos) in &ast.observe {
        let entry = match thread {
            None => match objs.get(name.as_str()) {
                Some((ObjKind::Shared, i)) => (name.clone(), Observed::Var(*i)),
                _ => {
                    let name = name.clone();
                    return Err(err(*pos, K::ObserveNotShared { name }));
                }
            },
            Some(tname) => {
                let Some(t) = prog.threads.iter().position(|c| &c.name == tname) else {
                    let name = tname.clone();
                    return Err(err(*pos, K::NoSuchThread { name }));
                };
                let Some(&slot) = regs[t].get(name.as_str()) else {
                    let (thread, reg) = (tname.clone(), name.clone());
                    return Err(err(*pos, K::NoSuchRegister { thread, reg }));
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
    bounds: &'a Bounds,
    /// Steps of the threads compiled before this one.
    steps_before: usize,
    regs: Vec<String>,
    /// Register name to slot.
    reg_slot: HashMap<String, usize>,
    /// Every slot's name: the registers, then `tmp1`, `tmp2`, ... as far as any statement
    /// has needed.
    names: Vec<String>,
    steps: Vec<Step>,
    statements: Vec<StmtInfo>,
    /// Temporaries used by the statement being compiled; they restart at each statement.
    temps: usize,
    max_temps: usize,
    stmt: usize,
}

impl<'a> ThreadCompiler<'a> {
    fn new(
        objs: &'a HashMap<&'a str, (ObjKind, usize)>,
        prog: &'a Program,
        bounds: &'a Bounds,
        steps_before: usize,
    ) -> Self {
        ThreadCompiler {
            objs,
            prog,
            bounds,
            steps_before,
            regs: Vec::new(),
            reg_slot: HashMap::new(),
            names: Vec::new(),
            steps: Vec::new(),
            statements: Vec::new(),
            temps: 0,
            max_temps: 0,
            stmt: 0,
        }
    }

    /// Every name assigned that is not a shared object is a register of this thread.
    fn collect_registers(&mut self, thread: &str, body: &[Stmt]) -> Result<(), ParseError> {
        for s in body {
            let target = match &s.kind {
                StmtKind::Assign(name, _) | StmtKind::Rmw(Some(name), ..) => Some(name),
                _ => None,
            };
            if let Some(name) = target {
                match self.objs.get(name.as_str()) {
                    None if !self.reg_slot.contains_key(name) => {
                        if self.regs.len() == self.bounds.registers {
                            let (thread, max) = (thread.to_string(), self.bounds.registers);
                            return Err(err(s.pos, K::TooManyRegisters { thread, max }));
                        }
                        self.reg_slot.insert(name.clone(), self.regs.len());
                        self.regs.push(name.clone());
                    }
                    Some((ObjKind::Shared, _)) | None => {}
                    Some((kind, _)) => {
                        let (name, kind) = (name.clone(), *kind);
                        return Err(err(s.pos, K::NotAVariable { name, kind }));
                    }
                }
            }
            match &s.kind {
                StmtKind::If(_, a, b) => {
                    self.collect_registers(thread, a)?;
                    self.collect_registers(thread, b)?;
                }
                StmtKind::While(_, a) => self.collect_registers(thread, a)?,
                _ => {}
            }
        }
        Ok(())
    }

    /// Emits a step described by `text` instead of the generated description.
    fn emit_as(&mut self, instr: Instr, text: StepText) -> Result<(), ParseError> {
        if self.steps_before + self.steps.len() == self.bounds.steps {
            let pos = self.statements.last().map(|s| Pos {
                line: s.line,
                col: s.col,
            });
            let max = self.bounds.steps;
            return Err(err(pos.unwrap_or_default(), K::TooManySteps { max }));
        }
        self.steps.push(Step {
            instr,
            stmt: self.stmt,
            text,
        });
        Ok(())
    }

    fn emit(&mut self, instr: Instr) -> Result<(), ParseError> {
        let text = describe::step(&instr, self.prog, &self.names);
        self.emit_as(instr, text)
    }

    fn temp(&mut self) -> usize {
        self.temps += 1;
        if self.temps > self.max_temps {
            self.max_temps = self.temps;
            self.names.push(format!("tmp{}", self.temps));
        }
        self.regs.len() + self.temps - 1
    }

    fn shared(&self, name: &str, pos: Pos) -> Result<usize, ParseError> {
        match self.objs.get(name) {
            Some((ObjKind::Shared, i)) => Ok(*i),
            Some((kind, _)) => {
                let (name, kind) = (name.to_string(), *kind);
                Err(err(pos, K::NotShared { name, kind }))
            }
            None => {
                let name = name.to_string();
                Err(err(pos, K::NotDeclaredShared { name }))
            }
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
                    })?;
                    Val::Slot(dst)
                }
                Some((kind, _)) => {
                    let (name, kind) = (name.clone(), *kind);
                    return Err(err(*pos, K::NoValue { name, kind }));
                }
                None => match self.reg_slot.get(name) {
                    Some(&slot) => Val::Slot(slot),
                    None => {
                        let name = name.clone();
                        return Err(err(*pos, K::UnknownName { name }));
                    }
                },
            },
            Expr::Reg(t, r, pos) => {
                let (thread, reg) = (t.clone(), r.clone());
                return Err(err(*pos, K::RegisterOutsideFinal { thread, reg }));
            }
            Expr::Load(name, order, pos) => {
                let var = self.shared(name, *pos)?;
                let dst = self.temp();
                self.emit(Instr::Load {
                    var,
                    dst,
                    order: *order,
                })?;
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
        self.objs.get(name).copied().ok_or_else(|| {
            let name = name.to_string();
            err(pos, K::NotDeclared { name })
        })
    }

    /// Compiles one statement (and the statements nested in it).
    fn stmt(&mut self, s: &Stmt) -> Result<(), ParseError> {
        self.stmt = self.statements.len();
        self.temps = 0;
        self.statements.push(StmtInfo {
            line: s.pos.line,
            col: s.pos.col,
            first_step: self.steps.len(),
        });
        match &s.kind {
            StmtKind::Assign(name, e) => self.assign(name, e, s.pos),
            StmtKind::Store(name, e, order) => {
                let var = self.shared(name, s.pos)?;
                let value = self.lower(e)?;
                let order = *order;
                self.emit(Instr::Store { var, value, order })?;
                Ok(())
            }
            StmtKind::Rmw(dst, name, rmw, order) => {
                self.rmw(dst.as_deref(), name, rmw, *order, s.pos)
            }
            StmtKind::Fence(order) => {
                self.emit(Instr::Fence { order: *order })?;
                Ok(())
            }
            StmtKind::Sync(obj, method, args) => self.sync(obj, method, args, s.pos),
            StmtKind::If(cond, then, els) => self.if_else(cond, then, els),
            StmtKind::While(cond, body) => self.while_loop(cond, body),
            StmtKind::Assert(cond) => {
                let text = StepText::Assert {
                    cond: cond.render(),
                };
                let cond = self.lower(cond)?;
                self.emit_as(Instr::Assert { cond }, text)?;
                Ok(())
            }
        }
    }

    /// `name = e`: a plain store to a shared variable, a load straight into a register
    /// (`r = x`), or register arithmetic.
    fn assign(&mut self, name: &str, e: &Expr, pos: Pos) -> Result<(), ParseError> {
        if let Some((ObjKind::Shared, var)) = self.objs.get(name).copied() {
            let value = self.lower(e)?;
            self.emit(Instr::Store {
                var,
                value,
                order: Order::Plain,
            })?;
            return Ok(());
        }
        let dst = self.reg(name, pos)?;
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
            self.emit(Instr::Load { var, dst, order })?;
        } else {
            let value = self.lower(e)?;
            self.emit(Instr::Local { dst, value })?;
        }
        Ok(())
    }

    /// `[dst =] name.rmw(...)`: one indivisible step.
    fn rmw(
        &mut self,
        dst: Option<&str>,
        name: &str,
        rmw: &Rmw,
        order: Order,
        pos: Pos,
    ) -> Result<(), ParseError> {
        let var = self.shared(name, pos)?;
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
            Some(r) if self.objs.contains_key(r) => {
                let kind = K::OldValueIntoShared {
                    reg: r.to_string(),
                    var: name.to_string(),
                    method: rmw_name(rmw),
                };
                return Err(err(pos, kind));
            }
            Some(r) => Some(self.reg(r, pos)?),
            None => None,
        };
        self.emit(Instr::Rmw {
            var,
            rmw: op,
            dst,
            order,
        })?;
        Ok(())
    }

    /// `if cond { then } else { els }`: a test that jumps past `then`, and a jump past `els`.
    fn if_else(&mut self, cond: &Expr, then: &[Stmt], els: &[Stmt]) -> Result<(), ParseError> {
        let here = self.stmt;
        let text = StepText::If {
            cond: cond.render(),
        };
        let cond = self.lower(cond)?;
        let branch = self.steps.len();
        self.emit_as(Instr::Branch { cond, target: 0 }, text)?;
        for t in then {
            self.stmt(t)?;
        }
        let mut jump = None;
        if !els.is_empty() {
            self.stmt = here;
            jump = Some(self.steps.len());
            self.emit_as(Instr::Jump { target: 0 }, StepText::SkipElse)?;
        }
        self.patch(branch, self.steps.len());
        for e in els {
            self.stmt(e)?;
        }
        if let Some(j) = jump {
            self.patch(j, self.steps.len());
        }
        Ok(())
    }

    /// `while cond { body }`: a test that jumps past the body, and a jump back to the test.
    fn while_loop(&mut self, cond: &Expr, body: &[Stmt]) -> Result<(), ParseError> {
        let here = self.stmt;
        let start = self.steps.len();
        let text = StepText::While {
            cond: cond.render(),
        };
        let cond = self.lower(cond)?;
        let branch = self.steps.len();
        self.emit_as(Instr::Branch { cond, target: 0 }, text)?;
        for b in body {
            self.stmt(b)?;
        }
        self.stmt = here;
        self.emit_as(Instr::Jump { target: start }, StepText::LoopBack)?;
        self.patch(branch, self.steps.len());
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
        self.reg_slot.get(name).copied().ok_or_else(|| {
            let name = name.to_string();
            err(pos, K::CannotAssign { name })
        })
    }

    fn sync(
        &mut self,
        obj: &str,
        method: &str,
        args: &[String],
        pos: Pos,
    ) -> Result<(), ParseError> {
        let (kind, i) = self.object(obj, pos)?;
        if let Some(instr) = no_argument_call(kind, method, i) {
            if !args.is_empty() {
                let (obj, method) = (obj.to_string(), method.to_string());
                return Err(err(pos, K::TakesNoArgument { obj, method }));
            }
            return self.emit(instr);
        }
        if (kind, method) != (ObjKind::Condvar, "wait") {
            let obj = obj.to_string();
            return Err(err(pos, K::NoSuchMethod { obj, kind }));
        }
        let Some(m) = args.first() else {
            let obj = obj.to_string();
            return Err(err(pos, K::WaitNeedsMutex { obj }));
        };
        let mutex = match self.object(m, pos)? {
            (ObjKind::Mutex, m) => m,
            (kind, _) => {
                let name = m.clone();
                return Err(err(pos, K::NotAMutex { name, kind }));
            }
        };
        self.emit(Instr::CondWait { cond: i, mutex })?;
        self.emit(Instr::Reacquire { mutex })
    }
}
