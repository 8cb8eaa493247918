package dev.kafkatask.execution;

/**
 * Thrown when the arguments of a task envelope do not bind to the parameters of the task
 * method.
 *
 * @author kafka-task
 */
public class ArgumentBindingException extends RuntimeException {

	public ArgumentBindingException(String message) {
		super(message);
	}

	public ArgumentBindingException(String message, Throwable cause) {
		super(message, cause);
	}

}
