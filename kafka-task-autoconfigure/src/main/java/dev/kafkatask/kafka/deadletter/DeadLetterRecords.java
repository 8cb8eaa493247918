package dev.kafkatask.kafka.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

import dev.kafkatask.codec.EnvelopeCodec;
import dev.kafkatask.codec.TaskEnvelope;
import dev.kafkatask.execution.TaskRunner;
import dev.kafkatask.kafka.TaskHeaders;
import dev.kafkatask.monitor.DeadLetterReason;

/**
 * Reads the records of dead-letter topics, and writes the copies that redrive them.
 *
 * @author kafka-task
 */
final class DeadLetterRecords {

	/**
	 * Prefix of the headers that say why and where from a record was dead-lettered: a
	 * redriven copy carries none of them.
	 */
	static final String DEAD_LETTER_HEADERS = "kafka-task-dlt-";

	private static final int MAX_MESSAGE_CHARS = 2000;

	private final EnvelopeCodec codec;

	DeadLetterRecords(EnvelopeCodec codec) {
		this.codec = codec;
	}

	/**
	 * Read a dead-letter record; whatever its headers and payload hold, it is described.
	 * @param record the record
	 * @return what it is
	 */
	Read read(ConsumerRecord<String, byte[]> record) {
		TaskEnvelope envelope = envelope(record.value());
		String taskId = (envelope != null) ? envelope.id() : text(record, TaskHeaders.TASK_ID, 1024);
		String task = (envelope != null) ? envelope.task() : text(record, TaskHeaders.TASK_NAME, 1024);
		String reasonCode = text(record, TaskHeaders.DLT_REASON, 64);
		DeadLetterReason reason = null;
		for (DeadLetterReason candidate : DeadLetterReason.values()) {
			if (candidate.code().equals(reasonCode)) {
				reason = candidate;
			}
		}
		int attempts = number(text(record, TaskHeaders.DLT_ATTEMPTS, 16), -1);
		if (attempts < 0) {
			attempts = (envelope != null) ? envelope.retries() : 0;
		}
		int redriveCount = number(text(record, TaskHeaders.REDRIVE_COUNT, 16), 0);
		if (envelope != null) {
			redriveCount = Math.max(redriveCount, number(envelope.headers().get(TaskHeaders.REDRIVE_COUNT), 0));
		}
		boolean omitted = record.headers().lastHeader(TaskHeaders.DLT_PAYLOAD_OMITTED) != null;
		int size = (record.value() != null) ? record.value().length
				: (omitted ? Math.max(0, number(text(record, TaskHeaders.DLT_PAYLOAD_OMITTED, 16), 0)) : 0);
		DeadLetter deadLetter = new DeadLetter(record.topic(), record.partition(), record.offset(), taskId, task,
				reason, text(record, TaskHeaders.DLT_MESSAGE, MAX_MESSAGE_CHARS),
				Instant.ofEpochMilli(record.timestamp()), attempts, redriveCount, size, omitted, null);
		return new Read(deadLetter, envelope);
	}

	/**
	 * Return the copy of a dead letter that redrives it to a topic: its key and payload, its
	 * headers but the dead-letter ones, and the redrive count one more than it was. A payload
	 * that is a task envelope goes with its retries reset (the task gets its retry policy's
	 * attempts again), without a reserved rate-limit slot, and with the redrive count in its
	 * headers too; any other payload goes unchanged.
	 * @param record the dead-letter record
	 * @param read what it is
	 * @param topic the topic to redrive it to
	 * @return the copy
	 */
	ProducerRecord<String, byte[]> redriven(ConsumerRecord<String, byte[]> record, Read read, String topic) {
		String count = Integer.toString(read.deadLetter().redriveCount() + 1);
		TaskEnvelope envelope = read.envelope();
		byte[] value = (envelope != null) ? this.codec.encode(envelope.withRetries(0)
			.withoutHeader(TaskRunner.RATE_SLOT_RESERVED)
			.withHeader(TaskHeaders.REDRIVE_COUNT, count)) : record.value();
		ProducerRecord<String, byte[]> redriven = new ProducerRecord<>(topic, null, record.key(), value);
		Headers headers = redriven.headers();
		for (Header header : record.headers()) {
			if (!header.key().startsWith(DEAD_LETTER_HEADERS) && !header.key().equals(TaskHeaders.REDRIVE_COUNT)
					&& (envelope == null || !isTaskHeader(header))) {
				headers.add(header);
			}
		}
		if (envelope != null) {
			// as a dispatch writes it: the dead letter of a task that failed has lost these
			headers.add(TaskHeaders.TASK_ID, envelope.id().getBytes(StandardCharsets.UTF_8));
			headers.add(TaskHeaders.TASK_NAME, envelope.task().getBytes(StandardCharsets.UTF_8));
		}
		headers.add(TaskHeaders.REDRIVE_COUNT, count.getBytes(StandardCharsets.UTF_8));
		return redriven;
	}

	private static boolean isTaskHeader(Header header) {
		return header.key().equals(TaskHeaders.TASK_ID) || header.key().equals(TaskHeaders.TASK_NAME);
	}

	private @Nullable TaskEnvelope envelope(byte @Nullable [] value) {
		if (value == null || value.length == 0) {
			return null;
		}
		try {
			return this.codec.decode(value);
		}
		catch (RuntimeException ex) {
			// not an envelope (an invalid-envelope dead letter): described by its headers
			return null;
		}
	}

	private static @Nullable String text(ConsumerRecord<?, ?> record, String name, int maxChars) {
		Header header = record.headers().lastHeader(name);
		if (header == null || header.value() == null) {
			return null;
		}
		String text = new String(header.value(), StandardCharsets.UTF_8);
		return (text.length() > maxChars) ? text.substring(0, maxChars) + "..." : text;
	}

	private static int number(@Nullable String text, int otherwise) {
		if (text == null) {
			return otherwise;
		}
		try {
			int number = Integer.parseInt(text.strip());
			return (number >= 0) ? number : otherwise;
		}
		catch (NumberFormatException ex) {
			return otherwise;
		}
	}

	/**
	 * A dead-letter record as read.
	 *
	 * @param deadLetter what it is
	 * @param envelope its payload as a task envelope, or {@code null} when it is none
	 */
	record Read(DeadLetter deadLetter, @Nullable TaskEnvelope envelope) {

		/**
		 * Why it cannot be redriven, or {@code null} if it can.
		 * @return the reason
		 */
		RedriveResult.@Nullable SkipReason unredrivable() {
			if (this.deadLetter.payloadOmitted()) {
				return RedriveResult.SkipReason.PAYLOAD_OMITTED;
			}
			return (this.deadLetter.payloadSize() == 0) ? RedriveResult.SkipReason.NO_PAYLOAD : null;
		}

	}

}
