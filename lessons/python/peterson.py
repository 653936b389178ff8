# Ordering: Peterson's lock from plain loads and stores. Twin of lessons/peterson.lab.
# Same program: each thread raises its flag, gives the turn away, and spins while the other's
# flag is up and it is the other's turn. The lab breaks it on x86 (TSO): both flags wait in
# store buffers and both threads enter. With the GIL, Python runs one thread at a time and
# every switch goes through the GIL's lock, which orders memory like a fence: the lock is
# sequentially consistent and works (counted below). The free-threaded build (3.13t) documents
# no order for plain variables, so nothing promises it works there. Real Python code uses
# threading.Lock. CPython has no fetch_add: a Lock stands in for `inside`'s.
import threading
import time

counter = threading.Lock()  # makes `inside`'s fetch_add and fetch_sub indivisible
both_inside = 0


def critical_section():
    global inside, both_inside
    with counter:
        n, inside = inside, inside + 1  # n = inside.fetch_add(1)
    both_inside += n != 0  # assert n == 0
    time.sleep(0)  # a thread switch inside the critical section
    with counter:
        inside -= 1  # inside.fetch_sub(1)


def thread_a():
    global flag0, turn
    flag0 = 1
    turn = 1
    while flag1 == 1 and turn == 1:
        time.sleep(0)  # spin, handing the GIL over
    critical_section()
    flag0 = 0


def thread_b():
    global flag1, turn
    flag1 = 1
    turn = 0
    while flag0 == 1 and turn == 0:
        time.sleep(0)
    critical_section()
    flag1 = 0


for _ in range(30):
    flag0 = flag1 = turn = inside = 0
    threads = [threading.Thread(target=thread_a), threading.Thread(target=thread_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
print(f"both threads inside at once in {both_inside} of 30 runs")
