# Synchronization: a one-slot buffer with two semaphores. Twin of lessons/bounded_buffer.lab.
# `empty` counts free slots and `full` counts items: the producer waits for a free slot, the
# consumer for an item. As in the overflowing level, a Lock stands in for the lab's atomic
# fetch_add and fetch_sub, and the producer runs alone first: now it puts one item and waits
# for a free slot until the consumer takes it. Both items still go through. This is
# queue.Queue(maxsize=1)'s promise, which CPython keeps with a Lock and two Conditions instead
# of semaphores.
import threading

count = 0
j = 0  # Consumer.j: how many items the consumer took
most = 0
empty, full = threading.Semaphore(1), threading.Semaphore(0)
atomic = threading.Lock()  # stands in for fetch_add and fetch_sub


def producer():
    global count, most
    i = 0
    while i < 2:
        empty.acquire()  # empty.wait(): wait for a free slot
        with atomic:
            count += 1  # count.fetch_add(1)
            most = max(most, count)  # assert count <= 1
        full.release()  # full.signal()
        i += 1


def consumer():
    global count, j
    while j < 2:
        full.acquire()  # full.wait(): wait for an item
        with atomic:
            count -= 1  # count.fetch_sub(1)
            assert count >= 0, count
        empty.release()  # empty.signal(): the slot is free again
        j += 1


p = threading.Thread(target=producer, name="Producer")
p.start()
p.join(timeout=0.05)  # the schedule: the Producer runs alone first
print(f"the producer alone put {count} item and waits for the free slot:", p.is_alive())
c = threading.Thread(target=consumer, name="Consumer")
c.start()
for t in (p, c):
    t.join()
assert most <= 1, most
assert count == 0 and j == 2, (count, j)  # the final assert
print(f"the consumer took {j} items, count = {count}, at most {most} in the buffer")
