# Visibility: a stale flag in a spin loop. Twin of lessons/visibility_stale_flag.lab.
# Same program: the Writer sets `ready` and takes a ticket; the Reader takes a ticket and
# polls `ready` at most twice. The lab's outcome is the Writer finishing first (ticket 0) and
# the Reader still reading ready = 0 twice. Python has no relaxed atomics and no documented
# memory model. With the GIL, one thread runs Python code at a time and every switch goes
# through the GIL's lock, which orders memory like a full fence: a read sees the newest write,
# so the stale outcome does not happen (counted below). The free-threaded build (3.13t, no
# GIL) keeps each read and write whole, but nothing documented says when another thread sees
# it: signal with threading.Event, not a plain variable. CPython has no fetch_add: a Lock
# stands in for the ticket counter.
import threading

ticket_lock = threading.Lock()


def take_ticket():
    global ticket
    with ticket_lock:
        ticket += 1
        return ticket - 1


def writer():
    global ready, w
    ready = 1
    w = take_ticket()


def reader():
    global tries
    take_ticket()
    tries = 0
    while ready == 0 and tries < 2:
        tries += 1


stale = 0
for _ in range(30):
    ready = ticket = w = tries = 0
    threads = [threading.Thread(target=writer), threading.Thread(target=reader)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stale += w == 0 and tries == 2
print(f"Writer.w = 0 and Reader.tries = 2 (a stale read) in {stale} of 30 runs")
