package dev.kafkatask.benchmarks;

import java.util.Arrays;
import java.util.Locale;

/**
 * What runs the tasks of a benchmark.
 *
 * @author kafka-task
 */
enum Engine {

	/**
	 * kafka-task's worker: one consumer thread, each task on its own virtual thread.
	 */
	KAFKA_TASK("kafka-task"),

	/**
	 * A plain spring-kafka {@code @KafkaListener} record listener, concurrency = partitions.
	 */
	SPRING_KAFKA("spring-kafka");

	private final String id;

	Engine(String id) {
		this.id = id;
	}

	String id() {
		return this.id;
	}

	static Engine of(String id) {
		return Arrays.stream(values())
			.filter((engine) -> engine.id.equals(id.toLowerCase(Locale.ROOT)))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("Unknown engine '" + id + "': kafka-task or spring-kafka"));
	}

}
