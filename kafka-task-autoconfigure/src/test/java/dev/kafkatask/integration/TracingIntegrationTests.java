package dev.kafkatask.integration;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.exporter.FinishedSpan;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import dev.kafkatask.dispatch.TaskOptions;
import dev.kafkatask.integration.TracingTestConfiguration.FinishedSpans;
import dev.kafkatask.integration.TracingTestConfiguration.Seen;
import dev.kafkatask.integration.TracingTestConfiguration.Traced;
import dev.kafkatask.integration.TracingTestConfiguration.TracedTasks;
import dev.kafkatask.test.SharedKafkaBroker;

import static dev.kafkatask.integration.TracingTestConfiguration.CONFIGURATIONS;
import static dev.kafkatask.integration.TracingTestConfiguration.SAMPLE_EVERYTHING;
import static dev.kafkatask.integration.TracingTestConfiguration.dispatchInTrace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Trace propagation through Kafka, with Brave and Spring Boot's tracing auto-configuration
 * as a user's application has them, on the shared Kafka broker: the dispatch span's context
 * travels in the task's headers and the task runs in a child span of it.
 *
 * @author kafka-task
 */
@SharedKafkaBroker
class TracingIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final TaskApplications apps = new TaskApplications();

	@BeforeAll
	static void tracerIsOnTheClassPath() {
		assumeThat(TracingTestConfiguration.tracerPresent())
			.as("runs in the Surefire execution 'tracing', which has the tracer on the class path")
			.isTrue();
	}

	@Test
	void whenTaskIsDispatchedInATraceThenItRunsInAChildSpanOfTheDispatchSpan() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start(CONFIGURATIONS, SAMPLE_EVERYTHING)) {
			Traced traced = dispatchInTrace(app, "it.traced", List.of(), TaskOptions.none());
			Seen seen = app.getBean(TracedTasks.class).awaitRun(traced.taskId());
			FinishedSpans spans = app.getBean(FinishedSpans.class);
			FinishedSpan dispatch = spans.awaitTaskSpan("dispatch it.traced", traced.taskId());
			FinishedSpan execution = spans.awaitTaskSpan("execute it.traced", traced.taskId());
			String traceId = traced.parent().traceId();
			assertThat(dispatch.getTraceId()).isEqualTo(traceId);
			assertThat(dispatch.getParentId()).isEqualTo(traced.parent().spanId());
			assertThat(dispatch.getKind()).isEqualTo(Span.Kind.PRODUCER);
			assertThat(dispatch.getTags()).containsEntry("task", "it.traced")
				.containsEntry("queue", "default")
				.containsEntry("backend", "kafka");
			assertThat(seen.headers()).containsEntry("traceparent", "00-" + traceId + "-" + dispatch.getSpanId() + "-01");
			assertThat(seen.span()).isNotNull();
			assertThat(seen.span().traceId()).isEqualTo(traceId);
			assertThat(seen.span().parentId()).isEqualTo(dispatch.getSpanId());
			assertThat(seen.span().spanId()).isEqualTo(execution.getSpanId());
			assertThat(execution.getKind()).isEqualTo(Span.Kind.CONSUMER);
			assertThat(execution.getTags()).containsEntry("task", "it.traced")
				.containsEntry("queue", "default")
				.containsEntry("backend", "kafka");
			assertThat(execution.getError()).isNull();
		}
	}

	@Test
	void whenTaskFailsThenItsExecutionSpanEndsWithTheError() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start(CONFIGURATIONS, SAMPLE_EVERYTHING)) {
			Traced traced = dispatchInTrace(app, "it.fail", List.of("traced"), TaskOptions.none());
			FinishedSpan execution = app.getBean(FinishedSpans.class).awaitTaskSpan("execute it.fail", traced.taskId());
			assertThat(execution.getTraceId()).isEqualTo(traced.parent().traceId());
			assertThat(execution.getError()).isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("failed on purpose for traced");
		}
	}

	@Test
	void whenDispatchFailsThenItsSpanEndsWithTheError() {
		try (ConfigurableApplicationContext app = this.apps.start(CONFIGURATIONS, SAMPLE_EVERYTHING,
				"kafka-task.routing.tasks.[it.traced].backend=rabbitmq", "kafka-task.rabbitmq.enabled=false")) {
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> dispatchInTrace(app, "it.traced", List.of(), TaskOptions.none()))
				.withMessageContaining("no rabbitmq transport");
			FinishedSpan dispatch = app.getBean(FinishedSpans.class)
				.awaitSpan((span) -> span.getName().equals("dispatch it.traced"));
			assertThat(dispatch.getTags()).containsEntry("backend", "rabbitmq");
			assertThat(dispatch.getError()).isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("no rabbitmq transport");
		}
	}

	@Test
	void whenObservationIsDisabledThenNoTraceHeadersAreWrittenAndTheTaskRunsInNoSpan() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start(CONFIGURATIONS, SAMPLE_EVERYTHING,
				"kafka-task.observation.enabled=false")) {
			Traced traced = dispatchInTrace(app, "it.traced", List.of(), TaskOptions.none().withHeader("tenant", "acme"));
			Seen seen = app.getBean(TracedTasks.class).awaitRun(traced.taskId());
			assertThat(seen.headers()).containsExactlyEntriesOf(java.util.Map.of("tenant", "acme"));
			assertThat(seen.span()).isNull();
			FinishedSpans spans = app.getBean(FinishedSpans.class);
			// the parent's span has ended; no span of kafka-task's ends after it
			await().atMost(TIMEOUT).until(() -> spans.spans().stream()
				.anyMatch((span) -> span.getSpanId().equals(traced.parent().spanId())));
			assertThat(spans.spans()).extracting(FinishedSpan::getName).containsExactly("test.parent");
		}
	}

}
