package dev.kafkatask.integration;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

import dev.kafkatask.consumer.TaskConsumers;
import dev.kafkatask.dispatch.DispatchReceipt;
import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.kafka.TaskHeaders;
import dev.kafkatask.kafka.worker.ConsumptionMode;
import dev.kafkatask.kafka.worker.PartitionState;
import dev.kafkatask.kafka.worker.TaskWorker;
import dev.kafkatask.routing.Backend;
import dev.kafkatask.test.ConsumerGroupOnly;
import dev.kafkatask.test.KafkaTaskHealth;
import dev.kafkatask.test.SharedKafkaBroker;
import dev.kafkatask.test.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every record is settled, on a real broker, whatever fails after its task ran: the reply,
 * the retry after a soft time limit, the dead-letter topic itself; and what the operator
 * sees while a record cannot be settled.
 *
 * @author kafka-task
 */
@SharedKafkaBroker
class SettlementIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final TaskApplications apps = new TaskApplications();

	@ParameterizedTest
	@EnumSource(ConsumptionMode.class)
	void whenResultCannotBeWrittenThenTheTaskCountsAsRunAndItsRecordIsCommitted(ConsumptionMode mode)
			throws Exception {
		String nowhere = this.apps.topic("nowhere");
		try (ConfigurableApplicationContext app = this.apps.start(mode, "kafka-task.kafka.partitions=1",
				"kafka-task.kafka.reply-topics=" + nowhere, "spring.kafka.producer.properties.max.block.ms=1000")) {
			String topic = this.apps.topic("default");
			send(topic, PoisonRecordsIntegrationTests.envelope("r-1", "it.count", "[7]", "{}",
					"\"ignore_result\":false,\"reply_to\":\"" + nowhere + "\""));
			send(topic, PoisonRecordsIntegrationTests.envelope("r-2", "it.count", "[8]", "{}", ""));
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("count:8") == 1);
			assertThat(this.apps.journal().runs("count:7")).isEqualTo(1);
			assertSettledToTheEnd(mode, new TopicPartition(topic, 0));
			MeterRegistry meters = app.getBean(MeterRegistry.class);
			assertThat(meters.get("kafka.task.executions").tags("task", "it.count", "outcome", "success").counter()
				.count()).isEqualTo(2);
		}
	}

	@ParameterizedTest
	@EnumSource(ConsumptionMode.class)
	void whenTaskIsInterruptedAtItsSoftLimitAndRetriesThenItRunsAgainAndIsCommitted(ConsumptionMode mode)
			throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start(mode, "kafka-task.kafka.partitions=1")) {
			DispatchReceipt receipt = app.getBean(TaskDispatcher.class).dispatch("it.soft-retry", "s").get();
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("soft-retry:s:1") == 1);
			assertThat(this.apps.journal().runs("soft-retry:s:interrupted")).isEqualTo(1);
			assertSettledToTheEnd(mode, new TopicPartition(receipt.destination(), receipt.partition()));
		}
	}

	@ParameterizedTest
	@EnumSource(ConsumptionMode.class)
	void whenPlatformTasksAreStuckPastTheirHardLimitThenOtherPlatformTasksStillRun(ConsumptionMode mode)
			throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start(mode, "kafka-task.worker.platform-threads=1")) {
			TaskDispatcher dispatcher = app.getBean(TaskDispatcher.class);
			dispatcher.dispatch("it.stuck-cpu", "a").get();
			await().atMost(TIMEOUT).until(() -> this.apps.journal().starts("stuck-cpu:a") == 1);
			dispatcher.dispatch("it.cpu", 1).get();
			await().atMost(TIMEOUT).until(() -> this.apps.journal().entries().stream()
				.anyMatch((entry) -> entry.startsWith("cpu:1:platform")));
			assertThat(this.apps.journal().runs("stuck-cpu:a")).as("still stuck").isZero();
		}
	}

	@ParameterizedTest
	@EnumSource(ConsumptionMode.class)
	void whenDeadLetterTopicCannotBeWrittenThenHealthIsDownNamingTheRecordUntilItCanBe(ConsumptionMode mode)
			throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start(mode, "kafka-task.kafka.partitions=1",
				"spring.kafka.producer.properties.max.block.ms=1000")) {
			String topic = this.apps.topic("default");
			String deadLetterTopic = topic + ".dlt";
			TaskWorker container = app.getBean(TaskWorker.class);
			if (mode == ConsumptionMode.GROUP) {
				await().atMost(TIMEOUT).until(() -> !container.getAssignment().isEmpty());
			}
			try (Admin admin = admin()) {
				admin.deleteTopics(List.of(deadLetterTopic)).all().get();
				// Gone from the broker's metadata before the poison comes: a producer that still
				// found it there would send, and retry, until its delivery timeout (2 min), and
				// health would stay UP meanwhile (seen with other tests running beside this one)
				await().atMost(TIMEOUT).until(() -> !admin.listTopics().names().get().contains(deadLetterTopic));
			}
			long poison = send(topic, "not json");
			send(topic, PoisonRecordsIntegrationTests.envelope("after", "it.count", "[3]", "{}", ""));
			HealthIndicator health = KafkaTaskHealth.indicator(app, "worker");
			await().atMost(TIMEOUT).until(() -> health.health().getStatus().equals(Status.DOWN));
			Health down = health.health();
			assertThat((String) down.getDetails().get("reason")).contains("dead letter(s) could not be written");
			assertThat(down.getDetails().get("pendingDeadLetters").toString()).contains(topic + "-0@" + poison)
				.contains("invalid-envelope");
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("count:3") == 1);
			TopicPartition partition = new TopicPartition(topic, 0);
			assertThat(this.apps.unsettled(mode, partition)).as("records not settled").isNotZero();
			MeterRegistry meters = app.getBean(MeterRegistry.class);
			assertThat(meters.get("kafka.task.dead.letter.failures").tag("queue", "default").counter().count())
				.isPositive();
			try (Admin admin = admin()) {
				await().atMost(TIMEOUT).ignoreExceptions().until(() -> {
					admin.createTopics(List.of(new NewTopic(deadLetterTopic, 1, (short) 1))).all().get();
					return true;
				});
			}
			await().atMost(TIMEOUT).until(() -> health.health().getStatus().equals(Status.UP));
			ConsumerRecord<byte[], byte[]> deadLetter = TopicRecords.readAll(deadLetterTopic, 1).get(0);
			assertThat(TopicRecords.header(deadLetter, TaskHeaders.DLT_ORIGINAL_OFFSET)).isEqualTo(Long.toString(poison));
			assertSettledToTheEnd(mode, partition);
		}
	}

	@Test
	@ConsumerGroupOnly("committed offsets")
	void whenOneRecordNeverFinishesWhileLaterOnesDoThenHealthSaysItsCommitIsFrozen() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start("kafka-task.kafka.partitions=1",
				"kafka-task.worker.stall-timeout=1s")) {
			TaskDispatcher dispatcher = app.getBean(TaskDispatcher.class);
			DispatchReceipt blocked = dispatcher.dispatch("it.block", "frozen").get();
			for (int i = 0; i < 5; i++) {
				dispatcher.dispatch("it.count", i).get();
			}
			await().atMost(TIMEOUT).until(() -> this.apps.journal().distinctRuns() == 5);
			HealthIndicator health = KafkaTaskHealth.indicator(app, "worker");
			await().atMost(TIMEOUT).until(() -> health.health().getStatus().equals(Status.DOWN));
			Health down = health.health();
			TopicPartition partition = new TopicPartition(blocked.destination(), blocked.partition());
			assertThat((String) down.getDetails().get("reason")).contains("The commit of " + partition)
				.contains("offset " + blocked.offset() + " is not settled while 5 record(s) after it are");
			assertThat(down.getDetails().get("frozenCommits")).isEqualTo(Map.of(partition.toString(), blocked.offset()));
			this.apps.journal().release();
			await().atMost(TIMEOUT).until(() -> health.health().getStatus().equals(Status.UP));
			assertCommittedToTheEnd(partition);
		}
	}

	@Test
	@ConsumerGroupOnly("partition assignments and rebalances")
	void whenAPausedQueueGainsPartitionsInARebalanceThenTheyArePausedToo() throws Exception {
		// The classic protocol fetches a new partition in the very poll that assigns it. Its
		// members learn of a rebalance at their next heartbeat: every 500 ms here, not 3 s.
		String[] classic = { "kafka-task.worker.group-protocol=classic",
				"spring.kafka.consumer.properties.heartbeat.interval.ms=500" };
		try (ConfigurableApplicationContext first = this.apps.start(classic)) {
			TaskWorker firstContainer = first.getBean(TaskWorker.class);
			try (ConfigurableApplicationContext second = this.apps.start(classic)) {
				TaskWorker secondContainer = second.getBean(TaskWorker.class);
				await().atMost(TIMEOUT).until(() -> !firstContainer.getAssignment().isEmpty()
						&& !secondContainer.getAssignment().isEmpty()
						&& firstContainer.getAssignment().size() + secondContainer.getAssignment().size() == 3);
				pause(first);
				pause(second);
				await().atMost(TIMEOUT).until(() -> allPaused(firstContainer) && allPaused(secondContainer));
				String topic = this.apps.topic("default");
				for (int i = 0; i < 30; i++) {
					send(topic, i % 3, PoisonRecordsIntegrationTests.envelope("p-" + i, "it.count", "[" + i + "]", "{}", ""));
				}
			}
			await().atMost(TIMEOUT).until(() -> firstContainer.getAssignment().size() == 3);
			await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
				.until(() -> this.apps.journal().distinctRuns() == 0);
			first.getBean(TaskConsumers.class).consumer(Backend.KAFKA, "default").start();
			await().atMost(TIMEOUT).until(() -> this.apps.journal().distinctRuns() == 30);
		}
	}

	private static void pause(ConfigurableApplicationContext app) {
		app.getBean(TaskConsumers.class).consumer(Backend.KAFKA, "default").pause();
	}

	private static boolean allPaused(TaskWorker container) {
		List<PartitionState> partitions = container.getPartitions();
		return !partitions.isEmpty() && partitions.stream().allMatch(PartitionState::paused);
	}

	private void assertCommittedToTheEnd(TopicPartition partition) throws Exception {
		assertSettledToTheEnd(ConsumptionMode.GROUP, partition);
	}

	private void assertSettledToTheEnd(ConsumptionMode mode, TopicPartition partition) {
		await().atMost(TIMEOUT).until(() -> this.apps.unsettled(mode, partition) == 0);
	}

	private static long send(String topic, String payload) throws Exception {
		return send(topic, 0, payload);
	}

	private static long send(String topic, int partition, String payload) throws Exception {
		try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
				Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()), new ByteArraySerializer(),
				new ByteArraySerializer())) {
			return producer.send(new ProducerRecord<>(topic, partition, null, payload.getBytes(StandardCharsets.UTF_8)))
				.get()
				.offset();
		}
	}

	private static Admin admin() {
		return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()));
	}

}
