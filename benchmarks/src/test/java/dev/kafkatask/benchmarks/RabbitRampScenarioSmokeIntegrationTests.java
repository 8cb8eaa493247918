package dev.kafkatask.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.kafkatask.test.SharedKafkaBroker;
import dev.kafkatask.test.TestKafka;
import dev.kafkatask.test.TestRabbit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the {@code rabbit-faults} scenario, short: the shared broker of the tests for Kafka,
 * the RabbitMQ of {@link TestRabbit}, the scenario in its own JVM (C1 only, like its two
 * worker JVMs), one restart with {@code on-unavailable: fail}, played by the scenario's TCP
 * proxy so that the machine's RabbitMQ is never stopped under other tests. Checks that every
 * acknowledged task ran, on both legs, that every dispatch was answered, that the queue
 * settled, that the tasks parked on an unconsumed queue are all there after the restart, and
 * that the JSON line has every figure docs/reliability.md reports. The stream goes on for 2 s
 * (by default 5 s) once completions are back.
 * Skipped without RabbitMQ, unless {@code KAFKA_TASK_TEST_RABBITMQ_REQUIRED=true}.
 *
 * @author kafka-task
 */
@SharedKafkaBroker
class RabbitRampScenarioSmokeIntegrationTests {

	private static final JsonMapper JSON = new JsonMapper();

	private static final List<String> NUMBERS = List.of("dispatched", "acknowledged", "dispatchErrors",
			"dispatchUnresolved", "ran", "acknowledgedNeverRun", "failedButRan", "ranTwice", "ranTwiceBound",
			"longestCompletionGapMs", "preFaultRate", "secondsBelowRate", "faultSeconds", "runDelayMaxMs",
			"rabbitConsumersBackAfterRestoreS");

	private static final List<String> FIELDS = List.of("dispatchErrorTypes", "dispatchErrorSample", "recoverySeconds",
			"recoveryAfterRestoreSeconds", "completionsPerSecond", "events", "settings", "queueAtEnd");

	private static final List<String> LEG_NUMBERS = List.of("acknowledged", "acknowledgedDuringFault",
			"dispatchErrors", "ran", "ranTwice", "ranTwiceBound", "acknowledgedNeverRun");

	@TempDir
	Path directory;

	@Test
	void whenRabbitMqRestartsUnderARampThenEveryAcknowledgedTaskRunsAndTheQueueSettles() throws Exception {
		TestRabbit.assumeAvailable("the rabbit-faults scenario");
		String url = "amqp://" + TestRabbit.username() + ":" + TestRabbit.password() + "@" + TestRabbit.host() + ":"
				+ TestRabbit.port();
		List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
				"-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), BenchmarkMain.class.getName(),
				"rabbit-faults", "--bootstrap-servers", TestKafka.bootstrapServers(), "--restart", "proxy",
				"--on-unavailable", "fail", "--rabbitmq-url", url, "--work-dir", this.directory.toString(),
				"--workers", "2", "--partitions", "3", "--rate", "100", "--steady-s", "5", "--after-recovery-s", "2",
				"--hold-s", "4", "--fault-timeout-s", "60", "--timeout-s", "120", "--property",
				"kafka-task.rabbitmq.concurrency=4"));
		Process scenario = new ProcessBuilder(command)
			.redirectOutput(this.directory.resolve("scenario.out").toFile())
			.redirectError(this.directory.resolve("scenario.err").toFile())
			.start();
		if (!scenario.waitFor(180, TimeUnit.SECONDS)) {
			scenario.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
			throw new AssertionError("rabbit-faults did not finish within 180 s; output:\n" + log());
		}
		List<String> lines = Files.readAllLines(this.directory.resolve("scenario.out"), StandardCharsets.UTF_8);
		assertThat(scenario.exitValue()).as("exit status; output:%n%s", log()).isZero();
		List<JsonNode> results = lines.stream().filter((line) -> line.startsWith("{")).map(JSON::readTree).toList();
		assertThat(results).as("JSON lines in%n%s", tail(lines, 30)).hasSize(2);
		JsonNode restart = results.get(0);
		assertThat(restart.path("fault").asString()).isEqualTo("rabbitmq-restart");
		assertThat(restart.path("restart").asString()).isEqualTo("proxy");
		assertThat(restart.path("onUnavailable").asString()).isEqualTo("fail");
		for (String field : NUMBERS) {
			assertThat(restart.path(field).isNumber()).as("numeric field '%s' in %s", field, restart).isTrue();
		}
		for (String field : FIELDS) {
			assertThat(restart.has(field)).as("field '%s' in %s", field, restart).isTrue();
		}
		for (String leg : List.of("kafka", "rabbitmq")) {
			for (String field : LEG_NUMBERS) {
				assertThat(restart.path("legs").path(leg).path(field).isNumber())
					.as("numeric field '%s' of leg %s in %s", field, leg, restart)
					.isTrue();
			}
			assertThat(restart.path("legs").path(leg).path("ran").asLong()).as("ran on leg %s in %s", leg, restart)
				.isPositive();
			assertThat(restart.path("legs").path(leg).path("acknowledgedNeverRun").asLong())
				.as("acknowledged, never run, on leg %s in %s", leg, restart)
				.isZero();
		}
		assertThat(restart.path("drained").asBoolean()).as("every acknowledged task ran in time, in %s", restart)
			.isTrue();
		assertThat(restart.path("acknowledgedNeverRun").asLong()).as("acknowledged, never run, in %s", restart)
			.isZero();
		assertThat(restart.path("dispatchUnresolved").asLong()).as("dispatches never answered, in %s", restart)
			.isZero();
		assertThat(restart.path("ranTwice").asLong()).as("ran twice, in %s", restart)
			.isLessThanOrEqualTo(restart.path("ranTwiceBound").asLong());
		// the route's policy is fail: dispatches to RabbitMQ fail while it is down, Kafka's go on
		assertThat(restart.path("legs").path("rabbitmq").path("dispatchErrors").asLong())
			.as("dispatches to RabbitMQ that failed, in %s", restart)
			.isPositive();
		assertThat(restart.path("legs").path("kafka").path("dispatchErrors").asLong())
			.as("dispatches to Kafka that failed, in %s", restart)
			.isZero();
		assertThat(restart.path("legs").path("kafka").path("acknowledgedDuringFault").asLong())
			.as("dispatches to Kafka acknowledged while RabbitMQ was down, in %s", restart)
			.isPositive();
		assertThat(restart.path("rabbitConsumersBackAfterRestoreS").asDouble()).isGreaterThanOrEqualTo(0);
		assertThat(restart.path("settled").asBoolean()).as("the queue settled, in %s", restart).isTrue();
		assertThat(restart.path("queueAtEnd").path("ready").asLong()).isZero();
		JsonNode parked = restart.path("parked");
		assertThat(parked.path("confirmed").asInt()).as("parked tasks confirmed, in %s", restart).isEqualTo(500);
		assertThat(parked.path("inQueueAfterRestart").asLong()).as("parked tasks kept, in %s", restart)
			.isEqualTo(parked.path("inQueueBeforeRestart").asLong())
			.isGreaterThanOrEqualTo(500);
		JsonNode summary = results.get(1);
		assertThat(summary.path("scenario").asString()).isEqualTo("rabbit-faults");
		assertThat(summary.has("error")).as("error in %s", summary).isFalse();
		assertThat(summary.path("settled").asBoolean()).as("settled, in %s", summary).isTrue();
		assertThat(summary.path("parkedKept").asBoolean()).as("parked tasks kept, in %s", summary).isTrue();
		assertThat(summary.path("queueAfterWorkersStopped").path("ready").asLong()).isZero();
	}

	/**
	 * Return the end of the scenario's output and log, and of its workers' logs.
	 */
	private String log() throws IOException {
		StringBuilder text = new StringBuilder(
				tail(Files.readAllLines(this.directory.resolve("scenario.out"), StandardCharsets.UTF_8), 30))
			.append('\n')
			.append(tail(Files.readAllLines(this.directory.resolve("scenario.err"), StandardCharsets.UTF_8), 40));
		try (Stream<Path> files = Files.walk(this.directory)) {
			for (Path log : files.filter((path) -> path.getFileName().toString().matches("w\\d+\\.log")).toList()) {
				text.append("\n--- ").append(log).append('\n')
					.append(tail(Files.readAllLines(log, StandardCharsets.UTF_8), 25));
			}
		}
		return text.toString();
	}

	private static String tail(List<String> lines, int count) {
		return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
	}

}
