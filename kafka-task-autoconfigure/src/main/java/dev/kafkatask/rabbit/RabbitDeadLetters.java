package dev.kafkatask.rabbit;


import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

import dev.kafkatask.monitor.DeadLetterReason;

/**
 * Publishes messages that are not runnable tasks to the dead-letter exchange, routed by the
 * name of the queue they came from, with the reason in their headers, and waits for
 * RabbitMQ's confirm.
 *
 * @author kafka-task
 */
public class RabbitDeadLetters {

	/**
	 * Why a message was dead-lettered: a {@link DeadLetterReason} such as
	 * {@code invalid-envelope}, {@code unknown-task} or {@code invalid-arguments}.
	 */
	public static final String REASON = "kafka-task-dlt-reason";

	/**
	 * Human-readable detail of why a message was dead-lettered.
	 */
	public static final String MESSAGE = "kafka-task-dlt-message";

	/**
	 * Class of the exception that dead-lettered a message.
	 */
	public static final String EXCEPTION = "kafka-task-dlt-exception";

	/**
	 * Queue a dead-lettered message was consumed from.
	 */
	public static final String ORIGINAL_QUEUE = "kafka-task-dlt-original-queue";

	private final RabbitTemplate template;

	private final RabbitQueues queues;

	public RabbitDeadLetters(RabbitTemplate template, RabbitQueues queues) {
		this.template = template;
		this.queues = queues;
	}

	/**
	 * Dead-letter a message and wait until RabbitMQ confirmed it.
	 * @param message the message as consumed
	 * @param queue the queue it was consumed from
	 * @param reason the reason code
	 * @param cause the exception that describes the problem
	 * @throws RabbitPublishException if RabbitMQ did not take the dead letter
	 * @throws InterruptedException if interrupted while waiting for the confirm
	 */
	public void publish(Message message, String queue, DeadLetterReason reason, Throwable cause)
			throws InterruptedException {
		this.queues.declareDeadLetters(queue);
		MessageProperties properties = message.getMessageProperties();
		properties.setHeader(REASON, reason.code());
		String text = String.valueOf(cause.getMessage());
		properties.setHeader(MESSAGE, (text.length() <= 2000) ? text : text.substring(0, 2000) + "...");
		properties.setHeader(EXCEPTION, cause.getClass().getName());
		properties.setHeader(ORIGINAL_QUEUE, queue);
		// Kept until someone looks: persistent, and never expiring (a consumed message has no
		// delivery mode, and may carry its expiration, or one its expires made).
		properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
		properties.setExpiration(null);
		ConfirmedPublish.publish(this.template, this.queues.deadLetterExchange(), queue, message,
				"the dead letter of a message from queue '" + queue + "'");
	}

}
