package dev.kafkatask.rabbit;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.rabbitmq.client.Channel;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;

import dev.kafkatask.celery.CeleryMessageCodec;
import dev.kafkatask.dispatch.TaskTransport;
import dev.kafkatask.execution.DeliveryHandler;
import dev.kafkatask.execution.PendingDeadLetter;
import dev.kafkatask.routing.Backend;

/**
 * Runs the task of each Celery message of one queue on the consumer's (virtual) thread,
 * through the {@link DeliveryHandler} that settles Kafka records too, and acknowledges the
 * message once it is settled (after the task ran, as Celery's {@code acks_late} does; or
 * once it was dead-lettered, retried or deferred). Every message ends acknowledged: only a
 * consumer that stops before a message is settled gives it back to the queue.
 *
 * @author kafka-task
 */
final class CeleryTaskListener implements ChannelAwareMessageListener {

	private static final Log logger = LogFactory.getLog(CeleryTaskListener.class);

	private final String queue;

	private final CeleryMessageCodec codec;

	private final DeliveryHandler deliveries;

	private final RabbitDeadLetters deadLetters;

	private final TaskTransport transport;

	private final @Nullable RabbitDelays delays;

	private final AtomicInteger inFlight = new AtomicInteger();

	CeleryTaskListener(String queue, CeleryMessageCodec codec, DeliveryHandler deliveries,
			RabbitDeadLetters deadLetters, TaskTransport transport, @Nullable RabbitDelays delays) {
		this.queue = queue;
		this.codec = codec;
		this.deliveries = deliveries;
		this.deadLetters = deadLetters;
		this.transport = transport;
		this.delays = delays;
	}

	@Override
	public void onMessage(Message message, Channel channel) {
		long tag = message.getMessageProperties().getDeliveryTag();
		this.inFlight.incrementAndGet();
		AtomicBoolean settled = new AtomicBoolean();
		try {
			this.deliveries.handle(new RabbitTaskDelivery(message, this, channel), (abandoned) -> {
				settled.set(true);
				acknowledge(channel, tag, true);
			});
		}
		catch (InterruptedException ex) {
			// Stopping before it was settled: back to the queue, to run later.
			Thread.currentThread().interrupt();
			if (!settled.get()) {
				acknowledge(channel, tag, false);
			}
		}
		finally {
			this.inFlight.decrementAndGet();
		}
	}

	private void acknowledge(Channel channel, long tag, boolean ack) {
		try {
			if (ack) {
				channel.basicAck(tag, false);
			}
			else {
				channel.basicNack(tag, false, true);
			}
		}
		catch (IOException | RuntimeException ex) {
			// The channel is gone: RabbitMQ gives the message to another consumer.
			logger.warn("Could not " + (ack ? "acknowledge" : "requeue") + " message " + tag + " of queue '"
					+ this.queue + "'; RabbitMQ delivers it again: " + ex);
		}
	}

	String queue() {
		return this.queue;
	}

	CeleryMessageCodec codec() {
		return this.codec;
	}

	RabbitDeadLetters deadLetters() {
		return this.deadLetters;
	}

	TaskTransport transport() {
		return this.transport;
	}

	@Nullable RabbitDelays delays() {
		return this.delays;
	}

	List<PendingDeadLetter> pendingDeadLetters() {
		return this.deliveries.pendingDeadLetters()
			.stream()
			.filter((pending) -> pending.backend() == Backend.RABBITMQ && pending.queue().equals(this.queue))
			.toList();
	}

	int inFlight() {
		return this.inFlight.get();
	}

}
