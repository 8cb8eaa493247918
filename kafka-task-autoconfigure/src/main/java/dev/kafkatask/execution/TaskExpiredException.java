package dev.kafkatask.execution;

import java.time.Instant;

/**
 * A task arrived after its {@code expires} time, so it is not run.
 *
 * @author kafka-task
 */
public class TaskExpiredException extends RuntimeException {

	public TaskExpiredException(String task, String id, Instant expires) {
		super("Task '" + task + "' [" + id + "] expired at " + expires + "; it is not run");
	}

}
