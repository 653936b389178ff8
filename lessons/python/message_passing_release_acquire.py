# Ordering: message passing with release/acquire. Twin of
# lessons/message_passing_release_acquire.lab. Python has no release store or acquire load;
# what gives their promise is a lock, or a thing built on one: the flag becomes a
# threading.Event (set() publishes, is_set() receives), and what the Writer did before set() is
# visible to a Reader that sees is_set() is True, with or without the GIL. To pass the data
# itself, the Python way is a queue.Queue: `q.put(data)` and `q.get()`.
import threading
import time


def writer():
    global data
    start.wait()
    data = 1  # data.store(1, relaxed)
    time.sleep(0)  # hand the GIL over: the threads interleave
    flag.set()  # flag.store(1, release)


def reader():
    global f, d
    start.wait()
    f = int(flag.is_set())  # flag.load(acquire)
    time.sleep(0)
    d = data


seen = {}
for _ in range(30):
    data = f = d = 0
    flag, start = threading.Event(), threading.Barrier(2)
    threads = [threading.Thread(target=writer), threading.Thread(target=reader)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seen[f"f={f} d={d}"] = seen.get(f"f={f} d={d}", 0) + 1
print("outcomes in 30 runs:", seen, "- f=1 d=0 seen", seen.get("f=1 d=0", 0), "times")
