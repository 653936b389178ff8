# Synchronization: a bounded buffer that overflows. Twin of lessons/bounded_buffer_overflow.lab.
# Same program: semaphore `full` counts items (release is the lab's signal, acquire its wait),
# a Lock guards `count`, and the buffer has two slots. Nothing counts free slots, so the
# producer never waits. The consumer starts late (the lab's hint: run the Producer again and
# again without the Consumer), and the producer overfills the buffer.
import threading

count = produced = consumed = 0
full = threading.Semaphore(0)
m = threading.Lock()
failures = []


def producer():
    global count, produced
    for _ in range(3):
        with m:
            count += 1
            if count > 2:  # assert count <= 2
                failures.append(f"count = {count} in a two-slot buffer")
            produced += 1
        full.release()  # signal


def consumer():
    global count, consumed
    for _ in range(3):
        full.acquire()  # wait
        with m:
            count -= 1
            consumed += 1


p = threading.Thread(target=producer, name="Producer")
p.start()
p.join()  # the schedule: the Consumer has not run yet
c = threading.Thread(target=consumer, name="Consumer")
c.start()
c.join()
outcome = "overflow: " + failures[0] if failures else "no overflow"
print(f"produced {produced}, consumed {consumed}; {outcome}")
