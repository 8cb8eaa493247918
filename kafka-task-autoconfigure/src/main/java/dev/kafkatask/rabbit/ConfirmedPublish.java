package dev.kafkatask.rabbit;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * Publishes a message with a mandatory template on a factory with correlated confirms, and
 * waits until RabbitMQ took it: confirmed, not returned as unroutable.
 *
 * @author kafka-task
 */
final class ConfirmedPublish {

	private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(30);

	private ConfirmedPublish() {
	}

	/**
	 * Publish a message and wait for RabbitMQ's confirm.
	 * @param template the template, mandatory, on a factory with correlated confirms
	 * @param exchange the exchange
	 * @param routingKey the routing key
	 * @param message the message
	 * @param what what the message is, for the exception
	 * @throws RabbitPublishException if RabbitMQ did not confirm it, or returned it
	 * @throws InterruptedException if interrupted while waiting for the confirm
	 */
	static void publish(RabbitTemplate template, String exchange, String routingKey, Message message, String what)
			throws InterruptedException {
		CorrelationData correlation = new CorrelationData();
		template.send(exchange, routingKey, message, correlation);
		CorrelationData.Confirm confirm;
		try {
			confirm = correlation.getFuture().get(CONFIRM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new RabbitPublishException("No confirm for " + what + ": " + ex);
		}
		if (correlation.getReturned() != null || !confirm.ack()) {
			throw new RabbitPublishException("RabbitMQ did not take " + what + " on exchange '" + exchange + "': "
					+ ((correlation.getReturned() != null) ? correlation.getReturned().getReplyText() : confirm.reason()));
		}
	}

}
