package dev.kafkatask.execution;

/**
 * Thrown when a delivery stops being this worker's before it could be settled (its Kafka
 * partition was revoked, its RabbitMQ channel closed): it is given up unsettled, and its new
 * owner runs it again.
 *
 * @author kafka-task
 */
final class DeliveryLostException extends RuntimeException {

	DeliveryLostException(String message) {
		super(message);
	}

}
