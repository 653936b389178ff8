//! The consumer worker's shell: the Rust queue and consumer own a message endpoint (the
//! worker's global scope, or a `MessagePort` in tests) and run the rounds on gloo timers. It
//! translates and keeps time; the pipeline decides. Built unless the `queue-worker` feature is
//! off (the lab's wasm).
//!
//! The loop: a message arrives → its length is checked before it is copied into wasm memory →
//! `protocol::decode` → `Pipeline::handle` → its answers are posted, its work run, and the round
//! timer re-armed when the pipeline says so → when the timer fires, the rounds that are due run
//! and their batches are posted → the timer is armed for the next round, or the worker parks
//! until a message arrives.
//!
//! Supervision (`www/common/supervisor.js`) needs two things from here: a `pong` for every
//! `ping`, posted from this loop (so a pong proves the loop is alive, not just the script), and
//! a `state` message before any blocking work, with its length, so that the page can tell a
//! declared busy round from a worker that stopped answering.

use crate::json::ToJson;
use crate::pipeline::protocol::{self, ProtocolError, Refused, Reply};
use crate::pipeline::{calculate_blocking, Activity, Pipeline, Settings, MAX_QUEUE_BYTES};
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// Burns `ms` milliseconds of CPU on the calling thread and returns the iterations done.
#[wasm_bindgen]
pub fn busy_work(ms: f64) -> f64 {
    calculate_blocking(ms, js_sys::Date::now) as f64
}

/// Runs the queue and its consumer in this worker: takes over `onmessage`, handles the
/// messages that arrived before the wasm loaded (`early`), and posts `ready`.
///
/// # Errors
/// When called outside a dedicated worker.
#[wasm_bindgen]
pub fn start_consumer_worker(early: js_sys::Array) -> Result<(), JsValue> {
    let scope: DedicatedWorkerGlobalScope = js_sys::global()
        .dyn_into()
        .map_err(|_| JsValue::from_str("start_consumer_worker must run in a dedicated worker"))?;
    serve(scope.unchecked_ref(), early);
    Ok(())
}

#[wasm_bindgen]
extern "C" {
    /// Whatever posts and receives messages: a worker's global scope or a `MessagePort`.
    /// Bound structurally, so a test can hand the shell one end of a `MessageChannel`.
    pub type Endpoint;
    #[wasm_bindgen(method, js_name = postMessage, catch)]
    fn post_message(this: &Endpoint, message: &JsValue) -> Result<(), JsValue>;
    #[wasm_bindgen(method, setter)]
    fn set_onmessage(this: &Endpoint, handler: Option<&js_sys::Function>);
}

/// Serves the queue and its consumer on `endpoint`: posts `ready`, handles `early` (messages
/// that arrived before), then every message the endpoint receives, for as long as the page
/// lives. [`start_consumer_worker`] calls it with the worker's scope; tests call it with a
/// `MessagePort` to drive the same loop in a worker.
pub fn serve(endpoint: &Endpoint, early: js_sys::Array) {
    let shell = Rc::new(RefCell::new(Shell {
        pipeline: Pipeline::new(Settings::default()),
        timer: None,
        last_activity: None,
        endpoint: endpoint.unchecked_ref::<JsValue>().clone().unchecked_into(),
    }));
    {
        let s = shell.borrow();
        s.post(&Reply::Ready {
            settings: s.pipeline.settings(),
            maxsize: s.pipeline.maxsize(),
            max_bytes: MAX_QUEUE_BYTES,
        });
    }
    if !shell.borrow().pipeline.is_parked() {
        schedule(&shell);
    }
    for data in early.iter() {
        on_message(&shell, data);
    }
    let handler_shell = shell.clone();
    let handler = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        on_message(&handler_shell, event.data());
    });
    endpoint.set_onmessage(Some(handler.as_ref().unchecked_ref()));
    // The handler lives as long as the endpoint does.
    handler.forget();
}

struct Shell {
    pipeline: Pipeline,
    timer: Option<Timeout>,
    last_activity: Option<Activity>,
    endpoint: Endpoint,
}

impl Shell {
    fn post(&self, reply: &Reply) {
        // Posting a string to our own parent cannot fail; if it did there is nobody to tell.
        let _ = self
            .endpoint
            .post_message(&JsValue::from_str(&reply.to_json()));
    }

    fn post_activity(&mut self, activity: Activity) {
        if self.last_activity != Some(activity) {
            self.last_activity = Some(activity);
            self.post(&Reply::State { activity });
        }
    }
}

/// Milliseconds since the Unix epoch, with the precision of `performance.now()`, so that the
/// page's and the worker's clocks agree.
fn now() -> f64 {
    js_sys::global()
        .dyn_into::<web_sys::WorkerGlobalScope>()
        .ok()
        .and_then(|g| g.performance())
        .map(|p| p.time_origin() + p.now())
        .unwrap_or_else(js_sys::Date::now)
}

#[wasm_bindgen]
extern "C" {
    /// The browser's `TextEncoder`, bound here because web-sys's `encodeInto` takes a `&str`:
    /// the very copy that [`js_string`] avoids.
    type TextEncoder;
    #[wasm_bindgen(constructor)]
    fn new() -> TextEncoder;
    #[wasm_bindgen(method, js_name = encodeInto)]
    fn encode_into(
        this: &TextEncoder,
        text: &JsValue,
        dest: &js_sys::Uint8Array,
    ) -> EncodeIntoResult;
    type EncodeIntoResult;
    #[wasm_bindgen(method, getter)]
    fn written(this: &EncodeIntoResult) -> u32;
}

thread_local! {
    static ENCODER: TextEncoder = TextEncoder::new();
}

/// A JS string as a Rust `String`, written by the browser's `TextEncoder.encodeInto` straight
/// into wasm memory. `JsValue::as_string` copies through wasm-bindgen's glue, which loops over
/// the characters in JavaScript: about 6 ms a megabyte, most of a 1 KiB put's time.
// The crate denies unsafe code; this copy is the one exception, for its speed (above), sound
// for the reasons at each block.
#[allow(unsafe_code)]
fn js_string(data: &JsValue) -> Option<String> {
    if !data.is_string() {
        return None;
    }
    let units = data.unchecked_ref::<js_sys::JsString>().length() as usize;
    let cap = units * 3; // UTF-8 needs at most 3 bytes per UTF-16 unit
    let mut buf = Vec::<u8>::with_capacity(cap);
    // SAFETY: the view covers `buf`'s allocation and is gone before anything else runs in
    // wasm; encodeInto allocates nothing in wasm memory, so the memory cannot grow under it.
    let written = unsafe {
        let view = js_sys::Uint8Array::view_mut_raw(buf.as_mut_ptr(), cap);
        ENCODER.with(|e| e.encode_into(data, &view).written()) as usize
    };
    // SAFETY: encodeInto initialised the first `written` bytes.
    unsafe { buf.set_len(written) };
    // TextEncoder writes only well-formed UTF-8 (a lone surrogate becomes U+FFFD).
    String::from_utf8(buf).ok()
}

/// The size of this instance's wasm memory, in bytes: it only ever grows.
fn memory_bytes() -> u64 {
    core::arch::wasm32::memory_size::<0>() as u64 * 65_536
}

fn on_message(shell: &Rc<RefCell<Shell>>, data: JsValue) {
    // A structured object instead of JSON text is validated the same way, as JSON text (which
    // JSON.stringify writes in the JS heap, not in wasm memory).
    let json = if data.is_string() {
        Some(data)
    } else {
        js_sys::JSON::stringify(&data).ok().map(JsValue::from)
    };
    let refuse = |refused: Refused| shell.borrow().post(&Reply::refused(refused, ""));
    let Some(json) = json.filter(JsValue::is_string) else {
        return refuse(Refused {
            id: None,
            error: ProtocolError::NotText,
        });
    };
    // Checked before the copy: a post too long to read never reaches wasm memory.
    let units = json.unchecked_ref::<js_sys::JsString>().length() as usize;
    if let Err(refused) = protocol::check_post_len(units) {
        return refuse(refused);
    }
    let Some(text) = js_string(&json) else {
        return refuse(Refused {
            id: None,
            error: ProtocolError::NotText,
        });
    };
    let envelope = match protocol::decode(&text) {
        Ok(envelope) => envelope,
        Err(refused) => {
            // Refused: nothing changed, so the timer stands as it is.
            shell.borrow().post(&Reply::refused(refused, &text));
            return;
        }
    };
    let rearm = {
        let mut s = shell.borrow_mut();
        let handled = s.pipeline.handle(envelope.request);
        for answer in handled.answers {
            let mut reply = Reply::answer(envelope.id, answer);
            if let Reply::Pong { memory_bytes, .. } = &mut reply {
                *memory_bytes = Some(self::memory_bytes());
            }
            s.post(&reply);
        }
        if let Some(ms) = handled.work_ms {
            s.post_activity(Activity::PageWork { ms });
            calculate_blocking(ms, now);
        }
        handled.rearm
    };
    if rearm {
        schedule(shell);
    }
}

/// Arms the round timer for when the pipeline says the next round is due, or parks the worker
/// until a message arrives.
fn schedule(shell: &Rc<RefCell<Shell>>) {
    let mut s = shell.borrow_mut();
    s.timer = None;
    let t = now();
    let activity = s.pipeline.idle_activity(t);
    s.post_activity(activity);
    if let Some(wait) = s.pipeline.due_in(t) {
        let round_shell = shell.clone();
        let ms = wait.ceil().min(f64::from(u32::MAX)) as u32;
        s.timer = Some(Timeout::new(ms, move || run_round(&round_shell)));
    }
}

/// The longest a worker task runs back-to-back rounds before yielding to its event loop.
/// Timers nested this deep are clamped to 4 ms, so one round per timer would cap a one-by-one
/// consumer at 250 messages a second; running rounds that are due at once in one task, for a
/// bounded time, lifts that cap while posts still wait at most this long.
const ROUND_SLICE_MS: f64 = 8.0;

fn run_round(shell: &Rc<RefCell<Shell>>) {
    {
        let mut s = shell.borrow_mut();
        s.timer = None;
        let slice_start = now();
        while let Some(round) = s.pipeline.take_round(now()) {
            if round.work_ms > 0.0 {
                s.post_activity(Activity::RoundWork {
                    round: round.batch.seq,
                    work_ms: round.work_ms,
                    messages: round.batch.len(),
                });
                calculate_blocking(round.work_ms, now);
            }
            let batch = s.pipeline.finish_round(round, now());
            s.post(&Reply::Batch { batch });
            if now() - slice_start >= ROUND_SLICE_MS {
                break;
            }
        }
    }
    schedule(shell);
}
