package dev.kafkatask.autoconfigure;

/**
 * Properties under which an auto-configuration test needs no broker: the Kafka and RabbitMQ
 * clients point at a port nothing listens on, no topic is created while the context refreshes, and the worker
 * is not started (starting it would ask the brokers for their group protocol).
 *
 * @author kafka-task
 */
final class BrokerFree {

	static final String[] PROPERTIES = { "spring.kafka.bootstrap-servers=127.0.0.1:9",
			"spring.rabbitmq.host=127.0.0.1", "spring.rabbitmq.port=9", "kafka-task.kafka.create-topics=false",
			"kafka-task.worker.auto-startup=false", "kafka-task.worker.pinning.enabled=false" };

	private BrokerFree() {
	}

}
