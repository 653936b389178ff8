# A flag published with release/acquire. Twin of lessons/visibility_flag_fixed.lab.
# Python has no release store or acquire load; threading.Event gives their promise: what the
# Writer did before `ready.set()` is visible to the Reader after `ready.wait()` returns, with
# the GIL or without it (free-threaded 3.13t), because an Event is a Lock and a Condition
# inside. `wait()` also sleeps instead of spinning.
import threading


def writer():
    global data
    data = 42
    ready.set()  # ready.store(1, release)


def reader():
    global r
    ready.wait()  # while ready.load(acquire) == 0 { }
    r = data


failed = 0
for _ in range(30):
    data, r, ready = 0, 0, threading.Event()
    threads = [threading.Thread(target=reader), threading.Thread(target=writer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    failed += r != 42  # assert r == 42
print(f"the Reader saw the flag and the old data in {failed} of 30 runs")
