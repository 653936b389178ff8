# Deadlock, fixed: both threads take the locks in the same order, m1 then m2. Twin of
# lessons/deadlock_fixed.lab. Whoever takes m1 first also gets m2; the other waits at m1
# holding nothing, so no cycle of waiting can form. Plain `with` blocks, no timeouts needed:
# each thread sleeps while holding m1, so the other really does arrive and wait.
import threading
import time

moved = 0
m1, m2 = threading.Lock(), threading.Lock()


def move():
    global moved
    with m1:
        time.sleep(0.005)  # the other thread arrives now and waits at m1
        with m2:
            moved += 1


threads = [threading.Thread(target=move, name=name) for name in ("A", "B")]
for t in threads:
    t.start()
for t in threads:
    t.join()
assert moved == 2, moved  # the final assert
print(f"moved = {moved}: both threads got both locks, no deadlock")
