package dev.kafkatask.execution;

import org.jspecify.annotations.Nullable;

import dev.kafkatask.codec.InvalidEnvelopeException;
import dev.kafkatask.codec.TaskEnvelope;

/**
 * What a worker does after a task that carries more work (Celery's canvas: a chain's next
 * task, links, error links, a chord to report to), before the task's record or message is
 * settled: the task counts as done only once what follows it was acknowledged by the broker.
 *
 * @author kafka-task
 */
public interface TaskContinuation {

	/**
	 * Does nothing after any task.
	 */
	TaskContinuation NONE = new TaskContinuation() {
	};

	/**
	 * Check, before the task runs, that what it carries can be done: a task whose canvas is
	 * malformed or names a destination this application does not write to is refused, not
	 * run.
	 * @param envelope the task
	 * @throws InvalidEnvelopeException if what it carries is malformed
	 * @throws ForbiddenDestinationException if it names a queue this application does not
	 * know
	 */
	default void check(TaskEnvelope envelope) {
	}

	/**
	 * Go on after the task succeeded, and return once the broker acknowledged what followed.
	 * @param envelope the task
	 * @param result what it returned
	 * @throws Exception if what follows could not be dispatched
	 */
	default void succeeded(TaskEnvelope envelope, @Nullable Object result) throws Exception {
	}

	/**
	 * Go on after the task failed for good (no retry left, abandoned at its hard time limit,
	 * expired), and return once the broker acknowledged what followed.
	 * @param envelope the task
	 * @param failure why it failed
	 * @throws Exception if what follows could not be dispatched
	 */
	default void failed(TaskEnvelope envelope, Throwable failure) throws Exception {
	}

}
