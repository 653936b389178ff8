# The queue's own put and get, queue.Queue(maxsize=1). Twin of lessons/queue_put_if.lab.
# Same program: one lock `m` and two Conditions on it, not_empty and not_full, as CPython's
# queue.Queue has (its `mutex`, `not_empty`, `not_full`); but the producers wait for room with
# `if` instead of `while`. P2 finds the queue full and sleeps on not_full; it wakes with nobody
# having taken an item, and puts into a full queue. Its wait has a timeout, the wakeup nobody
# sent that Python programs meet (CPython's Condition does not wake spuriously by itself).
# The Consumer starts after the producers (the lab's hint: let P1 put, P2 sleep and wake).
import threading

qsize = got = 0
m = threading.Lock()
not_empty, not_full = threading.Condition(m), threading.Condition(m)
failures = []


def producer(name):
    global qsize
    with m:
        if qsize >= 1:
            not_full.wait(timeout=0.02)  # wakes with the queue still full
        qsize += 1
        if qsize > 1:  # assert qsize <= 1
            failures.append(f"{name} put into a full queue: qsize = {qsize}")
        not_empty.notify()


def consumer():
    global qsize, got
    for _ in range(2):
        with m:
            while qsize == 0:
                not_empty.wait()
            qsize -= 1
            got += 1
            not_full.notify()


p1 = threading.Thread(target=producer, args=("P1",))
p2 = threading.Thread(target=producer, args=("P2",))
for t in (p1, p2, threading.Thread(target=consumer)):
    t.start()
    t.join()  # the schedule: P1, then P2, then the Consumer
print(f"got {got};", failures[0] if failures else "the queue never held more than 1")
final = "holds" if qsize == 0 and got == 2 else "fails"
print(f"final assert qsize == 0 and got == 2 {final}: qsize = {qsize}, got = {got}")
