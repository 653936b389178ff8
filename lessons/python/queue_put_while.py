# queue.Queue(maxsize=1)'s put as CPython writes it. Twin of lessons/queue_put_while.lab.
# The producers wait for room in a `while` loop, as Lib/queue.py does
# (`while self._qsize() >= self.maxsize: ... self.not_full.wait(remaining)`). Same schedule as
# queue_put_if.py: P1 puts, P2 finds the queue full and its timed wait wakes with nobody having
# taken an item; now it checks again and sleeps again, until the Consumer (started late) takes
# one. The last lines do the same with queue.Queue itself.
import queue
import threading
import time

qsize = got = most = 0
m = threading.Lock()
not_empty, not_full = threading.Condition(m), threading.Condition(m)


def producer():
    global qsize, most
    with m:
        while qsize >= 1:
            not_full.wait(timeout=0.02)  # may wake with the queue still full: check again
        qsize += 1
        most = max(most, qsize)  # assert qsize <= 1
        not_empty.notify()


def consumer():
    global qsize, got
    for _ in range(2):
        with m:
            while qsize == 0:
                not_empty.wait()
            qsize -= 1
            got += 1
            not_full.notify()


threads = [threading.Thread(target=producer), threading.Thread(target=producer)]
for t in threads:
    t.start()
time.sleep(0.05)  # the schedule: the Consumer comes late
threads.append(threading.Thread(target=consumer))
threads[-1].start()
for t in threads:
    t.join()
assert most <= 1, most
assert qsize == 0 and got == 2, (qsize, got)  # the final assert
print(f"got {got}; the queue held at most {most}")
q = queue.Queue(maxsize=1)
q.put("a")
try:
    q.put("b", timeout=0.02)
except queue.Full:
    print("queue.Queue(maxsize=1): a second put waits for room, and times out as queue.Full")
