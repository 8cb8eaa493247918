package dev.kafkatask.test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import dev.kafkatask.test.CeleryPython.RecordedTask;
import dev.kafkatask.test.CeleryPython.SendTask;
import dev.kafkatask.test.CeleryPython.Worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link CeleryPython}: the Python peers themselves, a Celery client and worker
 * talking to each other, before any test trusts them to judge kafka-task.
 *
 * @author kafka-task
 */
class CeleryPythonIntegrationTests {

	private static final JsonMapper JSON = new JsonMapper();

	private final CeleryPython python = CeleryPython.create();

	private final String queue = "kt-harness-" + UUID.randomUUID();

	@BeforeAll
	static void celeryAndBrokerAreThere() {
		assumeTrue(CeleryPython.available(), CeleryPython.INSTALL_HINT);
		CeleryPython python = CeleryPython.create();
		assumeTrue(python.brokerReachable(), () -> "No RabbitMQ at " + python.brokerUrl() + " (set "
				+ CeleryPython.BROKER_URL_ENV + " to use another broker)");
	}

	@AfterEach
	void deleteQueue() {
		this.python.deleteQueue(this.queue);
	}

	@Test
	void whenPythonClientSendsATaskThenPythonWorkerRecordsItExactly(@TempDir Path directory) {
		Instant eta = Instant.now().plusSeconds(1).truncatedTo(ChronoUnit.MICROS);
		Instant expires = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MICROS);
		try (Worker worker = this.python.startWorker(this.queue, directory.resolve("records.jsonl"))) {
			String id = this.python.sendTask(SendTask.of(this.queue, CeleryPython.RECORD_TASK)
				.withArgs("[1, \"a\", null, true, 1.5, [2, {\"b\": \"c\"}]]")
				.withKwargs("{\"x\": {\"y\": [1]}, \"when\": \"2026-01-01T00:00:00Z\"}")
				.withEta(eta.toString())
				.withExpires(expires.toString())
				.withHeaders("{\"tenant\": \"acme\", \"attempt\": 3}"));
			List<RecordedTask> records = worker.awaitRecords(1);
			assertThat(records).singleElement().satisfies((record) -> {
				assertThat(record.id()).isEqualTo(id);
				assertThat(record.task()).isEqualTo("py.record");
				assertThat(record.args()).isEqualTo(List.copyOf(JSON.readTree("[1, \"a\", null, true, 1.5, [2, "
						+ "{\"b\": \"c\"}]]").values()));
				assertThat(record.kwargs()).isEqualTo(Map.of("x", JSON.readTree("{\"y\": [1]}"), "when",
						JSON.readTree("\"2026-01-01T00:00:00Z\"")));
				assertThat(Instant.parse(record.eta())).isEqualTo(eta);
				assertThat(Instant.parse(record.expires())).isEqualTo(expires);
				assertThat(record.retries()).isZero();
				assertThat(record.headers()).isEqualTo(Map.of("tenant", JSON.readTree("\"acme\""), "attempt",
						JSON.readTree("3")));
			});
		}
	}

	@Test
	void whenTaskIdAndCountdownAreGivenThenWorkerRunsThatTaskLater(@TempDir Path directory) {
		try (Worker worker = this.python.startWorker(this.queue, directory.resolve("records.jsonl"))) {
			Instant sent = Instant.now();
			String id = this.python.sendTask(SendTask.of(this.queue, CeleryPython.RECORD_TASK)
				.withTaskId("kt-harness-task-1")
				.withCountdown(Duration.ofSeconds(2)));
			assertThat(id).isEqualTo("kt-harness-task-1");
			RecordedTask record = worker.awaitRecords(1).get(0);
			assertThat(record.id()).isEqualTo("kt-harness-task-1");
			assertThat(Instant.parse(record.eta())).isBetween(sent.plusSeconds(2), sent.plusSeconds(30));
			assertThat(record.expires()).isNull();
		}
	}

	@Test
	void whenArgsAreNotJsonThenSendTaskFailsWithTheReason() {
		assertThatIllegalStateException()
			.isThrownBy(() -> this.python.sendTask(this.queue, CeleryPython.RECORD_TASK, "[1,", "{}"))
			.withMessageContaining("exited with 2")
			.withMessageContaining("--args");
	}

}
