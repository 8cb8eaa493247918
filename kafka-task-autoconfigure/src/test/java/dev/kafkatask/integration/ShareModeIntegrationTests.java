package dev.kafkatask.integration;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

import dev.kafkatask.consumer.ConsumerState;
import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.kafka.TaskHeaders;
import dev.kafkatask.kafka.worker.ConsumptionMode;
import dev.kafkatask.kafka.worker.ShareGroupAdmin;
import dev.kafkatask.kafka.worker.TaskWorker;
import dev.kafkatask.test.KafkaTaskHealth;
import dev.kafkatask.test.SharedKafkaBroker;
import dev.kafkatask.test.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Queues consumed by a share group (KIP-932), on a real broker: more workers than
 * partitions, each record run once and acknowledged on its own, locks renewed while a task
 * runs past them, records delivered too often dead-lettered, retries through the delay
 * topics, time limits, aborted transactions, pause, resume and drain.
 *
 * @author kafka-task
 */
@SharedKafkaBroker
class ShareModeIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private final TaskApplications apps = new TaskApplications();

	private String shareGroup() {
		return this.apps.groupId() + "-share";
	}

	private ConfigurableApplicationContext start(String... properties) {
		String[] all = new String[properties.length + 2];
		all[0] = "kafka-task.worker.default-mode=share";
		all[1] = "kafka-task.kafka.partitions=1";
		System.arraycopy(properties, 0, all, 2, properties.length);
		return this.apps.start(all);
	}

	@Test
	void whenTwoWorkersShareOnePartitionThenEachTaskRunsOnceAndBothRunTasks() throws Exception {
		try (ConfigurableApplicationContext first = start("kafka-task.worker.share.max-poll-records=2");
				ConfigurableApplicationContext second = start("kafka-task.worker.share.max-poll-records=2")) {
			TaskWorker worker = first.getBean(TaskWorker.class);
			assertThat(worker.getConsumptionMode(this.apps.topic("default"))).isEqualTo(ConsumptionMode.SHARE);
			TaskDispatcher dispatcher = first.getBean(TaskDispatcher.class);
			int tasks = 40;
			for (int i = 0; i < tasks; i++) {
				dispatcher.dispatch("it.slow", i, 50L).get();
			}
			await().atMost(TIMEOUT).until(() -> this.apps.journal().distinctRuns() == tasks);
			for (int i = 0; i < tasks; i++) {
				assertThat(this.apps.journal().runs("slow:" + i)).as("runs of task %d", i).isEqualTo(1);
			}
			assertThat(executions(first)).as("first worker").isPositive();
			assertThat(executions(second)).as("second worker").isPositive();
			assertConsumedToTheEnd(this.apps.topic("default"));
			assertThat(KafkaTaskHealth.indicator(first, "worker").health().getStatus()).isEqualTo(Status.UP);
		}
	}

	@Test
	void whenATaskRunsPastItsAcquisitionLockThenTheLockIsRenewedAndNoOtherWorkerRunsIt() throws Exception {
		setGroupConfig("share.record.lock.duration.ms", "2000");
		try (ConfigurableApplicationContext first = start();
				ConfigurableApplicationContext second = start()) {
			first.getBean(TaskDispatcher.class).dispatch("it.block", "long").get();
			await().atMost(TIMEOUT).until(() -> this.apps.journal().starts("block:long") == 1);
			// Three locks long: without renewals the group would give it to a worker again.
			await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(8))
				.until(() -> this.apps.journal().starts("block:long") == 1);
			this.apps.journal().release();
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("block:long") == 1);
			assertConsumedToTheEnd(this.apps.topic("default"));
			assertThat(this.apps.journal().starts("block:long")).isEqualTo(1);
			assertThat(second.getBean(TaskWorker.class).getInFlight()).isZero();
		}
	}

	@Test
	void whenATaskIsRenewedThenTheRecordsFetchedBehindItRunOnce() throws Exception {
		setGroupConfig("share.record.lock.duration.ms", "2000");
		String topic = this.apps.topic("default");
		int counted = 20;
		try (ConfigurableApplicationContext first = start("kafka-task.worker.auto-startup=false",
				"kafka-task.worker.share.consumers=1", "kafka-task.worker.share.max-poll-records=4")) {
			TaskDispatcher dispatcher = first.getBean(TaskDispatcher.class);
			dispatcher.dispatch("it.block", "long").get();
			for (int i = 0; i < counted; i++) {
				dispatcher.dispatch("it.count", i).get();
			}
			first.getBean(TaskWorker.class).start();
			await().atMost(TIMEOUT).until(() -> this.apps.journal().starts("block:long") == 1);
			try (ConfigurableApplicationContext second = start()) {
				await().atMost(TIMEOUT).until(() -> this.apps.journal().distinctRuns() == counted);
				// Renewed for three locks, while the records behind it were fetched and ran.
				await().pollDelay(Duration.ofSeconds(6)).until(() -> true);
				this.apps.journal().release();
				await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("block:long") == 1);
				assertConsumedToTheEnd(topic);
				await().pollDelay(Duration.ofSeconds(2)).until(() -> true);
				for (int i = 0; i < counted; i++) {
					assertThat(this.apps.journal().runs("count:" + i)).as("runs of %d", i).isEqualTo(1);
				}
			}
		}
	}

	@Test
	void whenARecordWasDeliveredMoreOftenThanAllowedThenItIsDeadLetteredUnrun() throws Exception {
		String topic = this.apps.topic("default");
		setGroupConfig("share.auto.offset.reset", "earliest");
		try (ConfigurableApplicationContext app = start("kafka-task.worker.auto-startup=false",
				"kafka-task.worker.share.max-deliveries=2")) {
			send(topic, "redelivered", PoisonRecordsIntegrationTests.envelope("again", "it.count", "[1]", "{}", ""));
			// Two deliveries that end without an outcome, as when the workers that had it died.
			try (KafkaShareConsumer<byte[], byte[]> other = shareConsumer()) {
				other.subscribe(List.of(topic));
				int released = 0;
				long deadline = System.nanoTime() + TIMEOUT.toNanos();
				while (released < 2 && System.nanoTime() < deadline) {
					ConsumerRecords<byte[], byte[]> records = other.poll(Duration.ofMillis(200));
					for (ConsumerRecord<byte[], byte[]> record : records) {
						other.acknowledge(record, AcknowledgeType.RELEASE);
						released++;
					}
					other.commitSync();
				}
				assertThat(released).isEqualTo(2);
			}
			app.getBean(TaskWorker.class).start();
			ConsumerRecord<byte[], byte[]> deadLetter = TopicRecords.readAll(topic + ".dlt", 1).get(0);
			assertThat(TopicRecords.header(deadLetter, TaskHeaders.DLT_REASON)).isEqualTo("max-deliveries");
			assertThat(TopicRecords.header(deadLetter, TaskHeaders.DLT_MESSAGE)).contains("delivered 3 times");
			assertConsumedToTheEnd(topic);
			assertThat(this.apps.journal().runs("count:1")).isZero();
			MeterRegistry meters = app.getBean(MeterRegistry.class);
			assertThat(meters.get("kafka.task.dead.letters").tag("reason", "max-deliveries").counter().count())
				.isEqualTo(1);
		}
	}

	@Test
	void whenTasksRetryOrHitTheirTimeLimitThenEachEndsOnceAndTheGroupConsumesToTheEnd() throws Exception {
		try (ConfigurableApplicationContext app = start()) {
			TaskDispatcher dispatcher = app.getBean(TaskDispatcher.class);
			dispatcher.dispatch("it.flaky", "f", 2).get();
			dispatcher.dispatch("it.stuck", "s").get();
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("flaky:f") == 3);
			await().atMost(TIMEOUT).until(() -> this.apps.journal().starts("stuck:s") == 1);
			MeterRegistry meters = app.getBean(MeterRegistry.class);
			await().atMost(TIMEOUT).until(() -> meters.find("kafka.task.executions").tag("task", "it.stuck")
				.tag("outcome", "abandoned").counter() != null);
			this.apps.journal().release();
			assertConsumedToTheEnd(this.apps.topic("default"));
			assertThat(this.apps.journal().starts("stuck:s")).as("abandoned, not delivered again").isEqualTo(1);
			assertThat(this.apps.journal().runs("flaky:f")).isEqualTo(3);
		}
	}

	@Test
	void whenATaskRecordIsWrittenInAnAbortedTransactionThenNoWorkerRunsIt() throws Exception {
		String topic = this.apps.topic("default");
		try (ConfigurableApplicationContext app = start()) {
			try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
					ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
					ProducerConfig.TRANSACTIONAL_ID_CONFIG, this.apps.prefix() + "aborted"),
					new ByteArraySerializer(), new ByteArraySerializer())) {
				producer.initTransactions();
				producer.beginTransaction();
				producer.send(record(topic, "aborted",
						PoisonRecordsIntegrationTests.envelope("aborted", "it.count", "[1]", "{}", ""))).get();
				producer.abortTransaction();
			}
			send(topic, "after", PoisonRecordsIntegrationTests.envelope("after", "it.count", "[2]", "{}", ""));
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("count:2") == 1);
			assertConsumedToTheEnd(topic);
			assertThat(this.apps.journal().runs("count:1")).isZero();
		}
	}

	@Test
	void whenAQueueIsPausedThenItsTasksWaitUntilItResumesAndADrainStopsItOnceConsumed() throws Exception {
		String topic = this.apps.topic("default");
		try (ConfigurableApplicationContext app = start()) {
			TaskWorker worker = app.getBean(TaskWorker.class);
			TaskDispatcher dispatcher = app.getBean(TaskDispatcher.class);
			dispatcher.dispatch("it.count", 1).get();
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("count:1") == 1);
			worker.setTopicState(topic, ConsumerState.PAUSED);
			assertThat(worker.getTopicStates()).containsEntry(topic, ConsumerState.PAUSED);
			for (int i = 2; i <= 5; i++) {
				dispatcher.dispatch("it.count", i).get();
			}
			await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
				.until(() -> this.apps.journal().distinctRuns() == 1);
			worker.setTopicState(topic, ConsumerState.DRAINING);
			await().atMost(TIMEOUT).until(() -> this.apps.journal().distinctRuns() == 5);
			await().atMost(TIMEOUT).until(() -> worker.getTopicStates().get(topic) == ConsumerState.STOPPED);
			assertConsumedToTheEnd(topic);
			dispatcher.dispatch("it.count", 6).get();
			await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
				.until(() -> this.apps.journal().runs("count:6") == 0);
			worker.setTopicState(topic, ConsumerState.RUNNING);
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("count:6") == 1);
			for (int i = 1; i <= 6; i++) {
				assertThat(this.apps.journal().runs("count:" + i)).as("runs of %d", i).isEqualTo(1);
			}
		}
	}

	@Test
	void whenAShareGroupIsConfiguredThenTheBrokersShowItsSettingsBeforeAnyConsumerJoins() throws Exception {
		try (ShareGroupAdmin admin = new ShareGroupAdmin(
				Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()), shareGroup());
				Admin reader = Admin.create(
						Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()))) {
			ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, shareGroup());
			admin.configure();
			Config settings = reader.describeConfigs(List.of(group)).all().get().get(group);
			assertThat(settings.get("share.auto.offset.reset").value()).isEqualTo("earliest");
			assertThat(settings.get("share.isolation.level").value()).isEqualTo("read_committed");
			// set again by every consumer that starts: nothing to change then
			admin.configure();
			assertThat(reader.describeConfigs(List.of(group)).all().get().get(group).get("share.auto.offset.reset")
				.value()).isEqualTo("earliest");
		}
	}

	private static double executions(ConfigurableApplicationContext app) {
		return app.getBean(MeterRegistry.class).find("kafka.task.executions").tag("task", "it.slow").counters()
			.stream().mapToDouble((counter) -> counter.count()).sum();
	}

	/**
	 * Wait until every record of the topic's partition was acknowledged: the share group's
	 * lag is nil.
	 */
	private void assertConsumedToTheEnd(String topic) throws Exception {
		TopicPartition partition = new TopicPartition(topic, 0);
		await().atMost(TIMEOUT).untilAsserted(
				() -> assertThat(TopicOffsets.shareLag(shareGroup(), partition)).isZero());
	}

	private void setGroupConfig(String name, String value) throws Exception {
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()))) {
			ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, shareGroup());
			admin.incrementalAlterConfigs(Map.of(group,
					List.of(new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET)))).all().get();
		}
	}

	private KafkaShareConsumer<byte[], byte[]> shareConsumer() {
		return new KafkaShareConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
				ConsumerConfig.GROUP_ID_CONFIG, shareGroup(), ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG,
				"explicit"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
	}

	private static ProducerRecord<byte[], byte[]> record(String topic, String key, String value) {
		return new ProducerRecord<>(topic, 0, key.getBytes(StandardCharsets.UTF_8),
				value.getBytes(StandardCharsets.UTF_8));
	}

	private static void send(String topic, String key, String value) throws Exception {
		try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
				Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()), new ByteArraySerializer(),
				new ByteArraySerializer())) {
			producer.send(record(topic, key, value)).get();
		}
	}

}
