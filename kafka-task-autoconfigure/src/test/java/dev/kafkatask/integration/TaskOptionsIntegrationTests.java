package dev.kafkatask.integration;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.kafkatask.actuate.KafkaTasksEndpoint;
import dev.kafkatask.dispatch.DispatchReceipt;
import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.dispatch.TaskOptions;
import dev.kafkatask.kafka.TaskHeaders;
import dev.kafkatask.kafka.worker.TaskWorker;
import dev.kafkatask.options.UnsupportedTaskOptionException;
import dev.kafkatask.routing.Backend;
import dev.kafkatask.task.TaskTimeLimitExceeded;
import dev.kafkatask.test.SharedKafkaBroker;
import dev.kafkatask.test.TestRabbit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Celery task options on real brokers: the unsupported-option policies, and the options the
 * workers apply today ({@code expires}, {@code throws}, {@code shadow}).
 *
 * @author kafka-task
 */
@SharedKafkaBroker
@ExtendWith(OutputCaptureExtension.class)
@Isolated("it reads the console")
class TaskOptionsIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final TaskApplications apps = new TaskApplications();

	private final String rabbitQueue = this.apps.prefix() + "options";

	@AfterEach
	void deleteQueues() {
		if (!TestRabbit.available()) {
			return;
		}
		CachingConnectionFactory connectionFactory = TestRabbit.connectionFactory();
		RabbitAdmin admin = new RabbitAdmin(connectionFactory);
		admin.deleteQueue(this.rabbitQueue);
		admin.deleteQueue(this.rabbitQueue + ".dlq");
		connectionFactory.destroy();
	}

	@Test
	void whenTaskHasExpiredThenItIsNotRunButCountedAsExpired() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start("kafka-task.kafka.partitions=1")) {
			TaskDispatcher dispatcher = app.getBean(TaskDispatcher.class);
			dispatcher.dispatch("it.count", List.of(1), Map.of(),
					TaskOptions.none().withExpires(Instant.now().minusSeconds(1))).get();
			dispatcher.dispatch("it.count", List.of(2), Map.of(), TaskOptions.none().withOption("expires", 600)).get();
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("count:2") == 1);
			assertThat(this.apps.journal().runs("count:1")).isZero();
			MeterRegistry meters = app.getBean(MeterRegistry.class);
			await().atMost(TIMEOUT).until(() -> meters.find("kafka.task.executions")
				.tags("task", "it.count", "outcome", "expired")
				.counter() != null);
			assertThat(meters.get("kafka.task.executions").tags("task", "it.count", "outcome", "expired").counter()
				.count()).isEqualTo(1);
		}
	}

	@Test
	void whenTaskPassesItsSoftTimeLimitThenItsThreadIsInterrupted() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start()) {
			app.getBean(TaskDispatcher.class).dispatch("it.sleepy", "soft").get();
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("sleepy:soft:interrupted") == 1);
		}
	}

	@Test
	void whenTaskPassesItsHardTimeLimitThenItIsAbandonedDeadLetteredAndItsRecordCommitted() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start("kafka-task.kafka.partitions=1")) {
			TaskDispatcher dispatcher = app.getBean(TaskDispatcher.class);
			DispatchReceipt stuck = dispatcher.dispatch("it.stuck", "hard").get();
			DispatchReceipt next = dispatcher.dispatch("it.count", 5).get();
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("count:5") == 1);
			TaskWorker container = app.getBean(TaskWorker.class);
			MeterRegistry meters = app.getBean(MeterRegistry.class);
			await().atMost(TIMEOUT).until(() -> container.getInFlight() == 0);
			assertThat(this.apps.journal().starts("stuck:hard")).isEqualTo(1);
			assertThat(this.apps.journal().runs("stuck:hard")).as("the stuck thread is still stuck").isZero();
			assertThat(meters.get("kafka.task.executions").tags("task", "it.stuck", "outcome", "abandoned").counter()
				.count()).isEqualTo(1);
			ConsumerRecord<byte[], byte[]> deadLetter = TopicRecords.readAll(stuck.destination() + ".dlt", 1).get(0);
			assertThat(TopicRecords.header(deadLetter, TaskHeaders.DLT_REASON)).isEqualTo("time-limit");
			assertThat(TopicRecords.header(deadLetter, TaskHeaders.DLT_EXCEPTION))
				.isEqualTo(TaskTimeLimitExceeded.class.getName());
			assertThat(TopicRecords.header(deadLetter, TaskHeaders.DLT_ORIGINAL_OFFSET))
				.isEqualTo(Long.toString(stuck.offset()));
			TopicPartition partition = new TopicPartition(stuck.destination(), stuck.partition());
			assertThat(next.offset()).as("the last record of its partition")
				.isEqualTo(TopicOffsets.endOffset(partition) - 1);
			await().atMost(TIMEOUT).until(() -> this.apps.unsettled(partition) == 0);
			this.apps.journal().release();
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("stuck:hard") == 1);
			assertThat(meters.find("kafka.task.executions").tags("task", "it.stuck", "outcome", "success").counter())
				.as("what the abandoned thread did later is not counted").isNull();
		}
	}

	@Test
	void whenTaskHasARateLimitThenItsRunsAreSpacedAndOtherTasksAreNotHeldBack() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start()) {
			TaskDispatcher dispatcher = app.getBean(TaskDispatcher.class);
			for (int i = 0; i < 10; i++) {
				dispatcher.dispatch("it.limited", i).get();
			}
			dispatcher.dispatch("it.count", 99).get();
			await().atMost(TIMEOUT).until(() -> java.util.stream.IntStream.range(0, 10)
				.allMatch((i) -> this.apps.journal().runs("limited:" + i) == 1));
			List<Instant> runs = new java.util.ArrayList<>();
			for (int i = 0; i < 10; i++) {
				runs.addAll(this.apps.journal().runTimes("limited:" + i));
			}
			runs.sort(null);
			// 5 per second, evenly spaced: ten runs span at least 9 x 200 ms (less clock slack)
			assertThat(Duration.between(runs.get(0), runs.get(9))).isGreaterThanOrEqualTo(Duration.ofMillis(1700));
			for (int i = 5; i < 10; i++) {
				assertThat(Duration.between(runs.get(i - 5), runs.get(i))).as("5 runs apart")
					.isGreaterThanOrEqualTo(Duration.ofMillis(900));
			}
			Instant other = this.apps.journal().runTimes("count:99").get(0);
			assertThat(other).as("a task without limit is not held back").isBefore(runs.get(9));
		}
	}

	@Test
	void whenDispatchSetsTaskIdHeadersAndSupportedValuesThenTheyAreHonoured() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start()) {
			TaskDispatcher dispatcher = app.getBean(TaskDispatcher.class);
			DispatchReceipt receipt = dispatcher
				.dispatch("it.headers", List.of(), Map.of(),
						TaskOptions.none()
							.withOption("task_id", "my-id-1")
							.withOption("headers", Map.of("tenant", "acme"))
							.withOption("serializer", "json")
							.withOption("ignore_result", true)
							.withOption("acks_late", true)
							.withOption("reject_on_worker_lost", true)
							.withOption("retry", true))
				.get();
			assertThat(receipt.taskId()).isEqualTo("my-id-1");
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("headers:my-id-1:{tenant=acme}") == 1);
			Map<String, Object> refused = new java.util.LinkedHashMap<>();
			refused.put("serializer", "pickle");
			refused.put("acks_late", false);
			refused.put("reject_on_worker_lost", false);
			refused.put("retry", false);
			refused.put("routing_key", "rk");
			refused.put("track_started", true);
			refused.put("retry_policy", Map.of("max_retries", 3));
			refused.put("compression", "gzip");
			// and a priority for a queue without a high-priority topic fails naming the property
			CompletableFuture<DispatchReceipt> urgent = dispatcher.dispatch("it.count", List.of(1), Map.of(),
					TaskOptions.none().withOption("priority", 9));
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(urgent::get)
				.withMessageContaining("add it to kafka-task.kafka.priority-queues");
			for (Map.Entry<String, Object> unsupported : refused.entrySet()) {
				CompletableFuture<DispatchReceipt> sent = dispatcher.dispatch("it.count", List.of(1), Map.of(),
						TaskOptions.none().withOption(unsupported.getKey(), unsupported.getValue()));
				assertThatExceptionOfType(ExecutionException.class).isThrownBy(sent::get)
					.withCauseInstanceOf(UnsupportedTaskOptionException.class)
					.withMessageContaining("[" + unsupported.getKey() + "]");
			}
		}
	}

	@Test
	void whenTaskRetriesWithoutBackoffThenItWaitsItsDefaultRetryDelayAndWithJitterAtMostItsBackoff()
			throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start()) {
			TaskDispatcher dispatcher = app.getBean(TaskDispatcher.class);
			dispatcher.dispatch("it.plain-retry", "p").get();
			dispatcher.dispatch("it.jitter", "j").get();
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("plain-retry:p") == 2
					&& this.apps.journal().runs("jitter:j") == 3);
			List<Instant> plain = this.apps.journal().runTimes("plain-retry:p");
			assertThat(Duration.between(plain.get(0), plain.get(1))).isGreaterThanOrEqualTo(Duration.ofMillis(400));
			List<Instant> jitter = this.apps.journal().runTimes("jitter:j");
			// full jitter: a random delay up to 1 s, then up to 2 s (plus delivery)
			assertThat(Duration.between(jitter.get(0), jitter.get(1))).isLessThan(Duration.ofMillis(1000 + 1500));
			assertThat(Duration.between(jitter.get(1), jitter.get(2))).isLessThan(Duration.ofMillis(2000 + 1500));
		}
	}

	@Test
	void whenKafkaDoesNotSupportAnOptionThenTheDispatchIsRejectedNamingIt() {
		try (ConfigurableApplicationContext app = this.apps.start()) {
			CompletableFuture<DispatchReceipt> sent = app.getBean(TaskDispatcher.class)
				.dispatch("it.count", List.of(1), Map.of(), TaskOptions.none().withOption("compression", "gzip"));
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(sent::get)
				.withCauseInstanceOf(UnsupportedTaskOptionException.class)
				.withMessageContaining("Task 'it.count' sets option(s) [compression] that kafka does not support");
		}
	}

	@Test
	void whenPolicyIsRouteToRabbitThenCanvasOptionsStayOnKafkaAndOptionsNeitherSupportsFail() throws Exception {
		// No option of this release is RabbitMQ's only since canvas came to Kafka (link and
		// link_error were): the policy moves nothing, and an option neither backend supports
		// still fails. Moving a task is held to the resolver in TaskOptionResolverTests.
		TestRabbit.assumeAvailable("a task the policy could reroute to RabbitMQ");
		try (ConfigurableApplicationContext app = this.apps.start("kafka-task.unsupported-options=route-to-rabbit",
				"kafka-task.rabbitmq.queues=" + this.rabbitQueue, "kafka-task.kafka.queues=" + this.rabbitQueue)) {
			TaskDispatcher dispatcher = app.getBean(TaskDispatcher.class);
			DispatchReceipt linked = dispatcher
				.dispatch("it.context", List.of("p"), Map.of(), TaskOptions.none()
					.withOption("link", List.of(Map.of("task", "it.count", "args", List.of(1), "immutable", true))))
				.get();
			assertThat(linked.backend()).isEqualTo(Backend.KAFKA);
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("count:1") == 1);
			CompletableFuture<DispatchReceipt> neither = dispatcher.dispatch("it.context", List.of(), Map.of(),
					TaskOptions.none().withQueue(this.rabbitQueue).withOption("track_started", true));
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(neither::get)
				.withCauseInstanceOf(UnsupportedTaskOptionException.class);
		}
	}

	@Test
	void whenTaskPolicyIsIgnoreThenTheOptionIsDroppedAndTheTaskRuns() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start(
				"kafka-task.tasks.[it.count].unsupported-options=ignore")) {
			DispatchReceipt receipt = app.getBean(TaskDispatcher.class)
				.dispatch("it.count", List.of(7), Map.of(), TaskOptions.none().withOption("compression", "gzip"))
				.get();
			assertThat(receipt.backend()).isEqualTo(Backend.KAFKA);
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("count:7") == 1);
		}
	}

	@Test
	void whenTaskThrowsAnExpectedExceptionThenItIsLoggedUnderItsShadowNameWithoutStackTrace(CapturedOutput output)
			throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start(
				"kafka-task.tasks.[it.fail].throws=java.lang.RuntimeException",
				"management.endpoints.web.exposure.include=kafkatasks")) {
			app.getBean(TaskDispatcher.class)
				.dispatch("it.fail", List.of("expected"), Map.of(), TaskOptions.none().withOption("shadow", "it.fail.v2"))
				.get();
			await().atMost(TIMEOUT).until(() -> output.getOut().contains("Task 'it.fail.v2' ["));
			String line = output.getOut()
				.lines()
				.filter((entry) -> entry.contains("Task 'it.fail.v2' ["))
				.findFirst()
				.orElseThrow();
			assertThat(line).contains("WARN").contains("IllegalStateException: Task it.fail failed on purpose");
			assertThat(output.getOut()).doesNotContain("at dev.kafkatask.integration.JournalTasks.fail(");
			assertThat(app.getBean(KafkaTasksEndpoint.class).kafkaTasks().tasks())
				.filteredOn((task) -> task.name().equals("it.fail"))
				.singleElement()
				.satisfies((task) -> assertThat(task.options()).containsKey("throws"));
		}
	}

}
