# A lost wakeup, fixed. Twin of lessons/condvar_lost_wakeup_fixed.lab.
# The producer sets `ready` and notifies holding m; the consumer checks and sleeps holding m,
# in a `while` loop (`c.wait_for(lambda: ready)` is the same loop). The notify cannot fall
# between the check and the wait, whichever thread runs first: both orders are run here.
import threading
import time

m = threading.Lock()
c = threading.Condition(m)


def producer():
    global ready
    with c:
        ready = 1
        c.notify()


def consumer():
    with c:
        while ready == 0:
            c.wait()


for first_name in ("producer", "consumer"):
    ready = 0
    p, q = threading.Thread(target=producer), threading.Thread(target=consumer)
    first, second = (p, q) if first_name == "producer" else (q, p)
    first.start()
    time.sleep(0.01)  # let the first thread get ahead
    second.start()
    for t in (p, q):
        t.join()
    print(f"{first_name} first: the consumer went on, ready = {ready}")
