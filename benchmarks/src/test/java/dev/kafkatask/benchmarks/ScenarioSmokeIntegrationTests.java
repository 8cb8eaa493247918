package dev.kafkatask.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.kafkatask.test.SharedKafkaBroker;
import dev.kafkatask.test.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every benchmark scenario, tiny, the way {@code java -jar kafka-task-benchmarks.jar}
 * does (its own JVM, its main class, the shared test broker), and checks that its last line
 * is the JSON result with the fields docs/benchmarks.md reports. Figures are not judged
 * here: they are measured on a quiet machine, see docs/benchmarks.md.
 *
 * @author kafka-task
 */
@SharedKafkaBroker
class ScenarioSmokeIntegrationTests {

	private static final JsonMapper JSON = new JsonMapper();

	@TempDir
	Path output;

	@ParameterizedTest(name = "{0} on {1}")
	@CsvSource(delimiter = '|', textBlock = """
			table      | kafka-task   | --jobs 20 --requests 3 --io-ms 20   | tasks,seconds,completed,lost,duplicates
			table      | spring-kafka | --jobs 20 --requests 3 --io-ms 20   | tasks,seconds,completed,lost,duplicates
			table      | share        | --jobs 20 --requests 3 --io-ms 20   | tasks,seconds,completed,lost,duplicates
			hol        | kafka-task   | --tasks 200 --slow-ms 1000          | fastP99Ms,baselineP99Ms
			hol        | spring-kafka | --tasks 200 --slow-ms 1000          | fastP99Ms,baselineP99Ms
			throughput | kafka-task   | --tasks 2000                        | tasks,tasksPerSecond
			throughput | spring-kafka | --tasks 2000                        | tasks,tasksPerSecond
			throughput | share        | --tasks 2000                        | tasks,tasksPerSecond
			inflight   | kafka-task   | --tasks 500 --io-ms 2000            | tasks,heapBytesPerTask
			fuzz       | kafka-task   | --tasks 10000 --seed 20261202       | tasks,settled,unsettled,deadLetterRecords
			""")
	void scenarioPrintsItsResultAsTheLastLine(String scenario, String engine, String options, String fields)
			throws Exception {
		// C1 only and no warm-up: this checks the scenario runs, not how fast.
		List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
				"-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), BenchmarkMain.class.getName(),
				scenario, "--engine", engine,
				"--bootstrap-servers", TestKafka.bootstrapServers(), "--partitions", "2", "--warmup", "0",
				"--timeout-s", "60"));
		command.addAll(List.of(options.trim().split("\\s+")));
		Path stdout = this.output.resolve("out.txt");
		Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile())
			.redirectError(this.output.resolve("err.txt").toFile())
			.start();
		boolean exited = process.waitFor(120, TimeUnit.SECONDS);
		if (!exited) {
			process.destroyForcibly();
		}
		assertThat(exited).as("scenario finished within 120 s; log:%n%s", log()).isTrue();
		List<String> lines = Files.readAllLines(stdout, StandardCharsets.UTF_8);
		assertThat(lines).as("output").isNotEmpty();
		assertThat(process.exitValue()).as("exit status; output:%n%s%nlog:%n%s", lines, log()).isZero();
		JsonNode result = JSON.readTree(lines.get(lines.size() - 1));
		assertThat(result.path("scenario").asString()).isEqualTo(scenario);
		assertThat(result.path("engine").asString()).isEqualTo(engine);
		for (String field : fields.trim().split(",")) {
			assertThat(result.path(field).isNumber()).as("numeric field '%s' in %s", field, result).isTrue();
		}
		if (result.has("lost")) {
			assertThat(result.path("lost").asLong()).as("lost tasks").isZero();
		}
		if (result.has("completed") && result.has("tasks")) {
			assertThat(result.path("completed").asLong()).isEqualTo(result.path("tasks").asLong());
		}
		assertThat(result.path("timedOut").asBoolean(false)).as("timed out").isFalse();
		if (result.has("unsettled")) {
			// fuzz: every record ran or was dead-lettered, once, and the commits reached the end
			assertThat(result.path("unsettled").asLong()).as("unsettled records in %s", result).isZero();
			assertThat(result.path("deadLetterRecords").asLong()).as("dead letters written, in %s", result)
				.isEqualTo(result.path("deadLettersCounted").asLong());
			assertThat(result.path("committedOffsets").asLong()).as("committed offsets, in %s", result)
				.isEqualTo(result.path("endOffsets").asLong());
		}
	}

	private String log() throws IOException {
		List<String> lines = Files.readAllLines(this.output.resolve("err.txt"), StandardCharsets.UTF_8);
		return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
	}

}
