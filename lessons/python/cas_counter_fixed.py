# A counter that retries its compare-and-swap. Twin of lessons/cas_counter_fixed.lab.
# While the compare-exchange finds something other than `old`, take what it found as the new
# `old` and try again. The same Barrier forces the schedule that failed (both loads first):
# the second fails once, retries, and count ends at 2. In the lab this is lock-free; in Python
# it is not, because CPython has no compare-and-swap and a Lock stands in for it (so in
# Python, simply `with lock: count += 1` is the better program).
import threading

count = 0
cas = threading.Lock()  # stands in for the CPU's compare-and-swap
both_loaded = threading.Barrier(2)  # the schedule, not the program
retries = 0


def compare_exchange(expected, new):
    global count
    with cas:
        seen = count
        if seen == expected:
            count = new
        return seen


def add_one():
    global retries
    old = count  # count.load()
    both_loaded.wait()
    seen = compare_exchange(old, old + 1)
    while seen != old:
        retries += 1
        old = seen
        seen = compare_exchange(old, old + 1)


threads = [threading.Thread(target=add_one) for _ in ("A", "B")]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(f"count = {count}, expected 2, retries: {retries}")
