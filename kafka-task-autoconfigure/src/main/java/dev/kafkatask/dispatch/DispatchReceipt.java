package dev.kafkatask.dispatch;

import dev.kafkatask.routing.Backend;

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
 * @author kafka-task
 */
public record DispatchReceipt(String taskId, String task, String queue, Backend backend, String destination,
		int partition, long offset) {

}
