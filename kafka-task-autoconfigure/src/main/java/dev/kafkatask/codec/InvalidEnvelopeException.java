package dev.kafkatask.codec;

/**
 * Thrown when a payload is not a task envelope this codec can read.
 *
 * @author kafka-task
 */
public class InvalidEnvelopeException extends RuntimeException {

	public InvalidEnvelopeException(String message) {
		super(message);
	}

	public InvalidEnvelopeException(String message, Throwable cause) {
		super(message, cause);
	}

}
