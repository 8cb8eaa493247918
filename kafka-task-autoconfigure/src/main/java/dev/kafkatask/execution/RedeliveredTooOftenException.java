package dev.kafkatask.execution;

/**
 * Thrown when a share group delivered a record more often than a worker may run it: its
 * earlier deliveries ended without an outcome, because the workers that had it were killed
 * or lost it while it ran. It is dead-lettered {@code max-deliveries} instead of run again.
 *
 * @author kafka-task
 */
public class RedeliveredTooOftenException extends RuntimeException {

	public RedeliveredTooOftenException(String message) {
		super(message);
	}

}
