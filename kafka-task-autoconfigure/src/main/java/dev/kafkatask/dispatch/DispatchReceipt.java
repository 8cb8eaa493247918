package dev.kafkatask.dispatch;

import org.jspecify.annotations.Nullable;

import dev.kafkatask.routing.Backend;
import dev.kafkatask.routing.Route;

/**
 * What the backend acknowledged for one dispatch.
 *
 * @param taskId the task id
 * @param task the task name
 * @param queue the queue
 * @param backend the backend that took the task
 * @param destination where the backend put it: the Kafka topic, or the RabbitMQ queue
 * (routing key of the default exchange)
 * @param partition the Kafka partition, {@code -1} on RabbitMQ
 * @param offset the offset of the Kafka record, {@code -1} on RabbitMQ
 * @param cluster the Kafka cluster that took it ({@link Route#DEFAULT_CLUSTER} for the
 * {@code spring.kafka.*} one), {@code null} on RabbitMQ
 * @author kafka-task
 */
public record DispatchReceipt(String taskId, String task, String queue, Backend backend, String destination,
		int partition, long offset, @Nullable String cluster) {

	/**
	 * Create a receipt of the default cluster, when the backend is Kafka.
	 * @param taskId the task id
	 * @param task the task name
	 * @param queue the queue
	 * @param backend the backend that took the task
	 * @param destination the Kafka topic, or the RabbitMQ queue
	 * @param partition the Kafka partition, {@code -1} on RabbitMQ
	 * @param offset the offset of the Kafka record, {@code -1} on RabbitMQ
	 */
	public DispatchReceipt(String taskId, String task, String queue, Backend backend, String destination,
			int partition, long offset) {
		this(taskId, task, queue, backend, destination, partition, offset,
				(backend == Backend.KAFKA) ? Route.DEFAULT_CLUSTER : null);
	}

}
