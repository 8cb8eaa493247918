package dev.kafkatask.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;
import org.springframework.util.Assert;

import dev.kafkatask.codec.EnvelopeCodec;
import dev.kafkatask.codec.TaskEnvelope;
import dev.kafkatask.dispatch.DispatchReceipt;
import dev.kafkatask.dispatch.OutboundTask;
import dev.kafkatask.dispatch.TaskTransport;
import dev.kafkatask.options.TaskOption;
import dev.kafkatask.routing.Backend;
import dev.kafkatask.routing.Route;

/**
 * {@link TaskTransport} that writes task envelopes to the queue's Kafka topic, on the Kafka
 * cluster each task is routed to: the default one, or one {@link #addCluster added} by name.
 * It never flushes: the receipt completes from the producer's acknowledgement callback. A
 * send to an added cluster that fails does so with a {@link ClusterSendException} that names
 * the cluster.
 *
 * @author kafka-task
 */
public class KafkaTaskTransport implements TaskTransport {

	private final Map<String, Cluster> clusters = new ConcurrentHashMap<>();

	private final TaskTopics topics;

	private final EnvelopeCodec codec;

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
		this.clusters.put(Route.DEFAULT_CLUSTER, new Cluster(template, delays));
		this.topics = topics;
		this.codec = codec;
	}

	/**
	 * Add a Kafka cluster that tasks can be routed to, besides the default one.
	 * @param name the cluster's name
	 * @param template the template to send with, on that cluster
	 * @param delays writes tasks whose eta lies ahead to that cluster's delay tiers, or
	 * {@code null} to write every task to its topic at once
	 */
	public void addCluster(String name, KafkaTemplate<String, byte[]> template,
			@Nullable DelayedTaskPublisher delays) {
		Assert.isTrue(!Route.DEFAULT_CLUSTER.equals(name), () -> "'" + name + "' is the default cluster");
		Cluster previous = this.clusters.putIfAbsent(name, new Cluster(template, delays));
		Assert.state(previous == null, () -> "Kafka cluster '" + name + "' was added already");
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
		String clusterName = (task.cluster() != null) ? task.cluster() : Route.DEFAULT_CLUSTER;
		Cluster cluster = this.clusters.get(clusterName);
		if (cluster == null) {
			return CompletableFuture.failedFuture(new IllegalStateException("Task '" + envelope.task()
					+ "' is routed to Kafka cluster '" + clusterName + "', which is not configured; known: "
					+ new TreeSet<>(this.clusters.keySet())));
		}
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
		CompletableFuture<SendResult<String, byte[]>> sent;
		try {
			sent = (cluster.delays() != null && eta != null)
					? cluster.delays().publish(topic, task.key(), record.value(), record.headers(), eta)
					: cluster.template().send(record);
		}
		catch (RuntimeException ex) {
			// the template throws when the producer gives up waiting for the topic's metadata
			sent = CompletableFuture.failedFuture(ex);
		}
		if (!clusterName.equals(Route.DEFAULT_CLUSTER)) {
			String target = topic;
			sent = sent.handle((result, failure) -> {
				if (failure != null) {
					throw new ClusterSendException(clusterName, envelope, target, failure);
				}
				return result;
			});
		}
		return sent.thenApply((result) -> {
			RecordMetadata metadata = result.getRecordMetadata();
			return new DispatchReceipt(envelope.id(), envelope.task(), task.queue(), Backend.KAFKA, metadata.topic(),
					metadata.partition(), metadata.offset(), clusterName);
		});
	}

	/**
	 * Where tasks routed to one cluster are written.
	 */
	private record Cluster(KafkaTemplate<String, byte[]> template, @Nullable DelayedTaskPublisher delays) {
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
