# The consumers' processed counter: `+=` from two threads, and under a lock. Twin of the threads
# level threads_lost_update. Two consumer threads take items from one queue.Queue (that part
# is safe) and count what they processed in a shared `processed`. `processed += n` is a load,
# an add and a store: a thread that is switched out between them stores a stale sum. Here the
# switch falls inside process(), which does I/O (sleep(0) stands for it) and so releases the
# GIL, exactly between the load of `processed` and its store. A bare `processed += 1` loses
# updates the same way, only more seldom under CPython 3.10-3.13's GIL (it switches threads at
# calls and loop back-edges) and freely in the free-threaded build (3.13t). The level's fix is
# fetch_add; Python has no atomic integer, so the fix here is a Lock around the `+=`.
import queue
import threading
import time

ITEMS = 500


def process(item):
    time.sleep(0)  # the work: I/O, which releases the GIL
    return 1


def run(count):
    q = queue.Queue()
    for i in range(ITEMS):
        q.put(i)
    state = {"processed": 0}
    lock = threading.Lock()

    def consumer():
        while True:
            try:
                item = q.get_nowait()
            except queue.Empty:
                return
            count(state, lock, item)

    threads = [threading.Thread(target=consumer) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return f"processed {ITEMS} items, counted {state['processed']}"


def count_racy(state, lock, item):
    state["processed"] += process(item)  # load, (process: switch), add, store


def count_locked(state, lock, item):
    n = process(item)
    with lock:
        state["processed"] += n


print("processed += n:          ", run(count_racy))
print("with lock: processed += n", run(count_locked))
