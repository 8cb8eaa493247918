package dev.kafkatask.rabbit;

import java.time.Instant;
import java.util.Date;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;

import dev.kafkatask.celery.CeleryMessageCodec;
import dev.kafkatask.execution.TaskRunner;
import dev.kafkatask.kafka.deadletter.DeadLetter;
import dev.kafkatask.kafka.deadletter.RedriveResult;
import dev.kafkatask.monitor.DeadLetterReason;

/**
 * Reads the messages of RabbitMQ dead-letter queues, and writes the copies that redrive them:
 * the RabbitMQ counterpart of the Kafka leg's dead-letter records.
 *
 * @author kafka-task
 */
final class RabbitDeadLetterMessages {

	/**
	 * How many times a task was redriven from its dead-letter queue. The Celery codec keeps
	 * it with the task (as one of the envelope's headers), so that a task dead-lettered again
	 * after a redrive carries it.
	 */
	static final String REDRIVE_COUNT = "kafka-task-redrive-count";

	private static final int MAX_NAME_CHARS = 1024;

	private static final int MAX_MESSAGE_CHARS = 2000;

	private RabbitDeadLetterMessages() {
	}

	/**
	 * Describe a message of a dead-letter queue; whatever its headers and body hold, it is
	 * described.
	 * @param deadLetterQueue the queue it was read from
	 * @param place its place in the queue when it was read, 0 at the head
	 * @param message the message
	 * @return what it is
	 */
	static DeadLetter read(String deadLetterQueue, long place, Message message) {
		MessageProperties properties = message.getMessageProperties();
		Map<String, @Nullable Object> headers = properties.getHeaders();
		String taskId = text(headers.get("id"), MAX_NAME_CHARS);
		if (taskId == null) {
			taskId = text(properties.getCorrelationId(), MAX_NAME_CHARS);
		}
		String task = text(headers.get("task"), MAX_NAME_CHARS);
		String reasonCode = text(headers.get(RabbitDeadLetters.REASON), 64);
		DeadLetterReason reason = null;
		for (DeadLetterReason candidate : DeadLetterReason.values()) {
			if (candidate.code().equals(reasonCode)) {
				reason = candidate;
			}
		}
		long attempts = number(headers.get(RabbitDeadLetters.ATTEMPTS), -1);
		if (attempts < 0) {
			attempts = number(headers.get("retries"), 0);
		}
		int redriveCount = (int) Math.min(Integer.MAX_VALUE, number(headers.get(REDRIVE_COUNT), 0));
		byte[] body = message.getBody();
		return new DeadLetter(deadLetterQueue, DeadLetter.NO_PARTITION, place, taskId, task, reason,
				text(headers.get(RabbitDeadLetters.MESSAGE), MAX_MESSAGE_CHARS), deadLetteredAt(properties),
				(int) Math.min(Integer.MAX_VALUE, attempts), redriveCount, (body != null) ? body.length : 0, false,
				null);
	}

	/**
	 * Return why a dead letter cannot be redriven, or {@code null} if it can.
	 * @param deadLetter the dead letter
	 * @return the reason
	 */
	static RedriveResult.@Nullable SkipReason unredrivable(DeadLetter deadLetter) {
		return (deadLetter.payloadSize() == 0) ? RedriveResult.SkipReason.NO_PAYLOAD : null;
	}

	/**
	 * Return the copy of a dead letter that redrives it to its queue: its body and
	 * properties, persistent and without an expiration, its headers but the dead-letter
	 * ones, the redrive count one more, its Celery {@code retries} reset to 0 when it has
	 * them (the task gets its retry policy's attempts again), and without a reserved
	 * rate-limit slot. Its {@code eta} and {@code expires}, if it has them, are kept: a task
	 * that expired meanwhile is expired when it comes back.
	 * @param message the dead letter's message
	 * @param deadLetter what it is
	 * @return the copy
	 */
	static Message redriven(Message message, DeadLetter deadLetter) {
		MessageProperties source = message.getMessageProperties();
		MessageProperties copy = new MessageProperties();
		copy.setContentType(source.getContentType());
		copy.setContentEncoding(source.getContentEncoding());
		copy.setCorrelationId(source.getCorrelationId());
		copy.setReplyTo(source.getReplyTo());
		copy.setMessageId(source.getMessageId());
		copy.setTimestamp(source.getTimestamp());
		copy.setType(source.getType());
		copy.setAppId(source.getAppId());
		copy.setPriority(source.getPriority());
		copy.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
		source.getHeaders().forEach((name, value) -> {
			// never CC or BCC: RabbitMQ routes a copy to each queue they name
			if (!name.startsWith(RabbitDeadLetters.HEADER_PREFIX) && !name.equals(REDRIVE_COUNT)
					&& !name.equals(TaskRunner.RATE_SLOT_RESERVED) && !CeleryMessageCodec.isBrokerHeader(name)) {
				copy.setHeader(name, value);
			}
		});
		if (source.getHeaders().get("retries") instanceof Number) {
			copy.setHeader("retries", 0);
		}
		copy.setHeader(REDRIVE_COUNT, Integer.toString(deadLetter.redriveCount() + 1));
		return new Message(message.getBody(), copy);
	}

	private static Instant deadLetteredAt(MessageProperties properties) {
		long at = number(properties.getHeaders().get(RabbitDeadLetters.AT), -1);
		if (at >= 0) {
			return Instant.ofEpochMilli(at);
		}
		Date timestamp = properties.getTimestamp();
		return (timestamp != null) ? timestamp.toInstant() : Instant.EPOCH;
	}

	private static @Nullable String text(@Nullable Object value, int maxChars) {
		if (value == null) {
			return null;
		}
		String text = (value instanceof byte[] bytes) ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
				: value.toString();
		return (text.length() > maxChars) ? text.substring(0, maxChars) + "..." : text;
	}

	private static long number(@Nullable Object value, long otherwise) {
		if (value instanceof Number number) {
			long parsed = number.longValue();
			return (parsed >= 0) ? parsed : otherwise;
		}
		String text = text(value, 32);
		if (text == null) {
			return otherwise;
		}
		try {
			long parsed = Long.parseLong(text.strip());
			return (parsed >= 0) ? parsed : otherwise;
		}
		catch (NumberFormatException ex) {
			return otherwise;
		}
	}

}
