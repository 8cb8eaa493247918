package dev.kafkatask.execution;

/**
 * Thrown when a task asks kafka-task to write where it must not: a result to a topic that is
 * not an allowed reply topic, a delayed task to a topic that is not a known queue's.
 *
 * @author kafka-task
 */
public class ForbiddenDestinationException extends RuntimeException {

	public ForbiddenDestinationException(String message) {
		super(message);
	}

}
