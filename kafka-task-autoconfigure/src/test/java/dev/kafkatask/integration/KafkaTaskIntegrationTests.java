package dev.kafkatask.integration;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.MeterNotFoundException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import dev.kafkatask.dispatch.DispatchReceipt;
import dev.kafkatask.dispatch.TaskClientFactory;
import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.dispatch.TaskOptions;
import dev.kafkatask.kafka.TaskHeaders;
import dev.kafkatask.kafka.worker.TaskWorker;
import dev.kafkatask.test.SharedKafkaBroker;
import dev.kafkatask.test.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End-to-end tests of the task path on a real broker: dispatch, the worker container, dead
 * letters, commits and restarts.
 *
 * @author kafka-task
 */
@SharedKafkaBroker
class KafkaTaskIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final TaskApplications apps = new TaskApplications();

	@Test
	void whenTaskIsDispatchedThenWorkerRunsItWithBoundArguments() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start()) {
			TaskDispatcher dispatcher = app.getBean(TaskDispatcher.class);
			DispatchReceipt byName = dispatcher
				.dispatch("it.echo", List.of("hello", 42), Map.of("tags", List.of("a", "b"), "extra", Map.of("x", 1)),
						TaskOptions.none().withTaskId("task-1"))
				.get();
			assertThat(byName.taskId()).isEqualTo("task-1");
			assertThat(byName.destination()).isEqualTo(this.apps.topic("default"));
			assertThat(byName.offset()).isGreaterThanOrEqualTo(0);
			EchoClient client = app.getBean(TaskClientFactory.class).create(EchoClient.class);
			client.echo("typed", 7, List.of(), Map.of()).get();
			await().atMost(TIMEOUT).untilAsserted(() -> {
				assertThat(this.apps.journal().runs("echo:hello:42:[a, b]:{x=1}")).isEqualTo(1);
				assertThat(this.apps.journal().runs("echo:typed:7:[]:{}")).isEqualTo(1);
			});
			MeterRegistry meters = app.getBean(MeterRegistry.class);
			assertThat(meters.get("kafka.task.dispatched").tag("task", "it.echo").counter().count()).isEqualTo(2);
			// the journal hears of a run before the meters do: a meter may not exist yet
			await().atMost(TIMEOUT).ignoreException(MeterNotFoundException.class)
				.untilAsserted(() -> assertThat(meters.get("kafka.task.executions")
					.tags("task", "it.echo", "queue", "default", "outcome", "success")
					.counter()
					.count()).isEqualTo(2));
			assertThat(meters.get("kafka.task.execution.time").tag("task", "it.echo").timer().count()).isEqualTo(2);
		}
	}

	@Test
	void whenTaskIsNotRegisteredHereThenItIsStillDispatchedForAnotherService() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start("kafka-task.worker.enabled=false",
				"kafka-task.kafka.queues=reports")) {
			DispatchReceipt receipt = app.getBean(TaskDispatcher.class)
				.dispatch("reports.build", List.of("q3"), Map.of("format", "pdf"), TaskOptions.none().withQueue("reports"))
				.get();
			assertThat(receipt.destination()).isEqualTo(this.apps.topic("reports"));
			ConsumerRecord<byte[], byte[]> record = TopicRecords.readAll(this.apps.topic("reports"), 1).get(0);
			assertThat(new String(record.value(), StandardCharsets.UTF_8)).contains("\"task\":\"reports.build\"")
				.contains("\"args\":[\"q3\"]")
				.contains("\"kwargs\":{\"format\":\"pdf\"}");
			assertThat(TopicRecords.header(record, TaskHeaders.TASK_ID)).isEqualTo(receipt.taskId());
		}
	}

	@Test
	void whenTaskThrowsThenItIsCountedAndOtherTasksGoOn() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start()) {
			TaskDispatcher dispatcher = app.getBean(TaskDispatcher.class);
			dispatcher.dispatch("it.fail", "f1").get();
			dispatcher.dispatch("it.count", 1).get();
			await().atMost(TIMEOUT).untilAsserted(() -> {
				assertThat(this.apps.journal().runs("fail:f1")).isEqualTo(1);
				assertThat(this.apps.journal().runs("count:1")).isEqualTo(1);
			});
			MeterRegistry meters = app.getBean(MeterRegistry.class);
			// the journal hears of a run before the meters do: a meter may not exist yet
			await().atMost(TIMEOUT).ignoreException(MeterNotFoundException.class)
				.untilAsserted(() -> assertThat(
						meters.get("kafka.task.executions").tags("task", "it.fail", "outcome", "failure").counter().count())
					.isEqualTo(1));
		}
	}

	@Test
	void whenOneTaskIsSlowThenTheOtherTasksOfItsPartitionFinishWhileItRuns() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start("kafka-task.kafka.partitions=1")) {
			TaskDispatcher dispatcher = app.getBean(TaskDispatcher.class);
			DispatchReceipt slow = dispatcher.dispatch("it.block", "slow").get();
			List<CompletableFuture<DispatchReceipt>> fast = IntStream.range(0, 999)
				.mapToObj((i) -> dispatcher.dispatch("it.count", i))
				.toList();
			CompletableFuture.allOf(fast.toArray(CompletableFuture[]::new)).get();
			assertThat(fast.get(998).get().partition()).isEqualTo(slow.partition());
			await().atMost(TIMEOUT).until(() -> this.apps.journal().distinctRuns() == 999);
			assertThat(this.apps.journal().starts("block:slow")).isEqualTo(1);
			assertThat(this.apps.journal().runs("block:slow")).isZero();
			TopicPartition partition = new TopicPartition(slow.destination(), slow.partition());
			// Everything after the slow record finished, yet the commit must not pass it.
			Thread.sleep(300);
			assertThat(this.apps.unsettled(partition)).as("records not settled").isPositive();
			this.apps.journal().release();
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("block:slow") == 1);
			long end = fast.get(998).get().offset() + 1;
			await().atMost(TIMEOUT).until(() -> this.apps.unsettled(partition) == 0);
		}
	}

	@Test
	void whenRecordsArePoisonThenTheyGoToTheDeadLetterTopicWithReasons() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start()) {
			String topic = this.apps.topic("default");
			send(topic, "not json{");
			send(topic, envelope("unknown-1", "no.such.task", "[]", "{}").replace("\"v\":1", "\"v\":2"));
			send(topic, envelope("unknown-2", "no.such.task", "[]", "{}"));
			send(topic, envelope("bad-type", "it.count", "[\"twelve\"]", "{}"));
			send(topic, envelope("too-many", "it.count", "[1, 2]", "{}"));
			send(topic, envelope("bad-kwarg", "it.count", "[1]", "{\"colour\":\"red\"}"));
			send(topic, envelope("good", "it.count", "[5]", "{}"));
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("count:5") == 1);
			List<ConsumerRecord<byte[], byte[]>> deadLetters = TopicRecords.readAll(topic + ".dlt", 6);
			Map<String, String> reasons = new HashMap<>();
			for (ConsumerRecord<byte[], byte[]> record : deadLetters) {
				String offset = TopicRecords.header(record, TaskHeaders.DLT_ORIGINAL_OFFSET);
				reasons.put(offset, TopicRecords.header(record, TaskHeaders.DLT_REASON) + ": " + TopicRecords.header(record, TaskHeaders.DLT_MESSAGE));
				assertThat(TopicRecords.header(record, TaskHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo(topic);
				assertThat(TopicRecords.header(record, TaskHeaders.DLT_EXCEPTION)).isNotBlank();
			}
			assertThat(reasons.values()).anySatisfy((r) -> assertThat(r).startsWith("invalid-envelope: Payload is not JSON"))
				.anySatisfy((r) -> assertThat(r).isEqualTo("invalid-envelope: Envelope version 2 is not supported (expected 1)"))
				.anySatisfy((r) -> assertThat(r)
					.isEqualTo("unknown-task: No task named 'no.such.task' is registered in this application"))
				.anySatisfy((r) -> assertThat(r).startsWith("invalid-arguments: it.count() argument 'index' cannot be read as int"))
				.anySatisfy((r) -> assertThat(r)
					.isEqualTo("invalid-arguments: it.count() takes 1 positional argument(s) but 2 were given"))
				.anySatisfy((r) -> assertThat(r)
					.isEqualTo("invalid-arguments: it.count() got unexpected keyword argument(s) [colour]"));
			// The dead letter keeps the poison payload as it was.
			assertThat(deadLetters).anySatisfy((record) -> assertThat(new String(record.value(), StandardCharsets.UTF_8))
				.isEqualTo("not json{"));
			assertThat(app.getBean(TaskWorker.class).isRunning()).isTrue();
			MeterRegistry meters = app.getBean(MeterRegistry.class);
			// the journal hears of a run before the meters do: a meter may not exist yet
			await().atMost(TIMEOUT).ignoreException(MeterNotFoundException.class)
				.untilAsserted(() -> assertThat(meters.get("kafka.task.executions")
					.tag("outcome", "dead_lettered")
					.counters()
					.stream()
					.mapToDouble((counter) -> counter.count())
					.sum()).isEqualTo(6));
		}
	}

	@Test
	void whenWorkerRestartsThenItResumesFromTheCommittedOffsetWithoutLoss() throws Exception {
		try (ConfigurableApplicationContext worker = this.apps.start()) {
			dispatchCounts(worker, 0, 100);
			await().atMost(TIMEOUT).until(() -> this.apps.journal().distinctRuns() == 100);
		}
		try (ConfigurableApplicationContext producerOnly = this.apps.start("kafka-task.worker.enabled=false")) {
			dispatchCounts(producerOnly, 100, 200);
		}
		assertThat(this.apps.journal().distinctRuns()).isEqualTo(100);
		try (ConfigurableApplicationContext worker = this.apps.start()) {
			await().atMost(TIMEOUT).until(() -> this.apps.journal().distinctRuns() == 200);
			IntStream.range(0, 200)
				.forEach((i) -> assertThat(this.apps.journal().runs("count:" + i)).as("runs of task %d", i).isEqualTo(1));
		}
	}

	@Test
	void whenTaskIsUnfinishedAtShutdownThenItRunsAgainAfterRestart() throws Exception {
		try (ConfigurableApplicationContext worker = this.apps.start("kafka-task.worker.shutdown-timeout=300ms")) {
			worker.getBean(TaskDispatcher.class).dispatch("it.block", "interrupted").get();
			dispatchCounts(worker, 0, 10);
			await().atMost(TIMEOUT).until(() -> this.apps.journal().starts("block:interrupted") == 1);
			await().atMost(TIMEOUT).until(() -> this.apps.journal().distinctRuns() == 10);
		}
		assertThat(this.apps.journal().runs("block:interrupted")).isZero();
		this.apps.journal().release();
		try (ConfigurableApplicationContext worker = this.apps.start()) {
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("block:interrupted") == 1);
			assertThat(this.apps.journal().starts("block:interrupted")).isEqualTo(2);
		}
	}

	private static void dispatchCounts(ConfigurableApplicationContext app, int from, int to) throws Exception {
		TaskDispatcher dispatcher = app.getBean(TaskDispatcher.class);
		List<CompletableFuture<DispatchReceipt>> sent = new ArrayList<>();
		for (int i = from; i < to; i++) {
			sent.add(dispatcher.dispatch("it.count", i));
		}
		CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get();
	}

	private static String envelope(String id, String task, String args, String kwargs) {
		return "{\"v\":1,\"id\":\"" + id + "\",\"task\":\"" + task + "\",\"args\":" + args + ",\"kwargs\":" + kwargs
				+ ",\"created\":\"2026-01-01T00:00:00Z\"}";
	}

	private static void send(String topic, String payload) throws Exception {
		try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
				Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()), new ByteArraySerializer(),
				new ByteArraySerializer())) {
			producer.send(new ProducerRecord<>(topic, 0, null, payload.getBytes(StandardCharsets.UTF_8))).get();
		}
	}

}
