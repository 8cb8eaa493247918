package dev.kafkatask.execution;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import dev.kafkatask.codec.InvalidEnvelopeException;
import dev.kafkatask.codec.TaskEnvelope;
import dev.kafkatask.monitor.DeadLetterReason;
import dev.kafkatask.routing.Backend;
import dev.kafkatask.routing.Route;

/**
 * One task record or message handed to a worker, with what its backend does to settle it:
 * decode it, dead-letter it, write a copy that runs later, send a result. The
 * {@link DeliveryHandler} takes every delivery of both backends to exactly one outcome
 * through these; a backend only says how.
 *
 * @author kafka-task
 */
public interface TaskDelivery {

	/**
	 * Return the queue the delivery came from.
	 * @return the queue
	 */
	String queue();

	/**
	 * Return the backend the delivery came from.
	 * @return the backend
	 */
	Backend backend();

	/**
	 * Return the Kafka cluster the delivery came from, where its dead letter is written and
	 * whose events topic its task's events go to: {@value Route#DEFAULT_CLUSTER} for the
	 * {@code spring.kafka.*} one, and for RabbitMQ, whose tasks' events live there too.
	 * @return the cluster
	 */
	default String cluster() {
		return Route.DEFAULT_CLUSTER;
	}

	/**
	 * Say where the delivery came from, for logs and health, for example
	 * {@code tasks.default-2@17}.
	 * @return the description
	 */
	String describe();

	/**
	 * Whether this worker still owns the delivery: its Kafka partition was not revoked, its
	 * RabbitMQ channel is open. A delivery it no longer owns is given up unsettled: its new
	 * owner runs it again.
	 * @return whether the delivery is still this worker's
	 */
	default boolean isOwned() {
		return true;
	}

	/**
	 * Decode the task.
	 * @return the envelope
	 * @throws InvalidEnvelopeException if the payload is not a valid task
	 */
	TaskEnvelope decode();

	/**
	 * Check that the task asks this backend for nothing it must not do, such as writing its
	 * result to a topic that is not a reply topic.
	 * @param envelope the decoded task
	 * @throws ForbiddenDestinationException if it does
	 */
	default void check(TaskEnvelope envelope) {
	}

	/**
	 * Let go of the raw payload: the task is decoded and bound, and a long run should hold
	 * only what it needs.
	 */
	default void release() {
	}

	/**
	 * Write the delivery to its dead-letter destination and wait until the broker took it.
	 * @param letter what to write and why
	 * @throws Exception if it could not be written; the caller tries again
	 */
	void deadLetter(DeadLetter letter) throws Exception;

	/**
	 * Write a copy of the task that runs at the given time (a retry, a task not due yet) and
	 * wait until the broker took it.
	 * @param envelope the task to run later
	 * @param due when it is due
	 * @throws Exception if it could not be written
	 */
	void publishLater(TaskEnvelope envelope, Instant due) throws Exception;

	/**
	 * Send the result of a run to whoever asked for it, if anyone did
	 * ({@code ignore_result=false} with a {@code reply_to}).
	 * @param envelope the task
	 * @param result how its run ended
	 * @throws Exception if the result could not be sent
	 */
	default void reply(TaskEnvelope envelope, RunResult result) throws Exception {
	}

	/**
	 * What goes to a dead-letter destination.
	 *
	 * @param reason why
	 * @param cause the exception that says what was wrong
	 * @param envelope the task as it ran, for a task that ran (or was to) and failed for
	 * good, or {@code null} for a delivery that never ran: then the payload goes as it came
	 * @param attempts how many times the task ran
	 */
	record DeadLetter(DeadLetterReason reason, Throwable cause, @Nullable TaskEnvelope envelope, int attempts) {
	}

}
