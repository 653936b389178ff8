# Synchronization: waiting on a condition variable in a `while` loop. Twin of
# lessons/condvar_while.lab. The same program and the same schedule as condvar_if.py (C2 takes
# the item C1 was woken for); the consumers now wait in `while items == 0`, so C1 finds no
# item, sleeps again, and takes the Producer's second item. `c.wait_for(lambda: items[0])` is
# the same loop. CPython's Condition does not wake spuriously today, but its documentation
# allows notify to wake more threads than asked for, and a wait with a timeout returns with
# nothing sent: the loop makes all of these harmless.
import threading
import time


def one_round():
    items, failures = [0], []
    c = threading.Condition(threading.Lock())
    c1_sleeps, c2_go = threading.Event(), threading.Event()  # the schedule

    def consumer(name, before):
        before()
        with c:
            c1_sleeps.set()
            while items[0] == 0:  # checks again after every wakeup
                c.wait()
            items[0] -= 1
            if items[0] < 0:  # assert items >= 0
                failures.append(name)

    c1 = threading.Thread(target=consumer, args=("C1", lambda: None))
    c2 = threading.Thread(target=consumer, args=("C2", c2_go.wait))
    c1.start(), c2.start(), c1_sleeps.wait()
    with c:  # the Producer's first critical section
        items[0] += 1
        c2_go.set()
        time.sleep(0.002)  # C2 arrives and waits for the lock
        c.notify()
        time.sleep(0.002)  # C1 wakes and waits for the lock too
    time.sleep(0.002)
    with c:  # its second
        items[0] += 1
        c.notify()
    c1.join(), c2.join()
    assert items[0] == 0, items[0]  # the final assert
    return failures


bad = sum(1 for _ in range(20) if one_round())
print(f"with `while`: a consumer took an item that was not there in {bad} of 20 rounds")
