# Visibility: a flag without synchronization. Twin of lessons/visibility_flag.lab.
# Same program: the Writer sets data = 42 and then ready = 1; the Reader spins until it sees
# ready and reads data. The lab shows the Reader seeing the new flag and the old data. Python
# has no relaxed atomics and no documented memory model. With the GIL every thread switch goes
# through the GIL's lock, which orders memory like a full fence, so a Reader that sees ready = 1
# sees data = 42 (counted below); the spin also holds the GIL until the interpreter switches
# (every 5 ms by default), which is why it sleeps(0) to hand it over. The free-threaded build
# (3.13t, no GIL) documents no order between two plain writes as another thread sees them:
# there, as in C, publish with threading.Event or a Queue, not with a plain flag.
import threading
import time


def writer():
    global data, ready
    data = 42
    ready = 1


def reader():
    global r
    while ready == 0:
        time.sleep(0)  # hand the GIL to the Writer
    r = data


failed = 0
for _ in range(30):
    data = ready = r = 0
    threads = [threading.Thread(target=reader), threading.Thread(target=writer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    failed += r != 42  # assert r == 42
print(f"the Reader saw ready = 1 and the old data in {failed} of 30 runs")
