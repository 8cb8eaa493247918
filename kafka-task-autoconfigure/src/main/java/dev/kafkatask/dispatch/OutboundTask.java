package dev.kafkatask.dispatch;

import org.jspecify.annotations.Nullable;

import dev.kafkatask.codec.TaskEnvelope;

/**
 * A task on its way to a transport.
 *
 * @param envelope the task envelope
 * @param queue the queue it goes to
 * @param key the partitioning key, or {@code null}
 * @param cluster the Kafka cluster it goes to, when it goes to Kafka: {@code null} for the
 * default one
 * @author kafka-task
 */
public record OutboundTask(TaskEnvelope envelope, String queue, @Nullable String key, @Nullable String cluster) {

	/**
	 * Create a task on its way to a transport, to the default cluster if it goes to Kafka.
	 * @param envelope the task envelope
	 * @param queue the queue it goes to
	 * @param key the partitioning key, or {@code null}
	 */
	public OutboundTask(TaskEnvelope envelope, String queue, @Nullable String key) {
		this(envelope, queue, key, null);
	}

}
