package dev.kafkatask.monitor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.kafkatask.routing.Backend;
import dev.kafkatask.routing.RouteDecision;

/**
 * Callbacks on what happens to tasks, for metrics and logs. Every method has a no-op default
 * and may be called from any thread; implementations must be fast and must not throw.
 *
 * @author kafka-task
 */
public interface TaskObserver {

	/**
	 * A no-op observer.
	 */
	TaskObserver NONE = new TaskObserver() {
	};

	/**
	 * The router decided where a dispatch goes.
	 * @param task the task name
	 * @param queue the queue
	 * @param decision the decision
	 */
	default void routed(String task, String queue, RouteDecision decision) {
	}

	/**
	 * A dispatch was acknowledged by the transport.
	 * @param task the task name
	 * @param queue the queue
	 * @param backend the backend that took it
	 * @param cluster the Kafka cluster that took it, {@code null} when the backend is not
	 * Kafka
	 */
	default void dispatched(String task, String queue, Backend backend, @Nullable String cluster) {
	}

	/**
	 * A dispatch failed.
	 * @param task the task name
	 * @param queue the queue
	 * @param backend the backend it was routed to
	 * @param cluster the Kafka cluster it was routed to, {@code null} when the backend is not
	 * Kafka
	 * @param failure what went wrong
	 */
	default void dispatchFailed(String task, String queue, Backend backend, @Nullable String cluster,
			Throwable failure) {
	}

	/**
	 * RabbitMQ answered a publish.
	 * @param queue the queue
	 * @param outcome {@code confirmed}, {@code nacked} or {@code returned}
	 */
	default void rabbitPublished(String queue, String outcome) {
	}

	/**
	 * A task started to run.
	 * @param task the task name
	 * @param queue the queue
	 * @param backend the backend it came from
	 * @param queueTime how long it waited since its dispatch, or since its eta
	 */
	default void started(String task, String queue, Backend backend, Duration queueTime) {
	}

	/**
	 * A task was handled.
	 * @param task the task name, or {@code unknown} when the message names no registered task
	 * @param queue the queue
	 * @param backend the backend it came from (or was refused for)
	 * @param outcome how it ended
	 * @param duration how long the task ran ({@link Duration#ZERO} when it did not run)
	 */
	default void handled(String task, String queue, Backend backend, TaskOutcome outcome, Duration duration) {
	}

	/**
	 * A task record or message was written to its dead-letter destination.
	 * @param task the task name, or {@code unknown} when it names no registered task
	 * @param queue the queue
	 * @param backend the backend it came from
	 * @param reason why
	 */
	default void deadLettered(String task, String queue, Backend backend, DeadLetterReason reason) {
	}

	/**
	 * A task record was written to its dead-letter topic on a given Kafka cluster, where it is
	 * listed and redriven. By default, the same as
	 * {@link #deadLettered(String, String, Backend, DeadLetterReason)}.
	 * @param task the task name, or {@code unknown} when it names no registered task
	 * @param queue the queue
	 * @param backend the backend it came from
	 * @param cluster the Kafka cluster of its dead-letter topic ({@code default} for the
	 * {@code spring.kafka.*} one)
	 * @param reason why
	 */
	default void deadLettered(String task, String queue, Backend backend, String cluster, DeadLetterReason reason) {
		deadLettered(task, queue, backend, reason);
	}

	/**
	 * Writing a dead letter failed; the record or message waits, unsettled, and the write is
	 * tried again after a back-off.
	 * @param queue the queue
	 * @param backend the backend it came from
	 * @param failure why the write failed
	 */
	default void deadLetterFailed(String queue, Backend backend, Throwable failure) {
	}

	/**
	 * Writing a dead letter to a given Kafka cluster failed. By default, the same as
	 * {@link #deadLetterFailed(String, Backend, Throwable)}.
	 * @param queue the queue
	 * @param backend the backend it came from
	 * @param cluster the Kafka cluster it was to be written to
	 * @param failure why the write failed
	 */
	default void deadLetterFailed(String queue, Backend backend, String cluster, Throwable failure) {
		deadLetterFailed(queue, backend, failure);
	}

	/**
	 * A redrive of a queue's dead letters ended (a dry run tells nothing): what it sent back
	 * to the queue and what matched but stayed. A redrive that failed half-way tells what it
	 * sent before.
	 * @param queue the queue
	 * @param backend the backend whose dead letters they are
	 * @param redriven how many it sent back
	 * @param skipped how many matched and were not sent (already redriven, no payload)
	 */
	default void redriven(String queue, Backend backend, int redriven, int skipped) {
	}

	/**
	 * A redrive of a queue's dead letters on a given Kafka cluster ended. By default, the same
	 * as {@link #redriven(String, Backend, int, int)}.
	 * @param queue the queue
	 * @param backend the backend whose dead letters they are
	 * @param cluster the Kafka cluster they were on, and went back to
	 * @param redriven how many it sent back
	 * @param skipped how many matched and were not sent (already redriven, no payload)
	 */
	default void redriven(String queue, Backend backend, String cluster, int redriven, int skipped) {
		redriven(queue, backend, redriven, skipped);
	}

	/**
	 * One of kafka-task's background threads (the delay forwarder, the reply listener, the
	 * state meters, the RabbitMQ drain check) caught an exception; it backs off and goes on.
	 * @param thread which background thread
	 * @param failure what it caught
	 */
	default void backgroundFailure(String thread, Throwable failure) {
	}

	/**
	 * A failed task was written back to run again later.
	 * @param task the task name
	 * @param queue the queue
	 * @param backend the backend
	 */
	default void retryScheduled(String task, String queue, Backend backend) {
	}

	/**
	 * A run reached one of its time limits.
	 * @param task the task name
	 * @param queue the queue
	 * @param backend the backend
	 * @param hard whether it was the hard limit (the task was abandoned) rather than the soft
	 * one (its thread was interrupted)
	 */
	default void timeLimitReached(String task, String queue, Backend backend, boolean hard) {
	}

	/**
	 * A task pinned its virtual thread's carrier (or blocked while pinned) for a while, so
	 * that no other virtual thread could use that carrier.
	 * @param task the task name
	 * @param duration how long the carrier was blocked
	 */
	default void carrierPinned(String task, Duration duration) {
	}

	/**
	 * A Kafka worker's rebalance callback ran.
	 * @param group the consumer group
	 * @param type {@code assigned}, {@code revoked} or {@code lost}
	 * @param partitions how many partitions it concerned
	 * @param duration how long the callback took
	 */
	default void rebalanced(String group, String type, int partitions, Duration duration) {
	}

	/**
	 * A Kafka worker's rebalance callback ran, on a given Kafka cluster. By default, the
	 * same as {@link #rebalanced(String, String, int, Duration)}.
	 * @param group the consumer group
	 * @param cluster the Kafka cluster its worker consumes ({@code default} for the
	 * {@code spring.kafka.*} one)
	 * @param type {@code assigned}, {@code revoked} or {@code lost}
	 * @param partitions how many partitions it concerned
	 * @param duration how long the callback took
	 */
	default void rebalanced(String group, String cluster, String type, int partitions, Duration duration) {
		rebalanced(group, type, partitions, duration);
	}

	/**
	 * The beat dealt with a slot of a schedule.
	 * @param schedule the schedule's name
	 * @param task the task it dispatches
	 * @param outcome {@code fired} (dispatched and acknowledged), {@code failed} (the
	 * dispatch failed, or the slot's record; either is tried again) or {@code skipped} (a
	 * missed slot the schedule's policy left out)
	 */
	default void scheduleFired(String schedule, String task, String outcome) {
	}

	/**
	 * Return an observer that calls each of the given observers in turn; an exception one of
	 * them throws is logged and goes no further.
	 * @param observers the observers
	 * @return the composite observer
	 */
	static TaskObserver composite(Iterable<? extends TaskObserver> observers) {
		List<TaskObserver> list = new ArrayList<>();
		observers.forEach(list::add);
		if (list.isEmpty()) {
			return NONE;
		}
		// Even one observer is wrapped: what it throws is logged, never passed on.
		return new CompositeTaskObserver(list);
	}

}
