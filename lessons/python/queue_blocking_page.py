# Blocking work in the request handler, and in a thread. Twin of the playground level
# queue_blocking_page. The post's calculate_blocking(5) is a busy loop. Called in the Flask
# handler, each request waits for it; put on the queue and done by the consumer thread, the
# handler answers at once. Flask is not needed to show it: each handler below is the body of
# `/produce/<message>`, timed. One thing the page does not show: under the GIL the consumer's
# busy loop and the handler share one CPU for Python code, so the handler may wait up to the
# switch interval (5 ms) for its turn; in the free-threaded build (3.13t) they run at once.
import queue
import threading
import time


def calculate_blocking(seconds):  # the post's busy loop, shortened
    start = time.time()
    while time.time() - start < seconds:
        sum(range(1000))


def handler_blocking(q, message):
    calculate_blocking(0.03)  # the work, in the request
    return f"message produce {message}"


def handler_queued(q, message):
    q.put(message)  # the work goes to the consumer thread
    return f"message produce {message}"


def consumer(q):
    while True:
        q.get()
        calculate_blocking(0.03)
        q.task_done()


for handler in (handler_blocking, handler_queued):
    q = queue.Queue()
    threading.Thread(target=consumer, args=(q,), daemon=True).start()
    start = time.perf_counter()
    for m in ("a", "b", "c"):
        handler(q, m)
    answered = time.perf_counter() - start
    q.join()  # wait until the consumer has done the work too
    print(f"{handler.__name__}: 3 requests answered in {answered * 1000:.0f} ms")
