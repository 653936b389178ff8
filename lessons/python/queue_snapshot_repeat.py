# The reference program's consumer, and one that drains. Twin of the playground level
# queue_snapshot_repeat. The post's process_messages() takes `list(message_queue.queue)` every
# round: a copy of the queue's deque that removes nothing, so every message is printed again
# each round, forever. It also reads the deque without taking `message_queue.mutex`: list()
# happens to copy it in one C call under the GIL, but a Python loop over it (`for m in
# q.queue`) while a producer puts raises "RuntimeError: deque mutated during iteration". The
# fix takes each message out with get_nowait() until queue.Empty (or blocks in get()).
import queue
import threading
import time


def run(consumer_round, rounds=3):
    q = queue.Queue()
    for m in ("a", "b", "c"):
        q.put(m)  # /produce/<message>
    delivered = []

    def process_messages():
        for _ in range(rounds):
            delivered.extend(consumer_round(q))
            time.sleep(0.005)  # calculate_blocking(5) in the post

    t = threading.Thread(target=process_messages, daemon=True)
    t.start()
    t.join()
    repeats = len(delivered) - len(set(delivered))
    return f"sent 3, delivered {len(delivered)} ({repeats} repeats), {q.qsize()} still queued"


def snapshot_round(q):
    return list(q.queue)  # the post: copies, removes nothing, and skips q.mutex


def draining_round(q):
    batch = []
    while True:
        try:
            batch.append(q.get_nowait())
        except queue.Empty:
            return batch


print("snapshot (the post):", run(snapshot_round))
print("drain (get_nowait): ", run(draining_round))
