# A consumer that dies mid-work: auto_ack=True, and a manual basic_ack. Twin of the broker
# level broker_auto_ack (needs `pip install pika` and a RabbitMQ on localhost). The post's
# consumer uses `basic_consume(..., auto_ack=True)`: the broker counts a message as done the
# moment it sends it, so whatever a consumer had been sent and not finished dies with it. With
# auto_ack=False the consumer calls basic_ack after its work, and the broker takes back (and
# redelivers) everything not acked when the consumer's connection drops. basic_qos(prefetch_count=1)
# keeps it from being sent more than one message ahead. The "death" is an exception on the
# second message; the queue has its own name so that each run starts empty.
QUEUE = "python_twin_auto_ack"


class ConsumerDied(Exception):
    """The consumer process dies in the middle of its work."""


def run(pika, auto_ack):
    conn = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
    ch = conn.channel()
    ch.queue_declare(queue=QUEUE)
    ch.queue_purge(queue=QUEUE)
    for body in (b"m1", b"m2", b"m3"):
        ch.basic_publish(exchange="", routing_key=QUEUE, body=body)
    done = []

    def on_message(ch, method, properties, body):
        if body == b"m2":
            raise ConsumerDied  # dies before finishing m2
        done.append(body)  # the work
        if not auto_ack:
            ch.basic_ack(delivery_tag=method.delivery_tag)  # only after the work

    if not auto_ack:
        ch.basic_qos(prefetch_count=1)
    ch.basic_consume(queue=QUEUE, on_message_callback=on_message, auto_ack=auto_ack)
    try:
        ch.start_consuming()
    except ConsumerDied:
        conn.close()  # the dead consumer's connection drops
    conn = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
    left = conn.channel().queue_declare(queue=QUEUE, passive=True).method.message_count
    conn.channel().queue_delete(queue=QUEUE)
    conn.close()
    lost = 3 - len(done) - left
    return f"published 3, processed {len(done)}, back in the queue {left}, lost {lost}"


def main():
    try:
        import pika
    except ImportError:
        print("This twin needs pika (pip install pika) and a RabbitMQ server on localhost.")
        return
    try:
        print("auto_ack=True:           ", run(pika, auto_ack=True))
        print("auto_ack=False, basic_ack:", run(pika, auto_ack=False))
    except pika.exceptions.AMQPConnectionError:
        print("No RabbitMQ on localhost:5672: start one (rabbitmq-server) and run this again.")


if __name__ == "__main__":
    main()
