# Synchronization: a critical section without a lock. Twin of lessons/mutex_missing.lab.
# Same program: `inside` counts the threads in the critical section, and each thread checks
# that it is alone. Nothing keeps the other thread out, in Python as in the lab. A Barrier
# forces the lab's schedule (A steps in, then B steps in, before either checks). The lab's
# `assert` is a recorded failure here, so that one thread's AssertionError does not end the
# run with a traceback.
import threading

inside = 0
entered = 0
failures = []
both_in = threading.Barrier(2)  # the schedule, not the program


def critical_section(name):
    global inside, entered
    inside += 1
    both_in.wait()
    if inside != 1:  # assert inside == 1
        failures.append(f"{name} saw inside = {inside}")
    entered += 1
    inside -= 1


threads = [threading.Thread(target=critical_section, args=(n,)) for n in ("A", "B")]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("assert inside == 1 failed:", "; ".join(failures) if failures else "never")
