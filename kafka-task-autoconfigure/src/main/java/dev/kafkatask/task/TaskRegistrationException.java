package dev.kafkatask.task;

/**
 * Thrown when a {@link KafkaTask} method cannot be registered.
 *
 * @author kafka-task
 */
public class TaskRegistrationException extends RuntimeException {

	public TaskRegistrationException(String message) {
		super(message);
	}

}
