# Synchronization: a semaphore as a mutex, not yet as a signal. Twin of
# lessons/semaphore_signal.lab. Same program: `s = Semaphore(1)` works as a mutex (acquire is
# the lab's wait, release its signal), so the workers never lose an update; but nothing tells
# Main to wait for them, and `done` is declared and never used. Main is the main thread here.
# The `go` Event forces the lab's hint (Main runs first): the workers start, then wait for it.
import threading

count = 0
s, done = threading.Semaphore(1), threading.Semaphore(0)
go = threading.Event()  # the schedule, not the program


def worker():
    global count
    go.wait()
    with s:  # s.wait() ... s.signal()
        count += 1


workers = [threading.Thread(target=worker, name=name) for name in ("W1", "W2")]
for w in workers:
    w.start()
d = count  # Main reads: nothing made it wait
go.set()
for w in workers:
    w.join()
print(f"Main.d = {d}, count = {count}: Main read before the workers added")
