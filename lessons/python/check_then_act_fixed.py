# Check-then-act, fixed: each consumer claims the job in one indivisible step. Twin of
# lessons/check_then_act_fixed.lab. The lab uses `owner.compare_exchange(0, id)`; CPython gives
# no compare-and-swap on a variable, so a Lock stands in: checking `owner` and setting it happen
# while holding `claim`, so no other thread can come between them. The same two Events force
# the schedule that broke the guard (C1 claims while the id is 1, then the second start), and
# now exactly one consumer consumes.
import threading
import time

stored_id = 0  # app.message_queue_id
consuming = 0
owner = 0
claim = threading.Lock()
c1_claimed = threading.Event()  # the schedule, not the program
second_start = threading.Event()  # the schedule, not the program


def compare_exchange(expected, new):
    """What the lab's owner.compare_exchange does, made indivisible by a lock."""
    global owner
    with claim:
        seen = owner
        if seen == expected:
            owner = new
        return seen


def starter():
    global stored_id
    stored_id = 1  # start_message_thread()
    c1_claimed.wait()
    stored_id = 2  # start_message_thread() again
    second_start.set()


def consumer(my_id, after=None, claimed=None):
    global consuming
    while stored_id == 0:
        time.sleep(0.001)
    if after:
        after.wait()
    won = compare_exchange(0, my_id)  # check and claim, one step
    if claimed:
        claimed.set()
    if won == 0:
        consuming += 1  # only the winner gets here


threads = [
    threading.Thread(target=starter, name="Starter"),
    threading.Thread(target=consumer, args=(1, None, c1_claimed), name="C1"),
    threading.Thread(target=consumer, args=(2, second_start), name="C2"),
]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(f"consuming = {consuming}, expected 1; the job belongs to consumer {owner}")
