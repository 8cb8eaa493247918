package dev.kafkatask.schedule;

/**
 * Thrown when a schedule, from an annotation or from properties, cannot be used: the message
 * names the schedule, where it was declared and what is wrong.
 *
 * @author kafka-task
 */
public class ScheduleDefinitionException extends RuntimeException {

	public ScheduleDefinitionException(String message, Throwable cause) {
		super(message, cause);
	}

	public ScheduleDefinitionException(String message) {
		super(message);
	}

}
