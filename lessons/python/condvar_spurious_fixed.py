# A wakeup that nobody sent, made harmless. Twin of lessons/condvar_spurious_fixed.lab.
# The consumer checks again after every wakeup: `while items == 0`. Its wait still times out
# (several times, since the Producer comes late); each time it finds no item and sleeps again.
# `c.wait_for(lambda: items > 0)` is the same loop, written by the library.
import threading
import time

items = 0
wakeups = 0
c = threading.Condition(threading.Lock())


def producer():
    global items
    time.sleep(0.05)  # a late producer
    with c:
        items += 1
        c.notify()


def consumer():
    global items, wakeups
    with c:
        while items == 0:
            c.wait(timeout=0.02)
            wakeups += 1
        items -= 1
        assert items >= 0


threads = [threading.Thread(target=producer), threading.Thread(target=consumer)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(f"items = {items}; the consumer woke {wakeups} time(s) and checked again each time")
