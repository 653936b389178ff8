# Atomicity, fixed with a mutex. The Python twin of lessons/counter_mutex.lab.
# Same as the lab: `with m:` is m.lock() ... m.unlock(). The increment is still a load and a
# store, but only the thread holding m can be between them. To show that, each thread sleeps
# between its load and its store (a thread switch is certain there): the other thread waits
# at `with m:`. Python has no fetch_add: a Lock is the way to make `count += 1` indivisible,
# with the GIL and without it (free-threaded 3.13t).
import threading
import time

count = 0
m = threading.Lock()


def add_one():
    global count
    with m:
        tmp = count  # load
        time.sleep(0.001)  # a thread switch falls here; the other thread waits for m
        count = tmp + 1  # store


for _ in range(20):
    count = 0
    threads = [threading.Thread(target=add_one, name=name) for name in ("A", "B")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert count == 2, count
print("count = 2 in each of 20 runs: no update lost")
