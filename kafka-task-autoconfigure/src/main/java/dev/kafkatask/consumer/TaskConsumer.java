package dev.kafkatask.consumer;

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
