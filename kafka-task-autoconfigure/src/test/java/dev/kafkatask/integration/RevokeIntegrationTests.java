package dev.kafkatask.integration;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.core.KafkaTemplate;

import dev.kafkatask.actuate.KafkaTasksEndpoint;
import dev.kafkatask.dispatch.DispatchReceipt;
import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.dispatch.TaskOptions;
import dev.kafkatask.kafka.KafkaTaskProducer;
import dev.kafkatask.monitor.Revocation;
import dev.kafkatask.monitor.TaskEvent;
import dev.kafkatask.monitor.TaskEventType;
import dev.kafkatask.monitor.TaskResults;
import dev.kafkatask.monitor.TaskRevoker;
import dev.kafkatask.monitor.TaskState;
import dev.kafkatask.test.SharedKafkaBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Revoking tasks by id on the real broker: a revocation reaches a worker started after it
 * and the delay topics, so the task never runs and is recorded {@code revoked}; with
 * {@code terminate} a running task is interrupted and revoked, not retried; without it a
 * running task goes on. Bad ids and records that are not revocations are refused or
 * skipped.
 *
 * @author kafka-task
 */
@SharedKafkaBroker
class RevokeIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final TaskApplications apps = new TaskApplications();

	@Test
	void whenATaskIsRevokedBeforeAWorkerStartsThenThatWorkerNeverRunsIt() throws Exception {
		String revokedId = "revoked-" + UUID.randomUUID();
		DispatchReceipt other;
		try (ConfigurableApplicationContext dispatcher = this.apps.start("kafka-task.worker.enabled=false")) {
			Revocation revocation = dispatcher.getBean(TaskRevoker.class).revoke(revokedId).get();
			assertThat(revocation.terminate()).isFalse();
			TaskDispatcher tasks = dispatcher.getBean(TaskDispatcher.class);
			tasks.dispatch("it.count", List.of(1), Map.of(), TaskOptions.none().withTaskId(revokedId)).get();
			other = tasks.dispatch("it.count", 2).get();
		}
		// A worker that was down when the task was revoked
		try (ConfigurableApplicationContext worker = this.apps.start()) {
			TaskResults results = worker.getBean(TaskResults.class);
			TaskState revoked = results.result(revokedId, TIMEOUT).get();
			assertThat(revoked.state()).isEqualTo(TaskEventType.REVOKED);
			assertThat(revoked.error()).contains("was revoked");
			assertThat(revoked.history()).extracting(TaskEvent::type).doesNotContain(TaskEventType.STARTED);
			assertThat(results.result(other.taskId(), TIMEOUT).get().state()).isEqualTo(TaskEventType.SUCCEEDED);
			assertThat(this.apps.journal().runs("count:2")).isEqualTo(1);
			assertThat(this.apps.journal().runs("count:1")).isZero();
			assertThat(worker.getBean(TaskRevoker.class).revocation(revokedId)).isPresent();
		}
	}

	@Test
	void whenADelayedTaskIsRevokedThenTheDelayTopicsDropIt() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start()) {
			TaskDispatcher tasks = app.getBean(TaskDispatcher.class);
			DispatchReceipt delayed = tasks
				.dispatch("it.count", List.of(3), Map.of(), TaskOptions.none().withCountdown(Duration.ofSeconds(2)))
				.get();
			DispatchReceipt kept = tasks
				.dispatch("it.count", List.of(4), Map.of(), TaskOptions.none().withCountdown(Duration.ofSeconds(2)))
				.get();
			app.getBean(TaskRevoker.class).revoke(delayed.taskId()).get();
			TaskResults results = app.getBean(TaskResults.class);
			assertThat(results.result(delayed.taskId(), TIMEOUT).get().state()).isEqualTo(TaskEventType.REVOKED);
			assertThat(results.result(kept.taskId(), TIMEOUT).get().state()).isEqualTo(TaskEventType.SUCCEEDED);
			assertThat(this.apps.journal().runs("count:3")).isZero();
			assertThat(this.apps.journal().runs("count:4")).isEqualTo(1);
		}
	}

	@Test
	void whenARunningTaskIsRevokedWithTerminateThenItIsInterruptedAndRevokedWithoutTerminateItGoesOn()
			throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start(
				"management.endpoints.web.exposure.include=kafkatasks")) {
			TaskDispatcher tasks = app.getBean(TaskDispatcher.class);
			KafkaTasksEndpoint endpoint = app.getBean(KafkaTasksEndpoint.class);
			TaskResults results = app.getBean(TaskResults.class);
			DispatchReceipt terminated = tasks.dispatch("it.block", "terminated").get();
			await().atMost(TIMEOUT).until(() -> this.apps.journal().starts("block:terminated") == 1
					&& results.state(terminated.taskId()).map(TaskState::state).orElse(null) == TaskEventType.STARTED);
			Object answer = endpoint.change("revoke", terminated.taskId(), null, null, null, null, null, null, null, null, null,
					null, null, null, null, true);
			assertThat(answer).isInstanceOfSatisfying(KafkaTasksEndpoint.RevocationDescriptor.class, (revocation) -> {
				assertThat(revocation.taskId()).isEqualTo(terminated.taskId());
				assertThat(revocation.terminate()).isTrue();
				assertThat(revocation.stateBefore()).isEqualTo("started");
			});
			TaskState state = results.result(terminated.taskId(), TIMEOUT).get();
			assertThat(state.state()).isEqualTo(TaskEventType.REVOKED);
			assertThat(state.error()).contains("was revoked and terminated");
			assertThat(state.history()).extracting(TaskEvent::type).doesNotContain(TaskEventType.RETRIED);
			assertThat(this.apps.journal().runs("block:terminated")).isZero();
			await().atMost(TIMEOUT).until(() -> endpoint.kafkaTasks().running().isEmpty());

			DispatchReceipt goesOn = tasks.dispatch("it.block", "goes-on").get();
			await().atMost(TIMEOUT).until(() -> this.apps.journal().starts("block:goes-on") == 1);
			app.getBean(TaskRevoker.class).revoke(goesOn.taskId()).get();
			this.apps.journal().release();
			assertThat(results.result(goesOn.taskId(), TIMEOUT).get().state()).isEqualTo(TaskEventType.SUCCEEDED);
			assertThat(this.apps.journal().runs("block:goes-on")).isEqualTo(1);
		}
	}

	@Test
	void whenIdsAreBadOrRecordsAreNotRevocationsThenTheyAreRefusedOrSkipped() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start(
				"management.endpoints.web.exposure.include=kafkatasks")) {
			KafkaTasksEndpoint endpoint = app.getBean(KafkaTasksEndpoint.class);
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.change("revoke", "a\nforged line", null, null, null, null, null, null, null, null, null,
						null, null, null, null, null))
				.withMessageContaining("control characters");
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.change("revoke", "x".repeat(201), null, null, null, null, null, null, null, null, null,
						null, null, null, null, null))
				.withMessageContaining("200");
			TaskRevoker revoker = app.getBean(TaskRevoker.class);
			assertThatIllegalArgumentException().isThrownBy(() -> revoker.revoke(" "));
			KafkaTemplate<String, byte[]> template = app.getBean(KafkaTaskProducer.class).getTemplate();
			String topic = this.apps.prefix() + "__revoked";
			template.send(topic, "not-json", "<revoke/>".getBytes(StandardCharsets.UTF_8)).get();
			template.send(topic, "no-time", "{\"terminate\":true}".getBytes(StandardCharsets.UTF_8)).get();
			String revokedId = "after-" + UUID.randomUUID();
			revoker.revoke(revokedId, true).get();
			await().atMost(TIMEOUT).until(() -> revoker.revocation(revokedId).isPresent());
			assertThat(revoker.revocation("not-json")).isEmpty();
			assertThat(revoker.revocation("no-time")).isEmpty();
			assertThat(revoker.revocation(revokedId)).hasValueSatisfying((revocation) -> {
				assertThat(revocation.terminate()).isTrue();
				assertThat(revocation.by()).contains("@");
			});
		}
	}

}
