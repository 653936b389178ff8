# Atomicity without locks: a compare-and-swap counter. Twin of lessons/cas_counter.lab.
# Same program: each thread loads count, then compare-exchanges it from that value to one more.
# CPython gives no compare-and-swap on a variable (no atomics module in the standard library),
# so a Lock stands in: `compare_exchange` below checks and writes while holding it, and returns
# the value it found, as the lab's does. A Barrier forces the lab's hint: both loads first, then
# both compare-exchanges. The second finds 1, not 0: it fails, says so, and count ends at 1.
import threading

count = 0
cas = threading.Lock()  # stands in for the CPU's compare-and-swap
both_loaded = threading.Barrier(2)  # the schedule, not the program
seen_by = {}


def compare_exchange(expected, new):
    global count
    with cas:
        seen = count
        if seen == expected:
            count = new
        return seen


def add_one(name):
    old = count  # count.load()
    both_loaded.wait()
    seen_by[name] = (old, compare_exchange(old, old + 1))


threads = [threading.Thread(target=add_one, args=(n,)) for n in ("A", "B")]
for t in threads:
    t.start()
for t in threads:
    t.join()
for name, (old, seen) in sorted(seen_by.items()):
    outcome = "swapped" if seen == old else "failed, and says so"
    print(f"{name}: expected {old}, found {seen}: {outcome}")
print(f"count = {count}, expected 2")
