package dev.kafkatask.celery;

import java.nio.file.Path;
import java.time.Clock;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

import dev.kafkatask.codec.TaskEnvelope;
import dev.kafkatask.test.CeleryPython;
import dev.kafkatask.test.CeleryPython.RecordedTask;
import dev.kafkatask.test.CeleryPython.SendTask;
import dev.kafkatask.test.CeleryPython.Worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link CeleryMessageCodec} with live Celery 5.2 peers through RabbitMQ: a
 * Python worker runs what Spring AMQP sends, and a Python client's task decodes.
 *
 * @author kafka-task
 */
class CeleryMessageCodecInteropIntegrationTests {

	private static final JsonMapper JSON = new JsonMapper();

	private final CeleryPython python = CeleryPython.create();

	private final CeleryMessageCodec codec = new CeleryMessageCodec(CeleryMessageCodec.localOrigin(),
			Clock.systemUTC());

	private final String queue = "kt-codec-interop-" + UUID.randomUUID();

	private CachingConnectionFactory connectionFactory;

	private RabbitTemplate rabbit;

	@BeforeAll
	static void celeryAndBrokerAreThere() {
		assumeTrue(CeleryPython.available(), CeleryPython.INSTALL_HINT);
		CeleryPython python = CeleryPython.create();
		assumeTrue(python.brokerReachable(), () -> "No RabbitMQ at " + python.brokerUrl());
	}

	@AfterEach
	void cleanUp() {
		if (this.connectionFactory != null) {
			this.connectionFactory.destroy();
		}
		this.python.deleteQueue(this.queue);
	}

	@Test
	void whenSpringAmqpSendsAnEncodedTaskThenCeleryWorkerRunsItAsSent(@TempDir Path directory) {
		Instant eta = Instant.now().plusSeconds(1).truncatedTo(ChronoUnit.MICROS);
		Instant expires = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MICROS);
		String id = UUID.randomUUID().toString();
		List<JsonNode> args = List.copyOf(json("[1, \"a\", null, true, 1.5, [2, {\"b\": \"c\"}]]").values());
		Map<String, JsonNode> kwargs = Map.of("x", json("{\"y\": [1]}"), "when", json("\"2026-01-01T00:00:00Z\""));
		Map<String, JsonNode> options = Map.of("eta", json("\"" + eta + "\""), "expires",
				json("\"" + expires + "\""), "time_limit", json("30"), "soft_time_limit", json("20.5"), "priority",
				json("3"));
		TaskEnvelope envelope = new TaskEnvelope(id, "py.record", args, kwargs, options, Map.of("tenant", "acme"),
				Instant.now(), 2);
		try (Worker worker = this.python.startWorker(this.queue, directory.resolve("records.jsonl"))) {
			rabbit().send("", this.queue, this.codec.encode(envelope));
			RecordedTask record = worker.awaitRecords(1).get(0);
			assertThat(record.id()).isEqualTo(id);
			assertThat(record.task()).isEqualTo("py.record");
			assertThat(record.args()).isEqualTo(args);
			assertThat(record.kwargs()).isEqualTo(kwargs);
			assertThat(Instant.parse(record.eta())).isEqualTo(eta);
			assertThat(Instant.parse(record.expires())).isEqualTo(expires);
			assertThat(record.retries()).isEqualTo(2);
			assertThat(record.headers()).isEqualTo(Map.of("tenant", json("\"acme\"")));
			assertThat(worker.output()).doesNotContain("ERROR", "Traceback");
		}
	}

	@Test
	void whenCeleryClientSendsATaskThenSpringAmqpReceivesItAndItDecodes() {
		Instant eta = Instant.now().plusSeconds(60).truncatedTo(ChronoUnit.MICROS);
		String id = this.python.sendTask(SendTask.of(this.queue, "py.record")
			.withArgs("[1, \"a\", null, true, 1.5]")
			.withKwargs("{\"x\": {\"y\": [1]}}")
			.withEta(eta.toString())
			.withExpires("2030-01-02T03:04:05+02:00")
			.withHeaders("{\"tenant\": \"acme\", \"attempt\": 3}"));
		Message message = rabbit().receive(this.queue, 10_000);
		assertThat(message).isNotNull();
		TaskEnvelope envelope = this.codec.decode(message);
		assertThat(envelope.id()).isEqualTo(id);
		assertThat(envelope.task()).isEqualTo("py.record");
		assertThat(envelope.args()).isEqualTo(List.copyOf(json("[1, \"a\", null, true, 1.5]").values()));
		assertThat(envelope.kwargs()).isEqualTo(Map.of("x", json("{\"y\": [1]}")));
		assertThat(envelope.options()).containsEntry("eta", json("\"" + eta + "\""))
			.containsEntry("expires", json("\"2030-01-02T01:04:05Z\""))
			.containsEntry("root_id", json("\"" + id + "\""))
			.containsEntry("ignore_result", json("false"))
			.doesNotContainKeys("shadow", "group", "parent_id", "time_limit", "priority");
		assertThat(envelope.headers()).isEqualTo(Map.of("tenant", "acme", "attempt", "3"));
		assertThat(envelope.retries()).isZero();
	}

	private RabbitTemplate rabbit() {
		if (this.rabbit == null) {
			this.connectionFactory = new CachingConnectionFactory(this.python.connectionFactory());
			this.rabbit = new RabbitTemplate(this.connectionFactory);
		}
		return this.rabbit;
	}

	private static JsonNode json(String json) {
		return JSON.readTree(json);
	}

}
