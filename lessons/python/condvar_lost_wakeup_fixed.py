# A lost wakeup, fixed. Twin of lessons/condvar_lost_wakeup_fixed.lab.
# The producer sets `ready` and notifies holding m; each consumer checks and sleeps holding m,
# in a `while` loop (`c.wait_for(lambda: ready)` is the same loop). The notify cannot fall
# between a check and a wait, whichever thread runs first: both orders are run here. The
# producer calls notify_all, as in the lab: with both consumers asleep, notify() would wake only
# one of them, and the other would sleep forever.
import threading
import time

m = threading.Lock()
c = threading.Condition(m)


def producer():
    global ready
    with c:
        ready = 1
        c.notify_all()


def consumer():
    with c:
        while ready == 0:
            c.wait()


for first_name in ("producer", "consumers"):
    ready = 0
    p = threading.Thread(target=producer)
    consumers = [threading.Thread(target=consumer, name=name) for name in ("C1", "C2")]
    first, second = ([p], consumers) if first_name == "producer" else (consumers, [p])
    for t in first:
        t.start()
    time.sleep(0.01)  # let the first threads get ahead
    for t in second:
        t.start()
    for t in [p, *consumers]:
        t.join()
    print(f"{first_name} first: both consumers went on, ready = {ready}")
