package dev.kafkatask.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.Assert;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the {@code faults} scenario, short, the way {@code benchmarks/run-faults.sh} does: a
 * 3-node cluster of {@code scripts/kafka-cluster.sh}, the scenario in its own JVM with two
 * worker JVMs, and one fault of each kind the scenario injects: the broker leading most task
 * partitions killed with {@code kill -9} and started again 3 s later (a broker process); the
 * worker with most partitions killed and replaced 3 s later (a worker JVM); and the network of
 * one worker stalled for 3 s, then dropped for 5 s, past the group's session timeout, so that
 * its partitions move and it joins again (the TCP proxy). The other three faults
 * ({@code below-min-insync}, {@code rolling-restart}, {@code soak}) reuse those injections and
 * take minutes: {@code -Dkafkatask.fault-smoke.faults=all} (or a comma-separated list) runs
 * them here too, and {@code benchmarks/run-faults.sh} runs them in full. Checks that every
 * acknowledged task ran, that what ran twice stayed within its bound, and that each fault's
 * JSON line has every figure docs/reliability.md reports. Figures are not judged here: see
 * docs/reliability.md. To be quick, the scenario and its workers run on C1 only, the group
 * heartbeats every 500 ms (Kafka's default: 5 s) and its session times out after 6 s (45 s),
 * and the stream goes on for 2 s (5 s) once completions are back after a fault. Skipped only
 * when Kafka's jars cannot be assembled.
 *
 * @author kafka-task
 */
class FaultScenarioSmokeIntegrationTests {

	private static final JsonMapper JSON = new JsonMapper();

	private static final List<String> ALL_FAULTS = List.of("broker-kill", "below-min-insync", "worker-kill",
			"rolling-restart", "network", "soak");

	/**
	 * One fault of each injection: a broker process, a worker JVM, the network.
	 */
	private static final List<String> DEFAULT_FAULTS = List.of("broker-kill", "worker-kill", "network");

	private static final List<String> FAULTS = faults(System.getProperty("kafkatask.fault-smoke.faults"));

	private static final List<String> NUMBERS = List.of("dispatched", "acknowledged", "dispatchErrors",
			"dispatchUnresolved", "ran", "acknowledgedNeverRun", "failedButRan", "ranTwice", "ranTwiceBound",
			"uncommittedFinishedMax", "longestCompletionGapMs", "preFaultRate", "secondsBelowRate", "faultSeconds",
			"runDelayMaxMs", "quorumLeaderBefore", "groupCoordinatorBefore");

	private static final List<String> FIELDS = List.of("dispatchErrorTypes", "dispatchErrorSample", "recoverySeconds",
			"recoveryAfterRestoreSeconds", "completionsPerSecond", "events", "settings");

	private static final List<String> SETTINGS = List.of("rate", "replicationFactor", "topic.min.insync.replicas",
			"topic.unclean.leader.election.enable", "producer.acks", "producer.enable.idempotence",
			"producer.delivery.timeout.ms", "commitInterval", "maxInFlight", "groupProtocol",
			"broker.group.consumer.session.timeout.ms", "broker.broker.session.timeout.ms");

	@TempDir
	Path directory;

	@Test
	void whenBrokersWorkersAndTheNetworkFailThenEveryAcknowledgedTaskRuns() throws Exception {
		long begin = System.nanoTime();
		Path script = repositoryRoot().resolve("scripts/kafka-cluster.sh");
		Process libs = run(List.of("bash", script.toString(), "libs"), "libs", 600);
		String libsOutput = output("libs");
		Assumptions.assumeTrue(libs.exitValue() == 0,
				() -> "Kafka's jars cannot be assembled (scripts/kafka-cluster.sh libs):\n" + libsOutput);
		Path cluster = this.directory.resolve("cluster");
		Process started = run(List.of("bash", script.toString(), "start", "--dir", cluster.toString(), "--base-port",
				Integer.toString(freeBasePort()), "--heap", "256m", "--partitions", "3", "--ttl", "720", "--owner",
				Long.toString(ProcessHandle.current().pid()), "--config", "group.consumer.min.heartbeat.interval.ms=100",
				"--config", "group.consumer.heartbeat.interval.ms=500", "--config",
				"group.consumer.min.session.timeout.ms=6000", "--config", "group.consumer.session.timeout.ms=6000"),
				"start", 180);
		try {
			assertThat(started.exitValue()).as("kafka-cluster.sh start:%n%s", output("start")).isZero();
			String bootstrap = output("start").lines()
				.filter((line) -> line.startsWith("bootstrap="))
				.findFirst()
				.orElseThrow()
				.substring("bootstrap=".length());
			List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
					"-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
					BenchmarkMain.class.getName(), "faults", "--bootstrap-servers", bootstrap, "--cluster-dir",
					cluster.toString(), "--cluster-script", script.toString(), "--faults",
					String.join(",", FAULTS), "--workers", "2", "--partitions", "3", "--rate", "100", "--steady-s",
					"4", "--after-recovery-s", "2", "--hold-s", "3", "--stall-s", "3", "--drop-s", "5", "--soak-s",
					"20", "--fault-timeout-s", "120", "--timeout-s", "540"));
			Process scenario = run(command, "faults", 600);
			List<String> lines = Files.readAllLines(this.directory.resolve("faults.out"), StandardCharsets.UTF_8);
			assertThat(scenario.exitValue()).as("exit status; output:%n%s%nlog:%n%s", tail(lines, 30), log())
				.isZero();
			List<JsonNode> results = lines.stream().filter((line) -> line.startsWith("{")).map(JSON::readTree).toList();
			assertThat(results).as("JSON lines in%n%s", tail(lines, 30)).hasSize(FAULTS.size() + 1);
			for (int i = 0; i < FAULTS.size(); i++) {
				JsonNode fault = results.get(i);
				System.out.printf("%s: %.1f s, %d acknowledged, %d dispatch errors, %d ran twice%n", FAULTS.get(i),
						fault.path("seconds").asDouble(), fault.path("acknowledged").asLong(),
						fault.path("dispatchErrors").asLong(), fault.path("ranTwice").asLong());
				assertFault(fault, FAULTS.get(i));
			}
			System.out.printf("faults smoke: %.0f s in all%n", (System.nanoTime() - begin) / 1e9);
			if (FAULTS.contains("soak")) {
				JsonNode soak = results.get(FAULTS.indexOf("soak"));
				assertThat(soak.path("soakWorkers").size()).as("workers sampled in %s", soak).isEqualTo(2);
				soak.path("soakWorkers").forEach((worker) -> {
					assertThat(worker.path("samples").asInt()).as("samples in %s", worker)
						.isGreaterThanOrEqualTo(SoakStats.MIN_SAMPLES);
					assertThat(worker.path("heapLastMb").isNumber()).as("heap in %s", worker).isTrue();
					assertThat(worker.path("threadsLast").isNumber()).as("threads in %s", worker).isTrue();
				});
			}
			if (FAULTS.contains("network")) {
				JsonNode network = results.get(FAULTS.indexOf("network"));
				assertThat(network.path("proxyConnectionsAccepted").asLong())
					.as("connections through the proxy in %s", network)
					.isPositive();
				assertThat(network.path("proxySocketsDropped").asLong()).as("connections dropped in %s", network)
					.isPositive();
			}
			JsonNode summary = results.get(FAULTS.size());
			assertThat(summary.path("scenario").asString()).isEqualTo("faults");
			assertThat(summary.has("error")).as("error in %s", summary).isFalse();
		}
		finally {
			run(List.of("bash", script.toString(), "stop", "--dir", cluster.toString()), "stop", 120);
		}
	}

	private static List<String> faults(@Nullable String property) {
		if (property == null || property.isBlank()) {
			return DEFAULT_FAULTS;
		}
		if (property.strip().equals("all")) {
			return ALL_FAULTS;
		}
		List<String> faults = Arrays.stream(property.split(",")).map(String::strip).toList();
		Assert.isTrue(ALL_FAULTS.containsAll(faults), () -> "kafkatask.fault-smoke.faults: " + property
				+ " names a fault other than " + ALL_FAULTS + " or 'all'");
		return faults;
	}

	private static void assertFault(JsonNode fault, String name) {
		assertThat(fault.path("fault").asString()).isEqualTo(name);
		for (String field : NUMBERS) {
			assertThat(fault.path(field).isNumber()).as("numeric field '%s' in %s", field, fault).isTrue();
		}
		for (String field : FIELDS) {
			assertThat(fault.has(field)).as("field '%s' in %s", field, fault).isTrue();
		}
		for (String setting : SETTINGS) {
			assertThat(fault.path("settings").path(setting).isMissingNode()).as("setting '%s' in %s", setting, fault)
				.isFalse();
		}
		assertThat(fault.path("drained").asBoolean()).as("every acknowledged task ran in time, in %s", fault).isTrue();
		assertThat(fault.path("acknowledgedNeverRun").asLong()).as("acknowledged, never run, in %s", fault).isZero();
		assertThat(fault.path("dispatchUnresolved").asLong()).as("dispatches never answered, in %s", fault).isZero();
		assertThat(fault.path("acknowledged").asLong()).as("acknowledged, in %s", fault).isPositive();
		assertThat(fault.path("ranTwice").asLong()).as("ran twice, in %s", fault)
			.isLessThanOrEqualTo(fault.path("ranTwiceBound").asLong());
		assertThat(fault.path("settings").path("replicationFactor").asInt()).isEqualTo(3);
		assertThat(fault.path("settings").path("topic.min.insync.replicas").asString()).isEqualTo("2");
	}

	private Process run(List<String> command, String name, int timeoutSeconds) throws Exception {
		Process process = new ProcessBuilder(command).redirectOutput(this.directory.resolve(name + ".out").toFile())
			.redirectError(this.directory.resolve(name + ".err").toFile())
			.start();
		if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
			process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
			throw new AssertionError(String.join(" ", command.subList(0, Math.min(6, command.size())))
					+ "... did not finish within " + timeoutSeconds + " s; output:\n" + output(name));
		}
		return process;
	}

	private String output(String name) throws IOException {
		return Files.readString(this.directory.resolve(name + ".out"), StandardCharsets.UTF_8)
				+ Files.readString(this.directory.resolve(name + ".err"), StandardCharsets.UTF_8);
	}

	/**
	 * Return the end of the scenario's log and of its workers' logs.
	 */
	private String log() throws IOException {
		StringBuilder text = new StringBuilder(
				tail(Files.readAllLines(this.directory.resolve("faults.err"), StandardCharsets.UTF_8), 40));
		try (Stream<Path> files = Files.walk(this.directory.resolve("cluster"))) {
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

	/**
	 * Return a port from which the cluster's twelve ports are free on the loopback interface,
	 * below the kernel's range of ephemeral ports: a port of that range, free when checked, can
	 * be taken by any outgoing connection before the brokers bind it.
	 */
	private static int freeBasePort() throws IOException {
		int ephemeralStart = 32_768;
		Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
		if (Files.isReadable(range)) {
			// by lines: Files.readString returned only the first byte of this /proc file (JDK 25.0.3)
			ephemeralStart = Integer.parseInt(Files.readAllLines(range).get(0).trim().split("\\s+")[0]);
		}
		int low = 10_000;
		int high = ephemeralStart - 12;
		if (high <= low) {
			throw new IOException("No ports below the ephemeral range (" + ephemeralStart + ") to run the cluster on");
		}
		InetAddress loopback = InetAddress.getLoopbackAddress();
		for (int attempt = 0; attempt < 100; attempt++) {
			int base = ThreadLocalRandom.current().nextInt(low, high);
			boolean free = true;
			for (int port = base; free && port < base + 12; port++) {
				try (ServerSocket socket = new ServerSocket(port, 1, loopback)) {
					socket.setReuseAddress(false);
				}
				catch (IOException ex) {
					free = false;
				}
			}
			if (free) {
				return base;
			}
		}
		throw new IOException("No twelve free loopback ports in a row found between " + low + " and " + high);
	}

	private static Path repositoryRoot() {
		Path directory = Path.of("").toAbsolutePath();
		while (directory != null && !Files.exists(directory.resolve("scripts/kafka-cluster.sh"))) {
			directory = directory.getParent();
		}
		if (directory == null) {
			throw new IllegalStateException("scripts/kafka-cluster.sh not found above " + Path.of("").toAbsolutePath());
		}
		return directory;
	}

}
