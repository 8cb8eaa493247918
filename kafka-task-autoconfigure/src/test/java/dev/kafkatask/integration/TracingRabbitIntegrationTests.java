package dev.kafkatask.integration;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.exporter.FinishedSpan;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.ConfigurableApplicationContext;

import dev.kafkatask.dispatch.TaskOptions;
import dev.kafkatask.integration.TracingTestConfiguration.FinishedSpans;
import dev.kafkatask.integration.TracingTestConfiguration.Seen;
import dev.kafkatask.integration.TracingTestConfiguration.Traced;
import dev.kafkatask.integration.TracingTestConfiguration.TracedTasks;
import dev.kafkatask.routing.Backend;
import dev.kafkatask.test.CeleryPython;
import dev.kafkatask.test.SharedKafkaBroker;
import dev.kafkatask.test.SharedRabbitMq;
import dev.kafkatask.test.TestRabbit;

import static dev.kafkatask.integration.TracingTestConfiguration.CONFIGURATIONS;
import static dev.kafkatask.integration.TracingTestConfiguration.SAMPLE_EVERYTHING;
import static dev.kafkatask.integration.TracingTestConfiguration.dispatchInTrace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Trace propagation through the shared RabbitMQ ({@link TestRabbit}),
 * where the trace context travels as AMQP message headers, as Python Celery's OpenTelemetry
 * instrumentation writes and reads it: between Java applications, from a real Python Celery
 * 5.2 client to a Java task, and from a Java dispatch to a real Python Celery worker.
 *
 * @author kafka-task
 */
@SharedKafkaBroker
@SharedRabbitMq
class TracingRabbitIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private final TaskApplications apps = new TaskApplications();

	private final String queue = this.apps.prefix() + "traced";

	private final CeleryPython celery = CeleryPython.create();

	@TempDir
	Path records;

	@BeforeAll
	static void tracerIsOnTheClassPath() {
		assumeThat(TracingTestConfiguration.tracerPresent())
			.as("runs in the Surefire execution 'tracing', which has the tracer on the class path")
			.isTrue();
	}

	@AfterEach
	void deleteQueues() {
		this.celery.deleteQueue(this.queue);
		this.celery.deleteQueue(this.queue + ".dlq");
	}

	@Test
	void whenTaskIsDispatchedToRabbitInATraceThenItRunsInAChildSpanOfTheDispatchSpan() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start(CONFIGURATIONS, SAMPLE_EVERYTHING,
				routeQueueToRabbit(), "kafka-task.rabbitmq.queues=" + this.queue)) {
			Traced traced = dispatchInTrace(app, "it.traced", List.of(), TaskOptions.none().withQueue(this.queue));
			assertThat(traced.receipt().backend()).isEqualTo(Backend.RABBITMQ);
			Seen seen = app.getBean(TracedTasks.class).awaitRun(traced.taskId());
			FinishedSpans spans = app.getBean(FinishedSpans.class);
			FinishedSpan dispatch = spans.awaitTaskSpan("dispatch it.traced", traced.taskId());
			FinishedSpan execution = spans.awaitTaskSpan("execute it.traced", traced.taskId());
			String traceId = traced.parent().traceId();
			assertThat(dispatch.getTraceId()).isEqualTo(traceId);
			assertThat(dispatch.getParentId()).isEqualTo(traced.parent().spanId());
			assertThat(dispatch.getTags()).containsEntry("backend", "rabbitmq").containsEntry("queue", this.queue);
			assertThat(seen.headers()).containsEntry("traceparent", "00-" + traceId + "-" + dispatch.getSpanId() + "-01");
			assertThat(seen.span()).isNotNull();
			assertThat(seen.span().traceId()).isEqualTo(traceId);
			assertThat(seen.span().parentId()).isEqualTo(dispatch.getSpanId());
			assertThat(seen.span().spanId()).isEqualTo(execution.getSpanId());
			assertThat(execution.getKind()).isEqualTo(Span.Kind.CONSUMER);
			assertThat(execution.getTags()).containsEntry("backend", "rabbitmq").containsEntry("queue", this.queue);
		}
	}

	@Test
	void whenPythonCeleryClientSendsATraceparentThenTheJavaTaskRunsInThatTrace() {
		assumeCelery();
		String traceId = hex(16);
		String parentSpanId = hex(8);
		try (ConfigurableApplicationContext app = this.apps.start(CONFIGURATIONS, SAMPLE_EVERYTHING,
				routeQueueToRabbit(), "kafka-task.rabbitmq.queues=" + this.queue)) {
			String taskId = this.celery.sendTask(CeleryPython.SendTask.of(this.queue, "it.traced")
				.withHeaders("{\"traceparent\": \"00-" + traceId + "-" + parentSpanId + "-01\"}"));
			Seen seen = app.getBean(TracedTasks.class).awaitRun(taskId);
			assertThat(seen.span()).isNotNull();
			assertThat(seen.span().traceId()).isEqualTo(traceId);
			assertThat(seen.span().parentId()).isEqualTo(parentSpanId);
			FinishedSpan execution = app.getBean(FinishedSpans.class).awaitTaskSpan("execute it.traced", taskId);
			assertThat(execution.getTraceId()).isEqualTo(traceId);
			assertThat(execution.getParentId()).isEqualTo(parentSpanId);
		}
	}

	@Test
	void whenJavaDispatchGoesToAPythonCeleryWorkerThenTheWorkerGetsTheTraceparent() throws Exception {
		assumeCelery();
		Path recordFile = this.records.resolve("python.jsonl");
		try (CeleryPython.Worker worker = this.celery.startWorker(this.queue, recordFile);
				ConfigurableApplicationContext app = this.apps.start(CONFIGURATIONS, SAMPLE_EVERYTHING,
						routeQueueToRabbit(), "kafka-task.worker.enabled=false", "kafka-task.rabbitmq.queues=")) {
			Traced traced = dispatchInTrace(app, CeleryPython.RECORD_TASK, List.of(),
					TaskOptions.none().withQueue(this.queue));
			FinishedSpan dispatch = app.getBean(FinishedSpans.class)
				.awaitTaskSpan("dispatch " + CeleryPython.RECORD_TASK, traced.taskId());
			await().atMost(TIMEOUT).until(() -> !CeleryPython.readRecords(recordFile).isEmpty());
			CeleryPython.RecordedTask recorded = CeleryPython.readRecords(recordFile).get(0);
			assertThat(recorded.id()).isEqualTo(traced.taskId());
			assertThat(recorded.headers()).containsKey("traceparent");
			assertThat(recorded.headers().get("traceparent").asString())
				.isEqualTo("00-" + traced.parent().traceId() + "-" + dispatch.getSpanId() + "-01");
		}
	}

	private String routeQueueToRabbit() {
		return "kafka-task.routing.queues.[" + this.queue + "].backend=rabbitmq";
	}

	private void assumeCelery() {
		assumeThat(CeleryPython.available()).as(CeleryPython.INSTALL_HINT).isTrue();
	}

	private static String hex(int bytes) {
		byte[] random = new byte[bytes];
		ThreadLocalRandom.current().nextBytes(random);
		random[0] |= 1;
		return HexFormat.of().formatHex(random);
	}

}
