# Synchronization: a one-slot buffer that overflows. Twin of
# lessons/bounded_buffer_overflow.lab. Same program: the Producer puts two items, the Consumer
# takes two; semaphore `full` counts items (release is the lab's signal, acquire its wait), and
# the buffer has one slot. Nothing counts free slots, so the producer never waits. Python has
# no atomic fetch_add: `count += 1` is a load and a store, so a Lock stands in for the lab's
# count.fetch_add(1) and count.fetch_sub(1). The Consumer starts late (the lab's hint: run the
# Producer again and again without the Consumer), and the producer overfills the buffer.
import threading

count = 0
j = 0  # Consumer.j: how many items the consumer took
full = threading.Semaphore(0)
atomic = threading.Lock()  # stands in for fetch_add and fetch_sub
failures = []


def producer():
    global count
    i = 0
    while i < 2:
        with atomic:
            count += 1  # count.fetch_add(1)
        if count > 1:  # assert count <= 1
            failures.append(f"count = {count} in a one-slot buffer")
        full.release()  # full.signal()
        i += 1


def consumer():
    global count, j
    while j < 2:
        full.acquire()  # full.wait()
        with atomic:
            count -= 1  # count.fetch_sub(1)
        if count < 0:  # assert count >= 0
            failures.append(f"count = {count}: the consumer took an item that was not there")
        j += 1


p = threading.Thread(target=producer, name="Producer")
p.start()
p.join()  # the schedule: the Consumer has not run yet
c = threading.Thread(target=consumer, name="Consumer")
c.start()
c.join()
print("overflow:", failures[0] if failures else "none")
final = "holds" if count == 0 and j == 2 else "fails"
print(f"final assert count == 0 and Consumer.j == 2 {final}: count = {count}, j = {j}")
