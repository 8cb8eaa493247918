package dev.kafkatask.kafka.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.kafka.common.TopicPartition;

import org.springframework.util.Assert;

import dev.kafkatask.consumer.ConsumerSource;
import dev.kafkatask.consumer.ConsumerState;
import dev.kafkatask.consumer.TaskConsumer;
import dev.kafkatask.kafka.TaskTopics;
import dev.kafkatask.routing.Backend;

/**
 * The Kafka consumers of an application, one per queue, as views of the worker's
 * topics: starting, pausing, draining or stopping a queue changes what the worker's
 * single consumer does with that queue's topic.
 *
 * @author kafka-task
 */
public class KafkaTaskConsumers implements ConsumerSource {

	private final TaskWorker worker;

	private final TaskTopics topics;

	private final Supplier<Map<TopicPartition, Long>> lags;

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
		this.worker = worker;
		this.topics = topics;
		this.lags = lags;
	}

	@Override
	public Backend backend() {
		return Backend.KAFKA;
	}

	@Override
	public List<TaskConsumer> consumers() {
		java.util.Set<String> queues = new java.util.TreeSet<>();
		for (String topic : this.worker.getTopicStates().keySet()) {
			String queue = this.topics.queue(topic);
			queues.add((queue != null) ? queue : topic);
		}
		List<TaskConsumer> consumers = new ArrayList<>();
		queues.forEach((queue) -> consumers.add(consumer(queue)));
		return consumers;
	}

	@Override
	public TaskConsumer consumer(String queue) {
		Assert.hasText(queue, "'queue' must not be empty");
		return new QueueConsumer(queue, this.topics.topic(queue), this.topics.highPriorityTopic(queue));
	}

	private final class QueueConsumer implements TaskConsumer {

		private final String queue;

		private final String topic;

		private final String highPriorityTopic;

		QueueConsumer(String queue, String topic, String highPriorityTopic) {
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
		public ConsumerState state() {
			ConsumerState state = KafkaTaskConsumers.this.worker.getTopicStates().get(this.topic);
			return (state != null && KafkaTaskConsumers.this.worker.isRunning()) ? state : ConsumerState.STOPPED;
		}

		@Override
		public int inFlight() {
			return KafkaTaskConsumers.this.worker.getInFlight(this.topic)
					+ KafkaTaskConsumers.this.worker.getInFlight(this.highPriorityTopic);
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
			Map<TopicPartition, Long> lags = KafkaTaskConsumers.this.lags.get();
			if (!lags.keySet().containsAll(partitions)) {
				return -1;
			}
			return partitions.stream().mapToLong(lags::get).sum();
		}

		private List<TopicPartition> partitions() {
			return KafkaTaskConsumers.this.worker.getAssignment()
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
			KafkaTaskConsumers.this.worker.setTopicState(this.topic, state);
			// Only a priority queue has a high-priority topic: subscribing to one that does
			// not exist would only log errors.
			if (KafkaTaskConsumers.this.worker.getTopicStates().containsKey(this.highPriorityTopic)) {
				KafkaTaskConsumers.this.worker.setTopicState(this.highPriorityTopic, state);
			}
		}

	}

}
