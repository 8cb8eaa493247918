package dev.kafkatask.rabbit;

/**
 * RabbitMQ did not take a task: it returned it as unroutable or refused it (nack).
 *
 * @author kafka-task
 */
public class RabbitPublishException extends RuntimeException {

	public RabbitPublishException(String message) {
		super(message);
	}

}
