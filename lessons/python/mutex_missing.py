# Synchronization: a critical section without a lock. Twin of lessons/mutex_missing.lab.
# Same program: `inside` counts the threads in the critical section, and each of three threads
# checks that it is alone. Nothing keeps the others out, in Python as in the lab. A Barrier
# forces the lab's hint (A steps in, then B steps in, before either checks); C runs after
# them. The lab's `assert` is a recorded failure here, so that one thread's AssertionError
# does not end the run with a traceback.
import threading

inside = 0
entered = 0
failures = []
a_and_b_in = threading.Barrier(2)  # the schedule, not the program


def critical_section(name, after_entering):
    global inside, entered
    inside += 1
    after_entering()
    if inside != 1:  # assert inside == 1
        failures.append(f"{name} saw inside = {inside}")
    entered += 1
    inside -= 1


a_and_b = [threading.Thread(target=critical_section, args=(n, a_and_b_in.wait)) for n in "AB"]
for t in a_and_b:
    t.start()
for t in a_and_b:
    t.join()
c = threading.Thread(target=critical_section, args=("C", lambda: None))  # the schedule
c.start()
c.join()
print("assert inside == 1 failed:", "; ".join(failures) if failures else "never")
print(f"entered = {entered}: final assert entered == 3", "holds" if entered == 3 else "fails")
