# Ordering: passing a message on with release/acquire. Twin of
# lessons/message_passing_release_acquire.lab. Python has no release store or acquire load;
# what gives their promise is a lock, or a thing built on one: the flag becomes a
# threading.Event. The Relay's `flag.set()` releases the Event's lock (the release store) and
# the Reader's `flag.wait()` takes it (the acquire load; `is_set()` alone takes no lock, so it
# would not be one). As in the lab, the release publishes everything the Relay has seen, the
# Writer's plain store of data included: happens-before is transitive. The Writer and the
# Relay's check of data stay plain, as the lab's stay relaxed. To pass the data itself, the
# Python way is a queue.Queue: `q.put(data)` and `q.get()`.
import threading
import time


def writer():
    global data
    start.wait()
    data = 1  # data.store(1, relaxed)


def relay():
    start.wait()
    while data == 0:  # while data.load(relaxed) == 0 { }
        time.sleep(0)  # hand the GIL over at once instead of spinning out its time slice
    flag.set()  # flag.store(1, release)


def reader():
    start.wait()
    flag.wait()  # while flag.load(acquire) == 0 { }, sleeping instead of spinning
    seen.append(data)  # d = data.load(relaxed)


seen = []
for _ in range(30):
    data = 0
    flag, start = threading.Event(), threading.Barrier(3)
    threads = [threading.Thread(target=f) for f in (writer, relay, reader)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
assert all(d == 1 for d in seen), seen  # assert d == 1, in every run
print(f"the Reader read data = 1 in each of {len(seen)} runs")
