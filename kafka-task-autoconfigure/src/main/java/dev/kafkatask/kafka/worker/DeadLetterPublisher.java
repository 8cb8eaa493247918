package dev.kafkatask.kafka.worker;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import org.jspecify.annotations.Nullable;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

import dev.kafkatask.kafka.TaskHeaders;
import dev.kafkatask.kafka.TaskTopics;
import dev.kafkatask.monitor.DeadLetterReason;

/**
 * Writes records that cannot be run to the dead-letter topic beside their topic, unchanged,
 * with headers that say why.
 *
 * @author kafka-task
 */
public class DeadLetterPublisher {

	/**
	 * Longest text of a dead-letter header: a message that quotes a payload stays short.
	 */
	private static final int MAX_HEADER_CHARS = 2000;

	private final KafkaTemplate<String, byte[]> template;

	private final TaskTopics topics;

	public DeadLetterPublisher(KafkaTemplate<String, byte[]> template, TaskTopics topics) {
		this.template = template;
		this.topics = topics;
	}

	/**
	 * Write a record to its dead-letter topic.
	 * @param record the record
	 * @param reason why
	 * @param cause the exception that describes the problem
	 * @return the send result, once acknowledged
	 */
	public CompletableFuture<SendResult<String, byte[]>> publish(ConsumerRecord<String, byte[]> record,
			DeadLetterReason reason, Throwable cause) {
		return publish(this.topics.deadLetterTopic(record.topic()), record, reason, cause);
	}

	/**
	 * Write a record to a given dead-letter topic, unchanged, with the reason in its headers.
	 * @param deadLetterTopic the dead-letter topic
	 * @param record the record
	 * @param reason why
	 * @param cause the exception that describes the problem
	 * @return the send result, once acknowledged
	 */
	public CompletableFuture<SendResult<String, byte[]>> publish(String deadLetterTopic,
			ConsumerRecord<String, byte[]> record, DeadLetterReason reason, Throwable cause) {
		return this.template.send(deadLetter(deadLetterTopic, record, reason, cause));
	}

	private static ProducerRecord<String, byte[]> deadLetter(String deadLetterTopic,
			ConsumerRecord<String, byte[]> record, DeadLetterReason reason, Throwable cause) {
		ProducerRecord<String, byte[]> deadLetter = new ProducerRecord<>(deadLetterTopic, null, record.key(),
				record.value());
		Headers headers = deadLetter.headers();
		for (Header header : record.headers()) {
			headers.add(header);
		}
		add(headers, TaskHeaders.DLT_REASON, reason.code());
		add(headers, TaskHeaders.DLT_MESSAGE, String.valueOf(cause.getMessage()));
		add(headers, TaskHeaders.DLT_EXCEPTION, cause.getClass().getName());
		add(headers, TaskHeaders.DLT_ORIGINAL_TOPIC, record.topic());
		add(headers, TaskHeaders.DLT_ORIGINAL_PARTITION, Integer.toString(record.partition()));
		add(headers, TaskHeaders.DLT_ORIGINAL_OFFSET, Long.toString(record.offset()));
		add(headers, TaskHeaders.DLT_ORIGINAL_TIMESTAMP, Long.toString(record.timestamp()));
		return deadLetter;
	}

	/**
	 * Write a task that ran (or was to run) and failed for good to the dead-letter topic of
	 * its topic: all its retries failed, it was abandoned at its time limit, or its retry
	 * could not be written. With its last failure and stack, its attempt count, when it was
	 * first dispatched and where its last record was.
	 * @param record where the task's last record was
	 * @param value its envelope
	 * @param reason why
	 * @param cause its last failure
	 * @param attempts how many times it ran
	 * @param created when it was first dispatched
	 * @return the send result, once acknowledged
	 */
	public CompletableFuture<SendResult<String, byte[]>> publishFailed(RecordPosition record, byte[] value,
			DeadLetterReason reason, Throwable cause, int attempts, Instant created) {
		return this.template.send(failed(record, value, reason, cause, attempts, created));
	}

	/**
	 * Write a task that failed for good, as {@link #publishFailed}, without its envelope: it
	 * is too large to be written again with the dead-letter headers.
	 * @param record where the task's last record was
	 * @param size the envelope's size
	 * @param reason why
	 * @param cause its last failure
	 * @param attempts how many times it ran
	 * @param created when it was first dispatched
	 * @return the send result, once acknowledged
	 */
	public CompletableFuture<SendResult<String, byte[]>> publishFailedWithoutPayload(RecordPosition record, int size,
			DeadLetterReason reason, Throwable cause, int attempts, Instant created) {
		ProducerRecord<String, byte[]> deadLetter = failed(record, null, reason, cause, attempts, created);
		add(deadLetter.headers(), TaskHeaders.DLT_PAYLOAD_OMITTED, Integer.toString(size));
		return this.template.send(deadLetter);
	}

	private ProducerRecord<String, byte[]> failed(RecordPosition record, byte @Nullable [] value,
			DeadLetterReason reason, Throwable cause, int attempts, Instant created) {
		ProducerRecord<String, byte[]> deadLetter = new ProducerRecord<>(this.topics.deadLetterTopic(record.topic()),
				null, record.key(), value);
		Headers headers = deadLetter.headers();
		add(headers, TaskHeaders.DLT_REASON, reason.code());
		add(headers, TaskHeaders.DLT_MESSAGE, String.valueOf(cause.getMessage()));
		add(headers, TaskHeaders.DLT_EXCEPTION, cause.getClass().getName());
		add(headers, TaskHeaders.DLT_STACK, stack(cause));
		add(headers, TaskHeaders.DLT_ATTEMPTS, Integer.toString(attempts));
		add(headers, TaskHeaders.DLT_CREATED, created.toString());
		add(headers, TaskHeaders.DLT_ORIGINAL_TOPIC, record.topic());
		add(headers, TaskHeaders.DLT_ORIGINAL_PARTITION, Integer.toString(record.partition()));
		add(headers, TaskHeaders.DLT_ORIGINAL_OFFSET, Long.toString(record.offset()));
		return deadLetter;
	}

	/**
	 * Where a record was: enough to dead-letter its task after the record itself was let go.
	 *
	 * @param topic its topic
	 * @param partition its partition
	 * @param offset its offset
	 * @param key its key, or {@code null}
	 */
	public record RecordPosition(String topic, int partition, long offset, @Nullable String key) {

		/**
		 * Return the position of a record.
		 * @param record the record
		 * @return its position
		 */
		public static RecordPosition of(ConsumerRecord<String, byte[]> record) {
			return new RecordPosition(record.topic(), record.partition(), record.offset(), record.key());
		}

	}

	private static String stack(Throwable cause) {
		StringBuilder stack = new StringBuilder(cause.toString());
		StackTraceElement[] frames = cause.getStackTrace();
		for (int i = 0; i < Math.min(10, frames.length); i++) {
			stack.append("\n\tat ").append(frames[i]);
		}
		return stack.toString();
	}

	/**
	 * Write a record to its dead-letter topic without its payload, for a record too large to
	 * be written again with the dead-letter headers: the payload stays in the record's own
	 * topic, at the offset the headers name, until that topic's retention.
	 * @param record the record
	 * @param reason why it is dead-lettered
	 * @param cause the exception that describes the problem
	 * @return the send result, once acknowledged
	 */
	public CompletableFuture<SendResult<String, byte[]>> publishWithoutPayload(ConsumerRecord<String, byte[]> record,
			DeadLetterReason reason, Throwable cause) {
		ConsumerRecord<String, byte[]> withoutValue = new ConsumerRecord<>(record.topic(), record.partition(),
				record.offset(), record.key(), null);
		ProducerRecord<String, byte[]> deadLetter = deadLetter(this.topics.deadLetterTopic(record.topic()),
				withoutValue, reason, cause);
		deadLetter.headers().remove(TaskHeaders.DLT_ORIGINAL_TIMESTAMP);
		add(deadLetter.headers(), TaskHeaders.DLT_ORIGINAL_TIMESTAMP, Long.toString(record.timestamp()));
		add(deadLetter.headers(), TaskHeaders.DLT_PAYLOAD_OMITTED,
				Integer.toString((record.value() != null) ? record.value().length : 0));
		return this.template.send(deadLetter);
	}

	private static void add(Headers headers, String name, String value) {
		if (value.length() > MAX_HEADER_CHARS) {
			value = value.substring(0, MAX_HEADER_CHARS) + "...";
		}
		headers.remove(name);
		headers.add(name, value.getBytes(StandardCharsets.UTF_8));
	}

}
