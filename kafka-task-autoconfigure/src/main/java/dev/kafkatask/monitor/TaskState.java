package dev.kafkatask.monitor;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What is known of a task from its lifecycle events: Celery's {@code AsyncResult} state, and
 * how it got there.
 *
 * @param taskId the task id
 * @param task the task name
 * @param state the latest step of its lifecycle
 * @param queue its queue
 * @param backend its backend
 * @param worker the instance that saw the latest step
 * @param updated when the latest step happened
 * @param attempt which run of the task the latest step is about (0: not run yet)
 * @param result what it returned, as JSON text, once it succeeded
 * @param error what went wrong, for a failure, a retry or a dead letter
 * @param reason the dead-letter reason
 * @param history the events read, oldest first (the most recent ones, for a long history)
 * @param arguments the task's arguments as JSON text, from its {@code dispatched} event, or
 * {@code null} when that event was not read (a task dispatched by Celery, events compacted
 * past their history)
 * @author kafka-task
 */
public record TaskState(String taskId, String task, TaskEventType state, String queue, String backend, String worker,
		Instant updated, int attempt, @Nullable String result, @Nullable String error, @Nullable String reason,
		List<TaskEvent> history, @Nullable String arguments) {

	public TaskState {
		history = List.copyOf(history);
	}

	/**
	 * Create a state without arguments.
	 * @param taskId the task id
	 * @param task the task name
	 * @param state the latest step of its lifecycle
	 * @param queue its queue
	 * @param backend its backend
	 * @param worker the instance that saw the latest step
	 * @param updated when the latest step happened
	 * @param attempt which run of the task the latest step is about
	 * @param result what it returned, as JSON text
	 * @param error what went wrong
	 * @param reason the dead-letter reason
	 * @param history the events read, oldest first
	 */
	public TaskState(String taskId, String task, TaskEventType state, String queue, String backend, String worker,
			Instant updated, int attempt, @Nullable String result, @Nullable String error, @Nullable String reason,
			List<TaskEvent> history) {
		this(taskId, task, state, queue, backend, worker, updated, attempt, result, error, reason, history, null);
	}

	/**
	 * Whether the task is done: succeeded, failed for good, expired, dead-lettered or
	 * revoked.
	 * @return whether it is
	 */
	public boolean isDone() {
		return this.state.isTerminal();
	}

}
