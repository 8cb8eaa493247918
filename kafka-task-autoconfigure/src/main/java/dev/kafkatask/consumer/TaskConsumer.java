package dev.kafkatask.consumer;

import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.kafkatask.routing.Backend;

/**
 * The consumer of one queue on one backend, controllable at runtime.
 *
 * @author kafka-task
 */
public interface TaskConsumer {

	/**
	 * Return the backend this consumer reads from.
	 * @return the backend
	 */
	Backend backend();

	/**
	 * Return the queue this consumer reads.
	 * @return the queue
	 */
	String queue();

	/**
	 * Return the Kafka cluster this consumer reads from.
	 * @return the cluster's name ({@code default} for the {@code spring.kafka.*} one), or
	 * {@code null} on RabbitMQ
	 */
	default @Nullable String cluster() {
		return null;
	}

	/**
	 * Return the consumer's state.
	 * @return the state
	 */
	ConsumerState state();

	/**
	 * Return how many of the queue's tasks run now.
	 * @return the count
	 */
	int inFlight();

	/**
	 * Return what this consumer holds of its queue: the Kafka partitions assigned to it
	 * ({@code topic-partition}), or, on RabbitMQ, nothing (every consumer reads the whole
	 * queue).
	 * @return the assignment
	 */
	default List<String> assignment() {
		return List.of();
	}

	/**
	 * Return how many of the queue's messages wait at the broker: on Kafka, the lag of the
	 * partitions assigned to this consumer; on RabbitMQ, the messages ready in the queue.
	 * @return the backlog, or {@code -1} when it could not be read
	 */
	default long backlog() {
		return -1;
	}

	/**
	 * Start (or resume) taking tasks.
	 */
	void start();

	/**
	 * Stop taking new tasks for now; running tasks finish.
	 */
	void pause();

	/**
	 * Take tasks until the queue is empty and none runs, then stop.
	 */
	void drain();

	/**
	 * Stop consuming the queue; running tasks finish first (up to the shutdown timeout).
	 */
	void stop();

}
