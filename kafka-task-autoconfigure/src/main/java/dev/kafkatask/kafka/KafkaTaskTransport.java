package dev.kafkatask.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

import dev.kafkatask.codec.EnvelopeCodec;
import dev.kafkatask.codec.TaskEnvelope;
import dev.kafkatask.dispatch.DispatchReceipt;
import dev.kafkatask.dispatch.OutboundTask;
import dev.kafkatask.dispatch.TaskTransport;
import dev.kafkatask.options.TaskOption;
import dev.kafkatask.routing.Backend;

/**
 * {@link TaskTransport} that writes task envelopes to the queue's Kafka topic. It never
 * flushes: the receipt completes from the producer's acknowledgement callback.
 *
 * @author kafka-task
 */
public class KafkaTaskTransport implements TaskTransport {

	private final KafkaTemplate<String, byte[]> template;

	private final TaskTopics topics;

	private final EnvelopeCodec codec;

	private final @Nullable DelayedTaskPublisher delays;

	private int highPriority = 5;

	private Set<String> priorityQueues = Set.of();

	public KafkaTaskTransport(KafkaTemplate<String, byte[]> template, TaskTopics topics, EnvelopeCodec codec) {
		this(template, topics, codec, null);
	}

	/**
	 * Create a transport.
	 * @param template the template to send with
	 * @param topics the topics of queues
	 * @param codec the envelope codec
	 * @param delays writes tasks whose eta lies ahead to the delay tiers, or {@code null} to
	 * write every task to its topic at once
	 */
	public KafkaTaskTransport(KafkaTemplate<String, byte[]> template, TaskTopics topics, EnvelopeCodec codec,
			@Nullable DelayedTaskPublisher delays) {
		this.template = template;
		this.topics = topics;
		this.codec = codec;
		this.delays = delays;
	}

	/**
	 * Set the lowest priority that goes to a queue's high-priority topic.
	 * @param highPriority the threshold (AMQP's sense: higher is more urgent)
	 */
	public void setHighPriority(int highPriority) {
		this.highPriority = highPriority;
	}

	/**
	 * Set the queues that have a high-priority topic.
	 * @param priorityQueues the queues
	 */
	public void setPriorityQueues(Collection<String> priorityQueues) {
		this.priorityQueues = Set.copyOf(priorityQueues);
	}

	@Override
	public Backend backend() {
		return Backend.KAFKA;
	}

	@Override
	public CompletableFuture<DispatchReceipt> send(OutboundTask task) {
		TaskEnvelope envelope = task.envelope();
		JsonNode priority = envelope.options().get(TaskOption.PRIORITY.celeryName());
		String topic = this.topics.topic(task.queue());
		if (priority != null && priority.isNumber() && priority.asInt() >= this.highPriority) {
			if (!this.priorityQueues.contains(task.queue())) {
				return CompletableFuture.failedFuture(new IllegalArgumentException("Task '" + envelope.task()
						+ "' has priority " + priority.asInt() + " but queue '" + task.queue()
						+ "' has no high-priority topic: add it to kafka-task.kafka.priority-queues"));
			}
			topic = this.topics.highPriorityTopic(task.queue());
		}
		ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, null, task.key(),
				this.codec.encode(envelope));
		record.headers().add(TaskHeaders.TASK_ID, envelope.id().getBytes(StandardCharsets.UTF_8));
		record.headers().add(TaskHeaders.TASK_NAME, envelope.task().getBytes(StandardCharsets.UTF_8));
		Instant eta = eta(envelope);
		CompletableFuture<SendResult<String, byte[]>> sent = (this.delays != null && eta != null)
				? this.delays.publish(topic, task.key(), record.value(), record.headers(), eta)
				: this.template.send(record);
		return sent.thenApply((result) -> {
			RecordMetadata metadata = result.getRecordMetadata();
			return new DispatchReceipt(envelope.id(), envelope.task(), task.queue(), Backend.KAFKA, metadata.topic(),
					metadata.partition(), metadata.offset());
		});
	}

	private static @Nullable Instant eta(TaskEnvelope envelope) {
		JsonNode eta = envelope.options().get(TaskOption.ETA.celeryName());
		if (eta == null || !eta.isString()) {
			return null;
		}
		Instant instant = TaskOption.instant(eta.asString());
		if (instant == null) {
			throw new IllegalArgumentException("Option 'eta' is not an ISO-8601 instant between the years 1 and 9999: "
					+ eta.asString());
		}
		return instant;
	}

}
