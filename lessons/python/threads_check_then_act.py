# Check-then-act on a queue.Queue. Twin of the threads level threads_check_then_act.
# queue.Queue is thread-safe call by call, but `if not q.empty(): q.get_nowait()` is two
# calls: another consumer can take the last item between them. Then get_nowait() raises
# queue.Empty although the check said there was an item, and a plain get() there would block
# forever. Python's documentation says it: "if empty() returns False it doesn't guarantee that a
# subsequent call to get() will not block". A Barrier forces the schedule: both consumers check,
# then both act. The fix is one call that checks and takes under the queue's lock: get(), or
# get(timeout=...) catching Empty, as here, for a consumer that must not wait forever.
import queue
import threading


def run(consume):
    q = queue.Queue()
    q.put("the last item")
    both_checked = threading.Barrier(2, timeout=1)  # the schedule, not the program
    outcome = []
    threads = [threading.Thread(target=consume, args=(q, both_checked, outcome)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(outcome)


def check_then_get(q, both_checked, outcome):
    if not q.empty():  # check ...
        both_checked.wait()
        try:
            outcome.append(q.get_nowait())  # ... then act
        except queue.Empty:
            outcome.append("queue.Empty after the check said it was not empty")


def get_with_timeout(q, both_checked, outcome):
    try:
        outcome.append(q.get(timeout=0.05))  # check and take: one call
    except queue.Empty:
        outcome.append("nothing within the timeout: move on")


print("if not q.empty(): q.get_nowait():", run(check_then_get))
print("q.get(timeout=0.05):             ", run(get_with_timeout))
