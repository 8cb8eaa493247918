package dev.kafkatask.consumer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.kafkatask.routing.Backend;

/**
 * Every controllable consumer of an application, by backend and queue.
 *
 * @author kafka-task
 */
public class TaskConsumers {

	private final List<ConsumerSource> sources;

	public TaskConsumers(List<? extends ConsumerSource> sources) {
		this.sources = List.copyOf(sources);
	}

	/**
	 * Return every consumer, by backend and queue.
	 * @return the consumers
	 */
	public List<TaskConsumer> all() {
		List<TaskConsumer> all = new ArrayList<>();
		this.sources.forEach((source) -> all.addAll(source.consumers()));
		all.sort(Comparator.comparing((TaskConsumer consumer) -> consumer.backend().id())
			.thenComparing(TaskConsumer::queue)
			.thenComparing(TaskConsumer::cluster, Comparator.nullsFirst(Comparator.naturalOrder())));
		return all;
	}

	/**
	 * Return the consumer of a queue on a backend, creating it (stopped) if the backend
	 * was not configured to consume that queue.
	 * @param backend the backend
	 * @param queue the queue
	 * @return the consumer
	 * @throws IllegalArgumentException if this application does not consume from that backend,
	 * or the backend cannot consume that queue
	 */
	public TaskConsumer consumer(Backend backend, String queue) {
		return consumer(backend, null, queue);
	}

	/**
	 * Return the consumer of a queue on a backend and Kafka cluster, creating it (stopped)
	 * if the backend was not configured to consume that queue.
	 * @param backend the backend
	 * @param cluster the Kafka cluster, or {@code null} for the default one
	 * @param queue the queue
	 * @return the consumer
	 * @throws IllegalArgumentException if this application does not consume from that backend
	 * or cluster, or the backend cannot consume that queue
	 */
	public TaskConsumer consumer(Backend backend, @Nullable String cluster, String queue) {
		for (ConsumerSource source : this.sources) {
			if (source.backend() == backend) {
				return source.consumer(cluster, queue);
			}
		}
		throw new IllegalArgumentException("This application has no " + backend + " consumers");
	}

}
