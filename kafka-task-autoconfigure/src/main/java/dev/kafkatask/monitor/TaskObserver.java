package dev.kafkatask.monitor;

import java.time.Duration;
import java.util.function.IntSupplier;

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
	 */
	default void dispatched(String task, String queue) {
	}

	/**
	 * A dispatch failed.
	 * @param task the task name
	 * @param queue the queue
	 * @param failure what went wrong
	 */
	default void dispatchFailed(String task, String queue, Throwable failure) {
	}

	/**
	 * A task record was handled.
	 * @param task the task name, or {@code unknown} when the record names no registered task
	 * @param queue the queue
	 * @param outcome how it ended
	 * @param duration how long the task ran ({@link Duration#ZERO} when it did not run)
	 */
	default void handled(String task, String queue, TaskOutcome outcome, Duration duration) {
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
	 * A worker started consuming a queue.
	 * @param group the consumer group
	 * @param queue the queue
	 * @param inFlight reads how many tasks of the queue the worker is running
	 */
	default void workerStarted(String group, String queue, IntSupplier inFlight) {
	}

	/**
	 * Return an observer that calls each of the given observers in turn.
	 * @param observers the observers
	 * @return the composite observer
	 */
	static TaskObserver composite(Iterable<? extends TaskObserver> observers) {
		java.util.List<TaskObserver> list = new java.util.ArrayList<>();
		observers.forEach(list::add);
		if (list.isEmpty()) {
			return NONE;
		}
		if (list.size() == 1) {
			return list.get(0);
		}
		return new CompositeTaskObserver(list);
	}

}
