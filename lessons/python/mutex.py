# Synchronization: a mutex gives mutual exclusion. Twin of lessons/mutex.lab.
# Same three threads; `with m:` is m.lock() ... m.unlock(), and it also unlocks when the body
# raises. Each thread sleeps inside the critical section, so a switch there is certain: the
# others wait at `with m:`. Releasing and taking a Lock is also what makes one thread's writes
# visible to the next in Python: with the GIL and in the free-threaded build alike.
import threading
import time

inside = 0
entered = 0
failures = []
m = threading.Lock()


def critical_section(name):
    global inside, entered
    with m:
        inside += 1
        time.sleep(0.002)  # a thread switch falls here; the others wait for m
        if inside != 1:  # assert inside == 1
            failures.append(f"{name} saw inside = {inside}")
        entered += 1
        inside -= 1


threads = [threading.Thread(target=critical_section, args=(n,)) for n in ("A", "B", "C")]
for t in threads:
    t.start()
for t in threads:
    t.join()
assert entered == 3, entered  # the final assert
print(f"inside = {inside}, entered = {entered}; assert inside == 1 failed:", failures or "never")
