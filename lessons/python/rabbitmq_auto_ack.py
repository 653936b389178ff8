# The post's RabbitMQ appendix on a real RabbitMQ: auto_ack=True, and manual acks with a
# prefetch. Twin of the broker level rabbitmq_auto_ack (needs `pip install pika` and a RabbitMQ
# on localhost). send_to_queue() and process_queue_message() are the post's, with its Kit and
# Config replaced by a plain connection. With auto_ack=True RabbitMQ sends a consumer every
# ready message at once (no prefetch limit applies) and forgets them: a consumer that dies
# during its first message loses all five. With auto_ack=False, basic_qos(prefetch_count=1)
# and basic_ack after the work, the same death loses nothing: all five wait for the next one.
QUEUE = "python_twin_rabbitmq"  # the post's is 'my_queue'; a name of its own starts empty


class ConsumerDied(Exception):
    """The consumer process dies in the middle of its work."""


def send_to_queue(pika, message):  # the post's, one connection per message
    connection = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
    channel = connection.channel()
    channel.queue_declare(queue=QUEUE)
    channel.basic_publish(exchange="", routing_key=QUEUE, body=message)
    connection.close()


def process_queue_message(ch, method, properties, body):
    print("Received message:", body, "- and the consumer dies")
    raise ConsumerDied


def process_and_ack(ch, method, properties, body):
    process_queue_message(ch, method, properties, body)  # dies here, before the ack
    ch.basic_ack(delivery_tag=method.delivery_tag)


def run(pika, auto_ack):
    for i in range(5):
        send_to_queue(pika, f"order-{i}".encode())
    connection = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
    channel = connection.channel()
    if not auto_ack:
        channel.basic_qos(prefetch_count=1)
    callback = process_queue_message if auto_ack else process_and_ack
    channel.basic_consume(queue=QUEUE, on_message_callback=callback, auto_ack=auto_ack)
    try:
        channel.start_consuming()
    except ConsumerDied:
        connection.close()
    connection = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
    left = connection.channel().queue_declare(queue=QUEUE, passive=True).method.message_count
    connection.channel().queue_delete(queue=QUEUE)
    connection.close()
    return f"published 5, processed 0, still in the queue {left}, lost {5 - left}"


def main():
    try:
        import pika
    except ImportError:
        print("This twin needs pika (pip install pika) and a RabbitMQ server on localhost.")
        return
    try:
        print("auto_ack=True (the post):", run(pika, auto_ack=True))
        print("basic_ack, prefetch 1:   ", run(pika, auto_ack=False))
    except pika.exceptions.AMQPConnectionError:
        print("No RabbitMQ on localhost:5672: start one (rabbitmq-server) and run this again.")


if __name__ == "__main__":
    main()
