package dev.kafkatask.kafka.deadletter;

import dev.kafkatask.routing.Backend;

/**
 * The dead letters of one backend's queues: list them, and redrive them to their queue. The
 * Kafka leg's are {@link DeadLetters} (the {@code <topic>.dlt} topics); the RabbitMQ leg's
 * are {@code dev.kafkatask.rabbit.RabbitDeadLetterQueues} (the {@code <queue>.dlq} queues).
 * Both take the same {@link DeadLetterFilter}, answer with the same {@link DeadLetterList}
 * and {@link RedriveResult}, and refuse a queue the application does not know, or a name of
 * kafka-task's own, with an {@link IllegalArgumentException} that says why.
 *
 * @author kafka-task
 */
public interface BackendDeadLetters {

	/**
	 * Most dead letters a list returns.
	 */
	int MAX_LIMIT = 1000;

	/**
	 * Return the backend whose dead letters these are.
	 * @return the backend
	 */
	Backend backend();

	/**
	 * List the dead letters of a queue that match a filter, oldest first.
	 * @param queue the queue
	 * @param filter which dead letters
	 * @param limit most to list, 1 to {@value #MAX_LIMIT}
	 * @return the dead letters
	 * @throws IllegalArgumentException if the queue or the limit is not valid
	 */
	DeadLetterList list(String queue, DeadLetterFilter filter, int limit);

	/**
	 * Redrive the dead letters of a queue that match a filter to the queue; or, in a dry run,
	 * say what would go and send nothing.
	 * @param queue the queue
	 * @param filter which dead letters
	 * @param dryRun whether to send nothing
	 * @return what went, or would go, and what was skipped
	 * @throws IllegalArgumentException if the queue is not valid
	 * @throws IllegalStateException if the redrive failed on the way (what was redriven
	 * before stays redriven: redrive again for the rest)
	 */
	RedriveResult redrive(String queue, DeadLetterFilter filter, boolean dryRun);

}
