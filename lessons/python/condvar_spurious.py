# Synchronization: a wakeup that nobody sent. Twin of lessons/condvar_spurious.lab.
# Same program: one Producer adds one item, the Consumer waits with `if items == 0`. CPython's
# Condition does not wake spuriously today (its documentation only warns that notify may one
# day wake more threads than asked for); the wakeup nobody sent that Python programs meet
# every day is a wait with a timeout, which returns when the time is up whatever happened.
# `c.wait(timeout=0.02)` plays the lab's "spurious wakeup" button; the Producer comes late.
import threading

items = 0
c = threading.Condition(threading.Lock())
consumer_done = threading.Event()  # the schedule: the Producer comes after the wakeup
failures = []


def producer():
    global items
    consumer_done.wait()
    with c:
        items += 1
        c.notify()


def consumer():
    global items
    with c:
        if items == 0:
            c.wait(timeout=0.02)  # returns with nobody having notified
        items -= 1
        if items < 0:  # assert items >= 0
            failures.append(f"the consumer took an item that was not there: items = {items}")
    consumer_done.set()


threads = [threading.Thread(target=producer), threading.Thread(target=consumer)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("assert items >= 0 failed:", failures[0] if failures else "never")
