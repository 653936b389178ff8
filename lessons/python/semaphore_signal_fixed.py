# A semaphore as a mutex (s = 1) and as a signal (done = 0). Twin of
# lessons/semaphore_signal_fixed.lab. Each worker releases `done` when it has added, and Main
# acquires it twice before it reads. Main never joins the workers: the semaphore alone makes it
# wait. (Python's Semaphore acquire and release also order memory: what a worker wrote before
# `done.release()` is what Main sees after `done.acquire()`.)
import threading
import time

count = 0
s, done = threading.Semaphore(1), threading.Semaphore(0)


def worker():
    global count
    time.sleep(0.005)  # some work first, so Main really has to wait
    with s:
        count += 1
    done.release()  # done.signal()


workers = [threading.Thread(target=worker, name=name, daemon=True) for name in ("W1", "W2")]
for w in workers:
    w.start()
done.acquire()  # done.wait()
done.acquire()
d = count
print(f"Main.d = {d}, expected 2: Main read after both workers added")
