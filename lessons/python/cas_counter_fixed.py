# A counter that retries its compare-and-swap. Twin of lessons/cas_counter_fixed.lab.
# In each of the three threads: while the compare-exchange finds something other than `old`,
# take what it found as the new `old` and try again. The same schedule as the level that failed
# (A's and B's loads first, then their compare-exchanges, then C): the second of A and B fails
# once, retries, and count ends at 3. With three threads the retry can fail again, so it is a
# compare-exchange too, never a plain store. In the lab this is lock-free; in Python it is not,
# because CPython has no compare-and-swap and a Lock stands in for it (so in Python, simply
# `with lock: count += 1` is the better program).
import threading

count = 0
cas = threading.Lock()  # stands in for the CPU's compare-and-swap
a_and_b_loaded = threading.Barrier(2)  # the schedule, not the program
retries = {}


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
    seen = compare_exchange(old, old + 1)
    retries[name] = 0
    while seen != old:
        retries[name] += 1
        old = seen
        seen = compare_exchange(old, old + 1)


a_and_b = [threading.Thread(target=add_one, args=(n, a_and_b_loaded.wait)) for n in "AB"]
for t in a_and_b:
    t.start()
for t in a_and_b:
    t.join()
c = threading.Thread(target=add_one, args=("C", lambda: None))  # the schedule: C runs last
c.start()
c.join()
assert count == 3, count  # the final assert
print(f"count = {count}; retries:", ", ".join(f"{n} {r}" for n, r in sorted(retries.items())))
