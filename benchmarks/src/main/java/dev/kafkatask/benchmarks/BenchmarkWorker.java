package dev.kafkatask.benchmarks;

import java.util.Collection;
import java.util.Objects;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;

import org.springframework.context.ApplicationContext;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

import dev.kafkatask.kafka.TaskTopics;
import dev.kafkatask.kafka.worker.TaskWorker;

/**
 * The worker of a benchmark context, whichever engine runs it.
 *
 * @author kafka-task
 */
interface BenchmarkWorker {

	/**
	 * Return the partitions assigned to the worker now.
	 * @return the assignment
	 */
	Collection<TopicPartition> assignment();

	/**
	 * Start the worker, when the context did not.
	 */
	void start();

	/**
	 * Return whether the worker consumes the given number of partitions.
	 * @param partitions the partitions of its topics
	 * @return whether it is ready
	 */
	default boolean ready(int partitions) {
		return assignment().size() >= partitions;
	}

	static BenchmarkWorker in(ApplicationContext context, Engine engine) {
		return switch (engine) {
			case KAFKA_TASK -> new KafkaTaskWorker(context.getBean(TaskWorker.class));
			case SHARE -> new ShareWorker(context.getBean(TaskWorker.class));
			case SPRING_KAFKA -> new SpringKafkaWorker(Objects.requireNonNull(
					context.getBean(KafkaListenerEndpointRegistry.class)
						.getListenerContainer(SpringKafkaEngineConfiguration.LISTENER_ID),
					"no spring-kafka listener container"));
		};
	}

	/**
	 * kafka-task's container.
	 *
	 * @param container the container
	 */
	record KafkaTaskWorker(TaskWorker container) implements BenchmarkWorker {

		@Override
		public Set<TopicPartition> assignment() {
			// the queue's own partitions; its high-priority topic's are assigned alongside
			Set<TopicPartition> assigned = new java.util.HashSet<>(this.container.getAssignment());
			assigned.removeIf((partition) -> partition.topic().endsWith(TaskTopics.HIGH_PRIORITY_SUFFIX));
			return assigned;
		}

		@Override
		public void start() {
			this.container.start();
		}

	}

	/**
	 * kafka-task's worker consuming through a share group, whose members are not assigned
	 * partitions of their own: ready once its consumers run.
	 *
	 * @param worker the worker
	 */
	record ShareWorker(TaskWorker worker) implements BenchmarkWorker {

		@Override
		public Collection<TopicPartition> assignment() {
			return Set.of();
		}

		@Override
		public boolean ready(int partitions) {
			return this.worker.isConsuming();
		}

		@Override
		public void start() {
			this.worker.start();
		}

	}

	/**
	 * spring-kafka's listener container.
	 *
	 * @param container the container
	 */
	record SpringKafkaWorker(MessageListenerContainer container) implements BenchmarkWorker {

		@Override
		public Collection<TopicPartition> assignment() {
			Collection<TopicPartition> assigned = this.container.getAssignedPartitions();
			return (assigned != null) ? assigned : Set.of();
		}

		@Override
		public void start() {
			this.container.start();
		}

	}

}
