package dev.kafkatask.kafka.worker;

import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.core.ConsumerFactory;

import dev.kafkatask.consumer.ConsumerState;
import dev.kafkatask.consumer.TaskConsumer;
import dev.kafkatask.consumer.TaskConsumers;
import dev.kafkatask.kafka.TaskTopics;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.routing.Backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for {@link KafkaTaskConsumers} with the workers of two clusters: one consumer per
 * queue and cluster, each controlled on its own; the default cluster's when a call names
 * none.
 *
 * @author kafka-task
 */
class KafkaTaskConsumersTests {

	private final TaskTopics topics = new TaskTopics("tasks.");

	private final TaskWorker defaultWorker = worker();

	private final TaskWorker eastWorker = worker();

	private final KafkaTaskConsumers consumers = new KafkaTaskConsumers(this.defaultWorker, this.topics);

	KafkaTaskConsumersTests() {
		this.consumers.addCluster("east", this.eastWorker, () -> Map.of(new TopicPartition("tasks.orders", 0), 7L));
	}

	@Test
	void whenTwoClustersAreConsumedThenEachQueueHasAConsumerPerCluster() {
		assertThat(new TaskConsumers(List.of(this.consumers)).all())
			.extracting(TaskConsumer::backend, TaskConsumer::cluster, TaskConsumer::queue)
			.containsExactly(tuple(Backend.KAFKA, "default", "orders"), tuple(Backend.KAFKA, "east", "orders"),
					tuple(Backend.KAFKA, "default", "reports"), tuple(Backend.KAFKA, "east", "reports"));
	}

	@Test
	void whenAQueueIsDrainedOnOneClusterThenOnlyThatClustersWorkerChanges() {
		this.consumers.consumer("default", "orders").drain();
		assertThat(this.defaultWorker.getTopicStates()).containsEntry("tasks.orders", ConsumerState.DRAINING);
		assertThat(this.eastWorker.getTopicStates()).containsEntry("tasks.orders", ConsumerState.RUNNING);
		this.consumers.consumer("east", "reports").stop();
		assertThat(this.eastWorker.getTopicStates()).containsEntry("tasks.reports", ConsumerState.STOPPED);
		assertThat(this.defaultWorker.getTopicStates()).containsEntry("tasks.reports", ConsumerState.RUNNING);
	}

	@Test
	void whenNoClusterIsNamedThenItIsTheDefaultOne() {
		assertThat(this.consumers.consumer("orders").cluster()).isEqualTo("default");
		assertThat(new TaskConsumers(List.of(this.consumers)).consumer(Backend.KAFKA, "orders").cluster())
			.isEqualTo("default");
		this.consumers.consumer(null, "orders").pause();
		assertThat(this.defaultWorker.getTopicStates()).containsEntry("tasks.orders", ConsumerState.PAUSED);
	}

	@Test
	void whenAClusterIsNotConsumedThenItsConsumerIsRefusedNamingTheClustersThatAre() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> this.consumers.consumer("west", "orders"))
			.withMessage("This application consumes no Kafka cluster 'west' (kafka-task.worker.clusters);"
					+ " it consumes [default, east]");
	}

	@Test
	void whenAClusterIsAddedTwiceThenItIsRefused() {
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> this.consumers.addCluster("east", this.eastWorker, Map::of))
			.withMessageContaining("'east' is already added");
	}

	private TaskWorker worker() {
		return new TaskWorker(WorkerSettings.of("workers"), this::consumerFactory,
				() -> List.of("tasks.orders", "tasks.reports"), new ScriptedRecordHandler(true), new TaskObserver() {
				});
	}

	private ConsumerFactory<String, byte[]> consumerFactory() {
		throw new IllegalStateException("These workers are never started");
	}

}
