package dev.kafkatask.integration;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.ConfigurableApplicationContext;

import dev.kafkatask.canvas.Canvas;
import dev.kafkatask.canvas.CanvasReceipt;
import dev.kafkatask.canvas.Signature;
import dev.kafkatask.dispatch.DispatchReceipt;
import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.dispatch.TaskOptions;
import dev.kafkatask.routing.Backend;
import dev.kafkatask.test.CeleryPython;
import dev.kafkatask.test.SharedKafkaBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * kafka-task beside real Python Celery 5.2 (Debian's python3-celery) through the real
 * RabbitMQ: a Python client's {@code send_task} runs a Java task, and a Java dispatch routed to
 * RabbitMQ runs in a Python Celery worker, with args, kwargs, eta and expires intact both
 * ways.
 *
 * @author kafka-task
 */
@SharedKafkaBroker
class CeleryInteropIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private final TaskApplications apps = new TaskApplications();

	private final String queue = this.apps.prefix() + "interop";

	private final CeleryPython celery = CeleryPython.create();

	@TempDir
	Path records;

	@BeforeAll
	static void celeryIsInstalled() {
		assumeThat(CeleryPython.available()).as(CeleryPython.INSTALL_HINT).isTrue();
	}

	@AfterEach
	void deleteQueues() {
		this.celery.deleteQueue(this.queue);
		this.celery.deleteQueue(this.queue + ".dlq");
	}

	@Test
	void whenPythonClientSendsTaskThenJavaTaskRunsWithItsArgumentsEtaAndExpires() {
		Instant eta = Instant.now().truncatedTo(ChronoUnit.MILLIS).plusMillis(500);
		Instant expires = eta.plus(Duration.ofHours(1));
		try (ConfigurableApplicationContext app = this.apps.start(
				"kafka-task.routing.queues.[" + this.queue + "].backend=rabbitmq",
				"kafka-task.rabbitmq.queues=" + this.queue)) {
			String taskId = this.celery.sendTask(CeleryPython.SendTask.of(this.queue, "it.context")
				.withArgs("[1, \"two\", [3.5, null]]")
				.withKwargs("{\"flag\": true, \"nested\": {\"k\": \"v\"}}")
				.withEta(eta.toString().replace("Z", "+00:00"))
				.withExpires(expires.toString()));
			await().atMost(TIMEOUT)
				.until(() -> this.apps.journal().runs("context:rabbitmq:" + taskId
						+ ":[1, two, [3.5, null]]:{flag=true, nested={k=v}}:eta=" + eta + ":expires=" + expires) == 1);
		}
	}

	@Test
	void whenJavaDispatchIsRoutedToRabbitThenPythonWorkerRunsItWithItsArgumentsEtaAndExpires() throws Exception {
		Path recordFile = this.records.resolve("python.jsonl");
		Instant eta = Instant.now().truncatedTo(ChronoUnit.MILLIS).plusMillis(500);
		Instant expires = eta.plus(Duration.ofHours(1));
		try (CeleryPython.Worker worker = this.celery.startWorker(this.queue, recordFile);
				ConfigurableApplicationContext app = this.apps.start(
						"kafka-task.routing.queues.[" + this.queue + "].backend=rabbitmq", "kafka-task.worker.enabled=false",
						"kafka-task.rabbitmq.queues=")) {
			DispatchReceipt receipt = app.getBean(TaskDispatcher.class)
				.dispatch(CeleryPython.RECORD_TASK, List.of(1, "two", List.of(3.5)), Map.of("flag", true),
						TaskOptions.none().withQueue(this.queue).withEta(eta).withExpires(expires))
				.get();
			assertThat(receipt.backend()).isEqualTo(Backend.RABBITMQ);
			await().atMost(TIMEOUT).until(() -> !CeleryPython.readRecords(recordFile).isEmpty());
			CeleryPython.RecordedTask recorded = CeleryPython.readRecords(recordFile).get(0);
			assertThat(recorded.id()).isEqualTo(receipt.taskId());
			assertThat(recorded.task()).isEqualTo(CeleryPython.RECORD_TASK);
			assertThat(recorded.args()).hasSize(3);
			assertThat(recorded.args().get(0).asInt()).isEqualTo(1);
			assertThat(recorded.args().get(1).asString()).isEqualTo("two");
			assertThat(recorded.args().get(2).get(0).asDouble()).isEqualTo(3.5);
			assertThat(recorded.kwargs()).containsOnlyKeys("flag");
			assertThat(recorded.kwargs().get("flag").asBoolean()).isTrue();
			assertThat(Instant.parse(recorded.eta())).isEqualTo(eta);
			assertThat(Instant.parse(recorded.expires())).isEqualTo(expires);
		}
	}

	@Test
	void whenJavaDispatchesAChainToRabbitThenCeleryWorkersTakeItOn() throws Exception {
		Path recordFile = this.records.resolve("python.jsonl");
		try (CeleryPython.Worker worker = this.celery.startWorker(this.queue, recordFile);
				ConfigurableApplicationContext app = this.apps.start(
						"kafka-task.routing.queues.[" + this.queue + "].backend=rabbitmq", "kafka-task.worker.enabled=false",
						"kafka-task.rabbitmq.queues=")) {
			TaskOptions onQueue = TaskOptions.none().withQueue(this.queue);
			CanvasReceipt receipt = app.getBean(TaskDispatcher.class)
				.dispatch(Canvas.chain(Signature.of(CeleryPython.RECORD_TASK, "first").withOptions(onQueue),
						Signature.of(CeleryPython.RECORD_TASK, "second").withOptions(onQueue)))
				.get();
			assertThat(receipt.sent()).singleElement()
				.satisfies((sent) -> assertThat(sent.backend()).isEqualTo(Backend.RABBITMQ));
			await().atMost(TIMEOUT).until(() -> CeleryPython.readRecords(recordFile).size() == 2);
			List<CeleryPython.RecordedTask> recorded = CeleryPython.readRecords(recordFile);
			assertThat(recorded).extracting(CeleryPython.RecordedTask::id).containsExactlyElementsOf(receipt.taskIds());
			assertThat(recorded.get(0).args()).singleElement().satisfies((arg) -> assertThat(arg.asString()).isEqualTo("first"));
			// Celery passes the first task's result (None: py.record returns nothing) on, as ours do
			assertThat(recorded.get(1).args()).hasSize(2);
			assertThat(recorded.get(1).args().get(0).isNull()).isTrue();
			assertThat(recorded.get(1).args().get(1).asString()).isEqualTo("second");
		}
	}

}
