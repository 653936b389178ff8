# Ordering: store buffering on x86 (TSO). Twin of lessons/store_buffering.lab.
# Same program: A stores x then loads y; B stores y then loads x. The lab shows a = 0 and
# b = 0, which no interleaving allows: each store waited in its CPU's store buffer while the
# load after it read memory. Python programs do not see this with the GIL: one thread runs
# Python code at a time and every switch goes through the GIL's lock, which orders memory like a
# fence, so at least one load sees the other's store (counted below). The
# free-threaded build (3.13t) runs both threads at once on real CPUs and documents no order
# for plain variables; Python has no fence() to ask for one: a Lock is the tool
# (store_buffering_fence.py).
import threading
import time


def thread_a():
    global x, a
    start.wait()
    x = 1  # x.store(1, release)
    time.sleep(0)  # hand the GIL over: the threads interleave
    a = y  # y.load(acquire)


def thread_b():
    global y, b
    start.wait()
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
