package dev.kafkatask.rabbit;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.rabbitmq.client.Channel;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.JsonNodeFactory;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;

import dev.kafkatask.celery.CeleryMessageCodec;
import dev.kafkatask.celery.InvalidCeleryMessageException;
import dev.kafkatask.codec.InvalidEnvelopeException;
import dev.kafkatask.codec.TaskEnvelope;
import dev.kafkatask.execution.ArgumentBindingException;
import dev.kafkatask.dispatch.OutboundTask;
import dev.kafkatask.dispatch.TaskTransport;
import dev.kafkatask.execution.PreparedTask;
import dev.kafkatask.execution.RunResult;
import dev.kafkatask.execution.TaskExpiredException;
import dev.kafkatask.execution.TaskRunner;
import dev.kafkatask.execution.UnknownTaskException;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.monitor.TaskOutcome;
import dev.kafkatask.routing.Backend;

/**
 * Runs the task of each Celery message of one queue on the consumer's (virtual) thread and
 * acknowledges the message after the task ran, as Celery's {@code acks_late} does. A message
 * that is not a runnable task is dead-lettered with the reason and then acknowledged, never
 * requeued; only when the dead letter itself fails is the message requeued, after a pause.
 *
 * @author kafka-task
 */
final class CeleryTaskListener implements ChannelAwareMessageListener {

	private static final Log logger = LogFactory.getLog(CeleryTaskListener.class);

	private static final long REQUEUE_PAUSE_MILLIS = 1000;

	private final String queue;

	private final CeleryMessageCodec codec;

	private final TaskRunner runner;

	private final RabbitDeadLetters deadLetters;

	private final TaskObserver observer;

	private final AtomicInteger inFlight = new AtomicInteger();

	private final TaskTransport retries;

	CeleryTaskListener(String queue, CeleryMessageCodec codec, TaskRunner runner, RabbitDeadLetters deadLetters,
			TaskObserver observer, TaskTransport retries) {
		this.queue = queue;
		this.codec = codec;
		this.runner = runner;
		this.deadLetters = deadLetters;
		this.observer = observer;
		this.retries = retries;
	}

	@Override
	public void onMessage(Message message, Channel channel) throws Exception {
		long tag = message.getMessageProperties().getDeliveryTag();
		this.inFlight.incrementAndGet();
		AtomicBoolean acked = new AtomicBoolean();
		try {
			PreparedTask task = prepare(message);
			if (task != null) {
				awaitEta(task);
				Duration rateWait = this.runner.reserveRate(task);
				if (rateWait.toMillis() > 1000) {
					// Over its rate limit: republished with an eta for its slot, as Celery defers it.
					Instant slot = Instant.now().plus(rateWait);
					republish(task.envelope().withHeader(TaskRunner.RATE_SLOT_RESERVED,
							Long.toString(slot.toEpochMilli())), rateWait.minusSeconds(1));
				}
				else {
					if (rateWait.isPositive()) {
						Thread.sleep(rateWait);
					}
					complete(task, this.runner.run(task, () -> ack(channel, tag, acked)));
				}
			}
			ack(channel, tag, acked);
		}
		catch (RabbitPublishException ex) {
			logger.error("Could not dead-letter a message of queue '" + this.queue + "'; it goes back to the queue", ex);
			Thread.sleep(REQUEUE_PAUSE_MILLIS);
			channel.basicNack(tag, false, true);
		}
		finally {
			this.inFlight.decrementAndGet();
		}
	}

	private @Nullable PreparedTask prepare(Message message) throws InterruptedException {
		TaskEnvelope envelope;
		try {
			envelope = this.codec.decode(message);
		}
		catch (InvalidCeleryMessageException ex) {
			deadLetter(message, "unknown", "invalid-message", ex);
			return null;
		}
		try {
			return this.runner.prepare(envelope, this.queue, Backend.RABBITMQ);
		}
		catch (UnknownTaskException ex) {
			deadLetter(message, "unknown", "unknown-task", ex);
		}
		catch (ArgumentBindingException ex) {
			deadLetter(message, envelope.task(), "invalid-arguments", ex);
		}
		catch (InvalidEnvelopeException ex) {
			deadLetter(message, envelope.task(), "invalid-message", ex);
		}
		catch (TaskExpiredException ex) {
			this.runner.expired(envelope.task(), this.queue, Backend.RABBITMQ, ex);
		}
		return null;
	}

	private void deadLetter(Message message, String task, String reason, RuntimeException cause)
			throws InterruptedException {
		this.deadLetters.publish(message, this.queue, reason, cause);
		logger.warn("Message of queue '" + this.queue + "' sent to dead-letter queue "
				+ RabbitQueues.deadLetterQueue(this.queue) + " (" + reason + "): " + cause.getMessage());
		this.observer.handled(task, this.queue, Backend.RABBITMQ, TaskOutcome.DEAD_LETTERED, Duration.ZERO);
	}

	private static void ack(Channel channel, long tag, AtomicBoolean acked) {
		if (acked.compareAndSet(false, true)) {
			try {
				channel.basicAck(tag, false);
			}
			catch (java.io.IOException ex) {
				throw new java.io.UncheckedIOException(ex);
			}
		}
	}

	/**
	 * Retry a task as Celery does, by publishing it again with an eta and one more retry,
	 * or dead-letter it when it has had all its retries.
	 */
	private void complete(PreparedTask task, RunResult result) throws InterruptedException {
		TaskEnvelope envelope = task.envelope();
		if (result.status() == RunResult.Status.RETRY) {
			republish(envelope.withRetries(envelope.retries() + 1),
					(result.retryIn() != null) ? result.retryIn() : Duration.ZERO);
			this.observer.retryScheduled(envelope.task(), this.queue, Backend.RABBITMQ);
		}
		else if (result.status() == RunResult.Status.RETRIES_EXHAUSTED && result.failure() != null) {
			this.deadLetters.publish(this.codec.encode(envelope), this.queue, "max-retries-exceeded",
					result.failure());
		}
	}

	private void republish(TaskEnvelope envelope, Duration delay) throws InterruptedException {
		TaskEnvelope later = envelope.withOption("eta",
				JsonNodeFactory.instance.stringNode(Instant.now().plus(delay).toString()));
		try {
			this.retries.send(new OutboundTask(later, this.queue, null)).get(2, TimeUnit.MINUTES);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new RabbitPublishException("Could not publish task '" + envelope.task() + "' [" + envelope.id()
					+ "] again: " + ex);
		}
	}

	/**
	 * Wait for the task's eta on this consumer's virtual thread, as a Celery worker holds an
	 * eta task (the message stays unacknowledged, so the prefetch bounds how many wait).
	 */
	private static void awaitEta(PreparedTask task) throws InterruptedException {
		Instant eta = task.context().eta();
		if (eta != null) {
			long millis = Duration.between(Instant.now(), eta).toMillis();
			if (millis > 0) {
				Thread.sleep(millis);
			}
		}
	}

	int inFlight() {
		return this.inFlight.get();
	}

}
