package dev.kafkatask.monitor;

/**
 * Where the lifecycle events of tasks go. Called on the threads that dispatch and run
 * tasks: an implementation must not block and must not throw.
 *
 * @author kafka-task
 */
@FunctionalInterface
public interface TaskEvents {

	/**
	 * Events go nowhere.
	 */
	TaskEvents NONE = (event) -> {
	};

	/**
	 * Publish an event.
	 * @param event the event
	 */
	void publish(TaskEvent event);

}
