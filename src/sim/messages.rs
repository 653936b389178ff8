//! The lab's messages as JSON: what a step or a choice does, why a thread cannot move, what a
//! failure is about, what is wrong with a program or a request.
//!
//! Each is an object `{"key": "step.load", "var": "x", ...}`: the page looks the key up in
//! `www/lab/strings/` and fills in the fields, which are plain values, nested messages, lists
//! of messages, or `null` for a part that is absent. `src/sim/english.rs` words the same data
//! in Rust, and the end-to-end tests check that every key here has a string in both languages.

use crate::json::{member, write_array, ObjectWriter, ToJson};

use super::ast::{ObjKind, Order};
use super::choice::BadChoice;
use super::describe::{AltText, ChoiceText, StepText};
use super::error::{Expected, Found, NameRole, ParseError, ParseErrorKind};
use super::machine::{Refusal, StepError};
use super::report::{FailureDetail, Stuck};
use super::request::RequestError;
use super::to_json::tagged;

/// Writes the message `{"key": key, ...}`, its fields written by `fields`.
fn message(out: &mut String, key: &str, fields: impl FnOnce(&mut ObjectWriter<'_>)) {
    tagged(out, "key", key, fields);
}

/// A message with only string fields.
fn strs(out: &mut String, key: &str, fields: &[(&str, &str)]) {
    message(out, key, |w| {
        for (k, v) in fields {
            w.str(k, v);
        }
    });
}

/// An access's order as the suffix of its description: `null` when plain.
struct OrderSuffix(Order);

impl ToJson for OrderSuffix {
    fn write_json(&self, out: &mut String) {
        match self.0 {
            Order::Plain => out.push_str("null"),
            o => strs(out, "step.order", &[("order", o.name())]),
        }
    }
}

/// Where a read-modify-write puts the old value: `null` when it is dropped.
struct OldInto<'a>(&'a Option<String>);

impl ToJson for OldInto<'_> {
    fn write_json(&self, out: &mut String) {
        match self.0 {
            None => out.push_str("null"),
            Some(dst) => strs(out, "step.into", &[("dst", dst)]),
        }
    }
}

impl ToJson for StepText {
    fn write_json(&self, out: &mut String) {
        let rmw = |out: &mut String, key, var: &str, value: &str, into, order| {
            message(out, key, |w| {
                w.str("var", var).str("value", value);
                member(w, "into", &OldInto(into));
                member(w, "order", &OrderSuffix(order));
            })
        };
        match self {
            StepText::Load { var, dst, order } => message(out, "step.load", |w| {
                w.str("var", var).str("dst", dst);
                member(w, "order", &OrderSuffix(*order));
            }),
            StepText::Store { var, value, order } => message(out, "step.store", |w| {
                w.str("var", var).str("value", value);
                member(w, "order", &OrderSuffix(*order));
            }),
            StepText::Swap {
                var,
                value,
                old_into,
                order,
            } => rmw(out, "step.swap", var, value, old_into, *order),
            StepText::FetchAdd {
                var,
                value,
                old_into,
                order,
            } => rmw(out, "step.fetch_add", var, value, old_into, *order),
            StepText::Cas {
                var,
                expected,
                new,
                old_into,
                order,
            } => message(out, "step.cas", |w| {
                w.str("var", var).str("expected", expected).str("new", new);
                member(w, "into", &OldInto(old_into));
                member(w, "order", &OrderSuffix(*order));
            }),
            StepText::Fence { order } => strs(out, "step.fence", &[("order", order.name())]),
            StepText::Local { dst, value } => {
                strs(out, "step.local", &[("dst", dst), ("value", value)])
            }
            StepText::Test { cond } => strs(out, "step.test", &[("cond", cond)]),
            StepText::If { cond } => strs(out, "step.if", &[("cond", cond)]),
            StepText::While { cond } => strs(out, "step.while", &[("cond", cond)]),
            StepText::Assert { cond } => strs(out, "step.assert", &[("cond", cond)]),
            StepText::SkipElse => strs(out, "step.skip_else", &[]),
            StepText::LoopBack => strs(out, "step.loop_back", &[]),
            StepText::Jump => strs(out, "step.jump", &[]),
            StepText::Lock { mutex } => strs(out, "step.lock", &[("mutex", mutex)]),
            StepText::Unlock { mutex } => strs(out, "step.unlock", &[("mutex", mutex)]),
            StepText::SemWait { sem } => strs(out, "step.sem_wait", &[("sem", sem)]),
            StepText::SemSignal { sem } => strs(out, "step.sem_signal", &[("sem", sem)]),
            StepText::CondWait { cond, mutex } => {
                strs(out, "step.cond_wait", &[("cond", cond), ("mutex", mutex)])
            }
            StepText::Reacquire { mutex } => strs(out, "step.reacquire", &[("mutex", mutex)]),
            StepText::NotifyOne { cond } => strs(out, "step.notify_one", &[("cond", cond)]),
            StepText::NotifyAll { cond } => strs(out, "step.notify_all", &[("cond", cond)]),
        }
    }
}

impl ToJson for ChoiceText {
    fn write_json(&self, out: &mut String) {
        match self {
            ChoiceText::Step { thread, step, alt } => message(out, "choice.step", |w| {
                w.str("thread", thread);
                member(w, "step", step);
                member(w, "alt", alt);
            }),
            ChoiceText::Flush { thread, var, value } => message(out, "choice.flush", |w| {
                w.str("thread", thread).str("var", var);
                member(w, "value", value);
            }),
            ChoiceText::Wake { thread } => strs(out, "choice.wake", &[("thread", thread)]),
        }
    }
}

impl ToJson for AltText {
    fn write_json(&self, out: &mut String) {
        match self {
            AltText::Reads { write, var, value } => message(out, "alt.reads", |w| {
                member(w, "write", write);
                w.str("var", var);
                member(w, "value", value);
            }),
            AltText::PlacedBefore { write, var } => message(out, "alt.before", |w| {
                member(w, "write", write);
                w.str("var", var);
            }),
            AltText::PlacedLast { var } => strs(out, "alt.last", &[("var", var)]),
        }
    }
}

impl ToJson for Refusal {
    fn write_json(&self, out: &mut String) {
        match self {
            Refusal::NoThread { thread } => {
                message(out, "why.no_thread", |w| member(w, "thread", thread))
            }
            Refusal::RunFailed => strs(out, "why.run_failed", &[]),
            Refusal::BufferEmpty { thread } => strs(out, "why.buffer_empty", &[("thread", thread)]),
            Refusal::NotWaiting { thread } => strs(out, "why.not_waiting", &[("thread", thread)]),
            Refusal::SpuriousWakeupsOff => strs(out, "why.spurious_off", &[]),
            Refusal::Sleeping { thread, cond } => {
                strs(out, "why.sleeping", &[("thread", thread), ("cond", cond)])
            }
            Refusal::Finished { thread } => strs(out, "why.finished", &[("thread", thread)]),
            Refusal::WaitsForMutex {
                thread,
                mutex,
                holder,
            } => strs(
                out,
                "why.mutex",
                &[("thread", thread), ("mutex", mutex), ("holder", holder)],
            ),
            Refusal::WaitsForSemaphore { thread, sem } => {
                strs(out, "why.semaphore", &[("thread", thread), ("sem", sem)])
            }
            Refusal::NoSuchAlternative { thread, choice } => strs(
                out,
                "why.no_alt",
                &[("thread", thread), ("choice", &choice.to_string())],
            ),
        }
    }
}

impl ToJson for StepError {
    fn write_json(&self, out: &mut String) {
        message(out, "err.refused", |w| {
            member(w, "choice", &self.choice);
            member(w, "reason", &self.reason);
        });
    }
}

impl ToJson for BadChoice {
    fn write_json(&self, out: &mut String) {
        strs(out, "err.bad_choice", &[("text", &self.text)]);
    }
}

impl ToJson for FailureDetail {
    fn write_json(&self, out: &mut String) {
        let at = |w: &mut ObjectWriter<'_>, thread: &str, line: &u32| {
            w.str("thread", thread);
            member(w, "line", line);
        };
        match self {
            FailureDetail::FinalAssert { line, cond } => message(out, "detail.final_assert", |w| {
                member(w, "line", line);
                w.str("cond", cond);
            }),
            FailureDetail::Assert { thread, line, step } => message(out, "detail.assert", |w| {
                at(w, thread, line);
                member(w, "step", step);
            }),
            FailureDetail::DivByZero { thread, line } => {
                message(out, "detail.div_by_zero", |w| at(w, thread, line))
            }
            FailureDetail::UnlockNotHeld { thread, line, step } => {
                message(out, "detail.unlock_not_held", |w| {
                    at(w, thread, line);
                    member(w, "step", step);
                })
            }
            FailureDetail::WaitWithoutMutex { thread, line, step } => {
                message(out, "detail.wait_without_mutex", |w| {
                    at(w, thread, line);
                    member(w, "step", step);
                })
            }
            FailureDetail::Stuck { threads } => message(out, "detail.stuck", |w| {
                w.raw("threads", |out| {
                    write_array(out, threads, |out, t| match &t.on {
                        Stuck::SleepsOn { cond } => message(out, "detail.sleeps_on", |w| {
                            at(w, &t.thread, &t.line);
                            w.str("cond", cond);
                        }),
                        Stuck::BlockedAt { step } => message(out, "detail.blocked_at", |w| {
                            at(w, &t.thread, &t.line);
                            member(w, "step", step);
                        }),
                    });
                });
            }),
            FailureDetail::Livelock { threads } => message(out, "detail.livelock", |w| {
                w.raw("threads", |out| {
                    write_array(out, threads, |out, t| {
                        message(out, "detail.thread_at", |w| at(w, &t.thread, &t.line));
                    });
                });
            }),
        }
    }
}

impl ToJson for ObjKind {
    fn write_json(&self, out: &mut String) {
        let key = match self {
            ObjKind::Shared => "obj.shared",
            ObjKind::Mutex => "obj.mutex",
            ObjKind::Semaphore => "obj.semaphore",
            ObjKind::Condvar => "obj.condvar",
        };
        strs(out, key, &[]);
    }
}

impl ToJson for NameRole {
    fn write_json(&self, out: &mut String) {
        let key = match self {
            NameRole::OptionName => "role.option",
            NameRole::ObserveTarget => "role.observe",
            NameRole::RegisterName => "role.register",
            NameRole::ThreadName => "role.thread",
            NameRole::ObjectName(kind) => {
                return message(out, "role.object", |w| member(w, "kind", kind));
            }
            NameRole::Statement => "role.statement",
            NameRole::MethodName => "role.method",
            NameRole::Load => "role.load",
            NameRole::Value => "role.value",
            NameRole::MutexName => "role.mutex",
        };
        strs(out, key, &[]);
    }
}

impl ToJson for Expected {
    fn write_json(&self, out: &mut String) {
        match self {
            Expected::Punct(p) => strs(out, "expect.punct", &[("punct", p)]),
            Expected::EndOfStatement => strs(out, "expect.end_of_statement", &[]),
            Expected::Name(role) => role.write_json(out),
            Expected::AssertAfterFinal => strs(out, "expect.assert_after_final", &[]),
            Expected::Statement => strs(out, "expect.statement", &[]),
            Expected::AssignOrMethod { name } => {
                strs(out, "expect.assign_or_method", &[("name", name)])
            }
            Expected::Integer => strs(out, "expect.integer", &[]),
            Expected::MemoryOrder => strs(out, "expect.order", &[]),
            Expected::Value => strs(out, "expect.value", &[]),
            Expected::Item => strs(out, "expect.item", &[]),
        }
    }
}

impl ToJson for Found {
    fn write_json(&self, out: &mut String) {
        match self {
            Found::Word(word) => strs(out, "found.token", &[("token", word)]),
            Found::Int(n) => strs(out, "found.token", &[("token", &n.to_string())]),
            Found::Punct(p) => strs(out, "found.token", &[("token", p)]),
            Found::EndOfLine => strs(out, "found.end_of_line", &[]),
            Found::EndOfText => strs(out, "found.end_of_text", &[]),
        }
    }
}

impl ToJson for ParseErrorKind {
    fn write_json(&self, out: &mut String) {
        use ParseErrorKind as K;
        let named = |out: &mut String, key, name: &str, kind: &ObjKind| {
            message(out, key, |w| {
                w.str("name", name);
                member(w, "kind", kind);
            })
        };
        match self {
            K::NotADigit { ch } => strs(out, "parse.not_a_digit", &[("ch", &ch.to_string())]),
            K::NumberTooLarge => strs(out, "parse.number_too_large", &[]),
            K::HalfOperator { op } => strs(out, "parse.half_operator", &[("op", op)]),
            K::UnexpectedChar { ch } => strs(
                out,
                "parse.unexpected_char",
                &[("ch", &ch.escape_default().to_string())],
            ),
            K::Expected { what, found } => message(out, "parse.expected", |w| {
                member(w, "what", what);
                member(w, "found", found);
            }),
            K::Keyword { word, role } => message(out, "parse.keyword", |w| {
                w.str("word", word);
                member(w, "role", role);
            }),
            K::TooDeep { max } => message(out, "parse.too_deep", |w| member(w, "max", max)),
            K::TooManyLines { max } => {
                message(out, "parse.too_many_lines", |w| member(w, "max", max))
            }
            K::ExpressionTooLong { max } => {
                message(out, "parse.expression_too_long", |w| member(w, "max", max))
            }
            K::TooManyRegisters { thread, max } => message(out, "parse.too_many_registers", |w| {
                w.str("thread", thread);
                member(w, "max", max);
            }),
            K::TooManySteps { max } => {
                message(out, "parse.too_many_steps", |w| member(w, "max", max))
            }
            K::TooManyObjects { max } => {
                message(out, "parse.too_many_objects", |w| member(w, "max", max))
            }
            K::TooManyObserved { max } => {
                message(out, "parse.too_many_observed", |w| member(w, "max", max))
            }
            K::OutsideThread { word } => strs(out, "parse.outside_thread", &[("word", word)]),
            K::NoInitialValue { kind } => {
                message(out, "parse.no_initial_value", |w| member(w, "kind", kind))
            }
            K::SemaphoreBelowZero => strs(out, "parse.semaphore_below_zero", &[]),
            K::RelaxedFence => strs(out, "parse.relaxed_fence", &[]),
            K::StoreOrder { order } => strs(out, "parse.store_order", &[("order", order.name())]),
            K::LoadOrder { order } => strs(out, "parse.load_order", &[("order", order.name())]),
            K::UnusedLoad { var } => strs(out, "parse.unused_load", &[("var", var)]),
            K::UnknownMethod { method } => strs(out, "parse.unknown_method", &[("method", method)]),
            K::ChainedComparison => strs(out, "parse.chained_comparison", &[]),
            K::OnlyLoadInExpression { var, method, rmw } => {
                let key = if *rmw {
                    "parse.only_load_rmw"
                } else {
                    "parse.only_load"
                };
                strs(out, key, &[("var", var), ("method", method)])
            }
            K::DeclaredTwice { name } => strs(out, "parse.declared_twice", &[("name", name)]),
            K::UnknownOption { name } => strs(out, "parse.unknown_option", &[("name", name)]),
            K::NoThreads => strs(out, "parse.no_threads", &[]),
            K::TooManyThreads { max } => {
                message(out, "parse.too_many_threads", |w| member(w, "max", max))
            }
            K::DuplicateThread { name } => strs(out, "parse.duplicate_thread", &[("name", name)]),
            K::NotFinalValue { name } => strs(out, "parse.not_final_value", &[("name", name)]),
            K::ObserveNotShared { name } => {
                strs(out, "parse.observe_not_shared", &[("name", name)])
            }
            K::NoSuchThread { name } => strs(out, "parse.no_such_thread", &[("name", name)]),
            K::NoSuchRegister { thread, reg } => strs(
                out,
                "parse.no_such_register",
                &[("thread", thread), ("reg", reg)],
            ),
            K::NotAVariable { name, kind } => named(out, "parse.not_a_variable", name, kind),
            K::NotShared { name, kind } => named(out, "parse.not_shared", name, kind),
            K::NotDeclaredShared { name } => {
                strs(out, "parse.not_declared_shared", &[("name", name)])
            }
            K::NoValue { name, kind } => named(out, "parse.no_value", name, kind),
            K::UnknownName { name } => strs(out, "parse.unknown_name", &[("name", name)]),
            K::RegisterOutsideFinal { thread, reg } => strs(
                out,
                "parse.register_outside_final",
                &[("thread", thread), ("reg", reg)],
            ),
            K::NotDeclared { name } => strs(out, "parse.not_declared", &[("name", name)]),
            K::OldValueIntoShared { reg, var, method } => strs(
                out,
                "parse.old_value_into_shared",
                &[("reg", reg), ("var", var), ("method", method)],
            ),
            K::CannotAssign { name } => strs(out, "parse.cannot_assign", &[("name", name)]),
            K::TakesNoArgument { obj, method } => strs(
                out,
                "parse.takes_no_argument",
                &[("obj", obj), ("method", method)],
            ),
            K::WaitNeedsMutex { obj } => strs(out, "parse.wait_needs_mutex", &[("obj", obj)]),
            K::NotAMutex { name, kind } => named(out, "parse.not_a_mutex", name, kind),
            K::NoSuchMethod { obj, kind } => message(out, "parse.no_such_method", |w| {
                w.str("obj", obj);
                member(w, "kind", kind);
                w.raw("methods", |out| strs(out, methods_key(*kind), &[]));
            }),
        }
    }
}

/// The message key of the list of methods a kind of object has.
fn methods_key(kind: ObjKind) -> &'static str {
    match kind {
        ObjKind::Shared => "methods.shared",
        ObjKind::Mutex => "methods.mutex",
        ObjKind::Semaphore => "methods.semaphore",
        ObjKind::Condvar => "methods.condvar",
    }
}

impl ToJson for ParseError {
    /// The kind only: where it is (`line`, `col`) is for the caller to add beside it.
    fn write_json(&self, out: &mut String) {
        self.kind.write_json(out);
    }
}

impl ToJson for RequestError {
    /// The message only; a parse error's `line` and `col` are for the caller to add beside it.
    fn write_json(&self, out: &mut String) {
        match self {
            RequestError::Parse(e) => e.write_json(out),
            RequestError::UnknownModel { name } => {
                strs(out, "err.unknown_model", &[("name", name)])
            }
            RequestError::TooLarge { bytes, max } => message(out, "err.too_large", |w| {
                member(w, "bytes", bytes);
                member(w, "max", max);
            }),
            RequestError::OptionsNotObject => strs(out, "err.options_not_object", &[]),
            RequestError::UnknownStrategy { name } => {
                strs(out, "err.unknown_strategy", &[("name", name)])
            }
            RequestError::BadSeed => strs(out, "err.bad_seed", &[]),
            RequestError::BadChoice(b) => b.write_json(out),
            RequestError::Refused(e) => e.write_json(out),
            RequestError::ScheduleTooLong { choices, max } => {
                message(out, "err.schedule_too_long", |w| {
                    member(w, "choices", choices);
                    member(w, "max", max);
                })
            }
            RequestError::HistoryFull { bytes } => message(out, "err.history_full", |w| {
                member(w, "mib", &(bytes >> 20));
            }),
            RequestError::OverBudget {
                bytes_per_state,
                max_states,
                budget,
                fits,
            } => message(out, "err.over_budget", |w| {
                member(w, "bytes_per_state", bytes_per_state);
                member(w, "max_states", max_states);
                member(w, "mib", &(budget >> 20));
                member(w, "fits", fits);
            }),
        }
    }
}
