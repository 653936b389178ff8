# Peterson's lock with a fence. Twin of lessons/peterson_fence.lab.
# The lab adds fence(seq_cst) after `turn = ...` so that each thread's flag is in memory before
# it reads the other's. Python has no fence. What stands in is both threads taking and
# releasing the same Lock there (`with fence: pass`): whichever takes it second sees what the
# other wrote before its release, which is the job the fence does here. With the GIL this
# changes nothing you can see (the unfenced lock already works: peterson.py). The honest
# Python fix is no fence at all: guard the critical section with threading.Lock.
import threading
import time

fence = threading.Lock()  # stands in for fence(seq_cst)
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
    with fence:  # fence(seq_cst)
        pass
    while flag1 == 1 and turn == 1:
        time.sleep(0)  # spin, handing the GIL over
    critical_section()
    flag0 = 0


def thread_b():
    global flag1, turn
    flag1 = 1
    turn = 0
    with fence:
        pass
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
