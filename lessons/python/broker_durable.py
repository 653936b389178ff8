# Surviving a broker restart: a plain queue, and a durable one with persistent messages and
# publisher confirms. Twin of the broker level broker_durable (needs `pip install pika` and a
# RabbitMQ on localhost). The post declares `queue_declare(queue='my_queue')` and publishes
# plain messages: a restart of RabbitMQ deletes that queue and everything in it. Three things
# together keep a message: the queue is declared durable=True, each message is published with
# delivery_mode=2 (persistent), and the channel is in confirm mode (confirm_delivery()), so
# basic_publish returns only when the broker has taken the message and raises if it refused
# it. Run it, restart RabbitMQ, and run `python3 broker_durable.py count` (which then deletes
# both queues).
import sys

PLAIN, DURABLE = "python_twin_plain", "python_twin_durable"


def publish_plain(pika, ch):
    ch.queue_declare(queue=PLAIN)
    ch.basic_publish(exchange="", routing_key=PLAIN, body=b"order-1")


def publish_durable(pika, ch):
    ch.confirm_delivery()  # publisher confirms for this channel
    ch.queue_declare(queue=DURABLE, durable=True)
    persistent = pika.BasicProperties(delivery_mode=2)
    ch.basic_publish(exchange="", routing_key=DURABLE, body=b"order-1", properties=persistent)


def main():
    try:
        import pika
    except ImportError:
        print("This twin needs pika (pip install pika) and a RabbitMQ server on localhost.")
        return
    try:
        conn = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
    except pika.exceptions.AMQPConnectionError:
        print("No RabbitMQ on localhost:5672: start one (rabbitmq-server) and run this again.")
        return
    if sys.argv[1:] == ["count"]:
        for name in (PLAIN, DURABLE):
            try:
                n = conn.channel().queue_declare(queue=name, passive=True).method.message_count
                print(f"{name}: {n} message(s)")
                conn.channel().queue_delete(queue=name)  # so that the next run starts afresh
            except pika.exceptions.ChannelClosedByBroker:
                print(f"{name}: the queue is gone")
    else:
        publish_plain(pika, conn.channel())
        publish_durable(pika, conn.channel())
        print("published one message to each queue; the durable one was confirmed.")
        print("Now restart RabbitMQ and run: python3 broker_durable.py count")
    conn.close()


if __name__ == "__main__":
    main()
