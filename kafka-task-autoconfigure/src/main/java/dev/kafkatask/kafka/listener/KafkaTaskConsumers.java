package dev.kafkatask.kafka.listener;

import java.util.ArrayList;
import java.util.List;

import org.springframework.util.Assert;

import dev.kafkatask.consumer.ConsumerSource;
import dev.kafkatask.consumer.ConsumerState;
import dev.kafkatask.consumer.TaskConsumer;
import dev.kafkatask.kafka.TaskTopics;
import dev.kafkatask.routing.Backend;

/**
 * The Kafka consumers of an application, one per queue, as views of the worker container's
 * topics: starting, pausing, draining or stopping a queue changes what the container's
 * single consumer does with that queue's topic.
 *
 * @author kafka-task
 */
public class KafkaTaskConsumers implements ConsumerSource {

	private final TaskListenerContainer container;

	private final TaskTopics topics;

	public KafkaTaskConsumers(TaskListenerContainer container, TaskTopics topics) {
		this.container = container;
		this.topics = topics;
	}

	@Override
	public Backend backend() {
		return Backend.KAFKA;
	}

	@Override
	public List<TaskConsumer> consumers() {
		java.util.Set<String> queues = new java.util.TreeSet<>();
		for (String topic : this.container.getTopicStates().keySet()) {
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
			ConsumerState state = KafkaTaskConsumers.this.container.getTopicStates().get(this.topic);
			return (state != null && KafkaTaskConsumers.this.container.isRunning()) ? state : ConsumerState.STOPPED;
		}

		@Override
		public int inFlight() {
			return KafkaTaskConsumers.this.container.getInFlight(this.topic)
					+ KafkaTaskConsumers.this.container.getInFlight(this.highPriorityTopic);
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
			KafkaTaskConsumers.this.container.setTopicState(this.topic, state);
			KafkaTaskConsumers.this.container.setTopicState(this.highPriorityTopic, state);
		}

	}

}
