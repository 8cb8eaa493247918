package dev.kafkatask.kafka.listener;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import dev.kafkatask.codec.EnvelopeCodec;
import dev.kafkatask.codec.InvalidEnvelopeException;
import dev.kafkatask.codec.TaskEnvelope;
import dev.kafkatask.execution.ArgumentBindingException;
import dev.kafkatask.execution.PreparedTask;
import dev.kafkatask.execution.RunResult;
import dev.kafkatask.execution.TaskExpiredException;
import dev.kafkatask.execution.TaskRunner;
import dev.kafkatask.execution.UnknownTaskException;
import dev.kafkatask.kafka.DelayedTaskPublisher;
import dev.kafkatask.kafka.ResultPublisher;
import dev.kafkatask.kafka.TaskHeaders;
import dev.kafkatask.kafka.TaskTopics;
import dev.kafkatask.monitor.DeadLetterReason;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.monitor.TaskOutcome;
import dev.kafkatask.routing.Backend;

/**
 * Handles one task record on the calling thread: decodes the envelope, finds the task, binds
 * its arguments and runs it. A record that cannot run goes to the dead-letter topic; a task
 * that throws is logged with its name and id and counted.
 *
 * @author kafka-task
 */
public class TaskRecordHandler {

	/**
	 * Task tag of records that name no registered task.
	 */
	public static final String UNKNOWN_TASK = "unknown";

	private static final Log logger = LogFactory.getLog(TaskRecordHandler.class);

	private static final long MAX_DEAD_LETTER_BACKOFF_MILLIS = 10_000;

	/**
	 * Rate-limit waits up to this long happen on the task's thread; longer ones in the delay
	 * topics. So at most a second's worth of a task's rate waits on threads.
	 */
	private static final Duration RATE_WAIT_IN_PLACE = Duration.ofSeconds(1);

	private final EnvelopeCodec codec;

	private final TaskRunner runner;

	private final DeadLetterPublisher deadLetters;

	private final TaskTopics topics;

	private final TaskObserver observer;

	private final @Nullable DelayedTaskPublisher delays;

	private volatile @Nullable ResultPublisher results;

	public TaskRecordHandler(EnvelopeCodec codec, TaskRunner runner, DeadLetterPublisher deadLetters,
			TaskTopics topics, TaskObserver observer) {
		this(codec, runner, deadLetters, topics, observer, null);
	}

	/**
	 * Create a handler.
	 * @param codec the envelope codec
	 * @param runner runs the tasks
	 * @param deadLetters writes dead letters
	 * @param topics the topics of queues
	 * @param observer is told what happened
	 * @param delays schedules retries, or {@code null} if tasks are not retried
	 */
	public TaskRecordHandler(EnvelopeCodec codec, TaskRunner runner, DeadLetterPublisher deadLetters,
			TaskTopics topics, TaskObserver observer, @Nullable DelayedTaskPublisher delays) {
		this.codec = codec;
		this.runner = runner;
		this.deadLetters = deadLetters;
		this.topics = topics;
		this.observer = observer;
		this.delays = delays;
	}

	/**
	 * Set where results go for dispatches that ask for them.
	 * @param results the result publisher, or {@code null} to drop results
	 */
	public void setResultPublisher(@Nullable ResultPublisher results) {
		this.results = results;
	}

	/**
	 * Handle a record. Returns once the record is done with: its task ran (successfully or
	 * not), or it was written to the dead-letter topic.
	 * @param record the record
	 * @throws InterruptedException if interrupted before the record was done with; the record
	 * must then not be counted as finished
	 */
	public void handle(ConsumerRecord<String, byte[]> record) throws InterruptedException {
		PreparedTask task = prepare(record);
		if (task != null) {
			run(task, record.topic(), record.key(), () -> {
			});
		}
	}

	/**
	 * Decode a record, find its task and bind its arguments, so that the record itself is no
	 * longer needed while the task runs. A record that cannot run is dead-lettered before this
	 * returns.
	 * @param record the record
	 * @return the task to {@link #run}, or {@code null} if the record was dead-lettered
	 * @throws InterruptedException if interrupted before a dead letter was acknowledged; the
	 * record must then not be counted as finished
	 */
	public @Nullable PreparedTask prepare(ConsumerRecord<String, byte[]> record) throws InterruptedException {
		String queue = queue(record.topic());
		TaskEnvelope envelope;
		try {
			envelope = this.codec.decode((record.value() != null) ? record.value() : new byte[0]);
		}
		catch (InvalidEnvelopeException ex) {
			deadLetter(record, queue, UNKNOWN_TASK, DeadLetterReason.INVALID_ENVELOPE, ex);
			return null;
		}
		try {
			return this.runner.prepare(envelope, queue, Backend.KAFKA);
		}
		catch (UnknownTaskException ex) {
			deadLetter(record, queue, UNKNOWN_TASK, DeadLetterReason.UNKNOWN_TASK, ex);
		}
		catch (ArgumentBindingException ex) {
			deadLetter(record, queue, envelope.task(), DeadLetterReason.INVALID_ARGUMENTS, ex);
		}
		catch (InvalidEnvelopeException ex) {
			deadLetter(record, queue, envelope.task(), DeadLetterReason.INVALID_ENVELOPE, ex);
		}
		catch (TaskExpiredException ex) {
			this.runner.expired(envelope.task(), queue, Backend.KAFKA, ex);
		}
		return null;
	}

	/**
	 * Run a prepared task on the calling thread. A failure its retry policy retries is
	 * written to the delay tiers, due after the policy's delay, with one more retry counted;
	 * one that has had all its retries goes to the dead-letter topic. Returns once that was
	 * acknowledged, so the record counts as done only when nothing can be lost.
	 * @param prepared the task
	 * @param topic the topic it came from
	 * @param key its record key, or {@code null}
	 * @param onAbandoned settles the record at once if the task hits its hard time limit
	 * @throws InterruptedException if interrupted before the retry or dead letter was
	 * acknowledged; the record must then not be counted as finished
	 */
	public void run(PreparedTask prepared, String topic, @Nullable String key, Runnable onAbandoned)
			throws InterruptedException {
		TaskEnvelope envelope = prepared.envelope();
		Duration rateWait = this.runner.reserveRate(prepared);
		if (rateWait.compareTo(RATE_WAIT_IN_PLACE) > 0 && this.delays != null) {
			// Over its rate limit: wait for its slot in the delay topics, not in a thread, and
			// come back a little early to wait out the rest of it here, on time.
			Instant slot = Instant.now().plus(rateWait);
			TaskEnvelope later = envelope.withHeader(TaskRunner.RATE_SLOT_RESERVED, Long.toString(slot.toEpochMilli()));
			publishDelayed(later, topic, key, slot.minus(RATE_WAIT_IN_PLACE), "rate-limited task");
			return;
		}
		if (rateWait.isPositive()) {
			Thread.sleep(rateWait);
		}
		RunResult result = this.runner.run(prepared, onAbandoned);
		reply(envelope, result);
		switch (result.status()) {
			case RETRY -> {
				if (this.delays == null) {
					logger.warn("Task '" + envelope.task() + "' [" + envelope.id() + "] is not retried: no delay tiers");
					return;
				}
				Duration retryIn = (result.retryIn() != null) ? result.retryIn() : Duration.ZERO;
				publishDelayed(envelope.withRetries(envelope.retries() + 1), topic, key, Instant.now().plus(retryIn),
						"retry");
				this.observer.retryScheduled(envelope.task(), prepared.context().queue(), Backend.KAFKA);
			}
			case RETRIES_EXHAUSTED -> await(this.deadLetters.publishExhausted(topic, key, this.codec.encode(envelope),
					(result.failure() != null) ? result.failure() : new IllegalStateException("unknown failure"),
					envelope.retries() + 1, envelope.created()), "dead letter of task '" + envelope.task() + "' ["
							+ envelope.id() + "]");
			default -> {
			}
		}
	}

	/**
	 * Send a final result to the dispatch's reply topic if it asked for one
	 * ({@code ignore_result=false}).
	 */
	private void reply(TaskEnvelope envelope, RunResult result) throws InterruptedException {
		JsonNode ignore = envelope.options().get("ignore_result");
		JsonNode replyTo = envelope.options().get("reply_to");
		ResultPublisher publisher = this.results;
		if (publisher == null || ignore == null || ignore.asBoolean(true) || replyTo == null || !replyTo.isString()
				|| result.status() == RunResult.Status.RETRY) {
			return;
		}
		Throwable failure = (result.status() == RunResult.Status.SUCCEEDED) ? null
				: (result.failure() != null) ? result.failure() : new IllegalStateException(result.status().name());
		await(publisher.publish(replyTo.asString(), envelope.id(), envelope.task(), result.value(), failure),
				"result of task '" + envelope.task() + "' [" + envelope.id() + "]");
	}

	private void publishDelayed(TaskEnvelope envelope, String topic, @Nullable String key, Instant due, String what)
			throws InterruptedException {
		TaskEnvelope delayed = envelope.withOption("eta", JsonNodeFactory.instance.stringNode(due.toString()));
		RecordHeaders headers = new RecordHeaders();
		headers.add(TaskHeaders.TASK_ID, envelope.id().getBytes(StandardCharsets.UTF_8));
		headers.add(TaskHeaders.TASK_NAME, envelope.task().getBytes(StandardCharsets.UTF_8));
		DelayedTaskPublisher publisher = this.delays;
		if (publisher == null) {
			throw new IllegalStateException("No delay tiers for the " + what + " of task '" + envelope.task() + "'");
		}
		await(publisher.publish(topic, key, this.codec.encode(delayed), headers, due),
				what + " of task '" + envelope.task() + "' [" + envelope.id() + "]");
	}

	private static void await(CompletableFuture<?> sent, String what) throws InterruptedException {
		try {
			sent.get(2, TimeUnit.MINUTES);
		}
		catch (ExecutionException | TimeoutException ex) {
			// The record stays unfinished, so it is not committed and runs again later.
			throw new IllegalStateException("Could not write the " + what + ": " + ex, ex);
		}
	}

	private void deadLetter(ConsumerRecord<String, byte[]> record, String queue, String task, DeadLetterReason reason,
			RuntimeException cause) throws InterruptedException {
		long backoff = 100;
		CompletableFuture<?> sent = null;
		while (true) {
			try {
				if (sent == null) {
					sent = this.deadLetters.publish(record, reason, cause);
				}
				// A slow acknowledgement is waited for, never answered with a second copy.
				sent.get(30, TimeUnit.SECONDS);
				break;
			}
			catch (TimeoutException ex) {
				logger.warn("Dead letter of record " + position(record) + " not acknowledged yet; still waiting");
			}
			catch (ExecutionException | RuntimeException ex) {
				// Nothing is lost: the record stays unfinished, so its offset is not committed,
				// until the dead-letter topic takes it.
				Throwable failure = (ex instanceof ExecutionException) ? ex.getCause() : ex;
				logger.error("Could not dead-letter record " + position(record) + " to "
						+ this.topics.deadLetterTopic(record.topic()) + "; retrying in " + backoff + " ms: " + failure);
				sent = null;
				Thread.sleep(backoff);
				backoff = Math.min(backoff * 2, MAX_DEAD_LETTER_BACKOFF_MILLIS);
			}
		}
		logger.warn("Record " + position(record) + " sent to " + this.topics.deadLetterTopic(record.topic()) + " ("
				+ reason + "): " + cause.getMessage());
		this.observer.handled(task, queue, Backend.KAFKA, TaskOutcome.DEAD_LETTERED, Duration.ZERO);
	}

	private String queue(String topic) {
		String queue = this.topics.queue(topic);
		return (queue != null) ? queue : topic;
	}

	private static String position(ConsumerRecord<?, ?> record) {
		return record.topic() + "-" + record.partition() + "@" + record.offset();
	}

}
