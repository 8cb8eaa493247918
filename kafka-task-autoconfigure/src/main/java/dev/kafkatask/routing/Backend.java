package dev.kafkatask.routing;

import java.util.Locale;

/**
 * A broker that carries tasks.
 *
 * @author kafka-task
 */
public enum Backend {

	/**
	 * Apache Kafka: one topic per queue.
	 */
	KAFKA("kafka"),

	/**
	 * RabbitMQ, speaking Celery's message protocol 2: one queue per queue.
	 */
	RABBITMQ("rabbitmq");

	private final String id;

	Backend(String id) {
		this.id = id;
	}

	/**
	 * Return the name of this backend in properties, meters and receipts.
	 * @return {@code kafka} or {@code rabbitmq}
	 */
	public String id() {
		return this.id;
	}

	/**
	 * Return the backend of the given name, in any case: {@code kafka} or {@code rabbitmq}
	 * (also {@code rabbit}).
	 * @param name the name
	 * @return the backend
	 * @throws IllegalArgumentException if no backend has that name
	 */
	public static Backend of(String name) {
		return switch (name.trim().toLowerCase(Locale.ROOT)) {
			case "kafka" -> KAFKA;
			case "rabbitmq", "rabbit" -> RABBITMQ;
			default -> throw new IllegalArgumentException("Unknown backend '" + name + "': kafka or rabbitmq");
		};
	}

	@Override
	public String toString() {
		return this.id;
	}

}
