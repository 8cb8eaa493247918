package dev.kafkatask.task;

import java.time.Duration;

/**
 * Why a task was abandoned at its hard time limit ({@code time_limit}), like Celery's
 * {@code TimeLimitExceeded}: the failure its retry policy sees, so that
 * {@code autoretry_for = TaskTimeLimitExceeded.class} retries such a task, and the
 * exception of its dead letter ({@code time-limit}) otherwise. The task's thread is not
 * killed; what it does after this counts for nothing.
 *
 * @author kafka-task
 */
public class TaskTimeLimitExceeded extends RuntimeException {

	private final Duration limit;

	/**
	 * Create an exception for a run that reached its limit.
	 * @param task the name the task is logged under
	 * @param id the task id
	 * @param limit the hard time limit
	 */
	public TaskTimeLimitExceeded(String task, String id, Duration limit) {
		super("Task '" + task + "' [" + id + "] exceeded its time limit of " + limit.toMillis() + " ms");
		this.limit = limit;
	}

	/**
	 * Return the limit that was reached.
	 * @return the hard time limit
	 */
	public Duration getLimit() {
		return this.limit;
	}

}
