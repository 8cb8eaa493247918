package dev.kafkatask.consumer;

import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.kafkatask.routing.Backend;

/**
 * The consumers of one backend.
 *
 * @author kafka-task
 */
public interface ConsumerSource {

	/**
	 * Return the backend.
	 * @return the backend
	 */
	Backend backend();

	/**
	 * Return the consumers of the backend, one per queue.
	 * @return the consumers
	 */
	List<? extends TaskConsumer> consumers();

	/**
	 * Return the consumer of a queue, creating it (stopped) if the backend can consume a
	 * queue it was not configured with.
	 * @param queue the queue
	 * @return the consumer
	 * @throws IllegalArgumentException if the backend cannot consume that queue
	 */
	TaskConsumer consumer(String queue);

	/**
	 * Return the consumer of a queue on one Kafka cluster.
	 * @param cluster the cluster, or {@code null} for the default one (or for a backend
	 * without clusters)
	 * @param queue the queue
	 * @return the consumer
	 * @throws IllegalArgumentException if the backend does not consume that cluster or
	 * cannot consume that queue
	 */
	default TaskConsumer consumer(@Nullable String cluster, String queue) {
		if (cluster != null) {
			throw new IllegalArgumentException("This application's " + backend() + " consumers have no clusters");
		}
		return consumer(queue);
	}

}
