# Redelivery processes a message twice; an idempotent consumer does not. Twin of the broker
# level broker_redelivery_twice (needs `pip install pika` and a RabbitMQ on localhost). With
# manual acks nothing is lost, but a consumer that dies after its work and before basic_ack
# gets the message again (method.redelivered is True): the work is done twice, e.g. an order
# charged twice. Acks give "at least once", never "exactly once". The idempotent consumer
# records each message_id with its work (here a set; in practice a unique key in the same
# database transaction) and acks a message it has already done without doing it again.
QUEUE = "python_twin_redelivery"


class ConsumerDied(Exception):
    """The consumer dies after its work, before its ack."""


def run(pika, idempotent):
    params = pika.ConnectionParameters("localhost")
    conn = pika.BlockingConnection(params)
    ch = conn.channel()
    ch.queue_declare(queue=QUEUE)
    ch.queue_purge(queue=QUEUE)
    order = pika.BasicProperties(message_id="order-1")
    ch.basic_publish(exchange="", routing_key=QUEUE, body=b"charge 10", properties=order)
    conn.close()
    charged, done_ids = [], set()  # the ledger the work writes to, and the ids it has done

    def on_message(ch, method, properties, body):
        if not (idempotent and properties.message_id in done_ids):
            charged.append(body)  # the work
            done_ids.add(properties.message_id)
        if not method.redelivered:
            raise ConsumerDied  # the first delivery dies before its ack
        ch.basic_ack(delivery_tag=method.delivery_tag)
        ch.stop_consuming()

    for _ in range(2):  # the consumer, and the one that replaces it
        conn = pika.BlockingConnection(params)
        ch = conn.channel()
        ch.basic_qos(prefetch_count=1)
        ch.basic_consume(queue=QUEUE, on_message_callback=on_message)
        try:
            ch.start_consuming()
        except ConsumerDied:
            pass
        conn.close()
    conn = pika.BlockingConnection(params)
    conn.channel().queue_delete(queue=QUEUE)
    conn.close()
    return f"published 1, work done {len(charged)} time(s)"


def main():
    try:
        import pika
    except ImportError:
        print("This twin needs pika (pip install pika) and a RabbitMQ server on localhost.")
        return
    try:
        print("ack after the work:    ", run(pika, idempotent=False))
        print("idempotent (message_id):", run(pika, idempotent=True))
    except pika.exceptions.AMQPConnectionError:
        print("No RabbitMQ on localhost:5672: start one (rabbitmq-server) and run this again.")


if __name__ == "__main__":
    main()
