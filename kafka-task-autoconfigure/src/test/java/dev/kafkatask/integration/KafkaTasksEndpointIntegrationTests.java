package dev.kafkatask.integration;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.context.ConfigurableApplicationContext;

import dev.kafkatask.actuate.KafkaTasksEndpoint.ConsumerDescriptor;
import dev.kafkatask.actuate.KafkaTasksEndpoint.TaskDescriptor;
import dev.kafkatask.actuate.KafkaTasksEndpoint;
import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.kafka.worker.TaskWorker;
import dev.kafkatask.test.ConsumerGroupOnly;
import dev.kafkatask.test.SharedKafkaBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * What the {@code kafkatasks} endpoint reads, on a real broker: owners of tasks and queues, and
 * per consumer its assignment, tasks in flight and lag.
 *
 * @author kafka-task
 */
@SharedKafkaBroker
class KafkaTasksEndpointIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final TaskApplications apps = new TaskApplications();

	@Test
	void whenAWriteNamesAQueueTheApplicationDoesNotKnowThenItIsRefused() {
		try (ConfigurableApplicationContext app = this.apps.start("kafka-task.kafka.queues=reports",
				"management.endpoints.web.exposure.include=kafkatasks")) {
			KafkaTasksEndpoint endpoint = app.getBean(KafkaTasksEndpoint.class);
			for (String queue : List.of("default.dlt", "default.high", "__delay.1s", "nosuch")) {
				assertThatExceptionOfType(InvalidEndpointRequestException.class)
					.isThrownBy(() -> endpoint.consumer("kafka", queue, "start"))
					.withMessageContaining("Unknown queue '" + queue + "'");
				assertThatExceptionOfType(InvalidEndpointRequestException.class)
					.isThrownBy(() -> endpoint.route("queue", queue, "rabbitmq", null, null, null, null, null, null));
			}
			assertThat(app.getBean(TaskWorker.class).getTopicStates()).doesNotContainKeys(
					this.apps.topic("default.dlt"), this.apps.topic("nosuch"));
			assertThat(endpoint.consumer("kafka", "reports", "pause").state()).isEqualTo("paused");
			assertThat(endpoint.route("queue", "reports", "kafka", null, null, null, null, null, null).queues())
				.containsKey("reports");
			assertThat(endpoint.route("queue", "reports", "rabbitmq", null, null, null, null, null, "kafka")
				.queues()
				.get("reports")
				.onUnavailable()).isEqualTo("kafka");
			assertThat(endpoint.route("queue", "reports", "rabbitmq", null, "kafka", null, 10.0, null, null)
				.queues()
				.get("reports")
				.onUnavailable()).as("kept when a write leaves it out").isEqualTo("kafka");
		}
	}

	@Test
	@ConsumerGroupOnly("partition assignments")
	void whenWorkWaitsBehindABlockedTaskThenTheConsumerShowsItsAssignmentInFlightAndLag() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start("kafka-task.kafka.partitions=1",
				"kafka-task.worker.max-in-flight=1", "kafka-task.queue-owners.default=platform",
				"kafka-task.tasks.[it.count].owner=counting",
				"management.endpoints.web.exposure.include=kafkatasks")) {
			KafkaTasksEndpoint endpoint = app.getBean(KafkaTasksEndpoint.class);
			assertThat(endpoint.kafkaTasks().tasks()).filteredOn((task) -> task.name().startsWith("it."))
				.extracting(TaskDescriptor::name, TaskDescriptor::owner)
				.contains(org.assertj.core.groups.Tuple.tuple("it.count", "counting"),
						org.assertj.core.groups.Tuple.tuple("it.flaky", "reliability"),
						org.assertj.core.groups.Tuple.tuple("it.echo", "platform"));
			await().atMost(TIMEOUT).until(() -> !kafkaConsumer(endpoint).assignment().isEmpty());
			TaskDispatcher dispatcher = app.getBean(TaskDispatcher.class);
			dispatcher.dispatch("it.block", "endpoint").get();
			dispatcher.dispatch("it.count", 1).get();
			dispatcher.dispatch("it.count", 2).get();
			await().atMost(TIMEOUT).untilAsserted(() -> {
				ConsumerDescriptor consumer = kafkaConsumer(endpoint);
				assertThat(consumer.assignment()).containsExactly(this.apps.topic("default") + "-0");
				assertThat(consumer.inFlight()).isEqualTo(1);
				assertThat(consumer.lag()).isEqualTo(3);
				assertThat(consumer.owner()).isEqualTo("platform");
				assertThat(consumer.state()).isEqualTo("running");
			});
			this.apps.journal().release();
			await().atMost(TIMEOUT).untilAsserted(() -> {
				ConsumerDescriptor consumer = kafkaConsumer(endpoint);
				assertThat(consumer.inFlight()).isZero();
				assertThat(consumer.lag()).isZero();
			});
		}
	}

	@Test
	void whenAQueueWithoutPriorityIsPausedAndResumedThenNoHighPriorityTopicIsSubscribed() {
		try (ConfigurableApplicationContext app = this.apps.start(
				"management.endpoints.web.exposure.include=kafkatasks")) {
			KafkaTasksEndpoint endpoint = app.getBean(KafkaTasksEndpoint.class);
			assertThat(endpoint.consumer("kafka", "default", "pause").state()).isEqualTo("paused");
			assertThat(endpoint.consumer("kafka", "default", "resume").state()).isEqualTo("running");
			assertThat(app.getBean(TaskWorker.class).getTopicStates())
				.containsOnlyKeys(this.apps.topic("default"));
		}
	}

	private static ConsumerDescriptor kafkaConsumer(KafkaTasksEndpoint endpoint) {
		return endpoint.kafkaTasks()
			.consumers()
			.stream()
			.filter((consumer) -> consumer.backend().equals("kafka") && consumer.queue().equals("default"))
			.findFirst()
			.orElseThrow();
	}

}
