package dev.kafkatask.execution;

import org.jspecify.annotations.Nullable;

/**
 * A task was revoked: not run, or terminated while it ran. What follows its failure (error
 * links, its chord's count) is told with this.
 *
 * @author kafka-task
 */
public class TaskRevokedException extends RuntimeException {

	/**
	 * Create the exception.
	 * @param task the task name
	 * @param taskId the task id
	 * @param cause what the terminated run threw, or {@code null} if it did not run
	 */
	public TaskRevokedException(String task, String taskId, @Nullable Throwable cause) {
		super("Task '" + task + "' [" + taskId + "] was revoked" + ((cause != null) ? " and terminated" : ""), cause);
	}

}
