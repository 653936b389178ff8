# Ordering: passing a message on through a third thread, with relaxed atomics. Twin of
# lessons/message_passing_relaxed.lab. Same program: the Writer stores data; the Relay waits
# until it sees data = 1, then raises the flag; the Reader waits for the flag, then reads data
# and asserts it is 1. The lab shows the Reader see the flag and still read data = 0: relaxed
# atomics pass on nothing of what a thread has seen. Python cannot even ask for relaxed: it has
# no atomics with orders and no documented memory model. With the GIL every thread switch goes
# through the GIL's lock, a full fence, so every thread sees the writes in the order they were
# made and the assert does not fail (counted below). The free-threaded build (3.13t) keeps each
# read and write whole and documents no order between two of them: pass messages with
# queue.Queue or a threading.Event, which are ordered by their lock.
import threading
import time


def writer():
    global data
    start.wait()
    data = 1  # data.store(1, relaxed)


def relay():
    global flag
    start.wait()
    while data == 0:  # while data.load(relaxed) == 0 { }
        time.sleep(0)  # hand the GIL over at once instead of spinning out its time slice
    flag = 1  # flag.store(1, relaxed)


def reader():
    start.wait()
    while flag == 0:  # while flag.load(relaxed) == 0 { }
        time.sleep(0)
    d = data  # data.load(relaxed)
    if d != 1:  # assert d == 1
        failures.append(f"the Reader saw the flag and read data = {d}")


failures = []
for _ in range(30):
    data = flag = 0
    start = threading.Barrier(3)  # the three threads begin together
    threads = [threading.Thread(target=f) for f in (writer, relay, reader)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
print(f"assert d == 1 failed in {len(failures)} of 30 runs:", failures[0] if failures else "never")
