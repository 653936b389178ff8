# A stale flag, fixed. Twin of lessons/visibility_stale_flag_fixed.lab.
# The lab makes `ready` a seq_cst atomic. Python has no atomic variables; the documented way to
# raise a flag for another thread is threading.Event: `set()` in the Writer, `is_set()` in the
# Reader's loop (or `wait(timeout)` instead of spinning). An Event is a Lock and a Condition
# inside, so what the Writer did before set() is visible after is_set() returns True, with the
# GIL or without it (free-threaded 3.13t). A Lock stands in for the lab's ticket fetch_add.
import threading

ticket_lock = threading.Lock()


def take_ticket():
    global ticket
    with ticket_lock:
        ticket += 1
        return ticket - 1


def writer():
    global w
    ready.set()  # ready.store(1)
    w = take_ticket()


def reader():
    global tries
    take_ticket()
    tries = 0
    while not ready.is_set() and tries < 2:  # ready.load() == 0
        tries += 1


stale = 0
for _ in range(30):
    ready, ticket, w, tries = threading.Event(), 0, 0, 0
    threads = [threading.Thread(target=writer), threading.Thread(target=reader)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stale += w == 0 and tries == 2
print(f"Writer.w = 0 and Reader.tries = 2 (a stale read) in {stale} of 30 runs")
