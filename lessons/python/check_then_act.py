# Race condition: check-then-act, the reference program's id guard. Twin of
# lessons/check_then_act.lab. `stored_id` is `app.message_queue_id`; the Starter is
# start_message_thread() run twice (Flask's debug reloader starts the app twice), and each
# consumer is process_messages(), which goes on only if the stored id is its own.
# The post says the id is thread-safe because only one place writes it. It is the same in
# Python as in the lab: a write of a name is indivisible, but the check and the act after it
# are two steps. Two Events force the lab's schedule: C1 checks while the id is 1, then the
# second start writes 2, then C2 checks.
import threading
import time

stored_id = 0  # app.message_queue_id
consuming = 0
c1_checked = threading.Event()  # the schedule, not the program
second_start = threading.Event()  # the schedule, not the program


def starter():
    global stored_id
    stored_id = 1  # start_message_thread()
    c1_checked.wait()
    stored_id = 2  # start_message_thread() again
    second_start.set()


def consumer(my_id, after=None, checked=None):
    global consuming
    while stored_id == 0:
        time.sleep(0.001)  # time.sleep(1) in the reference program
    if after:
        after.wait()
    if stored_id == my_id:  # check ...
        if checked:
            checked.set()
        consuming += 1  # ... then act


threads = [
    threading.Thread(target=starter, name="Starter"),
    threading.Thread(target=consumer, args=(1, None, c1_checked), name="C1"),
    threading.Thread(target=consumer, args=(2, second_start), name="C2"),
]
for t in threads:
    t.start()
for t in threads:
    t.join()
outcome = "both consumers think they are the one" if consuming == 2 else "one consumer"
print(f"consuming = {consuming}, expected 1: {outcome}")
