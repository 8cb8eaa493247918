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
	SPRING_KAFKA("spring-kafka"),

	/**
	 * kafka-task's worker consuming the queue through a share group (KIP-932):
	 * {@code kafka-task.worker.default-mode=share}.
	 */
	SHARE("share");

	private final String id;

	Engine(String id) {
		this.id = id;
	}

	String id() {
		return this.id;
	}

	/**
	 * Return whether kafka-task's worker runs the tasks (through a consumer or a share group).
	 * @return whether this is kafka-task's worker
	 */
	boolean isKafkaTask() {
		return this != SPRING_KAFKA;
	}

	static Engine of(String id) {
		return Arrays.stream(values())
			.filter((engine) -> engine.id.equals(id.toLowerCase(Locale.ROOT)))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException(
					"Unknown engine '" + id + "': kafka-task, spring-kafka or share"));
	}

}
