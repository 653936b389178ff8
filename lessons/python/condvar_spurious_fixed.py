# A wakeup that nobody sent, made harmless. Twin of lessons/condvar_spurious_fixed.lab.
# The consumer checks again after every wakeup: `while items == 0`. Its wait still times out
# (several times, since the Producer comes late); each time it finds no item and sleeps again.
# Both items go through: the consumer takes two and none is left. `c.wait_for(lambda: items >
# 0)` is the same loop, written by the library.
import threading
import time

items = 0
j = 0  # Consumer.j: how many items the consumer took
wakeups = 0
c = threading.Condition(threading.Lock())


def producer():
    global items
    time.sleep(0.05)  # a late producer
    i = 0
    while i < 2:
        with c:
            items += 1
            c.notify()  # c.notify_one()
        i += 1


def consumer():
    global items, j, wakeups
    while j < 2:
        with c:
            while items == 0:
                c.wait(timeout=0.02)
                wakeups += 1
            items -= 1
            assert items >= 0, items
        j += 1


threads = [threading.Thread(target=producer), threading.Thread(target=consumer)]
for t in threads:
    t.start()
for t in threads:
    t.join()
assert items == 0 and j == 2, (items, j)  # the final assert
print(f"the consumer took {j} items, items = {items}; it woke {wakeups} time(s), checking each")
