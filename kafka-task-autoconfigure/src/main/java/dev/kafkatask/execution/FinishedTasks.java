package dev.kafkatask.execution;

import dev.kafkatask.codec.TaskEnvelope;

/**
 * The ids of tasks that succeeded, for the tasks whose id means something: a unique
 * dispatch, a task of a canvas, a periodic task's slot. Such a task carries the header
 * {@value #HEADER}; a worker that gets a copy of one whose id already succeeded (sent twice
 * after a crash, fired twice, redelivered beyond the commit metadata's reach) skips it, with
 * the outcome {@code duplicate}.
 *
 * @author kafka-task
 */
public interface FinishedTasks {

	/**
	 * Header of a task whose id is tracked, set to {@code true}.
	 */
	String HEADER = "kafka-task-once";

	/**
	 * Whether a task's id is tracked.
	 * @param envelope the task
	 * @return whether it carries {@link #HEADER}
	 */
	static boolean isTracked(TaskEnvelope envelope) {
		return "true".equals(envelope.headers().get(HEADER));
	}

	/**
	 * Whether a task of this id is known to have succeeded.
	 * @param taskId the task id
	 * @return whether it succeeded
	 * @throws InterruptedException if interrupted while the ids are first read
	 */
	boolean hasSucceeded(String taskId) throws InterruptedException;

	/**
	 * Record that a task succeeded. Returns at once: the record is written in the
	 * background, and a failure to write it is logged (the task may then run again).
	 * @param taskId the task id
	 * @param task the task name
	 */
	void succeeded(String taskId, String task);

}
