# Ordering: message passing with relaxed atomics. Twin of lessons/message_passing_relaxed.lab.
# Same program: the Writer stores data, then flag; the Reader loads flag, then data. The lab
# shows f = 1 and d = 0: relaxed stores are not ordered for another thread. Python cannot even
# ask for relaxed: it has no atomics with orders and no documented memory model. With the GIL
# every thread switch goes through the GIL's lock, a full fence, so every thread sees the
# writes in the order they were made and f = 1, d = 0 does not happen (counted below). The
# free-threaded build (3.13t) keeps each read and write whole and documents no order between
# two of them: pass messages with queue.Queue, which is ordered by its lock.
import threading
import time


def writer():
    global data, flag
    start.wait()
    data = 1  # data.store(1, relaxed)
    time.sleep(0)  # hand the GIL over: the threads interleave
    flag = 1  # flag.store(1, relaxed)


def reader():
    global f, d
    start.wait()
    f = flag  # flag.load(relaxed)
    time.sleep(0)
    d = data  # data.load(relaxed)


seen = {}
for _ in range(30):
    data = flag = f = d = 0
    start = threading.Barrier(2)
    threads = [threading.Thread(target=writer), threading.Thread(target=reader)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seen[f"f={f} d={d}"] = seen.get(f"f={f} d={d}", 0) + 1
print("outcomes in 30 runs:", seen, "- f=1 d=0 seen", seen.get("f=1 d=0", 0), "times")
