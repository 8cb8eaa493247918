package dev.kafkatask.consumer;

/**
 * State of the consumer of one queue on one backend.
 *
 * @author kafka-task
 */
public enum ConsumerState {

	/**
	 * Taking tasks from the queue.
	 */
	RUNNING,

	/**
	 * Taking no new tasks; running tasks finish. Resumes where it left off.
	 */
	PAUSED,

	/**
	 * Taking tasks until the queue is empty, then stopping: how a backend hands a queue over
	 * to the other one.
	 */
	DRAINING,

	/**
	 * Not consuming the queue.
	 */
	STOPPED

}
