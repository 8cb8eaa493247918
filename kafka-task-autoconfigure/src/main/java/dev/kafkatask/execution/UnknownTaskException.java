package dev.kafkatask.execution;

/**
 * Describes a message that names a task this application does not register.
 *
 * @author kafka-task
 */
public class UnknownTaskException extends RuntimeException {

	public UnknownTaskException(String task) {
		super("No task named '" + task + "' is registered in this application");
	}

}
