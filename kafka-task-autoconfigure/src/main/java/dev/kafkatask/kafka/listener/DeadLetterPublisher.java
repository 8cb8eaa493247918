package dev.kafkatask.kafka.listener;

import java.nio.charset.StandardCharsets;
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
		return this.template.send(deadLetter);
	}

	/**
	 * Write a task that failed on every attempt to the dead-letter topic of its topic, with
	 * its last failure, its attempt count and when it was first dispatched.
	 * @param topic the task's topic
	 * @param key its key, or {@code null}
	 * @param value its envelope
	 * @param cause its last failure
	 * @param attempts how many times it ran
	 * @param created when it was first dispatched
	 * @return the send result, once acknowledged
	 */
	public CompletableFuture<SendResult<String, byte[]>> publishExhausted(String topic, @Nullable String key,
			byte[] value, Throwable cause, int attempts, java.time.Instant created) {
		ProducerRecord<String, byte[]> deadLetter = new ProducerRecord<>(this.topics.deadLetterTopic(topic), null, key,
				value);
		Headers headers = deadLetter.headers();
		add(headers, TaskHeaders.DLT_REASON, DeadLetterReason.MAX_RETRIES_EXCEEDED.code());
		add(headers, TaskHeaders.DLT_MESSAGE, String.valueOf(cause.getMessage()));
		add(headers, TaskHeaders.DLT_EXCEPTION, cause.getClass().getName());
		add(headers, TaskHeaders.DLT_STACK, stack(cause));
		add(headers, TaskHeaders.DLT_ATTEMPTS, Integer.toString(attempts));
		add(headers, TaskHeaders.DLT_CREATED, created.toString());
		add(headers, TaskHeaders.DLT_ORIGINAL_TOPIC, topic);
		return this.template.send(deadLetter);
	}

	private static String stack(Throwable cause) {
		StringBuilder stack = new StringBuilder(cause.toString());
		StackTraceElement[] frames = cause.getStackTrace();
		for (int i = 0; i < Math.min(10, frames.length); i++) {
			stack.append("\n\tat ").append(frames[i]);
		}
		return stack.toString();
	}

	private static void add(Headers headers, String name, String value) {
		headers.remove(name);
		headers.add(name, value.getBytes(StandardCharsets.UTF_8));
	}

}
