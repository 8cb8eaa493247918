package dev.kafkatask.celery;

/**
 * Thrown when an AMQP message is not a Celery task message that
 * {@link CeleryMessageCodec} can read; the message says why.
 *
 * @author kafka-task
 */
public class InvalidCeleryMessageException extends RuntimeException {

	public InvalidCeleryMessageException(String message) {
		super(message);
	}

	public InvalidCeleryMessageException(String message, Throwable cause) {
		super(message, cause);
	}

}
