# Atomicity: a lost update. The Python twin of lessons/counter_lost_update.lab.
# Same program: a shared `count`, threads A and B each add 1 to it once.
# `count += 1` is not atomic in Python either: it is several bytecodes (load count, add, store
# count), and a thread switch can fall between the load and the store. The GIL does not make
# it one step. CPython 3.10-3.13 happen to switch threads only at calls and loop back-edges, so
# a bare loop of `count += 1` seldom shows the loss (measured here: two threads, 400,000
# increments, none lost on 3.10-3.13; 3.9 lost nearly half). The free-threaded build (3.13t) has no
# GIL at all: both threads really run at once. To make the lab's losing schedule happen every
# time, a Barrier holds each thread between its load and its store (the lab's single step:
# A loads, B loads, then both store).
import threading

count = 0
both_loaded = threading.Barrier(2)  # the schedule, not the program


def add_one():
    global count
    tmp = count  # load
    both_loaded.wait()  # a thread switch falls here
    count = tmp + 1  # store


threads = [threading.Thread(target=add_one, name=name) for name in ("A", "B")]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(f"count = {count}, expected 2:", "one update was lost" if count != 2 else "none lost")
