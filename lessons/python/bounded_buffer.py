# Synchronization: a bounded buffer with two semaphores. Twin of lessons/bounded_buffer.lab.
# `empty` counts free slots and `full` counts items: the producer waits for a free slot, the
# consumer for an item. Same schedule as the overflowing level (the producer runs alone first),
# and now it stops at two items until the consumer frees a slot. This is queue.Queue(maxsize=2)'s
# promise, which CPython keeps with a Lock and two Conditions instead of semaphores.
import threading

count = produced = consumed = 0
most = 0
empty, full = threading.Semaphore(2), threading.Semaphore(0)
m = threading.Lock()


def producer():
    global count, produced, most
    for _ in range(3):
        empty.acquire()  # wait for a free slot
        with m:
            count += 1
            most = max(most, count)
            produced += 1
        full.release()


def consumer():
    global count, consumed
    for _ in range(3):
        full.acquire()  # wait for an item
        with m:
            count -= 1
            consumed += 1
        empty.release()  # a slot is free again


p = threading.Thread(target=producer, name="Producer")
p.start()
p.join(timeout=0.05)  # the schedule: the Producer runs alone first
print(f"the producer alone put {produced} and waits for a free slot:", p.is_alive())
c = threading.Thread(target=consumer, name="Consumer")
c.start()
for t in (p, c):
    t.join()
print(f"produced {produced}, consumed {consumed}, count = {count}, at most {most} in the buffer")
