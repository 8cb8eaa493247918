package dev.kafkatask.integration;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

import dev.kafkatask.kafka.TaskHeaders;
import dev.kafkatask.kafka.worker.ConsumptionMode;
import dev.kafkatask.kafka.worker.TaskWorker;
import dev.kafkatask.test.KafkaTaskHealth;
import dev.kafkatask.test.SharedKafkaBroker;
import dev.kafkatask.test.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bad records of every kind sent to a live worker with a raw producer, as a console producer
 * would: each ends in the dead-letter topic with its reason, the good records around them
 * run once each, and the partition's committed offset reaches its end offset.
 *
 * @author kafka-task
 */
@SharedKafkaBroker
class PoisonRecordsIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private static final String CREATED = "\"created\":\"2026-01-01T00:00:00Z\"";

	private final TaskApplications apps = new TaskApplications();

	@ParameterizedTest
	@EnumSource(ConsumptionMode.class)
	void whenRecordsArePoisonThenEachIsDeadLetteredWithItsReasonAndTheCommitReachesTheEnd(ConsumptionMode mode)
			throws Exception {
		Map<String, Poison> poisons = poisons();
		assertThat(poisons).hasSizeGreaterThanOrEqualTo(20);
		try (ConfigurableApplicationContext app = this.apps.start("kafka-task.kafka.partitions=1",
				"spring.kafka.producer.properties.max.request.size=1000000",
				"kafka-task.worker.default-mode=" + mode.name().toLowerCase(Locale.ROOT))) {
			String topic = this.apps.topic("default");
			int good = 0;
			try (KafkaProducer<byte[], byte[]> producer = producer()) {
				for (Map.Entry<String, Poison> poison : poisons.entrySet()) {
					ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, 0,
							poison.getKey().getBytes(StandardCharsets.UTF_8), poison.getValue().value());
					poison.getValue().headers().forEach((name, value) -> record.headers().add(name, value));
					producer.send(record).get();
					producer.send(new ProducerRecord<>(topic, 0, ("good-" + good).getBytes(StandardCharsets.UTF_8),
							envelope("good-" + good, "it.count", "[" + good + "]", "{}", "").getBytes(StandardCharsets.UTF_8)))
						.get();
					good++;
				}
				// Header garbage around a valid envelope is no reason not to run it.
				ProducerRecord<byte[], byte[]> garbled = new ProducerRecord<>(topic, 0, null,
						envelope("garbled-headers", "it.count", "[1000]", "{}", "").getBytes(StandardCharsets.UTF_8));
				garbled.headers().add(TaskHeaders.TASK_NAME, new byte[] { (byte) 0xff, (byte) 0xfe, 0 });
				garbled.headers().add(TaskHeaders.TASK_ID, new byte[0]);
				garbled.headers().add("kafka-task-due", "-9223372036854775808".getBytes(StandardCharsets.UTF_8));
				producer.send(garbled).get();
			}
			int goodRecords = good;
			await().atMost(TIMEOUT).until(() -> this.apps.journal().distinctRuns() == goodRecords + 1);
			for (int i = 0; i < goodRecords; i++) {
				assertThat(this.apps.journal().runs("count:" + i)).as("runs of good record %d", i).isEqualTo(1);
			}
			assertThat(this.apps.journal().runs("count:1000")).isEqualTo(1);

			List<ConsumerRecord<byte[], byte[]>> deadLetters = TopicRecords.readAll(topic + ".dlt", poisons.size());
			Map<String, String> reasons = new HashMap<>();
			for (ConsumerRecord<byte[], byte[]> deadLetter : deadLetters) {
				reasons.put(new String(deadLetter.key(), StandardCharsets.UTF_8),
						TopicRecords.header(deadLetter, TaskHeaders.DLT_REASON));
				assertThat(TopicRecords.header(deadLetter, TaskHeaders.DLT_MESSAGE)).isNotBlank();
			}
			Map<String, String> expected = new HashMap<>();
			poisons.forEach((kind, poison) -> expected.put(kind, poison.reason()));
			assertThat(reasons).isEqualTo(expected);
			ConsumerRecord<byte[], byte[]> huge = deadLetters.stream()
				.filter((record) -> "huge-payload".equals(new String(record.key(), StandardCharsets.UTF_8)))
				.findFirst()
				.orElseThrow();
			assertThat(huge.value()).as("too large to be written again with its dead-letter headers").isNull();
			assertThat(TopicRecords.header(huge, TaskHeaders.DLT_PAYLOAD_OMITTED)).isNotBlank();

			TopicPartition partition = new TopicPartition(topic, 0);
			long end = TopicOffsets.endOffset(partition);
			if (mode == ConsumptionMode.SHARE) {
				// every record acknowledged: the share group has no lag
				await().atMost(TIMEOUT).until(() -> TopicOffsets.shareLag(this.apps.groupId() + "-share", partition) == 0);
			}
			else {
				await().atMost(TIMEOUT).until(() -> TopicOffsets.committedOffset(this.apps.groupId(), partition) == end);
			}
			TaskWorker container = app.getBean(TaskWorker.class);
			assertThat(container.isRunning()).isTrue();
			assertThat(container.getInFlight()).isZero();
			MeterRegistry meters = app.getBean(MeterRegistry.class);
			double counted = meters.find("kafka.task.dead.letters").counters().stream().mapToDouble((c) -> c.count()).sum();
			assertThat(counted).isEqualTo(poisons.size());
			assertThat(KafkaTaskHealth.indicator(app, "worker").health().getStatus()).isEqualTo(Status.UP);
		}
	}

	/**
	 * Return the poison records by kind, each with the reason it is dead-lettered for.
	 */
	private static Map<String, Poison> poisons() {
		Map<String, Poison> poisons = new LinkedHashMap<>();
		invalid(poisons, "not-json", "not json{");
		invalid(poisons, "truncated", "{\"v\":1,\"id\":\"t\",\"task\":\"it.count\",\"args\":[1");
		poisons.put("empty", new Poison(null, "invalid-envelope", Map.of()));
		invalid(poisons, "not-utf8", new String(new byte[] { (byte) 0xff, (byte) 0xfe, '{' }, StandardCharsets.ISO_8859_1));
		invalid(poisons, "array", "[1, 2, 3]");
		invalid(poisons, "trailing-garbage", envelope("tg", "it.count", "[1]", "{}", "") + " trailing");
		invalid(poisons, "version-overflow", envelope("vo", "it.count", "[1]", "{}", "").replace("\"v\":1", "\"v\":4294967297"));
		invalid(poisons, "version-future", envelope("vf", "it.count", "[1]", "{}", "").replace("\"v\":1", "\"v\":2"));
		invalid(poisons, "version-text", envelope("vt", "it.count", "[1]", "{}", "").replace("\"v\":1", "\"v\":\"1\""));
		invalid(poisons, "id-number", envelope("x", "it.count", "[1]", "{}", "").replace("\"id\":\"x\"", "\"id\":5"));
		invalid(poisons, "task-blank", envelope("tb", " ", "[1]", "{}", ""));
		invalid(poisons, "args-object", envelope("ao", "it.count", "{\"a\":1}", "{}", ""));
		invalid(poisons, "kwargs-array", envelope("ka", "it.count", "[1]", "[1]", ""));
		invalid(poisons, "header-not-text",
				envelope("hn", "it.count", "[1]", "{}", "").replace(CREATED, CREATED + ",\"headers\":{\"h\":{\"x\":1}}"));
		invalid(poisons, "created-garbage", envelope("cg", "it.count", "[1]", "{}", "").replace("2026-01-01T00:00:00Z", "yesterday"));
		invalid(poisons, "created-year-10000",
				envelope("cy", "it.count", "[1]", "{}", "").replace("2026-01-01T00:00:00Z", "+10000-01-01T00:00:00Z"));
		invalid(poisons, "retries-overflow", envelope("ro", "it.count", "[1]", "{}", "").replace(CREATED, CREATED + ",\"retries\":1e20"));
		invalid(poisons, "retries-negative", envelope("rn", "it.count", "[1]", "{}", "").replace(CREATED, CREATED + ",\"retries\":-1"));
		invalid(poisons, "eta-object", envelope("eo", "it.count", "[1]", "{}", "\"eta\":{\"x\":1}"));
		invalid(poisons, "eta-year-0", envelope("e0", "it.count", "[1]", "{}", "\"eta\":\"-0001-01-01T00:00:00Z\""));
		invalid(poisons, "expires-array", envelope("ea", "it.count", "[1]", "{}", "\"expires\":[1,2]"));
		invalid(poisons, "countdown-1e300", envelope("cd", "it.count", "[1]", "{}", "\"countdown\":1e300"));
		invalid(poisons, "countdown-negative", envelope("cn", "it.count", "[1]", "{}", "\"countdown\":-5"));
		invalid(poisons, "priority-300", envelope("p3", "it.count", "[1]", "{}", "\"priority\":300"));
		invalid(poisons, "time-limit-text", envelope("tl", "it.count", "[1]", "{}", "\"time_limit\":\"soon\""));
		invalid(poisons, "soft-limit-overflow", envelope("sl", "it.count", "[1]", "{}", "\"soft_time_limit\":1e400"));
		invalid(poisons, "ignore-result-text", envelope("ir", "it.count", "[1]", "{}", "\"ignore_result\":\"no\""));
		invalid(poisons, "autoretry-for-numbers", envelope("af", "it.count", "[1]", "{}", "\"autoretry_for\":[1,2]"));
		invalid(poisons, "rate-limit-garbage", envelope("rl", "it.count", "[1]", "{}", "\"rate_limit\":\"fast\""));
		invalid(poisons, "deep-nesting", envelope("dn", "it.count", "[" + "[".repeat(5000) + "]".repeat(5000) + "]", "{}", ""));
		poisons.put("forbidden-reply-to", new Poison(envelope("fr", "it.count", "[1]", "{}",
				"\"ignore_result\":false,\"reply_to\":\"__consumer_offsets\"").getBytes(StandardCharsets.UTF_8),
				"forbidden-destination", Map.of()));
		reason(poisons, "unknown-task", envelope("ut", "no.such.task", "[1]", "{}", ""), "unknown-task");
		reason(poisons, "wrong-type", envelope("wt", "it.count", "[\"twelve\"]", "{}", ""), "invalid-arguments");
		reason(poisons, "too-many-args", envelope("tm", "it.count", "[1, 2]", "{}", ""), "invalid-arguments");
		reason(poisons, "unknown-kwarg", envelope("uk", "it.count", "[1]", "{\"colour\":\"red\"}", ""), "invalid-arguments");
		reason(poisons, "number-overflow", envelope("no", "it.count", "[1e400]", "{}", ""), "invalid-arguments");
		// Under the broker's limit (message.max.bytes, 1 MB), over the worker producer's
		// (max.request.size, set to 1,000,000 here): dead-lettered without its payload.
		reason(poisons, "huge-payload",
				envelope("hp", "it.count", "[\"" + "x".repeat(1_040_000) + "\"]", "{}", ""), "invalid-arguments");
		return poisons;
	}

	private static void invalid(Map<String, Poison> poisons, String kind, String payload) {
		reason(poisons, kind, payload, "invalid-envelope");
	}

	private static void reason(Map<String, Poison> poisons, String kind, String payload, String reason) {
		poisons.put(kind, new Poison(payload.getBytes((kind.equals("not-utf8")) ? StandardCharsets.ISO_8859_1
				: StandardCharsets.UTF_8), reason, Map.of()));
	}

	static String envelope(String id, String task, String args, String kwargs, String options) {
		return "{\"v\":1,\"id\":\"" + id + "\",\"task\":\"" + task + "\",\"args\":" + args + ",\"kwargs\":" + kwargs
				+ ",\"options\":{" + options + "}," + CREATED + "}";
	}

	private static KafkaProducer<byte[], byte[]> producer() {
		return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
				ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2_000_000), new ByteArraySerializer(),
				new ByteArraySerializer());
	}

	/**
	 * A bad record and what it ends as.
	 */
	record Poison(byte @Nullable [] value, String reason, Map<String, byte[]> headers) {
	}

}
