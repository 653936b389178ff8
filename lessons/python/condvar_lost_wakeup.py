# Synchronization: a lost wakeup. Twin of lessons/condvar_lost_wakeup.lab.
# Here Python differs: the lab's Producer notifies without holding m, and Python refuses that
# (`RuntimeError: cannot notify on un-acquired lock`). Since the lab's Consumer checks and
# sleeps while holding m, a Producer that must hold m to notify cannot slip between them.
# The wakeup is still lost in the shape Python allows: a consumer that checks `ready` before
# it takes the lock. The schedule (an Event) lets the whole Producer run between that check and
# the wait; the wait has a timeout, or the program would sleep forever.
import threading

ready = 0
m = threading.Lock()
c = threading.Condition(m)
checked, produced = threading.Event(), threading.Event()  # the schedule, not the program

try:
    c.notify()  # the lab's Producer: notify without holding m
except RuntimeError as e:
    print("Python refuses the lab's producer:", e)


def producer():
    global ready
    checked.wait()
    ready = 1
    with c:
        c.notify()  # nobody waits yet: this notify is lost
    produced.set()


def consumer():
    if ready == 0:  # checked without the lock ...
        checked.set()
        produced.wait()
        with c:
            woke = c.wait(timeout=0.2)  # ... and slept after the notify
            print("consumer:", "woken" if woke else "nobody woke it (without the timeout: forever)")


threads = [threading.Thread(target=producer), threading.Thread(target=consumer)]
for t in threads:
    t.start()
for t in threads:
    t.join()
