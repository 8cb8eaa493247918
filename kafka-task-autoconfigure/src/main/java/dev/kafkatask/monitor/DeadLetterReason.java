package dev.kafkatask.monitor;

import java.util.Locale;

/**
 * Why a task record or message went to its dead-letter destination, the same on both
 * backends: the value of the {@code kafka-task-dlt-reason} header (Kafka) or message header
 * (RabbitMQ) and of the {@code reason} tag of {@code kafka.task.dead.letters}.
 *
 * @author kafka-task
 */
public enum DeadLetterReason {

	/**
	 * The payload is not a valid task envelope (or Celery message): not JSON, a field of the
	 * wrong type or out of range, a malformed option, a version this worker does not read.
	 */
	INVALID_ENVELOPE,

	/**
	 * The payload names a task that is not registered in this application.
	 */
	UNKNOWN_TASK,

	/**
	 * The arguments do not bind to the task's parameters.
	 */
	INVALID_ARGUMENTS,

	/**
	 * The task failed on every attempt its retry policy allows.
	 */
	MAX_RETRIES_EXCEEDED,

	/**
	 * The task was abandoned at its hard time limit, and its retry policy does not retry it.
	 */
	TIME_LIMIT,

	/**
	 * The task was to wait and run later (a retry, an eta ahead, a rate-limit slot), but its
	 * delayed copy could not be written.
	 */
	DELAY_FAILED,

	/**
	 * The record asks kafka-task to write somewhere it must not: a reply topic that is not
	 * allowed, or a delayed record whose target is not the topic of a known queue.
	 */
	FORBIDDEN_DESTINATION,

	/**
	 * A delayed record whose delay headers are missing or malformed.
	 */
	INVALID_DELAY,

	/**
	 * The task ran, but what was to follow it (a chain's next task, a link, an error link, its
	 * chord's count) could not be dispatched: redriving it runs it again, and what follows.
	 */
	CONTINUATION_FAILED,

	/**
	 * A share group delivered the record more often than a worker may run it
	 * ({@code kafka-task.worker.share.max-deliveries}): its earlier deliveries ended without
	 * an outcome, because the workers that had it were killed or lost it while it ran.
	 */
	MAX_DELIVERIES,

	/**
	 * kafka-task itself failed while handling the record; the exception says how.
	 */
	PROCESSING_ERROR;

	/**
	 * Return the reason as written in headers and tags, for example {@code unknown-task}.
	 * @return the reason code
	 */
	public String code() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	@Override
	public String toString() {
		return code();
	}

}
