# Two producers on an unlocked ring, and on queue.Queue. Twin of the threads level
# threads_lost_item. The ring is what a queue is without its lock: a list of slots and a `tail`
# index. Putting is three steps (read tail, write the slot, store tail + 1), and two producers
# that both read the same tail write the same slot: one item is overwritten, lost without an
# error. A Barrier forces that schedule. queue.Queue does the same steps while holding its
# `mutex` (and wakes a waiting get() through `not_empty`), so with the same two producers
# nothing is lost: that is the thread safety the post relies on, and it holds.
import queue
import threading

SLOTS = 8


def run(make_queue, put, take_all):
    q = make_queue()
    both_read = threading.Barrier(2)  # the schedule, not the program
    producers = [threading.Thread(target=put, args=(q, item, both_read)) for item in ("x", "y")]
    for t in producers:
        t.start()
    for t in producers:
        t.join()
    taken = take_all(q)
    return f"put 2, taken {len(taken)} {taken}, lost {2 - len(taken)}"


def ring_put(ring, item, both_read):
    slot = ring["tail"]  # read tail
    both_read.wait()  # the other producer reads the same tail
    ring["slots"][slot % SLOTS] = item  # write the slot
    ring["tail"] = slot + 1  # store tail + 1


def ring_take_all(ring):
    return [ring["slots"][i % SLOTS] for i in range(ring["head"], ring["tail"])]


def queue_put(q, item, both_read):
    both_read.wait()  # both producers arrive together here too
    q.put(item)  # read, write and store under q.mutex


def queue_take_all(q):
    return sorted(q.get_nowait() for _ in range(q.qsize()))


def new_ring():
    return {"slots": [None] * SLOTS, "head": 0, "tail": 0}


print("unlocked ring:", run(new_ring, ring_put, ring_take_all))
print("queue.Queue:  ", run(queue.Queue, queue_put, queue_take_all))
