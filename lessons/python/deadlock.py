# Synchronization: deadlock, two locks taken in opposite orders. Twin of lessons/deadlock.lab.
# Same program: A takes m1 then m2, B takes m2 then m1. Python does not detect deadlocks:
# `with m2:` would wait forever, and so would the program. So the second lock is taken with a
# timeout, which turns "forever" into a report. A Barrier forces the lab's schedule: each
# thread takes its first lock before either tries its second.
import threading

moved = 0
m1, m2 = threading.Lock(), threading.Lock()
both_hold_one = threading.Barrier(2)  # the schedule, not the program
both_tried = threading.Barrier(2)  # neither lets go of its first lock before both gave up
report = []


def move(name, first, second, first_name, second_name):
    global moved
    with first:
        both_hold_one.wait()
        if second.acquire(timeout=0.2):  # `with second:` would never return
            moved += 1
            second.release()
        else:
            report.append(f"{name} holds {first_name} and waits for {second_name}")
        both_tried.wait()


a = threading.Thread(target=move, args=("A", m1, m2, "m1", "m2"))
b = threading.Thread(target=move, args=("B", m2, m1, "m2", "m1"))
for t in (a, b):
    t.start()
for t in (a, b):
    t.join()
print("deadlock:", "; ".join(report) if report else "none")
print(f"moved = {moved}: final assert moved == 2", "holds" if moved == 2 else "fails")
