package dev.kafkatask.test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A standalone Kafka broker process for fault tests, started and stopped with the repository's
 * {@code scripts/kafka-broker.sh} (Apache Kafka's own server jars). Unlike the in-process
 * broker it survives the test's own worker processes being killed.
 *
 * @author kafka-task
 */
public final class StandaloneKafka implements AutoCloseable {

	private final Path script;

	private final Path directory;

	private final String bootstrapServers;

	private StandaloneKafka(Path script, Path directory, String bootstrapServers) {
		this.script = script;
		this.directory = directory;
		this.bootstrapServers = bootstrapServers;
	}

	/**
	 * Start a broker on a free loopback port with its data under the given directory. Consumer
	 * groups heartbeat every 500 ms (Kafka's default: 5 s) and their members' sessions time out
	 * as given (Kafka's default and least: 45 s), so that a killed worker's partitions move on
	 * soon.
	 * @param directory the data directory
	 * @param partitions the default partitions of new topics
	 * @param sessionTimeout the session timeout of consumer groups, longer than the heartbeat
	 * @return the running broker
	 * @throws IOException if the script cannot be run or fails
	 * @throws InterruptedException if interrupted while it starts
	 */
	public static StandaloneKafka start(Path directory, int partitions, Duration sessionTimeout)
			throws IOException, InterruptedException {
		Path script = repositoryRoot().resolve("scripts/kafka-broker.sh");
		String session = Long.toString(sessionTimeout.toMillis());
		List<String> command = new ArrayList<>(List.of("bash", script.toString(), "start", "--port",
				Integer.toString(freePort()), "--controller-port", Integer.toString(freePort()), "--dir",
				directory.toString(), "--partitions", Integer.toString(partitions), "--config",
				"group.consumer.min.heartbeat.interval.ms=100", "--config", "group.consumer.heartbeat.interval.ms=500",
				"--config", "group.consumer.min.session.timeout.ms=" + session, "--config",
				"group.consumer.session.timeout.ms=" + session));
		String output = run(command, 300);
		String bootstrap = output.lines()
			.filter((line) -> line.startsWith("bootstrap="))
			.findFirst()
			.orElseThrow(() -> new IOException("kafka-broker.sh printed no bootstrap address:\n" + output))
			.substring("bootstrap=".length());
		return new StandaloneKafka(script, directory, bootstrap);
	}

	public String bootstrapServers() {
		return this.bootstrapServers;
	}

	@Override
	public void close() throws IOException, InterruptedException {
		run(List.of("bash", this.script.toString(), "stop", "--dir", this.directory.toString()), 60);
	}

	private static String run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
		Path output = Files.createTempFile("kafka-broker", ".log");
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(output.toFile())
			.start();
		if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IOException("kafka-broker.sh did not finish within " + timeoutSeconds + " s");
		}
		String text = Files.readString(output, StandardCharsets.UTF_8);
		Files.deleteIfExists(output);
		if (process.exitValue() != 0) {
			throw new IOException("kafka-broker.sh failed (" + process.exitValue() + "):\n" + text);
		}
		return text;
	}

	private static Path repositoryRoot() {
		Path directory = Path.of("").toAbsolutePath();
		while (directory != null && !Files.exists(directory.resolve("scripts/kafka-broker.sh"))) {
			directory = directory.getParent();
		}
		if (directory == null) {
			throw new IllegalStateException("scripts/kafka-broker.sh not found above " + Path.of("").toAbsolutePath());
		}
		return directory;
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
