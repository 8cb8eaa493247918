package dev.kafkatask.rabbit;

import java.time.Clock;

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

	/**
	 * When a message was dead-lettered, in epoch milliseconds. Dead letters written before
	 * this header existed have none; their time is the message's timestamp, if it has one.
	 */
	public static final String AT = "kafka-task-dlt-at";

	/**
	 * How many times the task ran before it was dead-lettered: 0 when it never ran (an
	 * invalid message, an unknown task, arguments that do not bind).
	 */
	public static final String ATTEMPTS = "kafka-task-dlt-attempts";

	/**
	 * Prefix of every header that says why, when and where from a message was
	 * dead-lettered: a redriven copy carries none of them.
	 */
	public static final String HEADER_PREFIX = "kafka-task-dlt-";

	private final RabbitTemplate template;

	private final RabbitQueues queues;

	private final Clock clock;

	public RabbitDeadLetters(RabbitTemplate template, RabbitQueues queues) {
		this(template, queues, Clock.systemUTC());
	}

	/**
	 * Create the dead letters.
	 * @param template the template, mandatory, on a factory with correlated confirms
	 * @param queues declares the dead-letter exchange and queues
	 * @param clock tells when a message was dead-lettered
	 */
	public RabbitDeadLetters(RabbitTemplate template, RabbitQueues queues, Clock clock) {
		this.template = template;
		this.queues = queues;
		this.clock = clock;
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
		publish(message, queue, reason, cause, 0);
	}

	/**
	 * Dead-letter a message and wait until RabbitMQ confirmed it.
	 * @param message the message as consumed
	 * @param queue the queue it was consumed from
	 * @param reason the reason code
	 * @param cause the exception that describes the problem
	 * @param attempts how many times its task ran
	 * @throws RabbitPublishException if RabbitMQ did not take the dead letter
	 * @throws InterruptedException if interrupted while waiting for the confirm
	 */
	public void publish(Message message, String queue, DeadLetterReason reason, Throwable cause, int attempts)
			throws InterruptedException {
		this.queues.declareDeadLetters(queue);
		MessageProperties properties = message.getMessageProperties();
		// never CC or BCC: RabbitMQ would route a copy of the dead letter to each queue they name
		properties.getHeaders().remove("CC");
		properties.getHeaders().remove("BCC");
		properties.setHeader(REASON, reason.code());
		String text = String.valueOf(cause.getMessage());
		properties.setHeader(MESSAGE, (text.length() <= 2000) ? text : text.substring(0, 2000) + "...");
		properties.setHeader(EXCEPTION, cause.getClass().getName());
		properties.setHeader(ORIGINAL_QUEUE, queue);
		properties.setHeader(AT, this.clock.millis());
		properties.setHeader(ATTEMPTS, Math.max(0, attempts));
		// Kept until someone looks: persistent, and never expiring (a consumed message has no
		// delivery mode, and may carry its expiration, or one its expires made).
		properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
		properties.setExpiration(null);
		ConfirmedPublish.publish(this.template, this.queues.deadLetterExchange(), queue, message,
				"the dead letter of a message from queue '" + queue + "'");
	}

}
