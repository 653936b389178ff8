// Every user-facing string, in English and Chinese, and the language switch.
// Text in `backticks` is rendered as <code> by fill(); nothing here is ever parsed as HTML.

export const STRINGS = {
  en: {
    title: 'Queue Playground',
    tagline: 'A producer, a thread-safe queue and a background consumer — watch every message.',
    'nav.lab': 'The interleaving lab: be the scheduler →',
    'lang.label': 'Language',
    'intro.title': 'What you are seeing',
    'intro.text': 'The twin of a small Python program: the Flask route `/produce/<message>` calls `message_queue.put(message)` on a thread-safe `queue.Queue`, and a daemon thread processes it in the background. Here this page is the Flask app (the producer), a Web Worker is the daemon thread, and the queue and its consumer are Rust compiled to WebAssembly inside that worker. The original consumer takes `list(message_queue.queue)` — a copy that removes nothing — so it prints the same messages forever, then burns 5 s of CPU. Press “reference program” to see that bug, then pick “drain” to fix it.',
    'producer.title': 'Producer — /produce/<message>',
    'producer.placeholder': 'type a message, press Enter',
    'producer.send': 'send',
    'producer.burstLabel': 'burst',
    'producer.burst': 'send {n}',
    'producer.autoLabel': 'auto, msg/s',
    'producer.autoOn': 'auto: on',
    'producer.autoOff': 'auto: off',
    'consumer.title': 'Consumer — the daemon thread',
    'consumer.mode': 'mode',
    'consumer.interval': 'interval, ms',
    'consumer.work': 'work per round, ms',
    'consumer.maxBatch': 'max batch',
    'consumer.reference': 'reference program',
    'consumer.referenceTip': 'mode snapshot, interval 0, work 5000 ms, no batch limit: exactly the Python loop',
    'consumer.reset': 'reset',
    'consumer.resetTip': 'empty the queue and start counting again',
    'mode.snapshot': 'snapshot',
    'mode.drain': 'drain',
    'mode.one-by-one': 'one by one',
    'modeHelp.snapshot': 'the reference program’s bug: copies the queue and removes nothing, so the same messages come back every round.',
    'modeHelp.drain': 'the fix: each round removes up to “max batch” messages, so each is delivered once.',
    'modeHelp.one-by-one': 'a `while True: work(q.get())` loop: one message per round, the next round at once.',
    'stats.title': 'Accounting',
    'stats.posted': 'posted',
    'stats.outbox': 'outbox',
    'stats.inflight': 'in flight',
    'stats.queued': 'queued',
    'stats.removed': 'removed',
    'stats.delivered': 'delivered',
    'stats.dupes': 'duplicates',
    'stats.repeats': 'repeats',
    'stats.batches': 'batches',
    'stats.errors': 'errors',
    'stats.legend': 'in flight = posted − received: posts waiting in the worker’s event loop, unread while it works. Repeats are expected in snapshot mode; duplicates never should be.',
    'stats.balanced': '✓ balanced: posted = in flight + queued + removed',
    'stats.unbalanced': '⚠ not balanced: posted {posted} ≠ in flight {inflight} + queued {queued} + removed {removed}',
    'chart.title': 'Queue length, last 60 s',
    'chart.max': 'max {n}',
    'chart.now': 'now {n}',
    'threads.title': 'Threads — /thread (threading.enumerate())',
    'threads.page': 'page thread (MainThread: the Flask routes)',
    'threads.worker': 'consumer worker (daemon thread: process_messages)',
    'thread.running': 'running',
    'thread.blocked': 'blocked',
    'thread.blockedFor': 'blocked for {ms} ms',
    'thread.lastBlocked': 'last blocked for {ms} ms by busy work',
    'thread.starting': 'starting',
    'thread.ready': 'ready',
    'thread.idle': 'idle',
    'thread.working': 'working',
    'thread.waiting': 'waiting',
    'thread.loading': 'loading the Rust queue (wasm)',
    'thread.readyDetail': 'loaded; waiting for the first request',
    // The worker's activities (src/protocol.rs `Activity`), with its numbers.
    'detail.waiting_for_messages': 'waiting for messages',
    'detail.next_round': 'next round in {in_ms} ms',
    'detail.round_work': 'round {round}: blocking work for {work_ms} ms on {messages} messages',
    'detail.page_work': 'busy work requested by the page ({work_ms} ms)',
    'demo.title': 'Blocking work: page thread vs worker',
    'demo.ms': 'busy work, ms',
    'demo.page': 'run on the page thread',
    'demo.worker': 'run in the worker',
    'demo.gap': 'longest gap between frames (last 5 s): {ms} ms',
    'demo.note': 'The dot is moved by JavaScript every frame. Busy work on the page thread freezes it, and typing in the message box stalls until it ends; the same work in the worker leaves the page smooth, while posts wait in the worker’s event loop (“in flight”).',
    'batches.title': 'Batches, newest first',
    'batches.empty': 'No batch yet: send a message.',
    'batch.head': '#{seq} · {size} msg · {mode} · work {work} ms',
    'batch.latency': ' · put→render: oldest {a} ms, newest {b} ms',
    'batch.latency1': ' · put→render {a} ms',
    'batch.none': '(empty: the queue held nothing)',
    'batch.more': '… and {n} more',
    'errors.title': 'Errors',
    'errors.request': 'request: {r}',
    'errors.workerCrash': 'worker error: {e}',
    'errors.wasm': 'could not load the wasm: {e}',
  },
  zh: {
    title: '队列演练场',
    tagline: '生产者、线程安全的队列和后台消费者——每条消息都看得见。',
    'nav.lab': '交错实验室：你来当调度器 →',
    'lang.label': '语言',
    'intro.title': '你看到的是什么',
    'intro.text': '它是一段 Python 小程序的浏览器版：Flask 路由 `/produce/<message>` 调用 `message_queue.put(message)`，把消息放进线程安全的 `queue.Queue`，再由一个守护线程在后台处理。这里页面就是 Flask 应用（生产者），Web Worker 就是守护线程，队列和消费者是编译成 WebAssembly 的 Rust，运行在这个 Worker 里。原程序的消费者用 `list(message_queue.queue)` 复制队列、一条也不删除，所以同样的消息每轮都被打印一遍，每轮还要占满 CPU 5 秒。点“原程序”重现这个 bug，再选“drain”修好它。',
    'producer.title': '生产者 —— /produce/<message>',
    'producer.placeholder': '输入消息，按回车发送',
    'producer.send': '发送',
    'producer.burstLabel': '批量',
    'producer.burst': '发送 {n} 条',
    'producer.autoLabel': '自动，条/秒',
    'producer.autoOn': '自动：开',
    'producer.autoOff': '自动：关',
    'consumer.title': '消费者 —— 守护线程',
    'consumer.mode': '模式',
    'consumer.interval': '间隔（毫秒）',
    'consumer.work': '每轮计算（毫秒）',
    'consumer.maxBatch': '每批上限',
    'consumer.reference': '原程序',
    'consumer.referenceTip': 'snapshot 模式、间隔 0、计算 5000 毫秒、不限批量：与 Python 循环完全一致',
    'consumer.reset': '重置',
    'consumer.resetTip': '清空队列，重新计数',
    'mode.snapshot': 'snapshot（快照）',
    'mode.drain': 'drain（取出）',
    'mode.one-by-one': 'one by one（逐条）',
    'modeHelp.snapshot': '原程序的 bug：复制队列、什么都不删，所以同样的消息每轮都会再出现。',
    'modeHelp.drain': '修正：每轮最多取出“每批上限”条消息，每条只送达一次。',
    'modeHelp.one-by-one': '即 `while True: work(q.get())`：每轮取一条，有剩余就立刻进入下一轮。',
    'stats.title': '账目',
    'stats.posted': '已发送',
    'stats.outbox': '待发',
    'stats.inflight': '在途',
    'stats.queued': '队列中',
    'stats.removed': '已取出',
    'stats.delivered': '已送达',
    'stats.dupes': '重复取出',
    'stats.repeats': '重复出现',
    'stats.batches': '批次',
    'stats.errors': '错误',
    'stats.legend': '在途 = 已发送 − 已接收：Worker 忙时来不及读取、在其事件循环里等待的消息。snapshot 模式下“重复出现”属正常，“重复取出”则永远不该出现。',
    'stats.balanced': '✓ 账目平衡：已发送 = 在途 + 队列中 + 已取出',
    'stats.unbalanced': '⚠ 账目不平：已发送 {posted} ≠ 在途 {inflight} + 队列中 {queued} + 已取出 {removed}',
    'chart.title': '队列长度（最近 60 秒）',
    'chart.max': '最大 {n}',
    'chart.now': '当前 {n}',
    'threads.title': '线程 —— /thread（threading.enumerate()）',
    'threads.page': '页面线程（MainThread：Flask 路由）',
    'threads.worker': '消费者 Worker（守护线程：process_messages）',
    'thread.running': '运行中',
    'thread.blocked': '阻塞中',
    'thread.blockedFor': '阻塞了 {ms} 毫秒',
    'thread.lastBlocked': '上次因阻塞计算卡住 {ms} 毫秒',
    'thread.starting': '启动中',
    'thread.ready': '就绪',
    'thread.idle': '空闲',
    'thread.working': '计算中',
    'thread.waiting': '等待中',
    'thread.loading': '正在加载 Rust 队列（wasm）',
    'thread.readyDetail': '已加载，等待第一个请求',
    'demo.title': '阻塞计算：页面线程 vs Worker',
    'demo.ms': '阻塞计算（毫秒）',
    'demo.page': '在页面线程运行',
    'demo.worker': '在 Worker 中运行',
    'demo.gap': '最近 5 秒内最长的帧间隔：{ms} 毫秒',
    'demo.note': '小圆点由 JavaScript 每帧移动。页面线程做阻塞计算时它会停住，在消息框里打字也会卡到计算结束；同样的计算放到 Worker 里，页面依旧流畅，只是发出的消息在 Worker 的事件循环里等待（“在途”）。',
    'batches.title': '批次（最新在前）',
    'batches.empty': '还没有批次：发一条消息试试。',
    'batch.head': '#{seq} · {size} 条 · {mode} · 计算 {work} 毫秒',
    'batch.latency': ' · 生产→显示：最早 {a} 毫秒，最新 {b} 毫秒',
    'batch.latency1': ' · 生产→显示 {a} 毫秒',
    'batch.none': '（空：队列里没有消息）',
    'batch.more': '…… 还有 {n} 条',
    'errors.title': '错误',
    'errors.request': '请求：{r}',
    'errors.workerCrash': 'Worker 出错：{e}',
    'errors.wasm': '无法加载 wasm：{e}',
    'detail.waiting_for_messages': '等待消息',
    'detail.next_round': '{in_ms} 毫秒后开始下一轮',
    'detail.round_work': '第 {round} 轮：对 {messages} 条消息做 {work_ms} 毫秒阻塞计算',
    'detail.page_work': '页面请求的阻塞计算（{work_ms} 毫秒）',
  },
};

const KEY = 'queue-playground-lang';
let lang = pick();
const listeners = [];

function pick() {
  const valid = (l) => (l && Object.hasOwn(STRINGS, l) ? l : null);
  let stored = null;
  try { stored = localStorage.getItem(KEY); } catch { /* storage may be blocked in iframes */ }
  return valid(new URLSearchParams(location.search).get('lang')) || valid(stored)
    || (navigator.language?.startsWith('zh') ? 'zh' : 'en');
}

/** The string for `key` in the current language, with `{name}` filled from `vars`. */
export function t(key, vars) {
  const s = STRINGS[lang][key] ?? STRINGS.en[key] ?? key;
  return vars ? s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m)) : s;
}

export const getLang = () => lang;

/** Switches language, remembers it if the user chose it, and tells every listener. */
export function setLang(next, remember = true) {
  if (!Object.hasOwn(STRINGS, next)) return;
  lang = next;
  try { if (remember) localStorage.setItem(KEY, next); } catch { /* storage may be blocked */ }
  applyStatic();
  for (const f of listeners) f();
}

export const onLang = (f) => listeners.push(f);

/** Sets `el`'s text, turning `backticked` parts into <code> elements (as text, never HTML). */
export function fill(el, text) {
  el.replaceChildren();
  text.split('`').forEach((part, i) => {
    if (!part) return;
    if (i % 2) {
      const code = document.createElement('code');
      code.textContent = part;
      el.append(code);
    } else el.append(part);
  });
}

/** Fills every [data-i18n] (text), [data-i18n-ph] (placeholder) and [data-i18n-tip] (title). */
export function applyStatic(root = document) {
  document.documentElement.lang = lang;
  document.title = t('title');
  for (const el of root.querySelectorAll('[data-i18n]')) fill(el, t(el.dataset.i18n));
  for (const el of root.querySelectorAll('[data-i18n-ph]')) el.placeholder = t(el.dataset.i18nPh);
  for (const el of root.querySelectorAll('[data-i18n-tip]')) el.title = t(el.dataset.i18nTip);
}
