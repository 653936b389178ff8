# Synchronization: waiting with `if` instead of `while`. Twin of lessons/condvar_if.lab.
# Same program: a Producer adds two items, one per critical section, notifying once per item;
# consumers C1 and C2 each take one, waiting with `if items == 0`. The stolen wakeup: C1
# sleeps, the Producer adds an item and notifies C1, but C2, already waiting for the lock, gets
# it first and takes the item; C1 then wakes and takes an item that is not there. Which thread
# gets a released lock first is the OS's choice, not Python's: the sleeps only make it likely
# (here, 19 or 20 rounds of 20), and the program counts the rounds where it happened.
import threading
import time


def one_round():
    items, failures = [0], []
    c = threading.Condition(threading.Lock())
    c1_sleeps, c2_go = threading.Event(), threading.Event()  # the schedule

    def consumer(name, before):
        before()
        with c:
            c1_sleeps.set()
            if items[0] == 0:
                c.wait()
            items[0] -= 1
            if items[0] < 0:  # assert items >= 0
                failures.append(name)

    c1 = threading.Thread(target=consumer, args=("C1", lambda: None))
    c2 = threading.Thread(target=consumer, args=("C2", c2_go.wait))
    c1.start(), c2.start(), c1_sleeps.wait()
    with c:  # the Producer's first critical section
        items[0] += 1
        c2_go.set()
        time.sleep(0.002)  # C2 arrives and waits for the lock
        c.notify()
        time.sleep(0.002)  # C1 wakes and waits for the lock too
    time.sleep(0.002)
    with c:  # its second
        items[0] += 1
        c.notify()
    c1.join(), c2.join()
    finals.append(items[0] == 0)  # final assert items == 0
    return failures


finals = []
bad = sum(1 for _ in range(20) if one_round())
print(f"with `if`: a consumer took an item that was not there in {bad} of 20 rounds")
print(f"final assert items == 0 held in {sum(finals)} of 20 rounds")
