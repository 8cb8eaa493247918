package dev.kafkatask.integration;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.context.ConfigurableApplicationContext;

import dev.kafkatask.dispatch.DispatchReceipt;
import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.dispatch.TaskOptions;
import dev.kafkatask.dispatch.TaskResult;
import dev.kafkatask.kafka.DelayTiers;
import dev.kafkatask.kafka.DelayedTaskPublisher;
import dev.kafkatask.kafka.TaskHeaders;
import dev.kafkatask.kafka.worker.ConsumptionMode;
import dev.kafkatask.test.SharedKafkaBroker;
import dev.kafkatask.test.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Countdown, eta and retries on Kafka, through the delay topics, on a real broker.
 *
 * @author kafka-task
 */
@SharedKafkaBroker
class RetriesAndDelaysIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final TaskApplications apps = new TaskApplications();

	@ParameterizedTest
	@EnumSource(ConsumptionMode.class)
	void whenTaskHasACountdownThenItRunsWithinASecondAfterItsEta(ConsumptionMode mode) throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start(mode)) {
			// The countdown starts when the dispatch builds its options: between these two.
			Instant before = Instant.now();
			DispatchReceipt receipt = app.getBean(TaskDispatcher.class)
				.dispatch("it.count", List.of(1), Map.of(), TaskOptions.none().withCountdown(Duration.ofSeconds(2)))
				.get();
			Instant after = Instant.now();
			assertThat(receipt.destination()).isEqualTo(this.apps.prefix() + "__delay.1s");
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("count:1") == 1);
			Instant ran = this.apps.journal().runTimes("count:1").get(0);
			assertThat(ran).isAfterOrEqualTo(before.plusSeconds(2).minusMillis(50))
				.isBefore(after.plusSeconds(3));
		}
	}

	@Test
	void whenEtaIsFurtherThanATierThenTheTaskHopsDownAndRunsOnTime() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start()) {
			Instant eta = Instant.now().plusMillis(6500);
			DispatchReceipt receipt = app.getBean(TaskDispatcher.class)
				.dispatch("it.count", List.of(2), Map.of(), TaskOptions.none().withEta(eta))
				.get();
			assertThat(receipt.destination()).isEqualTo(this.apps.prefix() + "__delay.5s");
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("count:2") == 1);
			assertRunsWithinASecondOf("count:2", eta);
		}
	}

	@Test
	void whenDelayIsLongerThanTheLargestTierThenTheTaskHopsThroughItAgainAndRunsOnTime() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start("kafka-task.kafka.delay-tiers=1s,2s")) {
			Instant eta = Instant.now().plusMillis(5500);
			DispatchReceipt receipt = app.getBean(TaskDispatcher.class)
				.dispatch("it.count", List.of(3), Map.of(), TaskOptions.none().withEta(eta))
				.get();
			assertThat(receipt.destination()).isEqualTo(this.apps.prefix() + "__delay.2s");
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("count:3") == 1);
			assertRunsWithinASecondOf("count:3", eta);
		}
	}

	@ParameterizedTest
	@EnumSource(ConsumptionMode.class)
	void whenTaskKeepsFailingThenItRunsMaxRetriesPlusOneTimesAndIsDeadLetteredWithItsHistory(ConsumptionMode mode)
			throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start(mode)) {
			DispatchReceipt receipt = app.getBean(TaskDispatcher.class).dispatch("it.flaky", "always", 100).get();
			List<ConsumerRecord<byte[], byte[]>> deadLetters = TopicRecords
				.readAll(this.apps.topic("default") + ".dlt", 1);
			assertThat(deadLetters).hasSize(1);
			ConsumerRecord<byte[], byte[]> deadLetter = deadLetters.get(0);
			assertThat(TopicRecords.header(deadLetter, TaskHeaders.DLT_REASON)).isEqualTo("max-retries-exceeded");
			assertThat(TopicRecords.header(deadLetter, TaskHeaders.DLT_ATTEMPTS)).isEqualTo("4");
			assertThat(TopicRecords.header(deadLetter, TaskHeaders.DLT_EXCEPTION))
				.isEqualTo("java.io.UncheckedIOException");
			assertThat(TopicRecords.header(deadLetter, TaskHeaders.DLT_MESSAGE)).contains("flaky always attempt 3");
			assertThat(TopicRecords.header(deadLetter, TaskHeaders.DLT_STACK)).contains("JournalTasks.flaky");
			assertThat(TopicRecords.header(deadLetter, TaskHeaders.DLT_CREATED)).isNotBlank();
			assertThat(new String(deadLetter.value(), StandardCharsets.UTF_8)).contains(receipt.taskId())
				.contains("\"retries\":3");
			assertThat(this.apps.journal().runs("flaky:always")).isEqualTo(4);
			List<Instant> runs = this.apps.journal().runTimes("flaky:always");
			// backoff 0.2 s x 2^n without jitter: 0.2, 0.4 and 0.8 s between the attempts
			for (int retry = 1; retry < runs.size(); retry++) {
				assertThat(Duration.between(runs.get(retry - 1), runs.get(retry)))
					.isGreaterThanOrEqualTo(Duration.ofMillis(200L << (retry - 1)));
			}
		}
	}

	@ParameterizedTest
	@EnumSource(ConsumptionMode.class)
	void whenTaskSucceedsOnARetryThenItStopsThere(ConsumptionMode mode) throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start(mode)) {
			app.getBean(TaskDispatcher.class).dispatch("it.flaky", "twice", 2).get();
			app.getBean(TaskDispatcher.class).dispatch("it.retry-explicitly", "once").get();
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("flaky:twice") == 3
					&& this.apps.journal().runs("explicit:once") == 2);
			await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
				.until(() -> this.apps.journal().runs("flaky:twice") == 3
						&& this.apps.journal().runs("explicit:once") == 2);
			List<Instant> explicit = this.apps.journal().runTimes("explicit:once");
			assertThat(Duration.between(explicit.get(0), explicit.get(1))).isGreaterThanOrEqualTo(Duration.ofMillis(300));
		}
	}

	@ParameterizedTest
	@EnumSource(ConsumptionMode.class)
	void whenResultIsWantedThenTheDispatchCompletesWithWhatTheTaskReturnedOrHowItFailed(ConsumptionMode mode)
			throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start(mode)) {
			TaskDispatcher dispatcher = app.getBean(TaskDispatcher.class);
			TaskResult sum = dispatcher
				.dispatchForResult("it.add", List.of(2, 3), Map.of(), TaskOptions.none(), Duration.ofSeconds(30))
				.get();
			assertThat(sum.succeeded()).isTrue();
			assertThat(sum.value().get("sum").asInt()).isEqualTo(5);
			TaskResult failed = dispatcher
				.dispatchForResult("it.fail", List.of("r"), Map.of(), TaskOptions.none(), Duration.ofSeconds(30))
				.get();
			assertThat(failed.succeeded()).isFalse();
			assertThat(failed.errorType()).isEqualTo("java.lang.IllegalStateException");
			assertThat(failed.errorMessage()).isEqualTo("Task it.fail failed on purpose for r");
		}
	}

	@Test
	void whenNoResultComesInTimeThenTheFutureTimesOut() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start("kafka-task.worker.enabled=false")) {
			CompletableFuture<TaskResult> result = app.getBean(TaskDispatcher.class)
				.dispatchForResult("it.add", List.of(1, 1), Map.of(), TaskOptions.none(), Duration.ofMillis(1500));
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(result::get)
				.withCauseInstanceOf(TimeoutException.class);
		}
	}

	@Test
	void whenDelayedRecordsHaveAForbiddenTargetOrAGarbageDueThenTheyAreDeadLetteredAndCountdownsStillRun()
			throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start()) {
			String tier = this.apps.prefix() + "__delay.1s";
			String otherApplication = "other-" + this.apps.topic("default");
			try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
					Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
					new StringSerializer(), new ByteArraySerializer())) {
				producer.send(delayed(tier, Long.toString(System.currentTimeMillis() - 1000), otherApplication)).get();
				producer.send(delayed(tier, "soon", this.apps.topic("default"))).get();
			}
			app.getBean(TaskDispatcher.class)
				.dispatch("it.count", List.of(7), Map.of(), TaskOptions.none().withCountdown(Duration.ofSeconds(1)))
				.get();
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("count:7") == 1);
			List<ConsumerRecord<byte[], byte[]>> forbidden = TopicRecords
				.readAll(this.apps.prefix() + "__delay.dlt", 1);
			assertThat(forbidden).hasSize(1);
			assertThat(TopicRecords.header(forbidden.get(0), TaskHeaders.DLT_REASON)).isEqualTo("forbidden-destination");
			assertThat(TopicRecords.header(forbidden.get(0), DelayedTaskPublisher.TARGET)).isEqualTo(otherApplication);
			List<ConsumerRecord<byte[], byte[]>> invalid = TopicRecords.readAll(this.apps.topic("default") + ".dlt",
					1);
			assertThat(invalid).hasSize(1);
			assertThat(TopicRecords.header(invalid.get(0), TaskHeaders.DLT_REASON)).isEqualTo("invalid-delay");
			assertThat(TopicRecords.header(invalid.get(0), TaskHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo(tier);
			assertThat(this.apps.journal().runs("count:7")).isEqualTo(1);
			DelayTiers tiers = app.getBean(DelayTiers.class);
			try (Admin admin = Admin
				.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()))) {
				await().atMost(TIMEOUT)
					.untilAsserted(() -> assertThat(committedOffsets(admin, this.apps.groupId() + ".delays"))
						.isEqualTo(endOffsets(admin, tiers.topics())));
				assertThat(admin.listTopics().names().get()).doesNotContain(otherApplication);
			}
		}
	}

	private static ProducerRecord<String, byte[]> delayed(String tier, String due, String target) {
		ProducerRecord<String, byte[]> record = new ProducerRecord<>(tier, null, "delayed-" + due,
				"{}".getBytes(StandardCharsets.UTF_8));
		record.headers().add(DelayedTaskPublisher.DUE, due.getBytes(StandardCharsets.UTF_8));
		record.headers().add(DelayedTaskPublisher.TARGET, target.getBytes(StandardCharsets.UTF_8));
		record.headers().add(TaskHeaders.TASK_NAME, "it.count".getBytes(StandardCharsets.UTF_8));
		return record;
	}

	private static Map<TopicPartition, Long> committedOffsets(Admin admin, String group) throws Exception {
		Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
			.partitionsToOffsetAndMetadata()
			.get();
		Map<TopicPartition, Long> offsets = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
		committed.forEach((partition, offset) -> {
			if (offset != null && offset.offset() > 0) {
				offsets.put(partition, offset.offset());
			}
		});
		return offsets;
	}

	private static Map<TopicPartition, Long> endOffsets(Admin admin, List<String> topics) throws Exception {
		Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
		admin.describeTopics(topics).allTopicNames().get().forEach((topic, description) -> description.partitions()
			.forEach((partition) -> latest.put(new TopicPartition(topic, partition.partition()), OffsetSpec.latest())));
		Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get();
		Map<TopicPartition, Long> offsets = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
		ends.forEach((partition, end) -> {
			if (end.offset() > 0) {
				offsets.put(partition, end.offset());
			}
		});
		return offsets;
	}

	private void assertRunsWithinASecondOf(String key, Instant eta) {
		Instant ran = this.apps.journal().runTimes(key).get(0);
		assertThat(ran).isAfterOrEqualTo(eta.minusMillis(50)).isBefore(eta.plusSeconds(1));
	}

}
