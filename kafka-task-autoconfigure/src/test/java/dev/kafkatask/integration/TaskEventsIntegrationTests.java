package dev.kafkatask.integration;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.context.ConfigurableApplicationContext;

import dev.kafkatask.actuate.KafkaTasksEndpoint;
import dev.kafkatask.dispatch.DispatchReceipt;
import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.dispatch.TaskOptions;
import dev.kafkatask.monitor.TaskEvent;
import dev.kafkatask.monitor.TaskEventType;
import dev.kafkatask.monitor.TaskEvents;
import dev.kafkatask.monitor.TaskResults;
import dev.kafkatask.monitor.TaskState;
import dev.kafkatask.test.SharedKafkaBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Lifecycle events of tasks on the real broker: an instance that neither dispatched nor ran a
 * task, started after it ran, tells its state, result and history, as the endpoint does by
 * id; failures and dead letters say why; bad ids are refused; events can be switched off.
 *
 * @author kafka-task
 */
@SharedKafkaBroker
class TaskEventsIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final TaskApplications apps = new TaskApplications();

	@Test
	void whenATaskRanThenAnotherInstanceStartedLaterTellsItsStateResultAndHistory() throws Exception {
		DispatchReceipt added;
		DispatchReceipt failed;
		DispatchReceipt unknown;
		try (ConfigurableApplicationContext app = this.apps.start()) {
			TaskDispatcher dispatcher = app.getBean(TaskDispatcher.class);
			added = dispatcher.dispatch("it.add", 2, 3).get();
			failed = dispatcher.dispatch("it.fail", "events").get();
			unknown = dispatcher.dispatch("it.no-such-task").get();
			TaskResults results = app.getBean(TaskResults.class);
			TaskState done = results.result(added.taskId(), TIMEOUT).get();
			assertThat(done.state()).isEqualTo(TaskEventType.SUCCEEDED);
			await().atMost(TIMEOUT).until(() -> results.state(failed.taskId()).map(TaskState::isDone).orElse(false)
					&& results.state(unknown.taskId()).map(TaskState::isDone).orElse(false));
		}
		try (ConfigurableApplicationContext later = this.apps.start("kafka-task.worker.enabled=false",
				"management.endpoints.web.exposure.include=kafkatasks")) {
			TaskResults results = later.getBean(TaskResults.class);
			TaskState state = results.state(added.taskId()).orElseThrow();
			assertThat(state.state()).isEqualTo(TaskEventType.SUCCEEDED);
			assertThat(state.task()).isEqualTo("it.add");
			assertThat(state.result()).isEqualTo("{\"sum\":5}");
			assertThat(state.attempt()).isEqualTo(1);
			assertThat(state.arguments()).as("the dispatched event's arguments")
				.isEqualTo("{\"args\":[2,3],\"kwargs\":{}}");
			assertThat(state.history()).filteredOn((event) -> event.type() != TaskEventType.DISPATCHED)
				.extracting(TaskEvent::arguments)
				.containsOnlyNulls();
			assertThat(state.history()).extracting(TaskEvent::type)
				.contains(TaskEventType.DISPATCHED, TaskEventType.STARTED, TaskEventType.SUCCEEDED);
			TaskState failure = results.state(failed.taskId()).orElseThrow();
			assertThat(failure.state()).isEqualTo(TaskEventType.FAILED);
			assertThat(failure.error()).contains("IllegalStateException").contains("on purpose");
			TaskState deadLetter = results.state(unknown.taskId()).orElseThrow();
			assertThat(deadLetter.state()).isEqualTo(TaskEventType.DEAD_LETTERED);
			assertThat(deadLetter.reason()).isEqualTo("unknown-task");
			assertThat(results.state("never-dispatched")).isEmpty();
			assertThat(results.latest(10)).extracting(TaskState::taskId)
				.contains(added.taskId(), failed.taskId(), unknown.taskId());
			KafkaTasksEndpoint endpoint = later.getBean(KafkaTasksEndpoint.class);
			KafkaTasksEndpoint.TaskStateDescriptor described = endpoint.task("tasks", added.taskId());
			assertThat(described).isNotNull();
			assertThat(described.state()).isEqualTo("succeeded");
			assertThat(described.arguments()).isEqualTo("{\"args\":[2,3],\"kwargs\":{}}");
			assertThat(described.history()).extracting(KafkaTasksEndpoint.EventDescriptor::type).contains("started");
			assertThat(endpoint.task("tasks", "never-dispatched")).isNull();
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.task("tasks", "a\nforged line")).withMessageContaining("control characters");
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.task("tasks", "x".repeat(201))).withMessageContaining("200");
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.task("jobs", "x")).withMessageContaining("tasks/{id}");
		}
	}

	@Test
	void whenTasksRunThenTheEndpointListsThoseRunningNow() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start(
				"management.endpoints.web.exposure.include=kafkatasks")) {
			DispatchReceipt blocked = app.getBean(TaskDispatcher.class)
				.dispatch("it.block", List.of("events"), Map.of(), TaskOptions.none())
				.get();
			KafkaTasksEndpoint endpoint = app.getBean(KafkaTasksEndpoint.class);
			await().atMost(TIMEOUT).untilAsserted(() -> assertThat(endpoint.kafkaTasks().running())
				.singleElement()
				.satisfies((running) -> {
					assertThat(running.id()).isEqualTo(blocked.taskId());
					assertThat(running.task()).isEqualTo("it.block");
					assertThat(running.delivery()).contains(this.apps.topic("default") + "-");
					assertThat(running.attempt()).isEqualTo(1);
				}));
			this.apps.journal().release();
			await().atMost(TIMEOUT).until(() -> endpoint.kafkaTasks().running().isEmpty());
		}
	}

	@Test
	void whenEventsAreOffThenNoneIsWritten() {
		try (ConfigurableApplicationContext app = this.apps.start("kafka-task.events.enabled=false")) {
			assertThat(app.getBeansOfType(TaskEvents.class)).isEmpty();
			assertThat(app.getBeansOfType(TaskResults.class)).isEmpty();
		}
	}

}
