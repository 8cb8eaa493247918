package dev.kafkatask.celery;

import dev.kafkatask.codec.InvalidEnvelopeException;

/**
 * Thrown when an AMQP message is not a Celery task message that
 * {@link CeleryMessageCodec} can read; the message says why.
 *
 * @author kafka-task
 */
public class InvalidCeleryMessageException extends InvalidEnvelopeException {

	public InvalidCeleryMessageException(String message) {
		super(message);
	}

	public InvalidCeleryMessageException(String message, Throwable cause) {
		super(message, cause);
	}

}
