package dev.kafkatask.integration;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.dispatch.TaskOptions;
import dev.kafkatask.metrics.KafkaTaskMeters;
import dev.kafkatask.options.UnsupportedTaskOptionException;
import dev.kafkatask.test.ConsumerGroupOnly;
import dev.kafkatask.test.SharedKafkaBroker;
import dev.kafkatask.test.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The meters, on a real broker: exact counts for a known workload, the state of the worker's
 * partitions, and no meter that {@link KafkaTaskMeters} does not document.
 *
 * @author kafka-task
 */
@SharedKafkaBroker
class MetricsIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final TaskApplications apps = new TaskApplications();

	@Test
	@ConsumerGroupOnly("the partition gauges (lag, committed offset)")
	void whenAKnownWorkloadRunsThenEveryMeterCountsItExactlyWithBackendAndOwner() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start("kafka-task.kafka.partitions=1",
				"kafka-task.metrics.refresh-interval=200ms", "kafka-task.tasks.[it.count].owner=counting",
				"kafka-task.queue-owners.default=platform")) {
			TaskDispatcher dispatcher = app.getBean(TaskDispatcher.class);
			MeterRegistry meters = app.getBean(MeterRegistry.class);
			for (int i = 0; i < 5; i++) {
				dispatcher.dispatch("it.count", i).get();
			}
			dispatcher.dispatch("it.fail", "a").get();
			dispatcher.dispatch("it.fail", "b").get();
			dispatcher.dispatch("it.flaky", "f", 2).get();
			dispatcher.dispatch("it.sleepy", "s").get();
			dispatcher.dispatch("it.stuck", "h").get();
			send(this.apps.topic("default"), "not json");
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> dispatcher
					.dispatch("it.count", List.of(9), Map.of(), TaskOptions.none().withOption("routing_key", "x"))
					.get())
				.withCauseInstanceOf(UnsupportedTaskOptionException.class);

			await().atMost(TIMEOUT).untilAsserted(() -> {
				assertThat(count(meters, "kafka.task.executions", "it.flaky", "outcome", "success")).isEqualTo(1);
				assertThat(count(meters, "kafka.task.executions", "unknown", "outcome", "dead_lettered")).isEqualTo(1);
				assertThat(count(meters, "kafka.task.executions", "it.count", "outcome", "success")).isEqualTo(5);
				assertThat(count(meters, "kafka.task.executions", "it.fail", "outcome", "failure")).isEqualTo(2);
				assertThat(count(meters, "kafka.task.executions", "it.sleepy", "outcome", "success")).isEqualTo(1);
				assertThat(count(meters, "kafka.task.executions", "it.stuck", "outcome", "abandoned")).isEqualTo(1);
			});
			this.apps.journal().release();

			// dispatch, routing and refusal
			assertThat(meters.get("kafka.task.dispatched")
				.tags("task", "it.count", "queue", "default", "backend", "kafka", "owner", "counting")
				.counter()
				.count()).isEqualTo(5);
			assertThat(meters.get("kafka.task.routing.decisions")
				.tags("task", "it.count", "backend", "kafka", "rule", "default", "owner", "counting")
				.counter()
				.count()).isEqualTo(5);
			assertThat(count(meters, "kafka.task.executions", "it.count", "outcome", "rejected")).isEqualTo(1);
			assertThat(meters.get("kafka.task.dispatch.failures")
				.tags("task", "it.count", "exception", "UnsupportedTaskOptionException", "backend", "kafka")
				.counter()
				.count()).isEqualTo(1);
			// owners: a property, an annotation, the queue's
			assertThat(meters.get("kafka.task.executions").tags("task", "it.count", "outcome", "success").counter()
				.getId().getTag("owner")).isEqualTo("counting");
			assertThat(meters.get("kafka.task.executions").tags("task", "it.flaky", "outcome", "success").counter()
				.getId().getTag("owner")).isEqualTo("reliability");
			assertThat(meters.get("kafka.task.executions").tags("task", "it.fail").counter().getId().getTag("owner"))
				.isEqualTo("platform");
			assertThat(meters.get("kafka.task.executions").tags("task", "unknown").counter().getId().getTag("owner"))
				.isEqualTo("platform");
			// retries and time limits
			assertThat(count(meters, "kafka.task.executions", "it.flaky", "outcome", "retry")).isEqualTo(2);
			assertThat(count(meters, "kafka.task.retries", "it.flaky")).isEqualTo(2);
			assertThat(count(meters, "kafka.task.time.limit.hits", "it.sleepy", "limit", "soft")).isEqualTo(1);
			assertThat(count(meters, "kafka.task.time.limit.hits", "it.stuck", "limit", "hard")).isEqualTo(1);
			// dead letters, by reason: the record that is not JSON, the task abandoned at its limit
			assertThat(count(meters, "kafka.task.dead.letters", "unknown", "reason", "invalid-envelope")).isEqualTo(1);
			assertThat(count(meters, "kafka.task.dead.letters", "it.stuck", "reason", "time-limit")).isEqualTo(1);
			assertThat(meters.find("kafka.task.time.limit.hits").tags("task", "it.sleepy", "limit", "hard").counter())
				.isNull();
			// timers: one run each, one queue time per start
			assertThat(meters.get("kafka.task.execution.time")
				.tags("task", "it.count", "outcome", "success", "backend", "kafka")
				.timer()
				.count()).isEqualTo(5);
			assertThat(meters.get("kafka.task.execution.time").tags("task", "it.flaky", "outcome", "retry").timer()
				.count()).isEqualTo(2);
			assertThat(meters.get("kafka.task.queue.time").tags("task", "it.count").timer().count()).isEqualTo(5);
			assertThat(meters.get("kafka.task.queue.time").tags("task", "it.flaky").timer().count()).isEqualTo(3);
			assertThat(meters.find("kafka.task.queue.time").tags("task", "unknown").timer()).isNull();

			// the worker's partition: everything committed, nothing waiting, nothing left
			TopicPartition partition = new TopicPartition(this.apps.topic("default"), 0);
			long end = endOffset(partition);
			await().atMost(TIMEOUT).untilAsserted(() -> {
				assertThat(meters.find("kafka.task.partition.lag").gauges()).isNotEmpty();
				assertThat(partitionGauge(meters, "kafka.task.partition.committed.offset", partition)).isEqualTo(end);
				assertThat(partitionGauge(meters, "kafka.task.partition.lag", partition)).isZero();
				assertThat(partitionGauge(meters, "kafka.task.partition.in.flight", partition)).isZero();
				assertThat(partitionGauge(meters, "kafka.task.partition.buffered", partition)).isZero();
				assertThat(partitionGauge(meters, "kafka.task.partition.paused", partition)).isZero();
			});
			assertThat(meters.get("kafka.task.partition.lag").tags("owner", "platform", "queue", "default",
					"group", this.apps.groupId()).gauge()).isNotNull();
			assertThat(meters.get("kafka.task.in.flight").tags("backend", "kafka", "queue", "default", "owner",
					"platform").gauge().value()).isZero();
			assertThat(meters.get("kafka.task.worker.stalled").tag("group", this.apps.groupId()).gauge().value())
				.isZero();
			assertThat(meters.get("kafka.task.rebalances").tags("group", this.apps.groupId(), "type", "assigned")
				.counter()
				.count()).isGreaterThanOrEqualTo(1);
			assertThat(meters.get("kafka.task.rebalance.time").tags("type", "assigned").timer().count())
				.isGreaterThanOrEqualTo(1);

			assertEveryMeterIsDocumented(meters);
		}
	}

	@Test
	void whenTheApplicationClosesThenItsMetersAreRemoved() {
		MeterRegistry meters;
		try (ConfigurableApplicationContext app = this.apps.start("kafka-task.metrics.refresh-interval=200ms")) {
			meters = app.getBean(MeterRegistry.class);
			await().atMost(TIMEOUT).until(() -> meters.find("kafka.task.in.flight").gauge() != null);
		}
		assertThat(meters.getMeters()).noneMatch((meter) -> meter.getId().getName().startsWith("kafka.task."));
	}

	/**
	 * Every kafka-task meter is one {@link KafkaTaskMeters} documents, with the documented
	 * tags, of the documented type.
	 */
	private static void assertEveryMeterIsDocumented(MeterRegistry meters) {
		Map<String, KafkaTaskMeters> documented = java.util.Arrays.stream(KafkaTaskMeters.values())
			.collect(Collectors.toMap(KafkaTaskMeters::getName, (meter) -> meter));
		List<Meter> ours = meters.getMeters()
			.stream()
			.filter((meter) -> meter.getId().getName().startsWith("kafka.task."))
			.toList();
		assertThat(ours).hasSizeGreaterThan(15);
		for (Meter meter : ours) {
			KafkaTaskMeters doc = documented.get(meter.getId().getName());
			assertThat(doc).as(meter.getId().getName()).isNotNull();
			assertThat(meter.getId().getType()).as(doc.getName()).isEqualTo(doc.getType());
			Set<String> keys = meter.getId().getTags().stream().map(io.micrometer.core.instrument.Tag::getKey)
				.collect(Collectors.toSet());
			assertThat(keys).as(doc.getName())
				.isEqualTo(java.util.Arrays.stream(doc.getKeyNames()).map((key) -> key.asString())
					.collect(Collectors.toSet()));
			assertThat(meter.getId().getDescription()).as(doc.getName()).isEqualTo(doc.getDescription());
		}
	}

	private static double count(MeterRegistry meters, String name, String task, String... tags) {
		return meters.find(name).tag("task", task).tags(tags).counters().stream().mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
	}

	private static double partitionGauge(MeterRegistry meters, String name, TopicPartition partition) {
		return meters.get(name)
			.tags("topic", partition.topic(), "partition", Integer.toString(partition.partition()))
			.gauge()
			.value();
	}

	private static long endOffset(TopicPartition partition) throws Exception {
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()))) {
			return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).all().get().get(partition).offset();
		}
	}

	private static void send(String topic, String payload) throws Exception {
		try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
				Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()), new ByteArraySerializer(),
				new ByteArraySerializer())) {
			producer.send(new ProducerRecord<>(topic, 0, null, payload.getBytes(StandardCharsets.UTF_8))).get();
		}
	}

}
