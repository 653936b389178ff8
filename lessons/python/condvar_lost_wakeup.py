# Synchronization: a lost wakeup. Twin of lessons/condvar_lost_wakeup.lab.
# Here Python differs: the lab's Producer notifies without holding m, and Python refuses that
# (`RuntimeError: cannot notify on un-acquired lock`). Since the lab's consumers check and
# sleep while holding m, a Producer that must hold m to notify cannot slip between them.
# The wakeup is still lost in the shape Python allows: consumers that check `ready` before they
# take the lock. The schedule (two Events) is the lab's hint: C1 checks, the whole Producer
# runs, then C1 waits; then C2 runs to its end, finds ready = 1 and never waits. C1's wait has
# a timeout, or the program would sleep forever.
import threading

ready = 0
m = threading.Lock()
c = threading.Condition(m)
checked, produced = threading.Event(), threading.Event()  # the schedule, not the program
outcome = {}

try:
    c.notify_all()  # the lab's Producer: notify without holding m
except RuntimeError as e:
    print("Python refuses the lab's producer:", e)


def producer():
    global ready
    checked.wait()
    ready = 1
    with c:
        c.notify_all()  # nobody waits yet: this notify is lost for C1
    produced.set()


def consumer(name, between):
    if ready == 0:  # checked without the lock ...
        between()
        with c:
            woke = c.wait(timeout=0.2)  # ... and slept after the notify
            outcome[name] = "woken" if woke else "nobody woke it (without the timeout: forever)"
    else:
        outcome[name] = "found ready = 1 and never waited"


def c1_between():  # the schedule: the whole Producer runs between C1's check and its wait
    checked.set()
    produced.wait()


threads = [
    threading.Thread(target=producer),
    threading.Thread(target=consumer, args=("C1", c1_between)),
]
for t in threads:
    t.start()
produced.wait()  # the schedule: C2 starts after the Producer
threads.append(threading.Thread(target=consumer, args=("C2", lambda: None)))
threads[-1].start()
for t in threads:
    t.join()
for name in ("C1", "C2"):
    print(f"{name}:", outcome[name])
