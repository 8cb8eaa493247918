package dev.kafkatask.dispatch;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Where results of tasks come back to the dispatching application.
 *
 * @author kafka-task
 */
public interface ResultBackend {

	/**
	 * Return the address that workers send results to (a Kafka topic).
	 * @return the reply address
	 */
	String replyTo();

	/**
	 * Expect the result of a task; call before dispatching it.
	 * @param taskId the task id
	 * @param timeout how long to wait for it
	 * @return the result, or a future that fails with a {@link java.util.concurrent.TimeoutException}
	 */
	CompletableFuture<TaskResult> expect(String taskId, Duration timeout);

	/**
	 * Stop expecting a result, for a dispatch that failed.
	 * @param taskId the task id
	 */
	void forget(String taskId);

}
