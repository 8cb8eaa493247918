package dev.kafkatask.rabbit;

import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.ReturnedMessage;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

import dev.kafkatask.celery.CeleryMessageCodec;
import dev.kafkatask.codec.TaskEnvelope;
import dev.kafkatask.dispatch.DispatchReceipt;
import dev.kafkatask.dispatch.OutboundTask;
import dev.kafkatask.dispatch.TaskTransport;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.routing.Backend;

/**
 * Publishes tasks to RabbitMQ as Celery protocol 2 messages, to the default exchange with
 * the queue name as routing key. The dispatch completes only when RabbitMQ confirmed the
 * message; a message RabbitMQ returns as unroutable, or refuses, fails it with the reason.
 * The template must use a connection factory with correlated publisher confirms and
 * returns, and be mandatory.
 *
 * @author kafka-task
 */
public class RabbitTaskTransport implements TaskTransport {

	private final RabbitTemplate template;

	private final CeleryMessageCodec codec;

	private final RabbitQueues queues;

	private final TaskObserver observer;

	private volatile @Nullable RabbitAvailability availability;

	public RabbitTaskTransport(RabbitTemplate template, CeleryMessageCodec codec, RabbitQueues queues) {
		this(template, codec, queues, TaskObserver.NONE);
	}

	/**
	 * Create a transport.
	 * @param template the template, mandatory, on a factory with correlated confirms and returns
	 * @param codec the Celery message codec
	 * @param queues declares queues before their first publish
	 * @param observer is told RabbitMQ's answer to each publish
	 */
	public RabbitTaskTransport(RabbitTemplate template, CeleryMessageCodec codec, RabbitQueues queues,
			TaskObserver observer) {
		this.template = template;
		this.codec = codec;
		this.queues = queues;
		this.observer = observer;
	}

	/**
	 * Set what tells whether RabbitMQ is up: while it is not, sends fail at once.
	 * @param availability the availability, or {@code null} to try every send
	 */
	public void setAvailability(@Nullable RabbitAvailability availability) {
		this.availability = availability;
	}

	@Override
	public Backend backend() {
		return Backend.RABBITMQ;
	}

	@Override
	public @Nullable String unavailableReason() {
		RabbitAvailability current = this.availability;
		return (current != null) ? current.unavailableReason() : null;
	}

	@Override
	public CompletableFuture<DispatchReceipt> send(OutboundTask task) {
		TaskEnvelope envelope = task.envelope();
		String queue = task.queue();
		String unavailable = unavailableReason();
		if (unavailable != null) {
			return CompletableFuture.failedFuture(new RabbitPublishException("Task '" + envelope.task() + "' ["
					+ envelope.id() + "] was not published to queue '" + queue + "': " + unavailable));
		}
		this.queues.declare(queue);
		Message message = this.codec.encode(envelope);
		CorrelationData correlation = new CorrelationData(envelope.id());
		this.template.send("", queue, message, correlation);
		return correlation.getFuture().thenApply((confirm) -> {
			ReturnedMessage returned = correlation.getReturned();
			this.observer.rabbitPublished(queue, (returned != null) ? "returned" : confirm.ack() ? "confirmed" : "nacked");
			if (returned != null) {
				throw new RabbitPublishException("RabbitMQ returned task '" + envelope.task() + "' [" + envelope.id()
						+ "] as unroutable (" + returned.getReplyCode() + " " + returned.getReplyText()
						+ "): no queue '" + queue + "' takes routing key '" + queue + "' on the default exchange");
			}
			if (!confirm.ack()) {
				throw new RabbitPublishException("RabbitMQ refused task '" + envelope.task() + "' [" + envelope.id()
						+ "] for queue '" + queue + "' (nack): " + confirm.reason());
			}
			return new DispatchReceipt(envelope.id(), envelope.task(), queue, Backend.RABBITMQ, queue, -1, -1);
		});
	}

}
