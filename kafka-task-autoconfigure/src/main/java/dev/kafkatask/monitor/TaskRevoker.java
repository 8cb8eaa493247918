package dev.kafkatask.monitor;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Revokes tasks by id, like Celery's {@code revoke(task_id, terminate=...)}: from any
 * instance of any application on the same Kafka cluster and topic prefix. Revocations are
 * kept in Kafka for their retention, so they reach workers that were down or restarted: a
 * worker, or the delay topics, that get a revoked task settle it {@code revoked} and never
 * run it. A task that already ran is not undone.
 *
 * @author kafka-task
 */
public interface TaskRevoker {

	/**
	 * Revoke a task: it does not run, unless it runs already (see
	 * {@link #revoke(String, boolean)} to interrupt it then).
	 * @param taskId the task id
	 * @return the revocation, once Kafka acknowledged it
	 * @throws IllegalArgumentException if the id is blank, longer than 200 characters or
	 * has control characters
	 */
	default CompletableFuture<Revocation> revoke(String taskId) {
		return revoke(taskId, false);
	}

	/**
	 * Revoke a task, and with {@code terminate} interrupt it wherever it runs now, the way
	 * its soft time limit does (a task that returns anyway succeeds).
	 * @param taskId the task id
	 * @param terminate whether to interrupt a run of it
	 * @return the revocation, once Kafka acknowledged it
	 * @throws IllegalArgumentException if the id is blank, longer than 200 characters or
	 * has control characters
	 */
	CompletableFuture<Revocation> revoke(String taskId, boolean terminate);

	/**
	 * Return the revocation of a task, as this instance has read it.
	 * @param taskId the task id
	 * @return its revocation, or empty if it was not revoked (or not within the retention)
	 */
	Optional<Revocation> revocation(String taskId);

}
