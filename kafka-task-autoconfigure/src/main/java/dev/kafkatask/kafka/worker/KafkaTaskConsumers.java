package dev.kafkatask.kafka.worker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import dev.kafkatask.consumer.ConsumerSource;
import dev.kafkatask.consumer.ConsumerState;
import dev.kafkatask.consumer.TaskConsumer;
import dev.kafkatask.kafka.TaskTopics;
import dev.kafkatask.routing.Backend;
import dev.kafkatask.routing.Route;

/**
 * The Kafka consumers of an application, one per queue and cluster, as views of the
 * workers' topics: starting, pausing, draining or stopping a queue on a cluster changes
 * what that cluster's worker does with the queue's topic. The default cluster
 * ({@value Route#DEFAULT_CLUSTER}) is the one a call names when it names none.
 *
 * @author kafka-task
 */
public class KafkaTaskConsumers implements ConsumerSource {

	private final Map<String, ClusterView> clusters = new LinkedHashMap<>();

	private final TaskTopics topics;

	public KafkaTaskConsumers(TaskWorker worker, TaskTopics topics) {
		this(worker, topics, Map::of);
	}

	/**
	 * Create the consumers.
	 * @param worker the worker
	 * @param topics the topics of queues
	 * @param lags reads the lag of each partition assigned to the worker
	 */
	public KafkaTaskConsumers(TaskWorker worker, TaskTopics topics,
			Supplier<Map<TopicPartition, Long>> lags) {
		this.topics = topics;
		this.clusters.put(Route.DEFAULT_CLUSTER, new ClusterView(worker, lags));
	}

	/**
	 * Add the worker of a named Kafka cluster.
	 * @param cluster the cluster's name
	 * @param worker its worker
	 * @param lags reads the lag of each partition assigned to that worker
	 */
	public void addCluster(String cluster, TaskWorker worker, Supplier<Map<TopicPartition, Long>> lags) {
		Assert.hasText(cluster, "'cluster' must not be empty");
		Assert.state(!this.clusters.containsKey(cluster), () -> "Kafka cluster '" + cluster + "' is already added");
		this.clusters.put(cluster, new ClusterView(worker, lags));
	}

	@Override
	public Backend backend() {
		return Backend.KAFKA;
	}

	@Override
	public List<TaskConsumer> consumers() {
		List<TaskConsumer> consumers = new ArrayList<>();
		this.clusters.forEach((cluster, view) -> {
			Set<String> queues = new TreeSet<>();
			for (String topic : view.worker().getTopicStates().keySet()) {
				String queue = this.topics.queue(topic);
				queues.add((queue != null) ? queue : topic);
			}
			queues.forEach((queue) -> consumers.add(consumer(cluster, queue)));
		});
		return consumers;
	}

	@Override
	public TaskConsumer consumer(String queue) {
		return consumer(null, queue);
	}

	@Override
	public TaskConsumer consumer(@Nullable String cluster, String queue) {
		Assert.hasText(queue, "'queue' must not be empty");
		String name = (cluster != null) ? cluster : Route.DEFAULT_CLUSTER;
		ClusterView view = this.clusters.get(name);
		if (view == null) {
			throw new IllegalArgumentException("This application consumes no Kafka cluster '" + name
					+ "' (kafka-task.worker.clusters); it consumes " + this.clusters.keySet());
		}
		return new QueueConsumer(name, view, queue, this.topics.topic(queue), this.topics.highPriorityTopic(queue));
	}

	/**
	 * The worker of one cluster and how to read its lag.
	 */
	private record ClusterView(TaskWorker worker, Supplier<Map<TopicPartition, Long>> lags) {
	}

	private final class QueueConsumer implements TaskConsumer {

		private final String cluster;

		private final TaskWorker worker;

		private final Supplier<Map<TopicPartition, Long>> lags;

		private final String queue;

		private final String topic;

		private final String highPriorityTopic;

		QueueConsumer(String cluster, ClusterView view, String queue, String topic, String highPriorityTopic) {
			this.cluster = cluster;
			this.worker = view.worker();
			this.lags = view.lags();
			this.queue = queue;
			this.topic = topic;
			this.highPriorityTopic = highPriorityTopic;
		}

		@Override
		public Backend backend() {
			return Backend.KAFKA;
		}

		@Override
		public String queue() {
			return this.queue;
		}

		@Override
		public String cluster() {
			return this.cluster;
		}

		@Override
		public ConsumerState state() {
			ConsumerState state = this.worker.getTopicStates().get(this.topic);
			return (state != null && this.worker.isRunning()) ? state : ConsumerState.STOPPED;
		}

		@Override
		public int inFlight() {
			return this.worker.getInFlight(this.topic)
					+ this.worker.getInFlight(this.highPriorityTopic);
		}

		@Override
		public List<String> assignment() {
			return partitions().stream().map(TopicPartition::toString).sorted().toList();
		}

		@Override
		public long backlog() {
			List<TopicPartition> partitions = partitions();
			if (partitions.isEmpty()) {
				return 0;
			}
			Map<TopicPartition, Long> lags = this.lags.get();
			if (!lags.keySet().containsAll(partitions)) {
				return -1;
			}
			return partitions.stream().mapToLong(lags::get).sum();
		}

		private List<TopicPartition> partitions() {
			return this.worker.getAssignment()
				.stream()
				.filter((partition) -> partition.topic().equals(this.topic)
						|| partition.topic().equals(this.highPriorityTopic))
				.toList();
		}

		@Override
		public void start() {
			set(ConsumerState.RUNNING);
		}

		@Override
		public void pause() {
			set(ConsumerState.PAUSED);
		}

		@Override
		public void drain() {
			set(ConsumerState.DRAINING);
		}

		@Override
		public void stop() {
			set(ConsumerState.STOPPED);
		}

		private void set(ConsumerState state) {
			this.worker.setTopicState(this.topic, state);
			// Only a priority queue has a high-priority topic: subscribing to one that does
			// not exist would only log errors.
			if (this.worker.getTopicStates().containsKey(this.highPriorityTopic)) {
				this.worker.setTopicState(this.highPriorityTopic, state);
			}
		}

	}

}
