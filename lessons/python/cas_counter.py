# Atomicity without locks: a compare-and-swap counter. Twin of lessons/cas_counter.lab.
# Same program: each of three threads loads count, then compare-exchanges it from that value to
# one more. CPython gives no compare-and-swap on a variable (no atomics module in the standard
# library), so a Lock stands in: `compare_exchange` below checks and writes while holding it,
# and returns the value it found, as the lab's does. A Barrier forces the lab's hint: A's and
# B's loads first, then their compare-exchanges; then C runs. The second of A and B finds 1,
# not 0: it fails, says so, and count ends at 2.
import threading

count = 0
cas = threading.Lock()  # stands in for the CPU's compare-and-swap
a_and_b_loaded = threading.Barrier(2)  # the schedule, not the program
seen_by = {}


def compare_exchange(expected, new):
    global count
    with cas:
        seen = count
        if seen == expected:
            count = new
        return seen


def add_one(name, after_load):
    old = count  # count.load()
    after_load()
    seen_by[name] = (old, compare_exchange(old, old + 1))


a_and_b = [threading.Thread(target=add_one, args=(n, a_and_b_loaded.wait)) for n in "AB"]
for t in a_and_b:
    t.start()
for t in a_and_b:
    t.join()
c = threading.Thread(target=add_one, args=("C", lambda: None))  # the schedule: C runs last
c.start()
c.join()
for name, (old, seen) in sorted(seen_by.items()):
    outcome = "swapped" if seen == old else "failed, and says so"
    print(f"{name}: expected {old}, found {seen}: {outcome}")
print(f"count = {count}: final assert count == 3", "holds" if count == 3 else "fails")
