# Starting the consumer once: a racing guard, and a locked one. Twin of the threads level
# threads_start_guard. The post starts its consumer in start_message_thread() and guards with
# `app.message_queue_id` ("written only here, elsewhere only read", so "thread-safe"). A guard
# like `if not started: start_consumer(); started = True` checks and acts in two steps: two
# threads that both check before either sets the flag both start a consumer (Flask's debug
# reloader and a threaded server both run start code more than once). A Barrier forces that
# schedule. The level's fix is compare-exchange; CPython has none, so the fix here checks and
# sets under one Lock, and the second caller sees the flag.
import threading


def run(ensure_consumer):
    state = {"started": False, "consumers": 0}
    lock = threading.Lock()
    both_checked = threading.Barrier(2)  # the schedule, not the program
    args = (state, lock, both_checked)
    callers = [threading.Thread(target=ensure_consumer, args=args) for _ in range(2)]
    for t in callers:
        t.start()
    for t in callers:
        t.join()
    return f"consumers started: {state['consumers']}"


def start_consumer(state):
    state["consumers"] += 1  # threading.Thread(target=process_messages, daemon=True).start()


def racing_guard(state, lock, both_checked):
    if not state["started"]:  # check ...
        both_checked.wait()
        start_consumer(state)  # ... then act
        state["started"] = True


def locked_guard(state, lock, both_checked):
    both_checked.wait()  # the same schedule: both callers arrive together
    with lock:  # check and act, one step
        if not state["started"]:
            start_consumer(state)
            state["started"] = True


print("if not started: start()      ", run(racing_guard))
print("with lock: if not started: ...", run(locked_guard))
