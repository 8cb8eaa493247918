package dev.kafkatask.routing;

/**
 * What becomes of a dispatch routed to RabbitMQ while RabbitMQ is unavailable.
 *
 * @author kafka-task
 */
public enum OnUnavailable {

	/**
	 * The dispatch fails at once, saying which route sent it to RabbitMQ.
	 */
	FAIL,

	/**
	 * The dispatch goes to Kafka instead.
	 */
	KAFKA

}
