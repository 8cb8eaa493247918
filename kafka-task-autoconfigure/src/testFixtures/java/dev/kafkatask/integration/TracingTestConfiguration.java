package dev.kafkatask.integration;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.exporter.FinishedSpan;
import io.micrometer.tracing.exporter.SpanReporter;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

import dev.kafkatask.dispatch.DispatchReceipt;
import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.dispatch.TaskOptions;
import dev.kafkatask.task.KafkaTask;
import dev.kafkatask.task.TaskContext;

import static org.awaitility.Awaitility.await;

/**
 * What the tracing tests add to their applications, which have Brave and Spring Boot's
 * tracing auto-configuration on the class path as a user's application would: a task that
 * records the span it runs in, and a {@link SpanReporter} that keeps every finished span.
 * <p>
 * Only the Surefire execution {@code tracing} has the tracer on the class path; the other
 * tests run without one.
 *
 * @author kafka-task
 */
@Configuration(proxyBeanMethods = false)
class TracingTestConfiguration {

	/**
	 * Properties of the tracing tests' applications: every trace sampled.
	 */
	static final String SAMPLE_EVERYTHING = "management.tracing.sampling.probability=1.0";

	static final Class<?>[] CONFIGURATIONS = { TracingTestConfiguration.class };

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	@Bean
	TracedTasks tracedTasks(Tracer tracer) {
		return new TracedTasks(tracer);
	}

	@Bean
	FinishedSpans finishedSpans() {
		return new FinishedSpans();
	}

	/**
	 * Return whether this test runs with the tracer on the class path (in the Surefire
	 * execution {@code tracing}).
	 * @return whether Spring Boot's Brave auto-configuration is there
	 */
	static boolean tracerPresent() {
		return ClassUtils.isPresent(
				"org.springframework.boot.micrometer.tracing.brave.autoconfigure.BraveAutoConfiguration", null);
	}

	/**
	 * Dispatch a task in the scope of a parent observation, as an application does while it
	 * handles a request, and return the parent span with the receipt.
	 * @param app the application
	 * @param task the task name
	 * @param args the arguments
	 * @param options the options
	 * @return the parent span and the receipt
	 * @throws Exception if the dispatch fails
	 */
	static Traced dispatchInTrace(ConfigurableApplicationContext app, String task, List<?> args, TaskOptions options)
			throws Exception {
		ObservationRegistry registry = app.getBean(ObservationRegistry.class);
		Tracer tracer = app.getBean(Tracer.class);
		Observation parent = Observation.start("test.parent", registry);
		try (Observation.Scope scope = parent.openScope()) {
			Span span = tracer.currentSpan();
			if (span == null) {
				throw new IllegalStateException("The parent observation has no span: is the tracer configured?");
			}
			return new Traced(span.context(),
					app.getBean(TaskDispatcher.class).dispatch(task, args, Map.of(), options).get());
		}
		finally {
			parent.stop();
		}
	}

	/**
	 * A dispatch in a trace.
	 *
	 * @param parent the span the task was dispatched in
	 * @param receipt the dispatch's receipt
	 */
	record Traced(TraceContext parent, DispatchReceipt receipt) {

		String taskId() {
			return this.receipt.taskId();
		}

	}

	/**
	 * How a run of {@code it.traced} saw itself.
	 *
	 * @param span its current span, or {@code null} for none
	 * @param headers its headers
	 */
	record Seen(@Nullable TraceContext span, Map<String, String> headers) {

	}

	/**
	 * A task that records the span it runs in: {@code Tracer.currentSpan()}, as a task's own
	 * code (logging, HTTP clients) sees it.
	 */
	public static class TracedTasks {

		private final Tracer tracer;

		private final Map<String, Seen> seen = new ConcurrentHashMap<>();

		TracedTasks(Tracer tracer) {
			this.tracer = tracer;
		}

		@KafkaTask(name = "it.traced")
		public void traced(TaskContext context) {
			Span span = this.tracer.currentSpan();
			this.seen.put(context.id(), new Seen((span != null) ? span.context() : null, context.headers()));
		}

		/**
		 * Wait until the task of an id ran, and return what it saw.
		 * @param taskId the task id
		 * @return what it saw
		 */
		Seen awaitRun(String taskId) {
			return await().atMost(TIMEOUT).until(() -> this.seen.get(taskId), (seen) -> seen != null);
		}

	}

	/**
	 * Keeps every span that ends.
	 */
	static class FinishedSpans implements SpanReporter {

		private final Queue<FinishedSpan> spans = new ConcurrentLinkedQueue<>();

		@Override
		public void report(FinishedSpan span) {
			this.spans.add(span);
		}

		/**
		 * Wait for the span of a task: of the given name, tagged with the task id.
		 * @param name the span name
		 * @param taskId the task id
		 * @return the span
		 */
		FinishedSpan awaitTaskSpan(String name, String taskId) {
			return awaitSpan((span) -> span.getName().equals(name) && taskId.equals(span.getTags().get("task.id")));
		}

		FinishedSpan awaitSpan(Predicate<FinishedSpan> predicate) {
			return await().atMost(TIMEOUT)
				.until(() -> this.spans.stream().filter(predicate).findFirst().orElse(null), (span) -> span != null);
		}

		List<FinishedSpan> spans() {
			return List.copyOf(this.spans);
		}

	}

}
