package dev.kafkatask.kafka.worker;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import org.springframework.core.NestedExceptionUtils;

import dev.kafkatask.codec.TaskEnvelope;
import dev.kafkatask.execution.ForbiddenDestinationException;
import dev.kafkatask.execution.RedeliveredTooOftenException;
import dev.kafkatask.execution.RunResult;
import dev.kafkatask.execution.TaskDelivery;
import dev.kafkatask.kafka.DelayedTaskPublisher;
import dev.kafkatask.kafka.ResultPublisher;
import dev.kafkatask.kafka.TaskHeaders;
import dev.kafkatask.options.TaskOption;
import dev.kafkatask.routing.Backend;

/**
 * A task record, with the Kafka ways to settle it: dead letters to {@code <topic>.dlt},
 * delayed copies through the delay tiers, results to an allowed reply topic. The record is
 * let go once its task is bound; a dead letter after that is written from the envelope.
 *
 * @author kafka-task
 */
final class KafkaTaskDelivery implements TaskDelivery {

	/**
	 * Longest wait for the broker's acknowledgement of a settling write. The producer gives
	 * up sooner (delivery.timeout.ms, 2 minutes by default) and fails the send.
	 */
	private static final long ACK_TIMEOUT_MINUTES = 5;

	private final TaskRecordHandler handler;

	private final DeadLetterPublisher.RecordPosition position;

	private final String queue;

	private @Nullable ConsumerRecord<String, byte[]> record;

	private final BooleanSupplier owned;

	private volatile boolean deadLettered;

	KafkaTaskDelivery(ConsumerRecord<String, byte[]> record, TaskRecordHandler handler, BooleanSupplier owned) {
		this.owned = owned;
		this.record = record;
		this.handler = handler;
		this.position = DeadLetterPublisher.RecordPosition.of(record);
		String queue = handler.topics().queue(record.topic());
		this.queue = (queue != null) ? queue : record.topic();
	}

	@Override
	public String queue() {
		return this.queue;
	}

	@Override
	public Backend backend() {
		return Backend.KAFKA;
	}

	@Override
	public String cluster() {
		return this.handler.cluster();
	}

	@Override
	public String describe() {
		return "record " + this.position.topic() + "-" + this.position.partition() + "@" + this.position.offset();
	}

	@Override
	public boolean isOwned() {
		return this.owned.getAsBoolean();
	}

	@Override
	public TaskEnvelope decode() {
		ConsumerRecord<String, byte[]> current = this.record;
		byte[] value = (current != null) ? current.value() : null;
		return this.handler.codec().decode((value != null) ? value : new byte[0]);
	}

	@Override
	public void check(TaskEnvelope envelope) {
		ConsumerRecord<String, byte[]> current = this.record;
		int maxDeliveries = this.handler.maxDeliveries();
		if (current != null && maxDeliveries > 0 && current.deliveryCount().orElse((short) 1) > maxDeliveries) {
			throw new RedeliveredTooOftenException("Task '" + envelope.task() + "' [" + envelope.id() + "] of "
					+ describe() + " was delivered " + current.deliveryCount().get() + " times, more than the "
					+ maxDeliveries + " that run (kafka-task.worker.share.max-deliveries): its earlier deliveries "
					+ "ended without an outcome");
		}
		String replyTo = replyTo(envelope);
		if (replyTo != null && !this.handler.isReplyTopic(replyTo)) {
			throw new ForbiddenDestinationException("Task '" + envelope.task() + "' [" + envelope.id()
					+ "] asks for its result on topic '" + replyTo + "', which is not an allowed reply topic "
					+ "(kafka-task.kafka.reply-topics)");
		}
	}

	@Override
	public void release() {
		this.record = null;
	}

	/**
	 * Return whether the delivery was settled by writing its dead letter.
	 * @return whether a dead letter was written
	 */
	boolean isDeadLettered() {
		return this.deadLettered;
	}

	@Override
	public void deadLetter(DeadLetter letter) throws Exception {
		writeDeadLetter(letter);
		this.deadLettered = true;
	}

	private void writeDeadLetter(DeadLetter letter) throws Exception {
		DeadLetterPublisher deadLetters = this.handler.deadLetters();
		ConsumerRecord<String, byte[]> current = this.record;
		TaskEnvelope envelope = letter.envelope();
		if (envelope != null) {
			byte[] value = this.handler.codec().encode(envelope);
			try {
				await(deadLetters.publishFailed(this.position, value, letter.reason(), letter.cause(),
						letter.attempts(), envelope.created()));
			}
			catch (Exception ex) {
				if (!(NestedExceptionUtils.getRootCause(ex) instanceof RecordTooLargeException)) {
					throw ex;
				}
				await(deadLetters.publishFailedWithoutPayload(this.position, value.length, letter.reason(),
						letter.cause(), letter.attempts(), envelope.created()));
			}
			return;
		}
		if (current == null) {
			// let go before it was understood: all that is left is where it was
			await(deadLetters.publishFailed(this.position, new byte[0], letter.reason(), letter.cause(),
					letter.attempts(), Instant.EPOCH));
			return;
		}
		try {
			await(deadLetters.publish(current, letter.reason(), letter.cause()));
		}
		catch (Exception ex) {
			if (!(NestedExceptionUtils.getRootCause(ex) instanceof RecordTooLargeException)) {
				throw ex;
			}
			// Too large with the dead-letter headers: the payload stays where it is.
			await(deadLetters.publishWithoutPayload(current, letter.reason(), letter.cause()));
		}
	}

	@Override
	public void publishLater(TaskEnvelope envelope, Instant due) throws Exception {
		DelayedTaskPublisher delays = this.handler.delays();
		if (delays == null) {
			throw new IllegalStateException("No delay tiers to write task '" + envelope.task() + "' [" + envelope.id()
					+ "] to; it was due at " + due);
		}
		TaskEnvelope delayed = envelope.withOption(TaskOption.ETA.celeryName(),
				JsonNodeFactory.instance.stringNode(due.toString()));
		RecordHeaders headers = new RecordHeaders();
		headers.add(TaskHeaders.TASK_ID, envelope.id().getBytes(StandardCharsets.UTF_8));
		headers.add(TaskHeaders.TASK_NAME, envelope.task().getBytes(StandardCharsets.UTF_8));
		await(delays.publish(this.position.topic(), this.position.key(), this.handler.codec().encode(delayed), headers,
				due));
	}

	@Override
	public void reply(TaskEnvelope envelope, RunResult result) throws Exception {
		ResultPublisher publisher = this.handler.results();
		String replyTo = replyTo(envelope);
		if (publisher == null || replyTo == null) {
			return;
		}
		Throwable failure = (result.status() == RunResult.Status.SUCCEEDED) ? null
				: (result.failure() != null) ? result.failure() : new IllegalStateException(result.status().name());
		await(publisher.publish(replyTo, envelope.id(), envelope.task(), result.value(), failure));
	}

	/**
	 * Return where the dispatch wants the task's result, if it wants it.
	 */
	private static @Nullable String replyTo(TaskEnvelope envelope) {
		JsonNode ignore = envelope.options().get(TaskOption.IGNORE_RESULT.celeryName());
		JsonNode replyTo = envelope.options().get(TaskOption.REPLY_TO.celeryName());
		if (ignore == null || !ignore.isBoolean() || ignore.asBoolean() || replyTo == null || !replyTo.isString()) {
			return null;
		}
		return replyTo.asString();
	}

	private static void await(CompletableFuture<?> sent) throws Exception {
		try {
			sent.get(ACK_TIMEOUT_MINUTES, TimeUnit.MINUTES);
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof Exception cause) ? cause : ex;
		}
	}

}
