# Synchronization: a wakeup that nobody sent. Twin of lessons/condvar_spurious.lab.
# Same program: the Producer adds two items, one per critical section, notifying each time; the
# Consumer takes two, waiting with `if items == 0`. CPython's Condition does not wake
# spuriously today (its documentation only warns that notify may one day wake more threads
# than asked for); the wakeup nobody sent that Python programs meet every day is a wait with a
# timeout, which returns when the time is up whatever happened. `c.wait(timeout=0.02)` plays
# the lab's "spurious wakeup" button. The schedule is the lab's hint: the Consumer locks and
# sleeps before the Producer runs; here the Producer comes after the Consumer is done.
import threading

items = 0
j = 0  # Consumer.j: how many items the consumer took
c = threading.Condition(threading.Lock())
consumer_done = threading.Event()  # the schedule, not the program
failures = []


def producer():
    global items
    consumer_done.wait()
    i = 0
    while i < 2:
        with c:
            items += 1
            c.notify()  # c.notify_one()
        i += 1


def consumer():
    global items, j
    while j < 2:
        with c:
            if items == 0:
                c.wait(timeout=0.02)  # returns with nobody having notified
            items -= 1
            if items < 0:  # assert items >= 0
                failures.append(f"the consumer took an item that was not there: items = {items}")
        j += 1
    consumer_done.set()


threads = [threading.Thread(target=producer), threading.Thread(target=consumer)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("assert items >= 0 failed:", failures[0] if failures else "never")
final = "holds" if items == 0 and j == 2 else "fails"
print(f"final assert items == 0 and Consumer.j == 2 {final}: items = {items}, j = {j}")
