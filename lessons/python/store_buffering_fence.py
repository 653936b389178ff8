# Ordering: store buffering, fixed. Twin of lessons/store_buffering_fence.lab.
# The lab puts fence(seq_cst) between each store and load. Python has no fence. What it has is
# a Lock: each thread's store and load become one critical section, and whichever thread takes
# the lock second sees the other's store, with the GIL or without it (free-threaded 3.13t).
# So a = 0 and b = 0 is impossible, not just unseen. (A Lock does more than a fence, it also
# keeps the other thread out; Python offers nothing smaller.)
import threading
import time

m = threading.Lock()


def thread_a():
    global x, a
    start.wait()
    with m:  # the fence's job, done by a lock
        x = 1
        time.sleep(0)  # a thread switch here changes nothing: B waits for m
        a = y


def thread_b():
    global y, b
    start.wait()
    with m:
        y = 1
        time.sleep(0)
        b = x


seen = {}
for _ in range(30):
    x = y = a = b = 0
    start = threading.Barrier(2)
    threads = [threading.Thread(target=thread_a), threading.Thread(target=thread_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seen[f"a={a} b={b}"] = seen.get(f"a={a} b={b}", 0) + 1
print("outcomes in 30 runs:", seen, "- a=0 b=0 seen", seen.get("a=0 b=0", 0), "times")
