package dev.kafkatask.monitor;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Tells what became of tasks by id, from their lifecycle events, like Celery's
 * {@code AsyncResult}: from any instance of any application on the same Kafka cluster and
 * topic prefix, also after restarts.
 *
 * @author kafka-task
 */
public interface TaskResults {

	/**
	 * Return what is known of a task.
	 * @param taskId the task id
	 * @return its state, or empty when no event of it was read (Celery says
	 * {@code PENDING}): never dispatched, older than what this instance reads, or not
	 * arrived yet
	 * @throws IllegalArgumentException if the id is blank, longer than 200 characters or
	 * has control characters
	 */
	Optional<TaskState> state(String taskId);

	/**
	 * Wait, without blocking, for a task to be done (succeeded, failed for good, expired,
	 * dead-lettered or revoked).
	 * @param taskId the task id
	 * @param timeout how long to wait
	 * @return its state once it is done; a future that fails with a
	 * {@link java.util.concurrent.TimeoutException} if it is not done in time
	 */
	CompletableFuture<TaskState> result(String taskId, Duration timeout);

	/**
	 * Return the tasks whose state changed last, newest first.
	 * @param limit how many at most
	 * @return the tasks
	 */
	List<TaskState> latest(int limit);

	/**
	 * Return what the events read tell of the last minute: events of each type by task
	 * name, and the instances (workers and dispatchers) that wrote events lately.
	 * @return the activity; none for an implementation that does not count it
	 */
	default TaskActivity activity() {
		return TaskActivity.none(Instant.now());
	}

	/**
	 * Check a task id given from outside (HTTP, for one).
	 * @param taskId the id
	 * @return the id
	 * @throws IllegalArgumentException if it is blank, longer than 200 characters or has
	 * control characters
	 */
	static String checkId(String taskId) {
		if (taskId == null || taskId.isBlank()) {
			throw new IllegalArgumentException("A task id must not be blank");
		}
		if (taskId.length() > 200) {
			throw new IllegalArgumentException("A task id has at most 200 characters, not " + taskId.length());
		}
		if (taskId.codePoints().anyMatch(Character::isISOControl)) {
			throw new IllegalArgumentException("A task id must not have control characters");
		}
		return taskId;
	}

}
