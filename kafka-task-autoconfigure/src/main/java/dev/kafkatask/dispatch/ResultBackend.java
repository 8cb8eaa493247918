package dev.kafkatask.dispatch;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.kafkatask.routing.Route;

/**
 * Where results of tasks come back to the dispatching application.
 *
 * @author kafka-task
 */
public interface ResultBackend {

	/**
	 * Return the address that workers send results to: a Kafka topic of that name on the
	 * cluster the task was written to.
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
	 * Be told which Kafka cluster an expected task was written to, so that its result is
	 * read there: its worker replies on the cluster it consumed the task from.
	 * @param taskId the task id
	 * @param cluster the cluster's name ({@value Route#DEFAULT_CLUSTER} for
	 * {@code spring.kafka.*})
	 * @return whether results come back from that cluster; the dispatcher fails the result
	 * of a task when they do not
	 */
	default boolean sentTo(String taskId, String cluster) {
		return Route.DEFAULT_CLUSTER.equals(cluster);
	}

	/**
	 * Stop expecting a result, for a dispatch that failed.
	 * @param taskId the task id
	 */
	void forget(String taskId);

}
